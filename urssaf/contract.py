"""Validation of payloads against the official Urssaf swagger (version 1.29.1).

The swagger 2.0 file published on api.gouv.fr is bundled in ``data/``. This module
implements the subset of JSON schema it uses: ``$ref``, ``type`` (object, array,
string, number, integer, boolean), ``required``, ``properties``, ``items``, ``enum``,
``minLength``, ``maxLength``, ``pattern`` and ``format: date``.

Patterns are applied as Urssaf applies them, with Java's ``String.matches``: the
whole value must match (``fullmatch``), whatever anchors the pattern has. With
JSON-schema's unanchored search, ``^[\\pL]+(…)([\\pL])|(^[\\pL])$`` would accept
``Dupont2`` (its first branch matches ``Dupont``); Urssaf refuses it. Urssaf's
patterns are written for Java, so they are translated:

* ``\\pL`` (any letter) becomes ``[^\\W\\d_]``; a character class mixing ``\\pL``
  with other characters becomes an alternation;
* nested quantifiers such as ``((X)*)+`` are collapsed to ``((X)*)`` and a few
  ambiguous patterns are replaced by an equivalent unambiguous form, so that a
  hostile value cannot make the regular expression engine backtrack for ever;
* ``maxLength`` is checked before ``pattern``: an over-long value is reported once
  and never reaches the regular expression.

Standard library only: this module also runs in Odoo's Python and in the sandbox.
"""

import functools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SWAGGER_FILE = (
    Path(__file__).resolve().parent
    / "data"
    / "urssaf-api-tiers-de-prestation-1.29.1.swagger.json"
)

_LETTER = r"[^\W\d_]"

# Patterns of the swagger whose direct translation backtracks exponentially on a
# failing value, mapped to an equivalent unambiguous form (same language).
_SAFE_EQUIVALENTS = {
    # first names: "L+(P*L+)*" accepts exactly what "L+(P+L+)*" accepts.
    r"^[\pL]+(['\-]*[\pL]+)*((\ ){1}[\pL]+(['\-]*[\pL]+)*)*$": (
        rf"^{_LETTER}+(?:['\-]+{_LETTER}+)*(?: {_LETTER}+(?:['\-]+{_LETTER}+)*)*$"
    ),
    # IBAN tail: "(x?){0,16}" is "x{0,16}".
    r"^[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{4}[0-9]{7}([a-zA-Z0-9]?){0,16}$": (
        r"^[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{4}[0-9]{7}[a-zA-Z0-9]{0,16}$"
    ),
}

_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?Z$"
)

_TYPE_NAMES = {
    "object": "un objet",
    "array": "un tableau",
    "string": "une chaîne de caractères",
    "number": "un nombre",
    "integer": "un nombre entier",
    "boolean": "un booléen",
}


@dataclass(frozen=True)
class Violation:
    """One contract violation: where, which rule, and a French explanation."""

    path: str
    rule: str
    message: str

    def __str__(self):
        return f"champ {self.path or '(racine)'} : {self.message}"


@functools.lru_cache(maxsize=1)
def swagger():
    """The bundled swagger document (parsed once)."""
    with SWAGGER_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def definitions():
    return swagger()["definitions"]


def definition(name):
    """The schema of one definition, e.g. ``InputParticulierDTO``."""
    try:
        return definitions()[name]
    except KeyError:
        raise KeyError(f"Unknown swagger definition: {name}") from None


def validate(definition_name, instance):
    """Check ``instance`` against a swagger definition; return the violations."""
    return validate_schema(definition(definition_name), instance)


def validate_array(definition_name, instances):
    """Check a JSON array body whose items follow ``definition_name``."""
    schema = {"type": "array", "items": {"$ref": f"#/definitions/{definition_name}"}}
    return validate_schema(schema, instances)


def validate_schema(schema, instance, path=""):
    """Check ``instance`` against an arbitrary schema of the supported subset."""
    violations = []
    _check(schema, instance, path, violations)
    return violations


# --- pattern translation ------------------------------------------------------------


def _split_class(pattern, start):
    """Return (items, end) of the character class opening at ``start``.

    ``items`` is the list of raw class members (escapes kept whole) and ``end``
    the index just after the closing bracket.
    """
    i = start + 1
    negated = False
    if i < len(pattern) and pattern[i] == "^":
        negated = True
        i += 1
    items = []
    first = True
    while i < len(pattern):
        char = pattern[i]
        if char == "]" and not first:
            return negated, items, i + 1
        if char == "\\":
            if pattern.startswith("\\p{L}", i):
                items.append(pattern[i : i + 5])
                i += 5
            elif pattern.startswith("\\pL", i):
                items.append(pattern[i : i + 3])
                i += 3
            else:
                items.append(pattern[i : i + 2])
                i += 2
        else:
            items.append(char)
            i += 1
        first = False
    raise ValueError(f"Unterminated character class in {pattern!r}")


