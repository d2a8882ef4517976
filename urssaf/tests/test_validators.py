"""Pre-flight validators (urssaf.validators)."""

import dataclasses
import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from factories import make_line, make_particulier, make_request  # noqa: E402
from typography import typography_problems  # noqa: E402

from urssaf.data_types import (
    BirthPlace,
    Particulier,
)
from urssaf.payload import build_particulier, build_payment_request
from urssaf.validators import (
    Problem,
    validate_particulier,
    validate_payment_request,
    validate_search,
)

TODAY = dt.date(2025, 4, 15)


def particulier(**changes):
    return make_particulier(**changes)


def line(**changes):
    return make_line(**{"description": "Ménage", **changes})


def request(lines=(), **changes):
    """A request whose totals stay 264/240 whatever the lines (for mismatches)."""
    lines = [line()] if lines == () else lines
    return make_request(
        lines, **{"total_ttc": D("264.00"), "total_ht": D("240.00"), **changes}
    )


def codes(problems):
    return {(p.field, p.code) for p in problems}


def assert_well_formed(problems):
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.field and problem.code and problem.message
        assert problem.message.endswith((".", ")"))
        assert str(problem) == problem.message
        assert typography_problems(problem.message) == [], problem.message


# --- Problem ----------


def test_problem_is_frozen():
    problem = Problem("bank.iban", "checksum", "L'IBAN est invalide.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.code = "x"


# --- particulier: valid data ----------


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"usage_name": None},
        {"usage_name": ""},
        {"usage_name": "   "},
        {"civility": "1"},
        {"civility": 1},
        {"birth_name": "Le Gall-d’Arc."},
        {"first_names": "Jean-Pierre  Marie"},
        {"birth_date": dt.datetime(1980, 3, 29, 12, 0)},
        {"birth_date": TODAY},
        {"birth_date": dt.date(1900, 1, 1)},
        {"birth_place": BirthPlace("99100", "2A004", "Ajaccio")},
        {"birth_place": BirthPlace("99100", "2b033", "Bastia")},
        {"birth_place": BirthPlace("99100", "97411", "Saint-Denis")},
        {"birth_place": BirthPlace("99134", None, None)},
        {"birth_place": BirthPlace("99134", "", "")},
        {"mobile": "0705040302"},
        {"mobile": "+33 6 05 04 03 02"},
        {"mobile": "+33 (0)7 05 04 03 02"},
        {"email": " jeanne_durand-2@mail.example-site.fr "},
        {"address__street_number": None, "address__street_letter": None},
        {"address__street_number": 12, "address__street_letter": "bis"},
        {"address__street_type": "av"},
        {
            "address__street_type": None,
            "address__street_label": None,
            "address__street_number": None,
            "address__street_letter": None,
            "address__lieu_dit": "Le Beyssat",
        },
        {
            "address__street_type": None,
            "address__street_label": None,
            "address__street_number": None,
            "address__street_letter": None,
            "address__complement": "Bâtiment A",
        },
        {"address__street_label": "x" * 28, "address__complement": "y" * 38},
        {"address__commune_code": "2A004", "address__postcode": "20000"},
        {"address__country_code": ""},
        {"bank__iban": "fr7630006000011234567890189", "bank__bic": "bnpafrpp"},
        {"bank__iban": "DE89 3704 0044 0532 0130 00", "bank__bic": "COBADEFFXXX"},
        {"bank__holder": "x" * 100},
    ],
)
def test_valid_particulier(changes):
    p = particulier(**changes)
    assert validate_particulier(p, today=TODAY) == []
    build_particulier(p)


