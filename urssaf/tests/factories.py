"""Valid plain data for the tests of builders and validators."""

import datetime as dt
from decimal import Decimal as D

from urssaf.data_types import (
    Address,
    BankAccount,
    BirthPlace,
    Particulier,
    PaymentRequest,
    ServiceLine,
)


def make_particulier(**changes):
    base = Particulier(
        civility="2",
        birth_name="Durand",
        usage_name="Martin",
        first_names="Jeanne Marie",
        birth_date=dt.date(1980, 3, 29),
        birth_place=BirthPlace("99100", "69123", "Lyon"),
        mobile="06 05 04 03 02",
        email="jeanne.martin@example.fr",
        address=Address(
            commune_code="69101",
            commune_label="LYON 01",
            postcode="69001",
            street_number="8",
            street_letter="B",
            street_type="R",
            street_label="du Soleil",
        ),
        bank=BankAccount(
            "FR76 3000 6000 0112 3456 7890 189", "BNAPFRPPXXX", "Mme Jeanne Martin"
        ),
    )
    for key, value in changes.items():
        # ``address__street_label=...`` changes a nested field.
        target = base
        *parents, name = key.split("__")
        for parent in parents:
            target = getattr(target, parent)
        setattr(target, name, value)
    return base


def make_line(**changes):
    values = {
        "nature_code": "60",
        "unit": "HEURE",
        "quantity": D(12),
        "total_ttc": D("264.00"),
        "total_ht": D("240.00"),
        "description": "Ménage - mars 2025",
        "intervenant": "SIR12345678900012",
    }
    values.update(changes)
    return ServiceLine(**values)


_DEFAULT = object()


def make_request(lines=_DEFAULT, **changes):
    """A valid request; totals default to the sum of the lines."""
    lines = [make_line()] if lines is _DEFAULT else lines
    values = {
        "id_tiers_facturation": "menage.fr",
        "id_client": "af0be430-908a-11eb-a8b3-0242ac130003",
        "client_birth_date": dt.date(1980, 3, 29),
        "invoice_number": "FAC/2025/00042",
        "invoice_date": dt.date(2025, 3, 31),
        "date_start": dt.date(2025, 3, 3),
        "date_end": dt.date(2025, 3, 28),
        "lines": lines,
    }
    values.update(changes)
    if "total_ttc" not in values:
        values["total_ttc"] = sum((D(line.total_ttc) for line in lines), D(0))
    if "total_ht" not in values:
        values["total_ht"] = sum((D(line.total_ht) for line in lines), D(0))
    return PaymentRequest(**values)
