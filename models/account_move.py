import datetime
import logging
from datetime import timedelta
from decimal import Decimal

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date, format_datetime, mute_logger

from ..urssaf import catalogues, lifecycle, settlement
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
AICI_CLOSURES = [s for s in AICI_STATES if s[0] in lifecycle.CLOSURES]


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
        group_expand="_l10n_fr_aici_group_states",
        help="Before any sending: whether the invoice can be sent. Afterwards: "
        "the status of its current Urssaf payment request, unless the invoice "
        "was corrected or billed outside the avance immédiate.",
    )
    l10n_fr_aici_closure = fields.Selection(
        AICI_CLOSURES,
        string="Avance Immédiate Closed",
        copy=False,
        readonly=True,
        help="Corrected: replaced by a credit note and a new invoice after a "
        "refusal or a cancellation. Outside the avance immédiate: the client "
        "pays the whole invoice directly.",
    )
    l10n_fr_aici_closure_reason = fields.Text(
        string="Reason for Billing Outside", copy=False, readonly=True
    )
    l10n_fr_aici_replaces_id = fields.Many2one(
        "account.move",
        string="Replaces",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The invoice refused or cancelled at Urssaf that this one corrects.",
    )
    l10n_fr_aici_replaced_by_id = fields.Many2one(
        "account.move",
        string="Replaced By",
        copy=False,
        readonly=True,
        help="The new invoice that corrects this one.",
    )
    l10n_fr_aici_next_step = fields.Text(
        string="What Happens Next", compute="_compute_l10n_fr_aici_next_step"
    )
    l10n_fr_aici_next_step_level = fields.Selection(
        [(level, level) for level in catalogues.NEXT_STEP_LEVELS],
        compute="_compute_l10n_fr_aici_next_step",
        export_string_translation=False,
    )
    l10n_fr_aici_refusal = fields.Text(
        string="Reason Given",
        compute="_compute_l10n_fr_aici_next_step",
        help="Why the client refused or contested, or why Urssaf cancelled, "
        "as Urssaf reported it, with its explanation.",
    )
    l10n_fr_aici_can_correct = fields.Boolean(
        compute="_compute_l10n_fr_aici_next_step", export_string_translation=False
    )
    l10n_fr_aici_can_exclude = fields.Boolean(
        compute="_compute_l10n_fr_aici_next_step", export_string_translation=False
    )
    l10n_fr_aici_can_resume = fields.Boolean(
        compute="_compute_l10n_fr_aici_next_step", export_string_translation=False
    )
    l10n_fr_aici_step_refresh = fields.Boolean(
        compute="_compute_l10n_fr_aici_next_step",
        export_string_translation=False,
        help="Asking Urssaf again is one of the next step's actions.",
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

    @api.depends(
        "l10n_fr_aici_request_ids.state",
        "l10n_fr_aici_readiness",
        "l10n_fr_aici_closure",
    )
    def _compute_l10n_fr_aici_state(self):
        for move in self:
            request = move.l10n_fr_aici_request_ids.sorted("id")[-1:]  # newest
            move.l10n_fr_aici_request_id = request
            move.l10n_fr_aici_state = lifecycle.invoice_state(
                move.l10n_fr_aici_readiness, request.state, move.l10n_fr_aici_closure
            )

    @api.model
    def _l10n_fr_aici_group_states(self, states, domain):
        """Group-by in the order of an invoice's life, without empty groups."""
        return [state for state in lifecycle.STATES if state in states]

    # Dependencies on the requests go through the one2many (its inverse,
    # move_id, is known): through the computed many2one, every change of a
    # request would cost a search of its invoice.
    @api.depends(
        "l10n_fr_aici_state",
        "l10n_fr_aici_request_id",
        "l10n_fr_aici_preflight_error",
        "l10n_fr_aici_request_ids.last_error",
        "l10n_fr_aici_request_ids.urssaf_id",
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

    @api.depends(
        "l10n_fr_aici_state",
        "l10n_fr_aici_request_id",
        "l10n_fr_aici_last_error",
        "l10n_fr_aici_closure_reason",
        "l10n_fr_aici_replaced_by_id",
        "l10n_fr_aici_request_ids.cancel_requested",
        "l10n_fr_aici_request_ids.status_code",
        "l10n_fr_aici_request_ids.state_date",
        "l10n_fr_aici_request_ids.next_check",
        "l10n_fr_aici_request_ids.payment_id",
        "l10n_fr_aici_request_ids.transfer_amount",
        "l10n_fr_aici_request_ids.rejection_code",
        "l10n_fr_aici_request_ids.rejection_comment",
        "l10n_fr_aici_transfer_amount",
        "l10n_fr_aici_transfer_date",
    )
    def _compute_l10n_fr_aici_next_step(self):
        for move in self:
            request = move.l10n_fr_aici_request_id
            state = move.l10n_fr_aici_state or "not_applicable"
            known = bool(request.urssaf_id)
            # Urssaf paid (reported or booked): a credit note is not the way.
            booked = bool(request.payment_id or request.transfer_amount)
            resumable = lifecycle.is_sendable(
                request.state or move.l10n_fr_aici_readiness, known
            )
            step = catalogues.invoice_next_step(
                state,
                cancel_requested=request.cancel_requested,
                unknown_status=bool(
                    request.status_code
                    and request.status_code not in lifecycle.STATUS_STATES
                ),
                transfer_booked=booked,
                resumable=resumable,
            )
            applicable = move.move_type == "out_invoice" and move.state == "posted"
            actions = step.actions if applicable else ()
            move.l10n_fr_aici_next_step = (
                move._l10n_fr_aici_step_text(step.code) if applicable else False
            )
            move.l10n_fr_aici_next_step_level = step.level
            move.l10n_fr_aici_can_correct = (
                catalogues.ACTION_CORRECT in actions
                and lifecycle.can_correct(state, booked)
            )
            move.l10n_fr_aici_can_exclude = (
                catalogues.ACTION_EXCLUDE in actions
                and lifecycle.can_exclude(state, known, booked)
            )
            move.l10n_fr_aici_can_resume = catalogues.ACTION_RESUME in actions
            move.l10n_fr_aici_step_refresh = (
                catalogues.ACTION_REFRESH in actions and move.l10n_fr_aici_can_refresh
            )
            move.l10n_fr_aici_refusal = (
                move._l10n_fr_aici_refusal_text() if request.rejection_code else False
            )

    def _l10n_fr_aici_refusal_text(self):
        """The reason Urssaf reported, its explanation and what to do."""
        self.ensure_one()
        request = self.l10n_fr_aici_request_id
        lines = [
            self.env._(
                "%(reason)s (code %(code)s).",
                reason=request.rejection_label,
                code=request.rejection_code,
            )
        ]
        if request.rejection_comment:
            lines.append(
                self.env._(
                    "Client's comment: %(comment)s", comment=request.rejection_comment
                )
            )
        lines.append(request.rejection_advice)
        return "\n".join(lines)

    def _l10n_fr_aici_step_text(self, code):
        """The sentence of a step (``urssaf.catalogues.INVOICE_NEXT_STEPS``)."""
        self.ensure_one()
        _ = self.env._
        request = self.l10n_fr_aici_request_id
        currency = self.company_currency_id

        def money(amount):
            return format_amount(self.env, amount or 0.0, currency)

        def day(value):
            return format_date(self.env, value) if value else "?"

        def when(value):
            return format_datetime(self.env, value, dt_format="short") if value else "?"

        state_since = request.state_date or request.sent_date
        texts = {
            "not_applicable": lambda: "",
            "send": lambda: _(
                "Ready to send. Check the service period below, then click "
                "'Send to Urssaf': Urssaf asks the client to validate the request "
                "within 48 hours in their particulier.urssaf.fr space. If the "
                "client pays this invoice directly, click 'Bill outside the "
                "avance immédiate'."
            ),
            "fix_and_send": lambda: _(
                "To fix before sending: %(problems)s Then click 'Send to Urssaf' "
                "again. If the invoice itself is wrong, reset it to draft, correct "
                "it and confirm it again; if the client pays directly, click 'Bill "
                "outside the avance immédiate'.",
                problems=self.l10n_fr_aici_last_error or "",
            ),
            "queued": lambda: _(
                "Queued: the scheduled job sends it to Urssaf (next attempt: "
                "%(when)s). You can also click 'Send to Urssaf' now.",
                when=when(request.next_check) if request.next_check else _("soon"),
            ),
            "being_confirmed": lambda: _(
                "The outcome of the sending is being confirmed with Urssaf (its "
                "answer did not reach us). Nothing to do: Urssaf is asked again "
                "automatically (next check: %(when)s) and the invoice is never "
                "sent twice.",
                when=when(request.next_check),
            ),
            "cancellation_requested": lambda: _(
                "Cancellation requested: ask Urssaf to cancel payment request "
                "%(number)s (the API offers no cancellation). The invoice waits "
                "here until Urssaf reports the request cancelled; you can then "
                "correct it.",
                number=request.urssaf_id or "?",
            ),
            "unknown_status": lambda: _(
                "Urssaf reported a status this module does not know (%(code)s "
                "%(label)s). Contact Urssaf with payment request number "
                "%(number)s; the status is checked again automatically.",
                code=request.status_code or "",
                label=request.status_label or "",
                number=request.urssaf_id or "?",
            ),
            "client_notified": lambda: _(
                "Urssaf integrated payment request %(number)s on %(date)s and "
                "notifies the client, who then has 48 hours to validate it. "
                "Nothing to do.",
                number=request.urssaf_id or "?",
                date=day(request.sent_date),
            ),
            "client_validates": lambda: _(
                "Waiting for the client: they validate or refuse the request in "
                "their particulier.urssaf.fr space, by %(deadline)s; without an "
                "answer Urssaf validates it. Nothing to do.",
                deadline=when(state_since and state_since + timedelta(hours=48)),
            ),
            "urssaf_debits": lambda: _(
                "Validated. Urssaf debits the client's share (%(debit)s) and "
                "transfers %(transfer)s to you, expected around %(date)s. Nothing "
                "to do.",
                debit=money(self.l10n_fr_aici_amount_debit),
                transfer=money(self.l10n_fr_aici_transfer_amount),
                date=day(self.l10n_fr_aici_transfer_date),
            ),
            "urssaf_transfers": lambda: _(
                "Debited from the client. Urssaf transfers %(transfer)s to you, "
                "expected around %(date)s. Nothing to do.",
                transfer=money(self.l10n_fr_aici_transfer_amount),
                date=day(self.l10n_fr_aici_transfer_date),
            ),
            "paid": lambda: _(
                "Paid: Urssaf transferred %(transfer)s on %(date)s. Nothing more "
                "to do.",
                transfer=money(self.l10n_fr_aici_transfer_amount),
                date=day(request.transfer_date or self.l10n_fr_aici_transfer_date),
            ),
            "unpaid": lambda: _(
                "Unpaid: Urssaf could not debit the client's share and takes it "
                "back from you. The client's share (%(share)s) is due again on "
                "this invoice: contact the client. Urssaf reports when it is "
                "recovered.",
                share=money(self.l10n_fr_aici_amount_client),
            ),
            "recovered": lambda: _(
                "Urssaf recovered the unpaid share from the client. Nothing more to do."
            ),
            "refused": lambda: _(
                "The client refused the request on %(date)s (reason below). "
                "Click 'Correct the invoice': a credit note cancels it and a new "
                "draft is created, to fix and send. If the client pays you "
                "directly, click 'Bill outside the avance immédiate'.",
                date=day(state_since),
            ),
            "cancelled": lambda: _(
                "Urssaf cancelled the request on %(date)s. Click 'Correct the "
                "invoice' to issue a credit note and a new draft to send, or "
                "'Bill outside the avance immédiate' if the client pays you "
                "directly.",
                date=day(state_since),
            ),
            "cancelled_after_transfer": lambda: _(
                "Urssaf cancelled the request after transferring %(transfer)s to "
                "you, and takes that transfer back. Contact Urssaf with payment "
                "request number %(number)s before issuing a credit note.",
                transfer=money(request.transfer_amount),
                number=request.urssaf_id or "?",
            ),
            "corrected": lambda: _(
                "Corrected: credit note %(refund)s cancels this invoice and "
                "%(new)s replaces it.",
                refund=", ".join(self.reversal_move_ids.mapped("name")) or "?",
                new=self.l10n_fr_aici_replaced_by_id.name or _("a new draft invoice"),
            ),
            "excluded": lambda: _(
                "Billed outside the avance immédiate: the client pays the whole "
                "invoice directly. Reason: %(reason)s",
                reason=self.l10n_fr_aici_closure_reason or "",
            ),
        }
        if code == "fix_and_send" and not self.l10n_fr_aici_last_error:
            code = "send"
        return texts.get(code, texts["fix_and_send"])()

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
                    "'Request Cancel' once done; the invoice shows 'Status to confirm' "
                    "until Urssaf reports it cancelled, then click 'Correct the "
                    "invoice'.",
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
                        "invoice shows 'Status to confirm' until Urssaf reports the "
                        "request cancelled.",
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
            lambda m: (
                values[m][0] == "ready"
                and not m.l10n_fr_aici_closure
                and m.company_id.l10n_fr_aici_auto_send
            )
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

    def _l10n_fr_aici_prefetch_deposits(self):
        """Read what the deposits need for all these invoices at once (one
        query per table instead of two per invoice)."""
        receivable = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        receivable.matched_credit_ids.credit_move_id.move_id.mapped("move_type")

    def _l10n_fr_aici_preflight(self):
        """Every reason not to send each invoice: {move: [message, ...]}."""
        today = fields.Date.context_today(self)
        problems = {}
        self._l10n_fr_aici_prefetch_deposits()
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
                if state == "excluded":
                    messages.append(
                        _(
                            "This invoice is billed outside the avance immédiate: "
                            "click 'Back to the avance immédiate' first."
                        )
                    )
                elif state == "corrected":
                    messages.append(
                        _(
                            "This invoice was corrected by a credit note: send "
                            "the new invoice %(new)s instead.",
                            new=move.l10n_fr_aici_replaced_by_id.name or "",
                        )
                    )
                elif state in lifecycle.FINAL:
                    messages.append(
                        _(
                            "Urssaf status of this payment request: %(state)s. It "
                            "cannot be sent again under the same number: click "
                            "'Correct the invoice' to issue a credit note and a new "
                            "invoice.",
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
        """Button and list action "Envoyer à l'Urssaf".

        From the list, the invoices the avance immédiate does not concern
        (other clients, credit notes, already at Urssaf, corrected, billed
        outside) are left aside and only counted; the others are checked, and
        each problem is reported with its invoice.
        """
        moves = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if not moves:
            raise UserError(_("Select customer invoices to send to Urssaf."))
        aside = self.browse()
        if len(self) > 1:
            concerned = moves.filtered(
                lambda m: (
                    m.move_type == "out_invoice"
                    and m.state == "posted"
                    and lifecycle.is_sendable(
                        m.l10n_fr_aici_state, bool(m.l10n_fr_aici_request_id.urssaf_id)
                    )
                )
            )
            aside = self - concerned
            moves = concerned
            if not moves:
                raise UserError(
                    _(
                        "None of the selected invoices is to be sent to Urssaf: "
                        "they are not invoices of clients enrolled for the avance "
                        "immédiate, or Urssaf already has them."
                    )
                )
        problems = moves._l10n_fr_aici_preflight()
        if len(problems) == len(moves):
            raise UserError(
                _("Nothing was sent to Urssaf:")
                + "\n"
                + "\n".join(
                    "• "
                    + self.env._(
                        "%(name)s: %(problem)s", name=move.name, problem=message
                    )
                    for move, messages in problems.items()
                    for message in messages
                )
            )
        to_send = moves.filtered(lambda m: m not in problems)
        outcome = to_send._l10n_fr_aici_submit(interactive=True)
        return self._l10n_fr_aici_send_notification(outcome, problems, aside)

    def _l10n_fr_aici_send_notification(self, outcome, problems, aside=None):
        lines = []
        sent = outcome["sent"]
        if len(sent) == 1:
            lines.append(
                _(
                    "Urssaf integrated the payment request of %(name)s: the client "
                    "has 48 hours to validate it.",
                    name=sent.name,
                )
            )
        elif sent:
            lines.append(
                _(
                    "Urssaf integrated %(count)s payment requests (%(names)s): the "
                    "clients have 48 hours to validate them.",
                    count=len(sent),
                    names=", ".join(sent.mapped("name")),
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
        if len(aside) == 1:
            lines.append(
                _(
                    "One other selected invoice left aside: not concerned by the "
                    "avance immédiate, or already at Urssaf."
                )
            )
        elif aside:
            lines.append(
                _(
                    "%(count)s other selected invoices left aside: not concerned "
                    "by the avance immédiate, or already at Urssaf.",
                    count=len(aside),
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

    # ----------------------------------------------- correct / bill outside
    def _l10n_fr_aici_lock_for_decision(self):
        """Hold the invoices' rows (a sending in progress must finish first),
        then read their state again."""
        held = self._l10n_fr_aici_lock(interactive=True)
        if held != self:
            raise UserError(
                _(
                    "Invoices %(names)s are being sent to Urssaf by another user "
                    "or a scheduled job. Try again in a moment.",
                    names=", ".join((self - held).mapped("name")),
                )
            )
        self.invalidate_recordset(
            [
                "l10n_fr_aici_next_step",
                "l10n_fr_aici_can_correct",
                "l10n_fr_aici_can_exclude",
                "l10n_fr_aici_can_resume",
            ]
        )

    def _l10n_fr_aici_close_warnings(self, feedback):
        """Mark the avance-immédiate warning activities of these invoices done."""
        summary = self.env._("Avance immédiate: action needed")
        activities = self.activity_ids.filtered(
            lambda activity: activity.summary == summary
        )
        if activities:
            activities.action_feedback(feedback=feedback)

    def action_l10n_fr_aici_correct(self):
        """Button "Corriger la facture": a credit note cancels the invoice
        that the client refused or Urssaf cancelled, and a new draft with a
        new number replaces it, linked both ways."""
        self.ensure_one()
        self._l10n_fr_aici_lock_for_decision()
        if not self.l10n_fr_aici_can_correct:
            raise UserError(
                _(
                    "Invoice %(name)s cannot be corrected this way: only an "
                    "invoice whose payment request the client refused or Urssaf "
                    "cancelled, without any Urssaf transfer, can.",
                    name=self.name,
                )
            )
        state_label = dict(
            self._fields["l10n_fr_aici_state"]._description_selection(self.env)
        )[self.l10n_fr_aici_state]
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=self.ids)
            .create(
                {
                    "reason": _(
                        "Avance immédiate: payment request %(state)s",
                        state=state_label.lower(),
                    ),
                    "journal_id": self.journal_id.id,
                }
            )
        )
        action = reversal.modify_moves()
        new_move = self.browse(action.get("res_id"))
        if len(new_move) != 1 or new_move.state != "draft":
            raise UserError(_("The corrected invoice could not be created."))
        self.write(
            {
                "l10n_fr_aici_closure": "corrected",
                "l10n_fr_aici_replaced_by_id": new_move.id,
            }
        )
        new_move.l10n_fr_aici_replaces_id = self
        self.message_post(
            body=_(
                "Corrected for the avance immédiate: credit note %(refund)s, new "
                "draft invoice %(new)s.",
                refund=", ".join(self.reversal_move_ids.mapped("display_name")),
                new=new_move.display_name,
            )
        )
        new_move.message_post(
            body=_(
                "Replaces invoice %(old)s (payment request %(state)s at Urssaf). "
                "Fix it, confirm it, then send it to Urssaf.",
                old=self.name,
                state=state_label.lower(),
            )
        )
        self._l10n_fr_aici_close_warnings(_("Invoice corrected."))
        return action

    def action_l10n_fr_aici_open_exclude(self):
        """Button "Facturer hors avance immédiate": asks for the reason."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Bill outside the avance immédiate"),
            "res_model": "l10n_fr_aici.exclude.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "account.move",
                "active_ids": self.ids,
            },
        }

    def _l10n_fr_aici_exclude(self, reason):
        """The client pays these invoices directly: they leave the Urssaf
        flow (and the list to handle), with the reason. A request Urssaf
        may have, or has and keeps alive, forbids it."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                _("Give the reason for billing outside the avance immédiate.")
            )
        self._l10n_fr_aici_lock_for_decision()
        refused = self.filtered(lambda m: not m.l10n_fr_aici_can_exclude)
        if refused:
            raise UserError(
                _(
                    "%(names)s cannot leave the avance immédiate: Urssaf has (or may "
                    "have) their payment request in progress, or already paid it. "
                    "Ask Urssaf to cancel the request first.",
                    names=", ".join(refused.mapped("name")),
                )
            )
        queued = self.l10n_fr_aici_request_id.filtered(lambda r: r.state == "queued")
        if queued:
            # Never sent: the sending job must not take it any more.
            queued.write(
                {
                    "state": "error",
                    "last_error": _("Billed outside the avance immédiate."),
                    "next_check": False,
                }
            )
        self.write(
            {"l10n_fr_aici_closure": "excluded", "l10n_fr_aici_closure_reason": reason}
        )
        for move in self:
            move.message_post(
                body=_(
                    "Billed outside the avance immédiate: the client pays the whole "
                    "invoice directly. Reason: %(reason)s",
                    reason=reason,
                )
            )
        self._l10n_fr_aici_close_warnings(_("Billed outside the avance immédiate."))
        return True

    def action_l10n_fr_aici_resume(self):
        """Button "Revenir à l'avance immédiate" (an invoice billed outside
        whose request never reached Urssaf)."""
        self._l10n_fr_aici_lock_for_decision()
        back = self.filtered("l10n_fr_aici_can_resume")
        if back != self:
            raise UserError(
                _(
                    "%(names)s cannot come back to the avance immédiate.",
                    names=", ".join((self - back).mapped("name")),
                )
            )
        back.write(
            {"l10n_fr_aici_closure": False, "l10n_fr_aici_closure_reason": False}
        )
        requests = back.l10n_fr_aici_request_id.filtered("can_send")
        if requests:
            problems = requests.move_id._l10n_fr_aici_preflight()
            for request in requests:
                request.last_error = (
                    "\n".join(problems.get(request.move_id, [])) or False
                )
        for move in back:
            move.message_post(body=_("Back to the avance immédiate."))
        back._l10n_fr_aici_update_readiness()
        return True

    def action_l10n_fr_aici_open_replacement(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.l10n_fr_aici_replaced_by_id.id,
            "view_mode": "form",
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
        self._l10n_fr_aici_prefetch_deposits()
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
        "l10n_fr_aici_request_id",
        "l10n_fr_aici_closure",
        "amount_total",
        "amount_residual",
        "l10n_fr_aici_request_ids.amount_total",
        "l10n_fr_aici_request_ids.deposit_amount",
        "l10n_fr_aici_request_ids.transfer_amount",
        "l10n_fr_aici_request_ids.transfer_expected_date",
    )
    def _compute_l10n_fr_aici_split(self):
        for move in self:
            request = move.l10n_fr_aici_request_id
            applicable = (
                move.move_type == "out_invoice"
                and (move.l10n_fr_aici_state or "not_applicable") != "not_applicable"
            )
            if move.l10n_fr_aici_closure:
                # Corrected or billed outside: the client owes it all.
                total = deposit = 0.0
            elif request:
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

    @api.depends("l10n_fr_aici_request_id", "l10n_fr_aici_request_ids.state")
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