# --- particulier: every rule ----------


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"civility": ""}, ("civility", "required")),
        ({"civility": None}, ("civility", "required")),
        ({"civility": "3"}, ("civility", "invalid_choice")),
        ({"civility": "M."}, ("civility", "invalid_choice")),
        ({"civility": 1.0}, ("civility", "type")),
        ({"birth_name": ""}, ("birth_name", "required")),
        ({"birth_name": None}, ("birth_name", "required")),
        ({"birth_name": " \t "}, ("birth_name", "required")),
        ({"birth_name": "123 ..."}, ("birth_name", "pattern")),
        ({"birth_name": "😀"}, ("birth_name", "pattern")),
        ({"birth_name": "a" * 81}, ("birth_name", "too_long")),
        ({"birth_name": 42}, ("birth_name", "type")),
        ({"usage_name": "---"}, ("usage_name", "pattern")),
        ({"usage_name": "b" * 81}, ("usage_name", "too_long")),
        ({"first_names": ""}, ("first_names", "required")),
        ({"first_names": "1 2 3"}, ("first_names", "pattern")),
        ({"first_names": "Jean " * 20}, ("first_names", "too_long")),
        ({"birth_date": None}, ("birth_date", "required")),
        ({"birth_date": "1980-03-29"}, ("birth_date", "type")),
        ({"birth_date": TODAY + dt.timedelta(days=1)}, ("birth_date", "future")),
        ({"birth_date": dt.date(1899, 12, 31)}, ("birth_date", "too_old")),
        ({"birth_place": None}, ("birth_place", "required")),
        ({"birth_place__country_code": ""}, ("birth_place.country_code", "required")),
        ({"birth_place__country_code": "100"}, ("birth_place.country_code", "pattern")),
        ({"birth_place__country_code": "FR"}, ("birth_place.country_code", "pattern")),
        (
            {"birth_place": BirthPlace("12345", None, None)},
            ("birth_place.country_code", "pattern"),
        ),
        ({"birth_place__commune_code": None}, ("birth_place.commune_code", "required")),
        (
            {"birth_place__commune_code": "6912"},
            ("birth_place.commune_code", "pattern"),
        ),
        (
            {"birth_place__commune_code": "69-001"},
            ("birth_place.commune_code", "pattern"),
        ),
        (
            {"birth_place__commune_code": "1A004"},
            ("birth_place.commune_code", "pattern"),
        ),
        (
            {"birth_place__commune_code": "2C004"},
            ("birth_place.commune_code", "pattern"),
        ),
        (
            {"birth_place__commune_code": "99100"},
            ("birth_place.commune_code", "pattern"),
        ),
        (
            {"birth_place__commune_code": "690012"},
            ("birth_place.commune_code", "pattern"),
        ),
        (
            {"birth_place__commune_label": None},
            ("birth_place.commune_label", "required"),
        ),
        (
            {"birth_place__commune_label": "  "},
            ("birth_place.commune_label", "required"),
        ),
        (
            {"birth_place__commune_label": "L" * 51},
            ("birth_place.commune_label", "too_long"),
        ),
        (
            {"birth_place__commune_label": "Lyon;Paris"},
            ("birth_place.commune_label", "pattern"),
        ),
        (
            {"birth_place": BirthPlace("99134", "28001", "Madrid")},
            ("birth_place.commune_code", "unexpected"),
        ),
        ({"mobile": ""}, ("mobile", "required")),
        ({"mobile": "01 02 03 04 05"}, ("mobile", "pattern")),
        ({"mobile": "06 05 04 03"}, ("mobile", "pattern")),
        ({"mobile": "+32 6 05 04 03 02"}, ("mobile", "pattern")),
        ({"mobile": "06 05 04 03 02 01"}, ("mobile", "pattern")),
        ({"email": ""}, ("email", "required")),
        ({"email": "jeanne+aici@example.fr"}, ("email", "pattern")),
        ({"email": "jeanne@example"}, ("email", "pattern")),
        ({"email": "jéanne@example.fr"}, ("email", "pattern")),
        ({"email": "jeanne..d@example.fr"}, ("email", "pattern")),
        ({"email": "a@" + "b" * 260 + ".fr"}, ("email", "too_long")),
        ({"address": None}, ("address", "required")),
        ({"address__commune_code": ""}, ("address.commune_code", "required")),
        ({"address__commune_code": "69001X"}, ("address.commune_code", "pattern")),
        ({"address__commune_code": "6900"}, ("address.commune_code", "pattern")),
        ({"address__commune_label": ""}, ("address.commune_label", "required")),
        ({"address__commune_label": "X" * 51}, ("address.commune_label", "too_long")),
        ({"address__postcode": ""}, ("address.postcode", "required")),
        ({"address__postcode": "6900"}, ("address.postcode", "pattern")),
        ({"address__postcode": "F-69001"}, ("address.postcode", "pattern")),
        ({"address__country_code": "FR"}, ("address.country_code", "pattern")),
        ({"address__street_number": "0"}, ("address.street_number", "pattern")),
        ({"address__street_number": "00"}, ("address.street_number", "pattern")),
        ({"address__street_number": "8bis"}, ("address.street_number", "pattern")),
        ({"address__street_number": "1" * 21}, ("address.street_number", "pattern")),
        ({"address__street_letter": "A"}, ("address.street_letter", "invalid_choice")),
        ({"address__street_letter": "BB"}, ("address.street_letter", "invalid_choice")),
        (
            {"address__street_number": None},
            ("address.street_letter", "letter_needs_number"),
        ),
        (
            {"address__street_type": "RUE"},
            ("address.street_type", "unknown_street_type"),
        ),
        ({"address__street_type": "AVENUE"}, ("address.street_type", "too_long")),
        ({"address__street_type": "R."}, ("address.street_type", "pattern")),
        ({"address__street_label": "x" * 29}, ("address.street_label", "too_long")),
        (
            {"address__street_label": "du Soleil levant sur la colline"},
            ("address.street_label", "too_long"),
        ),
        ({"address__complement": "y" * 39}, ("address.complement", "too_long")),
        ({"address__lieu_dit": "z" * 39}, ("address.lieu_dit", "too_long")),
        ({"address__street_type": None}, ("address.street_type", "together")),
        ({"address__street_label": None}, ("address.street_label", "together")),
        (
            {"address__street_label": None},
            ("address.street_label", "number_needs_label"),
        ),
        (
            {"address__street_type": None, "address__street_label": None},
            ("address", "incomplete"),
        ),
        ({"bank": None}, ("bank", "required")),
        ({"bank__iban": ""}, ("bank.iban", "required")),
        (
            {"bank__iban": "FR76 3000 6000 0112 3456 7890 188"},
            ("bank.iban", "checksum"),
        ),
        ({"bank__iban": "FR76 3000"}, ("bank.iban", "pattern")),
        ({"bank__iban": "FR7630006000011234567890189" * 2}, ("bank.iban", "too_long")),
        ({"bank__iban": "GB82 WEST 1234 5698 7654 3"}, ("bank.iban", "checksum")),
        ({"bank__iban": "FR76 3000 6000 0112 3456 7890 18é"}, ("bank.iban", "pattern")),
        ({"bank__bic": ""}, ("bank.bic", "required")),
        ({"bank__bic": "BNPA"}, ("bank.bic", "pattern")),
        ({"bank__bic": "BNPAFRPPX"}, ("bank.bic", "pattern")),
        ({"bank__bic": "1NPAFRPP"}, ("bank.bic", "pattern")),
        ({"bank__bic": "BNPAFRPPXXXX"}, ("bank.bic", "too_long")),
        ({"bank__holder": ""}, ("bank.holder", "required")),
        ({"bank__holder": "h" * 101}, ("bank.holder", "too_long")),
    ],
)
def test_invalid_particulier(changes, expected):
    problems = validate_particulier(particulier(**changes), today=TODAY)
    assert expected in codes(problems), problems
    assert_well_formed(problems)


