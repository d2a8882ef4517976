import datetime
from decimal import Decimal

from urssaf.responses import PaymentRequestInfo
from urssaf.tracking import (
    PAID_WATCH,
    chunks,
    default_period,
    find_match,
    next_check,
    particulier_next_check,
    retry_delay,
)

NOW = datetime.datetime(2026, 11, 27, 10, 0)


def test_next_check_by_state():
    assert next_check("sent", NOW) == NOW + datetime.timedelta(hours=1)
    assert next_check("refused", NOW) is None
    assert next_check("cancelled", NOW) is None
    assert next_check("recovered", NOW) is None
    assert next_check("paid", NOW, paid_since=NOW) == NOW + datetime.timedelta(days=1)
    assert next_check("paid", NOW, paid_since=NOW - PAID_WATCH) is None
    assert next_check("unknown-state", NOW) is None


def test_retry_delay_backs_off_and_is_capped():
    delays = [retry_delay(n) for n in range(8)]
    assert delays[0] == datetime.timedelta(minutes=15)
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert retry_delay(100) == datetime.timedelta(hours=12)
    assert retry_delay(None) == datetime.timedelta(minutes=15)


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
