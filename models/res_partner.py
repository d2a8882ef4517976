from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, format_datetime

from ..odoo_series import partner_mobile, report_cron_progress
from ..urssaf import insee
from ..urssaf.catalogues import (
    ACTION_ENROL,
    ACTION_REENROL,
    ACTION_REFRESH,
    ACTIVATION_LINK_DAYS,
    CLIENT_STATES,
    NEXT_STEP_LEVELS,
    PARTICULIER_STATUSES,
    STREET_LETTERS,
    STREET_TYPES,
    client_next_step,
)
from ..urssaf.data_types import FRANCE, Address, BankAccount, BirthPlace, Particulier
from ..urssaf.errors import BusinessError, UrssafError
from ..urssaf.payload import build_particulier, normalize_iban
from ..urssaf.prefill import parse_street, split_person_name
from ..urssaf.responses import parse_particulier_status
from ..urssaf.tracking import particulier_next_check
from ..urssaf.validators import validate_particulier

# One word per state, in the order of the client's life with Urssaf (the
# selection's order is the group-by's order).
_STATE_LABELS = {
    "not_enrolled": "To enrol",
    "waiting": "Awaiting activation",
    "not_finalised": "Activation unfinished",
    "active": "Active",
    "blocked": "Blocked by Urssaf",
    "mandate_expired": "Mandate expired",
    "error": "Urssaf error",
}
AICI_PARTNER_STATES = [(state, _STATE_LABELS[state]) for state in CLIENT_STATES]

# Written only from Urssaf's answers (enrolment, status checks), never by hand.
_URSSAF_FIELDS = frozenset(
    {
        "l10n_fr_aici_state",
        "l10n_fr_aici_id_client",
        "l10n_fr_aici_enrolment_date",
        "l10n_fr_aici_company_id",
        "l10n_fr_aici_enrolled_by_id",
        "l10n_fr_aici_status_code",
        "l10n_fr_aici_status_description",
        "l10n_fr_aici_activation_datetime",
        "l10n_fr_aici_last_check",
    }
)
_URSSAF_SYNC = "l10n_fr_aici_urssaf_sync"
# The data sent to Urssaf at enrolment (the wizard edits the same fields).
REGISTRATION_FIELDS = (
    "l10n_fr_aici_civility",
    "l10n_fr_aici_birth_name",
    "l10n_fr_aici_usage_name",
    "l10n_fr_aici_first_names",
    "l10n_fr_aici_birth_date",
    "l10n_fr_aici_birth_country_id",
    "l10n_fr_aici_birth_commune_id",
    "l10n_fr_aici_mobile",
    "l10n_fr_aici_email",
    "l10n_fr_aici_street_number",
    "l10n_fr_aici_street_letter",
    "l10n_fr_aici_street_type",
    "l10n_fr_aici_street_label",
    "l10n_fr_aici_address_complement",
    "l10n_fr_aici_lieu_dit",
    "l10n_fr_aici_zip",
    "l10n_fr_aici_commune_label",
    "l10n_fr_aici_commune_code",
    "l10n_fr_aici_country_code",
    "l10n_fr_aici_iban",
    "l10n_fr_aici_bic",
    "l10n_fr_aici_bank_holder",
)
# The contact's fields the Urssaf copy follows (see _l10n_fr_aici_follow_contact).
_CONTACT_FIELDS = frozenset({"email", "phone", "mobile", "street", "street2", "zip"})
_CONTACT_FIELDS |= {"city"}
_FOLLOWING = "l10n_fr_aici_following_contact"


def birth_commune_of(record, country_code):
    """(code, name) of the birth commune chosen on a partner or the enrolment
    wizard: the code in force at the date of birth (Corsica: 20xxx before
    1976); (None, None) outside France or when none is chosen."""
    commune = record.l10n_fr_aici_birth_commune_id
    if not commune or country_code != FRANCE:
        return None, None
    code = insee.code_at(commune.code, record.l10n_fr_aici_birth_date)
    return code or commune.code, commune.name


