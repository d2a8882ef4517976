"""Who owes what: the split, the deposit, the payment guard, the claw-back of
an unpaid debit, the transfers view and the printed invoice."""

import datetime
import shutil
import subprocess

from lxml import etree

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import AiciSandboxCase, last_month

DAY = 24 * 3600
STAMP = "%Y-%m-%dT%H:%M:%SZ"


@tagged("post_install", "-at_install")
class TestMoney(AiciSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.service_product()
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.bank = cls.env["account.journal"].search(
            [
                ("type", "in", ("bank", "cash")),
                ("company_id", "=", cls.company.id),
                ("id", "!=", cls.journal.id),
            ],
            limit=1,
        ) or cls.env["account.journal"].create(
            {
                "name": "Caisse",
                "type": "cash",
                "code": "CSH9",
                "company_id": cls.company.id,
            }
        )
        cls.company.l10n_fr_aici_payment_journal_id = cls.journal
        cls.vat = {
            rate: cls.env["account.tax"].create(
                {
                    "name": f"TVA {rate} % (test)",
                    "amount": rate,
                    "type_tax_use": "sale",
                    "company_id": cls.company.id,
                }
            )
            for rate in (10, 20)
        }

    def setUp(self):
        super().setUp()
        self.client = self.active_client()

    # ------------------------------------------------------------- helpers
    def sandbox_now(self, moment):
        self.sandbox.control(
            "POST", "/_sandbox/clock", json={"now": f"{moment:{STAMP}}"}
        )

    def utcnow(self):
        return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)

    def taxed_invoice(self, lines, partner=None):
        start, end = last_month()
        form = Form(
            self.env["account.move"].with_context(default_move_type="out_invoice")
        )
        form.partner_id = partner or self.client
        form.invoice_date = end
        for quantity, price, rate in lines:
            with form.invoice_line_ids.new() as line:
                line.product_id = self.product
                line.quantity = quantity
                line.price_unit = price
                line.tax_ids.clear()
                if rate:
                    line.tax_ids.add(self.vat[rate])
        move = form.save()
        move.write({"l10n_fr_aici_period_start": start, "l10n_fr_aici_period_end": end})
        move.action_post()
        return move

    def pay(self, moves, amount=None, user=None, **values):
        wizard = (
            self.env["account.payment.register"]
            .with_user(user or self.env.user)
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create(
                dict(
                    {"journal_id": self.bank.id, "group_payment": False},
                    **({"amount": amount} if amount is not None else {}),
                    **values,
                )
            )
        )
        return wizard._create_payments()

    def split_of(self, move):
        return (
            move.l10n_fr_aici_amount_sent,
            move.l10n_fr_aici_amount_advance,
            move.l10n_fr_aici_amount_client,
            move.l10n_fr_aici_amount_deposit,
            move.l10n_fr_aici_amount_debit,
            move.l10n_fr_aici_transfer_amount,
        )

    def client_open_amount(self):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.client.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def set_outcome(self, move, **body):
        self.sandbox.control(
            "POST",
            f"/_sandbox/demandePaiement/{move.l10n_fr_aici_request_id.urssaf_id}/outcome",
            json=body,
        )

    # --------------------------------------------------------------- split
    def test_split_with_vat_10_and_20(self):
        # 12 h at 22.00 with VAT 10 %, 3 at 33.33 with VAT 20 %:
        # 264.00 + 26.40 + 99.99 + 20.00 (19.998) = 410.39
        move = self.taxed_invoice([(12, 22.0, 10), (3, 33.33, 20)])
        self.assertEqual(move.amount_total, 410.39)
        self.assertEqual(move.l10n_fr_aici_state, "ready")
        # Advance: half, rounded half-up to the cent; the client the rest.
        self.assertEqual(
            self.split_of(move), (410.39, 205.20, 205.19, 0.0, 205.19, 410.39)
        )
        self.assertEqual(move.l10n_fr_aici_service_month, last_month()[0])
        self.assertFalse(move.l10n_fr_aici_transfer_done)
        move.with_user(self.accountant).action_aici_send()
        request = move.l10n_fr_aici_request_id
        self.assertEqual(move.l10n_fr_aici_state, "sent")
        self.assertEqual(
            (
                request.amount_total,
                request.advance_amount,
                request.client_share,
                request.client_debit,
                request.transfer_expected,
            ),
            (410.39, 205.20, 205.19, 205.19, 410.39),
        )
        # Expected: the client's 48 hours, the debit, the transfer.
        self.assertEqual(
            move.l10n_fr_aici_transfer_date,
            (request.state_date + datetime.timedelta(hours=49, days=4)).date(),
        )
        # 20 % only, an odd total: 100.01 HT -> 120.01 TTC.
        odd = self.taxed_invoice([(1, 100.01, 20)])
        self.assertEqual(odd.amount_total, 120.01)
        self.assertEqual(self.split_of(odd), (120.01, 60.01, 60.0, 0.0, 60.0, 120.01))
        # Not applicable: no split.
        stranger = self.taxed_invoice(
            [(1, 50.0, 20)], partner=self.env["res.partner"].create({"name": "Autre"})
        )
        self.assertEqual(self.split_of(stranger), (0.0, 0.0, 0.0, 0.0, 0.0, 0.0))

    def test_analysis_by_service_month(self):
        move = self.taxed_invoice([(12, 22.0, 10)])
        groups = self.env["account.move"].read_group(
            [("id", "=", move.id)],
            ["l10n_fr_aici_amount_advance:sum", "l10n_fr_aici_amount_client:sum"],
            ["l10n_fr_aici_service_month:month"],
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["l10n_fr_aici_amount_advance"], 145.2)
        self.assertEqual(groups[0]["l10n_fr_aici_amount_client"], 145.2)
        pivot = self.env.ref("l10n_fr_aici.account_move_view_pivot_aici")
        arch = self.env["account.move"].get_view(pivot.id, "pivot")["arch"]
        self.assertIn('name="l10n_fr_aici_service_month"', arch)
        self.assertIn('name="l10n_fr_aici_amount_advance"', arch)

    # -------------------------------------------------------------- deposit
    def test_deposit_is_sent_and_split(self):
        move = self.invoice(self.client)  # 264.00, no VAT
        self.pay(move, amount=100.0)
        self.assertEqual(move.payment_state, "partial")
        self.assertEqual(self.split_of(move), (264.0, 132.0, 132.0, 100.0, 32.0, 164.0))
        move.with_user(self.accountant).action_aici_send()
        self.assertEqual(move.l10n_fr_aici_state, "sent")
        sent = [
            r
            for r in self.sandbox.control("GET", "/_sandbox/demandePaiement")
            if r["numFactureTiers"] == move.name
        ]
        self.assertEqual(len(sent), 1)
        request = move.l10n_fr_aici_request_id
        self.assertEqual((request.deposit_amount, request.client_debit), (100.0, 32.0))
        self.assertEqual(request.deposit_date, fields.Date.context_today(move))

    def test_deposit_above_half_is_refused_before_sending(self):
        move = self.invoice(self.client)
        self.pay(move, amount=150.0)
        self.reset_calls()
        with self.assertRaises(UserError) as error:
            move.with_user(self.accountant).action_aici_send()
        self.assertIn("50 %", str(error.exception))
        self.assertEqual(self.sandbox_calls("submit"), [])
        self.assertFalse(move.l10n_fr_aici_request_id)

    def test_credit_note_is_no_deposit(self):
        move = self.invoice(self.client)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "date": move.invoice_date})
            .refund_moves()
        )
        refund = self.env["account.move"].browse(reversal["res_id"])
        refund.invoice_line_ids[0].price_unit = 5.0
        refund.action_post()
        if not refund.line_ids.filtered("reconciled"):
            (refund + move).line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).reconcile()
        self.assertEqual(move.amount_residual, 204.0)  # 264 - 12 x 5
        with self.assertRaises(UserError) as error:
            move.with_user(self.accountant).action_aici_send()
        self.assertIn("credit note", str(error.exception))

    # ---------------------------------------------------------------- guard
    def test_no_client_payment_while_urssaf_collects(self):
        move = self.invoice(self.client)
        other = self.invoice(self.client)
        move.with_user(self.accountant).action_aici_send()
        self.assertTrue(move.l10n_fr_aici_live)
        self.assertFalse(other.l10n_fr_aici_live)
        # "Pay" is not offered on the form.
        arch = etree.fromstring(
            self.env["account.move"].get_view(
                self.env.ref("account.view_move_form").id, "form"
            )["arch"]
        )
        for button in arch.xpath("//button[@name='action_register_payment']"):
            self.assertIn("l10n_fr_aici_live", button.get("invisible"))
        # The wizard, from the invoice or in batch from the list, stops.
        for moves in (move, move + other):
            with self.assertRaises(UserError) as error:
                self.pay(moves, user=self.accountant)
            self.assertIn("collected twice", str(error.exception))
        self.assertEqual(move.payment_state, "not_paid")
        # A plain accountant cannot force.
        with self.assertRaises(UserError):
            self.pay(
                move,
                user=self.accountant,
                l10n_fr_aici_force=True,
                l10n_fr_aici_force_reason="Paid by cheque",
            )
        # An outstanding payment of the client is not offered, nor accepted.
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.client.id,
                "amount": 50.0,
                "journal_id": self.bank.id,
            }
        )
        payment.action_post()
        move.invalidate_recordset()
        self.assertFalse(move.invoice_has_outstanding)
        self.assertTrue(other.invoice_has_outstanding)
        line = payment.move_id.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        with self.assertRaises(UserError):
            move.js_assign_outstanding_line(line.id)
        # A manager forces, with a reason kept in the chatter.
        with self.assertRaises(UserError):
            self.pay(move, user=self.manager, l10n_fr_aici_force=True)
        self.pay(
            move,
            amount=132.0,
            user=self.manager,
            l10n_fr_aici_force=True,
            l10n_fr_aici_force_reason="Paid by cheque on the 3rd",
        )
        self.assertEqual(move.payment_state, "partial")
        self.assertIn(
            "Paid by cheque on the 3rd", " ".join(move.message_ids.mapped("body"))
        )
        # An invoice not at Urssaf is paid as usual.
        self.pay(other, user=self.accountant)
        self.assertIn(other.payment_state, ("paid", "in_payment"))

    # ------------------------------------------------------------ claw-back
    def older_client(self):
        """A client active since the start of the month before last."""
        client = self.env["res.partner"].create(self.client_values())
        self.enrol(client)
        start = datetime.datetime.combine(last_month(2)[0], datetime.time())
        self.activate(client, at=start)
        return client

    def sent_days_ago(self, days, partner=None):
        start, end = last_month(2)
        partner = partner or self.client
        move = self.invoice(partner, period=(start, end))
        self.sandbox_now(self.utcnow() - datetime.timedelta(days=days))
        move.with_user(self.accountant).action_aici_send()
        return move

    def test_unpaid_debit_jumping_50_60_111_is_booked_once(self):
        client = self.client = self.older_client()
        move = self.sent_days_ago(8)
        self.set_outcome(move, outcome="unpaid", then="cancel", transfer=True)
        sent_at = self.utcnow() - datetime.timedelta(days=8)
        # First refresh: debited (50).
        self.sandbox_now(sent_at + datetime.timedelta(days=4, hours=2))
        move.with_user(self.accountant).action_aici_refresh()
        self.assertEqual(move.l10n_fr_aici_request_id.status_code, "50")
        self.assertEqual(move.payment_state, "not_paid")
        # Second refresh, today: 60 then 111 happened meanwhile; Urssaf had paid.
        self.sandbox_now(self.utcnow())
        move.with_user(self.accountant).action_aici_refresh()
        request = move.l10n_fr_aici_request_id
        self.assertEqual(
            (request.status_code, move.l10n_fr_aici_state), ("111", "cancelled")
        )
        self.assertEqual(request.payment_id.amount, 264.0)
        self.assertEqual(request.payment_id.journal_id, self.journal)
        clawback = request.clawback_payment_id
        self.assertTrue(clawback)
        self.assertEqual(
            (clawback.amount, clawback.payment_type, clawback.journal_id),
            (132.0, "outbound", self.journal),
        )
        self.assertIn(request.urssaf_id, clawback.memo)
        # The client's share is due again, on the invoice and on the client.
        self.assertEqual(move.amount_residual, 132.0)
        self.assertEqual(move.payment_state, "partial")
        self.assertEqual(self.client_open_amount(), 132.0)
        # Urssaf's net payment: the advance, in the outstanding accounts.
        payments = request.payment_id + clawback
        self.assertEqual(
            sum(
                payments.move_id.line_ids.filtered(
                    lambda line: line.account_id in payments.outstanding_account_id
                ).mapped("balance")
            ),
            132.0,
        )
        # What to do, for the responsible user, in one activity.
        self.assertEqual(len(move.activity_ids), 1)
        self.assertIn("Collect", move.activity_ids.note)
        # Never twice: a later refresh, a retry, a direct call.
        payments = self.env["account.payment"].search([("partner_id", "=", client.id)])
        self.assertEqual(len(payments), 2)
        self.sandbox.control("POST", "/_sandbox/clock", json={"advance": DAY})
        request.write({"next_check": fields.Datetime.now()})
        move.with_user(self.accountant).action_aici_refresh()
        request.write({"state": "unpaid", "status_code": "60"})  # retried event
        request._l10n_fr_aici_refresh()
        self.assertEqual(request._l10n_fr_aici_settle(), (None, None))
        self.assertEqual(
            self.env["account.payment"].search([("partner_id", "=", client.id)]),
            payments,
        )
        self.assertEqual(move.amount_residual, 132.0)
        self.assertEqual(self.client_open_amount(), 132.0)
        # The client pays the provider directly: the invoice is settled.
        self.pay(move, user=self.accountant)
        self.assertEqual(move.amount_residual, 0.0)
        self.assertEqual(self.client_open_amount(), 0.0)

    def test_unpaid_after_payment_then_recovered(self):
        client = self.client = self.older_client()
        move = self.sent_days_ago(9)
        self.sandbox_now(self.utcnow() - datetime.timedelta(days=1))
        move.with_user(self.accountant).action_aici_refresh()
        request = move.l10n_fr_aici_request_id
        self.assertEqual(move.l10n_fr_aici_state, "paid")
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.client_open_amount(), 0.0)
        self.set_outcome(move, outcome="unpaid", then="recover")
        move.with_user(self.accountant).action_aici_refresh()
        self.assertEqual(move.l10n_fr_aici_state, "unpaid")
        self.assertEqual(request.clawback_payment_id.amount, 132.0)
        self.assertEqual(move.amount_residual, 132.0)
        self.assertEqual(self.client_open_amount(), 132.0)
        self.assertFalse(move.l10n_fr_aici_live, "the provider collects now")
        # 120: recovered by the provider; the claw-back is closed.
        self.sandbox_now(self.utcnow() + datetime.timedelta(days=1, hours=1))
        move.with_user(self.accountant).action_aici_refresh()
        self.assertEqual(move.l10n_fr_aici_state, "recovered")
        self.assertTrue(request.clawback_closed)
        self.assertEqual(
            self.env["account.payment"].search_count([("partner_id", "=", client.id)]),
            2,
        )
        self.assertIn("recovered", " ".join(move.message_ids.mapped("body")))

    def test_no_clawback_without_transfer(self):
        move = self.invoice(self.client)
        move.with_user(self.accountant).action_aici_send()
        self.set_outcome(move, outcome="unpaid", then="cancel")
        self.sandbox.control("POST", "/_sandbox/clock", json={"advance": 7 * DAY})
        move.with_user(self.accountant).action_aici_refresh()
        request = move.l10n_fr_aici_request_id
        self.assertEqual(request.status_code, "111")
        self.assertFalse(request.payment_id or request.clawback_payment_id)
        self.assertEqual(move.amount_residual, 264.0)

    # ------------------------------------------------------------ transfers
    def test_transfers_by_date(self):
        client = self.client = self.older_client()
        first = self.sent_days_ago(9)
        second = self.invoice(
            client, lines=[(self.product, 2.0, 30.0)], period=last_month(2)
        )
        second.with_user(self.accountant).action_aici_send()
        later = self.sent_days_ago(8)
        self.sandbox_now(self.utcnow())
        (first + second + later).with_user(self.accountant).action_aici_refresh()
        requests = (first + second + later).l10n_fr_aici_request_id
        self.assertEqual(set(requests.mapped("state")), {"paid"})
        action = self.env.ref("l10n_fr_aici.l10n_fr_aici_transfer_action")
        self.assertEqual(action.domain, "[('transfer_expected_date', '!=', False)]")
        groups = self.env["l10n_fr_aici.payment.request"].read_group(
            [("transfer_amount", "!=", 0), ("id", "in", requests.ids)],
            ["transfer_amount:sum"],
            ["transfer_expected_date:day"],
            orderby="transfer_expected_date:day",
        )
        self.assertEqual(
            [(g["transfer_expected_date_count"], g["transfer_amount"]) for g in groups],
            [(2, 324.0), (1, 264.0)],
        )
        arch = self.env["l10n_fr_aici.payment.request"].get_view(
            self.env.ref("l10n_fr_aici.l10n_fr_aici_transfer_view_list").id, "list"
        )["arch"]
        self.assertIn('name="transfer_amount"', arch)
        self.assertIn('sum="Total"', arch)

    # ----------------------------------------------------------- the PDF
    def test_invoice_pdf_block(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_aici"], ["fr_FR"])
        self.client.lang = "fr_FR"
        move = self.taxed_invoice([(12, 22.0, 10), (3, 33.33, 20)])
        self.pay(move, amount=100.0)
        move.with_user(self.accountant).action_aici_send()
        report = self.env["ir.actions.report"]
        html = report._render_qweb_html("account.report_invoice", move.ids)[0].decode()
        self.assertIn("Avance immédiate de crédit d'impôt", html)
        text = " ".join(etree.fromstring(html, etree.HTMLParser()).itertext())
        text = " ".join(text.split())
        for expected in (
            "Période de service",
            "Total de la facture",
            "Avance immédiate de votre crédit d'impôt",
            "205,20",
            "Acompte déjà versé",
            "100,00",
            "Votre reste à charge, prélevé par l'Urssaf",
            "105,19",
            "48 heures",
            "validée automatiquement",
        ):
            self.assertIn(expected, text)
        # Not on an invoice without the avance immédiate.
        stranger = self.taxed_invoice(
            [(1, 50.0, 20)], partner=self.env["res.partner"].create({"name": "Autre"})
        )
        html = report._render_qweb_html("account.report_invoice", stranger.ids)[0]
        self.assertNotIn(b"l10n_fr_aici_block", html)
        # The PDF itself is checked too: scripts/test installs wkhtmltopdf and
        # poppler-utils (pdftotext); without them this test fails, never skips.
        self.assertTrue(shutil.which("pdftotext"), "pdftotext (poppler-utils) missing")
        self.assertEqual(report.get_wkhtmltopdf_state(), "ok", "wkhtmltopdf missing")
        # wkhtmltopdf would fetch the style sheets from this very server, whose
        # asset bundles wait for the test's transaction: point it elsewhere
        # (refused at once, the text is laid out without styles).
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        pdf = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "account.report_invoice", move.ids
        )[0]
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        text = " ".join(text.split())
        for expected in ("Avance immédiate de crédit d'impôt", "205,20", "105,19"):
            self.assertIn(expected, text)
