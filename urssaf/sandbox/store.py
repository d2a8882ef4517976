"""SQLite persistence of the sandbox.

One connection shared by all request threads (``check_same_thread=False``) and
guarded by a re-entrant lock; every write commits immediately so that a restart
with the same database file loses nothing. Dates are stored as ISO 8601 UTC text.
"""

import json
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS particuliers (
    id_client TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    nom_naissance TEXT NOT NULL,
    nom_usage TEXT,
    prenoms TEXT NOT NULL,
    date_naissance TEXT NOT NULL,
    adresse_mail TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    activated_at TEXT,
    status_override TEXT
);
CREATE TABLE IF NOT EXISTS demandes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id_demande TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    num_facture TEXT NOT NULL,
    id_client TEXT NOT NULL,
    date_facture TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (client_id, num_facture)
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id_demande TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_demande ON events (id_demande);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    expires_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS calls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    operation TEXT NOT NULL,
    status INTEGER NOT NULL,
    items INTEGER NOT NULL,
    at TEXT NOT NULL,
    fault TEXT
);
"""

_DATA_TABLES = ("particuliers", "demandes", "events", "calls")


def to_iso(moment):
    """UTC ISO 8601 text with a ``Z`` suffix (microseconds dropped)."""
    moment = moment.astimezone(timezone.utc).replace(microsecond=0, tzinfo=None)
    return moment.isoformat() + "Z"


def from_iso(text):
    """Parse an ISO 8601 date-time; naive values are taken as UTC."""
    if text is None:
        return None
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class Store:
    """All sandbox state: particuliers, payment requests, events, tokens, calls."""

    def __init__(self, path=":memory:"):
        self.path = str(path)
        self.lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        with self.lock:
            if self.path != ":memory:":
                # Durable across process restarts, without an fsync per write.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            self._db.commit()

    def close(self):
        with self.lock:
            self._db.close()

    @contextmanager
    def transaction(self):
        """Serialise a read-check-write sequence and commit it atomically."""
        with self.lock:
            try:
                yield self._db
            except BaseException:
                self._db.rollback()
                raise
            self._db.commit()

    def _one(self, sql, params=()):
        with self.lock:
            return self._db.execute(sql, params).fetchone()

    def _all(self, sql, params=()):
        with self.lock:
            return self._db.execute(sql, params).fetchall()

    # --- meta ---
    def get_meta(self, key, default=None):
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return row["value"] if row else default

    def set_meta(self, key, value):
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, str(value)),
            )

    def next_sequence(self, key, start):
        """Increment and return a persistent counter (kept across resets)."""
        with self.transaction():
            value = int(self.get_meta(key, start)) + 1
            self.set_meta(key, value)
        return value

    def reset(self):
        """Delete all business data, the call log and the clock offset."""
        with self.transaction() as db:
            for table in _DATA_TABLES:
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM meta WHERE key = 'clock_offset'")

    # --- tokens ---
    def add_token(self, client_id, expires_at):
        token = uuid.uuid4().hex + uuid.uuid4().hex
        with self.transaction() as db:
            db.execute(
                "INSERT INTO tokens (token, client_id, expires_at) VALUES (?, ?, ?)",
                (token, client_id, expires_at),
            )
        return token

    def get_token(self, token):
        return self._one("SELECT * FROM tokens WHERE token = ?", (token,))

    def revoke_tokens(self):
        with self.transaction() as db:
            db.execute("UPDATE tokens SET revoked = 1")

    # --- particuliers ---
    def add_particulier(self, client_id, body, created_at, activated_at=None):
        id_client = str(uuid.uuid4())
        with self.transaction() as db:
            db.execute(
                "INSERT INTO particuliers (id_client, client_id, nom_naissance, "
                "nom_usage, prenoms, date_naissance, adresse_mail, body, created_at, "
                "activated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    id_client,
                    client_id,
                    body["nomNaissance"],
                    body.get("nomUsage"),
                    body["prenoms"],
                    body["dateNaissance"][:10],
                    body.get("adresseMail"),
                    json.dumps(body, ensure_ascii=False),
                    to_iso(created_at),
                    to_iso(activated_at) if activated_at else None,
                ),
            )
        return id_client

    def get_particulier(self, id_client, client_id=None):
        row = self._one(
            "SELECT * FROM particuliers WHERE id_client = ?", (str(id_client),)
        )
        if row is None or (client_id is not None and row["client_id"] != client_id):
            return None
        return row

    def find_particulier_by_mail(self, client_id, adresse_mail):
        return self._one(
            "SELECT * FROM particuliers WHERE client_id = ? "
            "AND lower(adresse_mail) = lower(?) ORDER BY created_at LIMIT 1",
            (client_id, adresse_mail),
        )

    def particuliers(self, client_id=None):
        if client_id is None:
            return self._all("SELECT * FROM particuliers ORDER BY created_at")
        return self._all(
            "SELECT * FROM particuliers WHERE client_id = ? ORDER BY created_at",
            (client_id,),
        )

    def update_particulier(self, id_client, **values):
        allowed = {"activated_at", "status_override"}
        if not values or set(values) - allowed:
            raise ValueError(f"Cannot update {sorted(values)}")
        columns = ", ".join(f"{name} = ?" for name in values)
        params = [
            to_iso(value) if isinstance(value, datetime) else value
            for value in values.values()
        ]
        with self.transaction() as db:
            db.execute(
                f"UPDATE particuliers SET {columns} WHERE id_client = ?",
                (*params, id_client),
            )

    # --- payment requests ---
    def add_demande(self, id_demande, client_id, body, created_at):
        with self.transaction() as db:
            db.execute(
                "INSERT INTO demandes (id_demande, client_id, num_facture, id_client, "
                "date_facture, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    id_demande,
                    client_id,
                    body["numFactureTiers"],
                    body["idClient"],
                    body["dateFacture"][:10],
                    json.dumps(body, ensure_ascii=False),
                    to_iso(created_at),
                ),
            )

    def invoice_numbers(self, client_id, among=None):
        """Invoice numbers already used by this provider (only those ``among``
        the given ones when given: a lookup by index, not a full scan)."""
        if among is None:
            rows = self._all(
                "SELECT num_facture FROM demandes WHERE client_id = ?", (client_id,)
            )
        else:
            among = list(among)
            rows = self._all(
                "SELECT num_facture FROM demandes WHERE client_id = ? "
                f"AND num_facture IN ({', '.join('?' * len(among))})",
                (client_id, *among),
            )
        return {row["num_facture"] for row in rows}

    def get_demande(self, key, client_id=None):
        """A payment request by Urssaf id, or else by invoice number."""
        row = self._one("SELECT * FROM demandes WHERE id_demande = ?", (str(key),))
        if row is None:
            row = self._one(
                "SELECT * FROM demandes WHERE num_facture = ? ORDER BY seq LIMIT 1",
                (str(key),),
            )
        if row is None or (client_id is not None and row["client_id"] != client_id):
            return None
        return row

    def demandes_matching(self, client_id, ids, numbers):
        """This provider's requests with one of these ids or invoice numbers."""
        ids, numbers = [str(i) for i in ids], [str(n) for n in numbers]
        return self._all(
            "SELECT * FROM demandes WHERE client_id = ? AND "
            f"(id_demande IN ({', '.join('?' * len(ids))}) "
            f"OR num_facture IN ({', '.join('?' * len(numbers))})) ORDER BY seq",
            (client_id, *ids, *numbers),
        )

    def demandes(self, client_id=None):
        if client_id is None:
            return self._all("SELECT * FROM demandes ORDER BY seq")
        return self._all(
            "SELECT * FROM demandes WHERE client_id = ? ORDER BY seq", (client_id,)
        )

    def add_event(self, id_demande, kind, at, data):
        with self.transaction() as db:
            db.execute(
                "INSERT INTO events (id_demande, kind, at, data) VALUES (?, ?, ?, ?)",
                (id_demande, kind, to_iso(at), json.dumps(data, ensure_ascii=False)),
            )

    def events(self, id_demande):
        rows = self._all(
            "SELECT * FROM events WHERE id_demande = ? ORDER BY seq", (id_demande,)
        )
        return [
            {"kind": row["kind"], "at": from_iso(row["at"]), **json.loads(row["data"])}
            for row in rows
        ]

    # --- call log ---
    def log_call(self, operation, status, items, at, fault=None):
        with self.transaction() as db:
            db.execute(
                "INSERT INTO calls (operation, status, items, at, fault) "
                "VALUES (?, ?, ?, ?, ?)",
                (operation, status, items, to_iso(at), fault),
            )

    def calls(self):
        rows = self._all("SELECT * FROM calls ORDER BY seq")
        result = []
        for row in rows:
            call = {
                "operation": row["operation"],
                "status": row["status"],
                "items": row["items"],
                "at": row["at"],
            }
            if row["fault"]:
                call["fault"] = row["fault"]
            result.append(call)
        return result

    def clear_calls(self):
        with self.transaction() as db:
            db.execute("DELETE FROM calls")
