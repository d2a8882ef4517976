import pytest

from urssaf.catalogues import STREET_TYPES
from urssaf.prefill import _STREET_TYPE_WORDS, parse_street, split_person_name


@pytest.mark.parametrize(
    "street,expected",
    [
        (
            "8 bis rue du Soleil",
            {
                "street_number": "8",
                "street_letter": "B",
                "street_type": "R",
                "street_label": "du Soleil",
            },
        ),
        (
            "12, Avenue Jean Jaurès",
            {"street_number": "12", "street_type": "AV", "street_label": "Jean Jaurès"},
        ),
        ("3 C rue Haute", {"street_number": "3", "street_letter": "C",
                           "street_type": "R", "street_label": "Haute"}),
        ("4 cours Lafayette", {"street_number": "4", "street_type": "C",
                               "street_label": "Lafayette"}),
        ("Lieu-dit Le Beyssat", {"street_label": "Lieu-dit Le Beyssat"}),
        ("Allée des Tilleuls", {"street_type": "ALL", "street_label": "des Tilleuls"}),
        ("0 rue X", {"street_type": "R", "street_label": "X"}),
        ("", {}),
        (None, {}),
    ],
)  # fmt: skip
def test_parse_street(street, expected):
    assert parse_street(street) == expected


def test_street_type_words_map_to_known_codes():
    assert set(_STREET_TYPE_WORDS.values()) <= set(STREET_TYPES)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Jeanne MARTIN", ("Jeanne", "MARTIN")),
        ("DURAND Paul Henri", ("Paul Henri", "DURAND")),
        ("Jeanne Marie Martin", ("Jeanne Marie", "Martin")),
        ("Martin", ("", "Martin")),
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_split_person_name(name, expected):
    assert split_person_name(name) == expected
