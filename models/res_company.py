from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..odoo_series import company_siret
from ..urssaf.attestation import WINDOW_CALENDAR, declaration_number_problem
from ..urssaf.client import UrssafClient, gateway_url
from ..urssaf.errors import ConfigurationError
from ..urssaf.payload import intervenant_code
from .l10n_fr_aici_exchange import ExchangeJournal

AICI_ATTESTATION_WINDOWS = [
    (WINDOW_CALENDAR, "Calendar year (1 January – 31 December)"),
    ("january_16", "16 January – 15 January of the next year"),
]
AICI_ENVIRONMENTS = [
    ("sandbox", "Sandbox (api-edi.urssaf.fr)"),
    ("production", "Production (api.urssaf.fr)"),
    ("custom", "Custom URL (local sandbox or proxy)"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_fr_aici_environment = fields.Selection(
        AICI_ENVIRONMENTS,
        string="Urssaf Environment",
        default="sandbox",
        required=True,
        groups="base.group_system",
    )
    l10n_fr_aici_api_base_url = fields.Char(
        string="Urssaf API URL",
        help="Base URL of the gateway when the environment is 'Custom URL', "
        "for instance http://127.0.0.1:8099 for the local sandbox.",
        groups="base.group_system",
    )
    l10n_fr_aici_client_id = fields.Char(
        string="Urssaf Client ID",
        copy=False,
        groups="base.group_system",
    )
    l10n_fr_aici_client_secret = fields.Char(
        string="Urssaf Client Secret",
        copy=False,
        exportable=False,
        groups="base.group_system",
    )
    l10n_fr_aici_id_tiers_facturation = fields.Char(
        string="Billing Third-Party ID",
        help="Value sent as idTiersFacturation. Urssaf requires the field but does "
        "not use it: the provider is identified by the API credentials. Change it "
        "only if Urssaf asks.",
        default="TIERS-PRESTATION",
    )
    l10n_fr_aici_nova_number = fields.Char(
        string="NOVA Declaration Number",
        help="SIREN (9 digits) of the services à la personne declaration on NOVA. "
        "Sent as 'SAP' + number to identify the provider on each service line; "
        "when empty, 'SIR' + the company SIRET is sent.",
    )
    l10n_fr_aici_batch_size = fields.Integer(
        string="Payment Requests per Call",
        default=10,
        help="How many payment requests are sent in one call to Urssaf (1 to 10).",
    )

    l10n_fr_aici_auto_send = fields.Boolean(
        string="Send Posted Invoices Automatically",
        help="Posted invoices of active clients are queued and sent by the "
        "scheduled action within minutes, without clicking 'Send to Urssaf'.",
    )
    l10n_fr_aici_payment_journal_id = fields.Many2one(
        "account.journal",
        string="Urssaf Payments Journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', id)]",
        help="When set, the transfer Urssaf reports for a paid payment request is "
        "registered as a payment of the invoice in this journal.",
    )
    l10n_fr_aici_activation_alert_days = fields.Integer(
        string="Activation Reminder After (days)",
        default=5,
        help="A warning activity is created when an enrolled client has not "
        "activated the avance immédiate after this many days.",
    )

    l10n_fr_aici_responsible_id = fields.Many2one(
        "res.users",
        string="Avance Immédiate Responsible",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Receives the activities that have no natural owner: a client who "
        "does not activate, a blocked client, an Urssaf answer to check. When "
        "empty, the first billing administrator receives them.",
    )

    l10n_fr_aici_declaration_number = fields.Char(
        string="SAP Declaration Number",
        help="Number of the services à la personne declaration (NOVA), 'SAP' "
        "followed by the SIREN, e.g. SAP123456789. Printed on the annual tax "
        "attestations.",
    )
    l10n_fr_aici_declaration_date = fields.Date(
        string="SAP Declaration Date",
        help="Date of registration of the services à la personne declaration. "
        "Printed on the annual tax attestations.",
    )
    l10n_fr_aici_attestation_window = fields.Selection(
        AICI_ATTESTATION_WINDOWS,
        string="Urssaf Transfers Counted in a Year",
        default=WINDOW_CALENDAR,
        required=True,
        help="Which Urssaf transfers (avance immédiate) the annual tax "
        "attestation of a year counts. Calendar year: transfers received from "
        "1 January to 31 December, the rule of the official texts (amounts paid "
        "during the year). 16 January – 15 January: transfers until 15 January "
        "of the next year also count, so that services of December paid by "
        "Urssaf in early January fall in their year; some software does so, no "
        "official text requires it. The client's own payments always count in "
        "the calendar year.",
    )
    l10n_fr_aici_attestation_window_since = fields.Integer(
        string="16 January Window Since",
        help="First year counted with the 16 January – 15 January window: that "
        "year starts on 1 January, so that no transfer falls between two "
        "attestations. Earlier years keep the calendar year. Leave empty when "
        "the window has always been used.",
    )

    @api.constrains("l10n_fr_aici_declaration_number")
    def _check_l10n_fr_aici_declaration_number(self):
        for company in self:
            number = company.l10n_fr_aici_declaration_number
            if not number:
                continue
            problem = declaration_number_problem(number)
            if problem == "checksum":
                raise ValidationError(
                    _(
                        "The SAP declaration number %(number)s does not contain a "
                        "valid SIREN (wrong check digit).",
                        number=number,
                    )
                )
            if problem or number != number.strip().upper():
                raise ValidationError(
                    _(
                        "The SAP declaration number must be 'SAP' followed by the "
                        "9 digits of the SIREN, e.g. SAP123456789 (got %(number)s).",
                        number=number,
                    )
                )

    @api.constrains("l10n_fr_aici_declaration_date")
    def _check_l10n_fr_aici_declaration_date(self):
        today = fields.Date.context_today(self)
        for company in self:
            date = company.l10n_fr_aici_declaration_date
            if date and date > today:
                raise ValidationError(
                    _("The SAP declaration date cannot be in the future.")
                )

    @api.constrains("l10n_fr_aici_attestation_window_since")
    def _check_l10n_fr_aici_attestation_window_since(self):
        for company in self:
            year = company.l10n_fr_aici_attestation_window_since
            if year and not 2000 <= year <= 2100:
                raise ValidationError(
                    _("The first year of the 16 January window must be a year.")
                )

    def _l10n_fr_aici_check_attestation_settings(self):
        """Raise when what every tax attestation must print is missing."""
        for company in self:
            if not (
                company.l10n_fr_aici_declaration_number
                and company.l10n_fr_aici_declaration_date
            ):
                raise UserError(
                    _(
                        "Set the SAP declaration number and date of %(company)s "
                        "(Settings › Invoicing › Urssaf – avance immédiate) before "
                        "issuing tax attestations.",
                        company=company.name,
                    )
                )

    def _l10n_fr_aici_base_url(self):
        self.ensure_one()
        company = self.sudo()
        return gateway_url(
            company.l10n_fr_aici_environment, company.l10n_fr_aici_api_base_url
        )

    def _l10n_fr_aici_lang(self):
        """Language of the chatter and activities written for this company,
        whoever runs the job (OdooBot writes in English otherwise)."""
        self.ensure_one()
        return self.partner_id.lang or self.env.lang

    def _l10n_fr_aici_client(self):
        """An Urssaf client with this company's own credentials; each HTTP
        call is journaled through its ``on_exchange`` hook."""
        self.ensure_one()
        company = self.sudo()
        params = self.env["ir.config_parameter"].sudo()
        try:
            return UrssafClient(
                self._l10n_fr_aici_base_url(),
                company.l10n_fr_aici_client_id,
                company.l10n_fr_aici_client_secret,
                connect_timeout=float(
                    params.get_param("l10n_fr_aici.connect_timeout", 10)
                ),
                read_timeout=float(params.get_param("l10n_fr_aici.read_timeout", 60)),
                on_exchange=ExchangeJournal(self.env, self),
            )
        except ConfigurationError as error:
            raise UserError(
                _(
                    "The Urssaf connection of company %(company)s is not "
                    "configured: %(error)s",
                    company=self.name,
                    error=error.message,
                )
            ) from None

    def _l10n_fr_aici_intervenant_code(self):
        """Identifier of the provider sent in complement2 (SAP+SIREN or SIR+SIRET)."""
        self.ensure_one()
        return intervenant_code(self.l10n_fr_aici_nova_number, company_siret(self))
