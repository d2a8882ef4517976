from odoo import fields, models

from ..urssaf import insee


class ResCountry(models.Model):
    _inherit = "res.country"

    l10n_fr_aici_insee_code = fields.Char(
        string="INSEE Code",
        size=5,
        help="Code of the country in INSEE's geographic code (99100 for France, "
        "99134 for Spain), sent to Urssaf for a client born there. The French "
        "overseas departments and collectivities are France (99100).",
    )


def load_insee_country_codes(env):
    """Set the INSEE code of every country Odoo knows by its ISO code."""
    countries = {
        c.code: c for c in env["res.country"].with_context(active_test=False).search([])
    }
    done = 0
    for code, iso2, _name in insee.read_countries():
        country = countries.get(iso2)
        if country:
            country.l10n_fr_aici_insee_code = code
            done += 1
    return done
