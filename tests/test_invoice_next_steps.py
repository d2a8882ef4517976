from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AiciSandboxCase

DAY = 24 * 3600


@tagged("post_install", "-at_install")
class TestInvoiceNextSteps(AiciSandboxCase):
    """Every invoice state says what happens next and offers the way out:
    correct a refused invoice, bill outside the avance immédiate, come back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.service_product()
        cls.add_group(cls.env.user, "l10n_fr_aici.group_aici_manager")

    def setUp(self):
        super().setUp()
        self.client = self.active_client()

    def outcome(self, move, **body):
        self.sandbox.control(
            "POST",
            f"/_sandbox/demandePaiement/{move.l10n_fr_aici_request_id.urssaf_id}"
            "/outcome",
            json=body,
        )
        self.refresh(move)

    def to_handle(self, moves):
        return moves.search(
            [("id", "in", moves.ids), ("l10n_fr_aici_needs_human", "=", True)]
        )

    def refused_invoice(self):
        move = self.invoice(self.client)
        self.send(move)
        self.outcome(
            move,
            outcome="refuse",
            code="REGUL_NB_QTE_FACT",
            commentaire="Seulement 10 heures",
        )
        self.assertEqual(move.l10n_fr_aici_state, "refused")
        return move

    # ------------------------------------------------------------ sentences
    def test_each_state_says_what_next(self):
        move = self.invoice(self.client)
        self.assertEqual(move.l10n_fr_aici_state, "ready")
        self.assertEqual(move.l10n_fr_aici_next_step_level, "info")
        self.assertIn("Send to Urssaf", move.l10n_fr_aici_next_step)
        self.assertTrue(move.l10n_fr_aici_can_send)
        self.assertTrue(move.l10n_fr_aici_can_exclude)
        self.assertFalse(move.l10n_fr_aici_can_correct)
        self.send(move)
        request = move.l10n_fr_aici_request_id
        self.assertEqual(move.l10n_fr_aici_state, "sent")
        self.assertIn(request.urssaf_id, move.l10n_fr_aici_next_step)
        self.assertIn("48 hours", move.l10n_fr_aici_next_step)
        # At Urssaf: neither correction nor direct billing.
        self.assertFalse(move.l10n_fr_aici_can_exclude)
        self.assertFalse(move.l10n_fr_aici_can_correct)
        self.assertTrue(move.l10n_fr_aici_can_refresh)
        with self.assertRaises(UserError):
            move._l10n_fr_aici_exclude("Le client paie par virement")

    def test_error_lists_the_problems(self):
        no_nature = self.service_product(nature=False, name="Sans nature")
        move = self.invoice(self.client, lines=[(no_nature, 1.0, 30.0)])
        self.assertEqual(move.l10n_fr_aici_state, "error")
        self.assertEqual(move.l10n_fr_aici_next_step_level, "danger")
        self.assertIn("nature", move.l10n_fr_aici_next_step)
        self.assertTrue(move.l10n_fr_aici_can_exclude)

    # ------------------------------------------------------------ refusal
    def test_refusal_explained_then_corrected(self):
        move = self.refused_invoice()
        self.assertEqual(move.l10n_fr_aici_next_step_level, "danger")
        self.assertIn("Correct the invoice", move.l10n_fr_aici_next_step)
        # The reason in French with its code, the client's words and the advice.
        self.assertIn("nombre d'heures ou quantités erroné", move.l10n_fr_aici_refusal)
        self.assertIn("REGUL_NB_QTE_FACT", move.l10n_fr_aici_refusal)
        self.assertIn("Seulement 10 heures", move.l10n_fr_aici_refusal)
        self.assertIn("facture rectifiée", move.l10n_fr_aici_refusal)
        self.assertTrue(move.l10n_fr_aici_can_correct)
        self.assertTrue(move.l10n_fr_aici_can_exclude)
        self.assertEqual(self.to_handle(move), move)
        self.assertEqual(len(move.activity_ids), 1)

        action = move.with_user(self.accountant).action_l10n_fr_aici_correct()
        new_move = self.env["account.move"].browse(action["res_id"])
        refund = move.reversal_move_ids
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(move.payment_state, "reversed")
        self.assertEqual(new_move.state, "draft")
        self.assertEqual(new_move.l10n_fr_aici_replaces_id, move)
        self.assertEqual(move.l10n_fr_aici_replaced_by_id, new_move)
        self.assertEqual(move.l10n_fr_aici_state, "corrected")
        self.assertEqual(move.l10n_fr_aici_next_step_level, "success")
        self.assertIn(refund.name, move.l10n_fr_aici_next_step)
        # Urssaf's own state stays on the request, the reason too.
        self.assertEqual(move.l10n_fr_aici_request_id.state, "refused")
        # Out of the list to handle; the warning activity is done.
        self.assertFalse(self.to_handle(move))
        self.assertFalse(move.activity_ids)
        self.assertFalse(move.l10n_fr_aici_can_correct)
        with self.assertRaises(UserError):
            move.action_l10n_fr_aici_correct()
        # The credit note is never sent; the new invoice is, under a new number.
        self.assertEqual(refund.l10n_fr_aici_state, "not_applicable")
        new_move.invoice_date = move.invoice_date
        new_move.invoice_line_ids.quantity = 10.0
        new_move.l10n_fr_aici_period_start = move.l10n_fr_aici_period_start
        new_move.l10n_fr_aici_period_end = move.l10n_fr_aici_period_end
        new_move.action_post()
        self.assertNotEqual(new_move.name, move.name)
        self.assertEqual(new_move.l10n_fr_aici_state, "ready")
        self.send(new_move)
        self.assertEqual(new_move.l10n_fr_aici_state, "sent")
        stored = self.sandbox.control("GET", "/_sandbox/demandePaiement")
        numbers = sorted(str(row) for row in stored)
        self.assertEqual(len(stored), 2, numbers)
        self.assertIn(new_move.name, str(stored))

    def test_cancelled_after_transfer_is_not_corrected_here(self):
        move = self.invoice(self.client)
        self.send(move)
        for _step in range(4):
            self.sandbox.control("POST", "/_sandbox/clock", json={"advance": 3 * DAY})
            self.refresh(move)
        self.assertEqual(move.l10n_fr_aici_state, "paid")
        self.outcome(move, outcome="cancel", code="ANNUL_ERR_MNT")
        self.assertEqual(move.l10n_fr_aici_state, "cancelled")
        self.assertIn("takes that transfer back", move.l10n_fr_aici_next_step)
        self.assertFalse(move.l10n_fr_aici_can_correct)
        self.assertFalse(move.l10n_fr_aici_can_exclude)
        self.assertIn("montant erroné", move.l10n_fr_aici_refusal)

    # ------------------------------------------------------- bill outside
    def test_bill_outside_then_back(self):
        move = self.invoice(self.client)
        wizard = (
            self.env["l10n_fr_aici.exclude.wizard"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"reason": "Le client paie par virement"})
        )
        wizard.action_confirm()
        self.assertEqual(move.l10n_fr_aici_state, "excluded")
        self.assertIn("Le client paie par virement", move.l10n_fr_aici_next_step)
        self.assertFalse(move.l10n_fr_aici_can_send)
        self.assertFalse(self.to_handle(move))
        # The client owes it all; the printed invoice has no Urssaf block.
        self.assertEqual(move.l10n_fr_aici_amount_advance, 0.0)
        self.assertFalse(move._l10n_fr_aici_on_report())
        self.assertFalse(move.l10n_fr_aici_live)
        with self.assertRaises(UserError) as error:
            self.send(move)
        self.assertIn("outside the avance immédiate", str(error.exception))
        self.assertFalse(self.sandbox_calls("submit"))
        # Back: ready again, and sent.
        self.assertTrue(move.l10n_fr_aici_can_resume)
        move.with_user(self.accountant).action_l10n_fr_aici_resume()
        self.assertEqual(move.l10n_fr_aici_state, "ready")
        self.send(move)
        self.assertEqual(move.l10n_fr_aici_state, "sent")

    def test_bill_outside_a_queued_invoice_stops_the_job(self):
        self.company.l10n_fr_aici_auto_send = True
        move = self.invoice(self.client)
        self.assertEqual(move.l10n_fr_aici_state, "queued")
        move.with_user(self.accountant)._l10n_fr_aici_exclude("Payée en espèces")
        self.assertEqual(move.l10n_fr_aici_state, "excluded")
        self.reset_calls()
        self.run_scheduled(self.env.ref("l10n_fr_aici.ir_cron_aici_send"))
        self.assertFalse(self.sandbox_calls("submit"))
        self.assertEqual(move.l10n_fr_aici_request_id.state, "error")
        self.assertFalse(self.sandbox.control("GET", "/_sandbox/demandePaiement"))

    def test_bill_outside_a_refused_invoice(self):
        move = self.refused_invoice()
        move.with_user(self.accountant)._l10n_fr_aici_exclude("Accord avec le client")
        self.assertEqual(move.l10n_fr_aici_state, "excluded")
        self.assertFalse(self.to_handle(move))
        self.assertFalse(move.l10n_fr_aici_can_resume)  # Urssaf ended it
        self.assertIn("Accord avec le client", str(move.message_ids.mapped("body")))
        # The client may now pay the invoice in full, with no forcing.
        self.env["account.payment.register"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=move.ids
        ).create({})._create_payments()
        self.assertIn(move.payment_state, ("paid", "in_payment"))

    # ------------------------------------------------------- list and words
    def test_group_by_follows_the_life_of_an_invoice(self):
        sent = self.invoice(self.client)
        self.send(sent)
        self.invoice(self.client)  # ready
        self.refused_invoice()
        states = self.grouped(
            self.env["account.move"],
            [("l10n_fr_aici_state", "!=", "not_applicable")],
            "l10n_fr_aici_state",
        )
        self.assertEqual(states, ["ready", "sent", "refused"])
        requests = self.grouped(self.env["l10n_fr_aici.payment.request"], [], "state")
        self.assertEqual(requests, ["sent", "refused"])

    def test_bulk_sending_reports_only_the_invoices_concerned(self):
        ready = self.invoice(self.client)
        stranger = self.env["res.partner"].create({"name": "Pas inscrit"})
        others = self.invoice(stranger) | self.invoice(stranger)
        done = self.invoice(self.client)
        self.send(done)
        action = self.send(ready | others | done)
        message = action["params"]["message"]
        self.assertIn(ready.name, message)
        self.assertNotIn(others[0].name, message)
        self.assertNotIn(done.name, message)
        self.assertIn("3 other selected invoices left aside", message)
        self.assertNotIn("(s)", message)
        self.assertEqual(ready.l10n_fr_aici_state, "sent")

    def test_requests_list_to_handle_follows_the_invoice(self):
        move = self.refused_invoice()
        requests = self.env["l10n_fr_aici.payment.request"]
        request = move.l10n_fr_aici_request_id
        self.assertTrue(request.rejection_label.startswith("Régularisation"))
        self.assertIn("rectifiée", request.rejection_advice)
        self.assertIn(request, requests.search([("needs_human", "=", True)]))
        move.with_user(self.accountant).action_l10n_fr_aici_correct()
        self.assertFalse(request.needs_human)
        self.assertNotIn(request, requests.search([("needs_human", "=", True)]))
        self.assertIn(request, requests.search([("needs_human", "=", False)]))
