"""INSEE's Code officiel géographique (COG): communes and countries of birth.

The data files in ``data/`` are written by ``scripts/build_insee_data.py`` from
open data (Licence Ouverte / Etalab): the communes of INSEE's COG with La Poste's
postcodes, as packaged by Etalab (``@etalab/decoupage-administratif``), and
INSEE's list of countries and territories.

Urssaf checks the birth place with the tax office, which knows it as it was *at
the date of birth*:

* a former commune merged into a new one keeps its own code as a *commune
  déléguée* or *associée*: someone born there before the merger gives that code;
* Corsica was one department, ``20``, until 1 January 1976, then ``2A`` and
  ``2B``: Ajaccio is ``20004`` for a birth in 1948 and ``2A004`` from 1976.

Standard library only.
"""

from __future__ import annotations

import csv
import datetime
import functools
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
COMMUNES_FILE = DATA / "insee_communes.csv.gz"
COUNTRIES_FILE = DATA / "insee_countries.csv"
CORSICA_SPLIT = datetime.date(1976, 1, 1)
"""Corsica's department 20 became 2A and 2B on this day."""

KIND_CURRENT = "A"
KIND_DELEGATED = "D"
KIND_ASSOCIATED = "S"
KIND_ARRONDISSEMENT = "M"
KINDS = (KIND_CURRENT, KIND_DELEGATED, KIND_ASSOCIATED, KIND_ARRONDISSEMENT)


@dataclass(frozen=True)
class Commune:
    code: str
    kind: str
    name: str
    parent: str = ""
    postcodes: tuple = ()
    old_codes: tuple = ()


def read_communes(path=COMMUNES_FILE):
    """Every commune of the data file, in its order."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return [
            Commune(
                code=row["code"],
                kind=row["kind"],
                name=row["name"],
                parent=row["parent"],
                postcodes=tuple(row["postcodes"].split()),
                old_codes=tuple(row["old_codes"].split()),
            )
            for row in csv.DictReader(handle)
        ]


def read_countries(path=COUNTRIES_FILE):
    """``(insee_code, iso2, name)`` rows."""
    text = Path(path).read_text(encoding="utf-8")
    return [
        (row["code"], row["iso2"], row["name"])
        for row in csv.DictReader(io.StringIO(text))
    ]


@functools.lru_cache(maxsize=1)
def _index():
    by_code = {}
    by_old_code = {}
    for commune in read_communes():
        # A current commune first: a déléguée may share the new commune's code.
        by_code.setdefault(commune.code, commune)
        for old in commune.old_codes:
            by_old_code.setdefault(old, commune)
    return by_code, by_old_code


def _normalize(code):
    return code.strip().upper() if isinstance(code, str) else ""


def find(code):
    """The commune of a current or former COG code (``20004`` gives Ajaccio)."""
    code = _normalize(code)
    by_code, by_old_code = _index()
    return by_code.get(code) or by_old_code.get(code)


def is_corsican(code):
    return code[:2] in ("2A", "2B", "20")


def code_at(code, birth_date):
    """The code of commune ``code`` for a birth on ``birth_date``.

    Only Corsica's codes depend on the date: ``20xxx`` before 1976, ``2Axxx`` or
    ``2Bxxx`` from then on. Other codes are returned as they are; ``None`` when
    ``code`` is not a COG code at all.
    """
    code = _normalize(code)
    commune = find(code)
    if commune is None:
        return None
    if not is_corsican(code) or birth_date is None:
        return code
    if isinstance(birth_date, datetime.datetime):
        birth_date = birth_date.date()
    current = commune.code if commune.code[:2] in ("2A", "2B") else code
    if birth_date >= CORSICA_SPLIT:
        return current
    former = [old for old in commune.old_codes if old.startswith("20")]
    if code.startswith("20"):
        return code
    return former[0] if former else "20" + current[2:]


def birth_commune_problem(code, birth_date):
    """``None`` when ``code`` is right for a birth on that date, else a tuple
    ``("unknown", None)`` or ``("wrong_for_date", expected_code)``."""
    expected = code_at(code, birth_date)
    if expected is None:
        return ("unknown", None)
    if expected != _normalize(code):
        return ("wrong_for_date", expected)
    return None