def test_particulier_messages_are_french_and_precise():
    problems = validate_particulier(
        particulier(address__street_label="x" * 31), today=TODAY
    )
    assert [p.message for p in problems] == [
        "Le libellé de voie ne doit pas dépasser 28 caractères (actuellement 31)."
    ]
    problems = validate_particulier(particulier(email="a+b@example.fr"), today=TODAY)
    assert "+" in problems[0].message and "n'accepte pas" in problems[0].message


def test_particulier_all_problems_at_once():
    p = particulier(
        civility="9",
        birth_name="",
        mobile="01",
        email="x",
        bank__iban="FR00",
        bank__bic="",
    )
    found = codes(validate_particulier(p, today=TODAY))
    assert {
        ("civility", "invalid_choice"),
        ("birth_name", "required"),
        ("mobile", "pattern"),
        ("email", "pattern"),
        ("bank.iban", "pattern"),
        ("bank.bic", "required"),
    } <= found


def test_particulier_length_counts_utf16_units():
    # 14 letters outside the BMP are dropped by clean_name; 28 emoji in a street
    # label count 56 UTF-16 units, as Java counts them.
    problems = validate_particulier(
        particulier(address__street_label="😀" * 15), today=TODAY
    )
    assert ("address.street_label", "too_long") in codes(problems)


