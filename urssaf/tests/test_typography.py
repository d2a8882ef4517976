"""French typography of every French message written by ``urssaf/``: the
catalogues' texts, the validators' problems on bad inputs, the explanations of
Urssaf's codes and the client's errors (a non-breaking space before « : ; ! ? »
and inside « »). The sandbox's messages copy Urssaf's own and are not ours."""

import ast
import datetime as dt
import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from factories import make_line, make_particulier, make_request  # noqa: E402
from typography import typography_problems  # noqa: E402

from urssaf import catalogues
from urssaf.data_types import BirthPlace
from urssaf.errors import ApiError, BusinessError
from urssaf.validators import (
    validate_particulier,
    validate_payment_request,
    validate_search,
)

TODAY = dt.date(2025, 4, 15)
URSSAF = Path(__file__).resolve().parents[1]
# Urssaf's words (the sandbox imitates Urssaf's messages, the contract checker
# writes Urssaf's validation messages): not ours to correct.
NOT_OURS = ("sandbox", "tests", "contract.py")


def test_checker():
    assert typography_problems("Ligne 1\u00a0: vide\u00a0; bon\u00a0? oui\u00a0!") == []
    assert typography_problems("À 10:00, voir https://example.fr/a:b ici.") == []
    assert typography_problems("Le nom «\u00a0a ; b\u00a0» est invalide.") == []
    assert len(typography_problems("Ligne 1 : vide ; bon? oui !")) == 4
    assert len(typography_problems("Le nom « Dupont » est invalide.")) == 2


# --- catalogues ---------------------------------------------------------------


def catalogue_texts():
    texts = []
    for table in (
        catalogues.NATURES,
        catalogues.UNITS,
        catalogues.STREET_TYPES,
        catalogues.STREET_LETTERS,
        catalogues.PAYMENT_STATUSES,
        catalogues.REJECTION_REASONS,
        catalogues.PARTICULIER_STATUSES,
    ):
        texts += table.values()
    for code, info in catalogues.ERROR_CODES.items():
        texts += [info.explanation, info.action, catalogues.code_explanation(code)]
    unknown = catalogues.error_info("ERR_NOUVEAU")
    texts += [
        unknown.explanation,
        unknown.action,
        catalogues.code_explanation("ERR_NOUVEAU"),
        catalogues.codes_explanation("ERR_CMPT_BLOQUE, ERR_NOUVEAU"),
        catalogues.payment_status_label("999"),
        catalogues.rejection_label("NOUVEAU"),
    ]
    return [text for text in texts if text]


@pytest.mark.parametrize("text", catalogue_texts())
def test_catalogue_texts(text):
    assert typography_problems(text) == []


def test_codes_explanation():
    info = catalogues.error_info("ERR_CMPT_BLOQUE")
    assert catalogues.codes_explanation("ERR_CMPT_BLOQUE, ERR_FACTURE_DOUBLON") == (
        f"ERR_CMPT_BLOQUE\u00a0: {info.explanation} {info.action}\n"
        + catalogues.code_explanation("ERR_FACTURE_DOUBLON")
    )
    assert catalogues.codes_explanation("") == ""
    assert catalogues.codes_explanation(None) == ""
    # An unknown code keeps its name and says what to do.
    assert catalogues.code_explanation("ERR_NOUVEAU").startswith(
        "ERR_NOUVEAU\u00a0: Erreur Urssaf non répertoriée"
    )


def test_error_explanations():
    errors = [
        ApiError("ERREUR_VALIDATION", "champ nomNaissance : champ obligatoire"),
        ApiError("ERR_LIEN_PARTICULIER_PRESTATAIRE", "Aucun lien actif."),
        ApiError("ERR_NOUVEAU", "", "Une description."),
    ]
    for text in [error.explain() for error in errors[1:]] + [
        BusinessError(errors[1:]).explain()
    ]:
        assert typography_problems(text) == [], text
    # Urssaf's own words follow "Détail Urssaf :" and are not ours.
    assert (
        errors[0]
        .explain()
        .startswith(
            "Les données envoyées ne respectent pas le format attendu par l'Urssaf. "
            "Détail Urssaf\u00a0: "
        )
    )


# --- validators on bad inputs -------------------------------------------------

BAD_PARTICULIERS = [
    {"civility": "3"},
    {"civility": 1.0},
    {"birth_name": ""},
    {"birth_name": "Dupont2"},
    {"birth_name": "123 ..."},
    {"birth_name": "a" * 81},
    {"usage_name": "---"},
    {"first_names": "Jean--Pierre"},
    {"birth_date": dt.date(2030, 1, 1)},
    {"birth_date": dt.date(1850, 1, 1)},
    {"birth_date": "hier"},
    {"birth_place": BirthPlace("99100", "69999", "Nulle part")},
    {"birth_place": BirthPlace("99100", "2A004", "Ajaccio")},
    {"birth_place": BirthPlace("99100", "69001", "Lyon")},
    {"birth_place": BirthPlace("99100", "", "")},
    {"birth_place": BirthPlace("99134", "69123", "Lyon")},
    {"birth_place": BirthPlace("123", None, None)},
    {"birth_place": BirthPlace("99100", "69123", "Lyon ; Rhône")},
    {"birth_place": None},
    {"mobile": "01"},
    {"email": "a+b@example.fr"},
    {"email": "x"},
    {"address__street_number": "12 bis"},
    {"address__street_number": "0"},
    {"address__street_letter": "Z"},
    {"address__street_type": "AVENUE"},
    {"address__street_type": "A-V"},
    {"address__street_label": "x" * 31},
    {
        "address__street_type": None,
        "address__street_label": None,
        "address__street_number": None,
        "address__street_letter": None,
    },
    {"address__commune_code": "69001"},
    {"address__postcode": "6900"},
    {"address__country_code": "FR"},
    {"bank__iban": "FR00"},
    {"bank__iban": "FR7630006000011234567890188"},
    {"bank__bic": "1NPAFRPP"},
    {"bank__bic": ""},
    {"bank__holder": "h" * 101},
]

