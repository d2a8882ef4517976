"""The one state machine of a payment request, without any ORM.

An invoice that has no payment request yet is *not applicable* (not an
invoice of an active client), *ready* (can be sent) or in *error* (the
pre-flight checks found something to fix). From the first sending on, its
state is the state of its current payment request
(``l10n_fr_aici.payment.request``), decided here::

    invoice: not_applicable <--(client active or not, posted or not)--> ready
             ready --(pre-flight problem)--> error --(fixed)--> ready
             ready / error / queued (not at Urssaf), refused, cancelled
                 --(billed outside the avance immédiate)--> excluded
             refused / cancelled (nothing paid)
                 --(credit note + new draft invoice)--> corrected

    request (created by a sending, or queued by the automatic sending)
      queued --(write-ahead, committed before the call)--> to_check
      to_check --(Urssaf accepts: 10/15)--> sent
      to_check --(Urssaf refuses the request: business error)--> error
      to_check --(Urssaf certainly not reached)--> queued   (back-off)
      to_check --(answer lost, 5xx, timeout)--> to_check   (reconciled by a
                  search: found -> its status; nothing -> queued;
                  same number for another client/amount -> to_check + human)
      error / queued --(pre-flight problem at sending)--> error
      error / queued --(send again)--> to_check -> ...

      sent (10, 15) -> waiting_client (20) -> validated (30) -> debited (50)
        -> paid (70, 90)
      waiting_client -> refused (40)                         [final, human]
      debited / paid -> unpaid (60)                          [human]
      unpaid -> cancelled (111, 112) | recovered (120)      [final]
      any status -> cancelled (100, 110, 111, 112, 113)     [final, human]
      80, 260, 270 or an unknown code -> to_check (raw code kept) [human]
      any at Urssaf --(cancellation requested by the provider)--> to_check
                    until Urssaf reports it cancelled.

Polling: a request is checked when Urssaf is due to change it (the client's
48 hours, the debit two days later, the transfer two days after that), then,
once paid, at widening intervals for eight weeks to catch a late unpaid debit.
Every state has its own widening retry when the expected change is late.
"""

import datetime

# States of an invoice without payment request (kept on the invoice).
INVOICE_STATES = ("not_applicable", "ready", "error")
# What the provider decided for an invoice, over its request's state: billed
# outside the avance immédiate (the client pays it all), or corrected by a
# credit note and a new invoice after a refusal or a cancellation.
CLOSURES = ("excluded", "corrected")
# Every state an invoice can show, in the order of its life (selections,
# group-by): before sending, at Urssaf, the money, then the ends.
STATES = (
    "not_applicable",
    "ready",
    "error",
    "queued",
    "to_check",
    "sent",
    "waiting_client",
    "validated",
    "debited",
    "paid",
    "unpaid",
    "recovered",
    "refused",
    "cancelled",
    "corrected",
    "excluded",
)
# States of a payment request ("error" also when Urssaf refused it).
REQUEST_STATES = tuple(
    s for s in STATES if s not in ("not_applicable", "ready") + CLOSURES
)

# The request does not exist at Urssaf: it may be sent (again).
SENDABLE = frozenset({"ready", "queued", "error"})
# Nothing Urssaf does can change these any more.
FINAL = frozenset({"refused", "cancelled", "recovered"})
# A human has something to do (fix, contact the client or Urssaf).
NEEDS_HUMAN = frozenset({"error", "to_check", "refused", "unpaid", "cancelled"})
# Entering one of these opens a warning activity on the invoice.
WARN_ON_ENTRY = frozenset({"refused", "unpaid", "cancelled"})
# To be sent, nothing to fix.
TO_SEND = SENDABLE - NEEDS_HUMAN
# Waiting for Urssaf or the client, nothing to do.
PENDING = frozenset({"sent", "waiting_client", "validated", "debited"})
# Written and committed before any call that may create a request at Urssaf.
WRITE_AHEAD = "to_check"
# An invoice can be billed outside the avance immédiate while Urssaf does not
# have its request, or once Urssaf ended it without paying.
EXCLUDABLE = frozenset({"ready", "error", "queued", "refused", "cancelled"})
# Refused or cancelled: the invoice is corrected by a credit note and a new one.
CORRECTABLE = frozenset({"refused", "cancelled"})


