import datetime

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..urssaf.catalogues import error_info
from ..urssaf.client import TOKEN_CACHE
from ..urssaf.contract import validate
from ..urssaf.payload import build_payment_request
from .common import AiciSandboxCase, last_month

DAY = 24 * 3600


@tagged("post_install", "-at_install")
class TestInvoiceSend(AiciSandboxCase):
    @classmethod
    def default_env_context(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.service_product()
        cls.add_group(cls.env.user, "l10n_fr_aici.group_aici_manager")

    def setUp(self):
        super().setUp()
        self.client = self.active_client()

    # ----------------------------------------------------------- lifecycle
    def test_ready_only_when_posted_for_active_client(self):
        draft = self.invoice(self.client, post=False)
        self.assertEqual(draft.l10n_fr_aici_state, "not_applicable")
        draft.action_post()
        self.assertEqual(draft.l10n_fr_aici_state, "ready")
        stranger = self.env["res.partner"].create({"name": "Not enrolled"})
        self.assertEqual(self.invoice(stranger).l10n_fr_aici_state, "not_applicable")
        # Posted with something to fix: listed "to handle" with the reason.
        no_nature = self.service_product(nature=False, name="Sans nature")
        flawed = self.invoice(self.client, lines=[(no_nature, 1.0, 30.0)])
        self.assertEqual(flawed.l10n_fr_aici_state, "error")
        self.assertIn("nature", flawed.l10n_fr_aici_last_error)
        # The client becomes blocked: its ready invoices are no longer ready.
        self.client.l10n_fr_aici_state = "blocked"
        self.assertEqual(draft.l10n_fr_aici_state, "not_applicable")

    def test_automatic_sending(self):
        self.company.l10n_fr_aici_auto_send = True
        move = self.invoice(self.client)
        self.assertEqual(move.l10n_fr_aici_state, "queued")
        cron = self.env.ref("l10n_fr_aici.ir_cron_aici_send")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the sending job is triggered at once",
        )
        self.run_scheduled(cron)
        self.assertEqual(move.l10n_fr_aici_state, "sent")
        self.assertTrue(move.l10n_fr_aici_request_id.urssaf_id)

    def test_happy_path_to_paid(self):
        move = self.invoice(self.client)
        action = self.send(move)
        self.assertEqual(action["params"]["type"], "success", action["params"])
        self.assertEqual(move.l10n_fr_aici_state, "sent")
        self.assertEqual(move.l10n_fr_aici_request_id.status_code, "10")
        self.assertTrue(move.l10n_fr_aici_request_id.urssaf_id)
        stored = self.sandbox.control("GET", "/_sandbox/demandePaiement")
        self.assertEqual(
            [
                r["idDemandePaiement"]
                for r in stored
                if r["numFactureTiers"] == move.name
            ],
            [move.l10n_fr_aici_request_id.urssaf_id],
        )
        expected = [
            (2 * 3600, "waiting_client", "20"),
            (2 * DAY, "validated", "30"),
            (2 * DAY, "debited", "50"),
            (2 * DAY, "paid", "70"),
        ]
        for seconds, state, code in expected:
            self.advance(seconds)
            self.refresh(move)
            self.assertEqual(
                (move.l10n_fr_aici_state, move.l10n_fr_aici_request_id.status_code),
                (state, code),
            )
        self.assertEqual(
            move.l10n_fr_aici_request_id.transfer_amount, move.amount_total
        )
        self.assertTrue(move.l10n_fr_aici_request_id.transfer_date)
        # No journal configured: no payment registered.
        self.assertFalse(move.l10n_fr_aici_request_id.payment_id)
        self.assertTrue(
            move.l10n_fr_aici_request_id.next_check, "paid requests stay watched"
        )
        bodies = " ".join(move.message_ids.mapped("body"))
        for label in ("Payée", "Validée", "Prélevée"):
            self.assertIn(label, bodies)

    def test_paid_request_registers_the_payment_once(self):
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.company.l10n_fr_aici_payment_journal_id = journal
        start, end = last_month(2)
        client = self.env["res.partner"].create(self.client_values())
        self.enrol(client)
        self.activate(client, at=datetime.datetime.combine(start, datetime.time()))
        move = self.invoice(client, period=(start, end))
        # Sent eight days ago: paid, with a transfer already made.
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        eight_days_ago = (now - datetime.timedelta(days=8)).strftime(stamp)
        self.sandbox.control("POST", "/_sandbox/clock", json={"now": eight_days_ago})
        self.send(move)
        self.sandbox.control(
            "POST", "/_sandbox/clock", json={"now": now.strftime(stamp)}
        )
        self.refresh(move)
        self.assertEqual(move.l10n_fr_aici_state, "paid")
        self.assertLessEqual(
            move.l10n_fr_aici_request_id.transfer_date, fields.Date.today()
        )
        self.assertTrue(move.l10n_fr_aici_request_id.payment_id)
        self.assertEqual(move.l10n_fr_aici_request_id.payment_id.journal_id, journal)
        self.assertEqual(
            move.l10n_fr_aici_request_id.payment_id.amount, move.amount_total
        )
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        payment = move.l10n_fr_aici_request_id.payment_id
        self.advance(DAY)
        self.refresh(move)
        self.assertEqual(move.l10n_fr_aici_request_id.payment_id, payment)
        self.assertEqual(
            self.env["account.payment"].search_count(
                [("memo", "ilike", move.l10n_fr_aici_request_id.urssaf_id)]
            ),
            1,
        )

    def test_client_refusal(self):
        move = self.invoice(self.client)
        self.send(move)
        self.sandbox.control(
            "POST",
            f"/_sandbox/demandePaiement/{move.l10n_fr_aici_request_id.urssaf_id}/outcome",
            json={
                "outcome": "refuse",
                "code": "REGUL_NB_QTE_FACT",
                "commentaire": "Seulement 10 heures",
            },
        )
        self.refresh(move)
        self.assertEqual(move.l10n_fr_aici_state, "refused")
        self.assertEqual(
            move.l10n_fr_aici_request_id.rejection_code, "REGUL_NB_QTE_FACT"
        )
        self.assertEqual(
            move.l10n_fr_aici_request_id.rejection_comment, "Seulement 10 heures"
        )
        self.assertFalse(move.l10n_fr_aici_request_id.next_check)
        self.assertEqual(len(move.activity_ids), 1)
        self.assertIn("10 heures", move.activity_ids.note)
        # Never resent under the same number.
        with self.assertRaises(UserError) as error:
            self.send(move)
        self.assertIn("credit note", str(error.exception))

    def test_unpaid_then_recovered(self):
        move = self.invoice(self.client)
        self.send(move)
        self.sandbox.control(
            "POST",
            f"/_sandbox/demandePaiement/{move.l10n_fr_aici_request_id.urssaf_id}/outcome",
            json={"outcome": "unpaid", "then": "recover"},
        )
        self.advance(4 * DAY + 2 * 3600)
        self.refresh(move)
        self.assertEqual(move.l10n_fr_aici_state, "debited")
        self.advance(DAY + 60)
        self.refresh(move)
        self.assertEqual(move.l10n_fr_aici_state, "unpaid")
        self.assertEqual(len(move.activity_ids), 1)
        self.advance(DAY + 60)
        self.refresh(move)
        self.assertEqual(
            (move.l10n_fr_aici_state, move.l10n_fr_aici_request_id.status_code),
            ("recovered", "120"),
        )
        self.assertFalse(move.l10n_fr_aici_request_id.next_check)

    def test_cancellation(self):
        move = self.invoice(self.client)
        self.send(move)
        with self.assertRaises(UserError) as error:
            move.button_draft()
        self.assertIn(
            "cancellation must be requested from Urssaf", str(error.exception)
        )
        self.assertTrue(move.need_cancel_request)
        move.button_request_cancel()
        self.assertEqual(move.l10n_fr_aici_state, "to_check")
        self.advance(3 * 3600)
        self.refresh(move)
        self.assertEqual(
            move.l10n_fr_aici_state, "to_check", "kept until Urssaf cancels"
        )
        self.sandbox.control(
            "POST",
            f"/_sandbox/demandePaiement/{move.l10n_fr_aici_request_id.urssaf_id}/outcome",
            json={"outcome": "cancel", "code": "ANNUL_ERR_MNT"},
        )
        self.refresh(move)
        self.assertEqual(
            (move.l10n_fr_aici_state, move.l10n_fr_aici_request_id.status_code),
            ("cancelled", "110"),
        )
        self.assertEqual(move.l10n_fr_aici_request_id.rejection_code, "ANNUL_ERR_MNT")
        self.assertFalse(move.need_cancel_request)
        move.button_draft()
        self.assertEqual(move.state, "draft")

    # -------------------------------------------------------------- refusals
    def test_business_error_from_urssaf(self):
        move = self.invoice(self.client)
        # Urssaf knows another birth date than the one now in Odoo.
        self.client.l10n_fr_aici_birth_date = datetime.date(1981, 3, 29)
        self.send(move)
        self.assertEqual(move.l10n_fr_aici_state, "error")
        self.assertIn("ERR_PARTICULIER_INCONNU", move.l10n_fr_aici_last_error)
        self.assertFalse(move.l10n_fr_aici_request_id.urssaf_id)
        # Fixed, it goes.
        self.client.l10n_fr_aici_birth_date = datetime.date(1980, 3, 29)
        self.send(move)
        self.assertEqual(move.l10n_fr_aici_state, "sent")

    def test_each_submission_refusal_is_explained(self):
        for code in (
            "ERR_CMPT_BLOQUE",
            "ERR_MANDAT_ECHU",
            "ERR_LIEN_PARTICULIER_PRESTATAIRE",
        ):
            with self.subTest(code=code):
                move = self.invoice(self.client)
                self.fault("submit", "business_error", code=code)
                self.send(move)
                self.assertEqual(move.l10n_fr_aici_state, "error")
                self.assertFalse(move.l10n_fr_aici_request_id.urssaf_id)
                self.assertIn(code, move.l10n_fr_aici_last_error)
                self.assertIn(
                    error_info(code).explanation, move.l10n_fr_aici_last_error
                )
                self.assertIn(code, move.message_ids[0].body)

    def assert_blocked(self, move, fragment):
        self.reset_calls()
        with self.assertRaises(UserError) as error:
            self.send(move)
        self.assertIn(fragment, str(error.exception))
        self.assertEqual(self.sandbox_calls("submit"), [])

    def test_preflight_rules(self):
        start, end = last_month()
        credit_note = self.invoice(self.client, move_type="out_refund")
        self.assert_blocked(credit_note, "Credit notes are never sent")

        draft = self.invoice(self.client, post=False)
        self.assert_blocked(draft, "posted")

        waiting = self.env["res.partner"].create(self.client_values())
        self.enrol(waiting)
        self.assert_blocked(self.invoice(waiting), "not active")

        two_months = self.invoice(self.client)
        two_months.l10n_fr_aici_period_start = start - datetime.timedelta(days=1)
        self.assert_blocked(two_months, "mois")

        future = self.invoice(self.client)
        future.l10n_fr_aici_period_start = fields.Date.today().replace(day=1)
        future.l10n_fr_aici_period_end = fields.Date.today() + datetime.timedelta(
            days=1
        )
        self.assert_blocked(future, "futur")

        no_nature = self.service_product(nature=False, name="Sans nature")
        self.assert_blocked(
            self.invoice(self.client, lines=[(no_nature, 1.0, 30.0)]), "nature"
        )

        negative = self.invoice(
            self.client, lines=[(self.product, 10.0, 22.0), (self.product, 1.0, -20.0)]
        )
        self.assert_blocked(negative, "négati")

        late = self.env["res.partner"].create(self.client_values())
        self.enrol(late)
        self.activate(
            late,
            at=datetime.datetime.combine(start, datetime.time(8, 0))
            + datetime.timedelta(days=10),
        )
        before_activation = self.invoice(late)
        before_activation.l10n_fr_aici_period_end = start + datetime.timedelta(days=5)
        self.assert_blocked(before_activation, "activ")

    def test_period_starting_on_the_activation_day(self):
        """Urssaf compares the period's start, <day>T00:00:00Z, with the
        activation instant: a period starting on the activation day, the client
        activated at 10:00 UTC, is stopped before anything is sent, with the
        first day that can be sent; from the next day on, it goes."""
        start, end = last_month()
        client = self.env["res.partner"].create(self.client_values())
        self.enrol(client)
        activated = datetime.datetime.combine(start, datetime.time(10, 0))
        self.activate(client, at=activated)
        self.assertEqual(client.l10n_fr_aici_activation_datetime, activated)
        next_day = start + datetime.timedelta(days=1)

        same_day = self.invoice(client, period=(start, end))
        self.assertEqual(same_day.l10n_fr_aici_state, "error")
        message = same_day.l10n_fr_aici_last_error
        self.assertIn(
            f"La période commence le {start:%d/%m/%Y}, avant l'activation", message
        )
        # The activation shown in Paris time (11:00 or 12:00), the first day
        # that can be sent, French typography.
        self.assertRegex(message, rf"le {start:%d/%m/%Y} à 1[12] h 00")
        self.assertIn(f"au plus tôt le {next_day:%d/%m/%Y} ;", message)
        self.assert_blocked(same_day, f"au plus tôt le {next_day:%d/%m/%Y}")
        self.assertEqual(self.sandbox_calls("submit"), [])
        self.assertFalse(same_day.l10n_fr_aici_request_ids)

        from_next_day = self.invoice(client, period=(next_day, end))
        self.assertEqual(from_next_day.l10n_fr_aici_state, "ready")
        self.send(from_next_day)
        self.assertEqual(from_next_day.l10n_fr_aici_state, "sent")
        self.assertEqual(len(self.sandbox_calls("submit")), 1)

    def test_mixed_selection(self):
        good = self.invoice(self.client)
        other_good = self.invoice(self.client)
        credit_note = self.invoice(self.client, move_type="out_refund")
        self.reset_calls()
        action = self.send(good | other_good | credit_note)
        # The credit note is not concerned: counted, not listed as a problem.
        self.assertEqual(action["params"]["type"], "success")
        self.assertNotIn(credit_note.name, action["params"]["message"])
        self.assertIn(
            "One other selected invoice left aside", action["params"]["message"]
        )
        # Alone, it is explained.
        with self.assertRaises(UserError) as error:
            self.send(credit_note)
        self.assertIn("Credit notes are never sent", str(error.exception))
        self.assertEqual(
            (good | other_good).mapped("l10n_fr_aici_state"), ["sent", "sent"]
        )
        self.assertEqual(credit_note.l10n_fr_aici_state, "not_applicable")
        submits = self.sandbox_calls("submit")
        self.assertEqual([c["items"] for c in submits], [2])

    def test_cron_batches_at_most_ten_per_call(self):
        moves = self.env["account.move"]
        for _index in range(12):
            moves |= self.invoice(self.client)
        moves._l10n_fr_aici_requests_to_send()
        self.assertEqual(set(moves.mapped("l10n_fr_aici_state")), {"queued"})
        self.reset_calls()
        self.env["l10n_fr_aici.payment.request"]._cron_send()
        self.assertEqual(set(moves.mapped("l10n_fr_aici_state")), {"sent"})
        self.assertEqual([c["items"] for c in self.sandbox_calls("submit")], [10, 2])
        # Status refresh: ids by 10 per search as well.
        moves.l10n_fr_aici_request_id.write({"next_check": fields.Datetime.now()})
        self.reset_calls()
        self.env["l10n_fr_aici.payment.request"]._cron_refresh_status()
        self.assertEqual([c["items"] for c in self.sandbox_calls("search")], [10, 2])

    def test_journal_has_one_row_per_call(self):
        moves = self.env["account.move"]
        for _index in range(12):
            moves |= self.invoice(self.client)
        moves._l10n_fr_aici_requests_to_send()
        journal = self.env["l10n_fr_aici.exchange"]
        before = journal.search([])
        self.env["l10n_fr_aici.payment.request"]._cron_send()
        rows = journal.search([("operation", "=", "submit")]) - before
        self.assertEqual(sorted(len(r.request_ids) for r in rows), [2, 10])
        self.assertEqual(sorted(rows.mapped("items")), [2, 10])
        self.assertEqual(rows.request_ids, moves.l10n_fr_aici_request_id)
        self.assertEqual(rows.partner_ids, self.client)
        self.assertEqual(
            moves[0].l10n_fr_aici_exchange_ids.filtered(
                lambda r: r.operation == "submit"
            ),
            rows.filtered(lambda r: moves[0].l10n_fr_aici_request_id in r.request_ids),
        )
        # Retention: rows older than the setting go with the autovacuum.
        self.env["ir.config_parameter"].set_param(
            "l10n_fr_aici.exchange_retention_months", "13"
        )
        old, recent = rows.sorted("id")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE l10n_fr_aici_exchange SET create_date = now() - interval "
            "'14 months' WHERE id = %s",
            [old.id],
        )
        journal._gc_l10n_fr_aici_exchanges()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    def test_journal_rows_explained_and_token_attributed_to_nobody(self):
        """Each row opens on a form; codes come with their French explanation;
        invoice numbers are shown whole; the authentication call concerns no
        client and no invoice, even when an enrolment or a sending needed it."""
        journal = self.env["l10n_fr_aici.exchange"]
        before = journal.search([])
        TOKEN_CACHE.clear()
        client = self.env["res.partner"].create(self.client_values())
        self.enrol(client)
        move = self.invoice(self.client)
        TOKEN_CACHE.clear()
        self.fault("submit", "business_error", code="ERR_CMPT_BLOQUE")
        self.send(move)
        rows = journal.search([]) - before
        tokens = rows.filtered(lambda r: r.operation == "token")
        self.assertEqual(len(tokens), 2)
        self.assertFalse(tokens.partner_ids)
        self.assertFalse(tokens.request_ids)
        self.assertFalse(any(tokens.mapped("invoice_numbers")))
        register = rows.filtered(lambda r: r.operation == "register")
        self.assertEqual(register.partner_ids, client)
        submit = rows.filtered(lambda r: r.operation == "submit")
        self.assertEqual(submit.partner_ids, self.client)
        self.assertEqual(submit.request_ids, move.l10n_fr_aici_request_ids)
        self.assertEqual(submit.invoice_numbers, move.name)
        self.assertEqual(submit.codes, "ERR_CMPT_BLOQUE")
        info = error_info("ERR_CMPT_BLOQUE")
        self.assertEqual(
            submit.codes_explanation,
            f"ERR_CMPT_BLOQUE : {info.explanation} {info.action}",
        )
        self.assertEqual(move.l10n_fr_aici_exchange_ids, submit)
        self.assertIn("–", submit.display_name)

        # A batch lists all its invoice numbers, whole, one a line.
        moves = self.invoice(self.client) | self.invoice(self.client)
        self.send(moves)
        batch = journal.search([("operation", "=", "submit")], limit=1)
        self.assertEqual(
            batch.invoice_numbers.split("\n"), sorted(moves.mapped("name"))
        )
        # (Rows committed by other tests may carry the same invoice numbers.)
        self.assertEqual(
            journal.search([("invoice_numbers", "ilike", moves[0].name)]) - before,
            batch,
        )

        # The screens: rows open on a form; explanation and numbers in the list.
        action = self.env.ref("l10n_fr_aici.l10n_fr_aici_exchange_action")
        self.assertIn("form", action.view_mode.split(","))
        form = journal.get_view(view_type="form")["arch"]
        for name in (
            "operation",
            "outcome",
            "http_status",
            "codes",
            "codes_explanation",
            "correlation_id",
            "request_ids",
            "partner_ids",
            "invoice_numbers",
            "create_date",
        ):
            self.assertIn(f'name="{name}"', form)
        listing = journal.get_view(view_type="list")["arch"]
        self.assertIn('name="invoice_numbers"', listing)
        self.assertIn('name="codes_explanation"', listing)
        self.assertEqual(journal._fields["invoice_numbers"].type, "text")

        # In French: the operation, and the journal's own words.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_aici"], ["fr_FR"])
        french = journal.with_context(lang="fr_FR")
        self.assertTrue(
            tokens[:1]
            .with_context(lang="fr_FR")
            .display_name.startswith("Authentification")
        )
        self.assertIn(
            "ne concerne aucun client", french.get_view(view_type="form")["arch"]
        )

    def test_batch_size_setting(self):
        self.company.l10n_fr_aici_batch_size = 3
        moves = self.env["account.move"]
        for _index in range(4):
            moves |= self.invoice(self.client)
        self.reset_calls()
        self.send(moves)
        self.assertEqual([c["items"] for c in self.sandbox_calls("submit")], [3, 1])

    def test_payload_follows_the_official_contract(self):
        move = self.invoice(
            self.client,
            lines=[(self.product, 3.0, 33.333), (self.product, 1.5, 21.01)],
        )
        payload = build_payment_request(move._l10n_fr_aici_payment_request())
        self.assertEqual(validate("InputDemandePaiement", payload), [])
        lines = payload["inputPrestations"]
        self.assertAlmostEqual(
            sum(line["mntPrestationTTC"] for line in lines), payload["mntFactureTTC"]
        )
        for line in lines:
            self.assertAlmostEqual(
                round(line["quantite"] * line["mntUnitaireTTC"], 2),
                line["mntPrestationTTC"],
            )
        self.assertEqual(lines[0]["complement2"], "SAP552100554")
        self.send(move)
        self.assertEqual(move.l10n_fr_aici_state, "sent")

    def test_send_button_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_aici"], ["fr_FR"])
        arch = (
            self.env["account.move"]
            .with_context(lang="fr_FR")
            .get_view(self.env.ref("account.view_move_form").id)["arch"]
        )
        self.assertIn("Envoyer à l'Urssaf", arch)
