from odoo import SUPERUSER_ID, models

from ..odoo_series import group_users


class AiciActivityMixin(models.AbstractModel):
    """Warning activities asking a human to act on an Urssaf event.

    The activity goes to the record's natural owner
    (:meth:`_l10n_fr_aici_responsible_user`: the client's salesperson, the
    invoice's salesperson…), else to the company's *Responsable avance
    immédiate*, else to the company's first billing administrator: never to
    OdooBot, whose scheduled jobs raise most of these events.
    """

    _name = "l10n_fr_aici.activity.mixin"
    _description = "Avance immédiate warnings"

    def _l10n_fr_aici_responsible_user(self):
        """The record's natural owner, if any (override)."""
        return self.env["res.users"]

    def _l10n_fr_aici_activity_company(self):
        """The company whose responsible receives the activity (override)."""
        company = self["company_id"] if "company_id" in self._fields else False
        return company or self.env.company

    def _l10n_fr_aici_activity_user(self):
        self.ensure_one()
        company = self._l10n_fr_aici_activity_company()
        candidates = [
            self._l10n_fr_aici_responsible_user(),
            company.l10n_fr_aici_responsible_id,
            group_users(self.env.ref("account.group_account_manager")).sorted("id"),
            self.env.ref("base.user_admin", raise_if_not_found=False),
        ]
        for users in candidates:
            for user in users or ():
                if (
                    user.active
                    and not user.share
                    and user.id != SUPERUSER_ID
                    and company in user.company_ids
                ):
                    return user
        return self.env["res.users"]

    def _l10n_fr_aici_warn(self, note):
        self.ensure_one()
        user = self._l10n_fr_aici_activity_user()
        self.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=self.env._("Avance immédiate: action needed"),
            note=note,
            user_id=user.id or self.env.ref("base.user_admin").id,
        )