def _translate_letters(pattern):
    r"""Replace the Java letter property ``\pL`` by a Python equivalent."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if pattern.startswith("\\pL", i) or pattern.startswith("\\p{L}", i):
                out.append(_LETTER)
                i += 3 if pattern.startswith("\\pL", i) else 5
            else:
                out.append(pattern[i : i + 2])
                i += 2
            continue
        if char == "[":
            negated, items, end = _split_class(pattern, i)
            letters = [item for item in items if item in ("\\pL", "\\p{L}")]
            others = "".join(item for item in items if item not in letters)
            if not letters:
                out.append(pattern[i:end])
            elif negated:
                rest = f"[^{others}]" if others else r"[\s\S]"
                out.append(f"(?:(?!{_LETTER}){rest})")
            elif others:
                out.append(f"(?:{_LETTER}|[{others}])")
            else:
                out.append(_LETTER)
            i = end
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _group_spans(pattern):
    """Map the index of each opening parenthesis to its closing one."""
    spans = {}
    stack = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _split_class(pattern, i)[2]
            continue
        if char == "(":
            stack.append(i)
        elif char == ")":
            spans[stack.pop()] = i
        i += 1
    return spans


def _single_starred_atom(pattern, start, end, spans):
    """True if ``pattern[start:end]`` is exactly one atom followed by ``*``."""
    if end - start < 2 or pattern[end - 1] != "*":
        return False
    body_end = end - 1
    head = pattern[start]
    if head == "(":
        return spans.get(start) == body_end - 1
    if head == "[":
        return _split_class(pattern, start)[2] == body_end
    if head == "\\":
        return body_end - start == 2
    return body_end - start == 1 and head not in "|)"


def _collapse_nested_quantifiers(pattern):
    """Rewrite ``(X*)+`` and ``(X*)*`` as ``(X*)`` (same language, no blow-up)."""
    changed = True
    while changed:
        changed = False
        spans = _group_spans(pattern)
        for opening, closing in sorted(spans.items()):
            after = closing + 1
            if after >= len(pattern) or pattern[after] not in "+*":
                continue
            if after + 1 < len(pattern) and pattern[after + 1] in "?+":
                continue
            inner_start = opening + 1
            if pattern.startswith("?:", inner_start):
                inner_start += 2
            if _single_starred_atom(pattern, inner_start, closing, spans):
                pattern = pattern[:after] + pattern[after + 1 :]
                changed = True
                break
    return pattern


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern):
    """Compile a swagger (Java flavoured) pattern into a safe Python regex."""
    translated = _SAFE_EQUIVALENTS.get(pattern)
    if translated is None:
        translated = _collapse_nested_quantifiers(_translate_letters(pattern))
    return re.compile(translated)


# --- checks -------------------------------------------------------------------------


def _resolve(schema):
    seen = 0
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/definitions/"):
            raise ValueError(f"Unsupported $ref: {ref}")
        schema = definition(ref[len("#/definitions/") :])
        seen += 1
        if seen > 32:
            raise ValueError(f"$ref loop at {ref}")
    return schema


def _type_ok(expected, value):
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    if expected == "string":
        return isinstance(value, str)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "boolean":
        return isinstance(value, bool)
    return True


def _join(path, key):
    return f"{path}.{key}" if path else key


def is_valid_date(value):
    """``format: date`` as Urssaf uses it: ``YYYY-MM-DDTHH:MM:SS[.fff]Z``."""
    match = _DATE_TIME.match(value)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def _check(schema, value, path, out):
    schema = _resolve(schema)
    expected = schema.get("type")
    if expected and not _type_ok(expected, value):
        out.append(
            Violation(path, "type", f"doit être {_TYPE_NAMES.get(expected, expected)}")
        )
        return
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(
            json.dumps(item, ensure_ascii=False) for item in schema["enum"]
        )
        out.append(
            Violation(path, "enum", f"valeur non autorisée (attendu : {allowed})")
        )
        return
    if isinstance(value, dict):
        _check_object(schema, value, path, out)
    elif isinstance(value, list):
        items = schema.get("items")
        if items:
            for index, item in enumerate(value):
                _check(items, item, f"{path}[{index}]", out)
    elif isinstance(value, str):
        _check_string(schema, value, path, out)


def _check_object(schema, value, path, out):
    for name in schema.get("required", ()):
        if name not in value:
            out.append(Violation(_join(path, name), "required", "champ obligatoire"))
    for name, subschema in schema.get("properties", {}).items():
        if name in value:
            _check(subschema, value[name], _join(path, name), out)


def _check_string(schema, value, path, out):
    min_length = schema.get("minLength")
    max_length = schema.get("maxLength")
    if min_length is not None and len(value) < min_length:
        out.append(
            Violation(path, "minLength", f"longueur minimale {min_length} caractère(s)")
        )
    if max_length is not None and len(value) > max_length:
        out.append(
            Violation(path, "maxLength", f"longueur maximale {max_length} caractère(s)")
        )
        # Never run a pattern on an over-long value (backtracking protection).
        return
    pattern = schema.get("pattern")
    if pattern and not compile_pattern(pattern).fullmatch(value):
        out.append(
            Violation(path, "pattern", f"format invalide (motif attendu : {pattern})")
        )
    if schema.get("format") == "date" and not is_valid_date(value):
        out.append(
            Violation(
                path,
                "format",
                "date invalide (format attendu : AAAA-MM-JJT00:00:00Z)",
            )
        )
