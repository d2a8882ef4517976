#!/usr/bin/env python3
"""Write the INSEE data files of the add-on (birth place chosen, not typed).

    scripts/build_insee_data.py COMMUNES_JSON COUNTRIES_CSV

* ``COMMUNES_JSON``: ``data/communes.json`` of the npm package
  ``@etalab/decoupage-administratif`` (INSEE's Code officiel géographique and La
  Poste's postcodes, Licence Ouverte / Etalab). Every commune of the COG: current
  communes, communes déléguées and associées (former communes merged into a new
  one, still coded) and the municipal arrondissements of Paris, Lyon, Marseille.
* ``COUNTRIES_CSV``: INSEE's COG list of countries and territories, either as
  INSEE publishes it (columns ``COG``, ``ACTUAL``, ``CRPAY``, ``LIBCOG``,
  ``CODEISO2``…) or with English column names (``code``, ``actual_id``,
  ``parent_code``, ``name``, ``iso2_code``…).

Writes, in ``urssaf/data/`` (read by ``urssaf/insee.py`` and loaded into Odoo at
installation):

* ``insee_communes.csv.gz``: ``code,kind,name,parent,postcodes,old_codes``; kind
  ``A`` current commune, ``D`` déléguée, ``S`` associée, ``M`` municipal
  arrondissement; ``postcodes`` and ``old_codes`` space-separated. Gzip without a
  time stamp, so that the same input gives the same bytes.
* ``insee_countries.csv``: ``code,iso2,name``: the INSEE code of each ISO 3166
  country or territory Odoo knows. A territory INSEE codes with its own ISO code
  keeps it; the territories INSEE groups under one code and names in its official
  label (Bermuda, Cayman Islands… under 99425) are listed in ``GROUPED`` below;
  French overseas departments and collectivities are France (99100: a birth there
  is recorded with its commune). Anything else is left out rather than guessed.

Standard library only.
"""

import argparse
import csv
import gzip
import io
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "urssaf" / "data"
KINDS = {
    "commune-actuelle": "A",
    "commune-deleguee": "D",
    "commune-associee": "S",
    "arrondissement-municipal": "M",
}
FRANCE = "99100"
# French overseas departments and collectivities: France for INSEE.
FRENCH_OVERSEAS = ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF")
FRENCH_OVERSEAS += ("NC", "TF")
# Territories without an ISO code in INSEE's list, named in its official label.
GROUPED = {
    "99157": ("XK",),  # Kosovo
    "99159": ("SJ",),  # Île Jan-Mayen, Svalbard
    "99161": ("IM", "JE", "GG"),  # Île de Man, Jersey, Guernesey
    "99265": ("CC", "CX", "HM"),  # îles Cocos, île Christmas, Heard-et-MacDonald
    "99363": ("BV",),  # Île Bouvet
    "99425": ("TC", "KY", "MS", "AI", "VG", "BM"),  # Antilles britanniques, Bermudes
    "99427": ("FK", "GS"),  # Îles Malouines, Géorgie-du-Sud
    "99432": ("PR", "VI"),  # Porto Rico, îles Vierges des États-Unis
    "99505": ("MP", "GU", "AS", "UM"),  # Mariannes du Nord, Guam, Samoa am.…
    "99519": ("TK",),  # Tokelau
    "99522": ("NF",),  # Île Norfolk
}


def commune_rows(communes):
    rows = []
    for item in communes:
        kind = KINDS.get(item.get("type"))
        if not kind:
            continue
        rows.append(
            (
                item["code"],
                kind,
                item["nom"],
                item.get("chefLieu") or item.get("commune") or "",
                " ".join(item.get("codesPostaux") or ()),
                " ".join(item.get("anciensCodes") or ()),
            )
        )
    rows.sort(key=lambda row: (row[0], "AMDS".index(row[1]), row[2]))
    return rows


def _column(row, *names):
    for name in names:
        if name in row:
            return (row[name] or "").strip()
    return ""


def country_rows(lines):
    """``(code, iso2, name)`` of the countries, one row per ISO code."""
    by_iso = {}
    for row in csv.DictReader(lines):
        code = _column(row, "code", "COG")
        iso2 = _column(row, "iso2_code", "CODEISO2").upper()
        actual = _column(row, "actual_id", "ACTUAL")
        name = _column(row, "name", "LIBCOG")
        if not (code.startswith("99") and len(code) == 5 and iso2):
            continue
        if actual not in ("1", "4"):  # 1 current country, 4 territory
            continue
        # A territory sharing its sovereign's ISO code (Canaries: ES) gives way.
        if iso2 in by_iso and actual != "1":
            continue
        by_iso[iso2] = (code, iso2, name)
    names = {code: name for code, _iso, name in by_iso.values()}
    for code, isos in GROUPED.items():
        for iso2 in isos:
            by_iso.setdefault(iso2, (code, iso2, names.get(code, "")))
    for iso2 in FRENCH_OVERSEAS:
        by_iso[iso2] = (FRANCE, iso2, "France")
    return sorted(by_iso.values(), key=lambda row: (row[0], row[1]))


def write_csv(path, header, rows, compress=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if compress:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
    return len(data)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("communes_json", type=Path)
    parser.add_argument("countries_csv", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    communes = commune_rows(json.loads(args.communes_json.read_text("utf-8")))
    with args.countries_csv.open(encoding="utf-8-sig", newline="") as handle:
        countries = country_rows(handle)
    args.out.mkdir(parents=True, exist_ok=True)
    size = write_csv(
        args.out / "insee_communes.csv.gz",
        ("code", "kind", "name", "parent", "postcodes", "old_codes"),
        communes,
        compress=True,
    )
    write_csv(args.out / "insee_countries.csv", ("code", "iso2", "name"), countries)
    print(f"{len(communes)} communes ({size} bytes), {len(countries)} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
