from odoo import _, fields, models
from odoo.exceptions import UserError

from ..urssaf.client import UrssafClient, gateway_url
from ..urssaf.errors import ConfigurationError
from ..urssaf.payload import intervenant_code
from .l10n_fr_aici_exchange import ExchangeJournal

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
        string="Urssaf Billing Provider ID",
        help="Value sent as idTiersFacturation. Urssaf requires the field but does "
        "not use it: the provider is identified by the API credentials.",
        default="menage.fr",
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
        return intervenant_code(self.l10n_fr_aici_nova_number, self.siret)
