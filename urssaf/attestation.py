"""The annual tax attestation (attestation fiscale annuelle), without any ORM.

What a client paid for services à la personne during a year, read from
payments and not from invoice dates:

* an invoice paid by Urssaf (avance immédiate): Urssaf's transfer is the
  invoice total; half of the total is the advance of tax credit, the rest is
  the client's share Urssaf debited. The transfer counts in the year when its
  date falls in the avance-immédiate window of that year (calendar year, or
  16 January – 15 January as an option);
* after an unpaid debit (unpaid, recovered), Urssaf takes the client's share
  back from the provider: only the advance stays, and the client's own later
  payments count; a request cancelled after payment leaves nothing of the
  transfer;
* the client's own payments (and refunds to the client, negative) count in
  the calendar year of their date, never more than what the client still owed
  once Urssaf's transfer is taken into account (a transfer registered twice is
  not counted twice);
* APA/PCH and CESU préfinancés entered on an invoice are deducted in
  proportion to the part of the invoice paid in the year; payments flagged
  as CESU préfinancés are deducted as such when the invoice gives no CESU
  amount;
* an invoice mixing services à la personne and other items counts in
  proportion of its services à la personne.

The net *montant effectivement acquitté* is the gross amount paid in the year
minus the advance, APA/PCH and CESU préfinancés.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
# Share of the invoice Urssaf advances as tax credit (50 %).
ADVANCE_RATE = Decimal("0.5")

WINDOW_CALENDAR = "calendar"
WINDOW_JANUARY_16 = "january_16"
WINDOWS = (WINDOW_CALENDAR, WINDOW_JANUARY_16)

# Avance-immédiate states after which Urssaf took the client's share back.
CLAWED_BACK_SHARE = frozenset({"unpaid", "recovered"})
# States after which Urssaf took the whole transfer back.
CLAWED_BACK_ALL = frozenset({"cancelled"})

DECLARATION_RE = re.compile(r"^SAP\d{9}$")


def money(value):
    """A Decimal rounded to the cent (half up, as on invoices)."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------- windows
