# Demo data of `scripts/run`, played through the real local sandbox.
#
# Run inside `odoo shell` (which provides `env`) once the add-on is installed and
# the sandbox listens on SANDBOX_URL. It creates a French SAP company, enrols
# clients and sends invoices over real HTTP, steering the sandbox's control API
# so that every client and invoice state of the add-on can be seen.
# ruff: noqa: F821
import datetime
import json
import urllib.request

from odoo import fields
from odoo.tests import Form

from odoo.addons.l10n_fr_aici.odoo_series import (
    partner_mobile_field,
    product_uom_values,
)

SANDBOX_URL = "http://127.0.0.1:8099"
CLIENT_ID, CLIENT_SECRET = "demo-client", "demo-secret"


def control(method, path, body=None):
    request = urllib.request.Request(
        SANDBOX_URL + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def months_back(count):
    """First and last day of the month ``count`` months before this one."""
    first = datetime.date.today().replace(day=1)
    for _step in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def main(env):
    # The French company set by scripts/demo_company.py before the accounting
    # was installed: French chart of accounts (PCG) and French VAT.
    company = env.ref("base.main_company")
    if env["res.partner"].search_count([("l10n_fr_aici_id_client", "!=", False)]):
        print("Demo scenario already played.")
        return
    euro = company.currency_id
    chart = env["account.chart.template"].with_company(company)
    vat_10 = chart.ref("tva_intermediaire_encaissement")  # services, 10 %
    vat_20 = chart.ref("tva_normale_encaissement")  # services, 20 %
    vat_10.active = True  # the French chart ships the 10 % rates inactive
    company.write(
        {
            "l10n_fr_aici_environment": "custom",
            "l10n_fr_aici_api_base_url": SANDBOX_URL,
            "l10n_fr_aici_client_id": CLIENT_ID,
            "l10n_fr_aici_client_secret": CLIENT_SECRET,
            "l10n_fr_aici_nova_number": "552100554",
            "l10n_fr_aici_payment_journal_id": env["account.journal"]
            .search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
            .id,
        }
    )
    # The first screen after login is the add-on's own menu.
    home = env.ref("l10n_fr_aici.account_move_action_aici")
    env.ref("base.user_admin").action_id = home.id
    # Played as the administrator (not OdooBot): the chatter, "Enrolled by"
    # and the activities read as on a real database.
    env = env(
        user=env.ref("base.user_admin").id,
        su=True,
        context=dict(env.context, allowed_company_ids=[company.id]),
    )

    hour = env.ref("uom.product_uom_hour")
    products = {}
    for key, name, nature, price, hourly, tax in (
        ("menage", "Ménage à domicile", "60", 24.0, True, vat_10),
        ("jardin", "Petits travaux de jardinage", "70", 30.0, True, vat_10),
        ("soutien", "Soutien scolaire", "100", 35.0, True, vat_10),
        ("info", "Assistance informatique (forfait)", "160", 60.0, False, vat_20),
        ("divers", "Frais de dossier", False, 15.0, False, vat_20),
    ):
        values = {
            "name": name,
            "type": "service",
            "list_price": price,
            "l10n_fr_aici_nature_code": nature,
            "taxes_id": [fields.Command.set(tax.ids)],
            "company_id": company.id,
        }
        if hourly:
            values.update(product_uom_values(env, hour))
        products[key] = env["product.product"].create(values)

    def client(first, last, suffix, **extra):
        values = {
            "name": f"{first} {last}",
            "is_company": False,
            "street": f"{suffix} rue de la Charité",
            "zip": "69002",
            "city": "Lyon",
            "country_id": env.ref("base.fr").id,
            "email": f"{first.lower()}.{last.lower()}@example.fr".replace("é", "e"),
            "l10n_fr_aici_civility": extra.pop("civility", "2"),
            "l10n_fr_aici_birth_name": last.upper(),
            "l10n_fr_aici_first_names": first,
            "l10n_fr_aici_birth_date": extra.pop("birth", datetime.date(1975, 5, 17)),
            "l10n_fr_aici_birth_country_code": "99100",
            "l10n_fr_aici_birth_commune_code": "69123",
            "l10n_fr_aici_birth_commune_label": "LYON",
            "l10n_fr_aici_mobile": f"06123456{suffix:02d}",
            "l10n_fr_aici_email": f"{first.lower()}.{last.lower()}@example.fr".replace(
                "é", "e"
            ),
            "l10n_fr_aici_street_number": str(suffix),
            "l10n_fr_aici_street_type": "R",
            "l10n_fr_aici_street_label": "de la Charité",
            "l10n_fr_aici_commune_code": "69382",
            "l10n_fr_aici_commune_label": "LYON 02",
            "l10n_fr_aici_zip": "69002",
            "l10n_fr_aici_country_code": "99100",
            "l10n_fr_aici_iban": "FR7630006000011234567890189",
            "l10n_fr_aici_bic": "BNAPFRPPXXX",
            "l10n_fr_aici_bank_holder": f"{first} {last}",
            "l10n_fr_aici_data_checked": True,
        }
        values.update(extra)
        return env["res.partner"].create(values)

    people = {
        "jeanne": client("Jeanne", "Martin", 1),
        "paul": client("Paul", "Durand", 2, civility="1"),
        "sophie": client("Sophie", "Bernard", 3),
        "louis": client("Louis", "Petit", 4, civility="1"),
        "claire": client("Claire", "Moreau", 5),
        "henri": client("Henri", "Laurent", 6, civility="1"),
        "emilie": client("Émilie", "Roux", 7),
    }
    # Pre-filled from the contact only: problems to fix before enrolment.
    marc = env["res.partner"].create(
        {
            "name": "Marc FOURNIER",
            "street": "5 bis avenue Jean Jaurès",
            "zip": "69007",
            "city": "Lyon",
            "email": "marc+sap@example.fr",
            partner_mobile_field(env): "06 98 76 54 32",
        }
    )
    marc.action_aici_prefill()

    to_enrol = [
        people[k] for k in ("jeanne", "paul", "sophie", "louis", "claire", "henri")
    ]
    wizard = (
        env["l10n_fr_aici.enrolment.wizard"]
        .with_company(company)
        .create(
            {
                "partner_ids": [fields.Command.set([p.id for p in to_enrol])],
                "confirm_checked": True,
            }
        )
    )
    wizard.action_enrol()
    # Activated the evening before the first month invoiced: Urssaf accepts a
    # period only from the day after the activation instant.
    activation = datetime.datetime.combine(
        months_back(3)[0] - datetime.timedelta(days=1), datetime.time(17, 0)
    )
    for key in ("jeanne", "paul", "louis", "claire", "henri"):
        control(
            "POST",
            f"/_sandbox/particulier/{people[key].l10n_fr_aici_id_client}/activate",
            {"at": iso(activation)},
        )
    for key, code in (
        ("louis", "APPAREILLAGE_NF"),
        ("claire", "PARTICULIER_BLOQUE"),
        ("henri", "MANDAT_ECHU"),
    ):
        control(
            "POST",
            f"/_sandbox/particulier/{people[key].l10n_fr_aici_id_client}/status",
            {"code": code},
        )
    # Sophie waits for activation: enrolled a week ago, the reminder fires.
    people["sophie"].l10n_fr_aici_enrolment_date = (
        fields.Datetime.now() - datetime.timedelta(days=7)
    )
    env["res.partner"].browse([p.id for p in to_enrol])._l10n_fr_aici_refresh_status()
    ghost = client("Thomas", "Garnier", 8)
    ghost.write(
        {
            "l10n_fr_aici_id_client": "00000000-0000-4000-8000-000000000000",
            "l10n_fr_aici_company_id": company.id,
            "l10n_fr_aici_state": "waiting",
        }
    )
    ghost._l10n_fr_aici_refresh_status()  # unknown at Urssaf: error
    env["res.partner"]._l10n_fr_aici_alert_long_waits()

    def invoice(partner, lines, months=2):
        start, end = months_back(months)
        form = Form(env["account.move"].with_context(default_move_type="out_invoice"))
        form.partner_id = partner
        form.invoice_date = end
        form.currency_id = euro
        for product, quantity in lines:
            with form.invoice_line_ids.new() as line:
                line.product_id = product
                line.quantity = quantity
        move = form.save()
        move.write({"l10n_fr_aici_period_start": start, "l10n_fr_aici_period_end": end})
        move.action_post()
        return move

    jeanne, paul = people["jeanne"], people["paul"]
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)

    def send_at(moves, days_ago, fault=None):
        control(
            "POST",
            "/_sandbox/clock",
            {"now": iso(now - datetime.timedelta(days=days_ago))},
        )
        if fault:
            control("POST", "/_sandbox/faults", fault)
        moves._l10n_fr_aici_submit()

    paid = invoice(jeanne, [(products["menage"], 12)], months=3)
    recovered = invoice(paul, [(products["jardin"], 6)], months=3)
    send_at(paid | recovered, 9)
    control(
        "POST",
        f"/_sandbox/demandePaiement/{recovered.l10n_fr_aici_request_id.urssaf_id}/outcome",
        {"outcome": "unpaid", "then": "recover"},
    )
    unpaid = invoice(jeanne, [(products["soutien"], 8)], months=2)
    send_at(unpaid, 5.5)
    control(
        "POST",
        f"/_sandbox/demandePaiement/{unpaid.l10n_fr_aici_request_id.urssaf_id}/outcome",
        {"outcome": "unpaid"},
    )
    validated = invoice(paul, [(products["menage"], 10), (products["info"], 1)])
    refused = invoice(jeanne, [(products["jardin"], 4)])
    cancelled = invoice(paul, [(products["soutien"], 5)])
    send_at(validated | refused | cancelled, 2.5)
    control(
        "POST",
        f"/_sandbox/demandePaiement/{refused.l10n_fr_aici_request_id.urssaf_id}/outcome",
        {
            "outcome": "refuse",
            "code": "REGUL_NB_QTE_FACT",
            "commentaire": "Seulement 3 heures effectuées.",
        },
    )
    control(
        "POST",
        f"/_sandbox/demandePaiement/{cancelled.l10n_fr_aici_request_id.urssaf_id}/outcome",
        {"outcome": "cancel", "code": "ANNUL_ERR_MNT"},
    )
    waiting = invoice(jeanne, [(products["menage"], 6)], months=1)
    send_at(waiting, 0.2)
    sent = invoice(paul, [(products["menage"], 3)], months=1)
    send_at(sent, 0)
    lost = invoice(jeanne, [(products["info"], 2)], months=1)
    send_at(lost, 0, {"operation": "submit", "kind": "drop_after_commit"})
    rejected = invoice(paul, [(products["jardin"], 2)], months=1)
    send_at(
        rejected,
        0,
        {"operation": "submit", "kind": "business_error", "code": "ERR_CMPT_BLOQUE"},
    )
    control("POST", "/_sandbox/clock", {"now": iso(now)})
    control("DELETE", "/_sandbox/faults")
    invoice(jeanne, [(products["menage"], 9)], months=1)  # ready to send
    invoice(paul, [(products["divers"], 1)], months=1)  # no nature: blocked
    invoice(people["sophie"], [(products["menage"], 2)], months=1)  # not active

    # ------------------------------------------------------------------
    # Who owes what (issue 12): the split with VAT 10 % and 20 %, a deposit,
    # Urssaf's transfers, an unpaid debit after payment with its claw-back
    # booked, and a status jumping 50 -> 60 -> 111 between two refreshes.
    def money_at(days_ago):
        control(
            "POST",
            "/_sandbox/clock",
            {"now": iso(now - datetime.timedelta(days=days_ago))},
        )

    def refresh(moves):
        moves.l10n_fr_aici_request_id._l10n_fr_aici_refresh()

    def outcome(move, **body):
        urssaf_id = move.l10n_fr_aici_request_id.urssaf_id
        control("POST", f"/_sandbox/demandePaiement/{urssaf_id}/outcome", body)

    vat = {}
    for rate in (10, 20):
        vat[rate] = env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("amount", "=", rate),
                ("price_include", "=", False),
            ],
            limit=1,
        ) or env["account.tax"].create(
            {"name": f"TVA {rate} %", "amount": rate, "company_id": company.id}
        )
    start, end = months_back(2)
    form = Form(env["account.move"].with_context(default_move_type="out_invoice"))
    form.partner_id = paul
    form.invoice_date = end
    form.currency_id = euro
    for product, quantity, rate in (
        (products["menage"], 11, 10),
        (products["info"], 1, 20),
    ):
        with form.invoice_line_ids.new() as line:
            line.product_id = product
            line.quantity = quantity
            line.tax_ids.clear()
            line.tax_ids.add(vat[rate])
    taxed = form.save()
    taxed.write({"l10n_fr_aici_period_start": start, "l10n_fr_aici_period_end": end})
    taxed.action_post()
    with_deposit = invoice(jeanne, [(products["menage"], 10)])
    cash = env["account.journal"].search(
        [("type", "=", "cash"), ("company_id", "=", company.id)], limit=1
    )
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=with_deposit.ids
    ).create({"journal_id": cash.id, "amount": 80.0})._create_payments()
    clawed = invoice(paul, [(products["soutien"], 6)])
    jumped = invoice(jeanne, [(products["jardin"], 5)])
    send_at(taxed | with_deposit | clawed, 9)
    send_at(jumped, 8)
    outcome(jumped, outcome="unpaid", then="cancel", transfer=True)
    money_at(3.5)
    refresh(jumped)  # 50: debited
    money_at(1)
    refresh(taxed | with_deposit | clawed)  # 70: paid, transfers registered
    outcome(clawed, outcome="unpaid")
    money_at(0)
    refresh(clawed | jumped)  # 60 and 111: claw-backs booked
    print(
        "Demo money:",
        ", ".join(
            f"{m.name} {m.l10n_fr_aici_state} residual {m.amount_residual:.2f}"
            for m in taxed | with_deposit | clawed | jumped
        ),
    )
    # ------------------------------------------------------------------
    # No dead ends (issue 10): a refusal corrected by a credit note and a new
    # draft invoice, and an invoice the client pays directly.
    corrected = invoice(paul, [(products["menage"], 8)])
    send_at(corrected, 2.5)
    outcome(
        corrected,
        outcome="refuse",
        code="REGUL_MNT_FACT",
        commentaire="Le taux horaire convenu est de 24 €.",
    )
    money_at(0)
    refresh(corrected)
    corrected.action_l10n_fr_aici_correct()
    outside = invoice(jeanne, [(products["jardin"], 2)], months=1)
    outside._l10n_fr_aici_exclude("Mme Martin règle cette facture par chèque.")
    # ------------------------------------------------------------------
    env["l10n_fr_aici.payment.request"].search(
        [("company_id", "=", company.id)]
    )._l10n_fr_aici_refresh()
    states = sorted(set(env["account.move"].search(
        [("company_id", "=", company.id)]).mapped("l10n_fr_aici_state")))  # fmt: skip
    print("Demo invoices by state:", ", ".join(states))
    print("Demo clients by state:", ", ".join(sorted(set(
        env["res.partner"].search([("l10n_fr_aici_state", "!=", False)]).mapped(
            "l10n_fr_aici_state")))))  # fmt: skip
    env.cr.commit()


main(env)
