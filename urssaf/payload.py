"""Builders from :mod:`.data_types` to the JSON bodies of the Urssaf contract.

The builders produce plain ``dict``/``list`` values ready for ``json.dumps``:

* :func:`build_particulier` -> ``InputParticulierDTO`` (``POST /particulier``);
* :func:`build_payment_request` -> one ``InputDemandePaiement`` item (the body of
  ``POST /demandePaiement`` is a list of such items);
* :func:`build_search` -> ``InputRechercheDemandePaiement``.

They apply the same normalisation as :mod:`.validators` (which should be run first:
the builders assume valid data and may raise on garbage). Conventions:

* optional keys whose value is empty are omitted, ``null`` is never sent;
* dates are calendar dates serialised as ``YYYY-MM-DDT00:00:00Z``; a ``datetime`` is
  reduced to its ``.date()`` and never converted through a time zone (a local
  midnight converted to UTC would land on the previous day, possibly in the
  previous month);
* amounts are JSON numbers: floats made from ``Decimal`` values rounded half-up to
  the cent (the unit price may carry 3 decimals, see :func:`balance_lines`);
  quantities are rounded to 2 decimals as well;
* ``complement1`` is the line description, cleaned and cut to
  :data:`COMPLEMENT1_MAX_LENGTH` (120) characters: the contract publishes no limit,
  120 is what public implementations send without rejection and is plenty for a
  service description;
* ``complement2`` is the intervenant identifier (``SAP`` + SIREN or ``SIR`` + SIRET).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .data_types import FRANCE

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
HALF_CENT = Decimal("0.005")
COMPLEMENT1_MAX_LENGTH = 120

UNIT_HOUR = "HEURE"
UNIT_FLAT = "FORFAIT"

# Typographic variants turned into the plain apostrophe / hyphen the contract accepts.
_APOSTROPHES = frozenset("'’‘ʼ`´′‛ʹ")
_HYPHENS = frozenset("-‐‑‒–—―−﹣－")
_STREET_LETTER_WORDS = {
    "BIS": "B",
    "TER": "T",
    "QUATER": "Q",
    "QUINQUIES": "C",
    "QUINQUIÈS": "C",
}


# --- scalar helpers --------------------------------------------------------------


def as_date(value):
    """A calendar ``date`` from a ``date``/``datetime``/ISO string, else ``None``.

    A ``datetime`` keeps its own calendar date (no time-zone conversion).
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def format_date(value):
    """Serialise a calendar date as Urssaf expects: ``YYYY-MM-DDT00:00:00Z``."""
    day = as_date(value)
    if day is None:
        raise TypeError(f"Not a calendar date: {value!r}")
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}T00:00:00Z"


def to_decimal(value):
    """Convert an amount to ``Decimal``; ``None`` when it is not a number at all.

    Floats go through their shortest ``repr`` (``0.1`` -> ``Decimal("0.1")``).
    NaN and infinities are returned as such (callers check ``is_finite``).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            return None
    return None


def round_amount(value, places=CENT):
    """Round half-up to ``places`` (default: the cent)."""
    return to_decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def amount_json(value, places=CENT):
    """An amount as a JSON number (``float``) rounded to ``places``."""
    return float(round_amount(value, places))


# --- text helpers ------------------------------------------------------------------


def _is_letter(char):
    # Letters of the Basic Multilingual Plane: what Java's \pL and Python's
    # [^\W\d_] both accept, and one UTF-16 unit each (lengths stay exact).
    return char.isalpha() and ord(char) <= 0xFFFF


def clean_name(value):
    """Reduce a name to the character set of the contract.

    Keeps letters (accents included), apostrophes, hyphens and single spaces;
    typographic apostrophes and dashes become ``'`` and ``-``; digits, dots, commas
    and other symbols become spaces; combining marks that cannot be composed are
    dropped; spaces around an apostrophe or a hyphen are removed ("Jean - Pierre"
    -> "Jean-Pierre", needed by the first-names pattern); runs of spaces collapse;
    leading and trailing non-letters are stripped. Returns ``""`` for non-text.
    """
    if not isinstance(value, str):
        return ""
    chars = []
    for char in unicodedata.normalize("NFC", value):
        if char in _APOSTROPHES:
            chars.append("'")
        elif char in _HYPHENS:
            chars.append("-")
        elif _is_letter(char):
            chars.append(char)
        elif unicodedata.category(char).startswith("M"):
            continue
        else:
            chars.append(" ")
    text = re.sub(r" *([-']) *", r"\1", "".join(chars))
    text = re.sub(r" {2,}", " ", text)
    start, end = 0, len(text)
    while start < end and not _is_letter(text[start]):
        start += 1
    while end > start and not _is_letter(text[end - 1]):
        end -= 1
    return text[start:end]


def clean_text(value):
    """Free text made safe: NFC, control/format/unassigned characters and line
    breaks turned into spaces, whitespace collapsed, ends stripped."""
    if not isinstance(value, str):
        return ""
    chars = []
    for char in unicodedata.normalize("NFC", value):
        if char.isspace() or unicodedata.category(char).startswith("C"):
            chars.append(" ")
        else:
            chars.append(char)
    return " ".join("".join(chars).split())


def truncate(text, length):
    """Cut ``text`` to ``length`` characters, without a trailing space."""
    return text[:length].rstrip()


def normalize_code(value):
    """A code (INSEE, postcode, street type…): stripped, upper case; "" if absent."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    return "".join(value.split()).upper()


