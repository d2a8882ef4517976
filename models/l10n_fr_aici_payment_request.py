import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..odoo_series import report_cron_progress
from ..urssaf import lifecycle, settlement
from ..urssaf.catalogues import (
    payment_status_label,
    rejection_advice,
    rejection_label,
)
from ..urssaf.client import MAX_IDS_PER_SEARCH
from ..urssaf.errors import BusinessError, UrssafError
from ..urssaf.payload import build_payment_request
from ..urssaf.responses import parse_search, parse_submission
from ..urssaf.tracking import chunks, find_match

_logger = logging.getLogger(__name__)

# Labels of the states of urssaf.lifecycle (the invoice shows the same ones).
AICI_STATES = [
    ("not_applicable", "Not applicable"),
    ("ready", "Ready to send"),
    ("error", "To fix"),
    ("queued", "Queued"),
    ("to_check", "Status to confirm"),
    ("sent", "Integrated"),
    ("waiting_client", "Waiting for the client"),
    ("validated", "Validated"),
    ("debited", "Debited"),
    ("paid", "Paid"),
    ("unpaid", "Unpaid"),
    ("recovered", "Recovered"),
    ("refused", "Refused by the client"),
    ("cancelled", "Cancelled"),
    ("corrected", "Corrected"),
    ("excluded", "Outside the avance immédiate"),
]
assert tuple(key for key, _label in AICI_STATES) == lifecycle.STATES
REQUEST_STATES = [s for s in AICI_STATES if s[0] in lifecycle.REQUEST_STATES]


