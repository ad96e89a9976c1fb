#!/usr/bin/env bash
# Install Shuup 3.1.0 from PyPI, seed the "Brew Bench" demo shop (seed.py) and start it on
# 127.0.0.1. Prints the base URL on its last line. Not part of `make test`.
#
#   examples/shops/shuup/setup.sh          install if needed, (re)seed, start; prints the URL
#   examples/shops/shuup/setup.sh stop     stop the server this script started
#   examples/shops/shuup/setup.sh reset    stop, delete the database (fresh migrate next time)
#
# Environment: SHUUP_WORK (default /tmp/journeyaudit-shuup: venv, database, logs),
# SHUUP_PORT (default 8731, else a free port), SHUUP_SMTP_PORT (default 2526: where the shop
# delivers mail; audit.yaml starts journeyaudit's SMTP sink there), SHUUP_PYTHON (an
# interpreter 3.8 or 3.9; see README.md for why not 3.11).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${SHUUP_WORK:-/tmp/journeyaudit-shuup}
PORT=${SHUUP_PORT:-8731}
export SHUUP_SMTP_PORT=${SHUUP_SMTP_PORT:-2526}
export SHUUP_WORK="$WORK"
export SHUUP_WORKBENCH_BASE_DIR="$WORK/base"
export LOCAL_SETTINGS_FILE="$HERE/local_settings.py"
VENV="$WORK/venv"
PIDFILE="$WORK/server.pid"

stop() {
    if [[ -f "$PIDFILE" ]]; then
        kill "$(cat "$PIDFILE")" 2>/dev/null || true
        rm -f "$PIDFILE"
    fi
}

case "${1:-start}" in
    stop) stop; exit 0 ;;
    reset) stop; rm -rf "$WORK/shop.sqlite3" "$WORK/base" "$WORK/media"; exit 0 ;;
    start) ;;
    *) echo "usage: $0 [start|stop|reset]" >&2; exit 2 ;;
esac

mkdir -p "$WORK/base/var"

# Shuup 3.1.0 (Django 2.2, Jinja2 2.8, django-enumfields 2.0) does not import on Python >= 3.10.
find_python() {
    local c
    for c in "${SHUUP_PYTHON:-}" python3.9 python3.8 \
             "$HOME"/.pyenv/versions/3.9*/bin/python3 "$HOME"/.pyenv/versions/3.8*/bin/python3; do
        [[ -n "$c" ]] || continue
        if command -v "$c" >/dev/null 2>&1 &&
           "$c" -c 'import sys; sys.exit(not ((3, 8) <= sys.version_info[:2] <= (3, 9)))' 2>/dev/null; then
            command -v "$c"; return 0
        fi
    done
    return 1
}

if [[ ! -x "$VENV/bin/python" ]]; then
    PY=$(find_python) || { echo "setup.sh: Shuup 3.1 needs Python 3.8 or 3.9 (set SHUUP_PYTHON)" >&2; exit 3; }
    echo "creating $VENV with $PY" >&2
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'shuup==3.1.0'
    # Two pins Shuup 3.1.0's own requirements leave open or get wrong on Python 3.9:
    # markupsafe 2.1 dropped soft_unicode (Jinja2 2.8 imports it); django-enumfields 2.0.0
    # breaks on the enum module of Python >= 3.9.2 (2.1 fixed it).
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps 'markupsafe<2.0.2' 'django-enumfields==2.1.1'
fi

PY="$VENV/bin/python"
stop

if [[ ! -f "$WORK/shop.sqlite3" ]]; then
    echo "migrating the database (about 2 minutes)" >&2
    "$PY" -m shuup_workbench migrate -v0
    "$PY" -m shuup_workbench shuup_init >&2
fi
"$PY" "$HERE/seed.py" >&2

port_free() { "$PY" -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }
if ! port_free "$PORT"; then
    PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi

# --insecure: serve the static files although DEBUG is off (local_settings.py).
nohup "$PY" -m shuup_workbench runserver "127.0.0.1:$PORT" --noreload --insecure \
    > "$WORK/server.log" 2>&1 &
echo $! > "$PIDFILE"

URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 60); do
    if "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$URL/" 2>/dev/null; then
        echo "Shuup is up (pid $(cat "$PIDFILE"), log $WORK/server.log); mail goes to 127.0.0.1:$SHUUP_SMTP_PORT" >&2
        echo "$URL"
        exit 0
    fi
    sleep 1
done
echo "setup.sh: the shop did not answer at $URL; see $WORK/server.log" >&2
exit 1
