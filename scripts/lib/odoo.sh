# shellcheck shell=bash
# Finding Odoo 18, sourced by scripts/test, scripts/run and .ci/run.
#
#   find_odoo  -> 0 and sets ODOO (launcher path) and ODOO_VERSION (e.g. 18.0-20250925),
#                 or 1 and sets SKIP_REASON (the details go to stderr).
#
# Odoo is looked up as $ODOO_BIN (a path or a command name) or else `odoo` (then
# `odoo-bin`) on PATH; it is never downloaded nor built. Its own add-ons (the
# `odoo/addons` directory of the odoo package) are always on its add-ons path;
# ODOO_ADDONS_PATH may add more (comma-separated), e.g. for a source checkout
# whose core add-ons live in a separate `addons/` directory.

ODOO=""
ODOO_VERSION=""
SKIP_REASON=""

find_odoo() {
    local cand="${ODOO_BIN:-}" out
    ODOO="" ODOO_VERSION="" SKIP_REASON=""
    if [ -n "$cand" ]; then
        ODOO="$(command -v "$cand" 2>/dev/null || true)"
        if [ -z "$ODOO" ] || [ ! -x "$ODOO" ]; then
            ODOO=""
            echo "ODOO_BIN=$cand: no such executable" >&2
            SKIP_REASON="Odoo 18 not found (set ODOO_BIN or put odoo on PATH)"
            return 1
        fi
    else
        ODOO="$(command -v odoo 2>/dev/null || command -v odoo-bin 2>/dev/null || true)"
        if [ -z "$ODOO" ]; then
            SKIP_REASON="Odoo 18 not found (set ODOO_BIN or put odoo on PATH)"
            return 1
        fi
    fi
    out="$(timeout 120 "$ODOO" --version 2>/dev/null | tail -n 1)"
    ODOO_VERSION="$(sed -n 's/^Odoo Server \([^ ]*\).*/\1/p' <<<"$out")"
    if [ -z "$ODOO_VERSION" ]; then
        SKIP_REASON="Odoo 18 not found ('$ODOO --version' failed: ${out:-no output})"
        return 1
    fi
    case "$ODOO_VERSION" in
        18.*|saas~18.*) return 0 ;;
        *)
            SKIP_REASON="Odoo 18 not found ($ODOO is Odoo $ODOO_VERSION)"
            return 1
            ;;
    esac
}
