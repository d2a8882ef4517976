"""IBAN and BIC checks that read no data file.

python-stdnum reads its IBAN table from a data file through
``importlib.resources``; under Odoo 19 the ``stdnum`` package is loaded by Odoo's
own import hook and that read fails at import. These checks need nothing but this
module, so they behave the same in plain Python, on Odoo 18 and on Odoo 19.

* IBAN: length per country (the IBAN registry's lengths), ISO 13616 structure,
  ISO 7064 mod 97-10 check digits, and for French IBANs (and Monaco's, same
  layout) the RIB key of the domestic account number.
* BIC: ISO 9362 layout (4 letters of institution, an ISO 3166 country, 2 letters
  or digits of location, optionally 3 of branch).
"""

import re

# Total IBAN length by country code (IBAN registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip

_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")
# French domestic account (RIB): bank 5 digits, branch 5 digits, account 11
# letters or digits, key 2 digits.
_FR_BBAN = re.compile(
    r"(?P<bank>[0-9]{5})(?P<branch>[0-9]{5})(?P<account>[0-9A-Z]{11})(?P<key>[0-9]{2})"
)
# Letters of a RIB account number stand for digits (A and J → 1, B, K and S → 2…).
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")
_BIC_SHAPE = re.compile(r"[A-Z]{4}(?P<country>[A-Z]{2})[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
# ISO 3166-1 alpha-2 country codes, and XK (Kosovo), which SWIFT uses.
COUNTRY_CODES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM
    BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX
    CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG
    GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
    IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV
    LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE
    NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
    RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF
    WS YE YT ZA ZM ZW XK
    """.split()
)


def compact(value):
    """Upper case, without spaces, dots or dashes."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def _mod97(digits_and_letters):
    """ISO 7064 mod 97-10 remainder, letters counting as 10 (A) to 35 (Z)."""
    remainder = 0
    for char in digits_and_letters:
        value = int(char, 36)
        remainder = (remainder * (100 if value > 9 else 10) + value) % 97
    return remainder


def _rib_key_ok(bban):
    match = _FR_BBAN.fullmatch(bban)
    if not match:
        return False
    account = int(match.group("account").translate(_RIB_LETTERS))
    bank, branch = int(match.group("bank")), int(match.group("branch"))
    key = 97 - (89 * bank + 15 * branch + 3 * account) % 97
    return key == int(match.group("key"))


def iban_problem(value):
    """None when the IBAN is valid, else one of 'shape', 'country', 'length',
    'checksum', 'rib_key'."""
    iban = compact(value)
    if not _IBAN_SHAPE.fullmatch(iban):
        return "shape"
    country = iban[:2]
    if country not in IBAN_LENGTHS:
        return "country"
    if len(iban) != IBAN_LENGTHS[country]:
        return "length"
    if _mod97(iban[4:] + iban[:4]) != 1:
        return "checksum"
    if country in ("FR", "MC") and not _rib_key_ok(iban[4:]):
        return "rib_key"
    return None


def iban_is_valid(value):
    return iban_problem(value) is None


def bic_is_valid(value):
    """ISO 9362 layout with an ISO 3166 country code."""
    match = _BIC_SHAPE.fullmatch(compact(value))
    return bool(match) and match.group("country") in COUNTRY_CODES
