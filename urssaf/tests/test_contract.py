"""Validation against the bundled official swagger (urssaf.contract)."""

import copy
import dataclasses
import time

import pytest

from urssaf import contract
from urssaf.contract import Violation
from urssaf.sandbox import samples


def _example(schema):
    """Build an instance from the swagger's own ``example`` values."""
    schema = contract._resolve(schema)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: _example(sub) for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [_example(schema["items"])]
    example = schema.get("example", "")
    if kind == "number":
        return float(example)
    return str(example).strip('"')


def _rules(violations):
    return {(v.path, v.rule) for v in violations}


@pytest.mark.parametrize(
    "name",
    ["InputParticulierDTO", "InputDemandePaiement", "InputRechercheDemandePaiement"],
)
def test_official_examples_validate(name):
    instance = _example(contract.definition(name))
    assert contract.validate(name, instance) == []


def test_sample_payloads_validate():
    assert contract.validate("InputParticulierDTO", samples.particulier()) == []
    body = [samples.demande("id", "F1"), samples.demande("id", "F2")]
    assert contract.validate_array("InputDemandePaiement", body) == []


def test_violation_is_frozen_and_readable():
    violation = Violation("nomNaissance", "required", "champ obligatoire")
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.path = "x"
    assert str(violation) == "champ nomNaissance : champ obligatoire"


def test_missing_required_fields_nested():
    body = samples.particulier()
    del body["nomNaissance"]
    del body["lieuNaissance"]["communeNaissance"]["codeCommune"]
    assert _rules(contract.validate("InputParticulierDTO", body)) == {
        ("nomNaissance", "required"),
        ("lieuNaissance.communeNaissance.codeCommune", "required"),
    }


def test_wrong_types():
    body = samples.demande("id", "F1")
    body["mntFactureTTC"] = "264"
    body["mntFactureHT"] = True  # a bool is not a number
    body["inputPrestations"][0]["codeNature"] = 60
    body["inputPrestations"][0]["quantite"] = 12  # int is a number
    assert _rules(contract.validate("InputDemandePaiement", body)) == {
        ("mntFactureTTC", "type"),
        ("mntFactureHT", "type"),
        ("inputPrestations[0].codeNature", "type"),
    }
    assert _rules(contract.validate("InputDemandePaiement", [])) == {("", "type")}
    assert _rules(contract.validate_array("InputDemandePaiement", {})) == {("", "type")}


def test_array_paths():
    body = [samples.demande("id", "F1"), samples.demande("id", "F2")]
    del body[1]["idClient"]
    body[1]["inputPrestations"][0]["mntUnitaireTTC"] = None
    assert _rules(contract.validate_array("InputDemandePaiement", body)) == {
        ("[1].idClient", "required"),
        ("[1].inputPrestations[0].mntUnitaireTTC", "type"),
    }


def test_pattern_min_max_length_and_enum():
    body = samples.particulier(civilite="3", numeroTelephonePortable="0123456789")
    body["adressePostale"]["libelleVoie"] = "x" * 29
    body["adressePostale"]["codePostal"] = "6900"
    body["coordonneeBancaire"]["titulaire"] = ""
    violations = contract.validate("InputParticulierDTO", body)
    assert _rules(violations) == {
        ("civilite", "enum"),
        ("numeroTelephonePortable", "pattern"),
        ("adressePostale.libelleVoie", "maxLength"),
        ("adressePostale.codePostal", "minLength"),
        ("adressePostale.codePostal", "pattern"),
        ("coordonneeBancaire.titulaire", "minLength"),
    }
    assert all(v.message for v in violations)


def test_email_pattern_refuses_plus():
    body = samples.particulier(adresseMail="jeanne+aici@example.fr")
    assert _rules(contract.validate("InputParticulierDTO", body)) == {
        ("adresseMail", "pattern")
    }


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-31T00:00:00Z",
        "2025-03-31T00:00:00.000Z",
        "2025-03-31T10:11:12Z",
        "2025-03-31T10:11:12.5Z",
        "2024-02-29T00:00:00Z",
    ],
)
def test_date_format_accepted(value):
    assert (
        contract.validate("InputRechercheDemandePaiement", {"dateDebut": value}) == []
    )


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-31",
        "2025-03-31T00:00:00",
        "2025-03-31T00:00:00+00:00",
        "2025-02-30T00:00:00Z",
        "2025-13-01T00:00:00Z",
        "31/03/2025",
        "2025-03-31T00:00:00.0000Z",
    ],
)
def test_date_format_refused(value):
    violations = contract.validate("InputRechercheDemandePaiement", {"dateFin": value})
    assert _rules(violations) == {("dateFin", "format")}


def test_letter_property_accepts_accents_and_refuses_digits():
    ok = samples.particulier(
        nomNaissance="Ñúñez d'Éça-Lœw", nomUsage="Zoë", prenoms="Anaïs Jean-Loïc"
    )
    assert contract.validate("InputParticulierDTO", ok) == []
    for field, value in [
        ("prenoms", "Jean2"),
        ("prenoms", "Jean  Paul"),
        ("prenoms", "Jean-"),
        ("nomNaissance", "123"),
        ("nomNaissance", "1Durand"),
        ("nomNaissance", "-Durand"),
        ("nomUsage", "_"),
    ]:
        body = samples.particulier(**{field: value})
        assert _rules(contract.validate("InputParticulierDTO", body)) == {
            (field, "pattern")
        }, value


def test_pattern_translation():
    assert contract.compile_pattern(r"^[\pL]+$").pattern == r"^[^\W\d_]+$"
    mixed = contract.compile_pattern(r"^[\pL'\- ]+$")
    assert mixed.pattern == r"^(?:[^\W\d_]|['\- ])+$"
    assert mixed.search("L'É-a b") and not mixed.search("a1")
    assert contract.compile_pattern(r"^(([a])*)+$").pattern == r"^(([a])*)$"


HOSTILE = [
    "a" + "'" * 9998 + "1",
    "a" * 9999 + "1",
    "a " * 4999 + "1",
    "a'" * 4999 + "-",
    "é-" * 5000,
]


def test_hostile_strings_are_validated_fast():
    pattern_fields = [
        (name, field, schema["pattern"])
        for name, definition in contract.definitions().items()
        for field, schema in definition.get("properties", {}).items()
        if "pattern" in schema
    ]
    started = time.perf_counter()
    for value in HOSTILE:
        body = samples.particulier(nomNaissance=value, nomUsage=value, prenoms=value)
        rules = _rules(contract.validate("InputParticulierDTO", body))
        assert ("nomNaissance", "maxLength") in rules
        # The translated regular expressions themselves are safe, even unbounded.
        for _name, _field, pattern in pattern_fields:
            regex = contract.compile_pattern(pattern)
            regex.search(value)
            regex.search(value[:255])
            regex.search(value[:99])
    assert time.perf_counter() - started < 2.0


def test_unknown_definition():
    with pytest.raises(KeyError):
        contract.validate("Nope", {})


def test_validate_does_not_modify_instance():
    body = samples.particulier()
    before = copy.deepcopy(body)
    contract.validate("InputParticulierDTO", body)
    assert body == before