@pytest.mark.parametrize(
    "value", [None, 42, "texte", object(), Particulier.__new__(Particulier)]
)
def test_particulier_garbage_never_raises(value):
    problems = validate_particulier(value, today=TODAY)
    assert problems
    assert_well_formed(problems)


def test_particulier_nested_garbage_never_raises():
    p = particulier(
        birth_place="Lyon",
        address=["rue"],
        bank=3.5,
        birth_date=float("nan"),
        mobile=b"0605040302",
    )
    problems = validate_particulier(p, today=TODAY)
    assert problems
    assert_well_formed(problems)


# --- payment request: valid data ----------


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"date_start": dt.date(2025, 3, 1), "date_end": dt.date(2025, 3, 31)},
        {"invoice_date": dt.date(2025, 3, 3)},
        {"invoice_date": TODAY},
        {"date_end": dt.datetime(2025, 3, 28, 23, 59)},
        {"deposit_amount": D("132.00"), "deposit_date": dt.date(2025, 3, 1)},
        {"deposit_amount": D(0)},
        {"total_ttc": D("264.01")},
        {"total_ttc": D("263.99"), "total_ht": D("240.00")},
        {"total_ht": D("240.01")},
        {"id_client": 11000000000104},
    ],
)
def test_valid_payment_request(changes):
    pr = request(**changes)
    assert validate_payment_request(pr, today=TODAY) == []
    build_payment_request(pr)


@pytest.mark.parametrize(
    "line_changes",
    [
        {"unit": "FORFAIT", "quantity": D(1)},
        {"unit": "heure"},
        {"nature_code": 60},
        {"nature_code": " 100 "},
        {"quantity": D("1.333")},
        {"quantity": 12, "total_ttc": 264, "total_ht": 240.0},
        {"total_ht": D("264.00")},
        {"total_ttc": D("0.00"), "total_ht": D("0.00")},
        {"date_start": dt.date(2025, 3, 3), "date_end": dt.date(2025, 3, 28)},
        {"intervenant": "SAP123456782"},
        {"intervenant": "sir 123 456 789 00012"},
        {"description": None},
        {"description": "x" * 500},
        {"unit_price_ttc": D(22)},
        {"unit_price_ttc": D("NaN")},
        {"unit_price_ttc": "n'importe quoi"},
    ],
)
def test_valid_payment_request_lines(line_changes):
    extra = (
        [line(nature_code="70", total_ttc=D("10.00"), total_ht=D("10.00"))]
        if line_changes.get("total_ttc") == D("0.00")
        else []
    )
    lines = [line(**line_changes), *extra]
    total_ttc = sum((D(str(x.total_ttc)) for x in lines), D(0))
    total_ht = sum((D(str(x.total_ht)) for x in lines), D(0))
    pr = request(lines, total_ttc=total_ttc, total_ht=total_ht)
    assert validate_payment_request(pr, today=TODAY) == []
    build_payment_request(pr)


UTC = dt.timezone.utc


@pytest.mark.parametrize(
    "activation",
    [
        # exactly at midnight UTC on the start day: 2025-03-03T00:00:00Z passes
        dt.datetime(2025, 3, 3, tzinfo=UTC),
        dt.datetime(2025, 3, 3),  # naive: UTC, as Odoo stores it
        "2025-03-03T00:00:00Z",
        # 00:30 in Paris on the 3rd is still the 2nd in UTC
        dt.datetime(2025, 3, 3, 0, 30, tzinfo=ZoneInfo("Europe/Paris")),
        dt.datetime(2025, 3, 2, 10, tzinfo=UTC),
        dt.date(2025, 3, 2),
        "2025-03-02",
        None,
        "n'importe quoi",
    ],
)
def test_period_starting_from_the_activation(activation):
    pr = request()  # the period starts on 03/03/2025
    assert validate_payment_request(pr, today=TODAY, activation=activation) == []


