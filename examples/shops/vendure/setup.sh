#!/usr/bin/env bash
# Install Vendure 3.7.3 (npm) and its Remix storefront starter (GitHub), load @vendure/create's
# demo catalogue, apply the corpus settings (seed.sh) and start both on 127.0.0.1. Prints the
# storefront's base URL on its last line. Not part of `make test`.
#
#   examples/shops/vendure/setup.sh          install if needed, (re)seed, start; prints the URL
#   examples/shops/vendure/setup.sh stop     stop the two servers this script started
#   examples/shops/vendure/setup.sh reset    stop, delete the database (fresh populate next time)
#
# Environment: VENDURE_CACHE (default ~/.cache/journeyaudit-shops/vendure), VENDURE_PORT (8741,
# the Vendure server), VENDURE_STOREFRONT_PORT (8742), VENDURE_SMTP_PORT (2527: where the
# EmailPlugin sends; audit.yaml starts journeyaudit's SMTP sink there), VENDURE_STOREFRONT_GIT
# (a git directory of vendure-ecommerce/storefront-remix-starter; default: clone it from GitHub,
# or the search tool's mirror when present). Node 18 or 20.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${VENDURE_CACHE:-$HOME/.cache/journeyaudit-shops/vendure}
export VENDURE_PORT=${VENDURE_PORT:-8741}
SF_PORT=${VENDURE_STOREFRONT_PORT:-8742}
export VENDURE_SMTP_PORT=${VENDURE_SMTP_PORT:-2527}
export VENDURE_WORK="$CACHE/server/work"
export VENDURE_STOREFRONT_URL="http://127.0.0.1:$SF_PORT"
export VENDURE_DISABLE_TELEMETRY=true
STOREFRONT_COMMIT=6ab0d09b2769006d61041ca785cd4e7fc136ced9   # the starter's HEAD on 2025-12-18

stop() {
    local f
    for f in "$CACHE/server.pid" "$CACHE/storefront.pid"; do
        [[ -f "$f" ]] && { kill "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; }
    done
    return 0
}

case "${1:-start}" in
    stop) stop; exit 0 ;;
    reset) stop; rm -rf "$VENDURE_WORK"; exit 0 ;;
    start) ;;
    *) echo "usage: $0 [start|stop|reset]" >&2; exit 2 ;;
esac
stop
mkdir -p "$CACHE/server" "$VENDURE_WORK"
cp "$HERE"/server/*.js "$CACHE/server/"

if [[ ! -d "$CACHE/server/node_modules/@vendure/core" ]]; then
    echo "installing Vendure from npm (about 2 minutes)" >&2
    (cd "$CACHE/server" && echo '{"name":"vendure-shop","private":true}' > package.json &&
     npm install --no-audit --no-fund @vendure/core@3.7.3 @vendure/email-plugin@3.7.3 \
        @vendure/asset-server-plugin@3.7.3 @vendure/create@3.7.3 sql.js >&2)
fi

SF="$CACHE/storefront"
if [[ ! -f "$SF/build/index.js" ]]; then
    rm -rf "$SF"; mkdir -p "$SF"
    GITDIR=${VENDURE_STOREFRONT_GIT:-}
    if [[ -z "$GITDIR" && -d /work/.mirror/vendure-ecommerce+storefront-remix-starter/repo ]]; then
        GITDIR=/work/.mirror/vendure-ecommerce+storefront-remix-starter/repo
    fi
    if [[ -z "$GITDIR" ]]; then
        git clone -q https://github.com/vendure-ecommerce/storefront-remix-starter "$CACHE/starter.git" --bare
        GITDIR="$CACHE/starter.git"
    fi
    git --git-dir="$GITDIR" archive "$STOREFRONT_COMMIT" 2>/dev/null | tar -x -C "$SF" ||
        git --git-dir="$GITDIR" archive HEAD | tar -x -C "$SF"
    # Build settings only (no template or code of the shop is changed):
    # - wrangler / workers types are for Cloudflare Pages and pull a native runtime; husky needs a git work tree;
    # - the routes are named in Remix v2's flat convention (checkout._index.tsx) but remix.config.js
    #   maps them with the v1 folder convention, which makes /checkout an empty page (its index
    #   route lands at /checkout/_index): the v2 default is used instead (the home page's
    #   index.tsx then answers at /index, "/" shows the layout only).
    (cd "$SF" && npm pkg delete devDependencies.wrangler devDependencies.@cloudflare/workers-types scripts.prepare &&
     python3 - <<'PY'
import re
p = "remix.config.js"; s = open(p).read()
open(p, "w").write(re.sub(r"  routes\(defineRoutes\) \{\n.*?\n  \},\n", "", s, flags=re.S))
PY
    )
    echo "installing the storefront's npm dependencies and building it (about 5 minutes)" >&2
    (cd "$SF" && npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps >&2 &&
     NODE_ENV=production npx remix build >&2)
fi

if [[ ! -f "$VENDURE_WORK/vendure.sqlite" ]]; then
    echo "populating the demo catalogue (about 2-3 minutes)" >&2
    (cd "$CACHE/server" && node populate.js > "$CACHE/populate.log" 2>&1)
fi

(cd "$CACHE/server"; nohup node index.js > "$CACHE/server.log" 2>&1 & echo $! > "$CACHE/server.pid")
(cd "$SF"; NODE_ENV=production HOST=127.0.0.1 PORT=$SF_PORT \
    VENDURE_API_URL="http://127.0.0.1:$VENDURE_PORT/shop-api" \
    nohup node node_modules/.bin/remix-serve build/index.js > "$CACHE/storefront.log" 2>&1 &
    echo $! > "$CACHE/storefront.pid")

up() { curl -s -o /dev/null --max-time 3 "$1"; }
for _ in $(seq 1 90); do
    if up "http://127.0.0.1:$VENDURE_PORT/health" && up "$VENDURE_STOREFRONT_URL/products/tripod"; then
        "$HERE/seed.sh" "http://127.0.0.1:$VENDURE_PORT" >&2
        echo "Vendure is up (server log $CACHE/server.log, storefront log $CACHE/storefront.log); mail goes to 127.0.0.1:$VENDURE_SMTP_PORT" >&2
        echo "$VENDURE_STOREFRONT_URL"
        exit 0
    fi
    sleep 2
done
echo "setup.sh: the shop did not answer; see $CACHE/server.log and $CACHE/storefront.log" >&2
exit 1
