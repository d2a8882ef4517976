"""Plain data handed by the Odoo layer to the payload builders and validators.

These dataclasses carry *our* vocabulary (English names, Python types); the
translation to the Urssaf JSON vocabulary happens in :mod:`.payload`. The type hints
describe what the Odoo layer is expected to pass, but nothing here enforces them:
the validators of :mod:`.validators` accept anything (``None``, wrong types, NaN,
huge strings) and report problems instead of raising.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

FRANCE = "99100"
"""INSEE code of France in the country nomenclature."""


@dataclass
class BirthPlace:
    """Place of birth.

    ``country_code`` is the 5-digit INSEE country code (``99100`` for France).
    For a birth in France, ``commune_code`` is the 5-character INSEE (COG) code of
    the birth commune as it was at the date of birth (``69123``, ``2A004``,
    ``97411``) and ``commune_label`` its label; both stay empty for a birth abroad.
    """

    country_code: str
    commune_code: str | None = None
    commune_label: str | None = None


@dataclass
class Address:
    """Postal address of residence (French INSEE commune code, not the postcode)."""

    commune_code: str
    commune_label: str
    postcode: str
    country_code: str = FRANCE
    street_number: str | None = None
    street_letter: str | None = None
    street_type: str | None = None
    street_label: str | None = None
    complement: str | None = None
    lieu_dit: str | None = None


@dataclass
class BankAccount:
    """Bank account Urssaf debits for the client's share."""

    iban: str
    bic: str
    holder: str


@dataclass
class Particulier:
    """A private client to register (``POST /particulier``).

    ``civility`` is ``"1"`` (Monsieur) or ``"2"`` (Madame).
    """

    civility: str
    birth_name: str
    first_names: str
    birth_date: datetime.date
    birth_place: BirthPlace
    mobile: str
    email: str
    address: Address
    bank: BankAccount
    usage_name: str | None = None


@dataclass
class ServiceLine:
    """One service line of a payment request.

    ``unit`` is ``"HEURE"`` or ``"FORFAIT"``; amounts are in euros, tax included
    (``total_ttc``) and excluded (``total_ht``); the tax is their difference.
    ``intervenant`` is the NOVA (``SAP`` + SIREN) or ``SIR`` + SIRET identifier sent
    as ``complement2``. Dates default to the dates of the payment request.
    """

    nature_code: str
    unit: str
    quantity: Decimal
    total_ttc: Decimal
    total_ht: Decimal
    date_start: datetime.date | None = None
    date_end: datetime.date | None = None
    description: str | None = None
    intervenant: str | None = None
    unit_price_ttc: Decimal | None = None


@dataclass
class PaymentRequest:
    """A payment request (*demande de paiement*) built from one customer invoice."""

    id_tiers_facturation: str
    id_client: str
    client_birth_date: datetime.date
    invoice_number: str
    invoice_date: datetime.date
    date_start: datetime.date
    date_end: datetime.date
    lines: list[ServiceLine] = field(default_factory=list)
    total_ttc: Decimal = Decimal(0)
    total_ht: Decimal = Decimal(0)
    deposit_amount: Decimal | None = None
    deposit_date: datetime.date | None = None
