#!/usr/bin/env bash
# The shop's settings for the corpus, made through Vendure's admin API (what its dashboard does):
# the "Standard Payment" method (dummy handler) settles at once, so that the order is placed
# (PaymentSettled) and the EmailPlugin's order confirmation goes out; the defect switches back to
# their resting state (the journeys that induce a defect switch it on through the same API).
# Idempotent; audit.yaml runs it as its setup, so every audit starts from the same shop.
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
# Defect switch 1: "Credit card", a second payment method whose handler declines (vendure-config.js),
# created disabled; journeys/payment-declined.yaml enables it.
METHODS=$(gql '{"query":"{paymentMethods{items{code}}}"}')
if [[ "$METHODS" != *'"credit-card"'* ]]; then
    gql '{"query":"mutation{createPaymentMethod(input:{code:\"credit-card\",enabled:false,handler:{code:\"declining-card-handler\",arguments:[]},translations:[{languageCode:en,name:\"Credit card\",description:\"Visa, Mastercard\"}]}){... on PaymentMethod{id code}}}"}'
fi
CARD=$(gql '{"query":"{paymentMethods{items{id code}}}"}' | python3 -c 'import json,sys; print(next(m["id"] for m in json.load(sys.stdin)["data"]["paymentMethods"]["items"] if m["code"] == "credit-card"))')
gql '{"query":"mutation{updatePaymentMethod(input:{id:\"'"$CARD"'\",enabled:false}){id code enabled}}"}'
# Defect switch 2: the Americas' standard tax rate differs from Europe's (the channel's default zone,
# whose rate the shop shows before an address is known); vendure-config.js taxes by the address.
gql '{"query":"mutation{updateTaxRate(input:{id:\"5\",value:30}){id name value}}"}'
