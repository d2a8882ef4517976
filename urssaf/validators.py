"""Pre-flight checks of the data sent to Urssaf, with French messages.

Each ``validate_*`` function returns **all** the problems found (an empty list when
the data can be sent), never raises and never calls the network. The checks run
on the data *after* the normalisation applied by :mod:`.payload` (a dot in a name
is fine since the builder drops it; a name left empty by the cleaning is not).

A :class:`Problem` names the field of *our* data (``birth_place.commune_code``,
``bank.iban``, ``lines[2].nature_code``, ``date_start``…), a stable machine code and
a message for an accountant. Codes:

``required``, ``type``, ``too_long``, ``too_short``, ``pattern``, ``invalid_choice``,
``unexpected``, ``checksum``, ``future``, ``too_old``, ``before_launch``,
``before_activation``, ``period_order``, ``period_two_months``,
``invoice_before_period``, ``outside_period``, ``unknown_nature``,
``unknown_street_type``, ``together``, ``number_needs_label``,
``letter_needs_number``, ``incomplete``, ``unknown_commune``, ``wrong_for_date``,
``not_finite``, ``negative``, ``not_positive``, ``decimals``, ``too_large``,
``ht_above_ttc``, ``zero_total``, ``total_mismatch``, ``deposit_too_high``,
``too_many``, ``no_criterion``.

Own rules (not published by Urssaf, chosen to be safe):

* names: no digit (never dropped silently), then Urssaf's pattern applied to the
  whole cleaned value, as Java's ``matches`` does; at most 80 characters
  (swagger 1.30.3 limit, stricter than 1.29.1's 100/256); lengths are counted
  in UTF-16 units, as Java does;
* birth commune: a code of INSEE's COG (:mod:`.insee`), the one in force at the
  date of birth (Corsica: ``20xxx`` before 1976);
* invoice number: at most :data:`INVOICE_NUMBER_MAX_LENGTH` (50) printable
  characters (no limit is published; Odoo numbers are far shorter);
* invoice date: not before the start of the period and not in the future;
* period: not before :data:`SCHEME_START` (launch of the scheme, 2022), nor
  before the client's activation compared as Urssaf does: the start sent as
  ``<date>T00:00:00Z`` against the activation instant (:class:`Activation`), so a
  period starting on the activation day passes only for an activation at
  midnight UTC, and a date without time counts as the whole day;
* amounts: at most :data:`MAX_AMOUNT` euros, quantities at most
  :data:`MAX_QUANTITY`; the quantity is rounded to 2 decimals by the builder;
* totals: the sum of the lines may differ from the invoice total by at most one
  cent per line (rounding of taxes on the invoice total); the builder moves that
  difference to the first line;
* search: at most 10 ids and 10 invoice numbers, a period needs both dates.
"""

from __future__ import annotations

import datetime
import decimal
import re
import zoneinfo
from dataclasses import dataclass

from . import bank as bank_checks
from . import contract, insee
from .catalogues import NATURES, STREET_TYPES
from .data_types import FRANCE
from .payload import (
    CENT,
    UNIT_FLAT,
    UNIT_HOUR,
    as_date,
    balance_lines,
    clean_name,
    clean_text,
    normalize_bic,
    normalize_code,
    normalize_email,
    normalize_iban,
    normalize_intervenant,
    normalize_mobile,
    normalize_street_letter,
    round_amount,
    to_decimal,
)

NAME_MAX_LENGTH = 80
INVOICE_NUMBER_MAX_LENGTH = 50
SEARCH_MAX_IDS = 10
OLDEST_BIRTH_DATE = datetime.date(1900, 1, 1)
SCHEME_START = datetime.date(2022, 1, 1)
MAX_AMOUNT = decimal.Decimal(1000000)
MAX_QUANTITY = decimal.Decimal(100000)
DEPOSIT_MAX_SHARE = decimal.Decimal("0.5")
_EMAIL_MAX_LENGTH = 254
_MAX_ECHO = 40
_PARIS = zoneinfo.ZoneInfo("Europe/Paris")

_COMMUNE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")
_COUNTRY_CODE = re.compile(r"[0-9]{5}")
_POSTCODE = re.compile(r"[0-9]{5}")
_STREET_NUMBER = re.compile(r"[0-9]{1,20}")
_STREET_TYPE = re.compile(r"[0-9A-Z]{1,4}")
_MOBILE = re.compile(r"(0|\+33)[67][0-9]{8}")
_EMAIL = re.compile(
    r"[-A-Za-z0-9_]+(\.[-A-Za-z0-9_]+)*@[A-Za-z0-9]+((-|\.)[A-Za-z0-9]+)*\.[A-Za-z]+"
)
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{4}[0-9]{7}[A-Z0-9]{0,16}")
_BIC = re.compile(r"[A-Z]{6}[0-9A-Z]{2}([0-9A-Z]{3})?")
_INTERVENANT = re.compile(r"SAP[0-9]{9}|SIR[0-9]{14}")
_STREET_LETTERS = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}
_UNITS = (UNIT_HOUR, UNIT_FLAT)

