#!/usr/bin/env bash
# Best effort: make PostgreSQL's server binaries available for the history tests
# (tests/e2e/test_history_postgres.py starts a throwaway server with them).
#
# Never fails: without PostgreSQL those tests are skipped with a visible reason.
# Installs only when initdb is missing, we are root and apt-get is there;
# otherwise says why it did nothing. It never starts a system-wide server.

have_initdb() {
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}

main() {
    if have_initdb; then
        echo "ensure_postgres: PostgreSQL is installed ($(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1 || command -v initdb))"
        return 0
    fi
    if [ "$(id -u)" != "0" ]; then
        echo "ensure_postgres: PostgreSQL is not installed and we are not root: not installing it" \
             "(the history tests on PostgreSQL will be skipped; as root: apt-get install postgresql)"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "ensure_postgres: PostgreSQL is not installed and there is no apt-get here: not installing it" \
             "(the history tests on PostgreSQL will be skipped)"
        return 0
    fi
    echo "ensure_postgres: installing PostgreSQL with apt-get (for the history tests)"
    export DEBIAN_FRONTEND=noninteractive
    # policy-rc.d 101: the package must not start a system-wide server; the tests start their own.
    local policy=/usr/sbin/policy-rc.d created_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
    fi
    local log
    log=$(mktemp)
    if ! apt-get install -y -q --no-install-recommends postgresql >"$log" 2>&1; then
        # the package lists may be missing or stale on a fresh machine
        apt-get update -q >>"$log" 2>&1 || true
        apt-get install -y -q --no-install-recommends postgresql >>"$log" 2>&1 || true
    fi
    [ -n "$created_policy" ] && rm -f "$policy"
    if have_initdb; then
        echo "ensure_postgres: PostgreSQL installed"
    else
        echo "ensure_postgres: could not install PostgreSQL (the history tests on PostgreSQL will be skipped):"
        tail -n 5 "$log" | sed 's/^/  /'
    fi
    rm -f "$log"
    return 0
}

main "$@" || true
exit 0
