from odoo.tests import HttpCase, tagged

from .common import AiciSandboxCase


@tagged("post_install", "-at_install")
class TestUi(AiciSandboxCase, HttpCase):
    """The accountant's click in a real browser (skipped without Chromium)."""

    def test_send_from_the_invoice_form(self):
        self.env.ref("base.user_admin").groups_id |= self.env.ref(
            "l10n_fr_aici.group_aici_manager"
        )
        client = self.active_client()
        self.product = self.service_product()
        move = self.invoice(client)
        self.assertEqual(move.l10n_fr_aici_state, "ready")
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_aici_send_invoice",
            login="admin",
        )
        self.assertEqual(move.l10n_fr_aici_state, "sent")
        self.assertTrue(move.l10n_fr_aici_request_id.urssaf_id)
