"""Never twice, never lost: faults injected in the sandbox during sendings.

Every scenario ends by checking the Urssaf side: exactly one payment request per
invoice, and the invoice in the right state with Urssaf's id.
"""

import logging
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..urssaf.client import UrssafClient
from ..urssaf.payload import build_payment_request
from .common import AiciSandboxCase

_logger = logging.getLogger(__name__)


class SimulatedCrash(BaseException):
    """A process killed between the call to Urssaf and the commit."""


@tagged("post_install", "-at_install")
class TestFaults(AiciSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.service_product()
        cls.env["ir.config_parameter"].sudo().set_param(
            "l10n_fr_aici.read_timeout", "1"
        )
        cls.faults_injected = 0
        cls.duplicates = 0

    def setUp(self):
        super().setUp()
        self.client = self.active_client()

    def reset_calls(self):
        type(self).faults_injected += len(
            [c for c in self.sandbox_calls() if c.get("fault")]
        )
        return super().reset_calls()

    def tearDown(self):
        # Figures for the report: faults the sandbox actually applied, and
        # payment requests stored twice under one invoice number.
        faulted = [c for c in self.sandbox_calls() if c.get("fault")]
        stored = self.sandbox.control("GET", "/_sandbox/demandePaiement")
        numbers = [r["numFactureTiers"] for r in stored]
        type(self).faults_injected += len(faulted)
        type(self).duplicates += len(numbers) - len(set(numbers))
        self.assertEqual(len(numbers), len(set(numbers)), "duplicate at Urssaf")
        super().tearDown()

    def requests_at_urssaf(self, move):
        stored = self.sandbox.control("GET", "/_sandbox/demandePaiement")
        return [r for r in stored if r["numFactureTiers"] == move.name]

    def assert_exactly_once(self, move):
        found = self.requests_at_urssaf(move)
        self.assertEqual(len(found), 1, f"{move.name}: {found}")
        self.assertEqual(
            move.l10n_fr_aici_request_id.urssaf_id, found[0]["idDemandePaiement"]
        )
        self.assertEqual(move.l10n_fr_aici_state, "sent")

    def assert_reconciled_without_resending(self, move):
        """Urssaf has the request, Odoo lost the answer: the next run adopts it
        through a search and sends nothing."""
        self.assertEqual(move.l10n_fr_aici_state, "to_check")
        self.assertFalse(move.l10n_fr_aici_request_id.urssaf_id)
        self.assertEqual(len(self.requests_at_urssaf(move)), 1)
        self.reset_calls()
        self.run_cron()
        self.assert_exactly_once(move)
        self.assertEqual(self.sandbox_calls("submit"), [], "reconciled, not resent")

    def run_cron(self):
        # Move the reconciliation / retry deadlines to now, as time would.
        self.env["l10n_fr_aici.payment.request"].search(
            [("state", "in", ("to_check", "queued"))]
        ).write({"next_check": fields.Datetime.now()})
        # Through the scheduled action itself, as Odoo's cron runner does.
        self.run_scheduled(self.env.ref("l10n_fr_aici.ir_cron_aici_send"))

    def test_connection_dropped_after_commit(self):
        move = self.invoice(self.client)
        self.fault("submit", "drop_after_commit")
        move.action_aici_send()
        self.assert_reconciled_without_resending(move)

    def test_read_timeout(self):
        move = self.invoice(self.client)
        self.fault("submit", "latency", seconds=2)
        move.action_aici_send()
        self.assertEqual(move.l10n_fr_aici_state, "to_check")
        self.run_cron()
        self.assert_exactly_once(move)

    def test_server_errors_on_submission(self):
        for kind in ("http_500", "http_503"):
            with self.subTest(kind=kind):
                move = self.invoice(self.client)
                self.fault("submit", kind)
                move.action_aici_send()
                # 5xx on a creating call may hide a success: never "ready".
                self.assertEqual(move.l10n_fr_aici_state, "to_check")
                self.assertEqual(self.requests_at_urssaf(move), [])
                self.reset_calls()
                self.run_cron()
                # The search proved Urssaf has nothing: sent again, once.
                self.assertEqual(
                    [c["operation"] for c in self.sandbox_calls()][-2:],
                    ["search", "submit"],
                )
                self.assert_exactly_once(move)

    def test_server_errors_on_search(self):
        move = self.invoice(self.client)
        self.fault("submit", "drop_after_commit")
        move.action_aici_send()
        for kind in ("http_500", "http_503", "malformed"):
            self.fault("search", kind)
            self.run_cron()
            self.assertEqual(move.l10n_fr_aici_state, "to_check", kind)
        self.run_cron()
        self.assert_exactly_once(move)

    def test_malformed_answer(self):
        move = self.invoice(self.client)
        self.fault("submit", "malformed")
        move.action_aici_send()
        self.assertEqual(move.l10n_fr_aici_state, "to_check")
        self.run_cron()
        self.assert_exactly_once(move)

    def test_token_expired_in_the_middle_of_a_batch(self):
        self.company.l10n_fr_aici_batch_size = 2
        moves = self.env["account.move"]
        for _index in range(4):
            moves |= self.invoice(self.client)
        original = UrssafClient.submit_payment_requests
        calls = []

        def submit_then_expire(client, payloads):
            result = original(client, payloads)
            calls.append(len(payloads))
            if len(calls) == 1:
                self.fault("*", "expire_token")
            return result

        with patch.object(UrssafClient, "submit_payment_requests", submit_then_expire):
            moves.action_aici_send()
        self.assertEqual(calls, [2, 2])
        for move in moves:
            self.assert_exactly_once(move)
        self.assertEqual(len(self.sandbox_calls("token")), 1)

    def test_unavailable_for_a_long_period(self):
        move = self.invoice(self.client)
        cron = self.env.ref("l10n_fr_aici.ir_cron_aici_send")
        self.fault("*", "http_503", count=20)
        move.action_aici_send()
        for _run in range(4):
            self.run_cron()
        self.assertIn(move.l10n_fr_aici_state, ("to_check", "queued"))
        # Backs off: each failure doubles the wait (15 min, 30 min, 1 h, 2 h…).
        self.assertGreaterEqual(move.l10n_fr_aici_request_id.failures, 4)
        self.assertGreater(
            move.l10n_fr_aici_request_id.next_check - fields.Datetime.now(),
            timedelta(hours=1),
        )
        self.assertTrue(cron.active)
        self.assertEqual(cron.failure_count, 0)
        self.sandbox.control("DELETE", "/_sandbox/faults")
        for _run in range(2):
            if move.l10n_fr_aici_state != "sent":
                self.run_cron()
        self.assert_exactly_once(move)

    def test_urssaf_unreachable_then_back(self):
        move = self.invoice(self.client)
        self.company.l10n_fr_aici_api_base_url = "http://127.0.0.1:9"
        move.action_aici_send()
        self.assertEqual(move.l10n_fr_aici_state, "queued", "certainly not received")
        self.company.l10n_fr_aici_api_base_url = self.sandbox.url
        self.run_cron()
        self.assert_exactly_once(move)

    def test_crash_between_call_and_commit(self):
        move = self.invoice(self.client)
        original_submit = UrssafClient.submit_payment_requests

        def submit_then_die(client, payloads):
            original_submit(client, payloads)
            # Urssaf created the request; the process dies before the answer
            # is written. What survives is the last commit: the write-ahead
            # "to check" mark (production commits it right before the call,
            # and nothing is written between the call and this point).
            raise SimulatedCrash()

        crashed = False
        # Not assertRaises: Odoo's rolls back to a savepoint taken before the
        # sending, which would also undo the committed write-ahead mark.
        with patch.object(UrssafClient, "submit_payment_requests", submit_then_die):
            try:
                move.action_aici_send()
            except SimulatedCrash:
                crashed = True
        self.assertTrue(crashed)
        self.env.invalidate_all()
        self.assert_reconciled_without_resending(move)

    def test_duplicate_number_is_adopted(self):
        move = self.invoice(self.client)
        # Urssaf already has this invoice (sent by another instance, say).
        payload = move._l10n_fr_aici_payment_request()
        with self.company._l10n_fr_aici_client() as client:
            client.submit_payment_requests([build_payment_request(payload)])
        move.action_aici_send()
        self.assert_exactly_once(move)

    def test_conflicting_request_is_never_adopted(self):
        move = self.invoice(self.client)
        other = self.active_client()
        foreign = self.invoice(other, lines=[(self.product, 1.0, 10.0)], post=False)
        foreign.name = move.name
        with self.company._l10n_fr_aici_client() as client:
            client.submit_payment_requests(
                [build_payment_request(foreign._l10n_fr_aici_payment_request())]
            )
        move.action_aici_send()
        self.assertEqual(move.l10n_fr_aici_state, "to_check")
        self.assertFalse(move.l10n_fr_aici_request_id.urssaf_id)
        self.assertIn("autre client", move.l10n_fr_aici_last_error)
        self.assertEqual(len(move.activity_ids), 1)
        self.run_cron()
        self.assertEqual(len(self.requests_at_urssaf(move)), 1)
        self.assertFalse(move.l10n_fr_aici_request_id.urssaf_id)

    @classmethod
    def tearDownClass(cls):
        # Reported in the test log for the closing note.
        _logger.info(
            "AICI fault injection: %s faults applied by the sandbox, %s duplicate "
            "payment requests",
            cls.faults_injected,
            cls.duplicates,
        )
        super().tearDownClass()
