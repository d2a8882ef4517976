import datetime
import logging
from decimal import Decimal

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from ..urssaf import lifecycle, settlement
from ..urssaf.client import MAX_REQUESTS_PER_SUBMISSION
from ..urssaf.data_types import PaymentRequest, ServiceLine
from ..urssaf.tracking import chunks, default_period
from ..urssaf.validators import validate_payment_request
from .l10n_fr_aici_payment_request import AICI_STATES

_logger = logging.getLogger(__name__)

# Where the Urssaf state of an invoice lives (the lifecycle is drawn in
# urssaf/lifecycle.py): before any sending, on the invoice itself
# (l10n_fr_aici_readiness: not applicable / ready / error, written on posting
# and when the client's link changes, i.e. rarely); from the first sending
# on, on its current l10n_fr_aici.payment.request. l10n_fr_aici_state is
# stored and computed from both, so filters, group-by and pivot work, and
# requests change without any account.move.write.
AICI_READINESS = [s for s in AICI_STATES if s[0] in lifecycle.INVOICE_STATES]


def _split_amount(string, help_text):
    """An amount of the avance immédiate split (stored, for the analysis)."""
    return fields.Monetary(
        string=string,
        compute="_compute_l10n_fr_aici_split",
        store=True,
        currency_field="company_currency_id",
        help=help_text,
    )


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "l10n_fr_aici.activity.mixin"]

    l10n_fr_aici_readiness = fields.Selection(
        AICI_READINESS,
        string="Avance Immédiate Readiness",
        default="not_applicable",
        required=True,
        copy=False,
        readonly=True,
    )
    l10n_fr_aici_preflight_error = fields.Text(
        string="Urssaf Pre-flight Problems", copy=False, readonly=True
    )
    l10n_fr_aici_request_ids = fields.One2many(
        "l10n_fr_aici.payment.request",
        "move_id",
        string="Urssaf Payment Requests",
        copy=False,
        readonly=True,
    )
    l10n_fr_aici_request_id = fields.Many2one(
        "l10n_fr_aici.payment.request",
        string="Urssaf Payment Request",
        compute="_compute_l10n_fr_aici_state",
        store=True,
        copy=False,
        index="btree_not_null",
    )
    l10n_fr_aici_state = fields.Selection(
        AICI_STATES,
        string="Avance Immédiate",
        compute="_compute_l10n_fr_aici_state",
        store=True,
        copy=False,
        index=True,
        help="Before any sending: whether the invoice can be sent. Afterwards: "
        "the status of its current Urssaf payment request.",
    )
    l10n_fr_aici_last_error = fields.Text(
        string="Last Urssaf Error", compute="_compute_l10n_fr_aici_flags"
    )
    l10n_fr_aici_can_send = fields.Boolean(compute="_compute_l10n_fr_aici_flags")
    l10n_fr_aici_can_refresh = fields.Boolean(compute="_compute_l10n_fr_aici_flags")
    l10n_fr_aici_needs_human = fields.Boolean(
        compute="_compute_l10n_fr_aici_flags", search="_search_l10n_fr_aici_needs_human"
    )
    l10n_fr_aici_to_send = fields.Boolean(
        compute="_compute_l10n_fr_aici_flags", search="_search_l10n_fr_aici_to_send"
    )
    l10n_fr_aici_pending = fields.Boolean(
        compute="_compute_l10n_fr_aici_flags", search="_search_l10n_fr_aici_pending"
    )
    l10n_fr_aici_period_start = fields.Date(
        string="Service Start",
        compute="_compute_aici_period",
        store=True,
        readonly=False,
        copy=False,
        help="First day of the services invoiced. Start and end must fall in the "
        "same calendar month.",
    )
    l10n_fr_aici_period_end = fields.Date(
        string="Service End",
        compute="_compute_aici_period",
        store=True,
        readonly=False,
        copy=False,
    )
    l10n_fr_aici_exchange_ids = fields.Many2many(
        "l10n_fr_aici.exchange",
        string="Urssaf Exchanges",
        compute="_compute_l10n_fr_aici_exchange_ids",
        groups="l10n_fr_aici.group_aici_manager",
    )

    @api.depends("l10n_fr_aici_request_ids.state", "l10n_fr_aici_readiness")
    def _compute_l10n_fr_aici_state(self):
        for move in self:
            request = move.l10n_fr_aici_request_ids.sorted("id")[-1:]  # newest
            move.l10n_fr_aici_request_id = request
            move.l10n_fr_aici_state = request.state or move.l10n_fr_aici_readiness

    @api.depends(
        "l10n_fr_aici_state",
        "l10n_fr_aici_preflight_error",
        "l10n_fr_aici_request_id.last_error",
        "l10n_fr_aici_request_id.urssaf_id",
    )
    def _compute_l10n_fr_aici_flags(self):
        for move in self:
            request = move.l10n_fr_aici_request_id
            state = move.l10n_fr_aici_state or "not_applicable"
            known = bool(request.urssaf_id)
            move.l10n_fr_aici_last_error = (
                request.last_error if request else move.l10n_fr_aici_preflight_error
            )
            move.l10n_fr_aici_can_send = (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and lifecycle.is_sendable(state, known)
            )
            move.l10n_fr_aici_can_refresh = bool(request) and lifecycle.can_refresh(
                state, known
            )
            move.l10n_fr_aici_needs_human = state in lifecycle.NEEDS_HUMAN
            move.l10n_fr_aici_to_send = state in lifecycle.TO_SEND
            move.l10n_fr_aici_pending = state in lifecycle.PENDING

    def _l10n_fr_aici_search_states(self, operator, value, states):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Operation not supported"))
        inside = (operator == "=") == value
        return [("l10n_fr_aici_state", "in" if inside else "not in", sorted(states))]

    def _search_l10n_fr_aici_needs_human(self, operator, value):
        return self._l10n_fr_aici_search_states(operator, value, lifecycle.NEEDS_HUMAN)

    def _search_l10n_fr_aici_to_send(self, operator, value):
        return self._l10n_fr_aici_search_states(operator, value, lifecycle.TO_SEND)

    def _search_l10n_fr_aici_pending(self, operator, value):
        return self._l10n_fr_aici_search_states(operator, value, lifecycle.PENDING)

    @api.depends("l10n_fr_aici_request_ids.exchange_ids")
    def _compute_l10n_fr_aici_exchange_ids(self):
        for move in self:
            move.l10n_fr_aici_exchange_ids = move.l10n_fr_aici_request_ids.exchange_ids

    @api.depends("invoice_date")
    def _compute_aici_period(self):
        """Default period: the invoice date's month, up to the invoice date.

        Editable; a request already at Urssaf keeps its period.
        """
        for move in self:
            if move.l10n_fr_aici_request_id:
                move.l10n_fr_aici_period_start = move.l10n_fr_aici_period_start
                move.l10n_fr_aici_period_end = move.l10n_fr_aici_period_end
                continue
            start, end = default_period(move.invoice_date)
            move.l10n_fr_aici_period_start = start
            move.l10n_fr_aici_period_end = end

    @api.depends("country_code", "l10n_fr_aici_request_id", "l10n_fr_aici_state")
    def _compute_need_cancel_request(self):
        return super()._compute_need_cancel_request()

    def _need_cancel_request(self):
        # A request living at Urssaf can only be cancelled there.
        return super()._need_cancel_request() or self._l10n_fr_aici_at_urssaf()

    def _l10n_fr_aici_at_urssaf(self):
        """Whether the invoice's request is at Urssaf and not final."""
        self.ensure_one()
        return (
            bool(self.l10n_fr_aici_request_id.urssaf_id)
            and self.l10n_fr_aici_state not in lifecycle.FINAL
        )

    # ------------------------------------------------------------------ hooks
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._l10n_fr_aici_update_readiness()
        return posted

    def button_draft(self):
        sent = self.filtered(lambda m: m._l10n_fr_aici_at_urssaf())
        if sent:
            raise UserError(
                _(
                    "Invoices %(names)s were sent to Urssaf as payment requests and "
                    "cannot be reset to draft. A cancellation must be requested from "
                    "Urssaf (there is no cancellation through the API): use "
                    "'Request Cancel' once done; the invoice stays 'to check' until "
                    "Urssaf reports it cancelled, then issue a credit note.",
                    names=", ".join(sent.mapped("name")),
                )
            )
        result = super().button_draft()
        self._l10n_fr_aici_update_readiness()
        return result

    def button_request_cancel(self):
        at_urssaf = self.filtered(lambda m: m._l10n_fr_aici_at_urssaf())
        if not at_urssaf:
            return super().button_request_cancel()
        requests = at_urssaf.l10n_fr_aici_request_id
        requests.write(
            {
                "cancel_requested": True,
                "state": "to_check",
                "state_checks": 0,
                "state_date": fields.Datetime.now(),
                "next_check": lifecycle.next_check(
                    "to_check", now=fields.Datetime.now()
                ),
            }
        )
        for company, company_requests in requests.grouped("company_id").items():
            company_requests = company_requests.with_context(
                lang=company._l10n_fr_aici_lang()
            )
            company_requests._l10n_fr_aici_post(
                {
                    request: request.env._(
                        "Cancellation to be requested from Urssaf for payment "
                        "request %(id)s: contact Urssaf with this number. The "
                        "invoice stays 'to check' until Urssaf reports the request "
                        "cancelled.",
                        id=request.urssaf_id,
                    )
                    for request in company_requests
                }
            )
        return True

    # ------------------------------------------------------------- readiness
    def _l10n_fr_aici_is_eligible(self):
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.partner_id.commercial_partner_id.l10n_fr_aici_state == "active"
        )

    def _l10n_fr_aici_update_readiness(self):
        """Invoices without payment request: 'not applicable', 'ready', or
        'error' when the pre-flight checks already find something to fix.
        When the company sends automatically, ready invoices get a queued
        request and the sending job is triggered."""
        moves = self.filtered(lambda m: not m.l10n_fr_aici_request_id)
        eligible = moves.filtered(lambda m: m._l10n_fr_aici_is_eligible())
        problems = eligible._l10n_fr_aici_preflight()
        values = {}
        for move in moves:
            if move not in eligible:
                values[move] = ("not_applicable", False)
            elif move in problems:
                values[move] = ("error", "\n".join(problems[move]))
            else:
                values[move] = ("ready", False)
        changed = moves.filtered(
            lambda m: (
                values[m]
                != (m.l10n_fr_aici_readiness, m.l10n_fr_aici_preflight_error or False)
            )
        )
        for (readiness, error), group in changed.grouped(lambda m: values[m]).items():
            group.write(
                {
                    "l10n_fr_aici_readiness": readiness,
                    "l10n_fr_aici_preflight_error": error,
                }
            )
        auto = moves.filtered(
            lambda m: values[m][0] == "ready" and m.company_id.l10n_fr_aici_auto_send
        )
        if auto:
            request_model = self.env["l10n_fr_aici.payment.request"].sudo()
            request_model.create([request_model._l10n_fr_aici_values(m) for m in auto])
            self.env.ref("l10n_fr_aici.ir_cron_aici_send")._trigger()

    # ---------------------------------------------------------------- data
    def _l10n_fr_aici_client_partner(self):
        return self.partner_id.commercial_partner_id

    def _l10n_fr_aici_payment_request(self):
        """The invoice as plain data for ``urssaf`` (no check here)."""
        self.ensure_one()
        partner = self._l10n_fr_aici_client_partner().sudo()
        company = self.company_id
        intervenant = company._l10n_fr_aici_intervenant_code()
        deposit, deposit_date = self._l10n_fr_aici_deposit()
        lines = []
        for line in self.invoice_line_ids.filtered(
            lambda invoice_line: invoice_line.display_type == "product"
        ):
            product = line.product_id.product_tmpl_id
            lines.append(
                ServiceLine(
                    nature_code=product.l10n_fr_aici_nature_code or "",
                    unit=product.l10n_fr_aici_unit or "FORFAIT",
                    quantity=_dec(line.quantity),
                    total_ttc=_dec(line.price_total),
                    total_ht=_dec(line.price_subtotal),
                    date_start=self.l10n_fr_aici_period_start or None,
                    date_end=self.l10n_fr_aici_period_end or None,
                    description=line.name or product.name or None,
                    intervenant=intervenant or None,
                )
            )
        return PaymentRequest(
            id_tiers_facturation=company.l10n_fr_aici_id_tiers_facturation or "",
            id_client=partner.l10n_fr_aici_id_client or "",
            client_birth_date=partner.l10n_fr_aici_birth_date or None,
            invoice_number=self.name or "",
            invoice_date=self.invoice_date or None,
            date_start=self.l10n_fr_aici_period_start or None,
            date_end=self.l10n_fr_aici_period_end or None,
            lines=lines,
            total_ttc=_dec(self.amount_total),
            total_ht=_dec(self.amount_untaxed),
            deposit_amount=_dec(deposit) if deposit else None,
            deposit_date=deposit_date,
        )

    def _l10n_fr_aici_preflight(self):
        """Every reason not to send each invoice: {move: [message, ...]}."""
        today = fields.Date.context_today(self)
        problems = {}
        for move in self:
            messages = []
            partner = move._l10n_fr_aici_client_partner()
            if move.move_type == "out_refund":
                messages.append(
                    _(
                        "Credit notes are never sent to Urssaf. To correct an invoice "
                        "already sent, have the payment request cancelled by Urssaf."
                    )
                )
            elif move.move_type != "out_invoice":
                messages.append(_("Only customer invoices can be sent to Urssaf."))
            if move.state != "posted":
                messages.append(_("The invoice must be posted first."))
            state = move.l10n_fr_aici_state or "not_applicable"
            if state != "not_applicable" and not lifecycle.is_sendable(
                state, bool(move.l10n_fr_aici_request_id.urssaf_id)
            ):
                if state in lifecycle.FINAL:
                    messages.append(
                        _(
                            "Urssaf status of this payment request: %(state)s. It "
                            "cannot be sent again under the same number: issue a "
                            "credit note and a new invoice.",
                            state=dict(
                                move._fields[
                                    "l10n_fr_aici_state"
                                ]._description_selection(self.env)
                            )[move.l10n_fr_aici_state],
                        )
                    )
                else:
                    messages.append(_("This invoice was already sent to Urssaf."))
            if move.currency_id.name != "EUR":
                messages.append(_("Only invoices in euros can be sent to Urssaf."))
            if partner.l10n_fr_aici_state != "active":
                messages.append(
                    _(
                        "The client %(client)s is not active for the avance immédiate "
                        "(status: %(state)s).",
                        client=partner.display_name,
                        state=dict(
                            partner._fields[
                                "l10n_fr_aici_state"
                            ]._description_selection(self.env)
                        ).get(partner.l10n_fr_aici_state),
                    )
                )
            elif (
                partner.l10n_fr_aici_company_id
                and partner.l10n_fr_aici_company_id != move.company_id
            ):
                messages.append(
                    _(
                        "The client %(client)s is enrolled with the Urssaf account "
                        "of %(company)s: invoices of %(other)s cannot be sent for "
                        "them.",
                        client=partner.display_name,
                        company=partner.l10n_fr_aici_company_id.name,
                        other=move.company_id.name,
                    )
                )
            if messages:
                problems[move] = messages
                continue
            # Urssaf compares the period's start (its day at 00:00 UTC) with
            # the activation instant, stored as naive UTC: pass it as such.
            activation = partner.sudo().l10n_fr_aici_activation_datetime
            messages += move._l10n_fr_aici_deposit_problems()
            for problem in validate_payment_request(
                move._l10n_fr_aici_payment_request(),
                today=today,
                activation=(
                    activation.replace(tzinfo=datetime.timezone.utc)
                    if activation
                    else None
                ),
            ):
                messages.append(problem.message)
            if messages:
                problems[move] = messages
        return problems

    # -------------------------------------------------------------- actions
    def action_aici_send(self):
        """Button and list action "Envoyer à l'Urssaf"."""
        moves = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if not moves:
            raise UserError(_("Select customer invoices to send to Urssaf."))
        problems = moves._l10n_fr_aici_preflight()
        if len(problems) == len(moves):
            raise UserError(
                _("Nothing was sent to Urssaf:")
                + "\n"
                + "\n".join(
                    f"• {move.name}: {message}"
                    for move, messages in problems.items()
                    for message in messages
                )
            )
        to_send = moves.filtered(lambda m: m not in problems)
        outcome = to_send._l10n_fr_aici_submit(interactive=True)
        return self._l10n_fr_aici_send_notification(outcome, problems)

    def _l10n_fr_aici_send_notification(self, outcome, problems):
        lines = []
        if outcome["sent"]:
            lines.append(
                _(
                    "%(count)s invoice(s) accepted by Urssaf.",
                    count=len(outcome["sent"]),
                )
            )
        for move in outcome["refused"]:
            lines.append(
                _(
                    "%(name)s refused: %(error)s",
                    name=move.name,
                    error=move.l10n_fr_aici_last_error,
                )
            )
        for move in outcome["queued"]:
            lines.append(
                _(
                    "%(name)s not sent (Urssaf not reached), queued for an automatic "
                    "retry: %(error)s",
                    name=move.name,
                    error=move.l10n_fr_aici_last_error,
                )
            )
        for move in outcome["to_check"]:
            lines.append(
                _(
                    "%(name)s: the answer of Urssaf was lost; it will be checked "
                    "with Urssaf before any new sending.",
                    name=move.name,
                )
            )
        for move in outcome["skipped"]:
            lines.append(
                _(
                    "%(name)s is being sent by another user or job: skipped.",
                    name=move.name,
                )
            )
        for move, messages in problems.items():
            lines.append(
                _(
                    "%(name)s not sent: %(problems)s",
                    name=move.name,
                    problems=" ".join(messages),
                )
            )
        failed = (
            outcome["refused"] or outcome["queued"] or outcome["to_check"] or problems
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else "success",
                "className": "o_aici_notification",
                "title": _("Sending to Urssaf"),
                "message": "\n".join(lines),
                "sticky": bool(failed),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_aici_refresh(self):
        """Button "Actualiser": status of sent requests, reconciliation of
        uncertain ones."""
        requests = self.l10n_fr_aici_request_id.filtered("can_refresh")
        if not requests:
            raise UserError(_("These invoices have no Urssaf payment request yet."))
        for company, company_requests in requests.grouped("company_id").items():
            company_requests = company_requests.with_context(
                lang=company._l10n_fr_aici_lang()
            )
            with company._l10n_fr_aici_client() as client:
                company_requests._l10n_fr_aici_refresh(client)
                company_requests._l10n_fr_aici_reconcile(client)
        return True

    def _l10n_fr_aici_refresh_status(self):
        """Refresh the current requests of these invoices (demo, scripts)."""
        self.l10n_fr_aici_request_id._l10n_fr_aici_refresh()

    # ------------------------------------------------------------ sending
    def _l10n_fr_aici_lock(self, interactive):
        """Row-lock the invoices before any call; return those we hold.

        Another worker holding or having just changed a row makes us skip it
        (cron) or stop with a clear message (user), before anything is sent.
        Every change of a request changes its invoice's stored state, so the
        invoice row is the one to lock.
        """
        if not self:
            return self
        try:
            # A refused lock is expected here: keep it out of the error log.
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM account_move WHERE id IN %s FOR UPDATE NOWAIT",
                    [tuple(self.ids)],
                )
        except (
            psycopg2.errors.LockNotAvailable,
            psycopg2.errors.SerializationFailure,
        ):
            if interactive and len(self) == 1:
                raise UserError(
                    _(
                        "Invoice %(name)s is being sent to Urssaf by another user or "
                        "a scheduled job. Try again in a moment.",
                        name=self.name,
                    )
                ) from None
            # Fall back to one by one so that free invoices still go.
            if len(self) == 1:
                return self.browse()
            held = self.browse()
            for move in self:
                held |= move._l10n_fr_aici_lock(interactive=False)
            return held
        self.invalidate_recordset(
            [
                "l10n_fr_aici_state",
                "l10n_fr_aici_request_id",
                "l10n_fr_aici_request_ids",
            ]
        )
        self.l10n_fr_aici_request_ids.invalidate_recordset(["state", "urssaf_id"])
        return self

    def _l10n_fr_aici_requests_to_send(self):
        """The request to send for each invoice: its current one while it is
        not at Urssaf, else a new one (created in one go)."""
        request_model = self.env["l10n_fr_aici.payment.request"]
        reused = self.l10n_fr_aici_request_id.filtered("can_send")
        reused._l10n_fr_aici_resync()
        new = self - reused.move_id
        created = request_model.create(
            [request_model._l10n_fr_aici_values(move) for move in new]
        )
        return reused | created

    def _l10n_fr_aici_submit(self, interactive=False, client=None):
        """Send these invoices (already checked) in batches, company by company.

        Returns {"sent", "refused", "queued", "to_check", "skipped"} recordsets.
        """
        outcome = {
            key: self.browse()
            for key in ("sent", "refused", "queued", "to_check", "skipped")
        }
        for company, moves in self.grouped("company_id").items():
            moves = moves.with_context(lang=company._l10n_fr_aici_lang())
            size = max(
                1,
                min(
                    MAX_REQUESTS_PER_SUBMISSION,
                    company.l10n_fr_aici_batch_size or MAX_REQUESTS_PER_SUBMISSION,
                ),
            )
            urssaf = client or company._l10n_fr_aici_client()
            try:
                for ids in chunks(moves.ids, size):
                    batch = moves.browse(ids)._l10n_fr_aici_lock(interactive)
                    outcome["skipped"] |= self.browse(ids) - batch
                    # Re-read under lock: another worker may have sent them.
                    batch = batch.filtered(
                        lambda m: (
                            m.state == "posted"
                            and lifecycle.is_sendable(
                                m.l10n_fr_aici_state,
                                bool(m.l10n_fr_aici_request_id.urssaf_id),
                            )
                        )
                    )
                    if batch:
                        requests = batch._l10n_fr_aici_requests_to_send()
                        requests._l10n_fr_aici_submit_batch(urssaf, outcome)
                    if self._can_commit():
                        # The Urssaf ids are saved before the next call: a later
                        # rollback must never forget a request Urssaf accepted.
                        self.env.cr.commit()  # pylint: disable=invalid-commit
            finally:
                if client is None:
                    urssaf.close()
        return outcome

    def _l10n_fr_aici_responsible_user(self):
        return self.invoice_user_id or self.env.user

    # ============================================================ money
    # Who owes what (urssaf/settlement.py): the split of the invoice, the
    # deposit sent as mntAcompte, and the guard against a client's payment
    # while Urssaf collects the invoice.
    l10n_fr_aici_service_month = fields.Date(
        string="Service Month",
        compute="_compute_l10n_fr_aici_service_month",
        store=True,
        help="Month of the services invoiced (first day of the service period).",
    )
    l10n_fr_aici_amount_sent = _split_amount(
        "Amount Sent to Urssaf",
        "Total of the invoice, tax included, as sent (or to be sent) to Urssaf.",
    )
    l10n_fr_aici_amount_advance = _split_amount(
        "Immediate Advance (Tax Credit)",
        "Half of the total, advanced by Urssaf as the client's tax credit.",
    )
    l10n_fr_aici_amount_client = _split_amount(
        "Client's Share",
        "What the client pays: the total less the advance, deposit included.",
    )
    l10n_fr_aici_amount_deposit = _split_amount(
        "Deposit",
        "Paid by the client to you before the sending; sent to Urssaf as such.",
    )
    l10n_fr_aici_amount_debit = _split_amount(
        "Debited by Urssaf",
        "The client's share less the deposit: Urssaf debits it from the "
        "client's account.",
    )
    l10n_fr_aici_transfer_amount = _split_amount(
        "Urssaf Transfer",
        "Expected (the total less the deposit), then as reported by Urssaf.",
    )
    l10n_fr_aici_transfer_date = fields.Date(
        string="Urssaf Transfer Date",
        compute="_compute_l10n_fr_aici_split",
        store=True,
        help="Expected from the request's progress, then the date reported by Urssaf.",
    )
    l10n_fr_aici_transfer_done = fields.Boolean(
        string="Transfer Made", compute="_compute_l10n_fr_aici_split", store=True
    )
    l10n_fr_aici_live = fields.Boolean(
        string="Collected by Urssaf",
        compute="_compute_l10n_fr_aici_live",
        help="The payment request is at Urssaf, which collects the invoice: the "
        "client must not pay you meanwhile.",
    )

    @api.depends("l10n_fr_aici_period_start")
    def _compute_l10n_fr_aici_service_month(self):
        for move in self:
            start = move.l10n_fr_aici_period_start
            move.l10n_fr_aici_service_month = start and start.replace(day=1)

    @api.depends(
        "l10n_fr_aici_state",
        "amount_total",
        "amount_residual",
        "l10n_fr_aici_request_id.amount_total",
        "l10n_fr_aici_request_id.deposit_amount",
        "l10n_fr_aici_request_id.transfer_amount",
        "l10n_fr_aici_request_id.transfer_expected_date",
    )
    def _compute_l10n_fr_aici_split(self):
        for move in self:
            request = move.l10n_fr_aici_request_id
            applicable = (
                move.move_type == "out_invoice"
                and (move.l10n_fr_aici_state or "not_applicable") != "not_applicable"
            )
            if request:
                total, deposit = request.amount_total, request.deposit_amount
            elif applicable:
                total = move.amount_total
                deposit = move._l10n_fr_aici_deposit()[0]
            else:
                total = deposit = 0.0
            split = settlement.split(total, deposit)
            expected = float(split.transfer)
            if move.l10n_fr_aici_state in lifecycle.FINAL:
                expected = 0.0
            move.update(
                {
                    "l10n_fr_aici_amount_sent": float(split.total),
                    "l10n_fr_aici_amount_advance": float(split.advance),
                    "l10n_fr_aici_amount_client": float(split.client_share),
                    "l10n_fr_aici_amount_deposit": float(split.deposit),
                    "l10n_fr_aici_amount_debit": float(split.client_debit),
                    "l10n_fr_aici_transfer_amount": request.transfer_amount or expected,
                    "l10n_fr_aici_transfer_date": request.transfer_expected_date,
                    "l10n_fr_aici_transfer_done": bool(request.transfer_amount),
                }
            )

    @api.depends("l10n_fr_aici_request_id.state")
    def _compute_l10n_fr_aici_live(self):
        for move in self:
            move.l10n_fr_aici_live = (
                move.l10n_fr_aici_request_id.state in settlement.LIVE_STATES
            )

    def _l10n_fr_aici_deposit(self):
        """(amount, date) the client already paid on the invoice: payments
        reconciled with it, sent to Urssaf as a deposit (mntAcompte)."""
        self.ensure_one()
        amount, day = 0.0, None
        receivable = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        for partial in receivable.matched_credit_ids:
            amount += partial.amount
            day = max(filter(None, [day, partial.credit_move_id.date]))
        return self.company_currency_id.round(amount), day

    def _l10n_fr_aici_deposit_problems(self):
        """What prevents sending what the client already paid as a deposit."""
        self.ensure_one()
        receivable = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        if receivable.matched_credit_ids.credit_move_id.move_id.filtered(
            lambda move: move.is_invoice(include_receipts=True)
        ):
            return [
                _(
                    "A credit note is reconciled with this invoice: Urssaf only "
                    "knows deposits paid by the client. Remove the credit note's "
                    "reconciliation or issue a new invoice for the amount due."
                )
            ]
        return []

    def _l10n_fr_aici_on_report(self):
        """Whether the printed invoice carries the avance immédiate block."""
        self.ensure_one()
        return self.move_type == "out_invoice" and self.l10n_fr_aici_state in (
            {"ready", "error", "queued", "to_check", "paid"} | lifecycle.PENDING
        )

    def _compute_payments_widget_to_reconcile_info(self):
        result = super()._compute_payments_widget_to_reconcile_info()
        # No client's payment offered while Urssaf collects the invoice.
        for move in self.filtered("l10n_fr_aici_live"):
            move.invoice_outstanding_credits_debits_widget = False
            move.invoice_has_outstanding = False
        return result

    def js_assign_outstanding_line(self, line_id):
        self._l10n_fr_aici_check_no_collection()
        return super().js_assign_outstanding_line(line_id)

    def _l10n_fr_aici_check_no_collection(self):
        """Stop a client's payment on invoices that Urssaf collects."""
        live = self.filtered("l10n_fr_aici_live")
        if live and not self.env.context.get("l10n_fr_aici_force_payment"):
            raise UserError(
                _(
                    "Urssaf collects %(names)s (payment request in progress): it "
                    "debits the client's share and transfers the full amount to "
                    "you. A payment from the client now would be collected twice. "
                    "If the client did pay you, ask an accounting manager to force "
                    "the payment with a reason, and have Urssaf cancel the request.",
                    names=", ".join(live.mapped("name")),
                )
            )


def _dec(value):
    return Decimal(str(round(value or 0.0, 6)))
