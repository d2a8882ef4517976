"""Every message of the Odoo layer is translated in ``i18n/fr.po``.

Field labels, selections and view texts are checked by the Odoo tests through the
exported terms; this catches new ``_()`` messages in Python code that were not
added to the French catalogue.
"""

import ast
import re
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parents[2]
PO_FILE = ADDON / "i18n" / "fr.po"
PYTHON_DIRS = ("models", "wizards")


def _unquote(chunk):
    return ast.literal_eval(chunk)


def read_po(path):
    """{msgid: msgstr} of a PO file (plain entries, as Odoo writes them)."""
    entries, current, key = {}, {}, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if "msgid" in current:
                entries[current["msgid"]] = current.get("msgstr", "")
            current, key = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            key, _, value = line.partition(" ")
            current[key] = _unquote(value)
        elif line.startswith('"') and key:
            current[key] += _unquote(line)
    return entries


def _is_translation(func):
    """``_(...)`` or ``<something>.env._(...)``."""
    if isinstance(func, ast.Name):
        return func.id == "_"
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "_"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "env"
    )


def python_messages():
    messages = set()
    for folder in PYTHON_DIRS:
        for path in sorted((ADDON / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                # ``_("…")`` and ``self.env._("…")``
                if (
                    isinstance(node, ast.Call)
                    and _is_translation(node.func)
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    messages.add(node.args[0].value)
    return sorted(messages)


CATALOGUE = read_po(PO_FILE)


def test_catalogue_is_complete():
    untranslated = [m for m, translated in CATALOGUE.items() if m and not translated]
    assert untranslated == []


@pytest.mark.parametrize("message", python_messages())
def test_python_message_translated(message):
    assert CATALOGUE.get(message), f"not in i18n/fr.po: {message!r}"
    placeholders = set(re.findall(r"%\((\w+)\)s", message))
    assert placeholders == set(re.findall(r"%\((\w+)\)s", CATALOGUE[message]))


@pytest.mark.parametrize(
    "msgid,expected",
    [
        ("Enrol for the avance immédiate", "Inscrire à l'avance immédiate"),
        ("Send to Urssaf", "Envoyer à l'Urssaf"),
        ("Test the connection", "Tester la connexion"),
        ("Enrol", "Inscrire"),
        ("Re-enrol", "Réinscrire"),
        ("Refresh", "Actualiser"),
        ("Avance Immédiate Responsible", "Responsable avance immédiate"),
    ],
)
def test_key_labels(msgid, expected):
    assert CATALOGUE[msgid] == expected


def read_references(path):
    """{msgid: its "#:" references} of a PO file."""
    references, refs, msgid, key = {}, [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#:"):
            refs.append(line[2:].strip())
        elif line.startswith(("msgid ", "msgstr ")):
            key, _, value = line.partition(" ")
            if key == "msgid":
                msgid = _unquote(value)
        elif line.startswith('"') and key == "msgid":
            msgid += _unquote(line)
        elif not line:
            if msgid is not None:
                references[msgid] = " ".join(refs)
            refs, msgid, key = [], None, None
    return references


def test_french_typography():
    """A non-breaking space before « : ; ! ? » in every French text of the
    add-on, never a plain one nor none (placeholders and URLs apart)."""
    wrong = []
    for msgid, text in CATALOGUE.items():
        if not msgid:
            continue
        plain = re.sub(r"%\(\w+\)s|https?://\S+", "", text)
        plain = re.sub(r"<[^>]+>", "", plain)
        if re.search(r"[^\u00a0][:;!?](\s|$)", plain):
            wrong.append(text)
    assert wrong == []
