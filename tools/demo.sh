#!/usr/bin/env bash
# `make demo`: a private pcscd with the virtual eUICC behind vpcd, the two commands a new user
# runs first, then a profile download from the local test SM-DP+. Nothing on the machine is
# touched: pcscd gets a private socket and port, the card works on a copy of
# vcard/default-state.json, and the download's PKI (CI, EUM, eUICC, SM-DP+ and TLS keys) is made
# afresh with OpenSSL in a temp dir (tests/smdp/make-test-pki.sh; nothing from ../shared), so the
# demo runs any number of times with the same result.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ESIMCTL_BUILD_DIR=$(cd "$BUILD" && pwd)
export ESIMCTL_BUILD_DIR
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/esimctl-demo.XXXXXX")
SMDP_PID=
trap '[ -z "$SMDP_PID" ] || kill "$SMDP_PID" 2>/dev/null; rm -rf "$DEMO"' EXIT
export DEMO_HOST=smdp.demo.example DEMO

# The card's own identity and a CI it trusts, and the SM-DP+'s, all from one fresh test PKI.
EID=$(jq -r .eid vcard/default-state.json)
tests/smdp/make-test-pki.sh "$DEMO/pki" "$EID" "$DEMO_HOST" >/dev/null
CI_KEY_ID=$(openssl x509 -in "$DEMO/pki/CERT_CI_ECDSA_NIST.pem" -noout -ext subjectKeyIdentifier |
  sed -n 's/^ *\([0-9A-F:]*\)$/\1/p' | tr -d ':')
jq --arg p "$DEMO/pki/" --arg ci "$CI_KEY_ID" '
    .credentials = {euiccKey: ($p + "SK_EUICC_ECDSA_NIST.pem"),
                    euiccCertificate: ($p + "CERT_EUICC_ECDSA_NIST.der"),
                    eumCertificate: ($p + "CERT_EUM_ECDSA_NIST.der")}
  | .trustedCiCertificates = [$p + "CERT_CI_ECDSA_NIST.der"]
  | .euiccInfo2.ciPKIdsForVerification += [$ci] | .euiccInfo2.ciPKIdsForSigning += [$ci]' \
  vcard/default-state.json >"$DEMO/card.json"
# One order: a profile the server makes, with the default card's icon.
jq -r '.profiles[0].icon' vcard/default-state.json | base64 -d >"$DEMO/icon.png"
cat >"$DEMO/orders.json" <<JSON
[{"matchingId": "DEMO-2026", "iccid": "8944001234567890128", "serviceProviderName": "Tailspin Mobile",
  "profileName": "Tailspin Travel", "profileClass": "operational", "iconPng": "icon.png"}]
JSON
"$ESIMCTL_BUILD_DIR/tests/test-smdp" --port 0 --address "$DEMO_HOST" --pki-dir "$DEMO/pki" \
  --cert "$DEMO/pki/CERT_DP_TLS.pem" --key "$DEMO/pki/SK_DP_TLS.pem" \
  --ci-cert "$DEMO/pki/CERT_CI_ECDSA_NIST.pem" --orders "$DEMO/orders.json" \
  --log "$DEMO/smdp.jsonl" --lifetime-s 300 >"$DEMO/smdp.out" 2>"$DEMO/smdp.err" &
SMDP_PID=$!
DEMO_PORT=
for _ in $(seq 200); do
  DEMO_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$DEMO/smdp.out")
  [ -n "$DEMO_PORT" ] && break
  sleep 0.025
done
[ -n "$DEMO_PORT" ] || { echo "test-smdp did not start: $(cat "$DEMO/smdp.err")" >&2; exit 1; }
export DEMO_PORT

tests/pcsc-rig.sh --state "$DEMO/card.json" -- bash -c '
  set -e
  esimctl() { "$ESIMCTL_BUILD_DIR/esimctl" --journal "$DEMO/journal.db" "$@"; }
  echo "\$ esimctl chip info"
  esimctl chip info
  echo
  echo "\$ esimctl profile list"
  esimctl profile list
  echo
  echo "\$ esimctl profile download '\''LPA:1\$$DEMO_HOST\$DEMO-2026'\'' --yes"
  echo "  (test SM-DP+ on 127.0.0.1:$DEMO_PORT: --ca-file DEMO-CI.pem --connect-to $DEMO_HOST:443:127.0.0.1:$DEMO_PORT)"
  esimctl --ca-file "$DEMO/pki/CERT_CI_ECDSA_NIST.pem" --connect-to "$DEMO_HOST:443:127.0.0.1:$DEMO_PORT" \
    profile download "LPA:1\$$DEMO_HOST\$DEMO-2026" --yes
  echo
  echo "\$ esimctl profile list"
  esimctl profile list
'
