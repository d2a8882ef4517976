"""Two workers (two database cursors) sending the same invoices at once.

Row locks are only meaningful between real transactions, so this test commits
its data through its own cursors and removes it at the end.
"""

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, tagged

from .common import AiciSandboxMixin, last_month


@tagged("post_install", "-at_install")
class TestTwoWorkers(AiciSandboxMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_sandbox()

    def _setup_committed_invoices(self, count):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            euro = env.ref("base.EUR")
            euro.active = True
            self._previous_company = {
                "currency_id": company.currency_id.id,
                "l10n_fr_aici_environment": company.l10n_fr_aici_environment,
                "l10n_fr_aici_api_base_url": company.l10n_fr_aici_api_base_url,
                "l10n_fr_aici_client_id": company.l10n_fr_aici_client_id,
                "l10n_fr_aici_client_secret": company.l10n_fr_aici_client_secret,
                "l10n_fr_aici_nova_number": company.l10n_fr_aici_nova_number,
            }
            company.write(
                dict(self.company_values(self.sandbox.url), currency_id=euro.id)
            )
            partner = env["res.partner"].create(self.client_values())
            wizard = (
                env["l10n_fr_aici.enrolment.wizard"]
                .with_company(company)
                .create({"partner_ids": partner.ids, "confirm_checked": True})
            )
            wizard.action_enrol()
            start, end = last_month()
            self.sandbox.control(
                "POST",
                f"/_sandbox/particulier/{partner.l10n_fr_aici_id_client}/activate",
                json={"at": f"{start.isoformat()}T00:00:00Z"},
            )
            partner._l10n_fr_aici_refresh_status()
            product = env["product.product"].create(
                {
                    "name": "Ménage",
                    "type": "service",
                    "l10n_fr_aici_nature_code": "60",
                    "taxes_id": [fields.Command.clear()],
                }
            )
            moves = env["account.move"]
            for _index in range(count):
                form = Form(
                    env["account.move"].with_context(default_move_type="out_invoice")
                )
                form.partner_id = partner
                form.invoice_date = end
                with form.invoice_line_ids.new() as line:
                    line.product_id = product
                    line.quantity = 10
                    line.price_unit = 20
                    line.tax_ids.clear()
                move = form.save()
                move.write(
                    {"l10n_fr_aici_period_start": start, "l10n_fr_aici_period_end": end}
                )
                move.action_post()
                moves |= move
            self.assertEqual(set(moves.mapped("l10n_fr_aici_state")), {"ready"})
            self._committed = (partner.id, moves.ids, product.id)
            return moves.ids

    def _cleanup(self):
        partner_id, move_ids, _product_id = self._committed
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM account_move WHERE id IN %s", [tuple(move_ids)])
            cr.execute(
                "UPDATE res_partner SET active = false, l10n_fr_aici_id_client = NULL, "
                "l10n_fr_aici_next_check = NULL, "
                "l10n_fr_aici_state = 'not_enrolled' WHERE id = %s",
                [partner_id],
            )
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.ref("base.main_company").write(self._previous_company)

    def test_two_workers_send_each_invoice_once(self):
        move_ids = self._setup_committed_invoices(3)
        self.addCleanup(self._cleanup)
        with (
            self.registry.cursor() as cr_a,
            self.registry.cursor() as cr_b,
        ):
            worker_a = api.Environment(cr_a, SUPERUSER_ID, {})["account.move"]
            worker_b = api.Environment(cr_b, SUPERUSER_ID, {})["account.move"]
            moves_a = worker_a.browse(move_ids)
            moves_b = worker_b.browse(move_ids)
            # Worker B's transaction starts: it sees the invoices ready.
            self.assertEqual(set(moves_b.mapped("l10n_fr_aici_state")), {"ready"})

            # Worker A locks and sends; its transaction is still open.
            outcome_a = moves_a._l10n_fr_aici_submit()
            self.assertEqual(outcome_a["sent"], moves_a)

            # B, meanwhile: rows locked by A -> skipped, nothing sent.
            outcome_b = moves_b._l10n_fr_aici_submit()
            self.assertEqual(outcome_b["skipped"], moves_b)
            self.assertFalse(outcome_b["sent"] | outcome_b["to_check"])
            with self.assertRaises(UserError):
                moves_b[0]._l10n_fr_aici_submit(interactive=True)

            cr_a.commit()
            # B's snapshot still says "ready", but the rows changed under it:
            # the lock attempt fails instead of sending a duplicate.
            self.assertEqual(set(moves_b.mapped("l10n_fr_aici_state")), {"ready"})
            outcome_b = moves_b._l10n_fr_aici_submit()
            self.assertEqual(outcome_b["skipped"], moves_b)
            cr_b.rollback()

            # A new transaction of B sees the truth and refuses to send again.
            moves_b.invalidate_recordset()
            self.assertEqual(set(moves_b.mapped("l10n_fr_aici_state")), {"sent"})
            with self.assertRaises(UserError):
                moves_b.action_aici_send()

        stored = self.sandbox.control("GET", "/_sandbox/demandePaiement")
        numbers = [r["numFactureTiers"] for r in stored]
        self.assertEqual(len(numbers), 3)
        self.assertEqual(len(set(numbers)), 3, "each invoice exactly once")
        submits = [
            c
            for c in self.sandbox.control("GET", "/_sandbox/calls")
            if c["operation"] == "submit"
        ]
        self.assertEqual([c["items"] for c in submits], [3])
