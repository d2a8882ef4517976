"""The split of an invoice and the bookings of each Urssaf status."""

import datetime
from decimal import Decimal

import pytest
from test_sandbox import DAY, HOUR, accepted, active, advance, api  # noqa: F401

from urssaf import settlement
from urssaf.settlement import bookings, expected_transfer_date, split


@pytest.mark.parametrize(
    "total, deposit, advance_, share, debit, transfer",
    [
        # 12 h at 22 € with VAT 10 %: 264.00
        ("264.00", "0", "132.00", "132.00", "132.00", "264.00"),
        # an odd cent goes to the advance (half-up), the share is the rest
        ("100.01", "0", "50.01", "50.00", "50.00", "100.01"),
        ("0.03", "0", "0.02", "0.01", "0.01", "0.03"),
        # with VAT 20 % on 83.33 HT: 99.996 -> 100.00
        ("99.996", "0", "50.00", "50.00", "50.00", "100.00"),
        # a deposit is part of the client's share, not of the transfer
        ("264.00", "100.00", "132.00", "132.00", "32.00", "164.00"),
        ("264.00", "132.00", "132.00", "132.00", "0.00", "132.00"),
    ],
)
def test_split(total, deposit, advance_, share, debit, transfer):
    result = split(Decimal(total), Decimal(deposit))
    assert (
        result.advance,
        result.client_share,
        result.client_debit,
        result.transfer,
    ) == tuple(Decimal(v) for v in (advance_, share, debit, transfer))
    assert result.advance + result.client_share == result.total
    assert result.deposit + result.client_debit == result.client_share


def test_split_accepts_floats():
    assert split(264.0).advance == Decimal("132.00")
    assert split(None).total == Decimal("0.00")


def test_expected_transfer_date():
    since = datetime.datetime(2025, 3, 3, 10, 0)
    assert expected_transfer_date("sent", since) == datetime.date(2025, 3, 9)
    assert expected_transfer_date("validated", since) == datetime.date(2025, 3, 7)
    assert expected_transfer_date("debited", since) == datetime.date(2025, 3, 5)
    actual = datetime.date(2025, 3, 6)
    assert expected_transfer_date("paid", since, actual) == actual
    assert expected_transfer_date("refused", since) is None
    assert expected_transfer_date("sent", None) is None
    assert expected_transfer_date("queued", False) is None


def book(code, effective=True, transfer=False, clawback=False, closed=False):
    return bookings(
        code,
        transfer_effective=effective,
        transfer_booked=transfer,
        clawback_booked=clawback,
        closed=closed,
    )


def test_bookings_paid():
    assert book("70") == ("transfer",)
    assert book("70", effective=False) == ()
    assert book("70", transfer=True) == ()
    assert book("50") == ()


def test_bookings_unpaid_after_payment():
    assert book("60", transfer=True) == ("clawback",)
    assert book("60", transfer=True, clawback=True) == ()
    assert book("111", transfer=True, clawback=True) == ()
    assert book("120", transfer=True, clawback=True) == ("close",)
    assert book("120", transfer=True, clawback=True, closed=True) == ()


def test_bookings_status_jumps():
    # 50 -> 60 -> 111 between two refreshes, Urssaf having paid in full.
    assert book("111") == ("transfer", "clawback")
    # 50 -> 120: paid, taken back, recovered.
    assert book("120") == ("transfer", "clawback", "close")
    # Nothing was transferred: nothing to take back.
    assert book("111", effective=False) == ()
    assert book("60", effective=False) == ()


def test_bookings_never_on_refusal_or_cancellation():
    for code in ("40", "110", "10", "20", "30", None):
        assert book(code) == ()


def test_live_states_are_lifecycle_states():
    from urssaf import lifecycle

    assert settlement.LIVE_STATES <= set(lifecycle.REQUEST_STATES)
    assert not settlement.LIVE_STATES & lifecycle.FINAL


# --- the sandbox's transfer despite an unpaid debit, and deposits -------------


def test_unpaid_with_transfer(sandbox, api, active):  # noqa: F811
    id_demande = accepted(sandbox, api, active, "UNPAID-PAID")
    sandbox.control(
        "POST",
        "/_sandbox/demandePaiement/UNPAID-PAID/outcome",
        json={"outcome": "unpaid", "then": "cancel", "transfer": True},
    )
    advance(sandbox, HOUR + 48 * HOUR + 2 * DAY + 60)
    info = api.status_of(id_demande)
    assert info["statut"]["code"] == "50"
    assert "infoVirement" not in info
    advance(sandbox, DAY)
    assert api.status_of(id_demande)["statut"]["code"] == "60"
    advance(sandbox, DAY)
    info = api.status_of(id_demande)
    assert info["statut"]["code"] == "111"
    assert info["infoVirement"]["mntVirement"] == 264.0


def test_transfer_less_deposit(sandbox, api, active):  # noqa: F811
    day = datetime.date.today().replace(day=1) - datetime.timedelta(days=20)
    id_demande = accepted(
        sandbox,
        api,
        active,
        "DEPOSIT",
        mntAcompte=100.5,
        dateVersementAcompte=f"{day.isoformat()}T00:00:00Z",
    )
    advance(sandbox, 7 * DAY)
    info = api.status_of(id_demande)
    assert info["statut"]["code"] == "70"
    assert info["infoVirement"]["mntVirement"] == 163.5