class L10nFrAiciPaymentRequest(models.Model):
    """One payment request (demande de paiement) sent, or possibly sent, to
    Urssaf for an invoice; the invoice's Urssaf state is its current one's.

    Its state follows :mod:`urssaf.lifecycle`; its updates never go through
    ``account.move.write``.
    """

    _name = "l10n_fr_aici.payment.request"
    _description = "Urssaf payment request"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, readonly=True, index=True
    )
    invoice_number = fields.Char(readonly=True, required=True)
    service_month = fields.Date(
        compute="_compute_service_month", store=True, string="Month"
    )
    period_start = fields.Date(string="Service Start", readonly=True)
    period_end = fields.Date(string="Service End", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_total = fields.Monetary(string="Amount", readonly=True)
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True)
    urssaf_id = fields.Char(
        string="Urssaf Number", readonly=True, index="btree_not_null", copy=False
    )
    state = fields.Selection(
        REQUEST_STATES,
        string="Status",
        required=True,
        default="queued",
        readonly=True,
        index=True,
        group_expand="_group_states",
        help="Queued: to be sent. Status to confirm: the outcome of a sending is "
        "unknown, or Urssaf reported an unknown status, or a cancellation was "
        "asked: Urssaf is asked again. To fix: Urssaf refused the request or "
        "something must be fixed before sending.",
    )
    status_code = fields.Char(string="Urssaf Status Code", readonly=True)
    status_label = fields.Char(string="Urssaf Status", readonly=True)
    rejection_code = fields.Char(string="Reason Code", readonly=True)
    rejection_comment = fields.Text(string="Client's Comment", readonly=True)
    rejection_label = fields.Char(
        string="Reason", compute="_compute_rejection_explained"
    )
    rejection_advice = fields.Text(
        string="What To Do", compute="_compute_rejection_explained"
    )
    transfer_amount = fields.Monetary(string="Transfer", readonly=True)
    transfer_date = fields.Date(readonly=True)
    payment_id = fields.Many2one(
        "account.payment",
        readonly=True,
        help="Payment registered from the transfer Urssaf reported.",
    )
    sent_date = fields.Datetime(string="Sent On", readonly=True)
    last_sync = fields.Datetime(string="Last Check", readonly=True)
    state_date = fields.Datetime(string="Status Since", readonly=True)
    paid_date = fields.Datetime(readonly=True)
    next_check = fields.Datetime(readonly=True, index="btree_not_null")
    state_checks = fields.Integer(readonly=True, default=0)
    check_count = fields.Integer(string="Checks", readonly=True, default=0)
    failures = fields.Integer(string="Consecutive Failures", readonly=True, default=0)
    last_error = fields.Text(readonly=True)
    cancel_requested = fields.Boolean(readonly=True)
    history = fields.Text(readonly=True)
    exchange_ids = fields.Many2many(
        "l10n_fr_aici.exchange",
        "l10n_fr_aici_exchange_request_rel",
        "request_id",
        "exchange_id",
        string="Exchanges",
        groups="l10n_fr_aici.group_aici_manager",
    )
    # Money (urssaf/settlement.py): the split, the deposit, the bookings.
    deposit_amount = fields.Monetary(string="Deposit", readonly=True)
    deposit_date = fields.Date(readonly=True)
    advance_amount = fields.Monetary(
        string="Immediate Advance", compute="_compute_split", store=True
    )
    client_share = fields.Monetary(
        string="Client's Share", compute="_compute_split", store=True
    )
    client_debit = fields.Monetary(
        string="Debited by Urssaf", compute="_compute_split", store=True
    )
    transfer_expected = fields.Monetary(
        string="Expected Transfer", compute="_compute_split", store=True
    )
    transfer_expected_date = fields.Date(
        string="Transfer On",
        compute="_compute_transfer_expected_date",
        store=True,
        help="Expected from the request's progress, then the date Urssaf reported.",
    )
    clawback_payment_id = fields.Many2one(
        "account.payment",
        string="Claw-back",
        readonly=True,
        help="The client's share Urssaf took back after an unpaid debit, booked "
        "in the Urssaf journal and due again by the client on the invoice.",
    )
    clawback_closed = fields.Boolean(
        string="Claw-back Closed",
        readonly=True,
        help="Urssaf reported the unpaid share recovered (120).",
    )
    can_send = fields.Boolean(compute="_compute_lifecycle")
    can_refresh = fields.Boolean(compute="_compute_lifecycle")
    needs_human = fields.Boolean(
        compute="_compute_lifecycle", search="_search_needs_human"
    )
    is_final = fields.Boolean(compute="_compute_lifecycle")

    @api.model
    def _group_states(self, states, domain):
        """Group-by in the order of a request's life, without empty groups."""
        return [state for state in lifecycle.STATES if state in states]

    @api.depends("urssaf_id", "invoice_number")
    def _compute_name(self):
        for request in self:
            request.name = request.urssaf_id or request.invoice_number

    @api.depends("period_start")
    def _compute_service_month(self):
        for request in self:
            start = request.period_start
            request.service_month = start.replace(day=1) if start else False

    @api.depends("amount_total", "deposit_amount")
    def _compute_split(self):
        for request in self:
            split = settlement.split(request.amount_total, request.deposit_amount)
            request.advance_amount = float(split.advance)
            request.client_share = float(split.client_share)
            request.client_debit = float(split.client_debit)
            request.transfer_expected = float(split.transfer)

    @api.depends("state", "state_date", "transfer_date")
    def _compute_transfer_expected_date(self):
        for request in self:
            request.transfer_expected_date = settlement.expected_transfer_date(
                request.state, request.state_date, request.transfer_date
            )

    @api.depends("rejection_code")
    def _compute_rejection_explained(self):
        for request in self:
            code = request.rejection_code
            request.rejection_label = code and rejection_label(code)
            request.rejection_advice = code and rejection_advice(code)

    @api.depends("state", "urssaf_id", "move_id.l10n_fr_aici_closure")
    def _compute_lifecycle(self):
        for request in self:
            state, known = request.state, bool(request.urssaf_id)
            request.can_send = lifecycle.is_sendable(state, known)
            request.can_refresh = lifecycle.can_refresh(state, known)
            # Handled once its invoice is corrected or billed outside.
            request.needs_human = (
                state in lifecycle.NEEDS_HUMAN
                and not request.move_id.l10n_fr_aici_closure
            )
            request.is_final = state in lifecycle.FINAL

    def _search_needs_human(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        needs = [
            ("state", "in", sorted(lifecycle.NEEDS_HUMAN)),
            ("move_id.l10n_fr_aici_closure", "=", False),
        ]
        if (operator == "=") == value:
            return needs
        return ["!", "&", *needs]

    # ------------------------------------------------------------ creation
    @api.model
    def _l10n_fr_aici_values(self, move):
        """What is sent for an invoice, kept on its request."""
        deposit, deposit_date = move._l10n_fr_aici_deposit()
        return {
            "move_id": move.id,
            "company_id": move.company_id.id,
            "partner_id": move._l10n_fr_aici_client_partner().id,
            "invoice_number": move.name,
            "period_start": move.l10n_fr_aici_period_start,
            "period_end": move.l10n_fr_aici_period_end,
            "currency_id": move.currency_id.id,
            "amount_total": move.amount_total,
            "amount_untaxed": move.amount_untaxed,
            "deposit_amount": deposit,
            "deposit_date": deposit_date,
        }

    def _l10n_fr_aici_resync(self):
        """Update the values to send of requests not at Urssaf yet."""
        for request in self:
            values = self._l10n_fr_aici_values(request.move_id)
            changed = {
                key: value
                for key, value in values.items()
                if request._fields[key].convert_to_write(request[key], request) != value
            }
            if changed:
                request.write(changed)

    # ------------------------------------------------------------- sending
    def _l10n_fr_aici_submit_batch(self, client, outcome):
        """Send these requests (one company, at most 10) in one call."""
        moves = self.move_id
        payloads = [
            build_payment_request(r.move_id._l10n_fr_aici_payment_request())
            for r in self
        ]
        self._l10n_fr_aici_mark_sending()
        try:
            with client.on_exchange.concerning(requests=self):
                items = client.submit_payment_requests(payloads)
        except BusinessError as error:
            # The whole call was refused before processing (format): nothing
            # was created at Urssaf.
            self._l10n_fr_aici_set_error(error.explain())
            outcome["refused"] |= moves
            return
        except UrssafError as error:
            if error.maybe_received:
                self._l10n_fr_aici_set_to_check(error.explain())
                outcome["to_check"] |= moves
            else:
                self._l10n_fr_aici_retry_later(error.explain(), state="queued")
                outcome["queued"] |= moves
            return
        try:
            self._l10n_fr_aici_apply_submission(items, outcome, client)
        except Exception:
            # Urssaf answered but we could not record it: never lose track.
            _logger.exception("Could not record the Urssaf answer")
            left = self.filtered(lambda r: not r.urssaf_id)
            left._l10n_fr_aici_set_to_check(
                self.env._("The answer of Urssaf could not be recorded; to be checked.")
            )
            outcome["to_check"] |= left.move_id

    def _l10n_fr_aici_mark_sending(self):
        """Write-ahead mark, committed before the call to Urssaf.

        Should the process die after the call and before the answer is saved,
        the next run finds these requests "to check" and reconciles them with a
        search instead of sending them again.
        """
        now = fields.Datetime.now()
        self.write(
            {
                "state": lifecycle.WRITE_AHEAD,
                "last_error": self.env._("Sending to Urssaf in progress."),
                "next_check": now + lifecycle.RECONCILE_AFTER,
                "state_date": now,
            }
        )
        if self.env["account.move"]._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _l10n_fr_aici_apply_submission(self, items, outcome, client):
        by_number = parse_submission(items)
        now = fields.Datetime.now()
        duplicates = self.browse()
        messages = {}
        for request in self:
            item = by_number.get(request.invoice_number)
            if item is None:
                request._l10n_fr_aici_set_to_check(
                    self.env._(
                        "Urssaf's answer did not mention this invoice; to be checked."
                    )
                )
                outcome["to_check"] |= request.move_id
            elif item.accepted:
                label = payment_status_label(item.status)
                state = lifecycle.transition(item.status)
                request.write(
                    {
                        "urssaf_id": item.request_id,
                        "status_code": item.status,
                        "status_label": label,
                        "state": state,
                        "sent_date": now,
                        "last_sync": now,
                        "state_date": now,
                        "state_checks": 0,
                        "last_error": False,
                        "failures": 0,
                        "next_check": lifecycle.next_check(state, now=now),
                        "history": f"{now:%Y-%m-%d %H:%M} {item.status} {label}",
                    }
                )
                messages[request] = self.env._(
                    "Sent to Urssaf: payment request %(id)s (status %(status)s).",
                    id=item.request_id,
                    status=label,
                )
                outcome["sent"] |= request.move_id
            elif "ERR_FACTURE_DOUBLON" in [e.code for e in item.errors]:
                duplicates |= request
            else:
                text = "\n".join(f"[{e.code}] {e.explain()}" for e in item.errors)
                request._l10n_fr_aici_set_error(text)
                outcome["refused"] |= request.move_id
        self._l10n_fr_aici_post(messages)
        if duplicates:
            # Urssaf already has this number: adopt its request, never resend.
            duplicates._l10n_fr_aici_set_to_check(
                self.env._("Urssaf already knows this invoice number; reconciling."),
                log=False,
            )
            duplicates._l10n_fr_aici_reconcile(client)
            for request in duplicates:
                key = "sent" if request.urssaf_id else "to_check"
                outcome[key] |= request.move_id

    def _l10n_fr_aici_set_error(self, text):
        self.write({"state": "error", "last_error": text, "next_check": False})
        self._l10n_fr_aici_post(
            dict.fromkeys(self, self.env._("Refused by Urssaf: %(error)s", error=text))
        )

    def _l10n_fr_aici_retry_later(self, text, state=None):
        """Record a failure to reach Urssaf and back off before the next try."""
        now = fields.Datetime.now()
        for failures, requests in self.grouped(lambda r: r.failures + 1).items():
            values = {
                "failures": failures,
                "last_error": text,
                "next_check": now + lifecycle.retry_delay(failures - 1),
            }
            if state:
                values["state"] = state
            requests.write(values)

    def _l10n_fr_aici_set_to_check(self, text, log=True):
        self.write(
            {
                "state": "to_check",
                "last_error": text,
                "next_check": fields.Datetime.now() + lifecycle.RECONCILE_AFTER,
            }
        )
        if log:
            self._l10n_fr_aici_post(
                dict.fromkeys(
                    self,
                    self.env._(
                        "Outcome unknown: %(error)s The invoice will be reconciled "
                        "with Urssaf before any new sending.",
                        error=text,
                    ),
                )
            )

    # -------------------------------------------------------- reconciliation
    def _l10n_fr_aici_reconcile(self, client=None):
        """Find at Urssaf the requests whose sending is uncertain.

        Adopt a request with the same number, client and total; send again
        (queue) only when Urssaf certainly has nothing under this number.
        """
        pending = self.filtered(lambda r: r.state == "to_check" and not r.urssaf_id)
        for company, requests in pending.grouped("company_id").items():
            own_client = client is None
            urssaf = client or company._l10n_fr_aici_client()
            try:
                for ids in chunks(requests.ids, MAX_IDS_PER_SEARCH):
                    self.browse(ids)._l10n_fr_aici_reconcile_batch(urssaf)
            finally:
                if own_client:
                    urssaf.close()

    def _l10n_fr_aici_search_numbers(self, client):
        """Search Urssaf by invoice number; older gateways without this
        criterion: by the invoice-date period of the batch."""
        with client.on_exchange.concerning(requests=self):
            try:
                return client.search_payment_requests(
                    invoice_numbers=self.mapped("invoice_number")
                )
            except BusinessError:
                dates = self.move_id.mapped("invoice_date")
                return client.search_payment_requests(
                    date_start=min(dates), date_end=max(dates)
                )

    def _l10n_fr_aici_reconcile_batch(self, client):
        now = fields.Datetime.now()
        try:
            body = self._l10n_fr_aici_search_numbers(client)
        except UrssafError as error:
            self._l10n_fr_aici_retry_later(error.explain())
            return
        infos = parse_search(body)
        messages = {}
        for request in self:
            match = find_match(
                infos,
                invoice_number=request.invoice_number,
                id_client=request.partner_id.sudo().l10n_fr_aici_id_client,
                total_ttc=request.amount_total,
            )
            if match.found:
                request.write(
                    {
                        "urssaf_id": match.found.request_id,
                        "sent_date": request.sent_date or now,
                        "last_error": False,
                    }
                )
                adopted = self.env._(
                    "Urssaf had received the invoice: payment request %(id)s "
                    "adopted, nothing sent again.",
                    id=match.found.request_id,
                )
                request._l10n_fr_aici_apply_infos({request: match.found}, now, adopted)
            elif match.conflict:
                request.write({"last_error": match.conflict, "next_check": False})
                messages[request] = match.conflict
                request.move_id._l10n_fr_aici_warn(match.conflict)
            else:
                request.write(
                    {
                        "state": "queued",
                        "last_error": self.env._(
                            "Urssaf has no payment request for this invoice: it "
                            "will be sent again."
                        ),
                        "next_check": now,
                    }
                )
                messages[request] = self.env._(
                    "Urssaf had not received the invoice: queued for sending."
                )
        self._l10n_fr_aici_post(messages)

    # --------------------------------------------------------------- status
    def _l10n_fr_aici_refresh(self, client=None):
        """Search Urssaf for these requests (10 ids per call) and record changes."""
        requests = self.filtered("urssaf_id")
        now = fields.Datetime.now()
        for company, company_requests in requests.grouped("company_id").items():
            own_client = client is None
            urssaf = client or company._l10n_fr_aici_client()
            try:
                for ids in chunks(company_requests.ids, MAX_IDS_PER_SEARCH):
                    batch = self.browse(ids)
                    try:
                        with urssaf.on_exchange.concerning(requests=batch):
                            body = urssaf.search_payment_requests(
                                ids=batch.mapped("urssaf_id")
                            )
                    except UrssafError as error:
                        batch._l10n_fr_aici_retry_later(error.explain())
                        continue
                    infos = {i.request_id: i for i in parse_search(body)}
                    batch._l10n_fr_aici_apply_infos(
                        {r: infos.get(r.urssaf_id) for r in batch}, now
                    )
            finally:
                if own_client:
                    urssaf.close()

    def _l10n_fr_aici_count_check(self):
        """One more check for each request, in one query."""
        if not self:
            return
        self.flush_recordset(["check_count", "state_checks"])
        self.env.cr.execute(
            "UPDATE l10n_fr_aici_payment_request "
            "SET check_count = COALESCE(check_count, 0) + 1, "
            "state_checks = COALESCE(state_checks, 0) + 1 "
            "WHERE id IN %s",
            [tuple(self.ids)],
        )
        self.invalidate_recordset(["check_count", "state_checks"])

    def _l10n_fr_aici_apply_infos(self, infos, now, intro=None):
        """Record what Urssaf says: {request: PaymentRequestInfo or None}."""
        self._l10n_fr_aici_count_check()
        unchanged = defaultdict(lambda: self.browse())
        messages, warnings, paid = {}, {}, self.browse()
        for request, info in infos.items():
            state = (
                lifecycle.transition(info.status_code, request.cancel_requested)
                if info
                else request.state
            )
            if not info or (
                state == request.state and info.status_code == request.status_code
            ):
                next_check = lifecycle.next_check(
                    request.state,
                    now=now,
                    since=request.state_date or request.sent_date,
                    checks_in_state=request.state_checks,
                )
                unchanged[next_check] |= request
                if info and info.status_code in settlement.TRANSFER_CODES:
                    paid |= request
                continue
            values = {
                "state": state,
                "status_code": info.status_code,
                "status_label": info.status_label,
                "rejection_code": info.rejection_code or False,
                "rejection_comment": info.rejection_comment or False,
                "last_sync": now,
                "failures": 0,
                "state_checks": 0,
                "next_check": lifecycle.next_check(state, now=now),
                "history": "\n".join(
                    filter(
                        None,
                        [
                            request.history,
                            f"{now:%Y-%m-%d %H:%M} {info.status_code} "
                            f"{info.status_label}",
                        ],
                    )
                ),
            }
            if state != request.state:
                values["state_date"] = now
            if info.transfer_amount is not None:
                values["transfer_amount"] = float(info.transfer_amount)
            if info.transfer_date:
                values["transfer_date"] = info.transfer_date
            if state == "paid" and not request.paid_date:
                values["paid_date"] = now
            if state != "to_check":
                values["last_error"] = False
            previous = request.state
            request.write(values)
            if info.status_code in settlement.TRANSFER_CODES:
                paid |= request
            if previous != state or intro:
                body = request._l10n_fr_aici_status_message(info, state)
                messages[request] = f"{intro} {body}" if intro else body
                if state in lifecycle.WARN_ON_ENTRY and previous != state:
                    warnings[request] = body
        for next_check, requests in unchanged.items():
            requests.write({"last_sync": now, "next_check": next_check, "failures": 0})
        paid._l10n_fr_aici_settle_all(messages, warnings)
        self._l10n_fr_aici_post(messages)
        for request, body in warnings.items():
            request.move_id._l10n_fr_aici_warn(body)

    def _l10n_fr_aici_status_message(self, info, state):
        self.ensure_one()
        body = self.env._(
            "Urssaf status: %(label)s (%(code)s).",
            label=info.status_label,
            code=info.status_code,
        )
        if info.rejection_code:
            body += " " + self.env._(
                "Reason: %(reason)s. %(comment)s",
                reason=info.rejection_label,
                comment=info.rejection_comment or "",
            )
        if info.transfer_amount is not None and state == "paid":
            body += " " + self.env._(
                "Transfer of %(amount)s on %(date)s.",
                amount=format_amount(
                    self.env, float(info.transfer_amount), self.currency_id
                ),
                date=format_date(self.env, info.transfer_date)
                if info.transfer_date
                else "?",
            )
        return body

    def _l10n_fr_aici_register_payment(self):
        """Register Urssaf's transfer as a payment of the invoice, once.

        Only when the company chose a journal, and once the transfer is
        effective: Urssaf may show a transfer date before the amount.
        Returns the text for the chatter, or None.
        """
        self.ensure_one()
        move = self.move_id
        journal = self.company_id.l10n_fr_aici_payment_journal_id
        today = fields.Date.context_today(self)
        if (
            not journal
            or self.payment_id
            or not self.transfer_amount
            or not self.transfer_date
            or self.transfer_date > today
            or move.payment_state not in ("not_paid", "partial")
        ):
            return None
        amount = min(self.transfer_amount, move.amount_residual)
        payments = (
            self.env["account.payment.register"]
            .sudo()
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "journal_id": journal.id,
                    "amount": amount,
                    "payment_date": self.transfer_date,
                    "communication": self.env._(
                        "Urssaf avance immédiate %(id)s", id=self.urssaf_id
                    ),
                }
            )
            ._create_payments()
        )
        self.payment_id = payments[:1]
        return self.env._(
            "Payment of %(amount)s registered from Urssaf's transfer.",
            amount=format_amount(self.env, amount, self.currency_id),
        )

    # ---------------------------------------------------------------- money
    def _l10n_fr_aici_settle_all(self, messages, warnings):
        """Settle these requests, adding to the chatter texts and warnings."""
        for request in self:
            booked, todo = request._l10n_fr_aici_settle()
            for texts, text in ((messages, booked), (warnings, todo)):
                if text:
                    texts[request] = " ".join(filter(None, [texts.get(request), text]))

    def _l10n_fr_aici_settle(self):
        """Book what Urssaf's status calls for (urssaf.settlement.bookings),
        each booking once: the row lock and the links checked under it keep a
        later refresh, a retry or a second worker from booking again.

        Returns (text for the chatter, what a human must do) or Nones.
        """
        self.ensure_one()
        if not self.company_id.l10n_fr_aici_payment_journal_id:
            return None, None
        if not self._l10n_fr_aici_bookings():
            return None, None
        self.flush_recordset()
        # Waits for a worker booking the same request; under repeatable read
        # its commit makes ours fail and roll back rather than book twice.
        self.env.cr.execute(
            "SELECT id FROM l10n_fr_aici_payment_request WHERE id = %s FOR UPDATE",
            [self.id],
        )
        self.invalidate_recordset(
            ["payment_id", "clawback_payment_id", "clawback_closed"]
        )
        actions = self._l10n_fr_aici_bookings()
        booked, todo = [], []
        for action in actions:
            if action == "transfer":
                booked.append(self._l10n_fr_aici_register_payment())
                if not self.payment_id:
                    break  # nothing received by us: nothing to take back
            elif action == "clawback":
                booked.append(self._l10n_fr_aici_book_clawback())
                todo.append(
                    self.env._(
                        "Collect %(amount)s from the client directly (bank transfer, "
                        "cheque…): Urssaf blocks the client's account for new "
                        "requests until the share is settled. Then register the "
                        "client's payment on the invoice.",
                        amount=format_amount(
                            self.env, self.move_id.amount_residual, self.currency_id
                        ),
                    )
                )
            elif action == "close":
                booked.append(self._l10n_fr_aici_close_clawback())
        return " ".join(filter(None, booked)) or None, " ".join(todo) or None

    def _l10n_fr_aici_bookings(self):
        today = fields.Date.context_today(self)
        return settlement.bookings(
            self.status_code,
            transfer_effective=bool(
                self.transfer_amount
                and self.transfer_date
                and self.transfer_date <= today
            ),
            transfer_booked=bool(self.payment_id),
            clawback_booked=bool(self.clawback_payment_id),
            closed=self.clawback_closed,
        )

    def _l10n_fr_aici_book_clawback(self):
        """The client's share Urssaf takes back after an unpaid debit: an
        outgoing payment to the client in the Urssaf journal (receivable
        debit, outstanding payments credit), left open on the invoice.

        Urssaf's transfer is un-reconciled from the invoice, matched first with
        the claw-back, then with the invoice for what it still covers: the
        invoice shows the client's share as due again.
        """
        self.ensure_one()
        move = self.move_id
        amount = self.client_debit
        transfer = self.payment_id
        receivable = move.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "journal_id": self.company_id.l10n_fr_aici_payment_journal_id.id,
                    "amount": amount,
                    "currency_id": self.currency_id.id,
                    "date": fields.Date.context_today(self),
                    "destination_account_id": receivable.account_id[:1].id,
                    "memo": self.env._(
                        "Urssaf unpaid debit %(id)s: client's share of %(invoice)s "
                        "taken back",
                        id=self.urssaf_id,
                        invoice=move.name,
                    ),
                }
            )
        )
        payment.action_post()
        self.clawback_payment_id = payment
        account = receivable.account_id[:1]
        taken_back = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == account
        )
        received = transfer.move_id.line_ids.filtered(
            lambda line: line.account_id == account
        )
        (received.matched_debit_ids & receivable.matched_credit_ids).unlink()
        (taken_back + received).reconcile()
        (received + receivable).reconcile()
        return self.env._(
            "Urssaf takes back the client's share of %(amount)s (unpaid debit): "
            "booked in %(journal)s, due again by the client on this invoice.",
            amount=format_amount(self.env, amount, self.currency_id),
            journal=payment.journal_id.name,
        )

    def _l10n_fr_aici_close_clawback(self):
        """120: the provider recovered the share; the follow-up ends."""
        self.ensure_one()
        self.clawback_closed = True
        text = self.env._(
            "Urssaf reports the client's share recovered: the unpaid debit is closed."
        )
        if self.move_id.amount_residual:
            text += " " + self.env._(
                "Register the client's payment of %(amount)s on the invoice if it "
                "is not done yet.",
                amount=format_amount(
                    self.env, self.move_id.amount_residual, self.currency_id
                ),
            )
        return text

    # -------------------------------------------------------------- chatter
    def _l10n_fr_aici_post(self, messages):
        """One note per business event on each invoice: {request: text}."""
        if not messages:
            return
        moves = self.env["account.move"].browse([r.move_id.id for r in messages])
        moves.with_context(no_new_invoice=True)._message_log_batch(
            bodies={
                r.move_id.id: Markup("<p>%s</p>") % text for r, text in messages.items()
            }
        )

    # ------------------------------------------------------------------ crons
    def _l10n_fr_aici_by_company(self, method):
        """Run ``requests.<method>(client)`` company by company, in the company's
        language. A company whose connection is not configured gets the error
        on its own requests only (retried later); the others go on."""
        for company, requests in self.grouped("company_id").items():
            requests = requests.with_context(lang=company._l10n_fr_aici_lang())
            try:
                client = company._l10n_fr_aici_client()
            except UserError as error:
                requests._l10n_fr_aici_retry_later(str(error))
                continue
            with client:
                getattr(requests, method)(client)

    @api.model
    def _l10n_fr_aici_due_domains(self, now):
        """(uncertain sendings to reconcile, requests to send) that are due."""
        return (
            [
                ("state", "=", "to_check"),
                ("urssaf_id", "=", False),
                ("next_check", "<=", now),
            ],
            [
                ("state", "=", "queued"),
                "|",
                ("next_check", "=", False),
                ("next_check", "<=", now),
            ],
        )

    @api.model
    def _cron_send(self, batch_limit=500):
        """Send queued requests and reconcile uncertain ones, company by company.

        Urssaf errors never make the job fail (Odoo would end up deactivating
        it): they are recorded on the requests, which are retried later. While
        work remains, the job says so and Odoo runs it again at once.
        """
        now = fields.Datetime.now()
        check_domain, queued_domain = self._l10n_fr_aici_due_domains(now)
        to_check = self.search(check_domain, limit=batch_limit, order="id")
        queued = self.search(queued_domain, limit=batch_limit, order="id")
        (to_check | queued)._l10n_fr_aici_by_company("_l10n_fr_aici_process_due")
        remaining = self.search_count(check_domain) + self.search_count(queued_domain)
        report_cron_progress(self.env, len(to_check) + len(queued), remaining)

    def _l10n_fr_aici_process_due(self, client):
        """Reconcile the uncertain sendings, then send the queued requests."""
        self.filtered(lambda r: r.state == "to_check")._l10n_fr_aici_reconcile(client)
        self.filtered(lambda r: r.state == "queued")._l10n_fr_aici_send(client)

    def _l10n_fr_aici_send(self, client):
        """Send queued requests of one company after the pre-flight checks."""
        moves = self.move_id
        problems = moves._l10n_fr_aici_preflight()
        failed = self.filtered(lambda r: r.move_id in problems)
        for text, requests in failed.grouped(
            lambda r: "\n".join(problems[r.move_id])
        ).items():
            requests.write({"state": "error", "last_error": text, "next_check": False})
        sendable = moves.filtered(lambda m: m not in problems)
        if sendable:
            sendable._l10n_fr_aici_submit(client=client)

    @api.model
    def _cron_refresh_status(self, batch_limit=1000):
        """Refresh the requests whose check is due, oldest first, company by
        company."""
        now = fields.Datetime.now()
        domain = [
            ("urssaf_id", "!=", False),
            ("next_check", "!=", False),
            ("next_check", "<=", now),
        ]
        requests = self.search(domain, limit=batch_limit, order="next_check, id")
        requests._l10n_fr_aici_by_company("_l10n_fr_aici_refresh")
        remaining = self.search_count(domain) if len(requests) == batch_limit else 0
        report_cron_progress(self.env, len(requests), remaining)
