from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..urssaf.client import PRODUCTION_URL, SANDBOX_URL
from .common import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, AiciSandboxCase


@tagged("post_install", "-at_install")
class TestSettings(AiciSandboxCase):
    def _settings(self, **values):
        vals = {
            "l10n_fr_aici_environment": "custom",
            "l10n_fr_aici_api_base_url": self.sandbox.url,
            "l10n_fr_aici_client_id": SANDBOX_CLIENT_ID,
            "l10n_fr_aici_client_secret": SANDBOX_CLIENT_SECRET,
        }
        vals.update(values)
        return self.env["res.config.settings"].create(vals)

    def test_environment_urls(self):
        company = self.company
        company.l10n_fr_aici_environment = "sandbox"
        self.assertEqual(company._l10n_fr_aici_base_url(), SANDBOX_URL)
        company.l10n_fr_aici_environment = "production"
        self.assertEqual(company._l10n_fr_aici_base_url(), PRODUCTION_URL)
        company.l10n_fr_aici_environment = "custom"
        self.assertEqual(company._l10n_fr_aici_base_url(), self.sandbox.url)

    def test_settings_write_through_to_company(self):
        settings = self._settings(
            l10n_fr_aici_client_id="another-id", l10n_fr_aici_nova_number="123456789"
        )
        settings.execute()
        self.assertEqual(self.company.l10n_fr_aici_client_id, "another-id")
        self.assertEqual(self.company._l10n_fr_aici_intervenant_code(), "SAP123456789")

    def test_connection_success(self):
        before = len(self.sandbox_calls())
        action = self._settings().action_aici_test_connection()
        self.assertEqual(action["params"]["type"], "success", action["params"])
        calls = self.sandbox_calls()[before:]
        operations = [call["operation"] for call in calls]
        self.assertEqual(operations, ["token", "search"])

    def test_connection_wrong_secret(self):
        action = self._settings(
            l10n_fr_aici_client_secret="wrong-secret"
        ).action_aici_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("client ID", action["params"]["message"])

    def test_connection_unreachable(self):
        action = self._settings(
            l10n_fr_aici_api_base_url="http://127.0.0.1:9"
        ).action_aici_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("Rien n'a été transmis", action["params"]["message"])

    def test_connection_missing_credentials(self):
        action = self._settings(
            l10n_fr_aici_client_id=False
        ).action_aici_test_connection()
        self.assertEqual(action["params"]["type"], "danger")

    def test_secret_reserved_to_administrators(self):
        accountant = new_test_user(
            self.env,
            login="l10n_fr_aici_account_manager",
            groups="account.group_account_manager",
        )
        company = self.company.with_user(accountant)
        with self.assertRaises(AccessError):
            company.read(["l10n_fr_aici_client_secret"])
        # Non-secret provider identification stays readable.
        company.read(["l10n_fr_aici_nova_number"])

    def sandbox_calls(self):
        return self.sandbox.control("GET", "/_sandbox/calls")
