"""HTTP sandbox imitating Urssaf's "API Tiers de prestation" (standard library only).

Urssaf endpoints (same paths as the real gateway)
-------------------------------------------------

* ``POST /api/oauth/v1/token`` -- form body ``grant_type=client_credentials``
  (``scope=homeplus.tiersprestations`` optional), credentials as ``client_id`` /
  ``client_secret`` form fields or HTTP Basic. Wrong credentials: 401
  ``{"error": "invalid_client"}``. Answers ``access_token``, ``token_type``
  (``Bearer``), ``expires_in``, ``scope``. Tokens expire after ``token_ttl`` real
  seconds (the sandbox clock does not expire them).
* ``POST /atp/v1/tiersPrestations/particulier`` -- register (``InputParticulierDTO``)
  -> ``{"idClient": "<uuid4>"}``.
* ``GET /atp/v1/tiersPrestations/particulier?idClient=...[&adresseMail=...]`` -- link
  status ``{"idClient", "nomNaissance", "nomUsage", "prenoms", "statut": {"code",
  "description", "etat"}}``; unknown -> 400 ``ERR_RECHERCHE_PARTICULIER``. The
  activation date-time in the ``APPAREILLAGE_VALIDE`` description is French
  wall-clock time (Europe/Paris), as Urssaf writes it.
* ``POST /atp/v1/tiersPrestations/demandePaiement`` -- JSON array (max 10 items,
  else 400 ``ERR_NBRE_PREST_MAX``), answered 200 item by item.
* ``POST /atp/v1/tiersPrestations/demandePaiement/rechercher`` -- criteria
  ``idDemandePaiements`` and/or ``numFactureTiers`` (lists, max 10 each, else 400
  ``ERR_NBRE_MAX_RESULTAT``; ids and numbers take precedence over the period) or
  ``dateDebut``/``dateFin`` (on ``dateFacture``, at most 100 results else 400
  ``ERR_NBRE_MAX_RESULTAT``). No criterion: 400 ``ERR_CRITERE_RECHERCHE_VIDE``;
  nothing found: 400 ``ERR_RECHERCHE_VIDE``.

API calls need ``Authorization: Bearer <token>`` (else 401) and, for POST, a JSON
body with ``Content-Type: application/json`` (else 415; unparsable JSON -> 400).
Bodies are checked against the bundled swagger first (400 ``ERREUR_VALIDATION``,
message ``champ <path> : <what>``), then against Urssaf's business rules. Every
response carries an ``x-correlationid`` header.

Control API (unauthenticated, JSON in and out)
----------------------------------------------

* ``POST /_sandbox/particulier/{idClient}/activate`` body ``{"at": "<ISO date-time>"}``
  (optional, default: sandbox now) -- the link is valid from that moment (also
  clears a blocked / expired-mandate / not-finalised status).
* ``POST /_sandbox/particulier/{idClient}/status`` body ``{"code": "PARTICULIER_BLOQUE"
  | "MANDAT_ECHU" | "APPAREILLAGE_NF" | "APPAREILLAGE_VALIDE" | "APPAREILLAGE_EC"}``
  -- ``APPAREILLAGE_VALIDE`` activates now (unless already active),
  ``APPAREILLAGE_EC`` removes the activation.
* ``GET /_sandbox/particulier`` -- every registered particulier with its status and
  ``activatedAt``.
* ``GET /_sandbox/clock`` / ``POST /_sandbox/clock`` body ``{"advance": <seconds>}``
  or ``{"now": "<ISO date-time>"}`` -> ``{"now", "offset"}``. Sandbox time is real
  UTC time plus a persistent offset.
* ``POST /_sandbox/demandePaiement/{idDemandePaiement or numFactureTiers}/outcome``
  body ``{"outcome": "refuse" | "unpaid" | "cancel", "code": "...",
  "commentaire": "...", "then": "cancel" | "recover"}``:
  ``refuse`` -> 40 now (``code`` REGUL_*/CONTEST_*, default ``CONTEST_AUTRE``);
  ``cancel`` -> 110 now (``code`` ANNUL_*, default ``ANNUL_AUTRE``), also after 70;
  ``unpaid`` -> 60 one day after the debit (50) or now if later, then 111
  (``then: "cancel"``) or 120 (``then: "recover"``) one day later;
  ``"transfer": true``: Urssaf pays the provider in full all the same.
  409 if the request is already in a final status (40, 110, 111, 112, 120).
* ``GET /_sandbox/demandePaiement`` -- every stored (accepted) payment request with
  its current status.
* Normal lifecycle (sandbox clock): 10 at creation, 20 after 1 h, 30 48 h later,
  50 two days later, 70 two days later with ``infoVirement`` (``mntVirement`` =
  ``mntFactureTTC`` less ``mntAcompte``, ``dateVirement`` = that day).
* ``POST /_sandbox/faults`` body ``{"operation": "token" | "register" | "status" |
  "submit" | "search" | "*", "kind": "latency" | "http_500" | "http_503" |
  "expire_token" | "drop_after_commit" | "malformed" | "business_error",
  "count": 1, "seconds": 2.0, "code": "ERR_DGFIP_R2P_INCONNU"}`` -- one fault is
  consumed per matching call. ``latency`` sleeps ``seconds`` then answers
  normally; ``http_500`` / ``http_503`` answer an ``ERREUR_TECHNIQUE`` array
  without processing; ``expire_token`` revokes every issued token (the call gets
  401); ``drop_after_commit`` processes and commits, then closes the connection
  without answering; ``malformed`` processes, then answers 200 with a truncated
  body; ``business_error`` answers 400 with ``code`` without processing (for
  ``submit``: 200 with every item refused with ``code``).
  ``GET /_sandbox/faults`` lists pending faults, ``DELETE /_sandbox/faults`` clears.
* ``GET /_sandbox/calls`` -- call log ``[{"operation", "status", "items", "at",
  "fault"?}]`` (``items``: payment requests in a submission, ids and numbers in a
  search, 1 for register/status, 0 for token); ``DELETE /_sandbox/calls`` clears it.
* ``POST /_sandbox/reset`` -- deletes particuliers, payment requests, events, the
  call log, pending faults and the clock offset (issued tokens stay valid).

The process logs one line per request (method, path without query string, status,
correlation id): never bodies, tokens, secrets or personal data.
"""