@pytest.mark.parametrize(
    "activation,shown",
    [
        # Urssaf compares 2025-03-03T00:00:00Z with the activation instant.
        (dt.datetime(2025, 3, 3, 10, tzinfo=UTC), "le 03/03/2025 à 11 h 00"),
        (dt.datetime(2025, 3, 3, 10), "le 03/03/2025 à 11 h 00"),
        ("2025-03-03T10:00:00Z", "le 03/03/2025 à 11 h 00"),
        (dt.datetime(2025, 3, 3, 0, 0, 1, tzinfo=UTC), "le 03/03/2025 à 01 h 00"),
        # the day only: some time of that day, hence refused as well
        (dt.date(2025, 3, 3), "le 03/03/2025"),
    ],
)
def test_period_starting_on_the_activation_day(activation, shown):
    pr = request()
    problems = validate_payment_request(pr, today=TODAY, activation=activation)
    assert codes(problems) == {("date_start", "before_activation")}
    assert_well_formed(problems)
    message = problems[0].message
    assert f"avance immédiate pour ce client ({shown}" in message
    assert "au plus tôt le 04/03/2025 ;" in message
    # starting the next day, the same request passes
    later = request(date_start=dt.date(2025, 3, 4))
    assert validate_payment_request(later, today=TODAY, activation=activation) == []


def test_period_before_the_activation():
    pr = request()
    problems = validate_payment_request(
        pr, today=TODAY, activation=dt.datetime(2025, 3, 10, 15, 45, tzinfo=UTC)
    )
    assert codes(problems) == {("date_start", "before_activation")}
    assert problems[0].message == (
        "La période commence le 03/03/2025, avant l'activation de l'avance "
        "immédiate pour ce client (le 10/03/2025 à 16 h 45, heure de Paris) : "
        "l'Urssaf refuserait la demande. La période peut commencer au plus tôt le "
        "11/03/2025 ; les prestations antérieures se facturent hors avance "
        "immédiate."
    )
    # the former keyword still works, a date as a whole day
    problems = validate_payment_request(
        pr, today=TODAY, activation_date=dt.date(2025, 3, 4)
    )
    assert codes(problems) == {("date_start", "before_activation")}
    assert "au plus tôt le 05/03/2025" in problems[0].message