BAD_REQUESTS = [
    {"id_tiers_facturation": ""},
    {"id_client": ["x"]},
    {"client_birth_date": dt.date(2030, 1, 1)},
    {"invoice_number": "F" * 51},
    {"invoice_number": "FAC\n001"},
    {"invoice_date": dt.date(2025, 4, 16)},
    {"invoice_date": dt.date(2025, 3, 1)},
    {"date_start": dt.date(2025, 2, 27)},
    {"date_start": dt.date(2025, 3, 29)},
    {"date_end": dt.date(2025, 5, 2)},
    {"date_start": dt.date(2021, 12, 1), "date_end": dt.date(2021, 12, 2)},
    {"total_ttc": D("0.00"), "total_ht": D("0.00")},
    {"total_ttc": D("300.00")},
    {"total_ht": D("300.00")},
    {"deposit_amount": D("200.00"), "deposit_date": dt.date(2025, 3, 1)},
    {"deposit_amount": D("10.00"), "deposit_date": dt.date(2025, 5, 1)},
    {"deposit_amount": D("-10.00")},
    {"lines": []},
    {"lines": None},
    {"lines": [None]},
    {"lines": "x"},
]

BAD_LINES = [
    {"nature_code": "ENF"},
    {"unit": "JOUR"},
    {"quantity": D(0)},
    {"quantity": float("nan")},
    {"quantity": D("1e9")},
    {"quantity": "douze"},
    {"total_ttc": D("-264.00")},
    {"total_ht": D("300.00")},
    {"total_ttc": D("264.005")},
    {"intervenant": "SAP12"},
    {"description": 12},
    {"date_start": dt.date(2025, 2, 1)},
    {"date_start": dt.date(2025, 3, 20), "date_end": dt.date(2025, 3, 10)},
]


def validator_messages():
    messages = []
    for changes in BAD_PARTICULIERS:
        particulier = make_particulier(**changes)
        messages += validate_particulier(particulier, today=TODAY)
    messages += validate_particulier(None, today=TODAY)
    messages += validate_particulier(42, today=TODAY)
    for changes in BAD_REQUESTS:
        changes = {"total_ttc": D("264.00"), "total_ht": D("240.00"), **changes}
        lines = changes.pop("lines", [make_line()])
        request = make_request(lines, **changes)
        messages += validate_payment_request(request, today=TODAY)
    for changes in BAD_LINES:
        lines = [make_line(**changes)]
        messages += validate_payment_request(make_request(lines), today=TODAY)
    for activation in (
        dt.datetime(2025, 3, 3, 10, tzinfo=dt.timezone.utc),
        dt.date(2025, 3, 3),
    ):
        messages += validate_payment_request(
            make_request(), today=TODAY, activation=activation
        )
    messages += validate_payment_request(None, today=TODAY)
    messages += validate_payment_request(42, today=TODAY)
    messages += validate_search()
    messages += validate_search(ids=[str(i) for i in range(11)], invoice_numbers=[""])
    messages += validate_search(date_start=dt.date(2025, 3, 2))
    messages += validate_search(
        date_start=dt.date(2025, 3, 2), date_end=dt.date(2025, 3, 1)
    )
    messages += validate_search(ids=object())
    return [problem.message for problem in messages]


MESSAGES = validator_messages()


def test_bad_inputs_give_many_messages():
    # The sweep below is only as good as its inputs: most rules are hit.
    assert len(set(MESSAGES)) >= 60


@pytest.mark.parametrize("message", sorted(set(MESSAGES)))
def test_validator_messages(message):
    assert typography_problems(message) == []


# --- every French text literal of urssaf/ -----------------------------------

_FRENCH = re.compile(
    r"[àâçéèêëîïôûùüœ«»]|\b(le|la|les|des|du|une|est|pas|aucun|aucune)\b",
    re.IGNORECASE,
)


def _logging_strings(tree):
    """String nodes passed to a logger (English, for the server's log)."""
    ids = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in ("_logger", "logger", "logging")
        ):
            ids.update(id(arg) for arg in ast.walk(node))
    return ids


def _docstrings(tree):
    ids = set()
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def literal_texts():
    """(place, text) of every French text literal of urssaf/ (f-strings by
    their literal parts, docstrings and log messages apart)."""
    found = []
    for path in sorted(URSSAF.rglob("*.py")):
        relative = path.relative_to(URSSAF)
        if relative.parts[0] in NOT_OURS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _docstrings(tree) | _logging_strings(tree)
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.JoinedStr):
                parts = [
                    v.value if isinstance(v, ast.Constant) else "{}"
                    for v in node.values
                ]
                text = "".join(parts)
                for value in node.values:
                    skipped.add(id(value))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            if _FRENCH.search(text):
                found.append((f"{relative}:{node.lineno}", text))
    return found


LITERALS = literal_texts()


def test_literals_found():
    assert len(LITERALS) > 150


@pytest.mark.parametrize("place,text", LITERALS, ids=[p for p, _t in LITERALS])
def test_literal_texts(place, text):
    assert typography_problems(text) == [], place