def normalize_iban(value):
    """IBAN without spaces (or dashes/dots), upper case."""
    if not isinstance(value, str):
        return ""
    return re.sub(r"[\s.\-]", "", value).upper()


def normalize_bic(value):
    """BIC without spaces, upper case."""
    return normalize_iban(value)


def normalize_mobile(value):
    """Phone number without separators: ``06 05 04 03 02`` -> ``0605040302``,
    ``+33 (0)6 05…`` -> ``+33605…``, ``0033 6…`` -> ``+336…``."""
    if not isinstance(value, str):
        return ""
    text = value.strip().replace("(0)", "")
    digits = re.sub(r"[^0-9+]", "", text)
    if digits.startswith("0033"):
        digits = "+33" + digits[4:]
    if digits.startswith("+330"):
        digits = "+33" + digits[4:]
    return digits


def normalize_email(value):
    """E-mail address without surrounding spaces."""
    if not isinstance(value, str):
        return ""
    return value.strip()


def normalize_street_letter(value):
    """``b``/``bis`` -> ``B``, ``ter`` -> ``T``, ``quater`` -> ``Q``, ``quinquies``
    -> ``C``; anything else is returned upper-cased for the validator to judge."""
    code = normalize_code(value)
    return _STREET_LETTER_WORDS.get(code, code)


def normalize_intervenant(value):
    """Intervenant identifier (``SAP…``/``SIR…``) without spaces, upper case."""
    return normalize_code(value)


def intervenant_code(nova=None, siret=None):
    """The provider's identifier sent in ``complement2``: ``SAP`` + the SIREN of
    its NOVA declaration when known, otherwise ``SIR`` + its SIRET; empty when
    neither is known (the validators then ask for it)."""
    nova = normalize_intervenant(nova or "")
    if nova:
        return nova if nova.startswith("SAP") else f"SAP{nova}"
    siret = normalize_intervenant(siret or "")
    return f"SIR{siret}" if siret else ""


def split_birth_commune(code):
    """Split a 5-character INSEE commune code into (department, commune) as Urssaf
    wants them: ``77288`` -> (``077``, ``288``), ``2A004`` -> (``02A``, ``004``),
    overseas ``97209`` -> (``972``, ``009``), ``97411`` -> (``974``, ``011``)."""
    code = normalize_code(code)
    if code[:2] in ("97", "98"):
        return code[:3], "0" + code[3:]
    return "0" + code[:2], code[2:]


# --- particulier -------------------------------------------------------------------


def _put(target, key, value):
    """Set ``target[key]`` unless the value is empty (never send null or "")."""
    if value not in (None, "", [], {}):
        target[key] = value


def build_birth_place(place):
    """``InputLieuNaissanceDTO``; department and commune only for France."""
    country = normalize_code(place.country_code)
    payload = {"codePaysNaissance": country}
    if country == FRANCE:
        department, commune = split_birth_commune(place.commune_code)
        payload["departementNaissance"] = department
        commune_payload = {"codeCommune": commune}
        _put(commune_payload, "libelleCommune", clean_text(place.commune_label))
        payload["communeNaissance"] = commune_payload
    return payload


def build_address(address):
    """``InputAdresseDTO``."""
    payload = {}
    _put(payload, "numeroVoie", normalize_code(address.street_number))
    _put(payload, "lettreVoie", normalize_street_letter(address.street_letter))
    _put(payload, "codeTypeVoie", normalize_code(address.street_type))
    _put(payload, "libelleVoie", clean_text(address.street_label))
    _put(payload, "complement", clean_text(address.complement))
    _put(payload, "lieuDit", clean_text(address.lieu_dit))
    payload["libelleCommune"] = clean_text(address.commune_label)
    payload["codeCommune"] = normalize_code(address.commune_code)
    payload["codePostal"] = normalize_code(address.postcode)
    payload["codePays"] = normalize_code(address.country_code) or FRANCE
    return payload


