# Demo of the annual tax attestations, played after scripts/demo_scenario.py.
#
# Run inside `odoo shell` (which provides `env`) on the demo database. It sets
# the demo company's SAP declaration, names intervenants on the demo invoices,
# gives the clients a year of direct payments (one in CESU préfinancés, one
# credit note refunded) besides the invoices Urssaf paid, then generates the
# attestations of the year through the background job and prints a summary.
# ruff: noqa: F821
import datetime

from odoo import fields
from odoo.tests import Form

COMPANY = "Aide à Domicile Démo"


def main(env):
    env = env(user=env.ref("base.user_admin").id, su=True)
    company = env["res.company"].search([("name", "=", COMPANY)], limit=1)
    if not company:
        print("Demo attestations: play scripts/demo_scenario.py first.")
        return
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    attestation = env["l10n_fr_aici.tax.attestation"]
    if attestation.search_count([("company_id", "=", company.id)]):
        print("Demo attestations already generated.")
        return
    company.write(
        {
            "l10n_fr_aici_declaration_number": "SAP552100554",
            "l10n_fr_aici_declaration_date": datetime.date(2019, 9, 2),
        }
    )
    today = fields.Date.context_today(company)
    year = today.year

    intervenants = env["res.partner"].create(
        [
            {"name": "Alice Dupont", "ref": "INT-0001", "company_id": company.id},
            {"name": "Bruno Leroy", "ref": "INT-0002", "company_id": company.id},
        ]
    )
    invoices = env["account.move"].search(
        [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
        ],
        order="id",
    )
    # Lines of posted invoices are locked for most fields, not this one.
    for index, move in enumerate(invoices):
        move.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        ).l10n_fr_aici_intervenant_id = intervenants[index % 2]

    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    cesu_journal = env["account.journal"].create(
        {
            "name": "CESU préfinancés",
            "code": "CESU",
            "type": "bank",
            "company_id": company.id,
            "l10n_fr_aici_cesu": True,
        }
    )
    product = env["product.product"].search(
        [("company_id", "=", company.id), ("l10n_fr_aici_nature_code", "=", "60")],
        limit=1,
    )
    jeanne = env["res.partner"].search([("name", "=", "Jeanne Martin")], limit=1)
    paul = env["res.partner"].search([("name", "=", "Paul Durand")], limit=1)

    def month(count):
        first = today.replace(day=1)
        for _step in range(count):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        return first

    def invoice(partner, hours, first_day, intervenant, refund=False):
        form = Form(
            env["account.move"].with_context(
                default_move_type="out_refund" if refund else "out_invoice"
            )
        )
        form.partner_id = partner
        form.invoice_date = first_day + datetime.timedelta(days=27)
        form.l10n_fr_aici_intervenant_id = intervenant
        with form.invoice_line_ids.new() as line:
            line.product_id = product
            line.quantity = hours
            line.tax_ids.clear()
        move = form.save()
        move.action_post()
        return move

    def pay(move, amount, date, journal=bank):
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(
            {"journal_id": journal.id, "amount": amount, "payment_date": date}
        )._create_payments()

    # Months of the current year before the clients' activation: paid directly.
    first = month(5) if month(5).year == year else datetime.date(year, 1, 1)
    direct = invoice(jeanne, 6, first, intervenants[0])
    pay(direct, direct.amount_total, first + datetime.timedelta(days=30))
    with_cesu = invoice(paul, 5, first, intervenants[1])
    pay(with_cesu, 60.0, first + datetime.timedelta(days=31), cesu_journal)
    pay(
        with_cesu,
        with_cesu.amount_total - 60.0,
        first + datetime.timedelta(days=32),
    )
    credit = invoice(jeanne, 1, first, intervenants[0], refund=True)
    pay(credit, credit.amount_total, first + datetime.timedelta(days=35))

    clients = (jeanne | paul).filtered(lambda p: p.email)
    records = attestation._l10n_fr_aici_queue(clients, year, send_email=True)
    attestation._cron_aici_attestations()
    for record in records:
        print(
            f"Demo attestation {record.year} {record.partner_id.name} "
            f"v{record.version}: {record.state}, net {record.amount_net:.2f} "
            f"(paid {record.amount_gross:.2f}, avance immédiate "
            f"{record.amount_advance:.2f}, CESU {record.amount_cesu:.2f}) "
            f"-> {record.attachment_id.name}"
        )
    env.cr.commit()


main(env)