def calendar_window(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def advance_window(year, mode=WINDOW_CALENDAR, shift_since=None):
    """First and last day of the Urssaf transfers counted in ``year``.

    ``january_16``: from 16 January of the year to 15 January of the next. The
    first year of that option (``shift_since``) starts on 1 January, so that no
    transfer of early January falls between two attestations; before it, the
    calendar year applies.
    """
    if mode not in WINDOWS:
        raise ValueError(f"unknown window {mode!r}")
    if mode == WINDOW_CALENDAR or (shift_since and year < shift_since):
        return calendar_window(year)
    start = datetime.date(year, 1, 16)
    if shift_since and year == shift_since:
        start = datetime.date(year, 1, 1)
    return start, datetime.date(year + 1, 1, 15)


def _within(day, window):
    return day is not None and window[0] <= day <= window[1]


# ----------------------------------------------------------------- input data
@dataclass(frozen=True)
class Payment:
    """Money between the client and the provider on one invoice.

    Positive when the client paid, negative when the provider refunded.
    ``cesu``: paid with CESU préfinancés (recognised from its journal).
    """

    date: datetime.date
    amount: Decimal
    cesu: bool = False


@dataclass(frozen=True)
class Intervention:
    """One invoiced service line."""

    date_start: datetime.date
    date_end: datetime.date
    intervenant_name: str = ""
    intervenant_ref: str = ""
    description: str = ""
    hours: Decimal | None = None


@dataclass(frozen=True)
class InvoiceFacts:
    """What the attestation needs of one customer invoice or credit note.

    Amounts are positive for both; ``refund`` tells a credit note.
    ``eligible_total``: total of its services à la personne lines.
    ``advance_state``: the invoice's avance-immédiate state ("" when never at
    Urssaf); ``transfer_*``: Urssaf's transfer, when it paid. ``payments``:
    the client's own payments, without Urssaf's transfer.
    ``cesu_amount``: None when not entered on the invoice.
    """

    number: str
    total: Decimal
    eligible_total: Decimal
    refund: bool = False
    invoice_date: datetime.date | None = None
    residual: Decimal = ZERO
    advance_state: str = ""
    transfer_amount: Decimal | None = None
    transfer_date: datetime.date | None = None
    payments: tuple = ()
    apa_pch_amount: Decimal = ZERO
    cesu_amount: Decimal | None = None
    interventions: tuple = ()


# ---------------------------------------------------------------- the amounts
@dataclass(frozen=True)
class InvoiceAmounts:
    number: str
    refund: bool
    gross: Decimal
    advance: Decimal
    apa_pch: Decimal
    cesu: Decimal
    net: Decimal
    last_payment: datetime.date | None = None

    @property
    def counted(self):
        return any((self.gross, self.advance, self.apa_pch, self.cesu, self.net))


@dataclass(frozen=True)
class Totals:
    gross: Decimal = ZERO
    advance: Decimal = ZERO
    apa_pch: Decimal = ZERO
    cesu: Decimal = ZERO
    net: Decimal = ZERO


def urssaf_split(facts):
    """(advance, client's share through Urssaf) of an invoice's transfer."""
    if facts.refund or not facts.transfer_amount or not facts.transfer_date:
        return ZERO, ZERO
    if facts.advance_state in CLAWED_BACK_ALL:
        return ZERO, ZERO
    transfer = money(facts.transfer_amount)
    advance = min(money(Decimal(facts.total) * ADVANCE_RATE), transfer)
    if facts.advance_state in CLAWED_BACK_SHARE:
        return advance, ZERO
    return advance, transfer - advance


def _direct_payments(facts, already_paid):
    """The client's own payments, each capped to what remained due."""
    limit = money(facts.total) - already_paid
    if facts.refund:
        # Refunds to the client are negative; a credit note gives back at most
        # its total.
        limit = money(facts.total)
    paid = ZERO
    for payment in sorted(facts.payments, key=lambda p: p.date):
        amount = money(payment.amount)
        if facts.refund:
            amount = max(amount, -(limit + paid))
        else:
            amount = min(amount, limit - paid)
        paid += amount
        yield payment, amount


def invoice_amounts(facts, year, mode=WINDOW_CALENDAR, shift_since=None):
    """The amounts of one invoice or credit note counted in ``year``."""
    direct_window = calendar_window(year)
    advance, share = urssaf_split(facts)
    gross = advance_part = ZERO
    last = None
    window = advance_window(year, mode, shift_since)
    if advance and _within(facts.transfer_date, window):
        gross += advance + share
        advance_part = advance
        last = facts.transfer_date
    cesu_paid = ZERO
    for payment, amount in _direct_payments(facts, advance + share):
        if amount and _within(payment.date, direct_window):
            gross += amount
            if payment.cesu:
                cesu_paid += amount
            last = max(last, payment.date) if last else payment.date
    total = money(facts.total)
    ratio = Decimal(facts.eligible_total) / total if total else ZERO
    ratio = min(max(ratio, ZERO), Decimal(1))
    share_of_invoice = gross / total if total else ZERO
    if facts.cesu_amount is not None and facts.cesu_amount:
        cesu = Decimal(facts.cesu_amount) * share_of_invoice
    else:
        cesu = cesu_paid
    apa_pch = Decimal(facts.apa_pch_amount or 0) * share_of_invoice
    if facts.refund:
        cesu = apa_pch = ZERO  # refunds are money given back to the client
    gross, advance_part, apa_pch, cesu = (
        money(gross * ratio),
        money(advance_part * ratio),
        money(apa_pch * ratio),
        money(cesu * ratio),
    )
    return InvoiceAmounts(
        number=facts.number,
        refund=facts.refund,
        gross=gross,
        advance=advance_part,
        apa_pch=apa_pch,
        cesu=cesu,
        net=gross - advance_part - apa_pch - cesu,
        last_payment=last,
    )


def still_due(facts):
    """What the client still owes on an invoice once Urssaf's transfer (what
    it kept of it) and the client's own payments are taken into account.

    An invoice paid by Urssaf whose transfer was not registered as a payment
    is settled all the same.
    """
    advance, share = urssaf_split(facts)
    paid = sum(
        (amount for _p, amount in _direct_payments(facts, advance + share)), ZERO
    )
    return money(facts.total) - advance - share - paid


def totals(amounts):
    result = Totals()
    for item in amounts:
        result = Totals(
            gross=result.gross + item.gross,
            advance=result.advance + item.advance,
            apa_pch=result.apa_pch + item.apa_pch,
            cesu=result.cesu + item.cesu,
            net=result.net + item.net,
        )
    return result


# ------------------------------------------------------------- interventions
@dataclass(frozen=True)
class MonthRow:
    date_start: datetime.date
    date_end: datetime.date
    intervenant_name: str
    intervenant_ref: str
    description: str
    hours: Decimal | None
    lines: int


def interventions_by_month(interventions):
    """[(first day of month, [MonthRow, ...]), ...] in date order.

    One row per month, intervenant and service: first and last date, total
    hours (None when no line of the row is counted in hours).
    """
    groups = defaultdict(list)
    for item in interventions:
        key = (
            item.date_start.replace(day=1),
            item.intervenant_name,
            item.intervenant_ref,
            item.description,
        )
        groups[key].append(item)
    months = defaultdict(list)
    for (month, name, ref, description), items in groups.items():
        hours = [i.hours for i in items if i.hours is not None]
        months[month].append(
            MonthRow(
                date_start=min(i.date_start for i in items),
                date_end=max(i.date_end for i in items),
                intervenant_name=name,
                intervenant_ref=ref,
                description=description,
                hours=sum(hours, ZERO) if hours else None,
                lines=len(items),
            )
        )
    return [
        (
            month,
            sorted(
                rows, key=lambda r: (r.date_start, r.intervenant_name, r.description)
            ),
        )
        for month, rows in sorted(months.items())
    ]


# ------------------------------------------------------------------- checks
@dataclass(frozen=True)
class Anomaly:
    """A reason to look at a client's attestation before sending it."""

    code: str  # unpaid | no_intervenant | negative | no_address
    invoices: tuple = ()
    amount: Decimal | None = None


def anomalies(facts_list, amounts, has_address=True):
    """Anomalies of one client's year (unpaid invoices, paid invoices without
    intervenant, negative total, incomplete address)."""
    found = []
    unpaid = tuple(
        f.number
        for f in facts_list
        if not f.refund
        and (
            f.advance_state == "unpaid" or (money(f.residual) > 0 and still_due(f) > 0)
        )
    )
    if unpaid:
        found.append(Anomaly("unpaid", invoices=unpaid))
    counted = {a.number for a in amounts if a.counted}
    missing = tuple(
        f.number
        for f in facts_list
        if f.number in counted
        and not f.refund
        and (
            not f.interventions or any(not i.intervenant_name for i in f.interventions)
        )
    )
    if missing:
        found.append(Anomaly("no_intervenant", invoices=missing))
    total = totals(amounts)
    if total.net < 0 or total.gross < 0:
        found.append(Anomaly("negative", amount=min(total.net, total.gross)))
    if not has_address:
        found.append(Anomaly("no_address"))
    return found


# ---------------------------------------------------------------- identifiers
def normalize_declaration_number(value):
    """``sap 123 456 789`` / ``SAP/123456789`` -> ``SAP123456789``."""
    return re.sub(r"[\s/.\-]", "", value or "").upper()


def siren_is_valid(siren):
    """Luhn checksum of a 9-digit SIREN."""
    if not re.fullmatch(r"\d{9}", siren or ""):
        return False
    total = 0
    for index, char in enumerate(reversed(siren)):
        digit = int(char)
        if index % 2:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return total % 10 == 0


def declaration_number_problem(value):
    """None when ``value`` (normalised) is a valid ``SAP`` + SIREN number, else
    a code: ``format`` or ``checksum``."""
    number = normalize_declaration_number(value)
    if not DECLARATION_RE.match(number):
        return "format"
    if not siren_is_valid(number[3:]):
        return "checksum"
    return None


def mask_account(account):
    """An account number hidden but for its last 4 characters, by groups of 4:
    ``FR7630006000011234567890189`` -> ``**** **** **** **** **** ***0 189``."""
    compact = re.sub(r"\s", "", account or "")
    if not compact:
        return ""
    masked = "*" * max(len(compact) - 4, 0) + compact[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


def hours_label(hours):
    """Decimal hours as ``3 h 30`` (French notation)."""
    if hours is None:
        return ""
    minutes = Decimal(str(hours)) * 60
    minutes = int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}{minutes // 60} h {minutes % 60:02d}"


@dataclass
class ClientYear:
    """Everything computed for one client and one year (plain data)."""

    year: int
    amounts: list = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    months: list = field(default_factory=list)
    anomalies: list = field(default_factory=list)


def client_year(
    facts_list, year, mode=WINDOW_CALENDAR, shift_since=None, has_address=True
):
    """The attestation of one client for ``year``."""
    amounts = [invoice_amounts(f, year, mode, shift_since) for f in facts_list]
    counted = [a for a in amounts if a.counted]
    counted_numbers = {a.number for a in counted}
    interventions = [
        i
        for f in facts_list
        if f.number in counted_numbers and not f.refund
        for i in f.interventions
    ]
    return ClientYear(
        year=year,
        amounts=counted,
        totals=totals(counted),
        months=interventions_by_month(interventions),
        anomalies=anomalies(facts_list, counted, has_address=has_address),
    )
