from decimal import Decimal

from odoo import fields, models

from ..odoo_series import is_time_unit, partner_siret
from ..urssaf.attestation import Intervention, InvoiceFacts, Payment


# Kept apart from account_move.py (Urssaf sending) on purpose: what the annual
# tax attestation reads of an invoice, in a few helpers.
class AccountMove(models.Model):  # pylint: disable=consider-merging-classes-inherited
    _inherit = "account.move"

    l10n_fr_aici_intervenant_id = fields.Many2one(
        "res.partner",
        string="Intervenant",
        copy=True,
        help="Default intervenant of the service lines (each line can name its "
        "own). Printed on the client's annual tax attestation.",
    )
    l10n_fr_aici_apa_pch_amount = fields.Monetary(
        string="APA / PCH",
        copy=False,
        help="Part of this invoice paid by the département's direct aid (APA, "
        "PCH). Deducted from the amount paid by the client on the annual tax "
        "attestation.",
    )
    l10n_fr_aici_cesu_amount = fields.Monetary(
        string="CESU préfinancés",
        copy=False,
        help="Part of this invoice paid with CESU préfinancés. Deducted from the "
        "amount paid by the client on the annual tax attestation. When empty, "
        "the payments registered in a journal marked 'CESU préfinancés' are "
        "deducted.",
    )

    # ------------------------------------------------------------ reading
    def _l10n_fr_aici_attestation_urssaf(self):
        """What Urssaf did with this invoice: ``(state, transfer amount,
        transfer date, registered payment)``.

        The one place where the attestation reads the avance-immédiate fields
        of the invoice.
        """
        self.ensure_one()
        request = self.l10n_fr_aici_request_id
        return (
            # Urssaf's own state, even once the invoice was corrected or
            # billed outside the avance immédiate.
            request.state or self.l10n_fr_aici_state or "",
            request.transfer_amount or None,
            request.transfer_date or None,
            request.payment_id,
        )

    def _l10n_fr_aici_attestation_period(self):
        """(first, last) day of the services of this invoice."""
        self.ensure_one()
        start = self.l10n_fr_aici_period_start or self.invoice_date
        end = self.l10n_fr_aici_period_end or start
        return start, end

    def _l10n_fr_aici_attestation_payments(self, urssaf_payment):
        """The client's money on this invoice: payments and refunds, without
        Urssaf's registered transfer and without credit notes set against it
        (no money moves then)."""
        self.ensure_one()
        sign = -1 if self.move_type == "out_refund" else 1
        payments = []
        seen = self.env["account.payment"]
        partials, _exchange = self._get_reconciled_invoices_partials()
        for partial, _amount, counterpart in partials:
            move = counterpart.move_id
            if move.is_invoice(include_receipts=True):
                continue
            payment = move.origin_payment_id
            seen |= payment
            if urssaf_payment and payment == urssaf_payment:
                continue
            journal = payment.journal_id or counterpart.journal_id
            payments.append(
                Payment(
                    date=counterpart.date,
                    amount=Decimal(str(partial.amount)) * sign,
                    cesu=bool(journal.l10n_fr_aici_cesu),
                )
            )
        # Payments without journal entry (Odoo 18 may keep them unposted until
        # the bank statement), linked to the invoice only.
        for payment in self.matched_payment_ids - seen:
            if payment.move_id or payment.state not in ("in_process", "paid"):
                continue
            if urssaf_payment and payment == urssaf_payment:
                continue
            payments.append(
                Payment(
                    date=payment.date,
                    amount=Decimal(str(payment.amount)) * sign,
                    cesu=bool(payment.journal_id.l10n_fr_aici_cesu),
                )
            )
        return tuple(payments)

    def _l10n_fr_aici_attestation_lines(self):
        """Service lines of services à la personne (product with a nature)."""
        return self.invoice_line_ids.filtered(
            lambda line: (
                line.display_type == "product"
                and line.product_id.product_tmpl_id.l10n_fr_aici_nature_code
            )
        )

    def _l10n_fr_aici_attestation_interventions(self):
        self.ensure_one()
        hour = self.env.ref("uom.product_uom_hour", raise_if_not_found=False)
        start, end = self._l10n_fr_aici_attestation_period()
        items = []
        for line in self._l10n_fr_aici_attestation_lines():
            hours = None
            uom = line.product_uom_id
            if hour and is_time_unit(self.env, uom):
                hours = Decimal(
                    str(round(uom._compute_quantity(line.quantity, hour), 4))
                )
            intervenant = line.l10n_fr_aici_intervenant_id
            product = line.product_id.product_tmpl_id
            items.append(
                Intervention(
                    date_start=line.l10n_fr_aici_service_date or start,
                    date_end=line.l10n_fr_aici_service_date or end,
                    intervenant_name=intervenant.name or "",
                    intervenant_ref=intervenant.ref or partner_siret(intervenant) or "",
                    description=product.with_context(lang=self.partner_id.lang).name
                    or "",
                    hours=hours,
                )
            )
        return tuple(items)

    def _l10n_fr_aici_attestation_facts(self):
        """The invoice or credit note as plain data for urssaf.attestation."""
        self.ensure_one()
        state, transfer_amount, transfer_date, urssaf_payment = (
            self._l10n_fr_aici_attestation_urssaf()
        )
        eligible = sum(self._l10n_fr_aici_attestation_lines().mapped("price_total"))
        return InvoiceFacts(
            number=self.name,
            total=Decimal(str(self.amount_total)),
            eligible_total=Decimal(str(eligible)),
            refund=self.move_type == "out_refund",
            invoice_date=self.invoice_date,
            residual=Decimal(str(self.amount_residual)),
            advance_state=state,
            transfer_amount=Decimal(str(transfer_amount)) if transfer_amount else None,
            transfer_date=transfer_date,
            payments=self._l10n_fr_aici_attestation_payments(urssaf_payment),
            apa_pch_amount=Decimal(str(self.l10n_fr_aici_apa_pch_amount or 0)),
            cesu_amount=Decimal(str(self.l10n_fr_aici_cesu_amount))
            if self.l10n_fr_aici_cesu_amount
            else None,
            interventions=self._l10n_fr_aici_attestation_interventions(),
        )
