#!/usr/bin/env bash
# The shop's settings for the corpus, made through Vendure's admin API (what its dashboard does):
# the "Standard Payment" method (dummy handler) settles at once, so that the order is placed
# (PaymentSettled) and the EmailPlugin's order confirmation goes out. Idempotent.
#   seed.sh http://127.0.0.1:8741
set -euo pipefail
API="$1/admin-api"
TOKEN=$(curl -s -D - -o /dev/null "$API" -H 'content-type: application/json' \
    -d '{"query":"mutation{login(username:\"superadmin\",password:\"superadmin\"){__typename}}"}' |
    tr -d '\r' | awk -F': ' 'tolower($1)=="vendure-auth-token"{print $2}')
[[ -n "$TOKEN" ]] || { echo "seed.sh: admin login failed" >&2; exit 1; }
gql() { curl -s "$API" -H 'content-type: application/json' -H "Authorization: Bearer $TOKEN" -d "$1"; echo; }
gql '{"query":"mutation{updatePaymentMethod(input:{id:\"1\",handler:{code:\"dummy-payment-handler\",arguments:[{name:\"automaticSettle\",value:\"true\"}]}}){id code}}"}'
gql '{"query":"mutation{updateProductVariants(input:[{id:\"38\",stockOnHand:100,trackInventory:TRUE}]){id stockOnHand}}"}'   # the Tent: stock-out.yaml takes it to 0 mid-journey
