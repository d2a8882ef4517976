"""Decisions about following payment requests, without any ORM.

* when to look at a client's link again (the payment requests follow
  :mod:`.lifecycle`),
* whether a request found at Urssaf is the one of an invoice (reconciliation),
* how to cut work into Urssaf-sized batches.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

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