import base64
import binascii
import datetime
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zoneinfo
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .. import contract
from ..catalogues import PARTICULIER_STATUSES
from . import lifecycle, rules
from .clock import Clock
from .errors import erreur, erreurs, technical_error, validation_errors
from .faults import FaultError, Faults
from .store import Store, from_iso, to_iso

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

_logger = logging.getLogger("urssaf.sandbox")

TOKEN_PATH = "/api/oauth/v1/token"
API_PATH = "/atp/v1/tiersPrestations"
CONTROL_PATH = "/_sandbox"
SCOPE = "homeplus.tiersprestations"

ROUTES = {
    ("POST", TOKEN_PATH): "token",
    ("POST", API_PATH + "/particulier"): "register",
    ("GET", API_PATH + "/particulier"): "status",
    ("POST", API_PATH + "/demandePaiement"): "submit",
    ("POST", API_PATH + "/demandePaiement/rechercher"): "search",
}

STATUS_DESCRIPTIONS = {
    "APPAREILLAGE_EC": "Transmission DP impossible, appareillage en cours de "
    "traitement",
    "APPAREILLAGE_VALIDE": "Appareillage validé, transmission des demandes de "
    "paiement possible à partir du {at}",
    "APPAREILLAGE_NF": "Transmission DP impossible, appareillage non finalisé",
    "PARTICULIER_BLOQUE": "Transmission DP impossible, particulier bloqué",
    "MANDAT_ECHU": "Transmission DP impossible, mandat de prélèvement échu",
}
CONTROL_STATUSES = (
    "PARTICULIER_BLOQUE",
    "MANDAT_ECHU",
    "APPAREILLAGE_NF",
    "APPAREILLAGE_VALIDE",
    "APPAREILLAGE_EC",
)


class Reply:
    """What a handler answers: status, JSON-able body, extra headers."""

    def __init__(self, status, body=None, headers=None, items=0):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.items = items


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class SandboxControlError(RuntimeError):
    """Raised by :meth:`SandboxServer.control` on an HTTP error."""

    def __init__(self, status, body):
        super().__init__(f"sandbox control API answered {status}: {body}")
        self.status = status
        self.body = body


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, app):
        self.app = app
        self._open = set()
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        return super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        return super().shutdown_request(request)

    def close_open_connections(self):
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                _logger.debug("connection already closed")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "UrssafSandbox/1.0"
    timeout = 30

    def log_message(self, format, *args):
        """Silence the default access log (we log our own line)."""

    def do_GET(self):
        self.server.app.handle(self)

    def do_POST(self):
        self.server.app.handle(self)

    def do_DELETE(self):
        self.server.app.handle(self)

    def do_PUT(self):
        self.server.app.handle(self)


