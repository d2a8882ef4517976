from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountPaymentRegister(models.TransientModel):
    """No double collection: a client's payment on an invoice that Urssaf
    collects (payment request in progress) is stopped, unless an accounting
    manager forces it with a reason kept in the invoice's chatter."""

    _inherit = "account.payment.register"

    l10n_fr_aici_live_move_ids = fields.Many2many(
        "account.move",
        string="Invoices Collected by Urssaf",
        compute="_compute_l10n_fr_aici_live_move_ids",
    )
    l10n_fr_aici_force = fields.Boolean(
        string="Force the Payment",
        help="The client did pay you although Urssaf collects the invoice. Have "
        "Urssaf cancel the payment request.",
    )
    l10n_fr_aici_force_reason = fields.Char(string="Reason")

    @api.depends("line_ids")
    def _compute_l10n_fr_aici_live_move_ids(self):
        for wizard in self:
            wizard.l10n_fr_aici_live_move_ids = wizard.line_ids.move_id.filtered(
                "l10n_fr_aici_live"
            )

    def _create_payments(self):
        self._l10n_fr_aici_check_no_collection()
        return super()._create_payments()

    def _l10n_fr_aici_check_no_collection(self):
        moves = self.l10n_fr_aici_live_move_ids
        if not moves:
            return
        if not self.l10n_fr_aici_force:
            moves._l10n_fr_aici_check_no_collection()
        if not self.env.user.has_group("account.group_account_manager"):
            raise UserError(
                self.env._(
                    "Only an accounting manager can force a client's payment on an "
                    "invoice that Urssaf collects."
                )
            )
        reason = (self.l10n_fr_aici_force_reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Give the reason for forcing the client's payment.")
            )
        moves.with_context(no_new_invoice=True)._message_log_batch(
            bodies=dict.fromkeys(
                moves.ids,
                Markup("<p>%s</p>")
                % self.env._(
                    "Client's payment registered by %(user)s although Urssaf "
                    "collects this invoice. Reason: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
            )
        )
