"""HTTP client of the Urssaf "API Tiers de prestation".

One :class:`UrssafClient` wraps one ``requests.Session``. It fetches OAuth2
client-credentials tokens, caches them per (gateway URL, client id) until shortly
before they expire, fetches a new one once on a 401, and turns every outcome into
plain data or a typed error of :mod:`.errors`.

Every HTTP exchange is reported once, when the operation that made it ends,
to the ``on_exchange`` callback given by the caller (the Odoo layer journals
it): operation, HTTP status, Urssaf codes, correlation id, duration, number
of items. Never a body.

Logging: operation, HTTP status, duration and Urssaf's correlation id only. Bodies
carry personal data (birth data, IBAN) and are never logged; neither are tokens nor
secrets.
"""

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests

from .errors import (
    AuthenticationError,
    BusinessError,
    ConfigurationError,
    MaybeReceivedError,
    NotReceivedError,
    UnavailableError,
    parse_errors,
)
from .payload import build_search

_logger = logging.getLogger(__name__)

SANDBOX_URL = "https://api-edi.urssaf.fr"
PRODUCTION_URL = "https://api.urssaf.fr"
TOKEN_PATH = "/api/oauth/v1/token"
API_PATH = "/atp/v1/tiersPrestations"
SCOPE = "homeplus.tiersprestations"

ENVIRONMENTS = ("sandbox", "production", "custom")


def gateway_url(environment, custom_url=None):
    """Gateway of an environment; the custom URL (local sandbox, proxy) only
    for ``custom``. Anything unknown falls back to Urssaf's sandbox, never to
    production."""
    if environment == "production":
        return PRODUCTION_URL
    if environment == "custom":
        return (custom_url or "").strip().rstrip("/")
    return SANDBOX_URL


MAX_REQUESTS_PER_SUBMISSION = 10
MAX_IDS_PER_SEARCH = 10

# Operations that create something at Urssaf: a server error after sending them
# may hide a success.
_CREATING_OPERATIONS = frozenset({"register", "submit"})


@dataclass
class Exchange:
    """What the journal keeps of one HTTP exchange with Urssaf."""

    operation: str
    duration: float = 0.0
    http_status: int | None = None
    correlation_id: str = ""
    outcome: str = ""
    codes: list = field(default_factory=list)
    detail: str = ""
    items: int = 0


class TokenCache:
    """Thread-safe process-wide cache of bearer tokens."""

    def __init__(self, margin=60):
        self.margin = margin
        self._tokens = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            token, expires_at = self._tokens.get(key, (None, 0))
        if token and time.monotonic() < expires_at:
            return token
        return None

    def put(self, key, token, expires_in):
        lifetime = max(float(expires_in or 0), 0.0)
        margin = min(self.margin, lifetime / 10)
        with self._lock:
            self._tokens[key] = (token, time.monotonic() + lifetime - margin)

    def drop(self, key, token=None):
        with self._lock:
            current = self._tokens.get(key)
            if current and (token is None or current[0] == token):
                del self._tokens[key]

    def clear(self):
        with self._lock:
            self._tokens.clear()


TOKEN_CACHE = TokenCache()


def _classify_connection_error(exc):
    """True when the request certainly never reached Urssaf."""
    if isinstance(
        exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError
    ):
        return True
    if isinstance(
        exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema
    ):
        return True
    text = repr(exc)
    return any(
        marker in text
        for marker in (
            "NewConnectionError",
            "NameResolutionError",
            "Failed to establish a new connection",
            "Connection refused",
        )
    )


