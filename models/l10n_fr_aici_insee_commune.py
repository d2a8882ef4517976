import unicodedata

from odoo import api, fields, models
from odoo.tools import SQL

from ..odoo_series import domain_or
from ..urssaf import insee

_KINDS = [
    (insee.KIND_CURRENT, "Commune"),
    (insee.KIND_DELEGATED, "Commune déléguée"),
    (insee.KIND_ASSOCIATED, "Commune associée"),
    (insee.KIND_ARRONDISSEMENT, "Municipal arrondissement"),
]
_BATCH = 2000


def search_key(text):
    """Lower case, no accent, hyphens and apostrophes as spaces: "saint etienne"
    finds "Saint-Étienne"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for char in "-'’":
        text = text.replace(char, " ")
    return " ".join(text.split())


class L10nFrAiciInseeCommune(models.Model):
    """A commune of INSEE's Code officiel géographique, to pick a birth place.

    Filled at installation from ``urssaf/data/insee_communes.csv.gz`` (see
    :func:`load_insee_communes`), never edited by hand.
    """

    _name = "l10n_fr_aici.insee.commune"
    _description = "Commune (INSEE geographic code)"
    _order = "search_key, code"
    _rec_names_search = ["name", "code", "postcodes", "old_codes"]

    code = fields.Char(required=True, index=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(_KINDS, required=True, readonly=True)
    parent_code = fields.Char(
        readonly=True, help="The commune a former or merged commune now belongs to."
    )
    postcodes = fields.Char(readonly=True)
    old_codes = fields.Char(
        readonly=True, help="Former codes, such as Corsica's 20xxx before 1976."
    )
    search_key = fields.Char(readonly=True)

    @api.depends("code", "name", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for commune in self:
            if commune.kind in (insee.KIND_DELEGATED, insee.KIND_ASSOCIATED):
                kind = kinds[commune.kind]
                commune.display_name = f"{commune.name} ({kind}, {commune.code})"
            else:
                commune.display_name = f"{commune.name} ({commune.code})"

    @api.model
    def _search_display_name(self, operator, value):
        if operator not in ("ilike", "=ilike") or not isinstance(value, str):
            return super()._search_display_name(operator, value)
        text = value.strip()
        if not text:
            return super()._search_display_name(operator, value)
        return domain_or(
            [
                [("search_key", "ilike", search_key(text))],
                [("code", "=ilike", text.upper() + "%")],
                [("postcodes", "ilike", text)],
                [("old_codes", "ilike", text)],
            ]
        )

    @api.model
    def _l10n_fr_aici_find(self, code):
        """The commune of a current or former code (``20004`` gives Ajaccio)."""
        commune = insee.find(code)
        if commune is None:
            return self.browse()
        return self.search(
            [("code", "=", commune.code), ("kind", "=", commune.kind)], limit=1
        )

    @api.model
    def _l10n_fr_aici_residence(self, postcode, city):
        """The commune of a postal address: the one with this postcode and name
        (in Paris, Lyon and Marseille the arrondissement of the postcode)."""
        postcode = (postcode or "").strip()
        if len(postcode) != 5 or not postcode.isdigit():
            return self.browse()
        candidates = self.search(
            [
                ("postcodes", "ilike", postcode),
                ("kind", "in", (insee.KIND_CURRENT, insee.KIND_ARRONDISSEMENT)),
            ]
        ).filtered(lambda c: postcode in c.postcodes.split())
        arrondissements = candidates.filtered(
            lambda c: c.kind == insee.KIND_ARRONDISSEMENT
        )
        if arrondissements:
            parents = candidates.filtered(
                lambda c: c.code in arrondissements.mapped("parent_code")
            )
            if not city or search_key(city) in parents.mapped("search_key"):
                return arrondissements[:1]
        if len(candidates) == 1 and not city:
            return candidates
        key = search_key(city)
        return candidates.filtered(lambda c: c.search_key == key)[:1]


def load_insee_communes(env):
    """Fill the commune table from the shipped file (batched SQL: 37,000 rows
    through the ORM would add minutes to every installation)."""
    cr = env.cr
    cr.execute("DELETE FROM l10n_fr_aici_insee_commune")
    uid = env.uid
    rows = [
        (
            c.code,
            c.name,
            c.kind,
            c.parent or None,
            " ".join(c.postcodes) or None,
            " ".join(c.old_codes) or None,
            search_key(c.name),
        )
        for c in insee.read_communes()
    ]
    for start in range(0, len(rows), _BATCH):
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, "
                "now() at time zone 'UTC', now() at time zone 'UTC')",
                *row,
                uid,
                uid,
            )
            for row in rows[start : start + _BATCH]
        )
        cr.execute(
            SQL(
                "INSERT INTO l10n_fr_aici_insee_commune (code, name, kind, "
                "parent_code, postcodes, old_codes, search_key, create_uid, "
                "write_uid, create_date, write_date) VALUES %s",
                values,
            )
        )
    env["l10n_fr_aici.insee.commune"].invalidate_model()
    return len(rows)
