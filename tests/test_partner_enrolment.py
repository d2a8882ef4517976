import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..odoo_series import partner_mobile_field
from ..urssaf.catalogues import ERROR_CODES, error_info
from .common import AiciSandboxCase


@tagged("post_install", "-at_install")
class TestPartnerEnrolment(AiciSandboxCase):
    @classmethod
    def default_env_context(cls):
        # Chatter messages and activities are asserted.
        return {}

    def test_happy_path(self):
        partner = self.env["res.partner"].create(self.client_values())
        self.assertFalse(partner.l10n_fr_aici_problems)
        self.reset_calls()
        preview = (
            self.env["l10n_fr_aici.enrolment.wizard"]
            .with_user(self.manager)
            .create({"partner_ids": partner.ids})
            .preview_html
        )
        self.assertIn("Values exactly as they will be sent", preview)
        self.assertIn("FR76 **** 0189", preview)
        self.assertNotIn("FR7630006000011234567890189", preview)
        wizard = self.enrol(partner)
        self.assertEqual(wizard.state, "done")
        self.assertEqual(partner.l10n_fr_aici_state, "waiting")
        self.assertTrue(partner.l10n_fr_aici_id_client)
        self.assertEqual(partner.l10n_fr_aici_enrolled_by_id, self.manager)
        self.assertEqual(partner.l10n_fr_aici_company_id, self.company)
        self.assertTrue(partner.l10n_fr_aici_enrolment_date)
        self.assertIn(partner.l10n_fr_aici_id_client, partner.message_ids[0].body)
        self.assertEqual([c["operation"] for c in self.sandbox_calls()][-1], "register")

        partner.with_user(self.manager).action_aici_refresh_status()
        self.assertEqual(partner.l10n_fr_aici_state, "waiting")

        # Winter time: 10:15 in Paris is 09:15 UTC.
        self.sandbox.control(
            "POST",
            f"/_sandbox/particulier/{partner.l10n_fr_aici_id_client}/activate",
            json={"at": "2026-01-15T09:15:00Z"},
        )
        partner.with_user(self.manager).action_aici_refresh_status()
        self.assertEqual(partner.l10n_fr_aici_state, "active")
        self.assertEqual(
            partner.l10n_fr_aici_activation_datetime,
            datetime.datetime(2026, 1, 15, 9, 15),
        )
        self.assertEqual(partner.l10n_fr_aici_status_code, "APPAREILLAGE_VALIDE")

    def test_all_problems_listed_and_nothing_sent(self):
        partner = self.env["res.partner"].create(
            self.client_values(
                l10n_fr_aici_mobile=False,
                l10n_fr_aici_birth_date=False,
                l10n_fr_aici_iban=False,
                l10n_fr_aici_street_label="Rue beaucoup trop longue pour l'Urssaf",
                l10n_fr_aici_birth_commune_code=False,
            )
        )
        problems = partner.l10n_fr_aici_problems.splitlines()
        self.assertGreaterEqual(len(problems), 5, problems)
        self.reset_calls()
        wizard = (
            self.env["l10n_fr_aici.enrolment.wizard"]
            .with_user(self.manager)
            .create({"partner_ids": partner.ids, "confirm_checked": True})
        )
        self.assertGreaterEqual(wizard.problem_count, 5)
        with self.assertRaises(UserError) as error:
            wizard.action_enrol()
        for problem in problems:
            self.assertIn(problem, str(error.exception))
        self.assertEqual(self.sandbox_calls("register"), [])
        self.assertEqual(partner.l10n_fr_aici_state, "not_enrolled")

    def test_confirmation_required(self):
        partner = self.env["res.partner"].create(self.client_values())
        wizard = (
            self.env["l10n_fr_aici.enrolment.wizard"]
            .with_user(self.manager)
            .create({"partner_ids": partner.ids})
        )
        with self.assertRaises(UserError):
            wizard.action_enrol()
        self.assertFalse(partner.l10n_fr_aici_id_client)

    def test_malformed_values_refused_at_save(self):
        partner = self.env["res.partner"].create(self.client_values())
        for field, value in (
            ("l10n_fr_aici_iban", "FR7630006000011234567890188"),
            ("l10n_fr_aici_mobile", "01 23 45 67 89"),
            ("l10n_fr_aici_email", "a+b@example.fr"),
            ("l10n_fr_aici_bic", "12"),
            ("l10n_fr_aici_birth_commune_code", "123"),
            ("l10n_fr_aici_commune_code", "6900"),
        ):
            with self.subTest(field=field), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    partner.write({field: value})

    def test_urssaf_refusal_is_explained_and_recorded(self):
        partner = self.env["res.partner"].create(self.client_values())
        self.fault("register", "business_error", code="ERR_DGFIP_R2P_INCONNU")
        wizard = self.enrol(partner)
        self.assertEqual(partner.l10n_fr_aici_state, "not_enrolled")
        self.assertFalse(partner.l10n_fr_aici_id_client)
        self.assertIn("impôts", partner.l10n_fr_aici_last_error)
        self.assertIn("Field to fix: Birth Name", partner.l10n_fr_aici_last_error)
        self.assertIn("ERR_DGFIP_R2P_INCONNU", wizard.result_html)
        self.assertIn("ERR_DGFIP_R2P_INCONNU", partner.message_ids[0].body)
        # What the user typed is kept.
        self.assertEqual(partner.l10n_fr_aici_birth_name, "Durand")
        # A second attempt, now accepted by Urssaf, works.
        self.enrol(partner)
        self.assertEqual(partner.l10n_fr_aici_state, "waiting")

    def test_each_urssaf_refusal_is_explained(self):
        codes = [
            "ERR_DGFIP_R2P_INCONNU",
            "ERR_DGFIP_IMPOTPART_INCONNU",
            "ERR_ECV_PARTICULIERS_EXISTENT",
            "ERR_CONTACT",
            "ERR_COMPTE_BLOQUE",
            "ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE",
            "ERR_COORDONNEES_BANCAIRES",
            "ERREUR_REFERENCE_PARTICULIER_EXISTANTE_TYPE",
            "ERR_CODE_INCONNU_DE_NOUS",
        ]
        for code in codes:
            with self.subTest(code=code):
                partner = self.env["res.partner"].create(self.client_values())
                self.fault("register", "business_error", code=code)
                self.enrol(partner)
                self.assertFalse(partner.l10n_fr_aici_id_client)
                self.assertIn(code, partner.l10n_fr_aici_last_error)
                explanation = error_info(code).explanation
                if code in ERROR_CODES:
                    self.assertIn(explanation, partner.l10n_fr_aici_last_error)
                else:
                    # Unknown codes keep Urssaf's own words.
                    self.assertIn("code ERR_CODE_INCONNU_DE_NOUS", explanation)

    def test_urssaf_refuses_bank_details(self):
        partner = self.env["res.partner"].create(self.client_values())
        self.fault("register", "business_error", code="ERR_COORDONNEES_BANCAIRES")
        self.enrol(partner)
        self.assertIn("IBAN", partner.l10n_fr_aici_last_error)
        self.assertIn("Field to fix: IBAN (Urssaf)", partner.l10n_fr_aici_last_error)

    def test_already_enrolled_is_not_sent_again(self):
        partner = self.env["res.partner"].create(self.client_values())
        self.enrol(partner)
        self.reset_calls()
        wizard = (
            self.env["l10n_fr_aici.enrolment.wizard"]
            .with_user(self.manager)
            .create({"partner_ids": partner.ids, "confirm_checked": True})
        )
        with self.assertRaises(UserError):
            wizard.action_enrol()
        self.assertEqual(self.sandbox_calls("register"), [])

    def test_personal_data_reserved_to_the_group(self):
        partner = self.env["res.partner"].create(self.client_values())
        as_accountant = partner.with_user(self.accountant)
        for field in (
            "l10n_fr_aici_birth_date",
            "l10n_fr_aici_iban",
            "l10n_fr_aici_birth_commune_code",
        ):
            with self.subTest(field=field), self.assertRaises(AccessError):
                as_accountant.read([field])
        # The link status stays visible to every invoicing user.
        as_accountant.read(["l10n_fr_aici_state", "l10n_fr_aici_birth_name"])
        partner.with_user(self.manager).read(
            ["l10n_fr_aici_birth_date", "l10n_fr_aici_iban"]
        )
        with self.assertRaises(UserError):
            as_accountant.action_aici_open_enrolment()

    def test_prefill_from_contact(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Paul DUPONT",
                "street": "12 bis avenue Victor Hugo",
                "zip": "75016",
                "city": "Paris",
                "email": "paul.dupont+sap@example.fr",
                partner_mobile_field(self.env): "06 11 22 33 44",
            }
        )
        partner.with_user(self.manager).action_aici_prefill()
        self.assertRecordValues(
            partner,
            [
                {
                    "l10n_fr_aici_first_names": "Paul",
                    "l10n_fr_aici_birth_name": "DUPONT",
                    "l10n_fr_aici_street_number": "12",
                    "l10n_fr_aici_street_letter": "B",
                    "l10n_fr_aici_street_type": "AV",
                    "l10n_fr_aici_street_label": "Victor Hugo",
                    "l10n_fr_aici_zip": "75016",
                    "l10n_fr_aici_commune_label": "PARIS",
                    "l10n_fr_aici_mobile": "0611223344",
                    "l10n_fr_aici_email": False,
                    "l10n_fr_aici_data_checked": False,
                }
            ],
        )
        # The e-mail with "+" (refused by Urssaf) was left out and said so,
        # without quoting the value in the chatter.
        note = partner.message_ids[0].body
        self.assertIn("E-mail (Urssaf)", note)
        self.assertNotIn("paul.dupont", note)

    def test_status_changes_and_warnings(self):
        partner = self.active_client()
        self.sandbox.control(
            "POST",
            f"/_sandbox/particulier/{partner.l10n_fr_aici_id_client}/status",
            json={"code": "PARTICULIER_BLOQUE"},
        )
        partner.with_user(self.manager).action_aici_refresh_status()
        self.assertEqual(partner.l10n_fr_aici_state, "blocked")
        self.assertEqual(len(partner.activity_ids), 1)
        self.sandbox.control(
            "POST",
            f"/_sandbox/particulier/{partner.l10n_fr_aici_id_client}/status",
            json={"code": "MANDAT_ECHU"},
        )
        partner.with_user(self.manager).action_aici_refresh_status()
        self.assertEqual(partner.l10n_fr_aici_state, "mandate_expired")
        self.assertEqual(len(partner.activity_ids), 2)

    def test_cron_picks_only_partners_that_need_it(self):
        due = self.env["res.partner"].create(self.client_values())
        self.enrol(due)
        fresh = self.env["res.partner"].create(self.client_values())
        self.enrol(fresh)
        never = self.env["res.partner"].create(self.client_values())
        now = fields.Datetime.now()
        due.l10n_fr_aici_next_check = now - datetime.timedelta(minutes=1)
        fresh.l10n_fr_aici_next_check = now + datetime.timedelta(hours=1)
        self.reset_calls()
        self.env["res.partner"]._cron_aici_refresh_partners()
        self.assertEqual(len(self.sandbox_calls("status")), 1)
        self.assertTrue(due.l10n_fr_aici_last_check)
        self.assertFalse(fresh.l10n_fr_aici_last_check)
        self.assertFalse(never.l10n_fr_aici_last_check)
        self.assertGreater(due.l10n_fr_aici_next_check, now)

    def test_cron_survives_a_company_without_credentials(self):
        partner = self.env["res.partner"].create(self.client_values())
        self.enrol(partner)
        partner.l10n_fr_aici_next_check = fields.Datetime.now() - datetime.timedelta(
            minutes=1
        )
        self.company.l10n_fr_aici_client_secret = False
        self.env["res.partner"]._cron_aici_refresh_partners()
        self.assertIn("not configured", partner.l10n_fr_aici_last_error)
        self.assertGreater(partner.l10n_fr_aici_next_check, fields.Datetime.now())
        self.assertEqual(partner.l10n_fr_aici_state, "waiting")

    def test_long_wait_creates_one_activity(self):
        partner = self.env["res.partner"].create(self.client_values())
        self.enrol(partner)
        partner.l10n_fr_aici_enrolment_date = (
            fields.Datetime.now() - datetime.timedelta(days=6)
        )
        partner.l10n_fr_aici_next_check = fields.Datetime.now() + datetime.timedelta(
            hours=1
        )
        self.env["res.partner"]._cron_aici_refresh_partners()
        self.env["res.partner"]._cron_aici_refresh_partners()
        self.assertEqual(len(partner.activity_ids), 1)
        self.assertIn("5", partner.activity_ids.note)

    def test_enrolment_button_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_aici"], ["fr_FR"])
        arch = (
            self.env["res.partner"]
            .with_context(lang="fr_FR")
            .with_user(self.manager)
            .get_view(self.env.ref("base.view_partner_form").id)["arch"]
        )
        self.assertIn('string="Inscrire"', arch)
        self.assertIn('string="Actualiser"', arch)
