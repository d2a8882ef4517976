"""Typed errors of the Urssaf client.

Callers must be able to tell apart, for money's sake:

* :class:`NotReceivedError` - Urssaf certainly did not process the request
  (connection refused, connect timeout, TLS failure, credentials refused before
  processing). Sending again is safe.
* :class:`MaybeReceivedError` - the request left and its fate is unknown (read
  timeout, connection dropped after sending, unreadable answer). Never send again
  before reconciling with a search.
* :class:`BusinessError` - Urssaf answered and refused, with its codes.
* :class:`UnavailableError` - Urssaf answered 5xx/503. For an operation that
  creates something, the request may have been processed: ``maybe_received``.
"""

import re
from dataclasses import dataclass

from .catalogues import error_info

_FIELD_RE = re.compile(r"champ\s+([\w.\[\]]+)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class ApiError:
    """One ``{code, message, description}`` item of an Urssaf error answer."""

    code: str
    message: str = ""
    description: str = ""

    @classmethod
    def from_json(cls, item):
        if not isinstance(item, dict):
            return cls("INCONNUE", str(item)[:500])
        return cls(
            str(item.get("code") or "INCONNUE"),
            str(item.get("message") or ""),
            str(item.get("description") or ""),
        )

    @property
    def api_field(self):
        """Contract field named by a validation message (``champ x.y : ...``)."""
        match = _FIELD_RE.search(self.message) or _FIELD_RE.search(self.description)
        return match.group(1) if match else ""

    @property
    def field(self):
        """Field of our data the user should fix, when the code tells it."""
        return error_info(self.code).field

    def explain(self):
        """One French sentence for the user: explanation, then what to do."""
        info = error_info(self.code, self.message, self.description)
        parts = [info.explanation]
        if self.code == "ERREUR_VALIDATION" and (self.message or self.description):
            parts.append(f"Détail Urssaf : {self.message or self.description}")
        if info.action:
            parts.append(info.action)
        return " ".join(p for p in parts if p)

    def as_dict(self):
        return {
            "code": self.code,
            "message": self.message,
            "description": self.description,
        }


def parse_errors(payload):
    """Read an Urssaf error body defensively: array, single object, or junk."""
    if payload is None or payload == "" or payload == []:
        return []
    if isinstance(payload, dict):
        for key in ("errors", "Errors", "erreurs"):
            if isinstance(payload.get(key), list):
                return [ApiError.from_json(item) for item in payload[key]]
        if "code" in payload:
            return [ApiError.from_json(payload)]
        return [ApiError("INCONNUE", str(payload)[:500])]
    if isinstance(payload, list):
        return [ApiError.from_json(item) for item in payload]
    return [ApiError("INCONNUE", str(payload)[:500])]


class UrssafError(Exception):
    """Base class; ``maybe_received`` tells whether Urssaf may have acted."""

    maybe_received = False

    def __init__(self, message, *, operation="", http_status=None, correlation_id=""):
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.http_status = http_status
        self.correlation_id = correlation_id

    def explain(self):
        return self.message


class ConfigurationError(UrssafError):
    """Missing URL or credentials: nothing was sent."""


class NotReceivedError(UrssafError):
    """Urssaf certainly did not process the request."""


class AuthenticationError(NotReceivedError):
    """Credentials refused (token endpoint 401/403, or API 401 after a retry)."""


class MaybeReceivedError(UrssafError):
    """The request was sent but its outcome is unknown."""

    maybe_received = True


class UnavailableError(UrssafError):
    """Urssaf answered with a server error (5xx) or maintenance (503)."""

    def __init__(self, message, *, maybe_received=False, **kwargs):
        super().__init__(message, **kwargs)
        self.maybe_received = maybe_received


class BusinessError(UrssafError):
    """Urssaf processed the request and refused it with error codes."""

    def __init__(self, errors, **kwargs):
        self.errors = list(errors) or [ApiError("INCONNUE", "Réponse d'erreur vide")]
        super().__init__(
            "; ".join(f"{e.code}: {e.message}".strip(": ") for e in self.errors),
            **kwargs,
        )

    @property
    def codes(self):
        return [e.code for e in self.errors]

    def explain(self):
        return "\n".join(f"[{e.code}] {e.explain()}" for e in self.errors)