def build_bank_account(bank):
    """``InputCoordonneeBancaireDTO``."""
    return {
        "bic": normalize_bic(bank.bic),
        "iban": normalize_iban(bank.iban),
        "titulaire": clean_text(bank.holder),
    }


def build_particulier(particulier):
    """``InputParticulierDTO`` for ``POST /particulier``."""
    p = particulier
    payload = {
        "civilite": normalize_code(p.civility),
        "nomNaissance": clean_name(p.birth_name),
    }
    _put(payload, "nomUsage", clean_name(p.usage_name))
    payload.update(
        {
            "prenoms": clean_name(p.first_names),
            "dateNaissance": format_date(p.birth_date),
            "lieuNaissance": build_birth_place(p.birth_place),
            "numeroTelephonePortable": normalize_mobile(p.mobile),
            "adresseMail": normalize_email(p.email),
            "adressePostale": build_address(p.address),
            "coordonneeBancaire": build_bank_account(p.bank),
        }
    )
    return payload


# --- amounts: the one-cent fix -------------------------------------------------------


def line_total_matches(quantity, unit_price, total):
    """True when ``round(quantity × unit_price, 2) == total`` whatever the rounding
    mode Urssaf uses: the exact product must be strictly within half a cent."""
    return abs(quantity * unit_price - total) < HALF_CENT


def compute_unit_price(quantity, total):
    """Unit price such that ``round(quantity × price, 2) == total``.

    ``total / quantity`` rounded to 2 decimals, else to 3 decimals; ``None`` when
    neither satisfies the check (large quantities with an awkward total).
    """
    if quantity <= 0:
        return None
    exact = total / quantity
    for places in (CENT, MILLI):
        price = exact.quantize(places, rounding=ROUND_HALF_UP)
        if line_total_matches(quantity, price, total):
            return price
    return None


def _given_unit_price(line, quantity, total):
    """The line's own unit price if usable as is (≤ 3 decimals, check satisfied)."""
    price = to_decimal(line.unit_price_ttc)
    if price is None or not price.is_finite() or price < 0:
        return None
    try:
        if price != price.quantize(MILLI, rounding=ROUND_HALF_UP):
            return None
        if line_total_matches(quantity, price, total):
            return price
    except ArithmeticError:
        return None
    return None


def _absorbing_index(totals_ttc, totals_ht, delta_ttc, delta_ht):
    """First line able to take both differences keeping TTC ≥ HT ≥ 0 (normally
    the first line; a later one when the first has too little tax to give back)."""
    for index, (ttc, ht) in enumerate(zip(totals_ttc, totals_ht, strict=True)):
        if ttc + delta_ttc >= ht + delta_ht >= 0:
            return index
    return None


def _spread(totals_ttc, totals_ht, delta_ttc, delta_ht):
    """Move the TTC/HT differences into the lines (in place)."""
    index = _absorbing_index(totals_ttc, totals_ht, delta_ttc, delta_ht)
    if index is not None:
        totals_ttc[index] += delta_ttc
        totals_ht[index] += delta_ht
        return
    # no single line can take both: place each difference on its own
    index = _absorbing_index(totals_ttc, totals_ht, delta_ttc, 0)
    if index is not None:
        totals_ttc[index] += delta_ttc
    index = _absorbing_index(totals_ttc, totals_ht, 0, delta_ht)
    if index is not None:
        totals_ht[index] += delta_ht


