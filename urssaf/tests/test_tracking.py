import datetime
from decimal import Decimal

from urssaf.responses import PaymentRequestInfo
from urssaf.tracking import (
    chunks,
    default_period,
    find_match,
    particulier_next_check,
)

NOW = datetime.datetime(2026, 11, 27, 10, 0)


def test_chunks():
    assert chunks(range(23), 10) == [list(range(10)), list(range(10, 20)), [20, 21, 22]]
    assert chunks([], 10) == []
    assert chunks([1, 2], 0) == [[1], [2]]


def test_default_period():
    assert default_period(datetime.date(2026, 3, 17)) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 17),
    )
    assert default_period(None) == (None, None)


def info(number="F1", client="c1", total="100.00", request_id="dp1"):
    return PaymentRequestInfo(
        request_id=request_id,
        invoice_number=number,
        id_client=client,
        total_ttc=Decimal(total),
    )


def test_find_match_adopts_same_number_client_total():
    match = find_match(
        [info(number="F0"), info()], invoice_number="F1", id_client="c1", total_ttc=100
    )
    assert match.found.request_id == "dp1" and not match.conflict


def test_find_match_nothing():
    match = find_match([info(number="F0")], invoice_number="F1", id_client="c1",
                       total_ttc=100)  # fmt: skip
    assert match.found is None and not match.conflict


def test_find_match_conflict_on_other_client_or_amount():
    for other in (info(client="c2"), info(total="99.99")):
        match = find_match([other], invoice_number="F1", id_client="c1", total_ttc=100)
        assert match.found is None
        assert "dp1" in match.conflict


def test_particulier_next_check():
    assert particulier_next_check("waiting", NOW) == NOW + datetime.timedelta(hours=1)
    assert particulier_next_check("active", NOW) == NOW + datetime.timedelta(days=7)
    assert particulier_next_check("other", NOW) == NOW + datetime.timedelta(days=1)
