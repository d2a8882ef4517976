"""Independent checks of built payloads, shared by the payload tests.

The official swagger is converted to a draft-4 JSON schema and checked with the
``jsonschema`` library (not with :mod:`urssaf.contract`, so that the two check
each other), plus Urssaf's three amount rules computed exactly in Decimal.
"""

import datetime as dt
import json
import re
from decimal import Decimal as D
from pathlib import Path

import jsonschema

from urssaf import contract

_HERE = Path(__file__).resolve().parent
_SWAGGER = _HERE.parent / "data" / "urssaf-api-tiers-de-prestation-1.29.1.swagger.json"
_LETTER = r"[^\W\d_]"
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00(\.000)?Z$")


def _python_pattern(pattern):
    """Java pattern of the swagger -> Python ``re`` (same language).

    ``\\pL`` becomes ``[^\\W\\d_]`` (a class mixing it with other characters becomes
    an alternation); nested quantifiers that would backtrack exponentially are
    rewritten into unambiguous equivalents: ``((X)*)+`` -> ``((X)*)``,
    ``L+(P*L+)*`` -> ``L+(P+L+)*``, ``(x?){0,16}`` -> ``x{0,16}``.
    """
    pattern = pattern.replace(r"[\pL'\- ]", rf"(?:{_LETTER}|['\- ])")
    pattern = pattern.replace(r"[\pL]", _LETTER)
    pattern = pattern.replace(r"|['\- ]))*)+", r"|['\- ]))*)")
    pattern = pattern.replace(r"(['\-]*", r"(['\-]+")
    pattern = pattern.replace(r"([a-zA-Z0-9]?){0,16}", r"[a-zA-Z0-9]{0,16}")
    assert r"\pL" not in pattern
    return pattern


def _convert(node):
    if isinstance(node, dict):
        out = {key: _convert(value) for key, value in node.items()}
        if isinstance(out.get("pattern"), str):
            out["pattern"] = _python_pattern(out["pattern"])
        return out
    if isinstance(node, list):
        return [_convert(item) for item in node]
    return node


def _load_definitions():
    with _SWAGGER.open(encoding="utf-8") as handle:
        return _convert(json.load(handle)["definitions"])


DEFINITIONS = _load_definitions()
FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date")
def _is_urssaf_date(value):
    if not isinstance(value, str):
        return True
    match = _DATE.match(value)
    if not match:
        return False
    dt.date.fromisoformat(match.group(1))
    return True


def schema_errors(name, instance):
    """Errors of ``instance`` against definition ``name`` (draft 4 + formats)."""
    schema = {"definitions": DEFINITIONS, "allOf": [{"$ref": f"#/definitions/{name}"}]}
    validator = jsonschema.Draft4Validator(schema, format_checker=FORMATS)
    return [error.message for error in validator.iter_errors(instance)]


def assert_schema_valid(name, instance):
    assert schema_errors(name, instance) == []
    assert contract.validate(name, instance) == []
    # JSON safe: no NaN/Infinity, no null
    text = json.dumps(instance, allow_nan=False, ensure_ascii=False)
    assert "null" not in text


NAME_PATTERN = re.compile(_python_pattern(r"^[\pL]+(([\pL'\- ])*)+([\pL])|(^[\pL])$"))
FIRST_NAMES_PATTERN = re.compile(
    _python_pattern(r"^[\pL]+(['\-]*[\pL]+)*((\ ){1}[\pL]+(['\-]*[\pL]+)*)*$")
)


def check_amount_rules(item):
    """The three Urssaf amount checks, computed exactly in Decimal."""
    lines = item["inputPrestations"]
    total = sum((D(repr(line["mntPrestationTTC"])) for line in lines), D(0))
    assert total == D(repr(item["mntFactureTTC"]))
    for line in lines:
        q = D(repr(line["quantite"]))
        pu = D(repr(line["mntUnitaireTTC"]))
        ttc = D(repr(line["mntPrestationTTC"]))
        ht = D(repr(line["mntPrestationHT"]))
        tva = D(repr(line["mntPrestationTVA"]))
        assert abs(q * pu - ttc) < D("0.005")
        assert (q * pu).quantize(D("0.01")) == ttc
        assert ht + tva == ttc
        assert min(q, pu, ttc, ht, tva) >= 0
        assert -pu.as_tuple().exponent <= 3
        for amount in (ttc, ht, tva):
            assert -amount.as_tuple().exponent <= 2
