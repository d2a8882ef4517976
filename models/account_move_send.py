"""The avance immédiate in Odoo's *Send* dialog, as an extra EDI.

Ticked by default for the invoices that can be sent to Urssaf, it sends them
through the same path as the *Envoyer à l'Urssaf* button
(``account.move._l10n_fr_aici_submit``: row locks, write-ahead state committed
before each call, batches of at most 10 requests per call), so an invoice is
never sent twice, whichever way it goes.

Urssaf is called *before* the PDF is rendered: the PDF Odoo stores and e-mails
is rendered once, so it must be rendered once Urssaf has accepted the request;
and an invoice that Urssaf refuses (or that cannot be sent) is neither rendered
nor e-mailed to the client, who would otherwise be told that Urssaf debits
their share.
"""

from odoo import api, models
from odoo.exceptions import UserError

EDI = "l10n_fr_aici"


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _l10n_fr_aici_is_applicable(self, move):
        """The option is offered for invoices that can be sent now: posted
        customer invoices of an active client, not at Urssaf yet."""
        return bool(move._origin.l10n_fr_aici_can_send)

    def _get_all_extra_edis(self):
        # EXTENDS 'account'
        edis = super()._get_all_extra_edis()
        edis[EDI] = {
            "label": self.env._("Urssaf (avance immédiate)"),
            "is_applicable": self._l10n_fr_aici_is_applicable,
            "help": self.env._(
                "Sends the invoice to Urssaf as a payment request: the client "
                "validates it in their Urssaf space and pays only their share."
            ),
        }
        return edis

    # ------------------------------------------------------------ alerts
    def _get_alerts(self, moves, moves_data):
        # EXTENDS 'account'
        alerts = super()._get_alerts(moves, moves_data)
        selected = moves.filtered(
            lambda m: EDI in (moves_data[m].get("extra_edis") or ())
        )
        sendable = selected._origin.filtered("l10n_fr_aici_can_send")
        problems = sendable._l10n_fr_aici_preflight()
        if not problems:
            return alerts
        if len(moves) == 1:
            # Blocking: fix the invoice or untick the option.
            alerts["l10n_fr_aici_preflight"] = {
                "level": "danger",
                "message": self.env._(
                    "This invoice cannot be sent to Urssaf (avance immédiate):\n"
                    "%(problems)s\n"
                    'Fix it first, or untick "Urssaf (avance immédiate)" to send '
                    "the invoice without transmitting it to Urssaf.",
                    problems="\n".join(
                        f"• {message}"
                        for messages in problems.values()
                        for message in messages
                    ),
                ),
            }
        else:
            # Not blocking the others: these ones stay unsent until fixed.
            to_fix = self.env["account.move"].browse([m.id for m in problems])
            lines = [
                "• "
                + self.env._(
                    "Invoice %(invoice)s: %(problems)s",
                    invoice=move.name,
                    problems=" ".join(messages),
                )
                for move, messages in problems.items()
            ]
            alerts["l10n_fr_aici_preflight"] = {
                "level": "warning",
                "message": self.env._(
                    "These invoices cannot be sent to Urssaf (avance immédiate) "
                    "and will not be sent until fixed:\n%(problems)s",
                    problems="\n".join(lines),
                ),
                "action_text": self.env._("View the invoices"),
                "action": to_fix._get_records_action(
                    name=self.env._("Invoices to fix")
                ),
            }
        return alerts

    # ----------------------------------------------------------- sending
    @api.model
    def _call_web_service_before_invoice_pdf_render(self, invoices_data):
        # EXTENDS 'account'
        super()._call_web_service_before_invoice_pdf_render(invoices_data)
        selected = {
            move.id: data
            for move, data in invoices_data.items()
            if EDI in (data.get("extra_edis") or ())
        }
        if not selected:
            return
        # Odoo hands the invoices over in sudo: send with the user's own
        # rights, as the "Envoyer à l'Urssaf" button does.
        moves = self.env["account.move"].sudo(False).browse(list(selected))
        # Already at Urssaf (another dialog, the button, the automatic sending):
        # nothing to send, the invoice itself may go.
        sendable = moves.filtered("l10n_fr_aici_can_send")
        for company, company_moves in sendable.grouped("company_id").items():
            company_moves = company_moves.with_context(
                lang=company._l10n_fr_aici_lang()
            )
            errors = self._l10n_fr_aici_send(company_moves)
            for move, error in errors.items():
                selected[move.id]["error"] = error

    @api.model
    def _l10n_fr_aici_send(self, moves):
        """Send these invoices (one company) to Urssaf; return {move: error}
        as the dialog expects errors, in the language of ``moves``."""
        _ = moves.env._
        problems = moves._l10n_fr_aici_preflight()
        if problems:
            # Listed "to handle" with the reason, as a refused sending is.
            moves.filtered(lambda m: m in problems)._l10n_fr_aici_update_readiness()
        errors = {
            move: {
                "error_title": _(
                    "Invoice not sent: to be fixed before it is sent to Urssaf "
                    "(avance immédiate)."
                ),
                "errors": messages,
            }
            for move, messages in problems.items()
        }
        to_send = moves.filtered(lambda m: m not in problems)
        if not to_send:
            return errors
        try:
            outcome = to_send._l10n_fr_aici_submit()
        except UserError as error:
            # The company's Urssaf access is not configured: nothing was sent
            # (and the background sending must not fail for that).
            for move in to_send:
                errors[move] = {
                    "error_title": _("Invoice not sent: Urssaf could not be called."),
                    "errors": [error.args[0]],
                }
            return errors
        titles = {
            "refused": _(
                "Invoice not sent: Urssaf refused the payment request (avance "
                "immédiate)."
            ),
            "queued": _(
                "Invoice not sent: Urssaf could not be reached; the payment "
                "request will be sent again automatically. Send the invoice to "
                "the client once the request is accepted."
            ),
            "to_check": _(
                "Invoice not sent: Urssaf's answer was lost; the payment request "
                "will be checked with Urssaf before any new sending. Send the "
                "invoice to the client once the request is confirmed."
            ),
            "skipped": _(
                "Invoice not sent: it is being sent to Urssaf by another user or "
                "a scheduled job. Try again in a moment."
            ),
        }
        for key, title in titles.items():
            for move in outcome[key]:
                detail = move.l10n_fr_aici_last_error if key != "skipped" else ""
                errors[move] = {
                    "error_title": title,
                    "errors": [line for line in (detail or "").splitlines() if line],
                }
        return errors


class AccountMoveSendWizard(models.TransientModel):
    _inherit = "account.move.send.wizard"

    def _compute_extra_edi_checkboxes(self):
        # EXTENDS 'account': the help of the option as a tooltip (the dialog
        # shows "question_circle", not "help").
        result = super()._compute_extra_edi_checkboxes()
        for wizard in self:
            boxes = wizard.extra_edi_checkboxes or {}
            if EDI in boxes and boxes[EDI].get("help"):
                wizard.extra_edi_checkboxes = dict(
                    boxes, **{EDI: dict(boxes[EDI], question_circle=boxes[EDI]["help"])}
                )
        return result