def balance_lines(lines, total_ttc, total_ht=None):
    """Lines ready to serialise, satisfying the three amount checks of Urssaf.

    Returns new :class:`~.data_types.ServiceLine` objects (the input is untouched)
    with amounts rounded to the cent, quantity rounded to 2 decimals and
    ``unit_price_ttc`` set so that:

    * ``Σ total_ttc == total_ttc`` of the invoice: with Odoo's "round globally" the
      rounded line totals may differ from the invoice total by a few cents; the
      difference goes to the **first** line's TTC (hence its tax). If the first line
      cannot take it without its tax becoming negative (a refund of cents on a line
      without VAT), the first line that can takes it. When ``total_ht`` is given,
      an HT difference is moved the same way, to the same line when possible;
    * ``total_ht + tax == total_ttc`` per line (the tax is derived);
    * ``round(quantity × unit_price, 2) == total_ttc`` per line: the unit price is
      ``total / quantity`` at 2 decimals, else at 3 decimals (a line's own unit
      price is kept when it already satisfies the check). When no such price
      exists, the line is sent as **1 × FORFAIT at the line total**: Urssaf only
      checks amounts, the client still sees the description, and it beats sending
      a line Urssaf rejects.

    The validators decide whether a difference is small enough to be a rounding
    artefact; this function applies whatever difference it is given and leaves the
    totals as they are if no line can absorb it.
    """
    lines = list(lines)
    totals_ttc = [round_amount(line.total_ttc) for line in lines]
    totals_ht = [round_amount(line.total_ht) for line in lines]
    zero = Decimal("0.00")
    delta_ttc = delta_ht = zero
    if total_ttc is not None:
        delta_ttc = round_amount(total_ttc) - sum(totals_ttc, zero)
    if total_ht is not None:
        delta_ht = round_amount(total_ht) - sum(totals_ht, zero)
    if lines and (delta_ttc or delta_ht):
        _spread(totals_ttc, totals_ht, delta_ttc, delta_ht)
    balanced = []
    for line, ttc, ht in zip(lines, totals_ttc, totals_ht, strict=True):
        quantity = round_amount(line.quantity)
        unit = normalize_code(line.unit)
        price = _given_unit_price(line, quantity, ttc)
        if price is None:
            price = compute_unit_price(quantity, ttc)
        if price is None:
            quantity, unit, price = Decimal("1.00"), UNIT_FLAT, ttc
        balanced.append(
            dataclasses.replace(
                line,
                unit=unit,
                quantity=quantity,
                total_ttc=ttc,
                total_ht=ht,
                unit_price_ttc=price,
            )
        )
    return balanced


# --- payment request ---------------------------------------------------------------


def _price_json(price):
    places = CENT if price == price.quantize(CENT) else MILLI
    return amount_json(price, places)


def build_service_line(line, date_start, date_end):
    """``InputPrestation`` from a line already passed through :func:`balance_lines`."""
    ttc, ht = line.total_ttc, line.total_ht
    payload = {
        "codeNature": normalize_code(line.nature_code),
        "quantite": amount_json(line.quantity),
        "unite": normalize_code(line.unit),
        "mntUnitaireTTC": _price_json(line.unit_price_ttc),
        "mntPrestationTTC": amount_json(ttc),
        "mntPrestationHT": amount_json(ht),
        "mntPrestationTVA": amount_json(ttc - ht),
        "dateDebutEmploi": format_date(line.date_start or date_start),
        "dateFinEmploi": format_date(line.date_end or date_end),
    }
    description = truncate(clean_text(line.description), COMPLEMENT1_MAX_LENGTH)
    _put(payload, "complement1", description)
    _put(payload, "complement2", normalize_intervenant(line.intervenant))
    return payload


def build_payment_request(request):
    """One ``InputDemandePaiement`` item (send it inside a list)."""
    pr = request
    lines = balance_lines(pr.lines, pr.total_ttc, pr.total_ht)
    payload = {
        "idTiersFacturation": clean_text(str(pr.id_tiers_facturation)),
        "idClient": clean_text(str(pr.id_client)),
        "dateNaissanceClient": format_date(pr.client_birth_date),
        "numFactureTiers": clean_text(str(pr.invoice_number)),
        "dateFacture": format_date(pr.invoice_date),
        "dateDebutEmploi": format_date(pr.date_start),
        "dateFinEmploi": format_date(pr.date_end),
    }
    deposit = to_decimal(pr.deposit_amount)
    if deposit is not None and deposit.is_finite() and deposit > 0:
        payload["mntAcompte"] = amount_json(deposit)
        payload["dateVersementAcompte"] = format_date(pr.deposit_date)
    payload["mntFactureTTC"] = amount_json(pr.total_ttc)
    payload["mntFactureHT"] = amount_json(pr.total_ht)
    payload["inputPrestations"] = [
        build_service_line(line, pr.date_start, pr.date_end) for line in lines
    ]
    return payload


# --- search ---------------------------------------------------------------------------


def _strings(values):
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [text for text in (clean_text(str(v)) for v in values) if text]


def build_search(ids=None, date_start=None, date_end=None, invoice_numbers=None):
    """``InputRechercheDemandePaiement``: by DP ids, by invoice-date period and/or
    by invoice numbers (``numFactureTiers``, newer than swagger 1.29.1)."""
    payload = {}
    _put(payload, "idDemandePaiements", _strings(ids))
    if date_start is not None:
        payload["dateDebut"] = format_date(date_start)
    if date_end is not None:
        payload["dateFin"] = format_date(date_end)
    _put(payload, "numFactureTiers", _strings(invoice_numbers))
    return payload
