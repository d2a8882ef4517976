from odoo.tests import HttpCase, tagged

from .common import AiciSandboxCase


@tagged("post_install", "-at_install")
class TestUi(AiciSandboxCase, HttpCase):
    """The accountant's click in a real browser (skipped without Chromium)."""

    def setUp(self):
        super().setUp()
        admin = self.env.ref("base.user_admin")
        self.add_group(admin, "l10n_fr_aici.group_aici_manager")

    def in_french(self):
        """The admin works in French, with the add-on's French terms."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_aici"], ["fr_FR"])
        self.env.ref("base.user_admin").lang = "fr_FR"

    def test_send_from_the_invoice_form(self):
        client = self.active_client()
        self.product = self.service_product()
        move = self.invoice(client)
        self.assertEqual(move.l10n_fr_aici_state, "ready")
        self.in_french()
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_aici_send_invoice",
            login="admin",
        )
        self.assertEqual(move.l10n_fr_aici_state, "sent")
        self.assertTrue(move.l10n_fr_aici_request_id.urssaf_id)

    def test_read_a_refusal_and_correct_it(self):
        client = self.active_client()
        self.product = self.service_product()
        move = self.invoice(client)
        move.action_aici_send()
        self.sandbox.control(
            "POST",
            f"/_sandbox/demandePaiement/{move.l10n_fr_aici_request_id.urssaf_id}"
            "/outcome",
            json={
                "outcome": "refuse",
                "code": "REGUL_NB_QTE_FACT",
                "commentaire": "Seulement 10 heures",
            },
        )
        move.action_aici_refresh()
        self.assertEqual(move.l10n_fr_aici_state, "refused")
        self.in_french()
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_aici_correct_refusal",
            login="admin",
        )
        self.assertEqual(move.l10n_fr_aici_state, "corrected")
        new_move = move.l10n_fr_aici_replaced_by_id
        self.assertEqual(new_move.state, "draft")
        self.assertEqual(new_move.l10n_fr_aici_replaces_id, move)
        self.assertEqual(move.reversal_move_ids.state, "posted")

    def test_enrol_from_the_contact_form(self):
        partner = self.env["res.partner"].create(
            self.client_values(
                l10n_fr_aici_birth_name="Dur4nd",
                l10n_fr_aici_birth_commune_code=False,
                l10n_fr_aici_data_checked=False,
            )
        )
        self.assertEqual(partner.l10n_fr_aici_state, "not_enrolled")
        self.start_tour(
            f"/odoo/res.partner/{partner.id}",
            "l10n_fr_aici_enrol_client",
            login="admin",
        )
        self.assertEqual(partner.l10n_fr_aici_state, "waiting")
        self.assertEqual(partner.l10n_fr_aici_birth_name, "Durand")
        self.assertEqual(partner.l10n_fr_aici_birth_commune_code, "69123")
        self.assertTrue(partner.l10n_fr_aici_id_client)
        registered = self.sandbox.control("GET", "/_sandbox/particulier")
        self.assertIn(partner.l10n_fr_aici_id_client, str(registered))