class UrssafClient:
    """Client for one set of credentials on one gateway."""

    def __init__(
        self,
        base_url,
        client_id,
        client_secret,
        *,
        session=None,
        connect_timeout=10.0,
        read_timeout=60.0,
        token_cache=None,
        on_exchange=None,
    ):
        if not base_url or not client_id or not client_secret:
            raise ConfigurationError(
                "L'adresse de l'API Urssaf et les identifiants (client id et secret) "
                "doivent être renseignés."
            )
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.timeout = (connect_timeout, read_timeout)
        self._own_session = session is None
        self.session = session or requests.Session()
        self.token_cache = token_cache if token_cache is not None else TOKEN_CACHE
        self.http_calls = 0
        self.last_correlation_id = ""
        # Called with one Exchange per HTTP call (no body, no token, no
        # personal data) when the operation that made it ends.
        self.on_exchange = on_exchange
        self._pending = []
        self._depth = 0
        self._items = 0

    def __repr__(self):
        return f"<UrssafClient {self.base_url} client_id={self.client_id}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._own_session:
            self.session.close()

    # ------------------------------------------------------------------ tokens
    @property
    def _cache_key(self):
        return (self.base_url, self.client_id)

    def get_token(self, force=False):
        """Bearer token, from the cache unless ``force``.

        A failure here never means a business request was sent, so every error
        is a :class:`NotReceivedError` for the caller's operation.
        """
        if not force:
            token = self.token_cache.get(self._cache_key)
            if token:
                return token
        with self._operation():
            return self._fetch_token_once()

    def _fetch_token_once(self):
        try:
            return self._fetch_token()
        except (MaybeReceivedError, UnavailableError) as exc:
            raise NotReceivedError(
                f"Jeton d'accès Urssaf non obtenu : {exc.message} Rien n'a été "
                "transmis.",
                operation="token",
                http_status=exc.http_status,
                correlation_id=exc.correlation_id,
            ) from None

    def _fetch_token(self):
        response = self._send(
            "token",
            "POST",
            self.base_url + TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._client_secret,
                "scope": SCOPE,
            },
            headers={"Accept": "application/json"},
        )
        if response.status_code in (400, 401, 403):
            raise AuthenticationError(
                "L'Urssaf a refusé les identifiants API (client id ou secret "
                "incorrect, ou environnement sandbox/production inversé).",
                operation="token",
                http_status=response.status_code,
                correlation_id=self.last_correlation_id,
            )
        self._raise_for_server_error("token", response)
        body = self._json(response, "token")
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise NotReceivedError(
                "Réponse inattendue du service d'authentification Urssaf.",
                operation="token",
                http_status=response.status_code,
            )
        self.token_cache.put(self._cache_key, token, body.get("expires_in") or 3600)
        _logger.info(
            "Urssaf token obtained (expires_in=%s)", body.get("expires_in") or "?"
        )
        return token

    # -------------------------------------------------------------- operations
    def register_particulier(self, payload):
        """POST /particulier; returns ``idClient``."""
        with self._operation():
            return self._register(payload)

    def _register(self, payload):
        body = self._call("register", "POST", "/particulier", json=payload)
        if not isinstance(body, dict) or not body.get("idClient"):
            raise MaybeReceivedError(
                "Réponse de l'Urssaf sans identifiant client.",
                operation="register",
                correlation_id=self.last_correlation_id,
            )
        return body["idClient"]

    def get_particulier_status(self, id_client, email=None):
        """GET /particulier; returns the decoded JSON answer."""
        params = {"idClient": id_client}
        if email:
            params["adresseMail"] = email
        with self._operation():
            return self._call("status", "GET", "/particulier", params=params)

    def submit_payment_requests(self, payloads):
        """POST /demandePaiement with at most 10 requests; returns the item list."""
        payloads = list(payloads)
        if not payloads or len(payloads) > MAX_REQUESTS_PER_SUBMISSION:
            raise ValueError(
                f"between 1 and {MAX_REQUESTS_PER_SUBMISSION} payment requests per call"
            )
        with self._operation(items=len(payloads)):
            body = self._call("submit", "POST", "/demandePaiement", json=payloads)
            if not isinstance(body, list):
                raise MaybeReceivedError(
                    "Réponse illisible de l'Urssaf après l'envoi des demandes de "
                    "paiement.",
                    operation="submit",
                    correlation_id=self.last_correlation_id,
                )
            # The codes of the refused items, for the journal.
            self._set_codes(
                error.code
                for item in body
                if isinstance(item, dict)
                for error in parse_errors(item.get("errors") or item.get("Errors"))
            )
            return body

    def search_payment_requests(
        self, ids=None, date_start=None, date_end=None, invoice_numbers=None
    ):
        """POST /demandePaiement/rechercher; "nothing found" is an empty result.

        Dates are calendar dates; at most 10 ids and 10 invoice numbers.
        """
        criteria = build_search(ids, date_start, date_end, invoice_numbers)
        for key in ("idDemandePaiements", "numFactureTiers"):
            if len(criteria.get(key, ())) > MAX_IDS_PER_SEARCH:
                raise ValueError(f"at most {MAX_IDS_PER_SEARCH} {key} per search")
        if not criteria:
            raise ValueError("a search needs at least one criterion")
        items = max(
            len(criteria.get("idDemandePaiements", ())),
            len(criteria.get("numFactureTiers", ())),
        )
        with self._operation(items=items):
            return self._search(criteria)

    def _search(self, criteria):
        try:
            body = self._call(
                "search", "POST", "/demandePaiement/rechercher", json=criteria
            )
        except BusinessError as error:
            if error.codes == ["ERR_RECHERCHE_VIDE"]:
                return {"infoDemandePaiements": [], "errors": []}
            raise
        if not isinstance(body, dict):
            raise MaybeReceivedError(
                "Réponse illisible de l'Urssaf à la recherche.",
                operation="search",
                correlation_id=self.last_correlation_id,
            )
        body.setdefault("infoDemandePaiements", [])
        return body

    # -------------------------------------------------------------- internals
    def _call(self, operation, method, path, *, json=None, params=None):
        url = self.base_url + API_PATH + path
        for attempt in (1, 2):
            token = self.get_token(force=attempt == 2)
            response = self._send(
                operation,
                method,
                url,
                json=json,
                params=params,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Accept": "application/json",
                },
            )
            if response.status_code == 401:
                # Rejected by the gateway before any processing: safe to retry
                # once with a fresh token.
                self.token_cache.drop(self._cache_key, token)
                if attempt == 1:
                    continue
                raise AuthenticationError(
                    "L'Urssaf refuse le jeton d'accès malgré un renouvellement.",
                    operation=operation,
                    http_status=401,
                    correlation_id=self.last_correlation_id,
                )
            break
        if response.status_code == 403:
            raise AuthenticationError(
                "Accès refusé par l'Urssaf : ces identifiants ne sont pas habilités "
                "à cette opération.",
                operation=operation,
                http_status=403,
                correlation_id=self.last_correlation_id,
            )
        self._raise_for_server_error(operation, response)
        if response.status_code >= 400:
            errors = parse_errors(self._json(response, operation, strict=False))
            self._set_codes(e.code for e in errors)
            raise BusinessError(
                errors,
                operation=operation,
                http_status=response.status_code,
                correlation_id=self.last_correlation_id,
            )
        return self._json(response, operation)

    # ---------------------------------------------------------------- journal
    @contextmanager
    def _operation(self, items=0):
        """Report the exchanges of one operation to ``on_exchange`` when it
        ends, whatever its outcome (nested operations report once)."""
        self._depth += 1
        self._items = items or self._items
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth:
                self._items = 0
                pending, self._pending = self._pending, []
                for exchange in pending if self.on_exchange else ():
                    self.on_exchange(exchange)

    def _record(self, operation, started, **values):
        entry = Exchange(
            operation=operation,
            duration=round(time.monotonic() - started, 3),
            items=0 if operation == "token" else self._items,
            **values,
        )
        self._pending.append(entry)
        return entry

    def _set_codes(self, codes):
        """Urssaf codes of the last exchange (errors of the call or its items)."""
        codes = list(dict.fromkeys(codes))
        if self._pending and codes:
            self._pending[-1].codes = codes

    def _send(self, operation, method, url, **kwargs):
        started = time.monotonic()
        self.http_calls += 1
        try:
            response = self.session.request(
                method, url, timeout=self.timeout, allow_redirects=False, **kwargs
            )
        except requests.exceptions.RequestException as exc:
            duration = time.monotonic() - started
            reached = not _classify_connection_error(exc)
            self._record(
                operation,
                started,
                outcome="maybe_received" if reached else "not_received",
                detail=type(exc).__name__,
            )
            if not reached:
                _logger.warning(
                    "Urssaf %s: not reached after %.2fs (%s)",
                    operation,
                    duration,
                    type(exc).__name__,
                )
                raise NotReceivedError(
                    "Impossible de joindre l'Urssaf (connexion refusée ou délai de "
                    "connexion dépassé). Rien n'a été transmis.",
                    operation=operation,
                ) from None
            _logger.warning(
                "Urssaf %s: no answer after %.2fs (%s), outcome unknown",
                operation,
                duration,
                type(exc).__name__,
            )
            raise MaybeReceivedError(
                "La demande est partie vers l'Urssaf mais aucune réponse n'a été "
                "reçue (délai dépassé ou connexion coupée).",
                operation=operation,
            ) from None
        correlation_id = (
            response.headers.get("x-correlationid")
            or response.headers.get("X-Correlation-Id")
            or ""
        )
        self.last_correlation_id = correlation_id
        self._record(
            operation,
            started,
            http_status=response.status_code,
            correlation_id=correlation_id,
            outcome="answered",
        )
        _logger.info(
            "Urssaf %s: HTTP %s in %.2fs (correlation id %s)",
            operation,
            response.status_code,
            time.monotonic() - started,
            correlation_id or "-",
        )
        return response

    def _raise_for_server_error(self, operation, response):
        if response.status_code < 500:
            return
        errors = parse_errors(self._json(response, operation, strict=False))
        self._set_codes(e.code for e in errors)
        detail = "; ".join(e.code for e in errors) if errors else ""
        if response.status_code == 503:
            message = "Le service Urssaf est indisponible (maintenance)."
        else:
            message = "Le service Urssaf a rencontré une erreur technique."
        if detail:
            message = f"{message} ({detail})"
        raise UnavailableError(
            message,
            maybe_received=operation in _CREATING_OPERATIONS,
            operation=operation,
            http_status=response.status_code,
            correlation_id=self.last_correlation_id,
        )

    def _json(self, response, operation, strict=True):
        if not response.content:
            if strict:
                raise MaybeReceivedError(
                    "Réponse vide de l'Urssaf.",
                    operation=operation,
                    http_status=response.status_code,
                    correlation_id=self.last_correlation_id,
                )
            return None
        try:
            return response.json()
        except ValueError:
            if not strict:
                return None
            raise MaybeReceivedError(
                "Réponse illisible de l'Urssaf (JSON invalide).",
                operation=operation,
                http_status=response.status_code,
                correlation_id=self.last_correlation_id,
            ) from None
