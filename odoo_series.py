"""What differs, for this add-on's Python code, between the Odoo series it supports.

The running series is read once, here; the rest of the add-on calls these helpers
instead of testing versions itself. XML that differs lives in ``series/<series>/``
(see ``scripts/build``).
"""

from odoo import release

ODOO_MAJOR = release.version_info[0]

if ODOO_MAJOR >= 19:
    from odoo.fields import Domain

    def domain_or(domains):
        """Any of these domains (19.0: ``Domain``; ``odoo.osv`` is deprecated)."""
        return Domain.OR(domains)

else:
    from odoo.osv import expression

    def domain_or(domains):
        """Any of these domains (18.0: ``odoo.osv.expression``)."""
        return expression.OR(domains)


def report_cron_progress(env, done, remaining):
    """Tell Odoo's scheduler how far a job is, so that it runs again at once while
    work remains (18.0: ``_notify_progress``; 19.0: ``_commit_progress``, which
    also commits, as each batch of these jobs does anyway)."""
    cron = env["ir.cron"]
    if ODOO_MAJOR >= 19:
        # Outside a scheduled run (a test, a shell) it would only commit.
        if env.context.get("ir_cron_progress_id"):
            cron._commit_progress(done, remaining=remaining)
    else:
        cron._notify_progress(done=done, remaining=remaining)


def user_groups_field(env):
    """The name of a user's groups (18.0: ``groups_id``; 19.0: ``group_ids``)."""
    return "group_ids" if "group_ids" in env["res.users"]._fields else "groups_id"


def partner_mobile_field(env):
    """Where a contact's mobile number is kept (19.0 has ``phone`` only)."""
    return "mobile" if "mobile" in env["res.partner"]._fields else "phone"


def product_uom_values(env, uom):
    """Units of a new product (18.0 also has a purchase unit, 19.0 not)."""
    values = {"uom_id": uom.id}
    if "uom_po_id" in env["product.product"]._fields:
        values["uom_po_id"] = uom.id
    return values


def company_siret_field(env):
    return "siret" if "siret" in env["res.company"]._fields else "company_registry"


def partner_mobile(partner):
    """The contact's mobile number (19.0 has no ``mobile`` field any more)."""
    return partner.mobile if "mobile" in partner._fields else ""


def company_siret(company):
    """The company's SIRET: ``siret`` of l10n_fr on 18.0, ``company_registry`` when
    that field is absent."""
    if "siret" in company._fields:
        return company.siret
    return company.company_registry


def partner_siret(partner):
    """A contact's SIRET where the series has that field (l10n_fr on 18.0)."""
    return partner.siret if "siret" in partner._fields else ""


def is_time_unit(env, uom):
    """Whether a unit of measure counts time (hours, days…): its category on 18.0,
    a common reference with the hour on 19.0 (categories are gone)."""
    if not uom:
        return False
    hour = env.ref("uom.product_uom_hour", raise_if_not_found=False)
    if not hour:
        return False
    if "category_id" in uom._fields:
        return uom.category_id == hour.category_id
    return uom._has_common_reference(hour)


def group_users(group):
    """The users of a group (``users`` on 18.0, ``user_ids`` on 19.0)."""
    return group.users if "users" in group._fields else group.user_ids
