"""The state machine and polling schedule of payment requests (no network)."""

import datetime

import pytest

from urssaf import catalogues, lifecycle
from urssaf.lifecycle import (
    FINAL,
    NEEDS_HUMAN,
    PAID_WATCH,
    SENDABLE,
    next_check,
    retry_delay,
    transition,
)
from urssaf.sandbox import lifecycle as sandbox_lifecycle

NOW = datetime.datetime(2026, 11, 27, 10, 0)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def test_sets_are_states():
    every = set(lifecycle.STATES)
    assert (
        set(lifecycle.REQUEST_STATES)
        | set(lifecycle.INVOICE_STATES)
        | set(lifecycle.CLOSURES)
        == every
    )
    assert not set(lifecycle.CLOSURES) & set(lifecycle.REQUEST_STATES)
    for subset in (SENDABLE, FINAL, NEEDS_HUMAN, lifecycle.WARN_ON_ENTRY):
        assert subset <= every
    assert not SENDABLE & FINAL
    assert lifecycle.WARN_ON_ENTRY <= NEEDS_HUMAN
    assert set(lifecycle.STATUS_STATES.values()) <= every


@pytest.mark.parametrize(
    "code,state",
    [
        ("10", "sent"),
        ("20", "waiting_client"),
        ("30", "validated"),
        ("40", "refused"),
        ("50", "debited"),
        ("60", "unpaid"),
        ("70", "paid"),
        ("110", "cancelled"),
        ("111", "cancelled"),
        ("120", "recovered"),
        ("80", "to_check"),
        ("999", "to_check"),
        ("", "to_check"),
    ],
)
def test_transition(code, state):
    assert transition(code) == state


def test_cancellation_requested_waits_for_urssaf():
    assert transition("30", cancel_requested=True) == "to_check"
    assert transition("110", cancel_requested=True) == "cancelled"


def test_every_known_status_has_a_state():
    for code in catalogues.PAYMENT_STATUSES:
        assert transition(code) in lifecycle.STATES


def test_sendable_only_without_urssaf_id():
    assert lifecycle.is_sendable("error")
    assert not lifecycle.is_sendable("error", has_urssaf_id=True)
    assert not lifecycle.is_sendable("to_check")
    assert lifecycle.can_refresh("to_check", False)
    assert not lifecycle.can_refresh("queued", False)


def test_next_check_follows_the_expected_change():
    assert next_check("sent", now=NOW) == NOW + HOUR
    assert next_check("waiting_client", now=NOW) == NOW + 49 * HOUR
    assert next_check("validated", now=NOW) == NOW + 2 * DAY + HOUR
    for state in FINAL:
        assert next_check(state, now=NOW) is None
    assert next_check("unknown-state", now=NOW) is None
    # Late: widening retries, capped.
    retries = [
        next_check("sent", now=NOW, since=NOW, checks_in_state=n) - NOW
        for n in range(1, 8)
    ]
    assert retries[0] == 2 * HOUR
    assert retries == sorted(retries)
    assert retries[-1] == DAY


def test_paid_is_watched_then_dropped():
    assert next_check("paid", now=NOW, since=NOW) == NOW + DAY
    assert next_check("paid", now=NOW, since=NOW - PAID_WATCH) is None
    late = NOW - PAID_WATCH + HOUR
    assert next_check("paid", now=NOW, since=late, checks_in_state=5) == NOW + HOUR


def test_retry_delay_backs_off_and_is_capped():
    delays = [retry_delay(n) for n in range(8)]
    assert delays[0] == datetime.timedelta(minutes=15)
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert retry_delay(100) == datetime.timedelta(hours=12)
    assert retry_delay(None) == datetime.timedelta(minutes=15)


