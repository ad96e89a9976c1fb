#!/usr/bin/env bash
# Best effort: make Xvfb (a virtual X display) available for the recorder's test
# (tests/e2e/test_record.py runs `journeyaudit record`, which opens a headed browser).
#
# Never fails: without Xvfb that test is skipped with a visible reason.
# Installs only when Xvfb is missing, we are root and apt-get is there;
# otherwise says why it did nothing.

main() {
    if command -v Xvfb >/dev/null 2>&1; then
        echo "ensure_xvfb: Xvfb is installed ($(command -v Xvfb))"
        return 0
    fi
    if [ "$(id -u)" != "0" ]; then
        echo "ensure_xvfb: Xvfb is not installed and we are not root: not installing it" \
             "(the recorder's test will be skipped; as root: apt-get install xvfb)"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "ensure_xvfb: Xvfb is not installed and there is no apt-get here: not installing it" \
             "(the recorder's test will be skipped)"
        return 0
    fi
    echo "ensure_xvfb: installing Xvfb with apt-get (for the recorder's test)"
    export DEBIAN_FRONTEND=noninteractive
    local log
    log=$(mktemp)
    if ! apt-get install -y -q --no-install-recommends xvfb >"$log" 2>&1; then
        # the package lists may be missing or stale on a fresh machine
        apt-get update -q >>"$log" 2>&1 || true
        apt-get install -y -q --no-install-recommends xvfb >>"$log" 2>&1 || true
    fi
    if command -v Xvfb >/dev/null 2>&1; then
        echo "ensure_xvfb: Xvfb installed"
    else
        echo "ensure_xvfb: could not install Xvfb (the recorder's test will be skipped):"
        tail -n 5 "$log" | sed 's/^/  /'
    fi
    rm -f "$log"
    return 0
}

main "$@" || true
exit 0
