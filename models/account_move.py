import logging
from datetime import timedelta
from decimal import Decimal

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date, mute_logger

from ..urssaf.catalogues import payment_status_label
from ..urssaf.client import MAX_IDS_PER_SEARCH, MAX_REQUESTS_PER_SUBMISSION
from ..urssaf.data_types import PaymentRequest, ServiceLine
from ..urssaf.errors import BusinessError, UrssafError
from ..urssaf.payload import build_payment_request
from ..urssaf.responses import parse_search, parse_submission
from ..urssaf.tracking import (
    TERMINAL_STATES,
    chunks,
    default_period,
    find_match,
    next_check,
    retry_delay,
)
from ..urssaf.validators import validate_payment_request

_logger = logging.getLogger(__name__)

# Avance immédiate state of an invoice:
#
#   not_applicable --(posted, client active)--> ready --(send)--> sent (10)
#   ready/error --(Urssaf not reached)--> queued --(cron)--> sent
#   ready --(send, answer lost)--> to_check --(search finds it)--> sent...
#                                  to_check --(search: nothing)--> queued
#   ready --(Urssaf refuses the request)--> error --(fix, send)--> sent
#   sent -> waiting_client (20) -> validated (30) -> debited (50) -> paid (70)
#   waiting_client -> refused (40)          debited -> unpaid (60)
#   unpaid -> cancelled (111/112) | recovered (120)   any -> cancelled (110)
#   paid stays watched for 8 weeks: 60/111/112/120 may still follow.
AICI_MOVE_STATES = [
    ("not_applicable", "Not applicable"),
    ("ready", "Ready to send"),
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("waiting_client", "Waiting for the client"),
    ("validated", "Validated"),
    ("debited", "Debited"),
    ("paid", "Paid"),
    ("refused", "Refused by the client"),
    ("unpaid", "Unpaid"),
    ("cancelled", "Cancelled"),
    ("recovered", "Recovered"),
    ("to_check", "To check"),
    ("error", "Error"),
]
# States from which the user may (re)send: the request does not exist at Urssaf.
SENDABLE_STATES = ("ready", "queued", "error")
# States whose transition asks for a human.
_WARNING_STATES = ("refused", "unpaid", "cancelled")


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "l10n_fr_aici.activity.mixin"]

    l10n_fr_aici_state = fields.Selection(
        AICI_MOVE_STATES,
        string="Avance Immédiate",
        default="not_applicable",
        required=True,
        copy=False,
        readonly=True,
        tracking=True,
        index=True,
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
    l10n_fr_aici_request_id = fields.Char(
        string="Urssaf Payment Request",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    l10n_fr_aici_status_code = fields.Char(
        string="Urssaf Status Code", copy=False, readonly=True
    )
    l10n_fr_aici_status_label = fields.Char(
        string="Urssaf Status", copy=False, readonly=True
    )
    l10n_fr_aici_rejection_code = fields.Char(
        string="Rejection Code", copy=False, readonly=True
    )
    l10n_fr_aici_rejection_comment = fields.Text(
        string="Rejection Comment", copy=False, readonly=True
    )
    l10n_fr_aici_transfer_amount = fields.Monetary(
        string="Urssaf Transfer", copy=False, readonly=True
    )
    l10n_fr_aici_transfer_date = fields.Date(
        string="Transfer Date", copy=False, readonly=True
    )
    l10n_fr_aici_sent_date = fields.Datetime(
        string="Sent to Urssaf", copy=False, readonly=True
    )
    l10n_fr_aici_paid_date = fields.Datetime(copy=False, readonly=True)
    l10n_fr_aici_last_sync = fields.Datetime(
        string="Last Urssaf Synchronisation", copy=False, readonly=True
    )
    l10n_fr_aici_next_check = fields.Datetime(
        copy=False, readonly=True, index="btree_not_null"
    )
    l10n_fr_aici_last_error = fields.Text(
        string="Last Urssaf Error", copy=False, readonly=True
    )
    l10n_fr_aici_failures = fields.Integer(
        string="Consecutive Urssaf Failures", copy=False, readonly=True
    )
    l10n_fr_aici_exchange_ids = fields.One2many(
        "l10n_fr_aici.exchange",
        "move_id",
        string="Urssaf Exchanges",
        groups="l10n_fr_aici.group_aici_manager",
    )
    l10n_fr_aici_payment_id = fields.Many2one(
        "account.payment",
        string="Urssaf Payment",
        copy=False,
        readonly=True,
        help="Payment registered from the transfer Urssaf reported.",
    )
    l10n_fr_aici_cancel_requested = fields.Boolean(
        string="Cancellation Requested", copy=False, readonly=True
    )

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
        return super()._need_cancel_request() or (
            bool(self.l10n_fr_aici_request_id)
            and self.l10n_fr_aici_state not in TERMINAL_STATES
        )

    # ------------------------------------------------------------------ hooks
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._l10n_fr_aici_update_readiness()
        return posted

    def button_draft(self):
        sent = self.filtered(
            lambda m: (
                m.l10n_fr_aici_request_id
                and m.l10n_fr_aici_state not in TERMINAL_STATES
            )
        )
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
        l10n_fr_aici_moves = self.filtered(
            lambda m: (
                m.l10n_fr_aici_request_id
                and m.l10n_fr_aici_state not in TERMINAL_STATES
            )
        )
        if not l10n_fr_aici_moves:
            return super().button_request_cancel()
        for move in l10n_fr_aici_moves:
            move.write(
                {
                    "l10n_fr_aici_cancel_requested": True,
                    "l10n_fr_aici_state": "to_check",
                }
            )
            move._l10n_fr_aici_log(
                _(
                    "Cancellation to be requested from Urssaf for payment request "
                    "%(id)s: contact Urssaf with this number. The invoice stays 'to "
                    "check' until Urssaf reports the request cancelled.",
                    id=move.l10n_fr_aici_request_id,
                )
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
        """Set not-yet-sent invoices to 'not applicable', 'ready' ('queued' when
        the company sends automatically), or 'error' when the pre-flight checks
        already find something to fix."""
        queued = self.browse()
        for move in self:
            if move.l10n_fr_aici_state not in ("not_applicable", "ready"):
                continue
            if not move._l10n_fr_aici_is_eligible():
                if move.l10n_fr_aici_state != "not_applicable":
                    move.l10n_fr_aici_state = "not_applicable"
                continue
            problems = move._l10n_fr_aici_preflight().get(move)
            if problems:
                move.write(
                    {
                        "l10n_fr_aici_state": "error",
                        "l10n_fr_aici_last_error": "\n".join(problems),
                    }
                )
            elif move.company_id.l10n_fr_aici_auto_send:
                move.write(
                    {"l10n_fr_aici_state": "queued", "l10n_fr_aici_next_check": False}
                )
                queued |= move
            elif move.l10n_fr_aici_state != "ready":
                move.l10n_fr_aici_state = "ready"
        if queued:
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
            if (
                move.l10n_fr_aici_request_id
                or move.l10n_fr_aici_state not in SENDABLE_STATES + ("not_applicable",)
            ):
                if move.l10n_fr_aici_state in ("refused", "cancelled"):
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
            activation = partner.sudo().l10n_fr_aici_activation_datetime
            activation_date = (
                fields.Datetime.context_timestamp(move, activation).date()
                if activation
                else None
            )
            for problem in validate_payment_request(
                move._l10n_fr_aici_payment_request(),
                today=today,
                activation_date=activation_date,
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
        with_request = self.filtered("l10n_fr_aici_request_id")
        uncertain = self.filtered(
            lambda m: (
                m.l10n_fr_aici_state == "to_check" and not m.l10n_fr_aici_request_id
            )
        )
        if not with_request and not uncertain:
            raise UserError(_("These invoices have no Urssaf payment request yet."))
        with_request._l10n_fr_aici_refresh_status()
        uncertain._l10n_fr_aici_reconcile()
        return True

    # ------------------------------------------------------------ sending
    def _l10n_fr_aici_lock(self, interactive):
        """Row-lock the invoices before any call; return those we hold.

        Another worker holding or having just changed a row makes us skip it
        (cron) or stop with a clear message (user), before anything is sent.
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
        self.invalidate_recordset(["l10n_fr_aici_state", "l10n_fr_aici_request_id"])
        return self

    def _l10n_fr_aici_submit(self, interactive=False):
        """Send these invoices (already checked) in batches, company by company.

        Returns {"sent", "refused", "queued", "to_check", "skipped"} recordsets.
        """
        outcome = {
            key: self.browse()
            for key in ("sent", "refused", "queued", "to_check", "skipped")
        }
        for company, moves in self.grouped("company_id").items():
            size = max(
                1,
                min(
                    MAX_REQUESTS_PER_SUBMISSION,
                    company.l10n_fr_aici_batch_size or MAX_REQUESTS_PER_SUBMISSION,
                ),
            )
            client = company._l10n_fr_aici_client()
            with client:
                for ids in chunks(moves.ids, size):
                    batch = self.browse(ids)._l10n_fr_aici_lock(interactive)
                    outcome["skipped"] |= self.browse(ids) - batch
                    # Re-read under lock: another worker may have sent them.
                    batch = batch.filtered(
                        lambda m: (
                            m.l10n_fr_aici_state in SENDABLE_STATES
                            and not m.l10n_fr_aici_request_id
                        )
                    )
                    if batch:
                        batch._l10n_fr_aici_submit_batch(client, outcome)
                    if self._can_commit():
                        # The Urssaf ids are saved before the next call: a later
                        # rollback must never forget a request Urssaf accepted.
                        self.env.cr.commit()  # pylint: disable=invalid-commit
        return outcome

    def _l10n_fr_aici_submit_batch(self, client, outcome):
        payloads = [
            build_payment_request(m._l10n_fr_aici_payment_request()) for m in self
        ]
        self._l10n_fr_aici_mark_sending()
        try:
            items = client.submit_payment_requests(payloads)
        except BusinessError as error:
            # The whole call was refused before processing (format): nothing
            # was created at Urssaf.
            self._l10n_fr_aici_journal(client)
            self._l10n_fr_aici_set_error(error.explain())
            outcome["refused"] |= self
            return
        except UrssafError as error:
            self._l10n_fr_aici_journal(client)
            if error.maybe_received:
                self._l10n_fr_aici_set_to_check(error.explain())
                outcome["to_check"] |= self
            else:
                self._l10n_fr_aici_retry_later(error.explain(), state="queued")
                outcome["queued"] |= self
            return
        try:
            self._l10n_fr_aici_apply_submission(items, outcome, client)
        except Exception:
            # Urssaf answered but we could not record it: never lose track.
            _logger.exception("Could not record the Urssaf answer")
            left = self.filtered(lambda m: not m.l10n_fr_aici_request_id)
            left._l10n_fr_aici_set_to_check(
                _("The answer of Urssaf could not be recorded; to be checked.")
            )
            outcome["to_check"] |= left

    def _l10n_fr_aici_mark_sending(self):
        """Write-ahead mark, committed before the call to Urssaf.

        Should the process die after the call and before the answer is saved,
        the next run finds these invoices "to check" and reconciles them with a
        search instead of sending them again.
        """
        self.write(
            {
                "l10n_fr_aici_state": "to_check",
                "l10n_fr_aici_last_error": _("Sending to Urssaf in progress."),
                "l10n_fr_aici_next_check": fields.Datetime.now()
                + timedelta(minutes=15),
            }
        )
        if self._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _l10n_fr_aici_apply_submission(self, items, outcome, client):
        by_number = parse_submission(items)
        self._l10n_fr_aici_journal(
            client,
            {
                move: [e.code for e in by_number[move.name].errors]
                for move in self
                if move.name in by_number and by_number[move.name].errors
            },
        )
        now = fields.Datetime.now()
        duplicates = self.browse()
        for move in self:
            item = by_number.get(move.name)
            if item is None:
                move._l10n_fr_aici_set_to_check(
                    _("Urssaf's answer did not mention this invoice; to be checked.")
                )
                outcome["to_check"] |= move
            elif item.accepted:
                move.write(
                    {
                        "l10n_fr_aici_request_id": item.request_id,
                        "l10n_fr_aici_status_code": item.status,
                        "l10n_fr_aici_status_label": payment_status_label(item.status),
                        "l10n_fr_aici_state": "sent",
                        "l10n_fr_aici_sent_date": now,
                        "l10n_fr_aici_last_sync": now,
                        "l10n_fr_aici_last_error": False,
                        "l10n_fr_aici_failures": 0,
                        "l10n_fr_aici_next_check": next_check("sent", now),
                    }
                )
                move._l10n_fr_aici_log(
                    _(
                        "Sent to Urssaf: payment request %(id)s (status %(status)s).",
                        id=item.request_id,
                        status=payment_status_label(item.status),
                    )
                )
                outcome["sent"] |= move
            elif "ERR_FACTURE_DOUBLON" in [e.code for e in item.errors]:
                duplicates |= move
            else:
                text = "\n".join(f"[{e.code}] {e.explain()}" for e in item.errors)
                move._l10n_fr_aici_set_error(text)
                outcome["refused"] |= move
        if duplicates:
            # Urssaf already has this number: adopt its request, never resend.
            duplicates._l10n_fr_aici_set_to_check(
                _("Urssaf already knows this invoice number; reconciling.")
            )
            duplicates._l10n_fr_aici_reconcile(client)
            for move in duplicates:
                key = "sent" if move.l10n_fr_aici_request_id else "to_check"
                outcome[key] |= move

    def _l10n_fr_aici_journal(self, client, codes=None):
        if self:
            self.env["l10n_fr_aici.exchange"]._l10n_fr_aici_record(
                client, self.company_id[:1], self, codes
            )

    def _l10n_fr_aici_set_error(self, text):
        self.write({"l10n_fr_aici_state": "error", "l10n_fr_aici_last_error": text})
        for move in self:
            move._l10n_fr_aici_log(_("Refused by Urssaf: %(error)s", error=text))

    def _l10n_fr_aici_retry_later(self, text, state=None):
        """Record a failure to reach Urssaf and back off before the next try."""
        now = fields.Datetime.now()
        for move in self:
            failures = move.l10n_fr_aici_failures + 1
            values = {
                "l10n_fr_aici_failures": failures,
                "l10n_fr_aici_last_error": text,
                "l10n_fr_aici_next_check": now + retry_delay(failures - 1),
            }
            if state:
                values["l10n_fr_aici_state"] = state
            move.write(values)

    def _l10n_fr_aici_set_to_check(self, text):
        now = fields.Datetime.now()
        self.write(
            {
                "l10n_fr_aici_state": "to_check",
                "l10n_fr_aici_last_error": text,
                "l10n_fr_aici_next_check": now + timedelta(minutes=15),
            }
        )
        for move in self:
            move._l10n_fr_aici_log(
                _(
                    "Outcome unknown: %(error)s The invoice will be reconciled with "
                    "Urssaf before any new sending.",
                    error=text,
                )
            )

    # -------------------------------------------------------- reconciliation
    def _l10n_fr_aici_reconcile(self, client=None):
        """Find at Urssaf the requests of invoices whose sending is uncertain.

        Adopt a request with the same number, client and total; send again
        (queue) only when Urssaf certainly has nothing under this number.
        """
        pending = self.filtered(
            lambda m: (
                m.l10n_fr_aici_state == "to_check" and not m.l10n_fr_aici_request_id
            )
        )
        for company, moves in pending.grouped("company_id").items():
            own_client = client is None
            urssaf = client or company._l10n_fr_aici_client()
            try:
                for ids in chunks(moves.ids, MAX_IDS_PER_SEARCH):
                    self.browse(ids)._l10n_fr_aici_reconcile_batch(urssaf)
            finally:
                if own_client:
                    urssaf.close()

    def _l10n_fr_aici_reconcile_batch(self, client):
        now = fields.Datetime.now()
        try:
            body = client.search_payment_requests(invoice_numbers=self.mapped("name"))
        except BusinessError:
            # Older gateways without the invoice-number criterion: fall back to
            # the invoice-date period of the batch.
            try:
                dates = self.mapped("invoice_date")
                body = client.search_payment_requests(
                    date_start=min(dates), date_end=max(dates)
                )
            except UrssafError as error:
                self._l10n_fr_aici_journal(client)
                self._l10n_fr_aici_retry_later(error.explain())
                return
        except UrssafError as error:
            self._l10n_fr_aici_journal(client)
            self._l10n_fr_aici_retry_later(error.explain())
            return
        self._l10n_fr_aici_journal(client)
        infos = parse_search(body)
        for move in self:
            partner = move._l10n_fr_aici_client_partner().sudo()
            match = find_match(
                infos,
                invoice_number=move.name,
                id_client=partner.l10n_fr_aici_id_client,
                total_ttc=move.amount_total,
            )
            if match.found:
                info = match.found
                move.write(
                    {
                        "l10n_fr_aici_request_id": info.request_id,
                        "l10n_fr_aici_sent_date": move.l10n_fr_aici_sent_date or now,
                        "l10n_fr_aici_last_error": False,
                    }
                )
                move._l10n_fr_aici_log(
                    _(
                        "Urssaf had received the invoice: payment request %(id)s "
                        "adopted, nothing sent again.",
                        id=info.request_id,
                    )
                )
                move._l10n_fr_aici_apply_info(info, now)
            elif match.conflict:
                move.write(
                    {
                        "l10n_fr_aici_last_error": match.conflict,
                        "l10n_fr_aici_next_check": False,
                    }
                )
                move._l10n_fr_aici_log(match.conflict)
                move._l10n_fr_aici_warn(match.conflict)
            else:
                move.write(
                    {
                        "l10n_fr_aici_state": "queued",
                        "l10n_fr_aici_last_error": _(
                            "Urssaf has no payment request for this invoice: it "
                            "will be sent again."
                        ),
                        "l10n_fr_aici_next_check": now,
                    }
                )
                move._l10n_fr_aici_log(
                    _("Urssaf had not received the invoice: queued for sending.")
                )

    # ------------------------------------------------------------ status
    def _l10n_fr_aici_refresh_status(self):
        """Search Urssaf for these requests (10 ids per call) and record changes."""
        moves = self.filtered("l10n_fr_aici_request_id")
        now = fields.Datetime.now()
        for company, company_moves in moves.grouped("company_id").items():
            with company._l10n_fr_aici_client() as client:
                for ids in chunks(company_moves.ids, MAX_IDS_PER_SEARCH):
                    batch = self.browse(ids)
                    try:
                        body = client.search_payment_requests(
                            ids=batch.mapped("l10n_fr_aici_request_id")
                        )
                    except UrssafError as error:
                        batch._l10n_fr_aici_journal(client)
                        batch._l10n_fr_aici_retry_later(error.explain())
                        continue
                    batch._l10n_fr_aici_journal(client)
                    infos = {i.request_id: i for i in parse_search(body)}
                    for move in batch:
                        info = infos.get(move.l10n_fr_aici_request_id)
                        if info:
                            move._l10n_fr_aici_apply_info(info, now)
                        else:
                            move.write(
                                {
                                    "l10n_fr_aici_last_sync": now,
                                    "l10n_fr_aici_next_check": now + timedelta(hours=6),
                                }
                            )

    def _l10n_fr_aici_apply_info(self, info, now):
        """Record what Urssaf says of this invoice's request."""
        self.ensure_one()
        previous = self.l10n_fr_aici_state
        previous_code = self.l10n_fr_aici_status_code
        state = info.state
        if self.l10n_fr_aici_cancel_requested and state != "cancelled":
            state = "to_check"
        values = {
            "l10n_fr_aici_state": state,
            "l10n_fr_aici_status_code": info.status_code,
            "l10n_fr_aici_status_label": info.status_label,
            "l10n_fr_aici_rejection_code": info.rejection_code or False,
            "l10n_fr_aici_rejection_comment": info.rejection_comment or False,
            "l10n_fr_aici_last_sync": now,
            "l10n_fr_aici_failures": 0,
        }
        if info.transfer_amount is not None:
            values["l10n_fr_aici_transfer_amount"] = float(info.transfer_amount)
        if info.transfer_date:
            values["l10n_fr_aici_transfer_date"] = info.transfer_date
        if state == "paid" and not self.l10n_fr_aici_paid_date:
            values["l10n_fr_aici_paid_date"] = now
        paid_since = values.get("l10n_fr_aici_paid_date") or self.l10n_fr_aici_paid_date
        values["l10n_fr_aici_next_check"] = next_check(
            info.state, now, paid_since=paid_since if info.state == "paid" else None
        )
        if state != "to_check":
            values["l10n_fr_aici_last_error"] = False
        self.write(values)
        if state == "paid":
            self._l10n_fr_aici_register_payment(info)
        if previous != state or info.status_code != previous_code:
            body = _(
                "Urssaf status: %(label)s (%(code)s).",
                label=info.status_label,
                code=info.status_code,
            )
            if info.rejection_code:
                body += " " + _(
                    "Reason: %(reason)s. %(comment)s",
                    reason=info.rejection_label,
                    comment=info.rejection_comment or "",
                )
            if info.transfer_amount is not None and state == "paid":
                body += " " + _(
                    "Transfer of %(amount)s on %(date)s.",
                    amount=format_amount(
                        self.env, float(info.transfer_amount), self.currency_id
                    ),
                    date=format_date(self.env, info.transfer_date)
                    if info.transfer_date
                    else "?",
                )
            if previous != state:
                self._l10n_fr_aici_log(body)
                if state in _WARNING_STATES:
                    self._l10n_fr_aici_warn(body)

    def _l10n_fr_aici_register_payment(self, info):
        """Register Urssaf's transfer as a payment of the invoice, once.

        Only when the company chose a journal, and once the transfer is
        effective: Urssaf may show a transfer date before the amount.
        """
        self.ensure_one()
        journal = self.company_id.l10n_fr_aici_payment_journal_id
        today = fields.Date.context_today(self)
        if (
            not journal
            or self.l10n_fr_aici_payment_id
            or not info.transfer_amount
            or not info.transfer_date
            or info.transfer_date > today
            or self.payment_state not in ("not_paid", "partial")
        ):
            return
        amount = min(float(info.transfer_amount), self.amount_residual)
        payments = (
            self.env["account.payment.register"]
            .sudo()
            .with_context(active_model="account.move", active_ids=self.ids)
            .create(
                {
                    "journal_id": journal.id,
                    "amount": amount,
                    "payment_date": info.transfer_date,
                    "communication": _(
                        "Urssaf avance immédiate %(id)s",
                        id=self.l10n_fr_aici_request_id,
                    ),
                }
            )
            ._create_payments()
        )
        self.l10n_fr_aici_payment_id = payments[:1]
        self._l10n_fr_aici_log(
            _(
                "Payment of %(amount)s registered from Urssaf's transfer.",
                amount=format_amount(self.env, amount, self.currency_id),
            )
        )

    def _l10n_fr_aici_log(self, body):
        self.ensure_one()
        self.with_context(no_new_invoice=True).message_post(
            body=Markup("<p>%s</p>") % body
        )

    def _l10n_fr_aici_responsible_user(self):
        return self.invoice_user_id or self.env.user

    # --------------------------------------------------------------- crons
    @api.model
    def _cron_aici_send(self, batch_limit=100):
        """Send queued invoices and reconcile uncertain ones.

        Urssaf errors never make the job fail (Odoo would end up deactivating
        it): they are recorded on the invoices, which are retried later.
        """
        now = fields.Datetime.now()
        to_check = self.search(
            [
                ("l10n_fr_aici_state", "=", "to_check"),
                ("l10n_fr_aici_request_id", "=", False),
                ("l10n_fr_aici_next_check", "<=", now),
            ],
            limit=batch_limit,
        )
        if to_check:
            to_check._l10n_fr_aici_safely(to_check._l10n_fr_aici_reconcile)
        queued = self.search(
            [
                ("l10n_fr_aici_state", "=", "queued"),
                "|",
                ("l10n_fr_aici_next_check", "=", False),
                ("l10n_fr_aici_next_check", "<=", now),
            ],
            limit=batch_limit,
            order="id",
        )
        problems = queued._l10n_fr_aici_preflight()
        for move, messages in problems.items():
            move.write(
                {
                    "l10n_fr_aici_state": "error",
                    "l10n_fr_aici_last_error": "\n".join(messages),
                }
            )
        sendable = queued.filtered(lambda m: m not in problems)
        if sendable:
            sendable._l10n_fr_aici_safely(sendable._l10n_fr_aici_submit)
        done = len(to_check) + len(queued)
        remaining = 0
        if len(queued) == batch_limit or len(to_check) == batch_limit:
            remaining = self.search_count(
                [
                    ("l10n_fr_aici_state", "in", ("queued", "to_check")),
                    ("l10n_fr_aici_request_id", "=", False),
                    ("l10n_fr_aici_next_check", "<=", now),
                ]
            )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _cron_aici_refresh_status(self, batch_limit=200):
        """Refresh the status of every request still moving, oldest check first."""
        now = fields.Datetime.now()
        domain = [
            ("l10n_fr_aici_request_id", "!=", False),
            ("l10n_fr_aici_next_check", "!=", False),
            ("l10n_fr_aici_next_check", "<=", now),
        ]
        moves = self.search(
            domain, limit=batch_limit, order="l10n_fr_aici_next_check, id"
        )
        if moves:
            moves._l10n_fr_aici_safely(moves._l10n_fr_aici_refresh_status)
        remaining = self.search_count(domain) if len(moves) == batch_limit else 0
        self.env["ir.cron"]._notify_progress(done=len(moves), remaining=remaining)

    def _l10n_fr_aici_safely(self, method):
        """Run a cron step; a configuration problem is recorded, not raised."""
        try:
            method()
        except UserError as error:
            self.write(
                {
                    "l10n_fr_aici_last_error": str(error),
                    "l10n_fr_aici_next_check": fields.Datetime.now()
                    + timedelta(hours=1),
                }
            )


def _dec(value):
    return Decimal(str(round(value or 0.0, 6)))
