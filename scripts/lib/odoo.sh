# shellcheck shell=bash
# Finding Odoo (or setting it up), sourced by scripts/test, scripts/run and .ci/run.
#
#   find_odoo  -> 0 and sets ODOO (launcher path) and ODOO_VERSION (e.g. 18.0-20250925),
#                 or 1 and sets SKIP_REASON (the details go to stderr).
#
# Odoo of series $ODOO_SERIES (default 18.0) is looked up, first found wins:
#   1. $ODOO_BIN (a path or a command name): used as it is, or refused;
#   2. `odoo` (then `odoo-bin`) on PATH, when it is of the right series;
#   3. set up by scripts/lib/odoo_bootstrap.py in a cache outside the repository,
#      reused by later runs (unless AICI_NO_BOOTSTRAP=1), from the first of:
#      $ODOO_ARCHIVE (a local .tar.gz/.tar.xz or an http(s) URL); an archive
#      `odoo-<series>-*.tar.xz` in the `shared/vendor/` folder beside the
#      repository (as on this project's development and CI machines, which reach
#      no other web site); Odoo's official nightly source archive.
# Odoo's own add-ons (the `odoo/addons` directory of the odoo package) are always on
# its add-ons path; ODOO_ADDONS_PATH may add more (comma-separated).

ODOO=""
ODOO_VERSION=""
SKIP_REASON=""
ODOO_SERIES="${ODOO_SERIES:-18.0}"
_ODOO_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# _odoo_version LAUNCHER -> prints the version ("18.0-20250925") or nothing.
_odoo_version() {
    timeout 120 "$1" --version 2>/dev/null | tail -n 1 | sed -n 's/^Odoo Server \([^ ]*\).*/\1/p'
}

# odoo_no_demo_args: the options that keep Odoo's demo data out of a new database
# (18.0 loads it unless told; 19.0 loads none unless --with-demo).
odoo_no_demo_args() {
    case "$ODOO_SERIES" in
        18.*) echo "--without-demo=all" ;;
        *) ;;
    esac
}

_odoo_of_series() {
    case "$1" in
        "$ODOO_SERIES"|"$ODOO_SERIES"[.-]*|saas~"$ODOO_SERIES"*) return 0 ;;
        *) return 1 ;;
    esac
}

find_odoo() {
    local cand="${ODOO_BIN:-}" version launcher
    ODOO="" ODOO_VERSION="" SKIP_REASON=""
    if [ -n "$cand" ]; then
        ODOO="$(command -v "$cand" 2>/dev/null || true)"
        if [ -z "$ODOO" ] || [ ! -x "$ODOO" ]; then
            echo "ODOO_BIN=$cand: no such executable" >&2
            ODOO="" SKIP_REASON="Odoo $ODOO_SERIES not found (ODOO_BIN=$cand)"
            return 1
        fi
        ODOO_VERSION="$(_odoo_version "$ODOO")"
        if ! _odoo_of_series "$ODOO_VERSION"; then
            SKIP_REASON="ODOO_BIN=$cand is not Odoo $ODOO_SERIES (${ODOO_VERSION:-'--version' failed})"
            ODOO=""
            return 1
        fi
        return 0
    fi
    cand="$(command -v odoo 2>/dev/null || command -v odoo-bin 2>/dev/null || true)"
    if [ -n "$cand" ]; then
        version="$(_odoo_version "$cand")"
        if _odoo_of_series "$version"; then
            ODOO="$cand" ODOO_VERSION="$version"
            return 0
        fi
        echo "$cand is not Odoo $ODOO_SERIES (${version:-'--version' failed}): not used." >&2
    fi
    if [ "${AICI_NO_BOOTSTRAP:-0}" = 1 ]; then
        SKIP_REASON="Odoo $ODOO_SERIES not found (set ODOO_BIN, put odoo on PATH, or unset AICI_NO_BOOTSTRAP)"
        return 1
    fi
    local py archive
    if [ -z "${ODOO_ARCHIVE:-}" ]; then
        for archive in "$_ODOO_LIB_DIR"/../../../shared/vendor/odoo-"$ODOO_SERIES"-*.tar.*; do
            if [ -f "$archive" ]; then
                ODOO_ARCHIVE="$(cd "$(dirname "$archive")" && pwd)/$(basename "$archive")"
                export ODOO_ARCHIVE
                echo "Odoo source archive: $ODOO_ARCHIVE" >&2
                break
            fi
        done
    fi
    py="$(command -v python3 || true)"
    if [ -z "$py" ]; then
        SKIP_REASON="python3 not found: cannot set Odoo $ODOO_SERIES up"
        return 1
    fi
    if ! launcher="$("$py" "$_ODOO_LIB_DIR/odoo_bootstrap.py" --series "$ODOO_SERIES" | tail -n 1)" \
            || [ ! -x "$launcher" ]; then
        SKIP_REASON="Odoo $ODOO_SERIES could not be set up (see the message above)"
        return 1
    fi
    ODOO="$launcher"
    ODOO_VERSION="$(_odoo_version "$ODOO")"
    if ! _odoo_of_series "$ODOO_VERSION"; then
        SKIP_REASON="the Odoo set up in $(dirname "$(dirname "$ODOO")") does not start (${ODOO_VERSION:-'--version' failed})"
        ODOO=""
        return 1
    fi
    return 0
}
