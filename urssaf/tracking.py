"""Decisions about following payment requests, without any ORM.

* when to look at a payment request again (polling schedule),
* whether a request found at Urssaf is the one of an invoice (reconciliation),
* how to cut work into Urssaf-sized batches.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

# Local states of an invoice that no Urssaf event can change any more.
TERMINAL_STATES = frozenset({"refused", "cancelled", "recovered"})
# States in which the invoice is at Urssaf and its status must be followed.
TRACKED_STATES = frozenset(
    {"sent", "waiting_client", "validated", "debited", "paid", "unpaid", "to_check"}
)
# How long a paid request is still watched: an unpaid debit (60), a cancellation
# after unpaid (111/112) or a recovery (120) may still follow.
PAID_WATCH = datetime.timedelta(weeks=8)

_POLL_DELAYS = {
    "sent": datetime.timedelta(hours=1),
    "waiting_client": datetime.timedelta(hours=2),
    "validated": datetime.timedelta(hours=6),
    "debited": datetime.timedelta(hours=6),
    "unpaid": datetime.timedelta(days=1),
    "paid": datetime.timedelta(days=1),
    "to_check": datetime.timedelta(hours=1),
}


# Link status of a client: how soon to ask again, by local state.
_PARTICULIER_POLL_DELAYS = {
    "waiting": datetime.timedelta(hours=1),
    "not_finalised": datetime.timedelta(hours=6),
    "active": datetime.timedelta(days=7),
    "blocked": datetime.timedelta(days=1),
    "mandate_expired": datetime.timedelta(days=1),
    "error": datetime.timedelta(hours=6),
}


def particulier_next_check(state, now):
    """When to ask Urssaf again about a client's link; daily when unsure."""
    return now + _PARTICULIER_POLL_DELAYS.get(state, datetime.timedelta(days=1))


def next_check(state, now, paid_since=None):
    """When to ask Urssaf again about a request in ``state``; None = never."""
    if state in TERMINAL_STATES:
        return None
    if state == "paid" and paid_since and now - paid_since >= PAID_WATCH:
        return None
    delay = _POLL_DELAYS.get(state)
    return now + delay if delay else None


RETRY_FIRST = datetime.timedelta(minutes=15)
RETRY_MAX = datetime.timedelta(hours=12)


def retry_delay(failures):
    """Back-off after ``failures`` consecutive failures: 15 min, 30 min, 1 h…
    up to 12 h, so that a long Urssaf outage costs few calls and is caught up
    within half a day of its end."""
    failures = max(0, min(int(failures or 0), 16))
    return min(RETRY_FIRST * (2**failures), RETRY_MAX)


def chunks(items, size):
    """Consecutive slices of at most ``size`` items."""
    items = list(items)
    size = max(1, int(size))
    return [items[i : i + size] for i in range(0, len(items), size)]


def default_period(invoice_date):
    """Service period guessed from an invoice date: its month, up to that date."""
    if not invoice_date:
        return None, None
    start = invoice_date.replace(day=1)
    return start, invoice_date


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Match:
    """Outcome of looking for an invoice's payment request among search results."""

    found: object = None  # the PaymentRequestInfo adopted, if any
    conflict: str = ""  # why a request with this number is not ours


def _cents(value):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def find_match(infos, *, invoice_number, id_client, total_ttc):
    """Pick the request of this invoice: same number, same client, same total.

    A request with the same number but another client or amount is reported as
    a conflict: never adopt it, never send again over it.
    """
    candidates = [i for i in infos if i.invoice_number == invoice_number]
    if not candidates:
        return Match()
    expected_total = _cents(total_ttc)
    for info in candidates:
        same_client = not info.id_client or info.id_client == id_client
        same_total = info.total_ttc is None or _cents(info.total_ttc) == expected_total
        if same_client and same_total:
            return Match(found=info)
    other = candidates[0]
    return Match(
        conflict=(
            f"Une demande de paiement {other.request_id} existe déjà à l'Urssaf "
            f"sous le numéro {invoice_number}, pour un autre client ou un autre "
            "montant. Vérifiez avec l'Urssaf avant tout nouvel envoi."
        )
    )
