"""Builders of the Urssaf JSON bodies (urssaf.payload)."""

import copy
import datetime as dt
import time
from decimal import Decimal as D

import pytest
from factories import make_line, make_particulier, make_request  # noqa: E402
from schema_check import (  # noqa: E402
    FIRST_NAMES_PATTERN,
    NAME_PATTERN,
    assert_schema_valid,
    check_amount_rules,
    schema_errors,
)

from urssaf import contract
from urssaf.data_types import (
    Address,
    BirthPlace,
)
from urssaf.payload import (
    COMPLEMENT1_MAX_LENGTH,
    balance_lines,
    build_particulier,
    build_payment_request,
    build_search,
    clean_name,
    compute_unit_price,
    format_date,
    intervenant_code,
    normalize_iban,
    normalize_mobile,
    split_birth_commune,
)

# --- format_date ----------


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2026, 3, 1), "2026-03-01T00:00:00Z"),
        (dt.date(2026, 2, 28), "2026-02-28T00:00:00Z"),
        (dt.date(2024, 2, 29), "2024-02-29T00:00:00Z"),
        (dt.date(2025, 12, 31), "2025-12-31T00:00:00Z"),
        (dt.date(2026, 1, 1), "2026-01-01T00:00:00Z"),
        (dt.datetime(2026, 3, 1, 0, 0), "2026-03-01T00:00:00Z"),
        (dt.datetime(2026, 3, 1, 23, 59, 59), "2026-03-01T00:00:00Z"),
        (dt.date(5, 1, 2), "0005-01-02T00:00:00Z"),
        ("2026-03-01", "2026-03-01T00:00:00Z"),
    ],
)
def test_format_date(value, expected):
    assert format_date(value) == expected


@pytest.mark.parametrize(
    "tz_name", ["Europe/Paris", "Pacific/Kiritimati", "Etc/GMT+12"]
)
def test_format_date_ignores_time_zones(monkeypatch, tz_name):
    monkeypatch.setenv("TZ", tz_name)
    time.tzset()
    try:
        assert format_date(dt.date(2026, 3, 1)) == "2026-03-01T00:00:00Z"
        # an aware datetime keeps its own calendar date, never shifted to UTC
        paris_midnight = dt.datetime(
            2026, 3, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))
        )
        assert format_date(paris_midnight) == "2026-03-01T00:00:00Z"
        late = dt.datetime(
            2026, 2, 28, 23, 30, tzinfo=dt.timezone(-dt.timedelta(hours=12))
        )
        assert format_date(late) == "2026-02-28T00:00:00Z"
        assert format_date(dt.datetime.fromtimestamp(0).replace(2026, 3, 1)).startswith(
            "2026-03-01"
        )
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize("value", [None, 20260301, "hier", "2026-13-01"])
def test_format_date_rejects_non_dates(value):
    with pytest.raises(TypeError):
        format_date(value)


# --- helpers ----------


