from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..urssaf.catalogues import (
    FRANCE_INSEE_COUNTRY,
    PARTICULIER_STATUSES,
    STREET_LETTERS,
    STREET_TYPES,
)
from ..urssaf.data_types import Address, BankAccount, BirthPlace, Particulier
from ..urssaf.errors import BusinessError, UrssafError
from ..urssaf.payload import build_particulier, normalize_iban
from ..urssaf.prefill import parse_street, split_person_name
from ..urssaf.responses import parse_particulier_status
from ..urssaf.tracking import particulier_next_check
from ..urssaf.validators import validate_particulier

AICI_PARTNER_STATES = [
    ("not_enrolled", "Not enrolled"),
    ("waiting", "Waiting for activation"),
    ("active", "Active"),
    ("not_finalised", "Not finalised"),
    ("blocked", "Blocked"),
    ("mandate_expired", "Mandate expired"),
    ("error", "Error"),
]

# Our data names (as used by urssaf.validators and the error catalogue) -> fields.
_DATA_FIELDS = {
    "civility": "l10n_fr_aici_civility",
    "birth_name": "l10n_fr_aici_birth_name",
    "usage_name": "l10n_fr_aici_usage_name",
    "first_names": "l10n_fr_aici_first_names",
    "birth_date": "l10n_fr_aici_birth_date",
    "birth_place": "l10n_fr_aici_birth_country_code",
    "birth_place.country_code": "l10n_fr_aici_birth_country_code",
    "birth_place.commune_code": "l10n_fr_aici_birth_commune_code",
    "birth_place.commune_label": "l10n_fr_aici_birth_commune_label",
    "mobile": "l10n_fr_aici_mobile",
    "email": "l10n_fr_aici_email",
    "address.street_number": "l10n_fr_aici_street_number",
    "address.street_letter": "l10n_fr_aici_street_letter",
    "address.street_type": "l10n_fr_aici_street_type",
    "address.street_label": "l10n_fr_aici_street_label",
    "address.complement": "l10n_fr_aici_address_complement",
    "address.lieu_dit": "l10n_fr_aici_lieu_dit",
    "address.commune_code": "l10n_fr_aici_commune_code",
    "address.commune_label": "l10n_fr_aici_commune_label",
    "address.postcode": "l10n_fr_aici_zip",
    "address.country_code": "l10n_fr_aici_country_code",
    "bank.iban": "l10n_fr_aici_iban",
    "bank.bic": "l10n_fr_aici_bic",
    "bank.holder": "l10n_fr_aici_bank_holder",
}

