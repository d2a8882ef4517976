"""Property-based tests: hostile inputs never crash the validators, and whatever
they accept builds a payload valid against the official contract."""

import datetime as dt
import json
import re
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_check import (  # noqa: E402
    FIRST_NAMES_PATTERN,
    NAME_PATTERN,
    check_amount_rules,
    schema_errors,
)

from urssaf import contract
from urssaf.data_types import (
    Address,
    BankAccount,
    BirthPlace,
    Particulier,
    PaymentRequest,
    ServiceLine,
)
from urssaf.payload import (
    balance_lines,
    build_particulier,
    build_payment_request,
    clean_name,
    format_date,
)
from urssaf.validators import (
    Problem,
    validate_particulier,
    validate_payment_request,
    validate_search,
)

TODAY = dt.date(2025, 4, 15)
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies --------------------------------------------------------------

HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "\n\t",
    "😀👩‍👩‍👧",
    "محمد بن سلمان",
    "\u202eevil\u202c",
    "ｆｕｌｌｗｉｄｔｈ",
    "Ω" * 300,
    "a" * 100_000,
    "1" * 5000,
    "a" + "'" * 5000 + "1",
    "a" * 40 + "!",
    "𝔄𝔅ℭ",
    "Robert'); DROP TABLE--",
    "NaN",
    "-1e9999",
    "null",
]

anything = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(HOSTILE_STRINGS),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=3),
)


def mostly(valid, hostile=anything):
    """``valid`` most of the time (about 95 %), ``hostile`` otherwise."""
    # hypothesis favours boundary values: the hostile branch is a middle range
    return st.integers(0, 99).flatmap(lambda i: hostile if 40 <= i < 45 else valid)


letters = st.characters(categories=["Lu", "Ll", "Lo"], max_codepoint=0x2FFF)
junk = st.sampled_from(list(" '-’.,0123456789_/()\t😀"))
names = st.lists(st.one_of(letters, letters, junk), min_size=1, max_size=30).map(
    "".join
)
free_text = st.text(max_size=60)
valid_iban = st.sampled_from(
    [
        "FR7630006000011234567890189",
        "FR76 3000 4000 0312 3456 7890 143",
        "DE89370400440532013000",
        "fr76 3000 6000 0112 3456 7890 189",
        "BE68539007547034",
        "GB82WEST12345698765432",
    ]
)
bad_iban = st.sampled_from(
    ["FR7630006000011234567890188", "FR76", "XX00" + "1" * 30, "FR76 3000 6000 ñ"]
)
commune_codes = st.sampled_from(
    ["69123", "2A004", "2b033", "97411", "97209", "75056", "01001"]
)
bad_commune_codes = st.sampled_from(["6912", "1A004", "99100", "ABCDE", "690012"])
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
birth_dates = mostly(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY), dates)


def pick(valid, invalid):
    """Mostly one of the ``valid`` values; sometimes an ``invalid`` one or garbage."""
    return mostly(st.sampled_from(valid), st.one_of(st.sampled_from(invalid), anything))


labels = st.text(min_size=1, max_size=60)
short_labels = st.text(min_size=1, max_size=30)


@st.composite
def addresses(draw):
    kind = draw(st.sampled_from(["street", "complement", "lieu_dit"]))
    street = kind == "street"
    return Address(
        commune_code=draw(mostly(commune_codes, bad_commune_codes)),
        commune_label=draw(mostly(labels)),
        postcode=draw(mostly(st.from_regex(r"[0-9]{5}", fullmatch=True))),
        country_code=draw(pick(["99100", "", None], ["FR", "991"])),
        street_number=draw(
            pick(["1", "8", "120", 14] if street else [None], ["0", "8bis"])
        ),
        street_letter=draw(
            pick(["B", "t", "bis", None] if street else [None], ["X", "BB"])
        ),
        street_type=draw(pick(["R", "av", "BD", "IMP"] if street else [None], ["RUE"])),
        street_label=draw(mostly(short_labels if street else st.none())),
        complement=draw(
            mostly(short_labels if kind == "complement" else st.none(), free_text)
        ),
        lieu_dit=draw(
            mostly(short_labels if kind == "lieu_dit" else st.none(), free_text)
        ),
    )