@pytest.mark.parametrize(
    "code, expected",
    [
        ("77288", ("077", "288")),
        ("69123", ("069", "123")),
        ("01001", ("001", "001")),
        ("2A004", ("02A", "004")),
        ("2b033", ("02B", "033")),
        ("97209", ("972", "009")),
        ("97411", ("974", "011")),
        ("97617", ("976", "017")),
        (" 75056 ", ("075", "056")),
    ],
)
def test_split_birth_commune(code, expected):
    assert split_birth_commune(code) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Durand", "Durand"),
        ("Jean-Pierre", "Jean-Pierre"),
        ("O’Brien", "O'Brien"),
        ("d‘Artagnan", "d'Artagnan"),
        ("Mac ʼKay", "Mac'Kay"),
        ("  Dupont. ", "Dupont"),
        ("J.-P. Martin", "J-P Martin"),
        ("St.Pierre", "St Pierre"),
        ("Jean,Paul", "Jean Paul"),
        ("Jean - Pierre", "Jean-Pierre"),
        ("Marie   Claire", "Marie Claire"),
        ("Marie\tClaire\n", "Marie Claire"),
        ("Louis XIV 2", "Louis XIV"),
        ("Zoé 😀", "Zoé"),
        ("E\u0301milie", "Émilie"),
        ("-Anne-", "Anne"),
        ("'Anne'", "Anne"),
        ("Anne–Sophie", "Anne-Sophie"),
        ("Ñúñez Çağlar", "Ñúñez Çağlar"),
        ("محمد", "محمد"),
        ("123", ""),
        ("...", ""),
        ("", ""),
        (None, ""),
        (42, ""),
    ],
)
def test_clean_name(raw, expected):
    cleaned = clean_name(raw)
    assert cleaned == expected
    if cleaned:
        assert NAME_PATTERN.search(cleaned)
        assert FIRST_NAMES_PATTERN.search(cleaned)
        assert (
            schema_errors(
                "InputParticulierDTO",
                {
                    **build_particulier(make_particulier()),
                    "nomNaissance": cleaned,
                    "prenoms": cleaned,
                },
            )
            == []
        )


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        ("fr7630006000011234567890189", "FR7630006000011234567890189"),
        (" FR76-3000\u00a06000 ", "FR7630006000"),
        (None, ""),
    ],
)
def test_normalize_iban(raw, expected):
    assert normalize_iban(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("06 05 04 03 02", "0605040302"),
        ("06.05.04.03.02", "0605040302"),
        ("06-05-04-03-02", "0605040302"),
        ("+33 6 05 04 03 02", "+33605040302"),
        ("+33 (0)6 05 04 03 02", "+33605040302"),
        ("+33 06 05 04 03 02", "+33605040302"),
        ("0033 7 05 04 03 02", "+33705040302"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_mobile(raw, expected):
    assert normalize_mobile(raw) == expected


# --- particulier ----------


def test_build_particulier_metropolitan_france():
    payload = build_particulier(make_particulier())
    assert payload == {
        "civilite": "2",
        "nomNaissance": "Durand",
        "nomUsage": "Martin",
        "prenoms": "Jeanne Marie",
        "dateNaissance": "1980-03-29T00:00:00Z",
        "lieuNaissance": {
            "codePaysNaissance": "99100",
            "departementNaissance": "069",
            "communeNaissance": {"codeCommune": "123", "libelleCommune": "Lyon"},
        },
        "numeroTelephonePortable": "0605040302",
        "adresseMail": "jeanne.martin@example.fr",
        "adressePostale": {
            "numeroVoie": "8",
            "lettreVoie": "B",
            "codeTypeVoie": "R",
            "libelleVoie": "du Soleil",
            "libelleCommune": "LYON 01",
            "codeCommune": "69101",
            "codePostal": "69001",
            "codePays": "99100",
        },
        "coordonneeBancaire": {
            "bic": "BNAPFRPPXXX",
            "iban": "FR7630006000011234567890189",
            "titulaire": "Mme Jeanne Martin",
        },
    }
    assert_schema_valid("InputParticulierDTO", payload)


def test_build_particulier_corsica():
    particulier = make_particulier(birth_place=BirthPlace("99100", "2A004", "Ajaccio"))
    particulier.address = Address("2b033", "BASTIA", "20200", lieu_dit="Cardo")
    payload = build_particulier(particulier)
    assert payload["lieuNaissance"] == {
        "codePaysNaissance": "99100",
        "departementNaissance": "02A",
        "communeNaissance": {"codeCommune": "004", "libelleCommune": "Ajaccio"},
    }
    assert payload["adressePostale"] == {
        "lieuDit": "Cardo",
        "libelleCommune": "BASTIA",
        "codeCommune": "2B033",
        "codePostal": "20200",
        "codePays": "99100",
    }
    assert_schema_valid("InputParticulierDTO", payload)


@pytest.mark.parametrize(
    "code, department, commune",
    [("97411", "974", "011"), ("97209", "972", "009"), ("97101", "971", "001")],
)
def test_build_particulier_overseas(code, department, commune):
    particulier = make_particulier(birth_place=BirthPlace("99100", code, "Saint-Denis"))
    payload = build_particulier(particulier)
    assert payload["lieuNaissance"]["departementNaissance"] == department
    assert payload["lieuNaissance"]["communeNaissance"]["codeCommune"] == commune
    assert_schema_valid("InputParticulierDTO", payload)


def test_build_particulier_born_abroad():
    particulier = make_particulier(birth_place=BirthPlace("99134", None, None))
    payload = build_particulier(particulier)
    assert payload["lieuNaissance"] == {"codePaysNaissance": "99134"}
    assert_schema_valid("InputParticulierDTO", payload)


def test_build_particulier_omits_empty_optional_keys():
    particulier = make_particulier(
        usage_name="",
        birth_name="  d’Arc. ",
        first_names="Jeanne  (la Pucelle)",
        mobile="+33 7 05 04 03 02",
        email="  jeanne@example.fr ",
        address=Address(
            "69101", "LYON 01", "69001", "", "", None, "r", "de la Paix", "  ", None
        ),
    )
    payload = build_particulier(particulier)
    assert "nomUsage" not in payload
    assert payload["nomNaissance"] == "d'Arc"
    assert payload["prenoms"] == "Jeanne la Pucelle"
    assert payload["numeroTelephonePortable"] == "+33705040302"
    assert payload["adresseMail"] == "jeanne@example.fr"
    assert payload["adressePostale"] == {
        "codeTypeVoie": "R",
        "libelleVoie": "de la Paix",
        "libelleCommune": "LYON 01",
        "codeCommune": "69101",
        "codePostal": "69001",
        "codePays": "99100",
    }
    assert_schema_valid("InputParticulierDTO", payload)


def test_build_particulier_street_letter_words():
    particulier = make_particulier()
    particulier.address.street_letter = "bis"
    assert build_particulier(particulier)["adressePostale"]["lettreVoie"] == "B"
    particulier.address.street_letter = "Ter"
    assert build_particulier(particulier)["adressePostale"]["lettreVoie"] == "T"


def test_build_particulier_datetime_birth_date():
    particulier = make_particulier(birth_date=dt.datetime(1980, 3, 1, 0, 0))
    assert build_particulier(particulier)["dateNaissance"] == "1980-03-01T00:00:00Z"


def test_schema_check_catches_wrong_payloads():
    """The independent jsonschema check is not vacuous."""
    payload = build_particulier(make_particulier())
    for path, value in [
        (("civilite",), "3"),
        (("nomNaissance",), "Dupont3"[::-1]),
        (("prenoms",), "Jean  Paul"),
        (("numeroTelephonePortable",), "0105040302"),
        (("adresseMail",), "a+b@example.fr"),
        (("dateNaissance",), "1980-03-29"),
        (("lieuNaissance", "departementNaissance"), "69"),
        (("adressePostale", "libelleVoie"), "x" * 29),
        (("adressePostale", "codeCommune"), "6910"),
        (("coordonneeBancaire", "iban"), "FR76 3000"),
    ]:
        broken = copy.deepcopy(payload)
        target = broken
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert schema_errors("InputParticulierDTO", broken), path
        assert contract.validate("InputParticulierDTO", broken), path


# --- payment request ----------


def test_build_payment_request_simple():
    item = build_payment_request(make_request())
    assert item == {
        "idTiersFacturation": "menage.fr",
        "idClient": "af0be430-908a-11eb-a8b3-0242ac130003",
        "dateNaissanceClient": "1980-03-29T00:00:00Z",
        "numFactureTiers": "FAC/2025/00042",
        "dateFacture": "2025-03-31T00:00:00Z",
        "dateDebutEmploi": "2025-03-03T00:00:00Z",
        "dateFinEmploi": "2025-03-28T00:00:00Z",
        "mntFactureTTC": 264.0,
        "mntFactureHT": 240.0,
        "inputPrestations": [
            {
                "codeNature": "60",
                "quantite": 12.0,
                "unite": "HEURE",
                "mntUnitaireTTC": 22.0,
                "mntPrestationTTC": 264.0,
                "mntPrestationHT": 240.0,
                "mntPrestationTVA": 24.0,
                "dateDebutEmploi": "2025-03-03T00:00:00Z",
                "dateFinEmploi": "2025-03-28T00:00:00Z",
                "complement1": "Ménage - mars 2025",
                "complement2": "SIR12345678900012",
            }
        ],
    }
    assert_schema_valid("InputDemandePaiement", item)
    assert contract.validate_array("InputDemandePaiement", [item]) == []
    check_amount_rules(item)


def test_one_cent_fix_pushes_difference_into_first_line():
    # 3 lines at 10 % VAT rounded per line: 11.11 + 11.11 + 11.11 = 33.33 but the
    # invoice computed its tax globally: 30.30 HT + 3.03 tax = 33.33... make a
    # two-cent gap to be sure it is spread on the first line only.
    lines = [
        make_line(quantity=D("1.5"), total_ttc=D("16.67"), total_ht=D("15.15")),
        make_line(quantity=D("1.5"), total_ttc=D("16.67"), total_ht=D("15.15")),
        make_line(quantity=D("1.5"), total_ttc=D("16.67"), total_ht=D("15.15")),
    ]
    request = make_request(lines, total_ttc=D("49.99"), total_ht=D("45.45"))
    item = build_payment_request(request)
    amounts = [line["mntPrestationTTC"] for line in item["inputPrestations"]]
    assert amounts == [16.65, 16.67, 16.67]
    first = item["inputPrestations"][0]
    assert first["mntPrestationHT"] == 15.15
    assert first["mntPrestationTVA"] == 1.5
    assert first["mntUnitaireTTC"] == 11.1
    assert item["mntFactureTTC"] == 49.99
    check_amount_rules(item)
    assert_schema_valid("InputDemandePaiement", item)
    # the input lines are left untouched
    assert lines[0].total_ttc == D("16.67")


def test_one_cent_fix_upwards_and_ht_difference():
    lines = [
        make_line(quantity=D(2), total_ttc=D("10.00"), total_ht=D("9.09")),
        make_line(quantity=D(3), total_ttc=D("20.00"), total_ht=D("18.18")),
    ]
    balanced = balance_lines(lines, D("30.01"), D("27.28"))
    assert [line.total_ttc for line in balanced] == [D("10.01"), D("20.00")]
    assert [line.total_ht for line in balanced] == [D("9.10"), D("18.18")]
    assert sum(line.total_ttc for line in balanced) == D("30.01")
    for line in balanced:
        assert abs(line.quantity * line.unit_price_ttc - line.total_ttc) < D("0.005")


def test_one_cent_fix_skips_a_first_line_without_tax():
    lines = [
        make_line(quantity=D(1), total_ttc=D("10.00"), total_ht=D("10.00")),
        make_line(quantity=D(1), total_ttc=D("11.00"), total_ht=D("10.00")),
    ]
    balanced = balance_lines(lines, D("20.99"))
    assert [line.total_ttc for line in balanced] == [D("10.00"), D("10.99")]
    assert all(line.total_ttc >= line.total_ht for line in balanced)


def test_unit_price_with_three_decimals():
    line = make_line(quantity=D(3), total_ttc=D("100.00"), total_ht=D("100.00"))
    item = build_payment_request(make_request([line]))
    prestation = item["inputPrestations"][0]
    assert prestation["mntUnitaireTTC"] == 33.333
    assert prestation["quantite"] == 3.0
    assert prestation["unite"] == "HEURE"
    check_amount_rules(item)
    assert_schema_valid("InputDemandePaiement", item)


def test_unit_price_two_decimals_preferred():
    assert compute_unit_price(D("1.75"), D("43.75")) == D("25.00")
    assert compute_unit_price(D(3), D("100.00")) == D("33.333")
    assert compute_unit_price(D(0), D("1.00")) is None


def test_unit_price_impossible_falls_back_to_one_flat_rate():
    line = make_line(quantity=D("37.5"), total_ttc=D("1000.00"), total_ht=D("1000.00"))
    item = build_payment_request(make_request([line]))
    prestation = item["inputPrestations"][0]
    assert (prestation["quantite"], prestation["unite"]) == (1.0, "FORFAIT")
    assert prestation["mntUnitaireTTC"] == 1000.0
    check_amount_rules(item)


def test_given_unit_price_is_kept_when_consistent():
    line = make_line(
        quantity=D("1.5"),
        total_ttc=D("37.50"),
        total_ht=D("37.50"),
        unit_price_ttc=D(25),
    )
    assert balance_lines([line], D("37.50"))[0].unit_price_ttc == D(25)
    wrong = make_line(
        quantity=D("1.5"),
        total_ttc=D("37.50"),
        total_ht=D("37.50"),
        unit_price_ttc=D(30),
    )
    assert balance_lines([wrong], D("37.50"))[0].unit_price_ttc == D("25.00")


def test_quantity_rounded_to_two_decimals():
    line = make_line(quantity=D("1.3333333"), total_ttc=D("33.33"), total_ht=D("33.33"))
    item = build_payment_request(make_request([line]))
    assert item["inputPrestations"][0]["quantite"] == 1.33
    check_amount_rules(item)


def test_floats_and_ints_accepted_as_amounts():
    line = make_line(quantity=2, total_ttc=40.1, total_ht=40.1)
    item = build_payment_request(
        make_request([line], total_ttc=40.1, total_ht=D("40.10"))
    )
    assert item["mntFactureTTC"] == 40.1
    assert item["inputPrestations"][0]["mntUnitaireTTC"] == 20.05
    check_amount_rules(item)


def test_line_dates_and_complements():
    long_text = "Garde " + "x" * 300
    lines = [
        make_line(
            date_start=dt.date(2025, 3, 10),
            date_end=dt.datetime(2025, 3, 12, 18, 0),
            description=long_text,
            intervenant=" sap 123456789 ",
        ),
        make_line(description="  ", intervenant=None),
    ]
    item = build_payment_request(make_request(lines))
    first, second = item["inputPrestations"]
    assert first["dateDebutEmploi"] == "2025-03-10T00:00:00Z"
    assert first["dateFinEmploi"] == "2025-03-12T00:00:00Z"
    assert len(first["complement1"]) == COMPLEMENT1_MAX_LENGTH
    assert first["complement2"] == "SAP123456789"
    assert second["dateDebutEmploi"] == "2025-03-03T00:00:00Z"
    assert second["dateFinEmploi"] == "2025-03-28T00:00:00Z"
    assert "complement1" not in second and "complement2" not in second
    assert_schema_valid("InputDemandePaiement", item)


def test_deposit_sent_only_when_positive():
    item = build_payment_request(
        make_request(deposit_amount=D("100.00"), deposit_date=dt.date(2025, 3, 1))
    )
    assert item["mntAcompte"] == 100.0
    assert item["dateVersementAcompte"] == "2025-03-01T00:00:00Z"
    assert_schema_valid("InputDemandePaiement", item)
    item = build_payment_request(make_request(deposit_amount=D(0)))
    assert "mntAcompte" not in item and "dateVersementAcompte" not in item


def test_payment_request_month_boundary_dates_whatever_tz(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        request = make_request(
            date_start=dt.date(2026, 3, 1),
            date_end=dt.date(2026, 3, 31),
            invoice_date=dt.date(2026, 4, 1),
        )
        item = build_payment_request(request)
        assert item["dateDebutEmploi"] == "2026-03-01T00:00:00Z"
        assert item["dateFinEmploi"] == "2026-03-31T00:00:00Z"
        assert item["dateFacture"] == "2026-04-01T00:00:00Z"
        assert item["inputPrestations"][0]["dateDebutEmploi"] == "2026-03-01T00:00:00Z"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


# --- search ----------


def test_build_search():
    assert build_search(ids=["1", " 2 ", ""]) == {"idDemandePaiements": ["1", "2"]}
    assert build_search(
        date_start=dt.date(2026, 3, 1), date_end=dt.date(2026, 3, 31)
    ) == {"dateDebut": "2026-03-01T00:00:00Z", "dateFin": "2026-03-31T00:00:00Z"}
    assert build_search(invoice_numbers="FAC/1") == {"numFactureTiers": ["FAC/1"]}
    assert build_search() == {}
    body = build_search(
        ids=["1"], date_start=dt.date(2026, 3, 1), date_end=dt.date(2026, 3, 2)
    )
    assert_schema_valid("InputRechercheDemandePaiement", body)


@pytest.mark.parametrize(
    "nova,siret,expected",
    [
        ("552100554", "55210055400013", "SAP552100554"),
        (" 552 100 554 ", None, "SAP552100554"),
        ("sap552100554", None, "SAP552100554"),
        (None, "552 100 554 00013", "SIR55210055400013"),
        ("", "", ""),
        (None, None, ""),
    ],
)
def test_intervenant_code(nova, siret, expected):
    assert intervenant_code(nova, siret) == expected
