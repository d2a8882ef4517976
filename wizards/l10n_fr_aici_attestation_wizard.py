from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..urssaf.attestation import client_year


def _last_year():
    return fields.Date.today().year - 1


class L10nFrAiciAttestationWizard(models.TransientModel):
    """Attestations fiscales: preview the year's totals per client, then queue
    the generation (and sending) of every PDF for the background job."""

    _name = "l10n_fr_aici.attestation.wizard"
    _description = "Annual Tax Attestations"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    year = fields.Integer(required=True, default=lambda self: _last_year())
    partner_ids = fields.Many2many(
        "res.partner",
        string="Clients",
        help="Leave empty for every client with services à la personne paid in "
        "the year.",
    )
    send_email = fields.Boolean(
        string="Send by E-mail",
        default=True,
        help="E-mail each attestation to its client (French template) once "
        "generated. Clients without e-mail address get the PDF attached only.",
    )
    line_ids = fields.One2many(
        "l10n_fr_aici.attestation.wizard.line", "wizard_id", string="Preview"
    )
    previewed = fields.Boolean(readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    anomaly_count = fields.Integer(compute="_compute_anomaly_count")

    @api.depends("line_ids.anomalies")
    def _compute_anomaly_count(self):
        for wizard in self:
            wizard.anomaly_count = len(wizard.line_ids.filtered("anomalies"))

    @api.constrains("year")
    def _check_year(self):
        for wizard in self:
            if not 2000 <= wizard.year <= fields.Date.today().year:
                raise ValidationError(self.env._("Choose a past or current year."))

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Tax Attestations"),
        }

    def action_preview(self):
        """Totals and anomalies per client, before anything is generated."""
        self.ensure_one()
        self.company_id._l10n_fr_aici_check_attestation_settings()
        attestation = self.env["l10n_fr_aici.tax.attestation"]
        partners = self.partner_ids or None
        computed = attestation._l10n_fr_aici_compute(
            self.company_id, self.year, partners
        )
        # Chosen clients are all listed; otherwise those with amounts paid.
        for partner in self.partner_ids.commercial_partner_id:
            computed.setdefault(partner, client_year([], self.year))
        lines = []
        for partner, result in sorted(
            computed.items(), key=lambda item: item[0].display_name or ""
        ):
            if not result.amounts and not self.partner_ids:
                continue
            totals = result.totals
            messages = attestation._l10n_fr_aici_anomaly_messages(result.anomalies)
            lines.append(
                fields.Command.create(
                    {
                        "partner_id": partner.id,
                        "amount_gross": float(totals.gross),
                        "amount_advance": float(totals.advance),
                        "amount_deductions": float(totals.apa_pch + totals.cesu),
                        "amount_net": float(totals.net),
                        "anomalies": "\n".join(messages) or False,
                        # A negative total is not attested without a look.
                        "selected": not any(
                            a.code == "negative" for a in result.anomalies
                        ),
                    }
                )
            )
        self.write({"line_ids": [fields.Command.clear()] + lines, "previewed": True})
        return self._reopen()

    def action_generate(self):
        """Queue the selected clients' attestations; the job does the rest."""
        self.ensure_one()
        if not self.previewed:
            self.action_preview()
        partners = self.line_ids.filtered("selected").partner_id
        if not partners:
            raise UserError(self.env._("No client selected."))
        records = self.env["l10n_fr_aici.tax.attestation"]._l10n_fr_aici_queue(
            partners, self.year, send_email=self.send_email, company=self.company_id
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "l10n_fr_aici.tax.attestation",
            "view_mode": "list,form",
            "domain": [("id", "in", records.ids)],
            "name": self.env._("Tax Attestations %(year)s", year=self.year),
        }
