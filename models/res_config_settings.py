import datetime

from odoo import _, api, fields, models

from ..urssaf.attestation import normalize_declaration_number
from ..urssaf.client import UrssafClient, gateway_url
from ..urssaf.errors import AuthenticationError, UrssafError

# A search on an invoicing period far in the future: proves that the credentials
# and the routing work, and can neither find nor change anything.
_PROBE_START = datetime.date(2053, 1, 1)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_fr_aici_environment = fields.Selection(
        related="company_id.l10n_fr_aici_environment", readonly=False
    )
    l10n_fr_aici_api_base_url = fields.Char(
        related="company_id.l10n_fr_aici_api_base_url", readonly=False
    )
    l10n_fr_aici_client_id = fields.Char(
        related="company_id.l10n_fr_aici_client_id", readonly=False
    )
    l10n_fr_aici_client_secret = fields.Char(
        related="company_id.l10n_fr_aici_client_secret", readonly=False
    )
    l10n_fr_aici_id_tiers_facturation = fields.Char(
        related="company_id.l10n_fr_aici_id_tiers_facturation", readonly=False
    )
    l10n_fr_aici_nova_number = fields.Char(
        related="company_id.l10n_fr_aici_nova_number", readonly=False
    )
    l10n_fr_aici_batch_size = fields.Integer(
        related="company_id.l10n_fr_aici_batch_size", readonly=False
    )

    l10n_fr_aici_auto_send = fields.Boolean(
        related="company_id.l10n_fr_aici_auto_send", readonly=False
    )
    l10n_fr_aici_payment_journal_id = fields.Many2one(
        related="company_id.l10n_fr_aici_payment_journal_id", readonly=False
    )
    l10n_fr_aici_responsible_id = fields.Many2one(
        related="company_id.l10n_fr_aici_responsible_id", readonly=False
    )
    l10n_fr_aici_activation_alert_days = fields.Integer(
        related="company_id.l10n_fr_aici_activation_alert_days", readonly=False
    )
    l10n_fr_aici_exchange_retention_months = fields.Integer(
        string="Exchange Journal Retention (months)",
        config_parameter="l10n_fr_aici.exchange_retention_months",
        default=13,
        help="Exchanges with Urssaf older than this are removed from the journal "
        "by the daily clean-up.",
    )

    l10n_fr_aici_declaration_number = fields.Char(
        related="company_id.l10n_fr_aici_declaration_number", readonly=False
    )
    l10n_fr_aici_declaration_date = fields.Date(
        related="company_id.l10n_fr_aici_declaration_date", readonly=False
    )
    l10n_fr_aici_attestation_window = fields.Selection(
        related="company_id.l10n_fr_aici_attestation_window", readonly=False
    )
    l10n_fr_aici_attestation_window_since = fields.Integer(
        related="company_id.l10n_fr_aici_attestation_window_since", readonly=False
    )

    @api.onchange("l10n_fr_aici_declaration_number")
    def _onchange_l10n_fr_aici_declaration_number(self):
        if self.l10n_fr_aici_declaration_number:
            self.l10n_fr_aici_declaration_number = normalize_declaration_number(
                self.l10n_fr_aici_declaration_number
            )

    def action_aici_test_connection(self):
        """Fetch a token and run a harmless search with the values on screen."""
        self.ensure_one()
        base_url = gateway_url(
            self.l10n_fr_aici_environment, self.l10n_fr_aici_api_base_url
        )
        try:
            with UrssafClient(
                base_url, self.l10n_fr_aici_client_id, self.l10n_fr_aici_client_secret
            ) as client:
                client.get_token(force=True)
                client.search_payment_requests(
                    date_start=_PROBE_START, date_end=_PROBE_START
                )
        except AuthenticationError as error:
            return self._l10n_fr_aici_notify(
                "danger",
                _("Connection refused by Urssaf"),
                _(
                    "%(error)s Check the client ID and secret, and that they belong "
                    "to the selected environment.",
                    error=error.message,
                ),
            )
        except UrssafError as error:
            return self._l10n_fr_aici_notify(
                "danger", _("Urssaf connection failed"), error.explain()
            )
        return self._l10n_fr_aici_notify(
            "success",
            _("Urssaf connection successful"),
            _(
                "The credentials were accepted by %(url)s and a test search succeeded.",
                url=base_url,
            ),
        )

    def _l10n_fr_aici_notify(self, kind, title, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "title": title,
                "message": message,
                "sticky": kind != "success",
            },
        }
