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


class AiciExchange(models.Model):
    """Journal of the exchanges with Urssaf, per invoice and per client.

    It keeps what is needed to follow up with Urssaf's support (operation,
    time, HTTP status, Urssaf codes, correlation id) and nothing else: no
    payload, no personal data, no secret.
    """

    _name = "l10n_fr_aici.exchange"
    _description = "Urssaf exchange"
    _order = "id desc"
    _rec_name = "operation"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade"
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", index="btree_not_null", ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Client", index="btree_not_null", ondelete="cascade"
    )
    operation = fields.Selection(AICI_OPERATIONS, required=True)
    outcome = fields.Selection(AICI_OUTCOMES, required=True)
    http_status = fields.Integer(string="HTTP Status")
    codes = fields.Char(string="Urssaf Codes")
    correlation_id = fields.Char(string="Correlation ID")
    duration = fields.Float(string="Duration (s)", digits=(16, 3))
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )

    @api.model
    def _l10n_fr_aici_record(self, client, company, records, codes_by_record=None):
        """Journal the client's pending exchanges for these invoices or clients."""
        exchanges = client.pop_exchanges()
        if not exchanges or not records:
            return self.browse()
        link = "move_id" if records._name == "account.move" else "partner_id"
        codes_by_record = codes_by_record or {}
        values = []
        for exchange in exchanges:
            for record in records:
                codes = exchange.codes
                if exchange.operation == "submit" and record in codes_by_record:
                    codes = codes_by_record[record]
                values.append(
                    {
                        "company_id": company.id,
                        link: record.id,
                        "operation": exchange.operation,
                        "outcome": exchange.outcome or "answered",
                        "http_status": exchange.http_status or 0,
                        "codes": ", ".join(codes) or False,
                        "correlation_id": exchange.correlation_id or False,
                        "duration": exchange.duration,
                    }
                )
        return self.sudo().create(values)
