from odoo import api, fields, models

from ..odoo_series import is_time_unit
from ..urssaf.catalogues import NATURES, UNITS

AICI_NATURE_SELECTION = [
    (code, f"{code} - {label}")
    for code, label in sorted(NATURES.items(), key=lambda i: int(i[0]))
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    l10n_fr_aici_nature_code = fields.Selection(
        AICI_NATURE_SELECTION,
        string="Urssaf Service Nature",
        help="Nature of the service à la personne (article D.7231-1 of the Code "
        "du travail) declared to Urssaf. An invoice line whose product has no "
        "nature cannot be sent for the avance immédiate.",
    )
    l10n_fr_aici_unit = fields.Selection(
        list(UNITS.items()),
        string="Urssaf Unit",
        compute="_compute_aici_unit",
        store=True,
        readonly=False,
        help="Hour for services billed by the hour, flat rate otherwise. Derived "
        "from the unit of measure, can be changed.",
    )

    @api.depends("uom_id")
    def _compute_aici_unit(self):
        for product in self:
            is_time = is_time_unit(self.env, product.uom_id)
            product.l10n_fr_aici_unit = "HEURE" if is_time else "FORFAIT"
