"""Odoo's Send dialog offers "Urssaf (avance immédiate)" and sends through the
add-on's own sending path, against the local sandbox over HTTP."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..urssaf.catalogues import error_info
from .common import AiciSandboxCase

EDI = "l10n_fr_aici"


@tagged("post_install", "-at_install")
class TestSendDialog(AiciSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.service_product()

    def setUp(self):
        super().setUp()
        self.client = self.active_client(email="client@example.fr")

    # ------------------------------------------------------------ helpers
    def dialog(self, move, **values):
        return (
            self.env["account.move.send.wizard"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(values)
        )

    def batch_dialog(self, moves):
        return (
            self.env["account.move.send.batch.wizard"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({})
        )

    def run_send_job(self):
        """Odoo's job that sends invoices queued by the batch dialog, until
        none is left."""
        cron = self.env.ref("account.ir_cron_account_move_send")
        for _run in range(5):
            if not self.env["account.move"].search_count(
                [("sending_data", "!=", False)]
            ):
                break
            self.run_scheduled(cron)
        self.env.invalidate_all()

    def stored(self, move):
        """The requests the sandbox accepted for this invoice number."""
        return [
            r
            for r in self.sandbox.control("GET", "/_sandbox/demandePaiement")
            if r["numFactureTiers"] == move.name
        ]

    def in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_aici"], ["fr_FR"])
        self.company.partner_id.lang = "fr_FR"

    # --------------------------------------------------------------- tests
    def test_offered_and_ticked_for_a_ready_invoice(self):
        move = self.invoice(self.client)
        self.assertEqual(move.l10n_fr_aici_state, "ready")
        wizard = self.dialog(move)
        box = wizard.extra_edi_checkboxes[EDI]
        self.assertEqual(box["label"], "Urssaf (avance immédiate)")
        self.assertTrue(box["checked"])
        self.assertTrue(box["question_circle"], "the option explains itself")
        self.assertEqual(wizard.extra_edis, [EDI])
        self.assertFalse((wizard.alerts or {}).get("l10n_fr_aici_preflight"))
        # In French, as the accountant sees it.
        self.in_french()
        edi = (
            self.env["account.move.send"]
            .with_context(lang="fr_FR")
            ._get_all_extra_edis()[EDI]
        )
        self.assertEqual(edi["label"], "Urssaf (avance immédiate)")
        self.assertIn("Urssaf", edi["help"])
        self.assertNotIn("Sends the invoice", edi["help"])

    def test_not_offered_for_other_invoices(self):
        stranger = self.env["res.partner"].create(
            {"name": "Not enrolled", "email": "stranger@example.fr"}
        )
        not_enrolled = self.invoice(stranger)
        self.assertNotIn(EDI, self.dialog(not_enrolled).extra_edi_checkboxes or {})
        credit_note = self.invoice(self.client, move_type="out_refund")
        self.assertNotIn(EDI, self.dialog(credit_note).extra_edi_checkboxes or {})
        moves = not_enrolled | credit_note | self.invoice(self.client)
        summary = self.batch_dialog(moves).summary_data
        self.assertEqual(summary[EDI]["count"], 1, summary)

    def test_send_through_the_dialog_then_again(self):
        move = self.invoice(self.client)
        self.dialog(move).action_send_and_print()
        self.assertEqual(move.l10n_fr_aici_state, "sent")
        self.assertEqual(
            [r["idDemandePaiement"] for r in self.stored(move)],
            [move.l10n_fr_aici_request_id.urssaf_id],
        )
        self.assertEqual(len(self.sandbox_calls("submit")), 1)
        # The invoice itself went too, with its PDF rendered after Urssaf
        # accepted the request.
        self.assertTrue(move.is_move_sent)
        self.assertTrue(move.invoice_pdf_report_id)
        # Sent again through the dialog: the option is no longer offered and
        # nothing goes to Urssaf.
        again = self.dialog(move)
        self.assertNotIn(EDI, again.extra_edi_checkboxes or {})
        again.action_send_and_print()
        # Even asked for explicitly (a dialog opened before the first sending).
        self.env["account.move.send"]._generate_and_send_invoices(
            move, sending_methods={"manual"}, extra_edis={EDI}
        )
        self.assertEqual(len(self.stored(move)), 1)
        self.assertEqual(len(self.sandbox_calls("submit")), 1)
        self.assertEqual(len(move.l10n_fr_aici_request_ids), 1)

    def test_preflight_problem_is_a_blocking_alert(self):
        no_nature = self.service_product(nature=False, name="Sans nature")
        move = self.invoice(self.client, lines=[(no_nature, 1.0, 30.0)])
        self.assertEqual(move.l10n_fr_aici_state, "error")
        wizard = self.dialog(move)
        self.assertIn(EDI, wizard.extra_edis, "offered, so that it gets fixed")
        alert = wizard.alerts["l10n_fr_aici_preflight"]
        self.assertEqual(alert["level"], "danger")
        self.assertIn("nature", alert["message"])
        with self.assertRaisesRegex(UserError, "nature"):
            wizard.action_send_and_print()
        self.assertFalse(self.sandbox_calls("submit"))
        self.assertFalse(move.is_move_sent)
        # Unticked: no alert, the invoice goes without Urssaf.
        wizard.extra_edi_checkboxes = {
            EDI: dict(wizard.extra_edi_checkboxes[EDI], checked=False)
        }
        self.assertNotIn("l10n_fr_aici_preflight", wizard.alerts or {})
        wizard.action_send_and_print()
        self.assertTrue(move.is_move_sent)
        self.assertFalse(self.sandbox_calls("submit"))
        self.assertFalse(move.l10n_fr_aici_request_ids)

    def test_refusal_is_an_error_of_the_dialog(self):
        move = self.invoice(self.client)
        self.fault("submit", "business_error", code="ERR_LIEN_PARTICULIER_PRESTATAIRE")
        explanation = error_info("ERR_LIEN_PARTICULIER_PRESTATAIRE").explanation
        with self.assertRaises(UserError) as raised:
            self.dialog(move).action_send_and_print()
        message = str(raised.exception)
        self.assertIn("ERR_LIEN_PARTICULIER_PRESTATAIRE", message)
        self.assertIn(explanation, message)
        self.assertEqual(len(self.sandbox_calls("submit")), 1)
        self.assertFalse(self.stored(move))

    def test_batch_sends_ten_per_call(self):
        moves = self.env["account.move"]
        for _i in range(12):
            moves |= self.invoice(self.client)
        stranger = self.env["res.partner"].create(
            {"name": "Not enrolled", "email": "stranger@example.fr"}
        )
        other = self.invoice(stranger)
        wizard = self.batch_dialog(moves | other)
        self.assertEqual(wizard.summary_data[EDI]["count"], 12)
        self.assertFalse((wizard.alerts or {}).get("l10n_fr_aici_preflight"))
        wizard.action_send_and_print()
        self.assertFalse(self.sandbox_calls("submit"), "sent in the background")
        self.run_send_job()
        calls = self.sandbox_calls("submit")
        self.assertEqual([c["items"] for c in calls], [10, 2])
        self.assertEqual(set(moves.mapped("l10n_fr_aici_state")), {"sent"})
        self.assertTrue(all(len(self.stored(move)) == 1 for move in moves))
        self.assertTrue(all((moves | other).mapped("is_move_sent")))
        self.assertEqual(other.l10n_fr_aici_state, "not_applicable")

    def test_batch_with_problems_and_refusals(self):
        self.in_french()
        good = self.invoice(self.client)
        no_nature = self.service_product(nature=False, name="Sans nature")
        flawed = self.invoice(self.client, lines=[(no_nature, 1.0, 30.0)])
        wizard = self.batch_dialog(good | flawed)
        alert = wizard.alerts["l10n_fr_aici_preflight"]
        self.assertEqual(alert["level"], "warning", "the others still go")
        self.assertIn(flawed.name, alert["message"])
        self.assertNotIn(good.name, alert["message"])
        self.assertEqual(alert["action"]["res_model"], "account.move")
        self.fault("submit", "business_error", code="ERR_LIEN_PARTICULIER_PRESTATAIRE")
        wizard.action_send_and_print()
        self.run_send_job()
        self.assertEqual(len(self.sandbox_calls("submit")), 1)
        for move in good | flawed:
            self.assertEqual(move.l10n_fr_aici_state, "error")
            self.assertFalse(move.is_move_sent, "not e-mailed without Urssaf")
            self.assertFalse(move.sending_data)
        notes = " ".join(good.message_ids.mapped("body"))
        self.assertIn("l'Urssaf a refusé la demande de paiement", notes)
        self.assertIn("ERR_LIEN_PARTICULIER_PRESTATAIRE", notes)
        notes = " ".join(flawed.message_ids.mapped("body"))
        self.assertIn("à corriger avant sa transmission à l'Urssaf", notes)
        self.assertIn("nature", flawed.l10n_fr_aici_last_error)
        # Urssaf accepts it now: sent again from the dialog.
        self.assertFalse(self.stored(good))
        self.dialog(good).action_send_and_print()
        self.assertEqual(good.l10n_fr_aici_state, "sent")
        self.assertEqual(len(self.stored(good)), 1)

    def test_batch_without_urssaf_access(self):
        move = self.invoice(self.client)
        self.company.l10n_fr_aici_client_secret = False
        self.batch_dialog(move | self.invoice(self.client)).action_send_and_print()
        self.run_send_job()
        self.assertFalse(self.sandbox_calls("submit"))
        self.assertEqual(move.l10n_fr_aici_state, "ready")
        self.assertFalse(move.is_move_sent)
        self.assertIn("not configured", " ".join(move.message_ids.mapped("body")))
