"""Guesses from a contact's ordinary data, for the user to check before enrolment.

Nothing here is sent as is: the Odoo layer fills empty registration fields with these
guesses and marks them "to check".
"""

import re
import unicodedata

# Common spellings of street types -> Urssaf code.
_STREET_TYPE_WORDS = {
    "allee": "ALL",
    "allees": "ALL",
    "av": "AV",
    "ave": "AV",
    "avenue": "AV",
    "batiment": "BAT",
    "bat": "BAT",
    "bd": "BD",
    "bld": "BD",
    "boulevard": "BD",
    "cours": "C",
    "canal": "CAN",
    "chemin": "CHE",
    "che": "CHE",
    "chaussee": "CHS",
    "cite": "CI",
    "clos": "CL",
    "cottage": "COG",
    "faubourg": "FG",
    "fbg": "FG",
    "hameau": "HAM",
    "immeuble": "IMB",
    "impasse": "IMP",
    "imp": "IMP",
    "lotissement": "LOT",
    "lot": "LOT",
    "maison": "MAI",
    "montee": "MTE",
    "parc": "PAR",
    "passage": "PAS",
    "pavillon": "PAV",
    "place": "PL",
    "pl": "PL",
    "porte": "POR",
    "quai": "Q",
    "quartier": "QU",
    "rue": "R",
    "r": "R",
    "rampe": "RAM",
    "residence": "RES",
    "res": "RES",
    "route": "RTE",
    "rte": "RTE",
    "ruelle": "RUL",
    "sentier": "SEN",
    "square": "SQ",
    "sq": "SQ",
    "voie": "VO",
}

_LETTER_WORDS = {
    "b": "B",
    "bis": "B",
    "t": "T",
    "ter": "T",
    "q": "Q",
    "quater": "Q",
    "c": "C",
    "quinquies": "C",
}

_NUMBER_RE = re.compile(r"^\s*(\d{1,20})\s*,?\s*(.*)$")


def _fold(word):
    text = unicodedata.normalize("NFKD", word)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip(".,")


def parse_street(street):
    """Split a French street line into Urssaf's address parts.

    ``"8 bis rue du Soleil"`` -> ``{"street_number": "8", "street_letter": "B",
    "street_type": "R", "street_label": "du Soleil"}``. Parts that cannot be read
    are left out; a line without a known street type becomes the label only.
    """
    result = {}
    rest = (street or "").strip()
    if not rest:
        return result
    match = _NUMBER_RE.match(rest)
    if match:
        number, rest = match.groups()
        if number.lstrip("0"):
            result["street_number"] = number.lstrip("0")
        words = rest.split()
        if words and _fold(words[0]) in _LETTER_WORDS:
            candidate = _LETTER_WORDS[_fold(words[0])]
            # A lone "C" or "Q" may be the street type (cours, quai): only
            # take a one-letter word as a repetition letter when a street type
            # follows it.
            if len(words) > 1 and (
                len(_fold(words[0])) > 1 or _fold(words[1]) in _STREET_TYPE_WORDS
            ):
                result["street_letter"] = candidate
                rest = " ".join(words[1:])
    words = rest.split()
    if words and _fold(words[0]) in _STREET_TYPE_WORDS and len(words) > 1:
        result["street_type"] = _STREET_TYPE_WORDS[_fold(words[0])]
        rest = " ".join(words[1:])
    if rest:
        result["street_label"] = rest.strip()
    return result


def split_person_name(name):
    """Guess (first names, last name) from a contact name.

    Words written in capitals are taken as the last name ("Jeanne MARTIN",
    "DURAND Paul"); otherwise the last word is the last name.
    """
    words = (name or "").split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    upper = [w for w in words if w.isupper() and len(w) > 1]
    if upper and len(upper) < len(words):
        first = [w for w in words if w not in upper]
        return " ".join(first), " ".join(upper)
    return " ".join(words[:-1]), words[-1]