# --- payment request: every rule ----------


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"id_tiers_facturation": ""}, ("id_tiers_facturation", "required")),
        ({"id_tiers_facturation": "  "}, ("id_tiers_facturation", "required")),
        ({"id_client": None}, ("id_client", "required")),
        ({"id_client": ["x"]}, ("id_client", "type")),
        ({"client_birth_date": None}, ("client_birth_date", "required")),
        ({"client_birth_date": "1980-03-29"}, ("client_birth_date", "type")),
        ({"client_birth_date": dt.date(2030, 1, 1)}, ("client_birth_date", "future")),
        ({"invoice_number": ""}, ("invoice_number", "required")),
        ({"invoice_number": "   "}, ("invoice_number", "required")),
        ({"invoice_number": "F" * 51}, ("invoice_number", "too_long")),
        ({"invoice_number": "FAC\n001"}, ("invoice_number", "pattern")),
        ({"invoice_date": None}, ("invoice_date", "required")),
        ({"invoice_date": dt.date(2025, 4, 16)}, ("invoice_date", "future")),
        (
            {"invoice_date": dt.date(2025, 3, 2)},
            ("invoice_date", "invoice_before_period"),
        ),
        ({"date_start": None}, ("date_start", "required")),
        ({"date_end": None}, ("date_end", "required")),
        ({"date_start": 20250303}, ("date_start", "type")),
        (
            {"date_start": dt.date(2025, 3, 20), "date_end": dt.date(2025, 3, 19)},
            ("date_end", "period_order"),
        ),
        (
            {"date_start": dt.date(2025, 2, 28), "date_end": dt.date(2025, 3, 1)},
            ("date_end", "period_two_months"),
        ),
        (
            {"date_start": dt.date(2024, 3, 1), "date_end": dt.date(2025, 3, 1)},
            ("date_end", "period_two_months"),
        ),
        (
            {
                "date_start": dt.date(2025, 4, 1),
                "date_end": dt.date(2025, 4, 16),
                "invoice_date": dt.date(2025, 4, 2),
            },
            ("date_end", "future"),
        ),
        (
            {
                "date_start": dt.date(2021, 3, 1),
                "date_end": dt.date(2021, 3, 31),
                "invoice_date": dt.date(2021, 3, 31),
            },
            ("date_start", "before_launch"),
        ),
        ({"lines": []}, ("lines", "required")),
        ({"lines": None}, ("lines", "required")),
        ({"lines": "60"}, ("lines", "type")),
        ({"lines": [None]}, ("lines[0]", "required")),
        ({"total_ttc": None}, ("total_ttc", "required")),
        ({"total_ttc": "abc"}, ("total_ttc", "type")),
        ({"total_ttc": D("NaN")}, ("total_ttc", "not_finite")),
        ({"total_ttc": float("inf")}, ("total_ttc", "not_finite")),
        ({"total_ttc": D("1e30")}, ("total_ttc", "too_large")),
        ({"total_ttc": D("-264.00")}, ("total_ttc", "negative")),
        ({"total_ttc": D("264.001")}, ("total_ttc", "decimals")),
        ({"total_ttc": D("264.02")}, ("total_ttc", "total_mismatch")),
        ({"total_ttc": D(0), "total_ht": D(0)}, ("total_ttc", "zero_total")),
        ({"total_ht": D("300.00")}, ("total_ht", "ht_above_ttc")),
        ({"total_ht": D("239.98")}, ("total_ht", "total_mismatch")),
        ({"total_ht": True}, ("total_ht", "type")),
        (
            {"deposit_amount": D("132.01"), "deposit_date": dt.date(2025, 3, 1)},
            ("deposit_amount", "deposit_too_high"),
        ),
        ({"deposit_amount": D("10.00")}, ("deposit_date", "required")),
        (
            {"deposit_amount": D("10.00"), "deposit_date": dt.date(2025, 5, 1)},
            ("deposit_date", "future"),
        ),
        ({"deposit_amount": D("-10.00")}, ("deposit_amount", "negative")),
        ({"deposit_amount": D("10.005")}, ("deposit_amount", "decimals")),
    ],
)
def test_invalid_payment_request(changes, expected):
    problems = validate_payment_request(request(**changes), today=TODAY)
    assert expected in codes(problems), problems
    assert_well_formed(problems)


