"""Benchmark of the sending and status jobs (not part of the standard suite).

Run with ``--test-tags l10n_fr_aici_benchmark``. It measures, for a batch of
invoices sent by the cron and then refreshed: HTTP calls to Urssaf, SQL queries
and seconds per invoice, and logs them. Its only assertions are the structural
bounds (HTTP calls per invoice), never a duration.
"""

import logging
import time

from odoo.tests import tagged

from .common import AiciSandboxCase

_logger = logging.getLogger(__name__)

INVOICES = 50


@tagged("post_install", "-at_install", "-standard", "l10n_fr_aici_benchmark")
class TestBenchmark(AiciSandboxCase):
    def test_send_and_refresh(self):
        client = self.active_client()
        self.product = self.service_product()
        moves = self.env["account.move"]
        for _index in range(INVOICES):
            moves |= self.invoice(client)
        moves._l10n_fr_aici_requests_to_send()
        self.env.flush_all()
        results = {}
        for label, run in (
            ("send", self.env["l10n_fr_aici.payment.request"]._cron_send),
            ("refresh", self._refresh_all),
        ):
            self.reset_calls()
            queries = self.env.cr.sql_log_count
            started = time.perf_counter()
            run()
            self.env.flush_all()
            elapsed = time.perf_counter() - started
            http_calls = len(self.sandbox_calls())
            results[label] = (
                http_calls,
                self.env.cr.sql_log_count - queries,
                elapsed / INVOICES,
            )
            _logger.info(
                "AICI benchmark %s: %d invoices, %d HTTP calls (%.2f per invoice), "
                "%d SQL queries (%.1f per invoice), %.1f ms per invoice",
                label,
                INVOICES,
                http_calls,
                http_calls / INVOICES,
                results[label][1],
                results[label][1] / INVOICES,
                results[label][2] * 1000,
            )
        self.assertEqual(set(moves.mapped("l10n_fr_aici_state")), {"sent"})
        # 10 payment requests per call plus at most one token request.
        self.assertLessEqual(results["send"][0], INVOICES / 10 + 1)
        self.assertLessEqual(results["refresh"][0], INVOICES / 10 + 1)

    def _refresh_all(self):
        self.env["l10n_fr_aici.payment.request"].search([])._l10n_fr_aici_refresh()
