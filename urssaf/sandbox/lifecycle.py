"""Status of a payment request, computed from its creation time, the outcomes set
through the control API and the sandbox clock.

Normal path: 10 at creation, 20 one hour later, 30 (tacit validation) 48 hours
after that, 50 two days after validation, 70 two days later (paid, with
``infoVirement``). Outcomes (stored as events, applied in order):

* ``refuse``: 40 from the moment it is set (with ``infoRejet``);
* ``cancel``: 110 from the moment it is set (with ``infoRejet``), also after 70;
* ``unpaid``: 60 one day after the debit (50) or when set if later; then 111
  (``then: "cancel"``) or 120 (``then: "recover"``) one day after that.
  With ``transfer: true`` Urssaf pays the provider in full all the same, at
  the moment the normal path would have reached 70 (``infoVirement`` then
  shows while the status stays 60, 111 or 120).

An outcome set on a request whose status is already final is refused.
"""

from datetime import timedelta

from ..catalogues import PAYMENT_STATUSES

TO_WAITING = timedelta(hours=1)
TO_VALIDATED = timedelta(hours=48)
TO_DEBITED = timedelta(days=2)
TO_PAID = timedelta(days=2)
TO_UNPAID = timedelta(days=1)
TO_UNPAID_END = timedelta(days=1)

FINAL = frozenset({"40", "110", "111", "112", "120"})
OUTCOMES = ("refuse", "unpaid", "cancel")
THEN = {"cancel": "111", "recover": "120"}


def base_timeline(created_at):
    waiting = created_at + TO_WAITING
    validated = waiting + TO_VALIDATED
    debited = validated + TO_DEBITED
    paid = debited + TO_PAID
    return [
        (created_at, "10", None),
        (waiting, "20", None),
        (validated, "30", None),
        (debited, "50", None),
        (paid, "70", None),
    ]


def timeline(created_at, events):
    """List of ``(moment, code, rejection)`` entries, in chronological order."""
    entries = base_timeline(created_at)
    debited = entries[3][0]
    for event in events:
        at = event["at"]
        kind = event["kind"]
        if status_in(entries, at) in FINAL:
            continue
        rejection = None
        if event.get("code"):
            rejection = {"code": event["code"]}
            if event.get("commentaire"):
                rejection["commentaire"] = event["commentaire"]
        if kind == "refuse":
            entries = _cut(entries, at) + [(at, "40", rejection)]
        elif kind == "cancel":
            entries = _cut(entries, at) + [(at, "110", rejection)]
        elif kind == "unpaid":
            unpaid_at = max(at, debited + TO_UNPAID)
            entries = _cut(entries, unpaid_at) + [(unpaid_at, "60", None)]
            final = THEN.get(event.get("then") or "")
            if final:
                entries.append((unpaid_at + TO_UNPAID_END, final, None))
    return entries


def _cut(entries, moment):
    return [entry for entry in entries if entry[0] <= moment]


def status_in(entries, moment):
    code = None
    for at, entry_code, _rejection in entries:
        if at <= moment:
            code = entry_code
    return code


def state(created_at, events, now, amount):
    """``{"code", "libelle", "infoRejet"?, "infoVirement"?}`` at ``now``."""
    entries = timeline(created_at, events)
    reached = [entry for entry in entries if entry[0] <= now] or entries[:1]
    _at, code, rejection = reached[-1]
    result = {"code": code, "libelle": PAYMENT_STATUSES.get(code, code)}
    if code in ("40", "110") and rejection:
        result["infoRejet"] = rejection
    paid = [entry[0] for entry in reached if entry[1] == "70"]
    paid += [
        moment
        for moment in _forced_transfer(created_at, events)
        if moment <= now and status_in(entries, moment) not in ("40", "110")
    ]
    if paid:
        result["infoVirement"] = {
            "mntVirement": amount,
            "dateVirement": min(paid).strftime("%Y-%m-%dT00:00:00Z"),
        }
    return result


def _forced_transfer(created_at, events):
    """When Urssaf pays despite an unpaid debit (``transfer: true``)."""
    if any(e["kind"] == "unpaid" and e.get("transfer") for e in events):
        return [base_timeline(created_at)[-1][0]]
    return []
