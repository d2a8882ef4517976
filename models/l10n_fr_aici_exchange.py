from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

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
        partners = self.partners | self.requests.partner_id
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
                "request_ids": [fields.Command.set(self.requests.ids)],
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
    operation = fields.Selection(AICI_OPERATIONS, required=True)
    outcome = fields.Selection(AICI_OUTCOMES, required=True)
    http_status = fields.Integer(string="HTTP Status")
    codes = fields.Char(string="Urssaf Codes")
    correlation_id = fields.Char(string="Correlation ID")
    duration = fields.Float(string="Duration (s)", digits=(16, 3))
    items = fields.Integer()
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )

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