class SandboxServer:
    """The sandbox: Urssaf-like API plus a control API, on a background thread."""

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        client_id="sandbox-client",
        client_secret="sandbox-secret",
        db_path=":memory:",
        token_ttl=3600,
        activation_delay=None,
    ):
        self.host = host
        self.client_id = client_id
        self.client_secret = client_secret
        self.db_path = str(db_path)
        self.token_ttl = int(token_ttl)
        self.activation_delay = activation_delay
        self.store = Store(self.db_path)
        self.clock = Clock(self.store)
        self.faults = Faults()
        self._httpd = _HTTPServer((host, port), _Handler, self)
        self._thread = None

    # --- lifecycle ---
    @property
    def port(self):
        return self._httpd.server_address[1]

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def token_url(self):
        return self.url + TOKEN_PATH

    @property
    def api_url(self):
        return self.url + API_PATH

    def start(self):
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"urssaf-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self):
        """Serve in the current thread until interrupted."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._httpd.server_close()
            self.store.close()

    def stop(self):
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.close_open_connections()
        self._httpd.server_close()
        self.store.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # --- helper for tests ---
    def control(self, method, path, json=None):
        """Call the control API and return the decoded JSON answer."""
        if not path.startswith(CONTROL_PATH):
            path = f"{CONTROL_PATH}/{path.lstrip('/')}"
        data = None
        headers = {"Accept": "application/json"}
        if json is not None:
            data = _json_dumps(json)
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.url + path, data=data, headers=headers, method=method.upper()
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                body = _json_loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            raise SandboxControlError(error.code, body) from None
        return _json_loads(raw) if raw else None

    # --- request handling ---
    def handle(self, handler):
        correlation_id = str(uuid.uuid4())
        parsed = urllib.parse.urlsplit(handler.path)
        path = parsed.path.rstrip("/") or "/"
        method = handler.command
        raw = _read_body(handler)
        try:
            if path == CONTROL_PATH or path.startswith(CONTROL_PATH + "/"):
                reply = self._control(method, path, raw)
                dropped = self._send(handler, reply, correlation_id)
            else:
                reply, dropped = self._api(
                    handler, method, path, parsed.query, raw, correlation_id
                )
        except Exception:
            _logger.exception("Sandbox failure on %s %s", method, path)
            reply = Reply(500, technical_error())
            dropped = self._send(handler, reply, correlation_id)
        _logger.info(
            "%s %s %s %s",
            method,
            path,
            "dropped" if dropped else reply.status,
            correlation_id,
        )

    def _api(self, handler, method, path, query, raw, correlation_id):
        operation = ROUTES.get((method, path))
        if operation is None:
            known = {route_path for _method, route_path in ROUTES}
            status = 405 if path in known else 404
            message = "Méthode non autorisée" if status == 405 else "Ressource inconnue"
            reply = Reply(status, [erreur("PARAM_INVALIDE", message, path)])
            return reply, self._send(handler, reply, correlation_id)
        fault = self.faults.take(operation)
        kind = fault["kind"] if fault else None
        if kind == "latency":
            time.sleep(fault["seconds"])
        elif kind == "expire_token":
            self.store.revoke_tokens()
        if kind in ("http_500", "http_503"):
            status = int(kind[-3:])
            description = (
                "Utilisation de l'API interdite : le site est en maintenance."
                if status == 503
                else None
            )
            reply = Reply(
                status,
                technical_error(description=description),
                items=_count_items(operation, raw),
            )
        else:
            reply = self._operation(handler, operation, query, raw, fault)
        self.store.log_call(
            operation, reply.status, reply.items, self.clock.now(), kind
        )
        if kind == "drop_after_commit":
            _drop(handler)
            return reply, True
        if kind == "malformed":
            body = _json_dumps(reply.body)
            reply = Reply(200, body[: max(1, len(body) // 2)], items=reply.items)
        return reply, self._send(handler, reply, correlation_id)

    def _operation(self, handler, operation, query, raw, fault):
        if operation == "token":
            return self._token(handler, raw)
        authorised = self._authorised(handler)
        if not authorised:
            return Reply(
                401,
                {
                    "error": "invalid_token",
                    "error_description": "Jeton absent, invalide ou expiré",
                },
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if fault and fault["kind"] == "business_error":
            return self._business_fault(operation, raw, fault["code"])
        if operation == "status":
            return self._status(urllib.parse.parse_qs(query))
        body, error = _parse_json(handler, raw)
        if error:
            return error
        if operation == "register":
            return self._register(body)
        if operation == "submit":
            return self._submit(body)
        return self._search(body)

    def _send(self, handler, reply, correlation_id):
        body = reply.body
        if isinstance(body, bytes):
            payload = body
        elif body is None:
            payload = b""
        else:
            payload = _json_dumps(body)
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "application/json; charset=utf-8")
            handler.send_header("Content-Length", str(len(payload)))
            handler.send_header("x-correlationid", correlation_id)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            return True
        return False

    # --- token ---
    def _token(self, handler, raw):
        content_type = handler.headers.get("Content-Type", "")
        if "application/x-www-form-urlencoded" not in content_type:
            return Reply(400, {"error": "invalid_request"})
        form = {
            key: values[0]
            for key, values in urllib.parse.parse_qs(
                raw.decode("utf-8", "replace")
            ).items()
        }
        client_id = form.get("client_id")
        client_secret = form.get("client_secret")
        basic = _basic_credentials(handler.headers.get("Authorization", ""))
        if basic:
            client_id, client_secret = basic
        if client_id != self.client_id or client_secret != self.client_secret:
            return Reply(401, {"error": "invalid_client"})
        if form.get("grant_type") != "client_credentials":
            return Reply(400, {"error": "unsupported_grant_type"})
        scope = form.get("scope", SCOPE)
        if SCOPE not in scope.split():
            return Reply(400, {"error": "invalid_scope"})
        token = self.store.add_token(client_id, time.time() + self.token_ttl)
        return Reply(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.token_ttl,
                "scope": SCOPE,
            },
            {"Cache-Control": "no-store"},
        )

    def _authorised(self, handler):
        header = handler.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        row = self.store.get_token(token.strip())
        if row is None or row["revoked"] or row["expires_at"] <= time.time():
            return None
        return row["client_id"]

    def _business_fault(self, operation, raw, code):
        message = f"Erreur métier simulée ({code})"
        if operation == "submit":
            try:
                items = json.loads(raw or b"[]")
            except ValueError:
                items = []
            if not isinstance(items, list):
                items = []
            return Reply(
                200,
                [
                    {
                        "idClient": item.get("idClient")
                        if isinstance(item, dict)
                        else None,
                        "numFactureTiers": item.get("numFactureTiers")
                        if isinstance(item, dict)
                        else None,
                        "errors": [erreur(code, message)],
                    }
                    for item in items
                ],
                items=len(items),
            )
        return Reply(400, [erreur(code, message)], items=1)

    # --- particulier ---
    def _register(self, body):
        violations = contract.validate("InputParticulierDTO", body)
        if violations:
            return Reply(400, validation_errors(violations), items=1)
        now = self.clock.now()
        with self.store.lock:
            existing = self.store.particuliers(self.client_id)
            problems = rules.check_particulier(body, now, existing)
            if problems:
                return Reply(400, erreurs(problems), items=1)
            activated_at = None
            if self.activation_delay is not None:
                activated_at = now + _seconds(self.activation_delay)
            id_client = self.store.add_particulier(
                self.client_id, body, now, activated_at
            )
        return Reply(200, {"idClient": id_client}, items=1)

    def _status(self, params):
        id_client = (params.get("idClient") or [""])[0]
        mail = (params.get("adresseMail") or [""])[0]
        if not id_client and not mail:
            return Reply(
                400,
                [
                    erreur(
                        "ERREUR_VALIDATION",
                        "champ idClient : champ obligatoire",
                        "Requête incorrecte : règle required non respectée",
                    )
                ],
                items=1,
            )
        if id_client:
            row = self.store.get_particulier(id_client, self.client_id)
            if (
                row is not None
                and mail
                and (row["adresse_mail"] or "").lower() != (mail.lower())
            ):
                row = None
        else:
            row = self.store.find_particulier_by_mail(self.client_id, mail)
        if row is None:
            return Reply(
                400,
                [
                    erreur(
                        "ERR_RECHERCHE_PARTICULIER",
                        "Aucun particulier ne correspond à la recherche.",
                    )
                ],
                items=1,
            )
        return Reply(200, self._particulier_view(row), items=1)

    def _particulier_view(self, row, control=False):
        code, activated_at = rules.link_status(row, self.clock.now())
        description = STATUS_DESCRIPTIONS[code]
        if activated_at is not None:
            # Urssaf writes French wall-clock time in its descriptions.
            if activated_at.tzinfo is None:
                activated_at = activated_at.replace(tzinfo=datetime.timezone.utc)
            local = activated_at.astimezone(PARIS)
            description = description.format(at=local.strftime("%d/%m/%Y %H:%M:%S"))
        view = {
            "idClient": row["id_client"],
            "nomNaissance": row["nom_naissance"],
            "nomUsage": row["nom_usage"],
            "prenoms": row["prenoms"],
            "statut": {
                "code": code,
                "description": description,
                "etat": "OK" if code == "APPAREILLAGE_VALIDE" else "KO",
            },
        }
        if control:
            view["activatedAt"] = row["activated_at"]
            view["libelle"] = PARTICULIER_STATUSES.get(code, code)
        return view

    # --- payment requests ---
    def _submit(self, body):
        if isinstance(body, list) and len(body) > rules.MAX_DEMANDES_PER_CALL:
            return Reply(
                400,
                [
                    erreur(
                        "ERR_NBRE_PREST_MAX",
                        "Nombre maximum de transmission de factures dépassé (limite à "
                        f"{rules.MAX_DEMANDES_PER_CALL}).",
                    )
                ],
                items=len(body),
            )
        violations = contract.validate_array("InputDemandePaiement", body)
        if isinstance(body, list) and not body:
            violations.append(
                contract.Violation("", "minItems", "au moins une demande de paiement")
            )
        items = len(body) if isinstance(body, list) else 0
        if violations:
            return Reply(400, validation_errors(violations), items=items)
        answers = []
        with self.store.lock:
            now = self.clock.now()
            taken = self.store.invoice_numbers(
                self.client_id, among=[d.get("numFactureTiers") for d in body]
            )
            for demande in body:
                particulier = self.store.get_particulier(
                    demande["idClient"], self.client_id
                )
                problems = rules.check_demande(demande, now, particulier, taken)
                answer = {
                    "idClient": demande["idClient"],
                    "numFactureTiers": demande["numFactureTiers"],
                }
                if problems:
                    answer["errors"] = erreurs(problems)
                else:
                    id_demande = str(
                        self.store.next_sequence("dp_sequence", 11 * 10**12)
                    )
                    self.store.add_demande(id_demande, self.client_id, demande, now)
                    taken.add(demande["numFactureTiers"])
                    answer.update(idDemandePaiement=id_demande, statut="10", errors=[])
                answers.append(answer)
        return Reply(200, answers, items=items)

    def _search(self, body):
        schema = dict(contract.definition("InputRechercheDemandePaiement"))
        schema["properties"] = {
            **schema.get("properties", {}),
            "numFactureTiers": {"type": "array", "items": {"type": "string"}},
        }
        violations = contract.validate_schema(schema, body)
        if violations:
            return Reply(400, validation_errors(violations))
        ids = body.get("idDemandePaiements") or []
        numbers = body.get("numFactureTiers") or []
        start, end = body.get("dateDebut"), body.get("dateFin")
        items = len(ids) + len(numbers)
        if not (ids or numbers or start or end):
            return Reply(
                400,
                [
                    erreur(
                        "ERR_CRITERE_RECHERCHE_VIDE",
                        "Au moins un critère de recherche doit être renseigné.",
                    )
                ],
            )
        if max(len(ids), len(numbers)) > rules.MAX_IDS_PER_SEARCH:
            return Reply(400, [_too_many()], items=items)
        if ids or numbers:
            rows = self.store.demandes_matching(self.client_id, ids, numbers)
        else:
            rows = self.store.demandes(self.client_id)
            low = from_iso(start).date().isoformat() if start else "0000-00-00"
            high = from_iso(end).date().isoformat() if end else "9999-99-99"
            rows = [row for row in rows if low <= row["date_facture"] <= high]
        if len(rows) > rules.MAX_SEARCH_RESULTS:
            return Reply(400, [_too_many()], items=items)
        if not rows:
            return Reply(
                400,
                [erreur("ERR_RECHERCHE_VIDE", "Aucune demande de paiement trouvée.")],
                items=items,
            )
        return Reply(
            200,
            {"infoDemandePaiements": [self._info(row) for row in rows]},
            items=items,
        )

    def _info(self, row):
        body = json.loads(row["body"])
        state = lifecycle.state(
            from_iso(row["created_at"]),
            self.store.events(row["id_demande"]),
            self.clock.now(),
            # The deposit the client paid the provider is not transferred.
            round(body["mntFactureTTC"] - body.get("mntAcompte", 0), 2),
        )
        info = {
            "idDemandePaiement": row["id_demande"],
            "demandePaiement": body,
            "statut": {"code": state["code"], "libelle": state["libelle"]},
        }
        for key in ("infoRejet", "infoVirement"):
            if key in state:
                info[key] = state[key]
        return info

    # --- control API ---
    def _control(self, method, path, raw):
        parts = path[len(CONTROL_PATH) :].strip("/").split("/")
        try:
            body = _json_loads(raw) if raw.strip() else {}
        except ValueError:
            return Reply(400, {"error": "invalid JSON body"})
        if not isinstance(body, dict):
            return Reply(400, {"error": "a JSON object is expected"})
        try:
            return Reply(200, self._control_route(method, parts, body))
        except ControlError as error:
            return Reply(error.status, {"error": error.message})
        except FaultError as error:
            return Reply(400, {"error": str(error)})

    def _control_route(self, method, parts, body):  # noqa: C901 - flat router
        head = parts[0]
        if head == "clock" and len(parts) == 1:
            if method == "POST":
                self._set_clock(body)
            elif method != "GET":
                raise ControlError(405, "method not allowed")
            return {"now": to_iso(self.clock.now()), "offset": self.clock.offset}
        if head == "particulier":
            if len(parts) == 1 and method == "GET":
                return [
                    self._particulier_view(row, control=True)
                    for row in self.store.particuliers()
                ]
            if len(parts) == 3 and method == "POST":
                return self._control_particulier(parts[1], parts[2], body)
        if head == "demandePaiement":
            if len(parts) == 1 and method == "GET":
                return [self._control_view(row) for row in self.store.demandes()]
            if len(parts) == 3 and parts[2] == "outcome" and method == "POST":
                return self._set_outcome(parts[1], body)
        if head == "faults" and len(parts) == 1:
            if method == "POST":
                self.faults.add(body)
            elif method == "DELETE":
                self.faults.clear()
            elif method != "GET":
                raise ControlError(405, "method not allowed")
            return {"faults": self.faults.pending()}
        if head == "calls" and len(parts) == 1:
            if method == "DELETE":
                self.store.clear_calls()
            elif method != "GET":
                raise ControlError(405, "method not allowed")
            return self.store.calls()
        if head == "reset" and len(parts) == 1 and method == "POST":
            self.store.reset()
            self.faults.clear()
            return {"reset": True, "now": to_iso(self.clock.now())}
        raise ControlError(404, f"unknown control route {method} /{'/'.join(parts)}")

    def _set_clock(self, body):
        if "now" in body:
            try:
                self.clock.set_now(from_iso(str(body["now"])))
            except ValueError:
                raise ControlError(400, "now must be an ISO 8601 date-time") from None
        elif "advance" in body:
            advance = body["advance"]
            if not isinstance(advance, (int, float)) or isinstance(advance, bool):
                raise ControlError(400, "advance must be a number of seconds")
            self.clock.advance(advance)
        else:
            raise ControlError(400, "give either 'advance' (seconds) or 'now'")

    def _control_particulier(self, id_client, action, body):
        row = self.store.get_particulier(id_client)
        if row is None:
            raise ControlError(404, f"unknown idClient {id_client}")
        now = self.clock.now()
        if action == "activate":
            at = now
            if body.get("at"):
                try:
                    at = from_iso(str(body["at"]))
                except ValueError:
                    raise ControlError(
                        400, "at must be an ISO 8601 date-time"
                    ) from None
            self.store.update_particulier(
                id_client, activated_at=at, status_override=None
            )
        elif action == "status":
            code = body.get("code")
            if code not in CONTROL_STATUSES:
                raise ControlError(
                    400, f"code must be one of {', '.join(CONTROL_STATUSES)}"
                )
            if code == "APPAREILLAGE_VALIDE":
                activated_at = from_iso(row["activated_at"])
                if activated_at is None or activated_at > now:
                    activated_at = now
                self.store.update_particulier(
                    id_client, activated_at=activated_at, status_override=None
                )
            elif code == "APPAREILLAGE_EC":
                self.store.update_particulier(
                    id_client, activated_at=None, status_override=None
                )
            else:
                self.store.update_particulier(id_client, status_override=code)
        else:
            raise ControlError(404, f"unknown particulier action {action}")
        return self._particulier_view(self.store.get_particulier(id_client), True)

    def _control_view(self, row):
        info = self._info(row)
        return {
            "idDemandePaiement": info["idDemandePaiement"],
            "numFactureTiers": row["num_facture"],
            "idClient": row["id_client"],
            "createdAt": row["created_at"],
            "statut": info["statut"],
            **{key: info[key] for key in ("infoRejet", "infoVirement") if key in info},
            "demandePaiement": info["demandePaiement"],
        }

    def _set_outcome(self, key, body):
        row = self.store.get_demande(key)
        if row is None:
            raise ControlError(404, f"unknown payment request {key}")
        outcome = body.get("outcome")
        if outcome not in lifecycle.OUTCOMES:
            raise ControlError(400, "outcome must be refuse, unpaid or cancel")
        event = {}
        if outcome in ("refuse", "cancel"):
            default = "CONTEST_AUTRE" if outcome == "refuse" else "ANNUL_AUTRE"
            prefixes = ("REGUL_", "CONTEST_") if outcome == "refuse" else ("ANNUL_",)
            code = str(body.get("code") or default)
            if not code.startswith(prefixes):
                raise ControlError(
                    400, f"code must start with {' or '.join(prefixes)} for {outcome}"
                )
            event["code"] = code
            if body.get("commentaire"):
                event["commentaire"] = str(body["commentaire"])
        else:
            then = body.get("then")
            if then not in (None, *lifecycle.THEN):
                raise ControlError(400, "then must be cancel or recover")
            if then:
                event["then"] = then
            if body.get("transfer"):
                event["transfer"] = True
        with self.store.lock:
            current = self._info(row)["statut"]["code"]
            if current in lifecycle.FINAL:
                raise ControlError(
                    409, f"payment request already in final status {current}"
                )
            self.store.add_event(row["id_demande"], outcome, self.clock.now(), event)
        return self._control_view(row)


# --- helpers ------------------------------------------------------------------------


def _count_items(operation, raw):
    """Items of a call answered without processing (for the call log)."""
    if operation in ("register", "status"):
        return 1
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        return 0
    if operation == "submit" and isinstance(body, list):
        return len(body)
    if operation == "search" and isinstance(body, dict):
        return sum(
            len(body.get(key) or [])
            for key in ("idDemandePaiements", "numFactureTiers")
            if isinstance(body.get(key) or [], list)
        )
    return 0


def _seconds(value):
    return timedelta(seconds=float(value))


def _too_many():
    return erreur(
        "ERR_NBRE_MAX_RESULTAT",
        "Nombre maximum de résultats dépassé : restreignez la recherche "
        f"(au plus {rules.MAX_IDS_PER_SEARCH} identifiants).",
    )


def _json_dumps(value):
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _json_loads(raw):
    return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)


def _read_body(handler):
    length = handler.headers.get("Content-Length")
    if not length:
        return b""
    try:
        return handler.rfile.read(int(length))
    except ValueError:
        return b""


def _parse_json(handler, raw):
    """``(body, None)`` or ``(None, Reply)`` for a JSON request body."""
    content_type = handler.headers.get("Content-Type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        return None, Reply(
            415,
            [
                erreur(
                    "ERREUR_VALIDATION",
                    "Type de contenu non supporté (application/json attendu)",
                    "Requête incorrecte",
                )
            ],
        )
    try:
        return _json_loads(raw), None
    except (ValueError, UnicodeDecodeError):
        return None, Reply(
            400,
            [
                erreur(
                    "ERREUR_VALIDATION",
                    "Corps de requête JSON invalide",
                    "Requête incorrecte",
                )
            ],
        )


def _basic_credentials(header):
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, client_secret = decoded.partition(":")
    if not sep:
        return None
    return urllib.parse.unquote(client_id), urllib.parse.unquote(client_secret)


def _drop(handler):
    """Close the connection without answering (the client sees it dropped)."""
    handler.close_connection = True
    try:
        handler.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        _logger.debug("connection already closed")