def particulier_of(record):
    """Registration data of a partner, or of the enrolment wizard editing one
    (same field names), as plain data for ``urssaf``. The birth codes are taken
    from the chosen country and commune, the commune's at the date of birth."""
    country = record.l10n_fr_aici_birth_country_id
    country_code = country.l10n_fr_aici_insee_code or ""
    commune_code, commune_label = birth_commune_of(record, country_code)
    return Particulier(
        civility=record.l10n_fr_aici_civility or "",
        birth_name=record.l10n_fr_aici_birth_name or "",
        usage_name=record.l10n_fr_aici_usage_name or None,
        first_names=record.l10n_fr_aici_first_names or "",
        birth_date=record.l10n_fr_aici_birth_date or None,
        birth_place=BirthPlace(
            country_code=country_code,
            commune_code=commune_code,
            commune_label=commune_label,
        ),
        mobile=record.l10n_fr_aici_mobile or "",
        email=record.l10n_fr_aici_email or "",
        address=Address(
            commune_code=record.l10n_fr_aici_commune_code or "",
            commune_label=record.l10n_fr_aici_commune_label or "",
            postcode=record.l10n_fr_aici_zip or "",
            country_code=record.l10n_fr_aici_country_code or "",
            street_number=record.l10n_fr_aici_street_number or None,
            street_letter=record.l10n_fr_aici_street_letter or None,
            street_type=record.l10n_fr_aici_street_type or None,
            street_label=record.l10n_fr_aici_street_label or None,
            complement=record.l10n_fr_aici_address_complement or None,
            lieu_dit=record.l10n_fr_aici_lieu_dit or None,
        ),
        bank=BankAccount(
            iban=record.l10n_fr_aici_iban or "",
            bic=record.l10n_fr_aici_bic or "",
            holder=record.l10n_fr_aici_bank_holder or "",
        ),
    )


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
    l10n_fr_aici_birth_country_id = fields.Many2one(
        "res.country",
        string="Birth Country",
        default=lambda self: self.env.ref("base.fr", raise_if_not_found=False),
        groups=_PERSONAL_GROUP,
    )
    l10n_fr_aici_birth_country_code = fields.Char(
        string="Birth Country Code",
        compute="_compute_aici_birth_country_code",
        store=True,
        help="INSEE code of the country of birth sent to Urssaf (99100: France).",
        groups=_PERSONAL_GROUP,
    )
    l10n_fr_aici_birth_commune_id = fields.Many2one(
        "l10n_fr_aici.insee.commune",
        string="Birth Commune",
        help="Type its name or postcode. For a commune merged since the birth, "
        "choose the former commune (commune déléguée or associée).",
        groups=_PERSONAL_GROUP,
    )
    l10n_fr_aici_birth_commune_code = fields.Char(
        string="Birth Commune Code",
        compute="_compute_aici_birth_commune",
        store=True,
        help="INSEE code of the birth commune at the date of birth, as Urssaf "
        "expects it (Ajaccio: 20004 before 1976, 2A004 since).",
        groups=_PERSONAL_GROUP,
    )
    l10n_fr_aici_birth_commune_label = fields.Char(
        string="Birth Commune Name",
        compute="_compute_aici_birth_commune",
        store=True,
        groups=_PERSONAL_GROUP,
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
    l10n_fr_aici_country_code = fields.Char(string="Country (INSEE)", default=FRANCE)
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
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Set by Urssaf's answers only: enrolment, then the status checks.",
    )
    l10n_fr_aici_next_step = fields.Char(
        string="Next Step", compute="_compute_aici_next_step"
    )
    l10n_fr_aici_next_step_level = fields.Selection(
        [(level, level) for level in NEXT_STEP_LEVELS],
        compute="_compute_aici_next_step",
        export_string_translation=False,
    )
    l10n_fr_aici_can_enrol = fields.Boolean(
        compute="_compute_aici_next_step", export_string_translation=False
    )
    l10n_fr_aici_can_refresh = fields.Boolean(
        compute="_compute_aici_next_step", export_string_translation=False
    )
    l10n_fr_aici_can_reenrol = fields.Boolean(
        compute="_compute_aici_next_step", export_string_translation=False
    )
    l10n_fr_aici_data_editable = fields.Boolean(
        compute="_compute_aici_next_step", export_string_translation=False
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
    l10n_fr_aici_next_check = fields.Datetime(
        string="Next Status Check", copy=False, readonly=True, index=True
    )
    l10n_fr_aici_last_error = fields.Text(
        string="Last Urssaf Error", copy=False, readonly=True
    )
    l10n_fr_aici_waiting_alert_sent = fields.Boolean(
        string="Activation Reminder Sent", copy=False, readonly=True
    )
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
        *REGISTRATION_FIELDS, "l10n_fr_aici_birth_country_id.l10n_fr_aici_insee_code"
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
                "\n".join(partner._l10n_fr_aici_problem_messages(problems)) or False
            )

    def _l10n_fr_aici_problem_messages(self, problems):
        """The checks' messages as the user reads them: one message for the
        birth commune (chosen in a list), and why an e-mail of the contact is
        missing from the Urssaf copy."""
        self.ensure_one()
        required = {p.field for p in problems if p.code == "required"}
        messages = []
        for problem in problems:
            if problem.code == "required" and problem.field in (
                "birth_place.commune_code",
                "birth_place.commune_label",
            ):
                if problem.field == "birth_place.commune_label" and (
                    "birth_place.commune_code" in required
                ):
                    continue
                messages.append(
                    self.env._("Choose the birth commune, by its name or postcode.")
                )
            elif (
                problem.code == "required" and problem.field == "email" and (self.email)
            ):
                messages.append(
                    self.env._(
                        "The contact's e-mail address cannot be sent to Urssaf "
                        "(Urssaf refuses some characters, such as '+'): enter in "
                        "'E-mail (Urssaf)' the address the client gives Urssaf."
                    )
                )
            else:
                messages.append(problem.message)
        return messages

    @api.depends("l10n_fr_aici_birth_country_id")
    def _compute_aici_birth_country_code(self):
        for partner in self:
            country = partner.l10n_fr_aici_birth_country_id
            partner.l10n_fr_aici_birth_country_code = (
                country.l10n_fr_aici_insee_code or False
            )

    @api.depends(
        "l10n_fr_aici_birth_commune_id",
        "l10n_fr_aici_birth_date",
        "l10n_fr_aici_birth_country_code",
    )
    def _compute_aici_birth_commune(self):
        for partner in self:
            code, name = birth_commune_of(
                partner, partner.l10n_fr_aici_birth_country_code
            )
            partner.l10n_fr_aici_birth_commune_code = code or False
            partner.l10n_fr_aici_birth_commune_label = name or False

    @api.depends(
        "is_company",
        "l10n_fr_aici_state",
        "l10n_fr_aici_id_client",
        "l10n_fr_aici_last_error",
        "l10n_fr_aici_enrolment_date",
        "l10n_fr_aici_activation_datetime",
    )
    @api.depends_context("uid", "lang", "tz")
    def _compute_aici_next_step(self):
        manager = self.env.user.has_group(_PERSONAL_GROUP)
        now = fields.Datetime.now()
        for partner in self:
            enrolled_on = partner.l10n_fr_aici_enrolment_date
            step = client_next_step(
                partner.l10n_fr_aici_state,
                enrolment_refused=bool(partner.l10n_fr_aici_last_error),
                activation_overdue=bool(
                    enrolled_on
                    and enrolled_on + timedelta(days=ACTIVATION_LINK_DAYS) < now
                ),
            )
            person = not partner.is_company
            partner.l10n_fr_aici_next_step = person and partner._l10n_fr_aici_step_text(
                step.code
            )
            partner.l10n_fr_aici_next_step_level = step.level
            can = {action: person and manager for action in step.actions}
            partner.l10n_fr_aici_can_enrol = can.get(ACTION_ENROL, False)
            partner.l10n_fr_aici_can_refresh = bool(
                can.get(ACTION_REFRESH) and partner.l10n_fr_aici_id_client
            )
            partner.l10n_fr_aici_can_reenrol = can.get(ACTION_REENROL, False)
            # Urssaf knows the data of an enrolled client: they are changed by
            # enrolling again, not behind Urssaf's back.
            partner.l10n_fr_aici_data_editable = person and (
                not partner.l10n_fr_aici_id_client or partner.l10n_fr_aici_can_reenrol
            )

    def _l10n_fr_aici_step_text(self, code):
        """The sentence of a next step (see ``urssaf.catalogues.CLIENT_NEXT_STEPS``)."""
        _ = self.env._
        enrolled_on = self.l10n_fr_aici_enrolment_date
        deadline = enrolled_on and format_date(
            self.env, enrolled_on + timedelta(days=ACTIVATION_LINK_DAYS)
        )
        activation = self.l10n_fr_aici_activation_datetime
        since = activation and format_datetime(self.env, activation, dt_format="short")
        texts = {
            "enrol": lambda: _(
                "Not enrolled yet. Check the data below against the tax notice and "
                "the bank details, then click Enrol."
            ),
            "fix_and_enrol": lambda: _(
                "Urssaf refused the enrolment (reason above). Correct the data, "
                "then click Enrol again."
            ),
            "client_activates": lambda: _(
                "Enrolment recorded. The client now activates the avance immédiate "
                "in their particulier.urssaf.fr space, by %(deadline)s (link in "
                "Urssaf's e-mail, or link request to accept for an existing "
                "account). Invoices can be sent from the activation on: click "
                "Refresh to check.",
                deadline=deadline or "",
            ),
            "client_activates_late": lambda: _(
                "Urssaf's activation e-mail (valid %(days)s days) has expired. The "
                "client asks Urssaf for a new one, then activates the avance "
                "immédiate in their particulier.urssaf.fr space. Click Refresh to "
                "check.",
                days=ACTIVATION_LINK_DAYS,
            ),
            "client_finishes": lambda: _(
                "The activation is not finalised at Urssaf. The client finishes it "
                "in their particulier.urssaf.fr space (accept the link with your "
                "company, confirm the e-mail address), then click Refresh."
            ),
            "send_invoices": lambda: _(
                "Avance immédiate active since %(since)s. Invoices for services "
                "from that moment on can be sent to Urssaf.",
                since=since or "",
            ),
            "client_settles": lambda: _(
                "Urssaf has blocked the avance immédiate of this client, usually "
                "after a direct debit that came back unpaid: the client settles it "
                "with Urssaf (particulier.urssaf.fr space). Until then Urssaf "
                "refuses every new payment request: invoice the client directly. "
                "Click Refresh once settled."
            ),
            "client_renews_mandate": lambda: _(
                "The client's direct debit mandate has expired. The client renews "
                "it, with up-to-date bank details, in their particulier.urssaf.fr "
                "space, then click Refresh. If Urssaf asks for a new enrolment, "
                "update the bank account below and click Re-enrol."
            ),
            "reenrol": lambda: _(
                "Urssaf no longer recognises this client's enrolment (reason "
                "above): no invoice can be sent. Check the data below, then click "
                "Re-enrol."
            ),
        }
        return texts[code]()

    @api.constrains(
        "l10n_fr_aici_iban",
        "l10n_fr_aici_bic",
        "l10n_fr_aici_mobile",
        "l10n_fr_aici_email",
        "l10n_fr_aici_birth_commune_id",
        "l10n_fr_aici_birth_date",
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._l10n_fr_aici_guard_urssaf_fields(vals, creating=True)
            self._l10n_fr_aici_birth_place_from_codes(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._l10n_fr_aici_guard_urssaf_fields(vals)
        self._l10n_fr_aici_birth_place_from_codes(vals)
        before = {}
        if _CONTACT_FIELDS.intersection(vals) and not self.env.context.get(_FOLLOWING):
            before = {
                partner: partner._l10n_fr_aici_contact_values()
                for partner in self
                if not partner.is_company and not partner.l10n_fr_aici_id_client
            }
        result = super().write(vals)
        if before:
            self.with_context(**{_FOLLOWING: True})._l10n_fr_aici_follow_contact(
                {p.with_context(**{_FOLLOWING: True}): v for p, v in before.items()}
            )
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

    def _l10n_fr_aici_guard_urssaf_fields(self, vals, creating=False):
        """Urssaf's answers only set the status: not a form, an import, nor code
        running for a user (Odoo's superuser and the enrolment code may)."""
        if self.env.su or self.env.context.get(_URSSAF_SYNC):
            return
        touched = [
            name
            for name in _URSSAF_FIELDS.intersection(vals)
            if not (creating and vals[name] in (False, None, "", "not_enrolled"))
        ]
        if touched:
            labels = ", ".join(
                sorted(self._fields[name].get_description(self.env)["string"]
                       for name in touched)
            )  # fmt: skip
            raise UserError(
                self.env._(
                    "The Urssaf status of a client is set by Urssaf's answers only "
                    "(enrolment, status checks), never by hand: %(fields)s.",
                    fields=labels,
                )
            )

    def _l10n_fr_aici_birth_place_from_codes(self, vals):
        """Codes given instead of records (imports, scripts): the country and the
        commune they name; a code that names none is refused."""
        # A record given explicitly wins over a code.
        if "l10n_fr_aici_birth_country_code" in vals:
            code = vals.pop("l10n_fr_aici_birth_country_code")
            if "l10n_fr_aici_birth_country_id" not in vals:
                vals["l10n_fr_aici_birth_country_id"] = (
                    code and self._l10n_fr_aici_country_of(code).id
                )
        vals.pop("l10n_fr_aici_birth_commune_label", None)
        if "l10n_fr_aici_birth_commune_id" in vals:
            vals.pop("l10n_fr_aici_birth_commune_code", None)
        if "l10n_fr_aici_birth_commune_code" in vals:
            code = vals.pop("l10n_fr_aici_birth_commune_code")
            commune = self.env["l10n_fr_aici.insee.commune"].browse()
            if code:
                commune = commune._l10n_fr_aici_find(code)
                if not commune:
                    raise ValidationError(
                        self.env._(
                            "The birth commune %(code)s does not exist in INSEE's "
                            "geographic code: choose it by its name or postcode.",
                            code=code,
                        )
                    )
            vals["l10n_fr_aici_birth_commune_id"] = commune.id

    @api.model
    def _l10n_fr_aici_country_of(self, insee_code):
        countries = (
            self.env["res.country"]
            .sudo()
            .search([("l10n_fr_aici_insee_code", "=", insee_code)], order="id")
        )
        if insee_code == FRANCE:
            countries = countries.filtered(lambda c: c.code == "FR") or countries
        if not countries:
            raise ValidationError(
                self.env._(
                    "No country has the INSEE code %(code)s: choose the country of "
                    "birth in the list.",
                    code=insee_code,
                )
            )
        return countries[:1]

    def _l10n_fr_aici_sync(self, vals):
        """Write what Urssaf answered (the only way to change the status)."""
        return self.with_context(**{_URSSAF_SYNC: True}).write(vals)

    # ------------------------------------------------------------------ data
    def _l10n_fr_aici_particulier(self):
        """The partner's registration data as plain data for ``urssaf``."""
        self.ensure_one()
        return particulier_of(self.sudo())

    def _l10n_fr_aici_contact_values(self):
        """The Urssaf copy of the contact's e-mail, phone and address, as the
        contact gives them (the INSEE code of the residence found from the
        postcode and the city)."""
        self.ensure_one()
        partner = self.sudo()
        values = {
            "l10n_fr_aici_email": partner.email and partner.email.strip(),
            "l10n_fr_aici_mobile": (partner_mobile(partner) or partner.phone or "")
            .replace(" ", "")
            .replace(".", ""),
            "l10n_fr_aici_address_complement": partner.street2,
            "l10n_fr_aici_zip": partner.zip,
        }
        street = parse_street(partner.street)
        for key in ("street_number", "street_letter", "street_type", "street_label"):
            values[f"l10n_fr_aici_{key}"] = street.get(key)
        commune = self.env["l10n_fr_aici.insee.commune"]._l10n_fr_aici_residence(
            partner.zip, partner.city
        )
        values["l10n_fr_aici_commune_code"] = commune.code
        values["l10n_fr_aici_commune_label"] = partner.city and partner.city.upper()
        return {field: value or False for field, value in values.items()}

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
        contact = self._l10n_fr_aici_contact_values()
        street_fields = [f for f in contact if f.startswith("l10n_fr_aici_street_")]
        if any(partner[f] for f in street_fields):
            # A street already split by hand is not mixed with a guess.
            contact = {f: v for f, v in contact.items() if f not in street_fields}
        for field, value in contact.items():
            offer(field, value)
        bank = partner.bank_ids[:1]
        if bank:
            offer("l10n_fr_aici_iban", normalize_iban(bank.acc_number or ""))
            offer("l10n_fr_aici_bic", bank.bank_id.bic)
            offer("l10n_fr_aici_bank_holder", bank.acc_holder_name or partner.name)
        return values

    def _l10n_fr_aici_follow_contact(self, before):
        """Keep the Urssaf copy in step with the contact: a value equal to what
        the contact gave before its change follows it; a value deliberately
        different stays. Only before enrolment (Urssaf holds the rest)."""
        for partner, old in before.items():
            new = partner._l10n_fr_aici_contact_values()
            data = partner.sudo()
            for field, value in new.items():
                if value == old.get(field) or (data[field] or False) != old.get(field):
                    continue
                try:
                    with self.env.cr.savepoint():
                        data.write({field: value})
                except ValidationError:
                    # A contact value Urssaf would refuse (a landline, an
                    # e-mail with "+") is not copied: the problem stays listed.
                    continue

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
            "name": self.env._("Enrolment for the avance immédiate"),
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
        self._l10n_fr_aici_sync(
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
            body=self.env._(
                "Urssaf client ID: %(id_client)s. %(next_step)s",
                id_client=id_client,
                next_step=self.l10n_fr_aici_next_step or "",
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
            self._l10n_fr_aici_sync(
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
            self._l10n_fr_aici_sync(
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
        self._l10n_fr_aici_sync(values)
        if previous != status.state:
            state = dict(
                self._fields["l10n_fr_aici_state"]._description_selection(self.env)
            )[status.state]
            # The state in our words, then what to do (Urssaf's own wording
            # stays in the status detail).
            self.message_post(
                body=self.env._(
                    "Avance immédiate: %(state)s. %(next_step)s",
                    state=state,
                    next_step=self.l10n_fr_aici_next_step or "",
                )
            )
            if status.state in ("not_finalised", "blocked", "mandate_expired"):
                self._l10n_fr_aici_warn(self.l10n_fr_aici_next_step)

    def _l10n_fr_aici_responsible_user(self):
        return self.user_id or self.l10n_fr_aici_enrolled_by_id

    def _l10n_fr_aici_activity_company(self):
        return self.l10n_fr_aici_company_id or self.env.company

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
        report_cron_progress(self.env, len(partners), remaining)

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