# Group allowed to see personal data (birth data, bank account) and to enrol.
_PERSONAL_GROUP = "l10n_fr_aici.group_aici_manager"


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "l10n_fr_aici.activity.mixin"]

    # --- Identity, as on the client's tax notice -------------------------------
    l10n_fr_aici_civility = fields.Selection(
        [("1", "Mr"), ("2", "Mrs")], string="Civility (Urssaf)"
    )
    l10n_fr_aici_birth_name = fields.Char(string="Birth Name")
    l10n_fr_aici_usage_name = fields.Char(
        string="Usage Name", help="Married name, only when it differs."
    )
    l10n_fr_aici_first_names = fields.Char(
        string="First Names",
        help="All first names as written on the tax notice, separated by spaces.",
    )
    l10n_fr_aici_birth_date = fields.Date(string="Birth Date", groups=_PERSONAL_GROUP)
    l10n_fr_aici_birth_country_code = fields.Char(
        string="Birth Country (INSEE)",
        default=FRANCE_INSEE_COUNTRY,
        help="INSEE code of the country of birth: 99100 for France.",
        groups=_PERSONAL_GROUP,
    )
    l10n_fr_aici_birth_commune_code = fields.Char(
        string="Birth Commune (INSEE)",
        help="INSEE code of the commune of birth as it was at the date of birth "
        "(for example 69123 for Lyon, 2A004 for Ajaccio). Not the postcode.",
        groups=_PERSONAL_GROUP,
    )
    l10n_fr_aici_birth_commune_label = fields.Char(
        string="Birth Commune", groups=_PERSONAL_GROUP
    )
    # --- Contact --------------------------------------------------------------
    l10n_fr_aici_mobile = fields.Char(
        string="Mobile (Urssaf)", help="French mobile number: 06, 07 or +336/+337."
    )
    l10n_fr_aici_email = fields.Char(string="E-mail (Urssaf)")
    # --- Residence address ----------------------------------------------------
    l10n_fr_aici_street_number = fields.Char(string="Street Number")
    l10n_fr_aici_street_letter = fields.Selection(
        list(STREET_LETTERS.items()), string="Repetition Letter"
    )
    l10n_fr_aici_street_type = fields.Selection(
        sorted(STREET_TYPES.items(), key=lambda item: item[1]), string="Street Type"
    )
    l10n_fr_aici_street_label = fields.Char(string="Street Name")
    l10n_fr_aici_address_complement = fields.Char(string="Address Complement")
    l10n_fr_aici_lieu_dit = fields.Char(string="Locality (lieu-dit)")
    l10n_fr_aici_commune_code = fields.Char(
        string="Commune (INSEE)",
        help="INSEE code of the commune of residence (for example 69381 for "
        "Lyon 1er). Not the postcode.",
    )
    l10n_fr_aici_commune_label = fields.Char(string="Commune")
    l10n_fr_aici_zip = fields.Char(string="Postcode (Urssaf)")
    l10n_fr_aici_country_code = fields.Char(
        string="Country (INSEE)", default=FRANCE_INSEE_COUNTRY
    )
    # --- Bank account debited by Urssaf ----------------------------------------
    # Not a res.partner.bank: every invoicing user may read those (Odoo's billing
    # officer rule), while this account is personal data reserved to the group.
    l10n_fr_aici_iban = fields.Char(string="IBAN (Urssaf)", groups=_PERSONAL_GROUP)
    l10n_fr_aici_bic = fields.Char(string="BIC (Urssaf)", groups=_PERSONAL_GROUP)
    l10n_fr_aici_bank_holder = fields.Char(
        string="Account Holder (Urssaf)", groups=_PERSONAL_GROUP
    )
    l10n_fr_aici_data_checked = fields.Boolean(
        string="Data Checked",
        help="Tick once the identity, address and bank data were checked with the "
        "client (tax notice, bank details). Pre-filled data must be checked.",
        copy=False,
    )
    # --- Enrolment and link status ------------------------------------------
    l10n_fr_aici_state = fields.Selection(
        AICI_PARTNER_STATES,
        string="Avance Immédiate",
        default="not_enrolled",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )
    l10n_fr_aici_id_client = fields.Char(
        string="Urssaf Client ID", copy=False, index="btree_not_null", readonly=True
    )
    l10n_fr_aici_enrolment_date = fields.Datetime(
        string="Enrolment Date", copy=False, readonly=True
    )
    l10n_fr_aici_company_id = fields.Many2one(
        "res.company",
        string="Enrolled By Company",
        copy=False,
        readonly=True,
        help="The provider whose Urssaf credentials enrolled this client.",
    )
    l10n_fr_aici_enrolled_by_id = fields.Many2one(
        "res.users", string="Enrolled By", copy=False, readonly=True
    )
    l10n_fr_aici_status_code = fields.Char(
        string="Urssaf Status", copy=False, readonly=True
    )
    l10n_fr_aici_status_description = fields.Char(
        string="Urssaf Status Detail", copy=False, readonly=True
    )
    l10n_fr_aici_activation_datetime = fields.Datetime(
        string="Active Since",
        copy=False,
        readonly=True,
        help="Payment requests are accepted for services from this moment on.",
    )
    l10n_fr_aici_last_check = fields.Datetime(
        string="Last Status Check", copy=False, readonly=True
    )
    l10n_fr_aici_next_check = fields.Datetime(copy=False, readonly=True, index=True)
    l10n_fr_aici_last_error = fields.Text(
        string="Last Urssaf Error", copy=False, readonly=True
    )
    l10n_fr_aici_waiting_alert_sent = fields.Boolean(copy=False, readonly=True)
    l10n_fr_aici_exchange_ids = fields.Many2many(
        "l10n_fr_aici.exchange",
        "l10n_fr_aici_exchange_partner_rel",
        "partner_id",
        "exchange_id",
        string="Urssaf Exchanges",
        groups=_PERSONAL_GROUP,
    )
    l10n_fr_aici_problems = fields.Text(
        string="Data to Fix",
        compute="_compute_aici_problems",
        compute_sudo=True,
        # The messages quote the values (birth place, IBAN…): personal data.
        groups=_PERSONAL_GROUP,
        help="Every problem the pre-flight checks find in the data that would be "
        "sent to Urssaf.",
    )

    @api.depends(
        "l10n_fr_aici_civility",
        "l10n_fr_aici_birth_name",
        "l10n_fr_aici_usage_name",
        "l10n_fr_aici_first_names",
        "l10n_fr_aici_birth_date",
        "l10n_fr_aici_birth_country_code",
        "l10n_fr_aici_birth_commune_code",
        "l10n_fr_aici_birth_commune_label",
        "l10n_fr_aici_mobile",
        "l10n_fr_aici_email",
        "l10n_fr_aici_street_number",
        "l10n_fr_aici_street_letter",
        "l10n_fr_aici_street_type",
        "l10n_fr_aici_street_label",
        "l10n_fr_aici_address_complement",
        "l10n_fr_aici_lieu_dit",
        "l10n_fr_aici_commune_code",
        "l10n_fr_aici_commune_label",
        "l10n_fr_aici_zip",
        "l10n_fr_aici_country_code",
        "l10n_fr_aici_iban",
        "l10n_fr_aici_bic",
        "l10n_fr_aici_bank_holder",
    )
    def _compute_aici_problems(self):
        today = fields.Date.context_today(self)
        for partner in self:
            if partner.is_company:
                partner.l10n_fr_aici_problems = False
                continue
            problems = validate_particulier(
                partner._l10n_fr_aici_particulier(), today=today
            )
            partner.l10n_fr_aici_problems = (
                "\n".join(p.message for p in problems) or False
            )

    @api.constrains(
        "l10n_fr_aici_iban",
        "l10n_fr_aici_bic",
        "l10n_fr_aici_mobile",
        "l10n_fr_aici_email",
        "l10n_fr_aici_birth_commune_code",
        "l10n_fr_aici_commune_code",
        "l10n_fr_aici_zip",
    )
    def _check_aici_formats(self):
        """Reject malformed values at save; completeness is checked at enrolment."""
        fields_to_check = {
            "bank.iban": "l10n_fr_aici_iban",
            "bank.bic": "l10n_fr_aici_bic",
            "mobile": "l10n_fr_aici_mobile",
            "email": "l10n_fr_aici_email",
            "birth_place.commune_code": "l10n_fr_aici_birth_commune_code",
            "address.commune_code": "l10n_fr_aici_commune_code",
            "address.postcode": "l10n_fr_aici_zip",
        }
        today = fields.Date.context_today(self)
        for partner in self.sudo():
            filled = {k for k, name in fields_to_check.items() if partner[name]}
            if not filled:
                continue
            problems = [
                p
                for p in validate_particulier(
                    partner._l10n_fr_aici_particulier(), today=today
                )
                if p.field in filled
            ]
            if problems:
                raise ValidationError("\n".join(p.message for p in problems))

    @api.onchange("l10n_fr_aici_iban")
    def _onchange_aici_iban(self):
        # Harmless normalisation only: spaces removed, upper case.
        if self.l10n_fr_aici_iban:
            self.l10n_fr_aici_iban = normalize_iban(self.l10n_fr_aici_iban)

    def write(self, vals):
        result = super().write(vals)
        if "l10n_fr_aici_state" in vals:
            # Every invoice of the client, whoever changed its status.
            invoices = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                        ("l10n_fr_aici_request_id", "=", False),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                    ]
                )
            )
            invoices._l10n_fr_aici_update_readiness()
        return result

    # ------------------------------------------------------------------ data
    def _l10n_fr_aici_particulier(self):
        """The partner's registration data as plain data for ``urssaf``."""
        self.ensure_one()
        partner = self.sudo()
        return Particulier(
            civility=partner.l10n_fr_aici_civility or "",
            birth_name=partner.l10n_fr_aici_birth_name or "",
            usage_name=partner.l10n_fr_aici_usage_name or None,
            first_names=partner.l10n_fr_aici_first_names or "",
            birth_date=partner.l10n_fr_aici_birth_date or None,
            birth_place=BirthPlace(
                country_code=partner.l10n_fr_aici_birth_country_code or "",
                commune_code=partner.l10n_fr_aici_birth_commune_code or None,
                commune_label=partner.l10n_fr_aici_birth_commune_label or None,
            ),
            mobile=partner.l10n_fr_aici_mobile or "",
            email=partner.l10n_fr_aici_email or "",
            address=Address(
                commune_code=partner.l10n_fr_aici_commune_code or "",
                commune_label=partner.l10n_fr_aici_commune_label or "",
                postcode=partner.l10n_fr_aici_zip or "",
                country_code=partner.l10n_fr_aici_country_code or "",
                street_number=partner.l10n_fr_aici_street_number or None,
                street_letter=partner.l10n_fr_aici_street_letter or None,
                street_type=partner.l10n_fr_aici_street_type or None,
                street_label=partner.l10n_fr_aici_street_label or None,
                complement=partner.l10n_fr_aici_address_complement or None,
                lieu_dit=partner.l10n_fr_aici_lieu_dit or None,
            ),
            bank=BankAccount(
                iban=partner.l10n_fr_aici_iban or "",
                bic=partner.l10n_fr_aici_bic or "",
                holder=partner.l10n_fr_aici_bank_holder or "",
            ),
        )

    def _l10n_fr_aici_prefill_values(self):
        """Guesses for the empty registration fields, from the contact's data."""
        self.ensure_one()
        partner = self.sudo()
        values = {}

        def offer(field, value):
            if value and not partner[field]:
                values[field] = value

        first, last = split_person_name(partner.name)
        offer("l10n_fr_aici_first_names", first)
        offer("l10n_fr_aici_birth_name", last)
        offer("l10n_fr_aici_email", partner.email and partner.email.strip())
        phone = partner.mobile or partner.phone or ""
        offer("l10n_fr_aici_mobile", phone.replace(" ", "").replace(".", ""))
        if not any(
            partner[f]
            for f in (
                "l10n_fr_aici_street_label",
                "l10n_fr_aici_street_number",
                "l10n_fr_aici_street_type",
            )
        ):
            street = parse_street(partner.street)
            offer("l10n_fr_aici_street_number", street.get("street_number"))
            offer("l10n_fr_aici_street_letter", street.get("street_letter"))
            offer("l10n_fr_aici_street_type", street.get("street_type"))
            offer("l10n_fr_aici_street_label", street.get("street_label"))
        offer("l10n_fr_aici_address_complement", partner.street2)
        offer("l10n_fr_aici_zip", partner.zip)
        offer("l10n_fr_aici_commune_label", partner.city and partner.city.upper())
        bank = partner.bank_ids[:1]
        if bank:
            offer("l10n_fr_aici_iban", normalize_iban(bank.acc_number or ""))
            offer("l10n_fr_aici_bic", bank.bank_id.bic)
            offer("l10n_fr_aici_bank_holder", bank.acc_holder_name or partner.name)
        return values

    # --------------------------------------------------------------- actions
    def action_aici_prefill(self):
        """Fill empty registration fields from the contact; they must be checked."""
        self._l10n_fr_aici_check_manager()
        for partner in self:
            values = partner._l10n_fr_aici_prefill_values()
            if not values:
                continue
            partner.l10n_fr_aici_data_checked = False
            refused = []
            for field, value in values.items():
                # A value Urssaf would refuse (an e-mail with "+", a landline)
                # is left empty rather than saved, and the reason is noted.
                try:
                    with self.env.cr.savepoint():
                        partner.write({field: value})
                except ValidationError:
                    refused.append(self._fields[field].get_description(self.env))
            if refused:
                # Labels only: the chatter is visible beyond the group allowed
                # to see the values (e-mail, IBAN).
                partner.message_post(
                    body=_(
                        "Not pre-filled, as the checks refuse the contact's "
                        "value, to complete by hand: %(fields)s",
                        fields=", ".join(f["string"] for f in refused),
                    )
                )
        return True

    def action_aici_open_enrolment(self):
        self._l10n_fr_aici_check_manager()
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Enrol for the avance immédiate"),
            "res_model": "l10n_fr_aici.enrolment.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.ids},
        }

    def action_aici_refresh_status(self):
        self._l10n_fr_aici_check_manager()
        partners = self.filtered("l10n_fr_aici_id_client")
        if not partners:
            raise UserError(_("These contacts are not enrolled with Urssaf yet."))
        partners._l10n_fr_aici_refresh_status()
        return True

    def _l10n_fr_aici_check_manager(self):
        if not self.env.user.has_group(_PERSONAL_GROUP):
            raise UserError(
                _(
                    "Only members of the group 'Avance immédiate / Manager' can "
                    "enrol clients and manage their Urssaf data."
                )
            )

    # ------------------------------------------------------------- business
    def _l10n_fr_aici_enrol(self, company, client):
        """Register the partner with Urssaf. Returns None or an error text.

        Never raises for an Urssaf refusal: the attempt is recorded on the
        partner and in the chatter, and the data the user typed is kept.
        """
        self.ensure_one()
        payload = build_particulier(self._l10n_fr_aici_particulier())
        try:
            with client.on_exchange.concerning(partners=self):
                id_client = client.register_particulier(payload)
        except BusinessError as error:
            text = "\n".join(self._l10n_fr_aici_explain(e) for e in error.errors)
            self._l10n_fr_aici_record_failure(text)
            return text
        except UrssafError as error:
            text = error.explain()
            if error.maybe_received:
                text += " " + _(
                    "Urssaf may nevertheless have registered the client: if a new "
                    "attempt answers that the client is already registered, ask "
                    "Urssaf for the client's identifier."
                )
            self._l10n_fr_aici_record_failure(text)
            return text
        now = fields.Datetime.now()
        self.write(
            {
                "l10n_fr_aici_id_client": id_client,
                "l10n_fr_aici_company_id": company.id,
                "l10n_fr_aici_enrolment_date": now,
                "l10n_fr_aici_enrolled_by_id": self.env.user.id,
                "l10n_fr_aici_state": "waiting",
                "l10n_fr_aici_status_code": "APPAREILLAGE_EC",
                "l10n_fr_aici_status_description": PARTICULIER_STATUSES[
                    "APPAREILLAGE_EC"
                ],
                "l10n_fr_aici_last_error": False,
                "l10n_fr_aici_next_check": particulier_next_check("waiting", now),
                "l10n_fr_aici_waiting_alert_sent": False,
            }
        )
        if self.env["account.move"]._can_commit():
            # Urssaf registered the client: its id must survive any later
            # rollback, as there is no way to look it up again.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self.message_post(
            body=_(
                "Client enrolled for the avance immédiate (Urssaf client ID "
                "%(id_client)s). The client must now activate the link: within 7 "
                "days with the e-mail received from Urssaf, or by accepting the "
                "link in their existing particulier.urssaf.fr space.",
                id_client=id_client,
            )
        )
        return None

    def _l10n_fr_aici_explain(self, api_error):
        """Urssaf's refusal in French, with the label of the field to fix."""
        text = f"[{api_error.code}] {api_error.explain()}"
        field = self._fields.get(_DATA_FIELDS.get(api_error.field, ""))
        if field:
            text += " " + _(
                "Field to fix: %(field)s.",
                field=field.get_description(self.env)["string"],
            )
        return text

    def _l10n_fr_aici_record_failure(self, text):
        self.write({"l10n_fr_aici_last_error": text})
        self.message_post(
            body=_("Urssaf enrolment attempt failed: %(error)s", error=text)
        )

    def _l10n_fr_aici_refresh_status(self):
        """Ask Urssaf for the link status of these partners, company by company."""
        done = self.browse()
        for company, partners in self._l10n_fr_aici_group_by_company():
            try:
                client = company._l10n_fr_aici_client()
            except UserError as error:
                # Not configured: recorded on the clients, retried later, and
                # the scheduled job goes on with the other companies.
                partners.write(
                    {
                        "l10n_fr_aici_last_error": str(error),
                        "l10n_fr_aici_next_check": fields.Datetime.now()
                        + timedelta(hours=1),
                    }
                )
                continue
            partners = partners.with_context(lang=company._l10n_fr_aici_lang())
            with client:
                for partner in partners:
                    partner._l10n_fr_aici_refresh_one(client)
                    done |= partner
        return done

    def _l10n_fr_aici_group_by_company(self):
        """Partners by the company that enrolled them (its credentials apply)."""
        groups = {}
        for partner in self:
            company = partner.l10n_fr_aici_company_id or self.env.company
            groups.setdefault(company, self.browse())
            groups[company] |= partner
        return groups.items()

    def _l10n_fr_aici_refresh_one(self, client):
        self.ensure_one()
        now = fields.Datetime.now()
        try:
            with client.on_exchange.concerning(partners=self):
                body = client.get_particulier_status(self.l10n_fr_aici_id_client)
        except BusinessError as error:
            self.write(
                {
                    "l10n_fr_aici_state": "error",
                    "l10n_fr_aici_last_error": error.explain(),
                    "l10n_fr_aici_last_check": now,
                    "l10n_fr_aici_next_check": particulier_next_check("error", now),
                }
            )
            return
        except UrssafError as error:
            # Urssaf not reachable: keep the state, retry later.
            self.write(
                {
                    "l10n_fr_aici_last_error": error.explain(),
                    "l10n_fr_aici_next_check": now + timedelta(hours=1),
                }
            )
            return
        status = parse_particulier_status(body)
        previous = self.l10n_fr_aici_state
        values = {
            "l10n_fr_aici_state": status.state,
            "l10n_fr_aici_status_code": status.code,
            "l10n_fr_aici_status_description": status.description or status.label,
            "l10n_fr_aici_last_check": now,
            "l10n_fr_aici_next_check": particulier_next_check(status.state, now),
            "l10n_fr_aici_last_error": False,
        }
        if status.state == "active" and status.activation_utc:
            values["l10n_fr_aici_activation_datetime"] = status.activation_utc
        self.write(values)
        if previous != status.state:
            self.message_post(
                body=_(
                    "Urssaf link status: %(label)s (%(code)s).",
                    label=status.label,
                    code=status.code,
                )
            )
            if status.state in ("blocked", "mandate_expired"):
                self._l10n_fr_aici_warn(
                    _(
                        "Urssaf reports for this client: %(label)s. No payment "
                        "request can be sent until the client settles it in their "
                        "particulier.urssaf.fr space.",
                        label=status.label,
                    )
                )

    def _l10n_fr_aici_responsible_user(self):
        return self.user_id or self.l10n_fr_aici_enrolled_by_id or self.env.user

    @api.model
    def _cron_aici_refresh_partners(self, batch_size=50):
        """Scheduled job: link status of partners that need a check."""
        now = fields.Datetime.now()
        domain = [
            ("l10n_fr_aici_id_client", "!=", False),
            ("l10n_fr_aici_next_check", "<=", now),
        ]
        partners = self.search(
            domain, limit=batch_size, order="l10n_fr_aici_next_check"
        )
        if partners:
            partners._l10n_fr_aici_refresh_status()
        self._l10n_fr_aici_alert_long_waits()
        remaining = self.search_count(domain) if len(partners) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)

    @api.model
    def _l10n_fr_aici_alert_long_waits(self):
        """One warning activity per client waiting for activation for too long."""
        for company in self.env["res.company"].search([]):
            days = company.l10n_fr_aici_activation_alert_days or 5
            limit = fields.Datetime.now() - timedelta(days=days)
            late = self.search(
                [
                    ("l10n_fr_aici_state", "=", "waiting"),
                    ("l10n_fr_aici_waiting_alert_sent", "=", False),
                    ("l10n_fr_aici_enrolment_date", "<=", limit),
                    ("l10n_fr_aici_company_id", "=", company.id),
                ]
            )
            for partner in late:
                partner._l10n_fr_aici_warn(
                    _(
                        "The client has not activated the avance immédiate %(days)s "
                        "days after enrolment. Remind them to open the Urssaf "
                        "e-mail (valid 7 days) or to accept the link in their "
                        "particulier.urssaf.fr space.",
                        days=days,
                    )
                )
            late.write({"l10n_fr_aici_waiting_alert_sent": True})
