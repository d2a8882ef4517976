import datetime
from decimal import Decimal

import pytest

from urssaf.attestation import (
    Intervention,
    InvoiceFacts,
    Payment,
    advance_window,
    calendar_window,
    client_year,
    declaration_number_problem,
    hours_label,
    interventions_by_month,
    invoice_amounts,
    mask_account,
    normalize_declaration_number,
    still_due,
    urssaf_split,
)

D = Decimal
day = datetime.date


def facts(total="300.00", **extra):
    values = {"number": "F1", "total": D(total), "eligible_total": D(total)}
    values.update(extra)
    return InvoiceFacts(**values)


MARCH_10 = day(2025, 3, 10)


def paid_by_urssaf(state="paid", transfer_date=MARCH_10, **extra):
    return facts(
        advance_state=state,
        transfer_amount=D("300.00"),
        transfer_date=transfer_date,
        **extra,
    )


# ----------------------------------------------------------------- windows
def test_windows():
    assert calendar_window(2025) == (day(2025, 1, 1), day(2025, 12, 31))
    assert advance_window(2025) == calendar_window(2025)
    assert advance_window(2026, "january_16") == (day(2026, 1, 16), day(2027, 1, 15))
    # The first year of the shifted window starts on 1 January: no gap.
    assert advance_window(2025, "january_16", shift_since=2025) == (
        day(2025, 1, 1),
        day(2026, 1, 15),
    )
    assert advance_window(2024, "january_16", shift_since=2025) == calendar_window(2024)
    with pytest.raises(ValueError):
        advance_window(2025, "fiscal")


# ----------------------------------------------------------------- amounts
def test_paid_by_urssaf_splits_the_transfer():
    amounts = invoice_amounts(paid_by_urssaf(), 2025)
    assert (amounts.gross, amounts.advance, amounts.net) == (
        D("300.00"),
        D("150.00"),
        D("150.00"),
    )
    assert amounts.last_payment == day(2025, 3, 10)


def test_odd_cent_advance_rounded_half_up():
    item = facts(
        total="100.01",
        advance_state="paid",
        transfer_amount=D("100.01"),
        transfer_date=day(2025, 5, 2),
    )
    assert urssaf_split(item) == (D("50.01"), D("50.00"))


def test_transfer_registered_as_payment_is_not_counted_twice():
    item = paid_by_urssaf(payments=(Payment(day(2025, 3, 12), D("300.00")),))
    assert invoice_amounts(item, 2025).gross == D("300.00")


def test_transfer_counted_by_its_date_not_the_invoice_date():
    item = paid_by_urssaf(transfer_date=day(2026, 1, 9), invoice_date=day(2025, 12, 31))
    assert not invoice_amounts(item, 2025).counted
    assert invoice_amounts(item, 2026).net == D("150.00")
    # With the 16 January window, a transfer of early January belongs to the
    # year before.
    assert invoice_amounts(item, 2025, "january_16").net == D("150.00")
    assert not invoice_amounts(item, 2026, "january_16").counted


def test_unpaid_keeps_only_the_advance():
    amounts = invoice_amounts(paid_by_urssaf("unpaid"), 2025)
    assert (amounts.gross, amounts.advance, amounts.net) == (
        D("150.00"),
        D("150.00"),
        D("0.00"),
    )


def test_recovered_counts_the_client_direct_payment_in_its_year():
    # Urssaf kept the advance and took the client's share back; the client
    # paid that share to the provider directly.
    item = paid_by_urssaf(
        "recovered", payments=(Payment(day(2025, 5, 20), D("150.00")),)
    )
    amounts = invoice_amounts(item, 2025)
    assert (amounts.gross, amounts.advance, amounts.net) == (
        D("300.00"),
        D("150.00"),
        D("150.00"),
    )
    assert amounts.last_payment == day(2025, 5, 20)
    assert still_due(item) == D("0.00")
    later = paid_by_urssaf("recovered", payments=(Payment(day(2026, 2, 1), D("150")),))
    assert invoice_amounts(later, 2025).net == D("0.00")
    assert invoice_amounts(later, 2026).net == D("150.00")
    assert invoice_amounts(later, 2026).advance == D("0.00")
    # The client cannot have paid more than their share.
    twice = paid_by_urssaf(
        "recovered",
        payments=(
            Payment(day(2025, 5, 20), D("150")),
            Payment(day(2025, 5, 21), D("150")),
        ),
    )
    assert invoice_amounts(twice, 2025).net == D("150.00")


def test_cancelled_after_payment_leaves_nothing_of_the_transfer():
    item = paid_by_urssaf(
        "cancelled", payments=(Payment(day(2025, 6, 1), D("300.00")),)
    )
    amounts = invoice_amounts(item, 2025)
    assert (amounts.gross, amounts.advance, amounts.net) == (
        D("300.00"),
        D("0.00"),
        D("300.00"),
    )


def test_direct_payments_by_their_dates():
    item = facts(
        payments=(
            Payment(day(2024, 12, 20), D("100")),
            Payment(day(2025, 1, 5), D("200")),
        )
    )
    assert invoice_amounts(item, 2024).net == D("100.00")
    assert invoice_amounts(item, 2025).net == D("200.00")


def test_credit_note_refunded_is_negative():
    note = facts(
        total="50.00", refund=True, payments=(Payment(day(2025, 4, 1), D("-50")),)
    )
    amounts = invoice_amounts(note, 2025)
    assert (amounts.gross, amounts.net) == (D("-50.00"), D("-50.00"))


