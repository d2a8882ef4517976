"""IBAN and BIC checks without any data file (identical on Odoo 18, 19 and plain
Python)."""

import subprocess
import sys
from pathlib import Path

import pytest

from urssaf import bank

# Example IBANs of the IBAN registry and of banks' public documentation.
VALID = [
    "FR1420041010050500013M02606",
    "FR76 3000 6000 0112 3456 7890 189",
    "DE89370400440532013000",
    "GB82WEST12345698765432",
    "BE68539007547034",
    "NL91ABNA0417164300",
    "MC5811222000010123456789030",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "CH9300762011623852957",
    "NO9386011117947",
    "fr76-3000-6000-0112-3456-7890-189",
]


def with_check_digits(country, bban):
    """A well-formed IBAN for ``bban`` (computes the two check digits)."""
    remainder = int("".join(str(int(c, 36)) for c in bban + country + "00")) % 97
    return f"{country}{98 - remainder:02d}{bban}"


@pytest.mark.parametrize("iban", VALID)
def test_valid_ibans(iban):
    assert bank.iban_problem(iban) is None
    assert bank.iban_is_valid(iban)


def test_every_single_digit_change_is_caught():
    iban = "FR7630006000011234567890189"
    for position in range(4, len(iban)):
        for digit in "0123456789":
            if iban[position] == digit:
                continue
            changed = iban[:position] + digit + iban[position + 1 :]
            assert bank.iban_problem(changed) in {"checksum", "rib_key"}, changed


@pytest.mark.parametrize(
    ("iban", "problem"),
    [
        ("FR763000600001123456789018", "length"),  # one character short
        ("DE8937040044053201300", "length"),
        ("ZZ89370400440532013000", "country"),
        ("FR76300060000112345678901$9", "shape"),
        ("7630006000011234567890189", "shape"),
        ("", "shape"),
        ("FR7730006000011234567890189", "checksum"),
    ],
)
def test_invalid_ibans(iban, problem):
    assert bank.iban_problem(iban) == problem
    assert not bank.iban_is_valid(iban)


def test_french_rib_key_is_checked_even_with_right_check_digits():
    good = with_check_digits("FR", "30006000011234567890189")
    assert bank.iban_is_valid(good)
    wrong_key = with_check_digits("FR", "30006000011234567890188")
    assert bank.iban_problem(wrong_key) == "rib_key"
    # Monaco uses the French layout; other countries have no RIB key
    assert (
        bank.iban_problem(with_check_digits("MC", "30006000011234567890188"))
        == "rib_key"
    )
    assert bank.iban_is_valid(with_check_digits("DE", "370400440532013001"))


def test_rib_letters_count_as_digits():
    # 'M' in the account number of the registry's French example
    assert bank.iban_is_valid("FR1420041010050500013M02606")
    assert bank.iban_problem("FR1420041010050500013N02606") in {"checksum", "rib_key"}


@pytest.mark.parametrize("bic", ["BNPAFRPP", "BNPAFRPPXXX", "deutdeff", "CEPAFRPP751"])
def test_valid_bics(bic):
    assert bank.bic_is_valid(bic)


@pytest.mark.parametrize(
    "bic", ["BNPAZZPP", "BNPAFRP", "BNPAFRPPXX", "1NPAFRPP", "BNPA FR", "", None]
)
def test_invalid_bics(bic):
    assert not bank.bic_is_valid(bic)


def test_no_stdnum_data_file_is_needed():
    """Importing the validators loads no stdnum module (Odoo 19 cannot read its
    data files)."""
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, urssaf.validators as v\n"
        "assert v.validate_particulier is not None\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'stdnum'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"