@st.composite
def particuliers(draw, hostile=anything):
    country = draw(pick(["99100", "99100", "99134", "99352"], ["100", "FR"]))
    france = country == "99100"
    birth_place = BirthPlace(
        country,
        draw(mostly(commune_codes if france else st.none(), bad_commune_codes)),
        draw(mostly(labels if france else st.none())),
    )
    bank = BankAccount(
        iban=draw(mostly(valid_iban, bad_iban)),
        bic=draw(pick(["BNPAFRPP", "bnapfrppxxx", "COBADEFFXXX"], ["BNPA", "1234"])),
        holder=draw(mostly(st.text(min_size=1, max_size=120))),
    )
    return Particulier(
        civility=draw(pick(["1", "2", 1, 2], ["3", "M"])),
        birth_name=draw(mostly(names)),
        usage_name=draw(mostly(st.one_of(st.none(), names))),
        first_names=draw(mostly(names)),
        birth_date=draw(mostly(birth_dates)),
        birth_place=draw(mostly(st.just(birth_place), hostile)),
        mobile=draw(
            mostly(st.from_regex(r"(0|\+33 ?)[67]( ?[0-9]{2}){4}", fullmatch=True))
        ),
        email=draw(
            pick(
                ["a@b.fr", "jeanne.d-u_r@mail.example-x.com", " x_1@y-z.org "],
                ["a+b@c.fr", "x@y", "é@x.fr"],
            )
        ),
        address=draw(mostly(addresses(), hostile)),
        bank=draw(mostly(st.just(bank), hostile)),
    )


cents = st.integers(0, 1_000_000).map(lambda n: D(n) / 100)


@st.composite
def service_lines(draw, month_start, month_end):
    ttc = draw(cents)
    ht = (ttc * draw(st.integers(0, 100)) / 100).quantize(D("0.01"))
    day_a = draw(st.dates(min_value=month_start, max_value=month_end))
    day_b = draw(st.dates(min_value=day_a, max_value=month_end))
    return ServiceLine(
        nature_code=draw(pick(["60", "70", "100", 270], ["ENF", "65"])),
        unit=draw(pick(["HEURE", "FORFAIT", "forfait"], ["JOUR"])),
        quantity=draw(
            mostly(
                st.decimals(min_value=D("0.01"), max_value=D(5000), places=3).filter(
                    lambda q: q.quantize(D("0.01")) > 0
                )
            )
        ),
        total_ttc=draw(mostly(st.just(ttc))),
        total_ht=draw(mostly(st.just(ht))),
        date_start=draw(st.sampled_from([None, day_a])),
        date_end=draw(st.sampled_from([None, day_b])),
        description=draw(mostly(st.one_of(st.none(), st.text(max_size=200)))),
        intervenant=draw(
            pick(["SIR12345678900012", "sap123456789", "SAP 852 330 992"], ["X"])
        ),
        unit_price_ttc=draw(st.one_of(st.none(), anything)),
    )


invoice_numbers = st.integers(0, 99999).map(lambda n: f"FAC/2025/{n:05d}")


def _sum(amounts):
    """Sum of the well-formed amounts (hostile ones are skipped)."""
    total = D(0)
    for amount in amounts:
        if isinstance(amount, D) and amount.is_finite() and abs(amount) < 10**7:
            total += amount
    return total


@st.composite
def payment_requests(draw):
    year = draw(st.integers(2022, 2025))
    month = draw(st.integers(1, 12 if year < 2025 else 4))
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    last = min(last, TODAY)
    start = draw(st.dates(min_value=first, max_value=last))
    end = draw(st.dates(min_value=start, max_value=last))
    lines = draw(st.lists(service_lines(start, end), min_size=1, max_size=5))
    sum_ttc = _sum(x.total_ttc for x in lines)
    sum_ht = _sum(x.total_ht for x in lines)
    n = len(lines)
    delta_ttc = D(draw(st.integers(-n - 1, n + 1))) / 100
    delta_ht = D(draw(st.integers(-1, 1))) / 100 if draw(st.booleans()) else D(0)
    deposit = draw(mostly(st.one_of(st.none(), st.just(D(0)), cents)))
    return PaymentRequest(
        id_tiers_facturation=draw(mostly(st.just("menage.fr"))),
        id_client=draw(mostly(st.just("af0be430-908a-11eb-a8b3-0242ac130003"))),
        client_birth_date=draw(mostly(birth_dates)),
        invoice_number=draw(mostly(invoice_numbers)),
        invoice_date=draw(mostly(st.dates(min_value=start, max_value=TODAY))),
        date_start=draw(mostly(st.just(start))),
        date_end=draw(mostly(st.just(end))),
        lines=draw(mostly(st.just(lines))),
        total_ttc=draw(mostly(st.just(sum_ttc + delta_ttc))),
        total_ht=draw(mostly(st.just(sum_ht + delta_ht))),
        deposit_amount=deposit,
        deposit_date=draw(mostly(st.one_of(st.none(), st.dates(max_value=TODAY)))),
    )


def assert_problems(problems):
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert isinstance(problem.field, str) and problem.field
        assert isinstance(problem.code, str) and problem.code
        assert isinstance(problem.message, str) and problem.message


def assert_contract(name, payload):
    assert schema_errors(name, payload) == []
    assert contract.validate(name, payload) == []
    json.dumps(payload, allow_nan=False)


# --- particulier ---------------------------------------------------------------