def invoice_state(readiness, request_state=None, closure=None):
    """The state an invoice shows: the provider's decision, else its current
    request's state, else its readiness."""
    return closure or request_state or readiness


def can_exclude(state, has_urssaf_id, transfer_booked=False):
    """Whether the invoice may leave the avance immédiate: Urssaf does not
    have its request, or ended it without paying."""
    if transfer_booked:
        return False
    if state in FINAL:
        return state in EXCLUDABLE
    return state in EXCLUDABLE and not has_urssaf_id


def can_correct(state, transfer_booked=False):
    """Whether the invoice may be corrected by a credit note and a new one:
    refused or cancelled, and Urssaf paid nothing for it."""
    return state in CORRECTABLE and not transfer_booked


# Urssaf status code -> state. Codes not listed here keep their raw value on
# the request and put it "to check".
STATUS_STATES = {
    "10": "sent",
    "15": "sent",
    "20": "waiting_client",
    "30": "validated",
    "40": "refused",
    "50": "debited",
    "60": "unpaid",
    "70": "paid",
    "90": "paid",
    "100": "cancelled",
    "110": "cancelled",
    "111": "cancelled",
    "112": "cancelled",
    "113": "cancelled",
    "120": "recovered",
}


def state_for_status(code):
    """State of a request Urssaf reports with status ``code``."""
    return STATUS_STATES.get(str(code or ""), "to_check")


def transition(code, cancel_requested=False):
    """State after Urssaf reported ``code``; a cancellation asked by the
    provider keeps the request to check until Urssaf reports it cancelled."""
    state = state_for_status(code)
    if cancel_requested and state != "cancelled":
        return "to_check"
    return state


def is_sendable(state, has_urssaf_id=False):
    return state in SENDABLE and not has_urssaf_id


def can_refresh(state, has_urssaf_id):
    """Whether asking Urssaf makes sense: a known request, or an uncertain one."""
    return has_urssaf_id or state == "to_check"


# ---------------------------------------------------------------- polling
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# How long a paid request is watched: an unpaid debit (60), then 111/112/120,
# may still follow.
PAID_WATCH = datetime.timedelta(weeks=8)

# state -> (first check after entering the state, first retry, longest retry).
# The first check is when Urssaf is due to move the request: one hour to
# notify the client, the client's 48 hours, two days to debit, two days to
# pay. Retries double while the expected change is late.
_SCHEDULE = {
    "sent": (HOUR, 2 * HOUR, DAY),
    "waiting_client": (49 * HOUR, 6 * HOUR, DAY),
    "validated": (2 * DAY + HOUR, 12 * HOUR, 2 * DAY),
    "debited": (2 * DAY + HOUR, 12 * HOUR, 2 * DAY),
    "paid": (DAY, 2 * DAY, 16 * DAY),
    "unpaid": (DAY, 2 * DAY, 14 * DAY),
    "to_check": (HOUR, 2 * HOUR, DAY),
}


def next_check(state, *, now, since=None, checks_in_state=0):
    """When to ask Urssaf again about a request in ``state``; None = never.

    ``since``: when the request entered the state (default ``now``);
    ``checks_in_state``: checks already made in that state since then.
    """
    if state in FINAL or state not in _SCHEDULE:
        return None
    since = since or now
    first, retry, longest = _SCHEDULE[state]
    if checks_in_state <= 0:
        due = since + first
    else:
        due = now + min(retry * 2 ** (checks_in_state - 1), longest)
    if state == "paid":
        end = since + PAID_WATCH
        if now >= end:
            return None
        due = min(due, end)
    return max(due, now + datetime.timedelta(minutes=1))


RETRY_FIRST = datetime.timedelta(minutes=15)
RETRY_MAX = datetime.timedelta(hours=12)
# After a sending whose outcome is unknown, reconcile a little later.
RECONCILE_AFTER = datetime.timedelta(minutes=15)


def retry_delay(failures):
    """Back-off after ``failures`` consecutive failures: 15 min, 30 min, 1 h…
    up to 12 h, so that a long Urssaf outage costs few calls and is caught up
    within half a day of its end."""
    failures = max(0, min(int(failures or 0), 16))
    return min(RETRY_FIRST * (2**failures), RETRY_MAX)