def simulate(events=(), cron_every=HOUR, horizon=120 * DAY):
    """Checks made over a request's life, with the sandbox's own timeline.

    The status job runs every ``cron_every``; a check happens at the first run
    after the request's next check date. Returns (checks, states seen, the
    moment the last change was seen after it happened).
    """
    created = NOW
    entries = sandbox_lifecycle.timeline(created, list(events))
    state, since, in_state = "sent", created, 0
    due = next_check(state, now=created)
    checks, seen, delays = 0, ["sent"], []
    moment = created
    while due and moment < created + horizon:
        moment += cron_every
        if moment < due:
            continue
        checks += 1
        code = sandbox_lifecycle.status_in(entries, moment)
        new_state = transition(code)
        if new_state != state:
            changed_at = max(at for at, c, _r in entries if at <= moment)
            delays.append(moment - changed_at)
            state, since, in_state = new_state, moment, 0
            seen.append(state)
        else:
            in_state += 1
        due = next_check(state, now=moment, since=since, checks_in_state=in_state)
    return checks, seen, delays


def test_normal_life_costs_few_checks():
    checks, seen, delays = simulate()
    assert seen == ["sent", "waiting_client", "validated", "debited", "paid"]
    assert checks <= 20
    # Each change is seen within two days of happening.
    assert max(delays) <= 2 * DAY


def test_late_unpaid_debit_is_caught():
    # The debit comes back unpaid five weeks after the payment.
    paid_at = sandbox_lifecycle.base_timeline(NOW)[-1][0]
    events = [{"at": paid_at + 35 * DAY, "kind": "unpaid"}]
    checks, seen, _delays = simulate(events)
    assert seen[-2:] == ["paid", "unpaid"]
    assert checks <= 20
    # Settled a day later: its end is seen, even if the unpaid day was not.
    events[0]["then"] = "recover"
    checks, seen, _delays = simulate(events)
    assert seen[-1] == "recovered"
    assert checks <= 20


def test_refusal_within_the_48_hours():
    events = [{"at": NOW + 3 * HOUR, "kind": "refuse", "code": "CONTEST_AUTRE"}]
    checks, seen, _delays = simulate(events)
    assert seen == ["sent", "waiting_client", "refused"]
    assert checks <= 5


def test_states_in_the_order_of_an_invoice_life():
    order = lifecycle.STATES.index
    assert order("ready") < order("queued") < order("sent") < order("paid")
    assert order("sent") < order("waiting_client") < order("validated")
    assert order("validated") < order("debited") < order("paid") < order("unpaid")
    assert order("refused") < order("corrected") and order("cancelled") < order(
        "excluded"
    )


def test_invoice_state_prefers_the_providers_decision():
    assert lifecycle.invoice_state("ready") == "ready"
    assert lifecycle.invoice_state("ready", "waiting_client") == "waiting_client"
    assert lifecycle.invoice_state("ready", "refused", "corrected") == "corrected"
    assert lifecycle.invoice_state("error", None, "excluded") == "excluded"


@pytest.mark.parametrize(
    "state,known,allowed",
    [
        ("ready", False, True),
        ("error", False, True),
        ("queued", False, True),
        # Possibly at Urssaf, or at Urssaf and alive: never.
        ("to_check", False, False),
        ("waiting_client", True, False),
        ("paid", True, False),
        ("unpaid", True, False),
        # Ended by Urssaf without paying: the client may pay directly.
        ("refused", True, True),
        ("cancelled", True, True),
        ("recovered", True, False),
        ("excluded", False, False),
        ("corrected", True, False),
    ],
)
def test_can_exclude(state, known, allowed):
    assert lifecycle.can_exclude(state, known) is allowed


def test_nothing_paid_by_urssaf_leaves_the_avance_immediate():
    assert lifecycle.can_exclude("cancelled", True)
    assert not lifecycle.can_exclude("cancelled", True, transfer_booked=True)


def test_can_correct_only_what_urssaf_ended_unpaid():
    assert lifecycle.can_correct("refused")
    assert lifecycle.can_correct("cancelled")
    assert not lifecycle.can_correct("cancelled", transfer_booked=True)
    for state in ("ready", "error", "waiting_client", "paid", "corrected"):
        assert not lifecycle.can_correct(state)
