from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_datetime

from ..urssaf.catalogues import codes_explanation

AICI_OPERATIONS = [
    ("token", "Authentication"),
    ("register", "Client enrolment"),
    ("status", "Client status"),
    ("submit", "Payment request"),
    ("search", "Payment request search"),
]
AICI_OUTCOMES = [
    ("answered", "Answered"),
    ("not_received", "Not received by Urssaf"),
    ("maybe_received", "Outcome unknown"),
]
RETENTION_PARAM = "l10n_fr_aici.exchange_retention_months"
DEFAULT_RETENTION_MONTHS = 13


class ExchangeJournal:
    """The ``on_exchange`` hook of a company's Urssaf client: one journal row
    per HTTP call, linked to the requests and clients it concerns.

    The callers only say what they are working on (:meth:`concerning`); the
    client reports each call itself when the operation ends.
    """

    def __init__(self, env, company):
        self.env = env
        self.company = company
        self.requests = env["l10n_fr_aici.payment.request"]
        self.partners = env["res.partner"]

    @contextmanager
    def concerning(self, requests=None, partners=None):
        previous = self.requests, self.partners
        if requests is not None:
            self.requests = requests
        if partners is not None:
            self.partners = partners
        try:
            yield self
        finally:
            self.requests, self.partners = previous

    def __call__(self, exchange):
        requests, partners = self.requests, self.partners | self.requests.partner_id
        if exchange.operation == "token":
            # The access token serves the company's credentials, whatever the
            # operation that needed it: it concerns no client and no invoice.
            requests = requests.browse()
            partners = partners.browse()
        self.env["l10n_fr_aici.exchange"].sudo().create(
            {
                "company_id": self.company.id,
                "operation": exchange.operation,
                "outcome": exchange.outcome or "answered",
                "http_status": exchange.http_status or 0,
                "codes": ", ".join(exchange.codes) or False,
                "correlation_id": exchange.correlation_id or False,
                "duration": exchange.duration,
                "items": exchange.items,
                "request_ids": [fields.Command.set(requests.ids)],
                "partner_ids": [fields.Command.set(partners.ids)],
            }
        )


class AiciExchange(models.Model):
    """Journal of the HTTP exchanges with Urssaf: one row per call.

    It keeps what is needed to follow up with Urssaf's support (operation,
    time, HTTP status, Urssaf codes, correlation id) and nothing else: no
    payload, no personal data, no secret. Rows older than the retention
    (setting, 13 months by default) are removed by Odoo's autovacuum.
    """

    _name = "l10n_fr_aici.exchange"
    _description = "Urssaf exchange"
    _order = "id desc"
    _rec_name = "operation"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade"
    )
    request_ids = fields.Many2many(
        "l10n_fr_aici.payment.request",
        "l10n_fr_aici_exchange_request_rel",
        "exchange_id",
        "request_id",
        string="Payment Requests",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "l10n_fr_aici_exchange_partner_rel",
        "exchange_id",
        "partner_id",
        string="Clients",
    )
    invoice_numbers = fields.Text(
        string="Invoices",
        compute="_compute_invoice_numbers",
        store=True,
        help="Numbers of the invoices of the payment requests concerned, one per line.",
    )
    operation = fields.Selection(AICI_OPERATIONS, required=True)
    outcome = fields.Selection(
        AICI_OUTCOMES,
        required=True,
        help="Answered: Urssaf answered (see the HTTP status and the codes). Not "
        "received: Urssaf was not reached, nothing was transmitted; the sending "
        "can be repeated. Outcome unknown: the call left but no answer came back; "
        "Urssaf is asked again before anything is sent again.",
    )
    http_status = fields.Integer(string="HTTP Status")
    codes = fields.Char(string="Urssaf Codes")
    codes_explanation = fields.Text(
        string="Explanation",
        compute="_compute_codes_explanation",
        help="What each Urssaf code means and what to do.",
    )
    correlation_id = fields.Char(
        string="Correlation ID",
        help="Reference of the call at Urssaf: give it to Urssaf's support.",
    )
    duration = fields.Float(string="Duration (s)", digits=(16, 3))
    items = fields.Integer(
        string="Requests in the Call",
        help="Number of payment requests sent or searched in this call.",
    )
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )

    @api.depends("request_ids.invoice_number")
    def _compute_invoice_numbers(self):
        for exchange in self:
            numbers = sorted(set(exchange.request_ids.mapped("invoice_number")))
            exchange.invoice_numbers = "\n".join(numbers) or False

    @api.depends("codes")
    def _compute_codes_explanation(self):
        for exchange in self:
            exchange.codes_explanation = codes_explanation(exchange.codes) or False

    @api.depends("operation", "create_date")
    @api.depends_context("lang", "tz")
    def _compute_display_name(self):
        operations = dict(self._fields["operation"]._description_selection(self.env))
        for exchange in self:
            operation = operations.get(exchange.operation) or ""
            when = (
                format_datetime(self.env, exchange.create_date, dt_format="short")
                if exchange.create_date
                else ""
            )
            exchange.display_name = " – ".join(p for p in (operation, when) if p)

    @api.autovacuum
    def _gc_l10n_fr_aici_exchanges(self):
        """Forget exchanges older than the retention."""
        months = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(RETENTION_PARAM, DEFAULT_RETENTION_MONTHS)
            or DEFAULT_RETENTION_MONTHS
        )
        limit = fields.Datetime.now() - relativedelta(months=max(months, 1))
        self.sudo().search([("create_date", "<", limit)]).unlink()
