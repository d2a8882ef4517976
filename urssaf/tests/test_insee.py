"""INSEE's geographic code: communes at the date of birth, countries (urssaf.insee)."""

import datetime as dt

import pytest

from urssaf import insee


def test_shipped_communes_cover_every_kind():
    communes = insee.read_communes()
    assert len(communes) > 37000
    assert {c.kind for c in communes} == set(insee.KINDS)
    lyon = insee.find("69123")
    assert (lyon.name, lyon.kind) == ("Lyon", insee.KIND_CURRENT)
    assert "69001" in lyon.postcodes
    arrondissement = insee.find("75101")
    assert (arrondissement.kind, arrondissement.parent) == ("M", "75056")


def test_merged_communes_keep_their_code():
    # Saint-Bois, merged into Arboys en Bugey in 2016, is a commune déléguée.
    saint_bois = insee.find("01340")
    assert (saint_bois.name, saint_bois.kind, saint_bois.parent) == (
        "Saint-Bois",
        insee.KIND_DELEGATED,
        "01015",
    )
    assert insee.code_at("01340", dt.date(1960, 1, 1)) == "01340"
    # A shared code is the current commune's.
    assert insee.find("01015").kind == insee.KIND_CURRENT


@pytest.mark.parametrize(
    "code, birth, expected",
    [
        ("2A004", dt.date(1948, 6, 2), "20004"),
        ("2A004", dt.date(1975, 12, 31), "20004"),
        ("2A004", dt.date(1976, 1, 1), "2A004"),
        ("20004", dt.date(1990, 1, 1), "2A004"),
        ("20004", dt.date(1948, 1, 1), "20004"),
        ("2b033", dt.date(1950, 1, 1), "20033"),
        ("69123", dt.date(1948, 1, 1), "69123"),
        ("97411", dt.date(1948, 1, 1), "97411"),
        ("2A004", None, "2A004"),
        ("69999", dt.date(1980, 1, 1), None),
        ("", dt.date(1980, 1, 1), None),
        (None, None, None),
    ],
)
def test_code_at_the_date_of_birth(code, birth, expected):
    assert insee.code_at(code, birth) == expected


def test_birth_commune_problem():
    assert insee.birth_commune_problem("2A004", dt.date(1980, 1, 1)) is None
    assert insee.birth_commune_problem("2A004", dt.date(1948, 1, 1)) == (
        "wrong_for_date",
        "20004",
    )
    assert insee.birth_commune_problem("69999", dt.date(1980, 1, 1)) == (
        "unknown",
        None,
    )


def test_countries():
    rows = insee.read_countries()
    by_iso = {iso2: code for code, iso2, _name in rows}
    assert by_iso["FR"] == "99100"
    assert by_iso["ES"] == "99134"  # not 99313, the Spanish territories in Africa
    assert by_iso["DZ"] == "99352"
    assert by_iso["GB"] == "99132"
    assert by_iso["RE"] == by_iso["NC"] == "99100"  # born in France
    assert by_iso["BM"] == "99425"  # named in INSEE's official label
    assert len(by_iso) == len(rows)
    assert all(len(code) == 5 and code.startswith("99") for code in by_iso.values())
