# Run by scripts/bench inside `odoo shell` (``env`` is given): N posted
# invoices sent and followed by the scheduled actions, against the local
# sandbox over HTTP. Prints one line per pass.
# ruff: noqa: F821
import collections
import datetime
import math
import os
import time

import requests

from odoo import fields

from odoo.addons.l10n_fr_aici.tests.common import AiciSandboxMixin

N = int(os.environ["AICI_BENCH_N"])
SANDBOX = os.environ["AICI_BENCH_SANDBOX"]
SAMPLE = 200  # requests followed over a whole simulated lifecycle


def control(method, path, json=None):
    response = requests.request(method, SANDBOX + path, json=json, timeout=60)
    response.raise_for_status()
    return response.json() if response.content else None


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


for _attempt in range(60):
    try:
        control("GET", "/_sandbox/clock")
        break
    except requests.RequestException:
        time.sleep(0.5)

company = env.company
euro = env.ref("base.EUR")
euro.active = True
company.write(
    {
        "currency_id": euro.id,
        "country_id": env.ref("base.fr").id,
        "l10n_fr_aici_environment": "custom",
        "l10n_fr_aici_api_base_url": SANDBOX,
        "l10n_fr_aici_client_id": "bench-client",
        "l10n_fr_aici_client_secret": "bench-secret",
        "l10n_fr_aici_nova_number": "552100554",
        "l10n_fr_aici_auto_send": True,
    }
)
today = datetime.date.today()
period_end = today.replace(day=1) - datetime.timedelta(days=1)
period_start = period_end.replace(day=1)
partners = env["res.partner"]
for _index in range(20):
    partners |= env["res.partner"].create(AiciSandboxMixin.client_values())
env["l10n_fr_aici.enrolment.wizard"].with_context(
    active_model="res.partner", active_ids=partners.ids
).create({"confirm_checked": True}).action_enrol()
for partner in partners:
    control(
        "POST",
        f"/_sandbox/particulier/{partner.l10n_fr_aici_id_client}/activate",
        {"at": f"{period_start.isoformat()}T00:00:00Z"},
    )
partners._l10n_fr_aici_refresh_status()
assert set(partners.mapped("l10n_fr_aici_state")) == {"active"}, partners.mapped(
    "l10n_fr_aici_state"
)
product = env["product.product"].create(
    {
        "name": "Ménage",
        "type": "service",
        "uom_id": env.ref("uom.product_uom_hour").id,
        "uom_po_id": env.ref("uom.product_uom_hour").id,
        "taxes_id": [fields.Command.clear()],
        "l10n_fr_aici_nature_code": "60",
    }
)
env.cr.commit()

started = time.perf_counter()
for first in range(0, N, 500):
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partners[index % len(partners)].id,
                "invoice_date": period_end,
                "currency_id": euro.id,
                "l10n_fr_aici_period_start": period_start,
                "l10n_fr_aici_period_end": period_end,
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 4 + index % 7,
                            "price_unit": 22.0,
                            "tax_ids": [fields.Command.clear()],
                        }
                    )
                ],
            }
            for index in range(first, min(first + 500, N))
        ]
    )
    moves.action_post()
    env.cr.commit()
Request = env["l10n_fr_aici.payment.request"]
queued = Request.search_count([("state", "=", "queued")])
print(
    f"Benchmark: {N} posted invoices of {len(partners)} enrolled clients, "
    f"{queued} requests queued ({time.perf_counter() - started:.0f} s to create)"
)
assert queued == N


def run_cron(xmlid):
    """The cron runner's loop: run while the job reports work remaining."""
    cron = env.ref(xmlid)
    cron = cron.with_user(cron.user_id)
    runs = 0
    while True:
        cron_p, progress = cron._add_progress()
        env.cr.commit()
        cron_p._callback(cron.cron_name, cron.ir_actions_server_id.id)
        env.cr.commit()
        runs += 1
        if not (progress.done and progress.remaining):
            return runs


def measure(label, xmlid, count):
    control("DELETE", "/_sandbox/calls")
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    runs = run_cron(xmlid)
    elapsed = time.perf_counter() - started
    queries = env.cr.sql_log_count - queries
    calls = collections.Counter(
        c["operation"] for c in control("GET", "/_sandbox/calls")
    )
    business = sum(n for op, n in calls.items() if op != "token")
    ratio = business / math.ceil(count / 10)
    by_op = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
    print(
        f"{label:<28} HTTP {by_op} (x{ratio:.2f} of ceil(N/10)) | "
        f"SQL {queries / count:.1f}/invoice | {elapsed:.1f} s | {runs} cron runs"
    )


measure("send", "l10n_fr_aici.ir_cron_aici_send", N)
states = collections.Counter(Request.search([]).mapped("state"))
assert states == {"sent": N}, states
moves = env["account.move"].search([("l10n_fr_aici_request_id", "!=", False)])
assert set(moves.mapped("l10n_fr_aici_state")) == {"sent"}


def all_due():
    env.cr.execute(
        "UPDATE l10n_fr_aici_payment_request SET next_check = now() at time zone "
        "'UTC' - interval '1 minute' WHERE urssaf_id IS NOT NULL"
    )
    env.cr.commit()
    env.invalidate_all()


all_due()
measure("refresh, no status change", "l10n_fr_aici.ir_cron_aici_refresh_status", N)
control("POST", "/_sandbox/clock", {"advance": 2 * 3600})
all_due()
measure("refresh, status changed", "l10n_fr_aici.ir_cron_aici_refresh_status", N)
states = collections.Counter(Request.search([]).mapped("state"))
assert states == {"waiting_client": N}, states

# A whole lifecycle on a sample, both clocks moved hour by hour: the
# sandbox's and Odoo's (the jobs read fields.Datetime.now()).
sample = Request.search([], limit=SAMPLE, order="id")
env.cr.execute(
    "UPDATE l10n_fr_aici_payment_request SET next_check = NULL WHERE id NOT IN %s",
    [tuple(sample.ids)],
)
# A quarter of them: the debit comes back unpaid five weeks after payment.
late_unpaid_at = min(sample.mapped("sent_date")) + datetime.timedelta(days=6 + 35)
late_unpaid = sample[: SAMPLE // 4]
env.cr.execute("UPDATE l10n_fr_aici_payment_request SET check_count = 0")
env.cr.commit()
env.invalidate_all()
real_now = fields.Datetime.now
clock = [real_now()]
fields.Datetime.now = staticmethod(lambda *args, **kwargs: clock[0])
control("DELETE", "/_sandbox/calls")
try:
    for _hour in range(75 * 24):
        clock[0] += datetime.timedelta(hours=1)
        control("POST", "/_sandbox/clock", {"now": iso(clock[0])})
        if late_unpaid and clock[0] >= late_unpaid_at:
            for request in late_unpaid:
                control(
                    "POST",
                    f"/_sandbox/demandePaiement/{request.urssaf_id}/outcome",
                    {"outcome": "unpaid"},
                )
            late_unpaid = late_unpaid.browse()
        run_cron("l10n_fr_aici.ir_cron_aici_refresh_status")
finally:
    fields.Datetime.now = real_now
env.invalidate_all()
counts = sample.mapped("check_count")
final = collections.Counter(sample.mapped("state"))
searches = sum(
    1 for c in control("GET", "/_sandbox/calls") if c["operation"] == "search"
)
print(
    f"lifecycle of {len(sample)} requests over 75 days: status checks per request "
    f"mean {sum(counts) / len(counts):.1f}, max {max(counts)} "
    f"({searches} searches); final states {dict(final)}"
)
