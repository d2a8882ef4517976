import datetime

from odoo import SUPERUSER_ID, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged, users

from ..odoo_series import partner_mobile_field
from ..urssaf.catalogues import CLIENT_STATES
from .common import AiciSandboxCase


@tagged("post_install", "-at_install")
class TestClientStates(AiciSandboxCase):
    """The client side of issue 10: statuses from Urssaf only, a next step and
    its button for every state, the birth place chosen, the wizard."""

    @classmethod
    def default_env_context(cls):
        return {}

    def client(self, **overrides):
        return self.env["res.partner"].create(self.client_values(**overrides))

    def set_status(self, partner, code):
        self.sandbox.control(
            "POST",
            f"/_sandbox/particulier/{partner.l10n_fr_aici_id_client}/status",
            json={"code": code},
        )
        partner.with_user(self.manager).action_aici_refresh_status()

    # --- statuses are Urssaf's --------------------------------------------------
    def test_status_never_written_by_hand(self):
        partner = self.client()
        field = partner._fields["l10n_fr_aici_state"]
        self.assertTrue(field.readonly)
        as_manager = partner.with_user(self.manager)
        for values in (
            {"l10n_fr_aici_state": "active"},
            {"l10n_fr_aici_status_code": "APPAREILLAGE_VALIDE"},
            {"l10n_fr_aici_id_client": "x"},
        ):
            with self.assertRaises(UserError):
                as_manager.write(values)
        with self.assertRaises(UserError):
            self.env["res.partner"].with_user(self.manager).create(
                self.client_values(l10n_fr_aici_state="active")
            )
        # An import goes through the same door.
        result = (
            self.env["res.partner"]
            .with_user(self.manager)
            .load(["name", "l10n_fr_aici_state"], [["Imported", "active"]])
        )
        self.assertFalse(result["ids"])
        self.assertEqual(partner.l10n_fr_aici_state, "not_enrolled")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Imported")]))

    # --- one sentence and its button per state ----------------------------------
    def test_every_state_tells_what_to_do(self):
        partner = self.client()
        as_manager = partner.with_user(self.manager)
        seen = {}

        def look():
            as_manager.invalidate_recordset()
            state = as_manager.l10n_fr_aici_state
            buttons = {
                name
                for name in ("can_enrol", "can_refresh", "can_reenrol")
                if as_manager[f"l10n_fr_aici_{name}"]
            }
            seen[state] = (as_manager.l10n_fr_aici_next_step, buttons)

        look()
        self.enrol(partner)
        look()
        for code in (
            "APPAREILLAGE_NF",
            "APPAREILLAGE_VALIDE",
            "PARTICULIER_BLOQUE",
            "MANDAT_ECHU",
        ):
            self.set_status(partner, code)
            look()
        # Urssaf no longer knows the client.
        self.sandbox.control("POST", "/_sandbox/reset")
        as_manager.action_aici_refresh_status()
        look()
        self.assertEqual(set(seen), set(CLIENT_STATES))
        self.assertEqual(seen["not_enrolled"][1], {"can_enrol"})
        self.assertIn("click Enrol", seen["not_enrolled"][0])
        self.assertEqual(seen["waiting"][1], {"can_refresh"})
        self.assertIn("particulier.urssaf.fr", seen["waiting"][0])
        self.assertIn("Refresh", seen["waiting"][0])
        self.assertEqual(seen["not_finalised"][1], {"can_refresh"})
        self.assertEqual(seen["active"][1], set())
        self.assertIn("since", seen["active"][0])
        self.assertIn("unpaid", seen["blocked"][0])
        self.assertIn("refuses every new payment request", seen["blocked"][0])
        self.assertEqual(seen["mandate_expired"][1], {"can_refresh", "can_reenrol"})
        self.assertIn("mandate", seen["mandate_expired"][0])
        self.assertEqual(seen["error"][1], {"can_refresh", "can_reenrol"})
        self.assertIn("Re-enrol", seen["error"][0])
        # Lifecycle order in the selection, hence in the group-by.
        self.assertEqual(
            [key for key, _label in partner._fields["l10n_fr_aici_state"].selection],
            list(CLIENT_STATES),
        )

    def test_reenrol_a_client_in_error(self):
        partner = self.client()
        self.enrol(partner)
        first_id = partner.l10n_fr_aici_id_client
        self.sandbox.control("POST", "/_sandbox/reset")
        partner.with_user(self.manager).action_aici_refresh_status()
        self.assertEqual(partner.l10n_fr_aici_state, "error")
        self.assertTrue(partner.with_user(self.manager).l10n_fr_aici_data_editable)
        action = partner.with_user(self.manager).action_aici_open_enrolment()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"confirm_checked": True})
        )
        self.assertEqual(wizard.problem_count, 0)
        wizard.action_enrol()
        self.assertEqual(partner.l10n_fr_aici_state, "waiting")
        self.assertNotEqual(partner.l10n_fr_aici_id_client, first_id)

    def test_refused_enrolment_says_so(self):
        partner = self.client()
        self.fault("register", "business_error", code="ERR_DGFIP_R2P_INCONNU")
        self.enrol(partner)
        as_manager = partner.with_user(self.manager)
        self.assertEqual(partner.l10n_fr_aici_state, "not_enrolled")
        self.assertIn("refused the enrolment", as_manager.l10n_fr_aici_next_step)
        self.assertEqual(as_manager.l10n_fr_aici_next_step_level, "danger")
        self.assertTrue(as_manager.l10n_fr_aici_can_enrol)

    # --- birth place ------------------------------------------------------------
    def test_birth_place_chosen_from_insee(self):
        france = self.env.ref("base.fr")
        self.assertEqual(france.l10n_fr_aici_insee_code, "99100")
        self.assertEqual(self.env.ref("base.es").l10n_fr_aici_insee_code, "99134")
        communes = self.env["l10n_fr_aici.insee.commune"]
        self.assertGreater(communes.search_count([]), 37000)
        by_postcode = communes.name_search("69001")
        self.assertIn("Lyon (69123)", [name for _id, name in by_postcode])
        by_name = communes.name_search("saint etienne", limit=50)
        self.assertIn("Saint-Étienne (42218)", [name for _id, name in by_name])
        ajaccio = communes._l10n_fr_aici_find("2A004")
        partner = self.client(
            l10n_fr_aici_birth_date=datetime.date(1948, 6, 2),
            l10n_fr_aici_birth_commune_code=False,
        )
        partner.l10n_fr_aici_birth_commune_id = ajaccio
        self.assertEqual(partner.l10n_fr_aici_birth_country_id, france)
        self.assertEqual(partner.l10n_fr_aici_birth_commune_code, "20004")
        self.assertEqual(partner.l10n_fr_aici_birth_commune_label, "Ajaccio")
        self.assertFalse(partner.l10n_fr_aici_problems)
        self.enrol(partner)
        stored = self.sandbox.control("GET", "/_sandbox/particulier")
        self.assertIn(partner.l10n_fr_aici_id_client, str(stored))
        born_later = self.client(l10n_fr_aici_birth_date=datetime.date(1980, 1, 1))
        born_later.l10n_fr_aici_birth_commune_id = ajaccio
        self.assertEqual(born_later.l10n_fr_aici_birth_commune_code, "2A004")
        # A code is read as the commune it names; one naming none is refused.
        by_code = self.client(l10n_fr_aici_birth_commune_code="20004")
        self.assertEqual(by_code.l10n_fr_aici_birth_commune_id, ajaccio)
        with self.assertRaises(ValidationError):
            self.client(l10n_fr_aici_birth_commune_code="69999")
        abroad = self.client(
            l10n_fr_aici_birth_country_id=self.env.ref("base.dz").id,
        )
        self.assertEqual(abroad.l10n_fr_aici_birth_country_code, "99352")
        self.assertFalse(abroad.l10n_fr_aici_birth_commune_code)
        self.assertFalse(abroad.l10n_fr_aici_problems)

    # --- the wizard -------------------------------------------------------------
    def test_wizard_problems_first_fixed_in_place(self):
        partner = self.client(
            l10n_fr_aici_birth_name="Dur4nd", l10n_fr_aici_data_checked=False
        )
        wizard_form = Form(
            self.env["l10n_fr_aici.enrolment.wizard"]
            .with_user(self.manager)
            .with_context(active_model="res.partner", active_ids=partner.ids)
        )
        self.assertEqual(wizard_form.problem_count, 1)
        self.assertEqual(wizard_form.problems_html.count("<li>"), 1)
        self.assertIn("contient un chiffre", wizard_form.problems_html)
        wizard_form.l10n_fr_aici_birth_name = "Durand"
        self.assertEqual(wizard_form.problem_count, 0)
        wizard_form.confirm_checked = True
        wizard = wizard_form.save()
        self.assertEqual(partner.l10n_fr_aici_birth_name, "Durand")
        wizard.action_enrol()
        self.assertEqual(partner.l10n_fr_aici_state, "waiting")
        self.assertIn(f"{partner.display_name}: enrolment recorded", wizard.result_html)

    def test_contact_copy_pre_filled_and_kept_in_step(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Émilie ROUX",
                "email": "emilie.roux@example.fr",
                partner_mobile_field(self.env): "06 12 34 56 78",
                "street": "3 rue de la République",
                "zip": "69001",
                "city": "Lyon",
            }
        )
        self.env["l10n_fr_aici.enrolment.wizard"].with_user(self.manager).with_context(
            active_model="res.partner", active_ids=partner.ids
        ).create({})
        self.assertRecordValues(
            partner,
            [
                {
                    "l10n_fr_aici_email": "emilie.roux@example.fr",
                    "l10n_fr_aici_mobile": "0612345678",
                    "l10n_fr_aici_street_label": "de la République",
                    "l10n_fr_aici_zip": "69001",
                    "l10n_fr_aici_commune_code": "69381",
                }
            ],
        )
        partner.write({"email": "emilie@example.org", "zip": "69002"})
        self.assertEqual(partner.l10n_fr_aici_email, "emilie@example.org")
        self.assertEqual(partner.l10n_fr_aici_commune_code, "69382")
        # Deliberately different: it stays.
        partner.l10n_fr_aici_email = "urssaf.emilie@example.fr"
        partner.email = "roux@example.net"
        self.assertEqual(partner.l10n_fr_aici_email, "urssaf.emilie@example.fr")
        # A value Urssaf would refuse is not copied.
        mobile = partner_mobile_field(self.env)
        partner.l10n_fr_aici_mobile = False
        partner[mobile] = "06 12 34 56 78"
        partner.l10n_fr_aici_mobile = "0612345678"
        partner[mobile] = "04 78 00 00 00"
        self.assertEqual(partner.l10n_fr_aici_mobile, "0612345678")

    # --- activities -------------------------------------------------------------
    def test_activities_go_to_the_responsible_never_odoobot(self):
        responsible = self.manager
        self.company.l10n_fr_aici_responsible_id = responsible
        partner = self.client(l10n_fr_aici_data_checked=True)
        self.enrol(partner)
        partner.l10n_fr_aici_enrolled_by_id = False
        partner.l10n_fr_aici_enrolment_date = (
            fields.Datetime.now() - datetime.timedelta(days=6)
        )
        odoobot = self.env(user=SUPERUSER_ID)
        odoobot["res.partner"]._l10n_fr_aici_alert_long_waits()
        self.assertEqual(partner.activity_ids.user_id, responsible)
        # Without a responsible: the first billing administrator, not OdooBot.
        self.company.l10n_fr_aici_responsible_id = False
        user = partner.with_env(odoobot)._l10n_fr_aici_activity_user()
        self.assertTrue(user)
        self.assertNotEqual(user.id, SUPERUSER_ID)
        self.assertTrue(user.has_group("account.group_account_manager"))

    @users("admin")
    def test_settings_responsible(self):
        settings = self.env["res.config.settings"].create(
            {"l10n_fr_aici_responsible_id": self.manager.id}
        )
        settings.execute()
        self.assertEqual(self.env.company.l10n_fr_aici_responsible_id, self.manager)
        self.assertEqual(
            self.env.company._fields["l10n_fr_aici_id_tiers_facturation"].default(
                self.env.company
            ),
            "TIERS-PRESTATION",
        )