# Field labels (with their article) and whether they are plural.
_LABELS = {
    "particulier": ("Le particulier", False),
    "civility": ("La civilité", False),
    "birth_name": ("Le nom de naissance", False),
    "usage_name": ("Le nom d'usage", False),
    "first_names": ("Les prénoms", True),
    "birth_date": ("La date de naissance", False),
    "birth_place": ("Le lieu de naissance", False),
    "birth_place.country_code": ("Le code INSEE du pays de naissance", False),
    "birth_place.commune_code": ("Le code INSEE de la commune de naissance", False),
    "birth_place.commune_label": ("Le nom de la commune de naissance", False),
    "mobile": ("Le numéro de téléphone portable", False),
    "email": ("L'adresse e-mail", False),
    "address": ("L'adresse postale", False),
    "address.commune_code": ("Le code INSEE de la commune de résidence", False),
    "address.commune_label": ("Le nom de la commune de résidence", False),
    "address.postcode": ("Le code postal", False),
    "address.country_code": ("Le code INSEE du pays de résidence", False),
    "address.street_number": ("Le numéro de voie", False),
    "address.street_letter": ("L'indice de répétition (bis, ter…)", False),
    "address.street_type": ("Le type de voie", False),
    "address.street_label": ("Le libellé de voie", False),
    "address.complement": ("Le complément d'adresse", False),
    "address.lieu_dit": ("Le lieu-dit", False),
    "bank": ("Les coordonnées bancaires", True),
    "bank.iban": ("L'IBAN", False),
    "bank.bic": ("Le BIC", False),
    "bank.holder": ("Le titulaire du compte", False),
    "id_tiers_facturation": ("L'identifiant de tiers de facturation", False),
    "id_client": ("L'identifiant Urssaf du client", False),
    "client_birth_date": ("La date de naissance du client", False),
    "invoice_number": ("Le numéro de facture", False),
    "invoice_date": ("La date de facture", False),
    "date_start": ("La date de début de la période", False),
    "date_end": ("La date de fin de la période", False),
    "lines": ("Les lignes de prestation", True),
    "total_ttc": ("Le total TTC de la facture", False),
    "total_ht": ("Le total HT de la facture", False),
    "deposit_amount": ("Le montant de l'acompte", False),
    "deposit_date": ("La date de versement de l'acompte", False),
    "nature_code": ("Le code nature de la prestation", False),
    "unit": ("L'unité", False),
    "quantity": ("La quantité", False),
    "line.total_ttc": ("Le montant TTC", False),
    "line.total_ht": ("Le montant HT", False),
    "line.date_start": ("La date de début", False),
    "line.date_end": ("La date de fin", False),
    "description": ("La description", False),
    "intervenant": ("Le numéro d'intervenant (SAP/SIR)", False),
    "ids": ("Les identifiants de demande de paiement", True),
    "invoice_numbers": ("Les numéros de facture", True),
}


@dataclass(frozen=True)
class Problem:
    """One problem: our field (dotted name), a stable code, a French message."""

    field: str
    code: str
    message: str

    def __str__(self):
        return self.message


class _Report:
    """Collects problems; ``prefix`` and ``intro`` locate a service line."""

    def __init__(self, problems=None, prefix="", intro=""):
        self.problems = [] if problems is None else problems
        self.prefix = prefix
        self.intro = intro

    def child(self, prefix, intro):
        return _Report(self.problems, prefix, intro)

    def add(self, field, code, message):
        name = f"{self.prefix}.{field}" if self.prefix else field
        self.problems.append(Problem(name, code, self.intro + message))


def _label(key):
    label, plural = _LABELS.get(key, (key, False))
    return label, plural


def _cap(text):
    return text[:1].upper() + text[1:]


def _echo(value):
    text = clean_text(value) if isinstance(value, str) else repr(value)
    if len(text) > _MAX_ECHO:
        text = text[: _MAX_ECHO - 1] + "…"
    return f"« {text} »"


