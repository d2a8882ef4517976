from odoo import fields, models


class L10nFrAiciAttestationWizardLine(models.TransientModel):
    _name = "l10n_fr_aici.attestation.wizard.line"
    _description = "Annual Tax Attestation Preview"
    _order = "partner_id"

    wizard_id = fields.Many2one(
        "l10n_fr_aici.attestation.wizard", required=True, ondelete="cascade"
    )
    selected = fields.Boolean(string="Generate", default=True)
    partner_id = fields.Many2one("res.partner", string="Client", required=True)
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    amount_gross = fields.Monetary(string="Amount Paid")
    amount_advance = fields.Monetary(string="Avance Immédiate")
    amount_deductions = fields.Monetary(string="APA / PCH, CESU")
    amount_net = fields.Monetary(string="Net Paid by the Client")
    anomalies = fields.Text()