@pytest.mark.parametrize(
    "line_changes, expected",
    [
        ({"nature_code": ""}, ("lines[0].nature_code", "required")),
        ({"nature_code": "ENF"}, ("lines[0].nature_code", "unknown_nature")),
        ({"nature_code": "65"}, ("lines[0].nature_code", "unknown_nature")),
        ({"unit": None}, ("lines[0].unit", "required")),
        ({"unit": "JOUR"}, ("lines[0].unit", "invalid_choice")),
        ({"quantity": None}, ("lines[0].quantity", "required")),
        ({"quantity": D(0)}, ("lines[0].quantity", "not_positive")),
        ({"quantity": D("0.004")}, ("lines[0].quantity", "not_positive")),
        ({"quantity": D(-2)}, ("lines[0].quantity", "not_positive")),
        ({"quantity": float("nan")}, ("lines[0].quantity", "not_finite")),
        ({"quantity": D("1e9")}, ("lines[0].quantity", "too_large")),
        ({"quantity": "douze"}, ("lines[0].quantity", "type")),
        ({"total_ttc": D("-264.00")}, ("lines[0].total_ttc", "negative")),
        ({"total_ttc": D("264.004")}, ("lines[0].total_ttc", "decimals")),
        ({"total_ttc": D("Infinity")}, ("lines[0].total_ttc", "not_finite")),
        ({"total_ttc": None}, ("lines[0].total_ttc", "required")),
        ({"total_ht": D(-1)}, ("lines[0].total_ht", "negative")),
        ({"total_ht": D("265.00")}, ("lines[0].total_ht", "ht_above_ttc")),
        (
            {"date_start": dt.date(2025, 3, 1)},
            ("lines[0].date_start", "outside_period"),
        ),
        ({"date_end": dt.date(2025, 3, 29)}, ("lines[0].date_end", "outside_period")),
        (
            {"date_start": dt.date(2025, 3, 20), "date_end": dt.date(2025, 3, 10)},
            ("lines[0].date_end", "period_order"),
        ),
        ({"date_start": "2025-03-03"}, ("lines[0].date_start", "type")),
        ({"intervenant": None}, ("lines[0].intervenant", "required")),
        ({"intervenant": "123456789"}, ("lines[0].intervenant", "pattern")),
        ({"intervenant": "SAP12345678"}, ("lines[0].intervenant", "pattern")),
        ({"intervenant": "SIR1234567890001"}, ("lines[0].intervenant", "pattern")),
        ({"intervenant": "NOVA123456789"}, ("lines[0].intervenant", "pattern")),
        ({"description": 12}, ("lines[0].description", "type")),
    ],
)
def test_invalid_payment_request_line(line_changes, expected):
    problems = validate_payment_request(request([line(**line_changes)]), today=TODAY)
    assert expected in codes(problems), problems
    assert_well_formed(problems)
    assert all(
        p.message.startswith("Ligne 1 : ")
        for p in problems
        if p.field.startswith("lines[0].")
    )


def test_negative_line_message_mentions_credit_notes():
    problems = validate_payment_request(
        request([line(total_ttc=D("-10.00"), total_ht=D("-10.00"))]), today=TODAY
    )
    message = next(p.message for p in problems if p.code == "negative")
    assert "avoirs" in message and "remise" in message


def test_period_two_months_message():
    problems = validate_payment_request(
        request(date_start=dt.date(2025, 2, 28), date_end=dt.date(2025, 3, 28)),
        today=TODAY,
    )
    problem = next(p for p in problems if p.code == "period_two_months")
    assert "28/02/2025" in problem.message and "mois civil" in problem.message


def test_second_line_problems_are_indexed():
    lines = [line(), line(nature_code="999", total_ttc=D("1.00"), total_ht=D("1.00"))]
    problems = validate_payment_request(
        request(lines, total_ttc=D("265.00"), total_ht=D("241.00")), today=TODAY
    )
    assert codes(problems) == {("lines[1].nature_code", "unknown_nature")}
    assert problems[0].message.startswith("Ligne 2 : ")


def test_tolerance_is_one_cent_per_line():
    lines = [line(), line(), line()]
    ok = request(lines, total_ttc=D("792.03"), total_ht=D("720.00"))
    assert validate_payment_request(ok, today=TODAY) == []
    item = build_payment_request(ok)
    assert item["inputPrestations"][0]["mntPrestationTTC"] == 264.03
    too_far = request(lines, total_ttc=D("792.04"), total_ht=D("720.00"))
    assert ("total_ttc", "total_mismatch") in codes(
        validate_payment_request(too_far, today=TODAY)
    )


def test_unabsorbable_rounding_difference():
    lines = [line(total_ttc=D("264.00"), total_ht=D("264.00"))]
    pr = request(lines, total_ttc=D("263.99"), total_ht=D("264.00"))
    found = codes(validate_payment_request(pr, today=TODAY))
    assert ("total_ht", "ht_above_ttc") in found