def _units(text):
    """Length as Java counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _required(report, field, key=None):
    label, plural = _label(key or field)
    verb = "sont obligatoires" if plural else "est obligatoire"
    report.add(field, "required", f"{label} {verb}.")


def _wrong_type(report, field, value, key=None, expected="un texte"):
    label, _plural = _label(key or field)
    report.add(
        field,
        "type",
        f"{label} a une valeur inattendue ({_echo(value)}) : {expected} est attendu.",
    )


def _too_long(report, field, text, maximum, key=None):
    label, plural = _label(key or field)
    verb = "ne doivent pas" if plural else "ne doit pas"
    report.add(
        field,
        "too_long",
        f"{label} {verb} dépasser {maximum} caractères (actuellement {_units(text)}).",
    )


def _text(report, field, value, *, required, key=None):
    """The raw value as ``str`` ("" if absent), ``None`` after a type problem."""
    if value is None or value == "":
        if required:
            _required(report, field, key)
        return ""
    if not isinstance(value, str):
        _wrong_type(report, field, value, key)
        return None
    return value


def _date(report, field, value, *, required, key=None):
    """A calendar date (``datetime`` reduced to its date) or ``None``."""
    if value is None or value == "":
        if required:
            _required(report, field, key)
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    _wrong_type(report, field, value, key, expected="une date")
    return None


def _fr_date(day):
    return day.strftime("%d/%m/") + f"{day.year:04d}"


def _today(today):
    day = as_date(today)
    return day if day is not None else datetime.date.today()


# --- particulier -----------------------------------------------------------------


def _check_name(report, field, value, *, required):
    raw = _text(report, field, value, required=required)
    if raw and not clean_text(raw):
        raw = ""
        if required:
            _required(report, field)
    if not raw:
        return
    label, _plural = _label(field)
    cleaned = clean_name(raw)
    if any(char.isdigit() for char in raw):
        # Never dropped silently: a digit is a typing mistake in an identity
        # that the tax office must recognise.
        report.add(
            field,
            "pattern",
            f"{label} {_echo(raw)} contient un chiffre : seuls les lettres, "
            "l'apostrophe, le tiret et l'espace sont acceptés par l'Urssaf.",
        )
    elif not cleaned:
        report.add(
            field,
            "pattern",
            f"{label} {_echo(raw)} ne contient aucune lettre : seuls les lettres, "
            "l'apostrophe, le tiret et l'espace sont acceptés.",
        )
    elif _units(cleaned) > NAME_MAX_LENGTH:
        _too_long(report, field, cleaned, NAME_MAX_LENGTH)
    elif not _name_pattern(field).fullmatch(cleaned):
        report.add(
            field,
            "pattern",
            f"{label} {_echo(cleaned)} n'a pas la forme attendue par l'Urssaf : "
            "des lettres, séparées par une apostrophe, un tiret ou une seule "
            "espace, en commençant et en finissant par une lettre.",
        )


# Our names -> properties of InputParticulierDTO, whose patterns Urssaf applies
# to the whole value (Java's ``matches``), hence ``fullmatch``.
_NAME_PROPERTIES = {
    "birth_name": "nomNaissance",
    "usage_name": "nomUsage",
    "first_names": "prenoms",
}


def _name_pattern(field):
    schema = contract.definition("InputParticulierDTO")["properties"]
    return contract.compile_pattern(schema[_NAME_PROPERTIES[field]]["pattern"])


def _check_civility(report, value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    raw = _text(report, "civility", value, required=True)
    if raw and normalize_code(raw) not in ("1", "2"):
        report.add(
            "civility",
            "invalid_choice",
            f"La civilité {_echo(raw)} est invalide : 1 (Monsieur) ou 2 (Madame) "
            "est attendu.",
        )


def _check_birth_date(report, value, today):
    day = _date(report, "birth_date", value, required=True)
    if day is None:
        return
    if day > today:
        report.add(
            "birth_date",
            "future",
            f"La date de naissance ({_fr_date(day)}) est dans le futur.",
        )
    elif day < OLDEST_BIRTH_DATE:
        report.add(
            "birth_date",
            "too_old",
            f"La date de naissance ({_fr_date(day)}) est antérieure à 1900 : "
            "vérifiez-la.",
        )


def _check_insee_commune(report, field, value):
    """A 5-character INSEE (COG) commune code; returns the normalised code."""
    raw = _text(report, field, value, required=True)
    if not raw:
        return None
    label, _plural = _label(field)
    code = normalize_code(raw)
    valid = (
        len(code) == 5
        and _COMMUNE_CODE.fullmatch(code) is not None
        and (code[1].isdigit() or code[0] == "2")
        and not code.startswith("99")
    )
    if not valid:
        report.add(
            field,
            "pattern",
            f"{label} {_echo(raw)} est invalide : 5 caractères sont attendus "
            "(code officiel géographique, par exemple 69123, 2A004 ou 97411), "
            "à ne pas confondre avec le code postal.",
        )
        return None
    return code


def _check_label(report, field, value, maximum, *, required, semicolon=False):
    raw = _text(report, field, value, required=required)
    if not raw:
        return
    text = clean_text(raw)
    label, _plural = _label(field)
    if not text:
        if required:
            _required(report, field)
        return
    if _units(text) > maximum:
        _too_long(report, field, text, maximum)
    if semicolon and ";" in text:
        report.add(
            field, "pattern", f"{label} ne doit pas contenir de point-virgule (;)."
        )


def _check_birth_commune_at_date(report, code, birth_date):
    """The COG code must exist, and be the one of the date of birth (Corsica)."""
    problem = insee.birth_commune_problem(code, birth_date)
    if problem is None:
        return
    kind, expected = problem
    field = "birth_place.commune_code"
    if kind == "unknown":
        report.add(
            field,
            "unknown_commune",
            f"La commune de naissance {_echo(code)} n'existe pas dans le code "
            "officiel géographique de l'INSEE : choisissez-la par son nom ou son "
            "code postal.",
        )
    elif birth_date is not None:
        report.add(
            field,
            "wrong_for_date",
            f"Le code de la commune de naissance {_echo(code)} n'est pas celui "
            f"en vigueur à la date de naissance ({_fr_date(birth_date)}) : "
            f"{expected} est attendu (la Corse était le département 20 jusqu'au "
            "1er janvier 1976).",
        )


def _check_birth_place(report, place, birth_date=None):
    if place is None:
        _required(report, "birth_place")
        return
    field = "birth_place.country_code"
    raw = _text(report, field, getattr(place, "country_code", None), required=True)
    if not raw:
        return
    country = normalize_code(raw)
    if not (len(country) == 5 and _COUNTRY_CODE.fullmatch(country)):
        report.add(
            field,
            "pattern",
            f"Le code INSEE du pays de naissance {_echo(raw)} est invalide : "
            "5 chiffres sont attendus (99100 pour la France).",
        )
        return
    commune_code = getattr(place, "commune_code", None)
    commune_label = getattr(place, "commune_label", None)
    if country == FRANCE:
        code = _check_insee_commune(report, "birth_place.commune_code", commune_code)
        if code:
            _check_birth_commune_at_date(report, code, birth_date)
        _check_label(
            report,
            "birth_place.commune_label",
            commune_label,
            50,
            required=True,
            semicolon=True,
        )
        return
    if not country.startswith("99"):
        report.add(
            field,
            "pattern",
            f"Le code INSEE du pays de naissance {_echo(raw)} est invalide : les "
            "codes pays INSEE commencent par 99 (99100 France, 99134 Espagne…).",
        )
    if commune_code not in (None, ""):
        report.add(
            "birth_place.commune_code",
            "unexpected",
            "Le code de commune de naissance ne doit être renseigné que pour une "
            "naissance en France (pays 99100) : videz-le pour une naissance à "
            "l'étranger.",
        )


def _check_mobile(report, value):
    raw = _text(report, "mobile", value, required=True)
    if not raw:
        return
    if not _MOBILE.fullmatch(normalize_mobile(raw)):
        report.add(
            "mobile",
            "pattern",
            f"Le numéro de téléphone portable {_echo(raw)} est invalide : un "
            "mobile français est attendu (06 ou 07 suivi de 8 chiffres, ou "
            "+33 6 / +33 7), par exemple 06 12 34 56 78.",
        )


def _check_email(report, value):
    raw = _text(report, "email", value, required=True)
    if not raw:
        return
    email = normalize_email(raw)
    if len(email) > _EMAIL_MAX_LENGTH:
        _too_long(report, "email", email, _EMAIL_MAX_LENGTH)
    elif "+" in email:
        report.add(
            "email",
            "pattern",
            f"L'adresse e-mail {_echo(raw)} contient un « + », que l'Urssaf "
            "n'accepte pas : indiquez l'adresse sans la partie « +… ».",
        )
    elif not _EMAIL.fullmatch(email):
        report.add(
            "email",
            "pattern",
            f"L'adresse e-mail {_echo(raw)} est invalide : seuls les lettres "
            "sans accent, chiffres, points, tirets et « _ » sont acceptés, avec un "
            "@ et un nom de domaine (par exemple jeanne.durand@exemple.fr).",
        )


def _address_code(report, field, value, regex, expected, *, required=True):
    raw = _text(report, field, value, required=required)
    if not raw:
        return ""
    code = normalize_code(raw)
    if len(code) > 20 or not regex.fullmatch(code):
        label, _plural = _label(field)
        report.add(field, "pattern", f"{label} {_echo(raw)} est invalide : {expected}")
        return ""
    return code


def _check_street_number(report, value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    number = _address_code(
        report,
        "address.street_number",
        value,
        _STREET_NUMBER,
        "uniquement des chiffres (20 au plus) sont attendus ; mettez « bis », "
        "« ter »… dans l'indice de répétition.",
        required=False,
    )
    if number and int(number) == 0:
        report.add(
            "address.street_number",
            "pattern",
            "Le numéro de voie ne peut pas être 0 : laissez-le vide s'il n'y a pas "
            "de numéro.",
        )
        return ""
    return number


def _check_street_letter(report, value, number):
    raw = _text(report, "address.street_letter", value, required=False)
    if not raw:
        return
    letter = normalize_street_letter(raw)
    if letter not in _STREET_LETTERS:
        report.add(
            "address.street_letter",
            "invalid_choice",
            f"L'indice de répétition {_echo(raw)} est invalide : B (bis), T (ter), "
            "Q (quater) ou C (quinquies) est attendu.",
        )
    elif not number:
        report.add(
            "address.street_letter",
            "letter_needs_number",
            "Un indice de répétition (bis, ter…) nécessite un numéro de voie.",
        )


def _check_street_type(report, value):
    raw = _text(report, "address.street_type", value, required=False)
    if not raw:
        return ""
    code = normalize_code(raw)
    if _units(code) > 4:
        report.add(
            "address.street_type",
            "too_long",
            f"Le type de voie {_echo(raw)} ne doit pas dépasser 4 caractères : "
            "utilisez le code Urssaf (R pour rue, AV pour avenue, BD pour "
            "boulevard…).",
        )
    elif not _STREET_TYPE.fullmatch(code):
        report.add(
            "address.street_type",
            "pattern",
            f"Le type de voie {_echo(raw)} est invalide : un code de 1 à 4 lettres "
            "ou chiffres est attendu (R, AV, BD…).",
        )
    elif code not in STREET_TYPES:
        report.add(
            "address.street_type",
            "unknown_street_type",
            f"Le type de voie {_echo(raw)} n'est pas dans la liste de l'Urssaf "
            "(R rue, AV avenue, BD boulevard, CHE chemin, PL place, IMP impasse, "
            "RTE route…) ; à défaut, mettez le type dans le libellé de voie.",
        )
    else:
        return code
    return None


def _present(report, field, value, maximum):
    """Check a free-text address part; True when it is filled (even if invalid)."""
    raw = _text(report, field, value, required=False)
    if raw is None:
        return True
    text = clean_text(raw)
    if text and _units(text) > maximum:
        _too_long(report, field, text, maximum)
    return bool(text)


def _check_street(report, address):
    number = _check_street_number(report, getattr(address, "street_number", None))
    _check_street_letter(report, getattr(address, "street_letter", None), number)
    street_type = _check_street_type(report, getattr(address, "street_type", None))
    has_label = _present(
        report, "address.street_label", getattr(address, "street_label", None), 28
    )
    has_complement = _present(
        report, "address.complement", getattr(address, "complement", None), 38
    )
    has_lieu_dit = _present(
        report, "address.lieu_dit", getattr(address, "lieu_dit", None), 38
    )
    has_type = street_type != ""
    if has_type and not has_label:
        report.add(
            "address.street_label",
            "together",
            "Le libellé de voie est obligatoire quand un type de voie est indiqué.",
        )
    if has_label and not has_type:
        report.add(
            "address.street_type",
            "together",
            "Le type de voie est obligatoire quand un libellé de voie est indiqué "
            "(R pour rue, AV pour avenue…).",
        )
    if number and not has_label:
        report.add(
            "address.street_label",
            "number_needs_label",
            "Un numéro de voie nécessite un libellé de voie.",
        )
    if not ((has_type and has_label) or has_complement or has_lieu_dit):
        report.add(
            "address",
            "incomplete",
            "L'adresse est incomplète : indiquez un type et un libellé de voie, "
            "un complément d'adresse ou un lieu-dit.",
        )


def _check_address(report, address):
    if address is None:
        _required(report, "address")
        return
    _check_insee_commune(
        report, "address.commune_code", getattr(address, "commune_code", None)
    )
    _check_label(
        report,
        "address.commune_label",
        getattr(address, "commune_label", None),
        50,
        required=True,
    )
    _address_code(
        report,
        "address.postcode",
        getattr(address, "postcode", None),
        _POSTCODE,
        "5 chiffres sont attendus.",
    )
    _address_code(
        report,
        "address.country_code",
        getattr(address, "country_code", None),
        _COUNTRY_CODE,
        "5 chiffres sont attendus (99100 pour la France).",
        required=False,
    )
    _check_street(report, address)


def _check_iban(report, value):
    raw = _text(report, "bank.iban", value, required=True)
    if not raw:
        return
    iban = normalize_iban(raw)
    if len(iban) > 38:
        _too_long(report, "bank.iban", iban, 38)
    elif len(iban) < 18 or not _IBAN.fullmatch(iban):
        report.add(
            "bank.iban",
            "pattern",
            f"L'IBAN {_echo(raw)} est invalide : format attendu « FR76 3000 6000 "
            "0112 3456 7890 189 » (18 à 38 caractères, 2 lettres de pays, 2 "
            "chiffres de clé).",
        )
    elif not bank_checks.iban_is_valid(iban):
        report.add(
            "bank.iban",
            "checksum",
            f"L'IBAN {_echo(raw)} est invalide (clé de contrôle ou longueur "
            "incorrecte pour le pays) : vérifiez-le sur le RIB du client.",
        )


def _check_bic(report, value):
    raw = _text(report, "bank.bic", value, required=True)
    if not raw:
        return
    bic = normalize_bic(raw)
    if len(bic) > 11:
        _too_long(report, "bank.bic", bic, 11)
    elif not _BIC.fullmatch(bic) or not bank_checks.bic_is_valid(bic):
        report.add(
            "bank.bic",
            "pattern",
            f"Le BIC {_echo(raw)} est invalide : 8 ou 11 caractères sont attendus, "
            "par exemple BNPAFRPP ou BNPAFRPPXXX.",
        )


def _check_bank(report, bank):
    if bank is None:
        _required(report, "bank")
        return
    _check_iban(report, getattr(bank, "iban", None))
    _check_bic(report, getattr(bank, "bic", None))
    _check_label(
        report, "bank.holder", getattr(bank, "holder", None), 100, required=True
    )


def validate_particulier(particulier, *, today):
    """All the problems preventing the registration of ``particulier``."""
    report = _Report()
    try:
        _validate_particulier(report, particulier, _today(today))
    except Exception as error:  # noqa: BLE001 - a validator must never raise
        report.add("particulier", "type", f"Données inattendues : {_echo(str(error))}.")
    return report.problems


def _validate_particulier(report, p, today):
    if p is None:
        _required(report, "particulier")
        return
    _check_civility(report, getattr(p, "civility", None))
    _check_name(report, "birth_name", getattr(p, "birth_name", None), required=True)
    _check_name(report, "usage_name", getattr(p, "usage_name", None), required=False)
    _check_name(report, "first_names", getattr(p, "first_names", None), required=True)
    birth_date = getattr(p, "birth_date", None)
    _check_birth_date(report, birth_date, today)
    if isinstance(birth_date, datetime.datetime):
        birth_date = birth_date.date()
    elif not isinstance(birth_date, datetime.date):
        birth_date = None
    _check_birth_place(report, getattr(p, "birth_place", None), birth_date)
    _check_mobile(report, getattr(p, "mobile", None))
    _check_email(report, getattr(p, "email", None))
    _check_address(report, getattr(p, "address", None))
    _check_bank(report, getattr(p, "bank", None))


# --- amounts -----------------------------------------------------------------------


def _amount(report, field, value, *, key=None, required=True, maximum=MAX_AMOUNT):
    """A finite, non-negative amount with at most 2 decimals, else ``None``."""
    label, _plural = _label(key or field)
    if value is None:
        if required:
            _required(report, field, key)
        return None
    number = to_decimal(value)
    if number is None:
        _wrong_type(report, field, value, key, expected="un nombre")
        return None
    if not number.is_finite():
        report.add(field, "not_finite", f"{label} n'est pas un nombre valide.")
        return None
    if abs(number) > maximum:
        report.add(
            field, "too_large", f"{label} ({number}) dépasse le maximum de {maximum}."
        )
        return None
    if number < 0:
        report.add(
            field,
            "negative",
            f"{label} est négatif ({number}) : l'Urssaf refuse les montants "
            "négatifs. Les avoirs et les lignes négatives ne peuvent pas être "
            "transmis ; intégrez la remise dans le montant de la ligne concernée.",
        )
        return None
    if number != number.quantize(CENT):
        report.add(
            field,
            "decimals",
            f"{label} ({number}) a plus de 2 décimales.",
        )
        return None
    return number


def _quantity(report, value):
    field = "quantity"
    if value is None:
        _required(report, field)
        return None
    number = to_decimal(value)
    if number is None:
        _wrong_type(report, field, value, expected="un nombre")
        return None
    if not number.is_finite():
        report.add(field, "not_finite", "La quantité n'est pas un nombre valide.")
        return None
    if number > MAX_QUANTITY:
        report.add(
            field,
            "too_large",
            f"La quantité ({number}) dépasse le maximum de {MAX_QUANTITY}.",
        )
        return None
    if round_amount(number) <= 0:
        report.add(
            field,
            "not_positive",
            f"La quantité ({number}) doit être positive (au moins 0,01 une fois "
            "arrondie à 2 décimales) ; les lignes négatives ne peuvent pas être "
            "transmises.",
        )
        return None
    return round_amount(number)


# --- activation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Activation:
    """When Urssaf starts accepting payment requests for a client.

    Urssaf compares the start of the period, sent as the instant
    ``<date>T00:00:00Z``, with the activation instant: a period may start on
    the activation day only when the activation happened exactly at midnight
    UTC; otherwise the first day that can be sent is the next one.

    ``instant`` is the aware UTC activation instant, ``None`` when only its day
    is known; ``first_day`` the first day a period may start; ``text`` the
    activation in French, for the messages.
    """

    instant: datetime.datetime | None
    first_day: datetime.date
    text: str

    @classmethod
    def of(cls, value):
        """An :class:`Activation` from what the caller knows, or ``None``.

        * an aware ``datetime``: that instant;
        * a naive ``datetime``: taken as UTC (Odoo's storage);
        * a ``date``: activated at some unknown time of that day. Since only
          an activation at exactly 00:00:00Z lets a period start that day, the
          safe reading is that the first day that can be sent is the next one
          (never let pass what Urssaf would refuse);
        * an ISO 8601 text of either (``Z`` or an offset for an instant);
        * anything else: unknown (``None``).
        """
        if isinstance(value, str):
            value = _parse_iso(value)
        if isinstance(value, datetime.datetime):
            return cls._of_instant(value)
        if isinstance(value, datetime.date):
            return cls(None, _next_day(value), f"le {_fr_date(value)}")
        return None

    @classmethod
    def _of_instant(cls, value):
        if value.tzinfo is None or value.utcoffset() is None:
            instant = value.replace(tzinfo=datetime.timezone.utc)
        else:
            instant = value.astimezone(datetime.timezone.utc)
        day = instant.date()
        if instant != _midnight_utc(day):
            day = _next_day(day)
        local = instant.astimezone(_PARIS)
        text = (
            f"le {_fr_date(local.date())} à {local.hour:02d} h "
            f"{local.minute:02d}, heure de Paris"
        )
        return cls(instant, day, text)

    def refuses(self, start):
        """Whether Urssaf refuses a period starting on the day ``start``."""
        if self.instant is not None:
            return _midnight_utc(start) < self.instant
        return start < self.first_day


def _midnight_utc(day):
    return datetime.datetime.combine(day, datetime.time(0), datetime.timezone.utc)


def _next_day(day):
    return day + datetime.timedelta(days=1) if day < datetime.date.max else day


def _parse_iso(text):
    """A ``datetime`` or ``date`` from an ISO 8601 text, else ``None``."""
    text = text.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        if len(text) > 10:
            return datetime.datetime.fromisoformat(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


# --- payment request ------------------------------------------------------------------


def _check_identifier(report, field, value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    raw = _text(report, field, value, required=True)
    if raw and not clean_text(raw):
        _required(report, field)


def _check_invoice_number(report, value):
    raw = _text(report, "invoice_number", value, required=True)
    if not raw:
        return
    number = raw.strip()
    if not number:
        _required(report, "invoice_number")
    elif _units(number) > INVOICE_NUMBER_MAX_LENGTH:
        _too_long(report, "invoice_number", number, INVOICE_NUMBER_MAX_LENGTH)
    elif clean_text(number) != number:
        report.add(
            "invoice_number",
            "pattern",
            f"Le numéro de facture {_echo(raw)} contient des caractères invisibles "
            "ou des espaces multiples.",
        )


def _check_period(report, start, end, today, activation):
    if start is None or end is None:
        return
    if start > end:
        report.add(
            "date_end",
            "period_order",
            f"La date de fin de la période ({_fr_date(end)}) est antérieure à la "
            f"date de début ({_fr_date(start)}).",
        )
    elif (start.year, start.month) != (end.year, end.month):
        report.add(
            "date_end",
            "period_two_months",
            f"La période du {_fr_date(start)} au {_fr_date(end)} couvre plusieurs "
            "mois : l'Urssaf n'accepte qu'un seul mois civil par demande de "
            "paiement ; faites une facture par mois.",
        )
    if end > today:
        report.add(
            "date_end",
            "future",
            f"La date de fin de la période ({_fr_date(end)}) est dans le futur : "
            "seules les prestations déjà réalisées peuvent être transmises.",
        )
    if start < SCHEME_START:
        report.add(
            "date_start",
            "before_launch",
            f"La date de début de la période ({_fr_date(start)}) est antérieure à "
            "l'ouverture de l'avance immédiate (2022).",
        )
    if activation is not None and activation.refuses(start):
        report.add(
            "date_start",
            "before_activation",
            f"La période commence le {_fr_date(start)}, avant l'activation de "
            f"l'avance immédiate pour ce client ({activation.text}) : l'Urssaf "
            "refuserait la demande. La période peut commencer au plus tôt le "
            f"{_fr_date(activation.first_day)} ; les prestations antérieures se "
            "facturent hors avance immédiate.",
        )


def _check_invoice_date(report, invoice_date, start, today):
    if invoice_date is None:
        return
    if invoice_date > today:
        report.add(
            "invoice_date",
            "future",
            f"La date de facture ({_fr_date(invoice_date)}) est dans le futur.",
        )
    if start is not None and invoice_date < start:
        report.add(
            "invoice_date",
            "invoice_before_period",
            f"La date de facture ({_fr_date(invoice_date)}) est antérieure au début "
            f"de la période facturée ({_fr_date(start)}).",
        )


def _check_nature(report, value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    raw = _text(report, "nature_code", value, required=True)
    if raw and normalize_code(raw) not in NATURES:
        report.add(
            "nature_code",
            "unknown_nature",
            f"Le code nature {_echo(raw)} n'existe pas dans la nomenclature Urssaf "
            "(par exemple 60 ménage-repassage, 70 jardinage, 100 soutien "
            "scolaire) : vérifiez la nature Urssaf de l'article.",
        )


def _check_unit(report, value):
    raw = _text(report, "unit", value, required=True)
    if raw and normalize_code(raw) not in _UNITS:
        report.add(
            "unit",
            "invalid_choice",
            f"L'unité {_echo(raw)} est invalide : HEURE ou FORFAIT est attendu.",
        )


def _check_intervenant(report, value):
    raw = _text(report, "intervenant", value, required=True)
    if not raw:
        return
    code = normalize_intervenant(raw)
    if not _INTERVENANT.fullmatch(code):
        report.add(
            "intervenant",
            "pattern",
            f"Le numéro d'intervenant {_echo(raw)} est invalide : « SAP » suivi du "
            "SIREN (9 chiffres) ou « SIR » suivi du SIRET (14 chiffres) est attendu.",
        )


def _check_line_dates(report, line, start, end):
    line_start = _date(
        report,
        "date_start",
        getattr(line, "date_start", None),
        required=False,
        key="line.date_start",
    )
    line_end = _date(
        report,
        "date_end",
        getattr(line, "date_end", None),
        required=False,
        key="line.date_end",
    )
    line_start = line_start or start
    line_end = line_end or end
    if line_start is None or line_end is None:
        return
    if line_start > line_end:
        report.add(
            "date_end",
            "period_order",
            f"la date de fin ({_fr_date(line_end)}) est antérieure à la date de "
            f"début ({_fr_date(line_start)}).",
        )
    if start is None or end is None:
        return
    for field, day in (("date_start", line_start), ("date_end", line_end)):
        if not start <= day <= end:
            report.add(
                field,
                "outside_period",
                f"la date {_fr_date(day)} est en dehors de la période de la demande "
                f"({_fr_date(start)} – {_fr_date(end)}).",
            )


def _check_line(report, line, start, end):
    """Check one line; returns (ttc, ht, quantity) or ``None`` when unusable."""
    _check_nature(report, getattr(line, "nature_code", None))
    _check_unit(report, getattr(line, "unit", None))
    quantity = _quantity(report, getattr(line, "quantity", None))
    ttc = _amount(
        report, "total_ttc", getattr(line, "total_ttc", None), key="line.total_ttc"
    )
    ht = _amount(
        report, "total_ht", getattr(line, "total_ht", None), key="line.total_ht"
    )
    if ttc is not None and ht is not None and ht > ttc:
        report.add(
            "total_ht",
            "ht_above_ttc",
            f"le montant HT ({ht}) est supérieur au montant TTC ({ttc}).",
        )
        ht = None
    _check_line_dates(report, line, start, end)
    description = getattr(line, "description", None)
    if description is not None and not isinstance(description, str):
        _wrong_type(report, "description", description)
    _check_intervenant(report, getattr(line, "intervenant", None))
    if quantity is None or ttc is None or ht is None:
        return None
    return ttc, ht


def _check_lines(report, lines, start, end):
    """Check every line; returns the lines when all their amounts are usable."""
    if lines is None or (isinstance(lines, (list, tuple)) and not lines):
        report.add(
            "lines",
            "required",
            "La demande de paiement doit comporter au moins une ligne de prestation.",
        )
        return None
    if not isinstance(lines, (list, tuple)):
        _wrong_type(report, "lines", lines, expected="une liste")
        return None
    usable = True
    for index, line in enumerate(lines):
        if line is None:
            report.add(f"lines[{index}]", "required", f"Ligne {index + 1} : vide.")
            usable = False
            continue
        child = report.child(f"lines[{index}]", f"Ligne {index + 1} : ")
        if _check_line(child, line, start, end) is None:
            usable = False
    return list(lines) if usable else None


def _check_totals(report, lines, total_ttc, total_ht):
    """Totals consistent with the lines, within the one-cent-fix tolerance."""
    if lines is None or total_ttc is None:
        return
    tolerance = CENT * len(lines)
    sum_ttc = sum((round_amount(line.total_ttc) for line in lines), CENT * 0)
    sum_ht = sum((round_amount(line.total_ht) for line in lines), CENT * 0)
    problem = False
    if abs(sum_ttc - total_ttc) > tolerance:
        report.add(
            "total_ttc",
            "total_mismatch",
            f"Le total TTC de la facture ({total_ttc}) ne correspond pas à la somme "
            f"des lignes ({sum_ttc}).",
        )
        problem = True
    if total_ht is not None and abs(sum_ht - total_ht) > tolerance:
        report.add(
            "total_ht",
            "total_mismatch",
            f"Le total HT de la facture ({total_ht}) ne correspond pas à la somme "
            f"des lignes ({sum_ht}).",
        )
        problem = True
    if problem:
        return
    balanced = balance_lines(lines, total_ttc, total_ht)
    if sum(line.total_ttc for line in balanced) != total_ttc or (
        total_ht is not None and sum(line.total_ht for line in balanced) != total_ht
    ):
        report.add(
            "total_ttc",
            "total_mismatch",
            "L'écart d'arrondi entre le total de la facture et la somme des lignes "
            "ne peut être reporté sur aucune ligne sans rendre un montant négatif.",
        )


def _check_deposit(report, pr, total_ttc, today):
    deposit = _amount(
        report, "deposit_amount", getattr(pr, "deposit_amount", None), required=False
    )
    if not deposit:
        return
    if total_ttc is not None and deposit > total_ttc * DEPOSIT_MAX_SHARE:
        report.add(
            "deposit_amount",
            "deposit_too_high",
            f"L'acompte ({deposit}) dépasse 50 % du total TTC de la facture "
            f"({total_ttc}).",
        )
    day = _date(
        report, "deposit_date", getattr(pr, "deposit_date", None), required=True
    )
    if day is not None and day > today:
        report.add(
            "deposit_date",
            "future",
            f"La date de versement de l'acompte ({_fr_date(day)}) est dans le futur.",
        )


def validate_payment_request(request, *, today, activation=None, activation_date=None):
    """All the problems preventing the transmission of a payment request.

    ``activation``: the moment from which Urssaf accepts payment requests for
    this client (``APPAREILLAGE_VALIDE``), when known; see :class:`Activation`.
    ``activation_date`` is its former name, still accepted.
    """
    report = _Report()
    try:
        _validate_payment_request(
            report,
            request,
            _today(today),
            Activation.of(activation if activation is not None else activation_date),
        )
    except Exception as error:  # noqa: BLE001 - a validator must never raise
        report.add("request", "type", f"Données inattendues : {_echo(str(error))}.")
    return report.problems


def _validate_payment_request(report, pr, today, activation):
    if pr is None:
        report.add("request", "required", "La demande de paiement est vide.")
        return
    _check_identifier(report, "id_tiers_facturation", pr.id_tiers_facturation)
    _check_identifier(report, "id_client", pr.id_client)
    birth = _date(report, "client_birth_date", pr.client_birth_date, required=True)
    if birth is not None and birth > today:
        report.add(
            "client_birth_date",
            "future",
            # No date in the text: invoice users must not see birth data.
            "La date de naissance enregistrée pour le client est dans le futur.",
        )
    _check_invoice_number(report, pr.invoice_number)
    invoice_date = _date(report, "invoice_date", pr.invoice_date, required=True)
    start = _date(report, "date_start", pr.date_start, required=True)
    end = _date(report, "date_end", pr.date_end, required=True)
    _check_period(report, start, end, today, activation)
    _check_invoice_date(report, invoice_date, start, today)
    total_ttc = _amount(report, "total_ttc", pr.total_ttc)
    total_ht = _amount(report, "total_ht", pr.total_ht)
    if total_ttc is not None and total_ttc == 0:
        report.add(
            "total_ttc",
            "zero_total",
            "Le total TTC de la facture est nul : il n'y a rien à transmettre.",
        )
    if total_ttc is not None and total_ht is not None and total_ht > total_ttc:
        report.add(
            "total_ht",
            "ht_above_ttc",
            f"Le total HT ({total_ht}) est supérieur au total TTC ({total_ttc}).",
        )
        total_ht = None
    lines = _check_lines(report, pr.lines, start, end)
    _check_totals(report, lines, total_ttc, total_ht)
    _check_deposit(report, pr, total_ttc, today)


# --- search -------------------------------------------------------------------------


def _check_search_list(report, field, values):
    if values is None:
        return 0
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple, set, frozenset)):
        _wrong_type(report, field, values, expected="une liste")
        return 0
    values = [v for v in values if v not in (None, "")]
    label, _plural = _label(field)
    if len(values) > SEARCH_MAX_IDS:
        report.add(
            field,
            "too_many",
            f"{label} sont limités à {SEARCH_MAX_IDS} par recherche "
            f"(actuellement {len(values)}).",
        )
    if any(not isinstance(v, str) or not clean_text(v) for v in values):
        report.add(field, "type", f"{label} doivent être des textes non vides.")
    return len(values)


def validate_search(ids=None, date_start=None, date_end=None, invoice_numbers=None):
    """Problems of a search of payment requests (``/demandePaiement/rechercher``)."""
    report = _Report()
    try:
        count = _check_search_list(report, "ids", ids)
        count += _check_search_list(report, "invoice_numbers", invoice_numbers)
        start = _date(report, "date_start", date_start, required=False)
        end = _date(report, "date_end", date_end, required=False)
        if (start is None) != (end is None) and not report.problems:
            field = "date_end" if end is None else "date_start"
            _required(report, field)
        if start is not None and end is not None:
            count += 1
            if start > end:
                report.add(
                    "date_end",
                    "period_order",
                    f"La date de fin ({_fr_date(end)}) est antérieure à la date de "
                    f"début ({_fr_date(start)}).",
                )
        if not count and not report.problems:
            report.add(
                "ids",
                "no_criterion",
                "Indiquez au moins un critère de recherche : identifiants, numéros "
                "de facture ou période.",
            )
    except Exception as error:  # noqa: BLE001 - a validator must never raise
        report.add("ids", "type", f"Données inattendues : {_echo(str(error))}.")
    return report.problems
