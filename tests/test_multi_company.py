from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..urssaf.sandbox.server import SandboxServer
from .common import AiciSandboxCase


@tagged("post_install", "-at_install")
class TestMultiCompany(AiciSandboxCase):
    """Each company uses only its own credentials and sees only its records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox_b = SandboxServer(
            port=0,
            client_id="company-b",
            client_secret="company-b-secret",
            db_path=f"{cls._sandbox_dir.name}/sandbox-b.sqlite",
        ).start()
        cls.addClassCleanup(cls.sandbox_b.stop)
        cls.company_b = cls.second_company(
            "SAP Company B",
            l10n_fr_aici_api_base_url=cls.sandbox_b.url,
            l10n_fr_aici_client_id="company-b",
            l10n_fr_aici_client_secret="company-b-secret",
            l10n_fr_aici_nova_number="732829320",
        )
        cls.manager_a = new_test_user(
            cls.env,
            login="l10n_fr_aici_manager_a",
            groups="account.group_account_manager,l10n_fr_aici.group_aici_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.product = cls.service_product()
        cls.product.company_id = False

    def setUp(self):
        super().setUp()
        self.sandbox_b.control("POST", "/_sandbox/reset")

    def test_each_company_uses_its_own_credentials(self):
        client_a = self.active_client()
        # Client enrolled by company B, with B's credentials.
        env_b = self.env(context=dict(self.env.context, allowed_company_ids=[
            self.company_b.id]))  # fmt: skip
        client_b = env_b["res.partner"].create(self.client_values())
        wizard = (
            env_b["l10n_fr_aici.enrolment.wizard"]
            .with_company(self.company_b)
            .create({"partner_ids": client_b.ids, "confirm_checked": True})
        )
        wizard.action_enrol()
        self.assertEqual(client_b.l10n_fr_aici_company_id, self.company_b)
        self.assertEqual(len(self.sandbox_b.control("GET", "/_sandbox/particulier")), 1)
        self.sandbox_b.control(
            "POST",
            f"/_sandbox/particulier/{client_b.l10n_fr_aici_id_client}/activate",
            json={"at": "2020-01-01T00:00:00Z"},
        )
        client_b._l10n_fr_aici_refresh_status()
        self.assertEqual(client_b.l10n_fr_aici_state, "active")

        move_a = self.invoice(client_a)
        env_a = self.env
        self.env = env_b  # invoice() creates in self.env's company
        move_b = self.invoice(client_b)
        self.env = env_a
        self.assertEqual(move_b.company_id, self.company_b)
        action = (move_a | move_b).action_aici_send()
        self.assertEqual(
            (move_a | move_b).mapped("l10n_fr_aici_state"),
            ["sent", "sent"],
            action["params"],
        )
        stored_a = self.sandbox.control("GET", "/_sandbox/demandePaiement")
        stored_b = self.sandbox_b.control("GET", "/_sandbox/demandePaiement")
        self.assertEqual([r["numFactureTiers"] for r in stored_a], [move_a.name])
        self.assertEqual([r["numFactureTiers"] for r in stored_b], [move_b.name])
        self.assertTrue(
            stored_b[0]["demandePaiement"]["inputPrestations"][0][
                "complement2"
            ].endswith("732829320")
        )

        # A client enrolled by company A cannot be invoiced through company B.
        self.env = env_b
        cross = self.invoice(client_a)
        self.env = env_a
        self.assertEqual(cross.l10n_fr_aici_state, "error")
        self.assertIn(
            "enrolled with the Urssaf account of", cross.l10n_fr_aici_last_error
        )

        # Company A's manager sees only A's journal and invoices.
        exchanges = (
            self.env["l10n_fr_aici.exchange"]
            .with_user(self.manager_a)
            .with_context(allowed_company_ids=self.company.ids)
        )
        visible = exchanges.search([])
        self.assertTrue(visible)
        self.assertEqual(visible.company_id, self.company)
        hidden = (
            self.env["l10n_fr_aici.exchange"]
            .sudo()
            .search([("company_id", "=", self.company_b.id)])
        )
        self.assertTrue(hidden)
        with self.assertRaises(AccessError):
            hidden.with_env(exchanges.env).read(["codes"])
        with self.assertRaises(AccessError):
            move_b.with_env(exchanges.env).read(["l10n_fr_aici_state"])