def test_apa_pch_and_cesu_deducted():
    item = facts(
        payments=(Payment(day(2025, 2, 1), D("300")),),
        apa_pch_amount=D("120"),
        cesu_amount=D("30"),
    )
    amounts = invoice_amounts(item, 2025)
    assert (amounts.gross, amounts.apa_pch, amounts.cesu, amounts.net) == (
        D("300.00"),
        D("120.00"),
        D("30.00"),
        D("150.00"),
    )


def test_apa_pch_prorated_to_the_part_paid_in_the_year():
    item = facts(
        payments=(
            Payment(day(2025, 12, 1), D("150")),
            Payment(day(2026, 1, 10), D("150")),
        ),
        apa_pch_amount=D("100"),
    )
    assert invoice_amounts(item, 2025).apa_pch == D("50.00")
    assert invoice_amounts(item, 2026).apa_pch == D("50.00")


def test_cesu_from_payments_when_not_entered():
    item = facts(
        payments=(
            Payment(day(2025, 2, 1), D("100"), cesu=True),
            Payment(day(2025, 2, 2), D("200")),
        )
    )
    amounts = invoice_amounts(item, 2025)
    assert (amounts.cesu, amounts.net) == (D("100.00"), D("200.00"))
    # The amount entered on the invoice prevails.
    entered = facts(payments=item.payments, cesu_amount=D("60"))
    assert invoice_amounts(entered, 2025).cesu == D("60.00")


def test_only_services_a_la_personne_count():
    item = facts(
        total="315.00",
        eligible_total=D("300.00"),
        payments=(Payment(day(2025, 2, 1), D("315")),),
    )
    assert invoice_amounts(item, 2025).net == D("300.00")


# ------------------------------------------------------------ client's year
def intervention(start, name="Alice Dupont", hours="2", description="Ménage"):
    return Intervention(
        date_start=start,
        date_end=start,
        intervenant_name=name,
        intervenant_ref="E-001" if name else "",
        description=description,
        hours=D(hours) if hours is not None else None,
    )


def test_interventions_grouped_by_month():
    months = interventions_by_month(
        [
            intervention(day(2025, 3, 4)),
            intervention(day(2025, 3, 18), hours="1.5"),
            intervention(day(2025, 3, 11), name="Bruno Leroy"),
            intervention(day(2025, 2, 3), hours=None, description="Forfait"),
        ]
    )
    assert [m for m, _rows in months] == [day(2025, 2, 1), day(2025, 3, 1)]
    march = months[1][1]
    assert [(r.intervenant_name, r.hours, r.lines) for r in march] == [
        ("Alice Dupont", D("3.5"), 2),
        ("Bruno Leroy", D("2"), 1),
    ]
    assert (march[0].date_start, march[0].date_end) == (
        day(2025, 3, 4),
        day(2025, 3, 18),
    )
    assert months[0][1][0].hours is None


def test_client_year_and_anomalies():
    paid = paid_by_urssaf(number="F1", interventions=(intervention(day(2025, 2, 10)),))
    without = facts(
        number="F2",
        payments=(Payment(day(2025, 5, 1), D("300")),),
        interventions=(intervention(day(2025, 4, 2), name=""),),
    )
    unpaid = facts(number="F3", residual=D("300"))
    old = facts(number="F0", payments=(Payment(day(2024, 5, 1), D("300")),))
    result = client_year([paid, without, unpaid, old], 2025, has_address=False)
    assert [a.number for a in result.amounts] == ["F1", "F2"]
    assert result.totals.gross == D("600.00")
    assert result.totals.net == D("450.00")
    assert [m for m, _rows in result.months] == [day(2025, 2, 1), day(2025, 4, 1)]
    assert [(a.code, a.invoices) for a in result.anomalies] == [
        ("unpaid", ("F3",)),
        ("no_intervenant", ("F2",)),
        ("no_address", ()),
    ]


def test_negative_total_is_an_anomaly():
    note = facts(
        total="80.00", refund=True, payments=(Payment(day(2025, 4, 1), D("-80")),)
    )
    result = client_year([note], 2025)
    assert [a.code for a in result.anomalies] == ["negative"]
    assert result.months == []


def test_paid_request_not_registered_is_not_unpaid():
    result = client_year([paid_by_urssaf(residual=D("300"))], 2025)
    assert "unpaid" not in [a.code for a in result.anomalies]
    # Recovered: unpaid until the client pays their share.
    recovered = paid_by_urssaf("recovered", residual=D("300"))
    assert still_due(recovered) == D("150.00")
    assert "unpaid" in [a.code for a in client_year([recovered], 2025).anomalies]


# ------------------------------------------------------------ identifiers
@pytest.mark.parametrize(
    "value,problem",
    [
        ("SAP552100554", None),
        ("sap 552 100 554", None),
        ("SAP/552100554", None),
        ("552100554", "format"),
        ("SAP55210055", "format"),
        ("SAP552100555", "checksum"),
        ("", "format"),
    ],
)
def test_declaration_number(value, problem):
    assert declaration_number_problem(value) == problem


def test_normalize_declaration_number():
    assert normalize_declaration_number(" sap-552.100.554 ") == "SAP552100554"


def test_mask_account_keeps_the_last_four():
    masked = mask_account("FR76 3000 6000 0112 3456 7890 189")
    assert masked == "**** **** **** **** **** ***0 189"
    assert "7890" not in masked.replace(" ", "")[:-4]
    assert mask_account("") == ""
    assert mask_account("123") == "123"


def test_hours_label():
    assert hours_label(D("3.5")) == "3 h 30"
    assert hours_label(D("0.25")) == "0 h 15"
    assert hours_label(None) == ""