def test_unabsorbable_rounding_difference_between_lines():
    lines = [
        line(total_ttc=D("10.00"), total_ht=D("10.00")),
        line(total_ttc=D("20.00"), total_ht=D("20.00")),
    ]
    pr = request(lines, total_ttc=D("29.99"), total_ht=D("29.99"))
    # the HT gap can be absorbed, then the TTC gap too (tax stays 0)
    assert validate_payment_request(pr, today=TODAY) == []
    pr = request(lines, total_ttc=D("29.99"), total_ht=D("30.00"))
    assert ("total_ht", "ht_above_ttc") in codes(
        validate_payment_request(pr, today=TODAY)
    )
    # one cent of tax per line, invoice totals two cents of tax lower: no single
    # line can give two cents of tax back
    lines = [
        line(total_ttc=D("10.00"), total_ht=D("9.99")),
        line(total_ttc=D("20.00"), total_ht=D("19.99")),
    ]
    pr = request(lines, total_ttc=D("29.98"), total_ht=D("29.98"))
    assert codes(validate_payment_request(pr, today=TODAY)) == {
        ("total_ttc", "total_mismatch")
    }
    pr = request(lines, total_ttc=D("29.99"), total_ht=D("29.98"))
    assert validate_payment_request(pr, today=TODAY) == []


@pytest.mark.parametrize("value", [None, 42, "texte", object()])
def test_payment_request_garbage_never_raises(value):
    problems = validate_payment_request(value, today=TODAY)
    assert problems
    assert_well_formed(problems)


def test_payment_request_nested_garbage_never_raises():
    pr = request(
        [line(quantity=D("sNaN"), total_ttc=D("sNaN"), total_ht=[1]), object()],
        total_ttc=D("1e999999"),
        total_ht=D("-1e-999999"),
        deposit_amount=D("sNaN"),
        deposit_date="hier",
        invoice_number=b"FAC",
    )
    problems = validate_payment_request(pr, today=TODAY, activation_date="nope")
    assert problems
    assert_well_formed(problems)


# --- search ----------


def test_validate_search():
    assert validate_search(ids=["1", "2"]) == []
    assert validate_search(invoice_numbers=["FAC/1"]) == []
    assert validate_search(date_start=dt.date(2025, 3, 1), date_end=TODAY) == []
    assert codes(validate_search()) == {("ids", "no_criterion")}
    assert codes(validate_search(ids=[])) == {("ids", "no_criterion")}
    assert codes(validate_search(ids=[str(i) for i in range(11)])) == {
        ("ids", "too_many")
    }
    assert codes(validate_search(date_start=dt.date(2025, 3, 1))) == {
        ("date_end", "required")
    }
    assert codes(validate_search(date_start=TODAY, date_end=dt.date(2025, 3, 1))) == {
        ("date_end", "period_order")
    }
    assert ("ids", "type") in codes(validate_search(ids=[1, "  "]))
    assert ("ids", "type") in codes(validate_search(ids=12))
    assert_well_formed(validate_search(ids=object(), date_start="x"))


# --- names as full matches, birth commune at the date of birth -----------------


@pytest.mark.parametrize("field", ["birth_name", "usage_name", "first_names"])
def test_a_digit_in_a_name_is_refused(field):
    problems = validate_particulier(particulier(**{field: "Dupont2"}), today=TODAY)
    assert [(p.field, p.code) for p in problems] == [(field, "pattern")]
    assert "« Dupont2 » contient un chiffre" in problems[0].message


def test_birth_commune_must_exist():
    problems = validate_particulier(
        particulier(birth_place=BirthPlace("99100", "69999", "Nulle part")),
        today=TODAY,
    )
    assert [(p.field, p.code) for p in problems] == [
        ("birth_place.commune_code", "unknown_commune")
    ]
    assert "code officiel géographique" in problems[0].message


def test_corsica_before_1976():
    born_1948 = particulier(
        birth_date=dt.date(1948, 6, 2),
        birth_place=BirthPlace("99100", "2A004", "Ajaccio"),
    )
    problems = validate_particulier(born_1948, today=TODAY)
    assert [(p.field, p.code) for p in problems] == [
        ("birth_place.commune_code", "wrong_for_date")
    ]
    assert "20004 est attendu" in problems[0].message
    born_1948.birth_place.commune_code = "20004"
    assert validate_particulier(born_1948, today=TODAY) == []
    place = build_particulier(born_1948)["lieuNaissance"]
    assert place["departementNaissance"] == "020"
    assert place["communeNaissance"]["codeCommune"] == "004"