@SETTINGS
@given(
    st.builds(
        Particulier,
        civility=anything,
        birth_name=anything,
        first_names=anything,
        birth_date=anything,
        birth_place=st.one_of(
            anything, st.builds(BirthPlace, anything, anything, anything)
        ),
        mobile=anything,
        email=anything,
        address=st.one_of(
            anything,
            st.builds(
                Address,
                *[anything] * 10,
            ),
        ),
        bank=st.one_of(anything, st.builds(BankAccount, anything, anything, anything)),
        usage_name=anything,
    ),
    st.one_of(st.just(TODAY), st.datetimes()),
)
def test_validate_particulier_never_crashes(particulier, today):
    problems = validate_particulier(particulier, today=today)
    assert_problems(problems)


@SETTINGS
@given(particuliers())
def test_accepted_particulier_is_contract_valid(particulier):
    problems = validate_particulier(particulier, today=TODAY)
    assert_problems(problems)
    if not problems:
        assert_contract("InputParticulierDTO", build_particulier(particulier))


@SETTINGS
@given(st.one_of(st.text(), names, st.sampled_from(HOSTILE_STRINGS)))
def test_clean_name_output_matches_contract_patterns(raw):
    cleaned = clean_name(raw)
    assert clean_name(cleaned) == cleaned
    if cleaned:
        assert NAME_PATTERN.search(cleaned)
        assert FIRST_NAMES_PATTERN.search(cleaned)
        assert not re.search(r"\s\s|^\W|\W$", cleaned)
        assert all(ord(char) <= 0xFFFF for char in cleaned)


# --- dates ------------------------------------------------------------------------


@SETTINGS
@given(
    st.one_of(
        dates,
        st.datetimes(timezones=st.timezones()),
        st.datetimes(),
    )
)
def test_format_date_keeps_the_calendar_date(value):
    day = value.date() if isinstance(value, dt.datetime) else value
    text = format_date(value)
    assert text == f"{day.isoformat()}T00:00:00Z"
    assert contract.is_valid_date(text)


# --- payment request -----------------------------------------------------------------


@SETTINGS
@given(
    st.builds(
        PaymentRequest,
        *[anything] * 7,
        st.one_of(
            anything,
            st.lists(
                st.one_of(
                    anything,
                    st.builds(
                        ServiceLine,
                        *[anything] * 10,
                    ),
                ),
                max_size=4,
            ),
        ),
        anything,
        anything,
        anything,
        anything,
    ),
    st.one_of(st.none(), anything),
)
def test_validate_payment_request_never_crashes(request, activation):
    problems = validate_payment_request(
        request, today=TODAY, activation_date=activation
    )
    assert_problems(problems)


@SETTINGS
@given(payment_requests(), st.one_of(st.none(), st.dates(max_value=TODAY)))
def test_accepted_payment_request_is_contract_valid(request, activation):
    problems = validate_payment_request(
        request, today=TODAY, activation_date=activation
    )
    assert_problems(problems)
    if problems:
        return
    item = build_payment_request(request)
    assert_contract("InputDemandePaiement", item)
    assert contract.validate_array("InputDemandePaiement", [item]) == []
    check_amount_rules(item)
    assert item["dateDebutEmploi"][:7] == item["dateFinEmploi"][:7]
    for line in item["inputPrestations"]:
        assert item["dateDebutEmploi"] <= line["dateDebutEmploi"]
        assert line["dateFinEmploi"] <= item["dateFinEmploi"]
        assert len(line.get("complement1", "")) <= 120


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=D("0.01"), max_value=D(999), places=2),
            cents,
            st.integers(0, 30),
        ),
        min_size=1,
        max_size=6,
    ),
    st.data(),
)
def test_balance_lines_reaches_the_invoice_total(specs, data):
    lines = [
        ServiceLine(
            "60",
            "HEURE",
            quantity,
            ttc,
            (ttc * 100 / (100 + rate)).quantize(D("0.01")),
        )
        for quantity, ttc, rate in specs
    ]
    tax = sum(line.total_ttc - line.total_ht for line in lines)
    n = len(lines)
    delta = D(data.draw(st.integers(-n, n))) / 100
    total = sum(line.total_ttc for line in lines) + delta
    balanced = balance_lines(lines, total)
    absorbable = delta >= 0 or any(
        line.total_ttc - line.total_ht >= -delta for line in lines
    )
    if absorbable:
        assert sum(line.total_ttc for line in balanced) == total
    assert tax >= 0
    for line in balanced:
        assert line.total_ttc >= line.total_ht >= 0
        assert abs(line.quantity * line.unit_price_ttc - line.total_ttc) < D("0.005")
        assert line.unit_price_ttc == line.unit_price_ttc.quantize(D("0.001"))
        assert line.quantity > 0
    # the input is left untouched
    assert [line.total_ttc for line in lines] == [ttc for _q, ttc, _r in specs]


# --- search ---------------------------------------------------------------------------


@SETTINGS
@given(anything, anything, anything, anything)
def test_validate_search_never_crashes(ids, start, end, numbers):
    assert_problems(validate_search(ids, start, end, numbers))
