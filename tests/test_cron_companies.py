"""Scheduled jobs with two companies, the second without Urssaf credentials.

Each company is handled on its own: the unconfigured one gets the error on
its own requests only, and the other goes on at once. Chatter is written in
the company's language, whoever runs the job.
"""

from odoo import fields
from odoo.tests import tagged

from .common import AiciSandboxCase


@tagged("post_install", "-at_install")
class TestCronCompanies(AiciSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.service_product()
        cls.product.company_id = False
        cls.company_b = cls.second_company(
            "SAP Company B", l10n_fr_aici_api_base_url=cls.sandbox.url
        )

    def setUp(self):
        super().setUp()
        self.client = self.active_client()

    def invoice_b(self):
        """An invoice of company B whose request is queued (B enrolled the
        client when it still had credentials, say)."""
        env_a = self.env
        self.env = self.env(
            context=dict(self.env.context, allowed_company_ids=[self.company_b.id])
        )
        try:
            move = self.invoice(self.client, post=False)
        finally:
            self.env = env_a
        move.action_post()
        self.assertEqual(move.company_id, self.company_b)
        move._l10n_fr_aici_requests_to_send()
        return move

    def run_job(self, xmlid):
        # As Odoo runs it: the cron's user (OdooBot), its default language.
        self.run_scheduled(self.env.ref(xmlid).with_context(lang="en_US"))

    def test_send_job_keeps_each_company_apart(self):
        move_a = self.invoice(self.client)
        move_a._l10n_fr_aici_requests_to_send()
        move_b = self.invoice_b()
        self.reset_calls()
        self.run_job("l10n_fr_aici.ir_cron_aici_send")
        request_a = move_a.l10n_fr_aici_request_id
        request_b = move_b.l10n_fr_aici_request_id
        self.assertEqual(move_a.l10n_fr_aici_state, "sent")
        self.assertFalse(request_a.last_error)
        self.assertEqual(move_b.l10n_fr_aici_state, "queued")
        self.assertIn("SAP Company B", request_b.last_error)
        self.assertGreater(request_b.next_check, fields.Datetime.now())
        self.assertEqual([c["items"] for c in self.sandbox_calls("submit")], [1])
        self.assertNotIn("SAP Company B", " ".join(move_a.message_ids.mapped("body")))

    def test_refresh_job_keeps_each_company_apart(self):
        move_a = self.invoice(self.client)
        self.company_b.write(
            {
                "l10n_fr_aici_client_id": self.company.sudo().l10n_fr_aici_client_id,
                "l10n_fr_aici_client_secret": (
                    self.company.sudo().l10n_fr_aici_client_secret
                ),
            }
        )
        move_b = self.invoice_b()
        (move_a | move_b)._l10n_fr_aici_submit()
        self.assertEqual(
            (move_a | move_b).mapped("l10n_fr_aici_state"), ["sent", "sent"]
        )
        self.company_b.write(
            {"l10n_fr_aici_client_id": False, "l10n_fr_aici_client_secret": False}
        )
        self.sandbox.control("POST", "/_sandbox/clock", json={"advance": 2 * 3600})
        requests = (move_a | move_b).l10n_fr_aici_request_id
        requests.write({"next_check": fields.Datetime.now()})
        self.run_job("l10n_fr_aici.ir_cron_aici_refresh_status")
        request_a, request_b = requests.sorted(lambda r: r.company_id != self.company)
        self.assertEqual(move_a.l10n_fr_aici_state, "waiting_client")
        self.assertFalse(request_a.last_error)
        self.assertEqual(move_b.l10n_fr_aici_state, "sent")
        self.assertIn("SAP Company B", request_b.last_error)
        self.assertGreater(request_b.next_check, fields.Datetime.now())
        self.assertEqual(request_a.check_count, 1)

    def test_chatter_in_the_company_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_aici"], ["fr_FR"])
        self.company.partner_id.lang = "fr_FR"
        move = self.invoice(self.client)
        move._l10n_fr_aici_requests_to_send()
        self.run_job("l10n_fr_aici.ir_cron_aici_send")
        self.assertEqual(move.l10n_fr_aici_state, "sent")
        sent = move.message_ids.filtered(lambda m: "Urssaf" in (m.body or ""))
        self.assertEqual(len(sent), 1, "one message for one event")
        self.assertIn("Envoyée à l'Urssaf", sent.body)
