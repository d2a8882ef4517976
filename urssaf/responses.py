"""Reading Urssaf answers into plain data the Odoo layer can store."""

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .catalogues import (
    PARTICULIER_STATUSES,
    particulier_state,
    payment_status_label,
    rejection_label,
)
from .errors import ApiError, parse_errors
from .lifecycle import state_for_status

# Urssaf writes date-times in its descriptions in French wall-clock time.
URSSAF_TIMEZONE = zoneinfo.ZoneInfo("Europe/Paris")

_ACTIVATION_RE = re.compile(
    r"(\d{2})/(\d{2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)


def parse_api_date(value):
    """``2026-03-01T00:00:00Z`` (or a plain date) -> ``date``; junk -> None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _decimal(value):
    if value is None or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


@dataclass(frozen=True)
class SubmissionItem:
    """Urssaf's answer for one payment request of a submission."""

    invoice_number: str
    accepted: bool
    request_id: str = ""
    status: str = ""
    id_client: str = ""
    errors: tuple = ()


def parse_submission(items):
    """Items of a ``POST /demandePaiement`` answer, keyed by invoice number.

    An item counts as accepted only with an id, a numeric status and no error.
    """
    result = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        number = str(item.get("numFactureTiers") or "")
        errors = tuple(parse_errors(item.get("errors") or item.get("Errors")))
        request_id = str(item.get("idDemandePaiement") or "")
        status = str(item.get("statut") or "")
        accepted = bool(request_id) and not errors and status.isdigit()
        if not accepted and not errors:
            errors = (
                ApiError(
                    "REPONSE_INCOMPLETE",
                    "Réponse de l'Urssaf sans identifiant de demande de paiement.",
                ),
            )
        result[number] = SubmissionItem(
            invoice_number=number,
            accepted=accepted,
            request_id=request_id if accepted else "",
            status=status if accepted else "",
            id_client=str(item.get("idClient") or ""),
            errors=errors,
        )
    return result


@dataclass(frozen=True)
class PaymentRequestInfo:
    """One payment request as found by a search."""

    request_id: str
    invoice_number: str = ""
    id_client: str = ""
    total_ttc: Decimal | None = None
    status_code: str = ""
    status_label: str = ""
    state: str = "to_check"
    rejection_code: str = ""
    rejection_label: str = ""
    rejection_comment: str = ""
    transfer_amount: Decimal | None = None
    transfer_date: datetime.date | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)


def parse_search(body):
    """Results of ``POST /demandePaiement/rechercher`` as PaymentRequestInfo."""
    infos = []
    items = body.get("infoDemandePaiements") if isinstance(body, dict) else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not item.get("idDemandePaiement"):
            continue
        request = item.get("demandePaiement") or {}
        status = item.get("statut") or {}
        if not isinstance(status, dict):
            status = {"code": str(status)}
        code = str(status.get("code") or "")
        rejection = item.get("infoRejet") or {}
        transfer = item.get("infoVirement") or {}
        rejection_code = str(rejection.get("code") or "")
        infos.append(
            PaymentRequestInfo(
                request_id=str(item["idDemandePaiement"]),
                invoice_number=str(request.get("numFactureTiers") or ""),
                id_client=str(request.get("idClient") or ""),
                total_ttc=_decimal(request.get("mntFactureTTC")),
                status_code=code,
                status_label=str(status.get("libelle") or payment_status_label(code)),
                state=state_for_status(code),
                rejection_code=rejection_code,
                rejection_label=rejection_label(rejection_code)
                if rejection_code
                else "",
                rejection_comment=str(rejection.get("commentaire") or ""),
                transfer_amount=_decimal(transfer.get("mntVirement")),
                transfer_date=parse_api_date(transfer.get("dateVirement")),
                raw=item,
            )
        )
    return infos


@dataclass(frozen=True)
class ParticulierStatus:
    """Link status of a particulier (``GET /particulier``)."""

    code: str
    label: str
    state: str
    description: str = ""
    ok: bool = False
    activation: datetime.datetime | None = None

    @property
    def activation_utc(self):
        """The activation moment as a naive UTC date-time (Odoo's storage)."""
        if self.activation is None:
            return None
        local = self.activation.replace(tzinfo=URSSAF_TIMEZONE)
        return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def parse_activation(description):
    """Activation date-time written in a status description (``dd/mm/yyyy hh:mm:ss``).

    The time is Urssaf's (Paris) wall-clock time, returned naive.
    """
    match = _ACTIVATION_RE.search(description or "")
    if not match:
        return None
    day, month, year, hour, minute, second = match.groups()
    try:
        return datetime.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
        )
    except ValueError:
        return None


def parse_particulier_status(body):
    status = body.get("statut") if isinstance(body, dict) else None
    if not isinstance(status, dict):
        status = {}
    code = str(status.get("code") or "")
    description = str(status.get("description") or "")
    ok = str(status.get("etat") or "").upper() == "OK"
    return ParticulierStatus(
        code=code,
        label=PARTICULIER_STATUSES.get(code, f"Statut Urssaf inconnu ({code})"),
        state=particulier_state(code),
        description=description,
        ok=ok,
        activation=parse_activation(description)
        if code == "APPAREILLAGE_VALIDE"
        else None,
    )
