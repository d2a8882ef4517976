from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    l10n_fr_aici_intervenant_id = fields.Many2one(
        "res.partner",
        string="Intervenant",
        compute="_compute_l10n_fr_aici_intervenant_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        help="Person who performed the service, printed on the client's annual "
        "tax attestation with their identification (internal reference, or "
        "SIRET). Defaults to the invoice's intervenant.",
    )
    l10n_fr_aici_service_date = fields.Date(
        string="Service Date",
        help="Date of the intervention, printed on the annual tax attestation. "
        "When empty, the invoice's service period (or its date) is used.",
    )

    @api.depends("move_id.l10n_fr_aici_intervenant_id")
    def _compute_l10n_fr_aici_intervenant_id(self):
        # The invoice's intervenant, when it changes, applies to every service
        # line; a line's own choice stays until then.
        for line in self:
            if line.display_type not in (False, "product"):
                line.l10n_fr_aici_intervenant_id = False
            elif line.move_id.l10n_fr_aici_intervenant_id:
                line.l10n_fr_aici_intervenant_id = (
                    line.move_id.l10n_fr_aici_intervenant_id
                )
            else:
                line.l10n_fr_aici_intervenant_id = line.l10n_fr_aici_intervenant_id
