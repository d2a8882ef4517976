"""Who owes what under the avance immédiate, and what to book when; no ORM.

Money flow (Urssaf, API Tiers de prestation): the provider invoices the full
amount. Urssaf advances half of it as the client's tax credit (the *avance
immédiate*), debits the other half, the client's share (*reste à charge*),
from the client's account, and transfers the full amount less any deposit the
client already paid to the provider.

    total            = advance + client share
    client share     = deposit (paid to the provider before sending)
                       + share Urssaf debits
    Urssaf transfer  = total - deposit = advance + share Urssaf debits

The advance is half the total rounded half-up to the cent; the client's share
is the rest, so that the two always add up to the total.

Bookings on the provider's side, each made once per payment request:

* ``transfer``: Urssaf's transfer (``infoVirement``, once its date has come)
  is registered as the invoice's payment, whatever the status that carries it
  (70, or 60/111/112/120 when Urssaf paid before or despite an unpaid debit).
* ``clawback``: after an unpaid debit (60, then 111, 112 or 120) Urssaf takes
  the client's share back from the provider's account; booked only once the
  transfer is booked (nothing to take back otherwise). The share is then due
  by the client again, on the invoice.
* ``close``: 120 (recovered): the provider collected the share from the
  client directly; the follow-up of the claw-back ends.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ADVANCE_RATE = Decimal("0.5")

# Statuses after which Urssaf takes the client's share back.
CLAWBACK_CODES = frozenset({"60", "111", "112", "120"})
# Status closing the claw-back: the provider recovered the share itself.
CLOSING_CODES = frozenset({"120"})
# Statuses that may carry Urssaf's transfer (infoVirement).
TRANSFER_CODES = frozenset({"70", "90"}) | CLAWBACK_CODES

# States (urssaf.lifecycle) in which the request is (or may be) at Urssaf,
# which collects the invoice: the client must not pay the provider meanwhile.
# A queued request is not at Urssaf yet: a payment registered then is sent as
# a deposit.
LIVE_STATES = frozenset({"to_check", "sent", "waiting_client", "validated", "debited"})

# Expected delays of the normal path (urssaf.lifecycle's schedule): the
# client's 48 hours after notification, the debit two days after
# validation, the transfer two days after the debit.
_TO_TRANSFER = {
    "queued": datetime.timedelta(hours=49, days=4),
    "to_check": datetime.timedelta(hours=49, days=4),
    "sent": datetime.timedelta(hours=49, days=4),
    "waiting_client": datetime.timedelta(hours=48, days=4),
    "validated": datetime.timedelta(days=4),
    "debited": datetime.timedelta(days=2),
}


def cents(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Split:
    """The amounts of one invoice under the avance immédiate, in euros."""

    total: Decimal
    advance: Decimal
    client_share: Decimal
    deposit: Decimal
    client_debit: Decimal
    transfer: Decimal


def split(total, deposit=0) -> Split:
    """Split an invoice ``total`` (tax included), the client having already
    paid ``deposit`` to the provider."""
    total = cents(total)
    deposit = cents(deposit)
    advance = (total * ADVANCE_RATE).quantize(CENT, rounding=ROUND_HALF_UP)
    share = total - advance
    return Split(
        total=total,
        advance=advance,
        client_share=share,
        deposit=deposit,
        client_debit=share - deposit,
        transfer=total - deposit,
    )


def expected_transfer_date(state, since, transfer_date=None):
    """Date Urssaf's transfer is due (or was made), or None.

    ``since``: when the request entered ``state`` (a datetime).
    """
    if transfer_date:
        return transfer_date
    delay = _TO_TRANSFER.get(state)
    if delay is None or not since:
        return None
    return (since + delay).date()


def bookings(
    status_code,
    *,
    transfer_effective,
    transfer_booked,
    clawback_booked,
    closed,
):
    """What to book now for a request, in order: a tuple of ``"transfer"``,
    ``"clawback"``, ``"close"``; each appears only while not yet booked.

    ``transfer_effective``: Urssaf reported a transfer amount whose date has
    come.
    """
    code = str(status_code or "")
    actions = []
    transfer = transfer_booked
    if code in TRANSFER_CODES and transfer_effective and not transfer_booked:
        actions.append("transfer")
        transfer = True
    clawback = clawback_booked
    if code in CLAWBACK_CODES and transfer and not clawback_booked:
        actions.append("clawback")
        clawback = True
    if code in CLOSING_CODES and clawback and not closed:
        actions.append("close")
    return tuple(actions)
