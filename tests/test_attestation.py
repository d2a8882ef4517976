import datetime
import io
import re

import lxml.html

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from ..models import l10n_fr_aici_tax_attestation as attestation_module
from ..odoo_series import company_siret_field, product_uom_values

D = datetime.date
YEAR = 2025


class AttestationMixin:
    """A year of one client mixing avance-immédiate invoices (paid, unpaid,
    unpaid then recovered, paid by Urssaf after the year), invoices paid
    directly, a credit note refunded and a CESU préfinancé payment; another
    client with APA."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["l10n_fr_aici"], ["fr_FR"])
        cls.company = cls.env.company
        euro = cls.env.ref("base.EUR")
        euro.active = True
        cls.company.write(
            {
                "currency_id": euro.id,
                "country_id": cls.env.ref("base.fr").id,
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                company_siret_field(cls.env): "55210055400013",
                "l10n_fr_aici_declaration_number": "SAP552100554",
                "l10n_fr_aici_declaration_date": D(2020, 2, 3),
            }
        )
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.cesu_journal = cls.env["account.journal"].create(
            {
                "name": "CESU préfinancés",
                "code": "CESU",
                "type": "bank",
                "l10n_fr_aici_cesu": True,
                "company_id": cls.company.id,
            }
        )
        hour = cls.env.ref("uom.product_uom_hour")
        cls.cleaning = cls.env["product.product"].create(
            {
                "name": "Ménage à domicile",
                "type": "service",
                **product_uom_values(cls.env, hour),
                "list_price": 30.0,
                "taxes_id": [fields.Command.clear()],
                "l10n_fr_aici_nature_code": "60",
            }
        )
        cls.fee = cls.env["product.product"].create(
            {
                "name": "Frais de dossier",
                "type": "service",
                "list_price": 15.0,
                "taxes_id": [fields.Command.clear()],
            }
        )
        cls.alice = cls.env["res.partner"].create(
            {"name": "Alice Dupont", "ref": "INT-001"}
        )
        cls.bruno = cls.env["res.partner"].create(
            {"name": "Bruno Leroy", "ref": "INT-002"}
        )
        address = {
            "street": "1 rue de la Charité",
            "zip": "69002",
            "city": "Lyon",
            "country_id": cls.env.ref("base.fr").id,
            "lang": "fr_FR",
        }
        cls.jeanne = cls.env["res.partner"].create(
            dict(
                address,
                name="Jeanne Martin",
                email="jeanne.martin@example.fr",
                l10n_fr_aici_iban="FR7630006000011234567890189",
            )
        )
        cls.paul = cls.env["res.partner"].create(
            dict(address, name="Paul Durand", email="paul.durand@example.fr")
        )
        cls.manager = new_test_user(
            cls.env,
            login="aici_attestation_manager",
            groups="account.group_account_manager",
            lang="fr_FR",
        )

    # ------------------------------------------------------------ helpers
    def invoice(self, partner, lines, month, intervenant=None, refund=False, **extra):
        start = D(YEAR, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(
            days=1
        )
        form = Form(
            self.env["account.move"].with_context(
                default_move_type="out_refund" if refund else "out_invoice"
            )
        )
        form.partner_id = partner
        form.invoice_date = end
        if intervenant:
            form.l10n_fr_aici_intervenant_id = intervenant
        for product, quantity, line_intervenant in lines:
            with form.invoice_line_ids.new() as line:
                line.product_id = product
                line.quantity = quantity
                line.tax_ids.clear()
                if line_intervenant:
                    line.l10n_fr_aici_intervenant_id = line_intervenant
        for name, value in extra.items():
            setattr(form, name, value)
        move = form.save()
        move.write({"l10n_fr_aici_period_start": start, "l10n_fr_aici_period_end": end})
        move.action_post()
        return move

    def pay(self, move, amount, date, journal=None):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "journal_id": (journal or self.bank).id,
                    "amount": amount,
                    "payment_date": date,
                }
            )
            ._create_payments()
        )

    def urssaf(self, move, state, transfer_date, register=False):
        """The payment request the sending side keeps when Urssaf pays it."""
        request = self.env["l10n_fr_aici.payment.request"].create(
            {
                "move_id": move.id,
                "company_id": move.company_id.id,
                "partner_id": move.partner_id.commercial_partner_id.id,
                "invoice_number": move.name,
                "currency_id": move.currency_id.id,
                "amount_total": move.amount_total,
                "state": state,
                "transfer_amount": move.amount_total,
                "transfer_date": transfer_date,
            }
        )
        self.assertEqual(move.l10n_fr_aici_state, state)
        if register:
            request.payment_id = self.pay(move, move.amount_total, transfer_date)

    def year_of_jeanne(self):
        alice, bruno = self.alice, self.bruno
        paid = self.invoice(self.jeanne, [(self.cleaning, 10, None)], 2, alice)
        self.urssaf(paid, "paid", D(YEAR, 3, 6), register=True)
        recovered = self.invoice(self.jeanne, [(self.cleaning, 8, None)], 3, alice)
        # Unpaid debit: Urssaf took the client's share back; she paid it to
        # the provider directly.
        self.urssaf(recovered, "recovered", D(YEAR, 4, 8))
        self.pay(recovered, 120, D(YEAR, 5, 20))
        unpaid = self.invoice(self.jeanne, [(self.cleaning, 4, None)], 11, alice)
        self.urssaf(unpaid, "unpaid", D(YEAR, 12, 10))
        direct = self.invoice(
            self.jeanne, [(self.cleaning, 6, bruno), (self.fee, 1, None)], 6
        )
        self.pay(direct, 195, D(YEAR, 6, 15))
        cesu = self.invoice(self.jeanne, [(self.cleaning, 5, None)], 7)
        self.pay(cesu, 100, D(YEAR, 7, 10), journal=self.cesu_journal)
        self.pay(cesu, 50, D(YEAR, 7, 12))
        credit = self.invoice(self.jeanne, [(self.cleaning, 1, bruno)], 6, refund=True)
        self.pay(credit, 30, D(YEAR, 9, 1))
        january = self.invoice(self.jeanne, [(self.cleaning, 2, None)], 12, alice)
        self.urssaf(january, "paid", D(YEAR + 1, 1, 8))
        old = self.invoice(self.jeanne, [(self.cleaning, 3, alice)], 1)
        # Dated January, paid in advance the year before.
        self.pay(old, 90, D(YEAR - 1, 12, 20))
        return {
            "paid": paid,
            "recovered": recovered,
            "unpaid": unpaid,
            "direct": direct,
            "cesu": cesu,
            "credit": credit,
            "january": january,
            "old": old,
        }

    def compute(self, partner, year=YEAR):
        result = self.env["l10n_fr_aici.tax.attestation"]._l10n_fr_aici_compute(
            self.company, year, partner
        )
        return result[partner]

    def generate(self, partners, send=False, pdf=False):
        records = (
            self.env["l10n_fr_aici.tax.attestation"]
            .with_user(self.manager)
            ._l10n_fr_aici_queue(partners, YEAR, send_email=send)
        )
        # Tests render reports as HTML unless told to make the real PDF.
        self.env["l10n_fr_aici.tax.attestation"].with_context(
            force_report_rendering=pdf
        )._cron_aici_attestations()
        return records

    def report_lines(self, record):
        """The attestation's text line by line, from the very HTML its PDF is
        printed from: one line per heading, paragraph, block and table row."""
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_fr_aici.action_report_tax_attestation", record.ids
        )
        page = lxml.html.fromstring(html).xpath(
            "//div[contains(@class, 'o_l10n_fr_aici_attestation')]"
        )[0]
        lines = []
        for element in page.iter("h2", "h4", "p", "strong", "div", "tr"):
            if element.tag == "div" and element.xpath(".//div"):
                continue
            if element.tag == "tr":
                texts = [cell.text_content() for cell in element.iter("td", "th")]
            else:
                texts = [element.text_content()]
            line = " ".join(texts).replace("\ufeff", "")
            line = re.sub(r"\s+", " ", line).strip()
            if line:
                lines.append(line)
        return lines


@tagged("post_install", "-at_install")
class TestAttestation(AttestationMixin, TransactionCase):
    def test_amounts_of_the_year(self):
        moves = self.year_of_jeanne()
        result = self.compute(self.jeanne)
        by_number = {a.number: a for a in result.amounts}

        def amounts(key):
            item = by_number[moves[key].name]
            return tuple(
                float(v)
                for v in (item.gross, item.advance, item.apa_pch, item.cesu, item.net)
            )

        self.assertEqual(amounts("paid"), (300, 150, 0, 0, 150))
        self.assertEqual(amounts("recovered"), (240, 120, 0, 0, 120))
        self.assertEqual(amounts("unpaid"), (60, 60, 0, 0, 0))
        self.assertEqual(amounts("direct"), (180, 0, 0, 0, 180))  # fee left out
        self.assertEqual(amounts("cesu"), (150, 0, 0, 100, 50))
        self.assertEqual(amounts("credit"), (-30, 0, 0, 0, -30))
        self.assertNotIn(moves["january"].name, by_number)
        self.assertNotIn(moves["old"].name, by_number)
        totals = result.totals
        self.assertEqual(
            [float(v) for v in (totals.gross, totals.advance, totals.cesu, totals.net)],
            [900, 330, 100, 470],
        )
        anomalies = {a.code: a.invoices for a in result.anomalies}
        self.assertEqual(anomalies["unpaid"], (moves["unpaid"].name,))
        self.assertEqual(anomalies["no_intervenant"], (moves["cesu"].name,))
        # The Urssaf transfer of 8 January counts in the year before with the
        # 16 January window (first used that year).
        self.company.write(
            {
                "l10n_fr_aici_attestation_window": "january_16",
                "l10n_fr_aici_attestation_window_since": YEAR,
            }
        )
        shifted = self.compute(self.jeanne)
        self.assertEqual(float(shifted.totals.advance), 360)
        self.assertEqual(float(shifted.totals.net), 500)
        self.assertFalse(self.compute(self.jeanne, YEAR + 1).amounts)

    def test_regeneration_keeps_previous_versions_and_sends(self):
        self.year_of_jeanne()
        first = self.generate(self.jeanne)
        second = self.generate(self.jeanne, send=True)
        self.assertEqual((first.version, second.version), (1, 2))
        self.assertFalse(first.is_latest)
        self.assertTrue(second.is_latest)
        self.assertTrue(first.attachment_id.exists())
        self.assertNotEqual(first.attachment_id, second.attachment_id)
        self.assertEqual(second.state, "sent")
        message = second.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(message.partner_ids, self.jeanne)
        self.assertEqual(message.attachment_ids, second.attachment_id)
        self.assertIn("Votre attestation fiscale 2025", message.subject)
        self.assertIn("avance immédiate de crédit d'impôt", message.body)
        self.assertIn("Bonjour", message.body)

    def test_wizard_preview_and_background_job(self):
        self.year_of_jeanne()
        apa = self.invoice(
            self.paul,
            [(self.cleaning, 4, None)],
            5,
            self.bruno,
            l10n_fr_aici_apa_pch_amount=48,
        )
        self.pay(apa, 120, D(YEAR, 6, 5))
        wizard = Form(
            self.env["l10n_fr_aici.attestation.wizard"]
            .with_user(self.manager)
            .with_context(lang="fr_FR")
        )
        wizard.year = YEAR
        wizard.send_email = False
        wizard = wizard.save()
        wizard.action_preview()
        lines = {line.partner_id: line for line in wizard.line_ids}
        self.assertEqual(set(lines), {self.jeanne, self.paul})
        self.assertEqual(lines[self.paul].amount_deductions, 48)
        self.assertEqual(lines[self.paul].amount_net, 72)
        self.assertFalse(lines[self.paul].anomalies)
        self.assertIn("Factures non entièrement payées", lines[self.jeanne].anomalies)
        self.assertIn("sans intervenant", lines[self.jeanne].anomalies)
        self.assertEqual(wizard.anomaly_count, 1)
        lines[self.jeanne].selected = False
        action = wizard.action_generate()
        records = self.env["l10n_fr_aici.tax.attestation"].search(action["domain"])
        self.assertEqual(records.partner_id, self.paul)
        self.assertEqual(records.state, "queued")
        cron = self.env.ref("l10n_fr_aici.ir_cron_aici_attestations")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the generation job is woken up",
        )
        progress = []
        original = attestation_module.report_cron_progress

        def notify(env, done, remaining):
            progress.append((done, remaining))
            return original(env, done, remaining)

        self.patch(attestation_module, "report_cron_progress", notify)
        self.env["l10n_fr_aici.tax.attestation"]._cron_aici_attestations()
        self.assertEqual(records.state, "done")
        self.assertEqual(progress, [(1, 0)])
        self.assertEqual(records.amount_apa_pch, 48)

    def test_job_in_batches_reports_progress(self):
        clients = self.env["res.partner"].create(
            [
                {"name": f"Client {n}", "street": "1 rue", "zip": "69002"}
                for n in range(3)
            ]
        )
        for client in clients:
            move = self.invoice(client, [(self.cleaning, 1, self.alice)], 4)
            self.pay(move, 30, D(YEAR, 4, 30))
        # No e-mail address: attached to the client, not sent.
        self.env["l10n_fr_aici.tax.attestation"]._l10n_fr_aici_queue(
            clients, YEAR, send_email=True
        )
        progress = []
        self.patch(
            attestation_module,
            "report_cron_progress",
            lambda _env, done, remaining: progress.append((done, remaining)),
        )
        model = self.env["l10n_fr_aici.tax.attestation"]
        model._cron_aici_attestations(batch_limit=2)
        model._cron_aici_attestations(batch_limit=2)
        self.assertEqual(progress, [(2, 1), (1, 0)])
        self.assertEqual(
            set(model.search([("partner_id", "in", clients.ids)]).mapped("state")),
            {"done"},
        )

    def test_settings_validated(self):
        with self.assertRaises(ValidationError):
            self.company.l10n_fr_aici_declaration_number = "SAP552100555"
        with self.assertRaises(ValidationError):
            self.company.l10n_fr_aici_declaration_number = "552100554"
        with self.assertRaises(ValidationError):
            self.company.l10n_fr_aici_declaration_date = (
                fields.Date.today() + datetime.timedelta(days=1)
            )
        settings = Form(self.env["res.config.settings"])
        settings.l10n_fr_aici_declaration_number = "sap 732 829 320"
        self.assertEqual(settings.l10n_fr_aici_declaration_number, "SAP732829320")
        self.company.l10n_fr_aici_declaration_date = False
        with self.assertRaises(UserError):
            self.env["l10n_fr_aici.tax.attestation"]._l10n_fr_aici_queue(
                self.jeanne, YEAR
            )

    def test_access(self):
        invoicing = new_test_user(
            self.env,
            login="aici_plain_invoicing",
            groups="account.group_account_invoice",
        )
        with self.assertRaises(AccessError):
            self.env["l10n_fr_aici.attestation.wizard"].with_user(invoicing).create(
                {"year": YEAR}
            )
        other = self.env["res.company"].create({"name": "Other SAP"})
        record = self.env["l10n_fr_aici.tax.attestation"].create(
            {"company_id": other.id, "partner_id": self.paul.id, "year": YEAR}
        )
        visible = (
            self.env["l10n_fr_aici.tax.attestation"]
            .with_user(self.manager)
            .search([("id", "=", record.id)])
        )
        self.assertFalse(visible, "attestations follow companies")

    def test_intervenant_default_and_duration(self):
        move = self.invoice(
            self.paul, [(self.cleaning, 2.5, None), (self.cleaning, 1, self.bruno)], 3
        )
        self.assertEqual(move.invoice_line_ids.l10n_fr_aici_intervenant_id, self.bruno)
        move.button_draft()
        move.l10n_fr_aici_intervenant_id = self.alice
        self.assertEqual(move.invoice_line_ids.l10n_fr_aici_intervenant_id, self.alice)
        items = move._l10n_fr_aici_attestation_interventions()
        self.assertEqual([float(i.hours) for i in items], [2.5, 1.0])
        self.assertEqual({i.intervenant_ref for i in items}, {"INT-001"})


@tagged("post_install", "-at_install")
class TestAttestationPdf(AttestationMixin, HttpCase):
    """The real PDF (wkhtmltopdf fetches the report's styles from the test
    server, which only an HTTP test case serves)."""

    def test_pdf_in_french_with_every_mention(self):
        moves = self.year_of_jeanne()
        record = self.generate(self.jeanne, pdf=True)
        self.assertEqual(record.state, "done")
        self.assertEqual(record.version, 1)
        self.assertEqual(
            (record.amount_gross, record.amount_advance, record.amount_net),
            (900, 330, 470),
        )
        attachment = record.attachment_id
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("res.partner", self.jeanne.id)
        )
        self.assertEqual(
            attachment.name, "Attestation fiscale 2025 - Jeanne Martin - v1.pdf"
        )
        # A real PDF of one page...
        self.assertTrue(attachment.raw.startswith(b"%PDF-"))
        self.assertGreaterEqual(len(PdfFileReader(io.BytesIO(attachment.raw)).pages), 1)
        # ... printed from this text, in the client's language (the PDF's own
        # text cannot be read back here: this wkhtmltopdf draws web fonts as
        # shapes).
        today = fields.Date.today().strftime("%d/%m/%Y")
        self.maxDiff = None
        name = {key: move.name for key, move in moves.items()}
        self.assertEqual(
            self.report_lines(record),
            [
                "Attestation fiscale annuelle 2025",
                "Services à la personne : sommes versées en 2025",
                "Prestataire",
                "My Company",
                "12 rue de la République",
                "69002 Lyon",
                "France",
                "Déclaration SAP n° SAP552100554 enregistrée le 03/02/2020",
                "SIRET : 55210055400013",
                "Client",
                "Jeanne Martin",
                "1 rue de la Charité",
                "69002 Lyon",
                "France",
                "Compte débité : **** **** **** **** **** ***0 189",
                "Sommes versées en 2025",
                "Prestations payées au cours de l'année 900,00 €",
                "Moins : avance immédiate de crédit d'impôt versée par l'Urssaf "
                "-330,00 €",
                "Moins : APA / PCH (aides directes du département) 0,00 €",
                "Moins : CESU préfinancés -100,00 €",
                "Montant effectivement acquitté par le client 470,00 €",
                "Paiements reçus du 01/01/2025 au 31/12/2025 ; virements de "
                "l'Urssaf du 01/01/2025 au 31/12/2025. Le montant effectivement "
                "acquitté est net de l'avance immédiate déjà perçue.",
                "Seule la part payée personnellement par le client ouvre droit au "
                "crédit d'impôt : les CESU préfinancés sont déduits ci-dessus.",
                "Interventions",
                "Mois Dates Intervenant Identification Prestation Durée",
                "Février 2025 01/02/2025 – 28/02/2025 Alice Dupont INT-001 "
                "Ménage à domicile 10 h 00",
                "Mars 2025 01/03/2025 – 31/03/2025 Alice Dupont INT-001 "
                "Ménage à domicile 8 h 00",
                "Juin 2025 01/06/2025 – 30/06/2025 Bruno Leroy INT-002 "
                "Ménage à domicile 6 h 00",
                "Juillet 2025 01/07/2025 – 31/07/2025 Ménage à domicile 5 h 00",
                "Novembre 2025 01/11/2025 – 30/11/2025 Alice Dupont INT-001 "
                "Ménage à domicile 4 h 00",
                "Factures",
                "Facture Dernier paiement Montant versé Avance immédiate "
                "APA / PCH, CESU Acquitté par le client",
                f"{name['paid']} 06/03/2025 300,00 € 150,00 € 0,00 € 150,00 €",
                f"{name['recovered']} 20/05/2025 240,00 € 120,00 € 0,00 € 120,00 €",
                f"{name['direct']} 15/06/2025 180,00 € 0,00 € 0,00 € 180,00 €",
                f"{name['credit']} (avoir) 01/09/2025 -30,00 € 0,00 € 0,00 € -30,00 €",
                f"{name['cesu']} 12/07/2025 150,00 € 0,00 € 100,00 € 50,00 €",
                f"{name['unpaid']} 10/12/2025 60,00 € 60,00 € 0,00 € 0,00 €",
                f"Fait à Lyon le {today}.",
            ],
        )
        # The IBAN only masked; the transfer of January 2026 not in 2025.
        text = " ".join(self.report_lines(record))
        self.assertNotIn("7890189", text.replace(" ", ""))
        self.assertNotIn(name["january"], text)
