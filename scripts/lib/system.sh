# shellcheck shell=bash
# System packages the scripts need, sourced by scripts/test, scripts/run and .ci/run
# (after scripts/lib/pg.sh).
#
#   ensure_system_packages test|run|lint  -> 0 when everything is there (installing what
#       is missing with apt-get when running as root), else 1 after printing the
#       exact command to run.
#
# What is checked:
#   python3 with venv and ensurepip             python3-venv
#   PostgreSQL server binaries (initdb, pg_ctl)   postgresql
#   wkhtmltopdf (PDF reports)                      wkhtmltopdf
#   a C compiler and Python's headers, to build
#   the few Odoo requirements that ship no wheel  build-essential python3-dev
#   Chromium (browser tours), for tests only      chromium
#   pdftotext (PDF text checks), for tests only   poppler-utils

_python_headers_present() {
    python3 -c 'import os, sysconfig, sys
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)' \
        >/dev/null 2>&1
}

_chromium_present() {
    local b
    for b in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$b" >/dev/null 2>&1 && return 0
    done
    return 1
}

# missing_system_packages test|run|lint -> prints the Debian packages to install
# (lint: Python only).
missing_system_packages() {
    local mode="$1" need=()
    if ! command -v python3 >/dev/null 2>&1; then
        need+=(python3 python3-venv)
    elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        need+=(python3-venv)
    fi
    if [ "$mode" = lint ]; then
        echo "${need[*]}"
        return
    fi
    pg_find_bindir || need+=(postgresql)
    command -v wkhtmltopdf >/dev/null 2>&1 || need+=(wkhtmltopdf)
    if ! command -v cc >/dev/null 2>&1 || ! _python_headers_present; then
        need+=(build-essential python3-dev)
    fi
    if [ "$mode" = test ] && ! _chromium_present; then
        need+=(chromium)
    fi
    if [ "$mode" = test ] && ! command -v pdftotext >/dev/null 2>&1; then
        need+=(poppler-utils)
    fi
    echo "${need[*]}"
}

ensure_system_packages() {
    local missing
    missing="$(missing_system_packages "$1")"
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "Missing system packages: $missing" >&2
        echo "Install them, then run the command again:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
        return 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "Missing system packages: $missing (and no apt-get to install them)." >&2
        return 1
    fi
    echo "Installing system packages: $missing" >&2
    # shellcheck disable=SC2086  # one word per package
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                $missing >/dev/null; }; then
        echo "apt-get could not install: $missing" >&2
        return 1
    fi
    missing="$(missing_system_packages "$1")"
    if [ -n "$missing" ]; then
        echo "Still missing after apt-get: $missing" >&2
        return 1
    fi
    return 0
}
