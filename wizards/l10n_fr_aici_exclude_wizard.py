from odoo import api, fields, models


class L10nFrAiciExcludeWizard(models.TransientModel):
    """Bill invoices outside the avance immédiate, with the reason."""

    _name = "l10n_fr_aici.exclude.wizard"
    _description = "Bill outside the avance immédiate"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    reason = fields.Text(
        required=True,
        help="Kept on the invoice and in its chatter, e.g. 'The client pays by "
        "bank transfer' or 'Refused by the client, agreed to pay directly'.",
    )
    move_count = fields.Integer(compute="_compute_move_count")

    @api.depends("move_ids")
    def _compute_move_count(self):
        for wizard in self:
            wizard.move_count = len(wizard.move_ids)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "move_ids" in fields_list and not values.get("move_ids"):
            if self.env.context.get("active_model") == "account.move":
                values["move_ids"] = [
                    fields.Command.set(self.env.context.get("active_ids", []))
                ]
        return values

    def action_confirm(self):
        self.ensure_one()
        self.move_ids._l10n_fr_aici_exclude(self.reason)
        return {"type": "ir.actions.act_window_close"}
