# shellcheck shell=bash
# Throw-away PostgreSQL cluster helpers, sourced by scripts/test and scripts/run.
#
#   pg_find_bindir            -> sets PG_BINDIR (initdb, pg_ctl, postgres) or returns 1
#   free_port [PREFERRED]     -> prints a free TCP port on 127.0.0.1
#   pg_start DATADIR [fast]   -> initdb (if DATADIR is empty) + start on 127.0.0.1:<free port>;
#                                sets PG_PORT, PG_SOCKDIR, PG_USER=odoo, PG_PASSWORD
#   pg_stop                   -> stop the cluster started by pg_start (idempotent)
#
# As root the cluster runs as the `postgres` OS user (initdb refuses root); the
# data directory and a private socket directory are handed over to that user.
# Odoo refuses to connect as `postgres`, so a superuser role `odoo` with a random
# password is created; Odoo connects over TCP with that password.

PG_BINDIR="${PG_BINDIR:-}"
PG_DATADIR=""
PG_SOCKDIR=""
PG_PORT=""
PG_USER="odoo"
PG_PASSWORD=""
PG_STARTED=0

pg_find_bindir() {
    local d cand
    if [ -n "$PG_BINDIR" ] && [ -x "$PG_BINDIR/initdb" ] && [ -x "$PG_BINDIR/pg_ctl" ]; then
        return 0
    fi
    PG_BINDIR=""
    cand=()
    if d="$(command -v initdb 2>/dev/null)"; then cand+=("$(dirname "$(readlink -f "$d")")"); fi
    if d="$(command -v pg_config 2>/dev/null)"; then cand+=("$(pg_config --bindir 2>/dev/null)"); fi
    # Debian/Ubuntu layout: server binaries are not on PATH. Newest version first.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -rn); do cand+=("$d"); done
    for d in "${cand[@]}"; do
        if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            PG_BINDIR="$d"
            return 0
        fi
    done
    return 1
}

# free_port [PREFERRED]: the preferred port when it is free, else a random free one.
free_port() {
    local py
    py="$(command -v python3 || command -v python || true)"
    if [ -n "$py" ]; then
        "$py" - "${1:-0}" <<'PY'
import socket, sys
pref = int(sys.argv[1])
def try_bind(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
        return s.getsockname()[1]
    except OSError:
        return None
    finally:
        s.close()
port = (pref and try_bind(pref)) or try_bind(0)
print(port)
PY
        return
    fi
    # No python: probe with bash's /dev/tcp.
    local p="${1:-0}"
    if [ "$p" = 0 ]; then p=$((20000 + RANDOM % 20000)); fi
    while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((20000 + RANDOM % 20000)); done
    echo "$p"
}

# Run a command as the cluster owner (postgres when we are root).
_pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            # su needs one command string: quote every argument.
            su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

_pg_random_password() {
    local pw
    pw="$(od -An -N16 -tx1 /dev/urandom 2>/dev/null | tr -d ' \n')"
    [ -n "$pw" ] || pw="pw$RANDOM$RANDOM$RANDOM$$"
    echo "$pw"
}

# pg_start DATADIR [fast]
#   DATADIR: created if missing; initdb'd if empty. "fast" turns fsync off
#   (throw-away test clusters).
pg_start() {
    local datadir="$1" mode="${2:-}" owner logf opts
    if ! pg_find_bindir; then
        echo "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found." >&2
        echo "Install them (Debian: apt-get install postgresql) or set PG_BINDIR." >&2
        return 1
    fi
    if [ "$(id -u)" = 0 ]; then
        if ! id postgres >/dev/null 2>&1; then
            echo "Running as root but there is no 'postgres' OS user to own the cluster." >&2
            return 1
        fi
        owner=postgres
    else
        owner="$(id -un)"
    fi
    mkdir -p "$datadir" || return 1
    datadir="$(cd "$datadir" && pwd)"
    PG_DATADIR="$datadir"
    PG_SOCKDIR="$(mktemp -d "${TMPDIR:-/tmp}/aici-pgsock.XXXXXX")" || return 1
    chmod 755 "$PG_SOCKDIR"
    if [ "$owner" != "$(id -un)" ]; then
        chown -R "$owner" "$datadir" "$PG_SOCKDIR" || return 1
        if ! _pg_as_owner test -w "$datadir"; then
            echo "The '$owner' OS user cannot write to $datadir (a parent directory is" >&2
            echo "not traversable by it). Move the repository or use a world-readable path." >&2
            return 1
        fi
    fi
    PG_PASSWORD="$(_pg_random_password)"
    if [ ! -f "$datadir/PG_VERSION" ]; then
        if ! _pg_as_owner "$PG_BINDIR/initdb" -D "$datadir" -U postgres -E UTF8 --no-locale \
                --auth-local=trust --auth-host=scram-sha-256 >"$datadir.initdb.log" 2>&1; then
            echo "initdb failed:" >&2
            tail -n 20 "$datadir.initdb.log" >&2
            return 1
        fi
        rm -f "$datadir.initdb.log"
    fi
    logf="$datadir/postgresql.log"
    if [ -f "$datadir/postmaster.pid" ]; then
        # Left over by a killed run: stop that postmaster (a stale file is harmless).
        _pg_as_owner "$PG_BINDIR/pg_ctl" -D "$datadir" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    opts="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_SOCKDIR"
    if [ "$mode" = fast ]; then
        opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    # The port is picked free just before the start; retry on the rare race.
    for _ in 1 2 3; do
        PG_PORT="$(free_port)"
        if _pg_as_owner "$PG_BINDIR/pg_ctl" -D "$datadir" -l "$logf" -w -t 60 \
                -o "$opts -p $PG_PORT" start >/dev/null 2>&1; then
            PG_STARTED=1
            break
        fi
        PG_PORT=""
    done
    if [ "$PG_STARTED" != 1 ]; then
        echo "PostgreSQL failed to start; its log:" >&2
        tail -n 30 "$logf" >&2 2>/dev/null
        return 1
    fi
    # (Re)create the `odoo` role with a fresh password (also on a kept cluster).
    # psql may live only on PATH (client package), not in the server bindir.
    local psql="$PG_BINDIR/psql"
    [ -x "$psql" ] || psql="$(command -v psql || echo psql)"
    if ! _pg_as_owner "$psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKDIR" -p "$PG_PORT" \
            -U postgres -d postgres >/dev/null 2>"$datadir.psql.err" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN SUPERUSER;
  END IF;
END \$\$;
ALTER ROLE $PG_USER WITH LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
SQL
    then
        echo "Could not create the '$PG_USER' role:" >&2
        cat "$datadir.psql.err" >&2
        rm -f "$datadir.psql.err"
        return 1
    fi
    rm -f "$datadir.psql.err"
    return 0
}

pg_stop() {
    if [ "$PG_STARTED" = 1 ] && [ -n "$PG_DATADIR" ]; then
        _pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DATADIR" -m fast -w -t 60 stop >/dev/null 2>&1 \
            || _pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DATADIR" -m immediate -w stop >/dev/null 2>&1 \
            || true
        PG_STARTED=0
    fi
    if [ -n "$PG_SOCKDIR" ] && [ -d "$PG_SOCKDIR" ]; then
        rm -rf "$PG_SOCKDIR"
    fi
    PG_SOCKDIR=""
}
