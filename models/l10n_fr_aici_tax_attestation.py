import base64
import datetime
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..odoo_series import ODOO_MAJOR, company_siret, report_cron_progress
from ..urssaf.attestation import (
    advance_window,
    calendar_window,
    client_year,
    hours_label,
    mask_account,
)

_logger = logging.getLogger(__name__)

ATTESTATION_STATES = [
    ("queued", "Queued"),
    ("done", "Generated"),
    ("sent", "Sent"),
    ("error", "Error"),
]


class L10nFrAiciTaxAttestation(models.Model):
    """One client's annual tax attestation for one year, in one version.

    Generating again creates a new version; earlier ones and their PDF stay.
    The PDF is rendered from ``data``, the snapshot taken at generation.
    """

    _name = "l10n_fr_aici.tax.attestation"
    _inherit = ["mail.thread"]
    _description = "Annual Tax Attestation (services à la personne)"
    _order = "year desc, partner_id, version desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, readonly=True, index=True
    )
    year = fields.Integer(required=True, readonly=True, index=True)
    version = fields.Integer(required=True, readonly=True, default=1)
    is_latest = fields.Boolean(string="Latest Version", default=True, readonly=True)
    state = fields.Selection(
        ATTESTATION_STATES,
        default="queued",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    send_email = fields.Boolean(
        string="Send by E-mail",
        help="Send the attestation to the client by e-mail once generated.",
    )
    data = fields.Json(readonly=True, copy=False)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_gross = fields.Monetary(string="Amount Paid", readonly=True)
    amount_advance = fields.Monetary(string="Avance Immédiate", readonly=True)
    amount_apa_pch = fields.Monetary(string="APA / PCH", readonly=True)
    amount_cesu = fields.Monetary(string="CESU préfinancés", readonly=True)
    amount_net = fields.Monetary(string="Net Paid by the Client", readonly=True)
    anomalies = fields.Text(readonly=True)
    error = fields.Text(readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="PDF", readonly=True, copy=False
    )
    generated_date = fields.Datetime(string="Generated on", readonly=True)
    sent_date = fields.Datetime(string="Sent on", readonly=True)

    # One attestation per client, year and version: a Constraint on 19.0, which
    # refuses the _sql_constraints of 18.0.
    if ODOO_MAJOR >= 19:
        _version_unique = models.Constraint(
            "unique(company_id, partner_id, year, version)",
            "A client has one attestation per year and version.",
        )
    else:
        _sql_constraints = [
            (
                "version_unique",
                "unique(company_id, partner_id, year, version)",
                "A client has one attestation per year and version.",
            ),
        ]

    @api.depends("partner_id", "year", "version")
    def _compute_name(self):
        for record in self:
            record.name = self.env._(
                "Tax attestation %(year)s – %(client)s (v%(version)s)",
                year=record.year,
                client=record.partner_id.name or "",
                version=record.version,
            )

    # ---------------------------------------------------------------- queue
    @api.model
    def _l10n_fr_aici_queue(self, partners, year, send_email=False, company=None):
        """Queue a new version of the attestation of each client and wake the
        job up. Previous versions stay, no longer marked as the latest."""
        company = company or self.env.company
        company._l10n_fr_aici_check_attestation_settings()
        previous = self.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                ("year", "=", year),
            ]
        )
        versions = defaultdict(int)
        for record in previous:
            versions[record.partner_id.id] = max(
                versions[record.partner_id.id], record.version
            )
        previous.filtered("is_latest").write({"is_latest": False})
        records = self.create(
            [
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "year": year,
                    "version": versions[partner.id] + 1,
                    "send_email": send_email,
                }
                for partner in partners
            ]
        )
        self.env.ref("l10n_fr_aici.ir_cron_aici_attestations")._trigger()
        return records

    @api.model
    def _cron_aici_attestations(self, batch_limit=20):
        """Generate (and send) queued attestations, a batch at a time.

        Each attestation is committed on its own: a failure is recorded on it
        and does not stop the others.
        """
        queued = self.search([("state", "=", "queued")], limit=batch_limit, order="id")
        for record in queued:
            record._l10n_fr_aici_run_step(record._l10n_fr_aici_generate)
            if record.state == "done" and record.send_email and record.partner_id.email:
                record._l10n_fr_aici_run_step(record._l10n_fr_aici_send)
            if self.env["account.move"]._can_commit():
                # One attestation at a time: a later failure or timeout must
                # not roll back the PDFs already attached.
                self.env.cr.commit()  # pylint: disable=invalid-commit
        remaining = (
            self.search_count([("state", "=", "queued")])
            if len(queued) == batch_limit
            else 0
        )
        report_cron_progress(self.env, len(queued), remaining)

    def _l10n_fr_aici_run_step(self, method):
        """Run one step of the job; a failure is recorded on the attestation
        (a PDF already attached stays) and the job goes on."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                method()
        except Exception as error:  # pylint: disable=broad-except
            # Hundreds of clients in one job: one bad record must neither stop
            # the others nor stay queued for ever.
            _logger.warning(
                "Tax attestation %s: %s failed (%s)",
                self.id,
                method.__name__,
                type(error).__name__,
            )
            values = {"error": str(error)}
            if self.state == "queued":
                values["state"] = "error"
            self.write(values)

    # ------------------------------------------------------------ computing
    @api.model
    def _l10n_fr_aici_candidate_invoices(self, company, year, partners=None):
        """Posted customer invoices and credit notes of services à la personne
        that may hold money of ``year``: dated up to the end of the year's
        windows, from two years before (paid late) onwards."""
        start = datetime.date(year - 2, 1, 1)
        end = max(
            calendar_window(year)[1],
            advance_window(
                year,
                company.l10n_fr_aici_attestation_window,
                company.l10n_fr_aici_attestation_window_since,
            )[1],
        )
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("invoice_date", ">=", start),
            ("invoice_date", "<=", end),
            ("invoice_line_ids.product_id.l10n_fr_aici_nature_code", "!=", False),
        ]
        if partners is not None:
            domain.append(
                ("commercial_partner_id", "in", partners.commercial_partner_id.ids)
            )
        return self.env["account.move"].search(domain, order="invoice_date, id")

    @api.model
    def _l10n_fr_aici_compute(self, company, year, partners=None):
        """{commercial partner: ClientYear} of the clients with invoices of
        services à la personne around ``year``."""
        invoices = self._l10n_fr_aici_candidate_invoices(company, year, partners)
        result = {}
        for partner, moves in invoices.grouped("commercial_partner_id").items():
            facts = [move._l10n_fr_aici_attestation_facts() for move in moves]
            result[partner] = client_year(
                facts,
                year,
                company.l10n_fr_aici_attestation_window,
                company.l10n_fr_aici_attestation_window_since,
                has_address=bool(partner.street and partner.zip and partner.city),
            )
        return result

    @api.model
    def _l10n_fr_aici_anomaly_messages(self, anomalies):
        """The anomalies of urssaf.attestation in the user's words."""
        messages = []
        for anomaly in anomalies:
            invoices = ", ".join(anomaly.invoices)
            if anomaly.code == "unpaid":
                messages.append(
                    self.env._(
                        "Invoices not fully paid: %(invoices)s", invoices=invoices
                    )
                )
            elif anomaly.code == "no_intervenant":
                messages.append(
                    self.env._(
                        "Paid invoices without intervenant: %(invoices)s",
                        invoices=invoices,
                    )
                )
            elif anomaly.code == "negative":
                amount = format_amount(
                    self.env, anomaly.amount, self.env.company.currency_id
                )
                messages.append(self.env._("Negative total: %(amount)s", amount=amount))
            elif anomaly.code == "no_address":
                messages.append(self.env._("The client's address is incomplete."))
        return messages

    def _l10n_fr_aici_snapshot(self, result):
        """The attestation's content as JSON data (amounts as numbers, dates
        as ISO strings), rendered by the report."""
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id
        direct = calendar_window(self.year)
        advance = advance_window(
            self.year,
            company.l10n_fr_aici_attestation_window,
            company.l10n_fr_aici_attestation_window_since,
        )
        # Only the masked account leaves this method; never logged.
        account = mask_account(partner.sudo().l10n_fr_aici_iban or "")

        def address(contact):
            text = contact._display_address(without_company=True) or ""
            return [line for line in text.splitlines() if line.strip()]

        return {
            "year": self.year,
            "window": [direct[0].isoformat(), direct[1].isoformat()],
            "advance_window": [advance[0].isoformat(), advance[1].isoformat()],
            "provider": {
                "name": company.name,
                "address": address(company.partner_id),
                "declaration_number": company.l10n_fr_aici_declaration_number,
                "declaration_date": company.l10n_fr_aici_declaration_date.isoformat(),
                "siret": company_siret(company) or "",
                "city": company.city or "",
            },
            "client": {
                "name": partner.name,
                "address": address(partner),
                "account": account,
            },
            "months": [
                {
                    "month": month.isoformat(),
                    "rows": [
                        {
                            "start": row.date_start.isoformat(),
                            "end": row.date_end.isoformat(),
                            "intervenant": row.intervenant_name,
                            "ref": row.intervenant_ref,
                            "description": row.description,
                            "hours": None if row.hours is None else float(row.hours),
                        }
                        for row in rows
                    ],
                }
                for month, rows in result.months
            ],
            "invoices": [
                {
                    "number": item.number,
                    "refund": item.refund,
                    "date": item.last_payment.isoformat() if item.last_payment else "",
                    "gross": float(item.gross),
                    "advance": float(item.advance),
                    "deductions": float(item.apa_pch + item.cesu),
                    "net": float(item.net),
                }
                for item in result.amounts
            ],
            "totals": {
                "gross": float(result.totals.gross),
                "advance": float(result.totals.advance),
                "apa_pch": float(result.totals.apa_pch),
                "cesu": float(result.totals.cesu),
                "net": float(result.totals.net),
            },
            "issued_on": fields.Date.context_today(self).isoformat(),
        }

    def _l10n_fr_aici_generate(self):
        """Compute, render the PDF, attach it to the client."""
        for record in self:
            company = record.company_id
            company._l10n_fr_aici_check_attestation_settings()
            partner = record.partner_id
            computed = record._l10n_fr_aici_compute(company, record.year, partner)
            result = computed.get(partner.commercial_partner_id) or client_year(
                [], record.year
            )
            data = record._l10n_fr_aici_snapshot(result)
            record.write(
                {
                    "data": data,
                    "amount_gross": data["totals"]["gross"],
                    "amount_advance": data["totals"]["advance"],
                    "amount_apa_pch": data["totals"]["apa_pch"],
                    "amount_cesu": data["totals"]["cesu"],
                    "amount_net": data["totals"]["net"],
                    "anomalies": "\n".join(
                        record._l10n_fr_aici_anomaly_messages(result.anomalies)
                    )
                    or False,
                    "error": False,
                }
            )
            pdf, _type = (
                self.env["ir.actions.report"]
                .with_company(company)
                ._render_qweb_pdf(
                    "l10n_fr_aici.action_report_tax_attestation", record.ids
                )
            )
            attachment = self.env["ir.attachment"].create(
                {
                    "name": record._l10n_fr_aici_file_name(),
                    "type": "binary",
                    "datas": base64.b64encode(pdf),
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "mimetype": "application/pdf",
                    "company_id": company.id,
                }
            )
            record.write(
                {
                    "attachment_id": attachment.id,
                    "state": "done",
                    "generated_date": fields.Datetime.now(),
                }
            )

    def _l10n_fr_aici_file_name(self):
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        return self.with_context(lang=lang).env._(
            "Tax attestation %(year)s - %(client)s - v%(version)s.pdf",
            year=self.year,
            client=self.partner_id.name,
            version=self.version,
        )

    def _l10n_fr_aici_send(self):
        template = self.env.ref("l10n_fr_aici.mail_template_tax_attestation")
        for record in self:
            if not record.attachment_id:
                raise UserError(
                    self.env._("Generate the attestation before sending it.")
                )
            if not record.partner_id.email:
                raise UserError(
                    self.env._(
                        "The client %(client)s has no e-mail address.",
                        client=record.partner_id.name,
                    )
                )
            record.message_post_with_source(
                template,
                attachment_ids=record.attachment_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            record.write({"state": "sent", "sent_date": fields.Datetime.now()})

    # -------------------------------------------------------------- actions
    def action_send(self):
        self._l10n_fr_aici_send()
        return True

    def action_regenerate(self):
        """Queue a new version of these attestations."""
        for (company, year), records in self.grouped(
            lambda r: (r.company_id, r.year)
        ).items():
            self._l10n_fr_aici_queue(records.partner_id, year, company=company)
        return True

    def action_open_pdf(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------- report
    def _l10n_fr_aici_report_lang(self):
        self.ensure_one()
        return self.partner_id.lang or self.env.lang or "fr_FR"

    def _l10n_fr_aici_date(self, iso, pattern=False):
        """An ISO date of the snapshot, written in the client's language."""
        if not iso:
            return ""
        env = self.with_context(lang=self._l10n_fr_aici_report_lang()).env
        return format_date(env, fields.Date.to_date(iso), date_format=pattern or False)

    def _l10n_fr_aici_month(self, iso):
        return self._l10n_fr_aici_date(iso, "MMMM yyyy").capitalize()

    def _l10n_fr_aici_hours(self, hours):
        return hours_label(hours) if hours is not None else "–"
