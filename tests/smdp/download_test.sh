#!/bin/bash
# End-to-end test of test-smdp's download side with smdp-fake-euicc (LPA + eUICC in one
# process, SGP.26 eUICC credentials): TS.48 packages and made profiles download and open to the
# exact package, orders change state in the log, and every order rule and failure mode fails
# the way a client sees it (Failed codes, bad signatures, wrong transactionId, bad MACs, HTTP
# failures per function). Everything runs on 127.0.0.1 in a temp dir; servers are bounded.
set -euo pipefail

BUILD=${ESIMCTL_BUILD_DIR:?set ESIMCTL_BUILD_DIR}
SRC=${ESIMCTL_SOURCE_DIR:?set ESIMCTL_SOURCE_DIR}
SHARED=${ESIMCTL_SHARED_DIR:-$SRC/../shared}
PKI=$SHARED/sgp26
TS48=$SHARED/ts48
SMDP=$BUILD/tests/test-smdp
FAKE=$BUILD/tests/smdp-fake-euicc
EID=89049032123451234512345678901235

command -v jq >/dev/null || { echo "FAIL: jq not installed (tools/install-deps.sh)"; exit 1; }
for f in "$SMDP" "$FAKE"; do [ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; }; done
[ -f "$PKI/CERT_S_SM_DPauth_ECDSA_NIST.der" ] || { echo "FAIL: no SGP.26 PKI in $PKI"; exit 1; }
[ -f "$TS48/TS48V1-A-UNIQUE.der" ] || { echo "FAIL: no TS.48 packages in $TS48"; exit 1; }

TMP=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

fails=0
pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }

# Orders: a made profile with an icon and test class, an EID-bound one (ours and another EID),
# one with a confirmation code, an expired one.
printf '\x89PNG\r\n\x1a\n0000' >"$TMP/icon.png"
cat >"$TMP/orders.json" <<JSON
[
  {"matchingId": "MADE-1", "iccid": "8999010010000009990", "serviceProviderName": "Test SP",
   "profileName": "Made one", "profileClass": "test", "iconPng": "icon.png"},
  {"matchingId": "BOUND-OK", "iccid": "8999010010000009991", "eid": "$EID"},
  {"matchingId": "BOUND-OTHER", "iccid": "8999010010000009992", "eid": "89049032123451234512345678909999"},
  {"matchingId": "CC", "iccid": "8999010010000009993", "confirmationCode": "4711"},
  {"matchingId": "CC2", "iccid": "8999010010000009994", "confirmationCode": "4711"},
  {"matchingId": "OLD", "iccid": "8999010010000009995", "state": "expired"},
  {"matchingId": "CANCEL", "iccid": "8999010010000009996"},
  {"matchingId": "LATER", "iccid": "8999010010000009997"},
  {"matchingId": "BROKEN", "iccid": "8999010010000009998"},
  {"matchingId": "SIG", "iccid": "8999010010000009989"}
]
JSON

# start_server [test-smdp options]: sets SERVER_PID and PORT; log in $TMP/log.jsonl.
start_server() {
  : >"$TMP/out"
  : >"$TMP/log.jsonl"
  "$SMDP" --port 0 --cert "$PKI/CERT_DP_TLS.pem" --key "$PKI/SK_DP_TLS.pem" --ci-cert "$PKI/CERT_CI_ECDSA_NIST.pem" \
    --pki-dir "$PKI" --upp-dir "$TS48" --orders "$TMP/orders.json" --log "$TMP/log.jsonl" --lifetime-s 60 "$@" \
    >"$TMP/out" 2>>"$TMP/err" &
  SERVER_PID=$!
  PORT=
  for _ in $(seq 200); do
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/out")
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.025
  done
  [ -n "$PORT" ] || { tail -5 "$TMP/err"; echo "FAIL - server did not start"; exit 1; }
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# fake MATCHING-ID [options]: runs the fake eUICC; sets OUT (its JSON) and RC.
fake() {
  local id=$1; shift
  RC=0
  OUT=$("$FAKE" --port "$PORT" --ca-file "$PKI/CERT_CI_ECDSA_NIST.pem" --euicc-key "$PKI/SK_EUICC_ECDSA_NIST.pem" \
    --euicc-cert "$PKI/CERT_EUICC_ECDSA_NIST.der" --eum-cert "$PKI/CERT_EUM_ECDSA_NIST.der" \
    --ci-cert "$PKI/CERT_CI_ECDSA_NIST.pem" --matching-id "$id" "$@" 2>"$TMP/fake-err") || RC=$?
}
# expect_failed RC STEP SUBJECT REASON LABEL: the fake stopped with a Failed answer at STEP.
expect_failed() {
  if [ "$RC" = 3 ] && jq -e --arg s "$2" --arg sc "$3" --arg rc "$4" \
       '.step == $s and .subjectCode == $sc and .reasonCode == $rc' <<<"$OUT" >/dev/null; then
    pass "$5 -> Failed $3/$4 at $2"
  else
    fail "$5: rc $RC $OUT"
  fi
}
# expect_check STEP CHECK LABEL: the fake's card-side check CHECK failed at STEP.
expect_check() {
  if [ "$RC" = 4 ] && jq -e --arg s "$1" --arg c "$2" '.step == $s and .check == $c' <<<"$OUT" >/dev/null; then
    pass "$3 -> the card refuses ($2 at $1)"
  else
    fail "$3: rc $RC $OUT"
  fi
}
# order_state ID: the last state the log gives the order.
order_state() {
  jq -rs --arg m "$1" '[.[] | select(.event == "order" and .matchingId == $m)] | last | .state' "$TMP/log.jsonl"
}

# ---- A well-behaved server: downloads, order rules.
start_server
for id in TS48V1-A-UNIQUE TS48V2-SAIP2-1-BERTLV-UNIQUE; do
  fake "$id" --expect-package "$TS48/$id.der"
  if [ "$RC" = 0 ] && jq -e '.result == "installed" and .packageMatches and .replaceSessionKeys and .notified' <<<"$OUT" >/dev/null; then
    pass "$id downloads; the opened package equals the file ($(jq -r '.segments86' <<<"$OUT") x 86)"
  else
    fail "$id: rc $RC $OUT $(cat "$TMP/fake-err")"
  fi
  [ "$(order_state "$id")" = installed ] && pass "$id: log shows the order installed" || fail "$id state $(order_state "$id")"
done
if jq -se '[.[] | select(.event == "order" and .matchingId == "TS48V1-A-UNIQUE") | .state] == ["released", "downloaded", "installed"]' "$TMP/log.jsonl" >/dev/null \
   && jq -se '[.[] | select(.function == "getBoundProfilePackage")] | all(.segments == null and (.reason | test("segments")))' "$TMP/log.jsonl" >/dev/null; then
  pass "log: released -> downloaded -> installed, one line per state"
else
  fail "order lines: $(grep '"order"' "$TMP/log.jsonl")"
fi
# Every segment at most 1020 bytes (the fake refuses larger ones), max size reached by full 86s.
fake MADE-1
if [ "$RC" = 0 ] && jq -e '.iccid == "8999010010000009990" and .segments86 == 1' <<<"$OUT" >/dev/null \
   && jq -re .profileMetadata <<<"$OUT" | grep -q '^BF25..5A0A989910000100009099F0910754657374205350.*930101940C89504E47.*950100$'; then
  pass "made order: a package with its ICCID; metadata with names, PNG icon and test class"
else
  fail "MADE-1: rc $RC $OUT"
fi
fake MADE-1
expect_failed 3 authenticateClient 8.2.6 3.8 "the same order again (installed)"
fake NO-SUCH-ORDER
expect_failed 3 authenticateClient 8.2.6 3.8 "unknown matching ID"
fake BOUND-OTHER
expect_failed 3 authenticateClient 8.1.1 3.8 "order bound to another EID"
fake BOUND-OK
[ "$RC" = 0 ] && pass "order bound to this EID downloads" || fail "BOUND-OK: rc $RC $OUT"
fake OLD
expect_failed 3 authenticateClient 8.8.5 4.10 "expired order"
fake CC
expect_failed 3 getBoundProfilePackage 8.2.7 2.2 "confirmation code required, none sent"
fake CC --confirmation-code 0000 --cancel-on-failed --cancel-reason 127
expect_failed 3 getBoundProfilePackage 8.2.7 3.8 "wrong confirmation code"
[ "$(order_state CC)" = released ] && jq -e '.cancelled == true' <<<"$OUT" >/dev/null \
  && jq -se 'any(.[]; .function == "cancelSession" and (.reason | test("order kept")))' "$TMP/log.jsonl" >/dev/null \
  && pass "the LPA's cancel after a refused code leaves the order released" || fail "CC after cancel: $(order_state CC) $OUT"
fake CC --confirmation-code 4711
[ "$RC" = 0 ] && jq -e '.ccRequired == true' <<<"$OUT" >/dev/null && pass "ccRequiredFlag set; the right confirmation code downloads" || fail "CC right: rc $RC $OUT"
grep -q 4711 "$TMP/log.jsonl" && fail "the confirmation code appears in the log" || pass "the confirmation code is not logged"
fake CANCEL --cancel-after authenticateClient --cancel-reason 0
if [ "$RC" = 0 ] && [ "$(order_state CANCEL)" = cancelled ] \
   && jq -se '[.[] | select(.event == "order" and .matchingId == "CANCEL")] | last | .reason == "endUserRejection (0)"' "$TMP/log.jsonl" >/dev/null; then
  pass "cancelSession endUserRejection: order cancelled with its reason"
else
  fail "CANCEL: rc $RC $OUT state $(order_state CANCEL)"
fi
fake CANCEL
expect_failed 3 authenticateClient 8.2.6 3.8 "a cancelled order is not served again"
fake LATER --cancel-after getBoundProfilePackage --cancel-reason 1
[ "$RC" = 0 ] && [ "$(order_state LATER)" = released ] && pass "cancelSession postponed after the BPP: order released again" \
  || fail "LATER: rc $RC state $(order_state LATER)"
fake LATER
[ "$RC" = 0 ] && [ "$(order_state LATER)" = installed ] && pass "the postponed order downloads later" || fail "LATER again: rc $RC $OUT"
fake BROKEN --install-error 5:9
if [ "$RC" = 0 ] && [ "$(order_state BROKEN)" = install-failed ] \
   && jq -se '[.[] | select(.event == "order" and .matchingId == "BROKEN")] | last | .reason | test("errorReason 9 .installFailedDueToIccidAlreadyExistsOnEuicc")' "$TMP/log.jsonl" >/dev/null; then
  pass "install notification with an error: order install-failed with bppCommandId/errorReason"
else
  fail "BROKEN: rc $RC state $(order_state BROKEN)"
fi
fake SIG --corrupt euiccSignature1
expect_failed 3 authenticateClient 8.1 6.1 "corrupted euiccSignature1"
fake SIG --corrupt euiccSignature2
expect_failed 3 getBoundProfilePackage 8.1 6.1 "corrupted euiccSignature2"
fake SIG --address testsmdpplus2.example.com
expect_failed 3 initiateAuthentication 8.8.1 3.8 "another SM-DP+ address"
fake SIG --address "TestSMDPplus1.example.com:$PORT" --cancel-after getBoundProfilePackage --cancel-reason 5
[ "$RC" = 0 ] && pass "the address with another case and a :PORT is accepted (and signed back as sent)" || fail "address:port: rc $RC $OUT"
[ "$(order_state SIG)" = cancelled ] && pass "cancelSession loadBppExecutionError after the BPP: order cancelled" || fail "SIG state $(order_state SIG)"
# Malformed requests over plain curl: 400 for a body that is not what the function takes, a
# Failed 8.10.1/3.9 for an unknown transaction, 404 for an unknown function; the protocol
# version is echoed.
post() {  # FUNCTION BODY: prints the HTTP code; the answer is in $TMP/resp, headers in $TMP/hdr
  curl -sS -o "$TMP/resp" -D "$TMP/hdr" -w '%{http_code}' --max-time 10 \
    --resolve "testsmdpplus1.example.com:$PORT:127.0.0.1" --cacert "$PKI/CERT_CI_ECDSA_NIST.pem" \
    -H 'Content-Type: application/json;charset=UTF-8' -H 'X-Admin-Protocol: gsma/rsp/v2.1.0' \
    --data-binary "$2" "https://testsmdpplus1.example.com:$PORT/gsma/rsp2/es9plus/$1" 2>/dev/null || true
}
if command -v curl >/dev/null; then
  code=$(post authenticateClient '{"transactionId":"0102","authenticateServerResponse":"vzgA"}')
  [ "$code" = 200 ] && jq -e '.header.functionExecutionStatus | .status == "Failed" and .statusCodeData.subjectCode == "8.10.1" and .statusCodeData.reasonCode == "3.9"' "$TMP/resp" >/dev/null \
    && grep -qi '^X-Admin-Protocol: gsma/rsp/v2.1.0' "$TMP/hdr" && grep -qi '^Content-Type: application/json' "$TMP/hdr" \
    && pass "unknown transactionId -> 200 Failed 8.10.1/3.9, X-Admin-Protocol echoed" || fail "unknown tid: $code $(cat "$TMP/resp")"
  code=$(post initiateAuthentication 'not json')
  [ "$code" = 400 ] && pass "a body that is not JSON -> 400" || fail "not json: $code"
  code=$(post initiateAuthentication '{"smdpAddress":"testsmdpplus1.example.com","euiccChallenge":"AAAA","euiccInfo1":"vyAA"}')
  [ "$code" = 400 ] && grep -q '16 bytes' "$TMP/resp" && pass "a short euiccChallenge -> 400" || fail "short challenge: $code $(cat "$TMP/resp")"
  code=$(post getBoundProfilePackage '{"transactionId":"XYZ","prepareDownloadResponse":"vyEA"}')
  [ "$code" = 400 ] && grep -q transactionId "$TMP/resp" && pass "a transactionId that is not hex -> 400" || fail "bad tid: $code"
  code=$(post downloadOrder '{}')
  [ "$code" = 404 ] && pass "an unknown ES9+ function -> 404" || fail "unknown function: $code"
else
  fail "curl not installed (tools/install-deps.sh)"
fi
stop_server

# ---- Without ReplaceSessionKeys.
start_server --no-replace-session-keys
fake TS48V1-A-UNIQUE --expect-package "$TS48/TS48V1-A-UNIQUE.der"
[ "$RC" = 0 ] && jq -e '.replaceSessionKeys == false and .packageMatches' <<<"$OUT" >/dev/null \
  && pass "--no-replace-session-keys: no A2, the package still opens" || fail "no-rsk: rc $RC $OUT"
stop_server

# ---- Failure modes.
start_server --fail failed:8.2.1/3.7 --fail-function getBoundProfilePackage
fake MADE-1
expect_failed 3 getBoundProfilePackage 8.2.1 3.7 "--fail failed:8.2.1/3.7 --fail-function getBoundProfilePackage"
[ "$(order_state MADE-1)" = released ] && pass "an injected Failed leaves the order released" || fail "state $(order_state MADE-1)"
stop_server
start_server --fail failed:8.8/4.2
fake MADE-1
expect_failed 3 initiateAuthentication 8.8 4.2 "--fail failed:S/R without --fail-function hits the first call"
stop_server
for f in initiateAuthentication:serverSignature1 authenticateClient:smdpSignature2 getBoundProfilePackage:smdpSign; do
  start_server --fail bad-signature --fail-function "${f%%:*}"
  fake MADE-1
  step=${f%%:*}; [ "$step" = getBoundProfilePackage ] && step=loadBoundProfilePackage
  expect_check "$step" "${f##*:}" "--fail bad-signature --fail-function ${f%%:*}"
  stop_server
done
for fn in initiateAuthentication authenticateClient getBoundProfilePackage; do
  start_server --fail wrong-transaction-id --fail-function $fn
  fake MADE-1
  expect_check $fn transactionId "--fail wrong-transaction-id --fail-function $fn"
  stop_server
done
start_server --fail bad-mac:2
fake MADE-1
if [ "$RC" = 4 ] && jq -e '.check == "mac" and .segment == 2' <<<"$OUT" >/dev/null; then pass "--fail bad-mac:2 -> segment 2's MAC fails"; else fail "bad-mac:2: rc $RC $OUT"; fi
stop_server
start_server --fail bad-mac:last
fake TS48V1-A-UNIQUE
if [ "$RC" = 4 ] && jq -e '.check == "mac" and .segment == 15' <<<"$OUT" >/dev/null; then pass "--fail bad-mac:last -> the last 86 (segment 15) fails"; else fail "bad-mac:last: rc $RC $OUT"; fi
stop_server
for fn in initiateAuthentication authenticateClient getBoundProfilePackage; do
  start_server --fail 500 --fail-function "$fn"
  fake MADE-1
  [ "$RC" = 5 ] && jq -e --arg s "$fn" '.step == $s and .http == 500' <<<"$OUT" >/dev/null \
    && pass "--fail 500 --fail-function $fn -> HTTP 500 there" || fail "500 $fn: rc $RC $OUT"
  stop_server
done
start_server --fail reset --fail-function getBoundProfilePackage
fake MADE-1
[ "$RC" = 5 ] && jq -e '.step == "getBoundProfilePackage"' <<<"$OUT" >/dev/null \
  && jq -se 'any(.[]; .function == "getBoundProfilePackage" and .verdict == "injected-failure" and .reason == "--fail reset")' "$TMP/log.jsonl" >/dev/null \
  && pass "--fail reset --fail-function getBoundProfilePackage -> connection reset there" || fail "reset: rc $RC $OUT"
stop_server
start_server --fail failed:8.1/6.1 --fail-function handleNotification
fake MADE-1
[ "$RC" = 5 ] && jq -e '.step == "handleNotification" and (.message | test("Failed"))' <<<"$OUT" >/dev/null \
  && [ "$(order_state MADE-1)" = downloaded ] && pass "--fail-function handleNotification: the install result is refused, order stays downloaded" \
  || fail "handleNotification failure: rc $RC $OUT"
stop_server

# ---- Without --pki-dir the download functions answer 500 (handleNotification works as before).
: >"$TMP/out"
"$SMDP" --port 0 --cert "$PKI/CERT_DP_TLS.pem" --key "$PKI/SK_DP_TLS.pem" --lifetime-s 20 >"$TMP/out" 2>>"$TMP/err" &
SERVER_PID=$!
for _ in $(seq 200); do PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/out"); [ -n "$PORT" ] && break; sleep 0.025; done
fake MADE-1
[ "$RC" = 5 ] && jq -e '.http == 500 and (.message | test("pki-dir"))' <<<"$OUT" >/dev/null \
  && pass "no --pki-dir: initiateAuthentication -> 500 naming --pki-dir" || fail "no pki: rc $RC $OUT"
stop_server

# ---- A PKI made by make-test-pki.sh (nothing from ../shared): a whole download with it.
DEMO_EID=89049032123451234512345678901299
if bash "$SRC/tests/smdp/make-test-pki.sh" "$TMP/pki" "$DEMO_EID" >"$TMP/pki.out" 2>&1; then
  pass "make-test-pki.sh makes a CI/EUM/eUICC/DPauth/DPpb/TLS set"
else
  fail "make-test-pki.sh: $(cat "$TMP/pki.out")"
fi
: >"$TMP/out"
: >"$TMP/log.jsonl"
"$SMDP" --port 0 --cert "$TMP/pki/CERT_DP_TLS.pem" --key "$TMP/pki/SK_DP_TLS.pem" --pki-dir "$TMP/pki" \
  --orders "$TMP/orders.json" --log "$TMP/log.jsonl" --lifetime-s 20 >"$TMP/out" 2>>"$TMP/err" &
SERVER_PID=$!
for _ in $(seq 200); do PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/out"); [ -n "$PORT" ] && break; sleep 0.025; done
RC=0
OUT=$("$FAKE" --port "$PORT" --ca-file "$TMP/pki/CERT_CI_ECDSA_NIST.pem" --euicc-key "$TMP/pki/SK_EUICC_ECDSA_NIST.pem" \
  --euicc-cert "$TMP/pki/CERT_EUICC_ECDSA_NIST.der" --eum-cert "$TMP/pki/CERT_EUM_ECDSA_NIST.der" \
  --ci-cert "$TMP/pki/CERT_CI_ECDSA_NIST.pem" --matching-id MADE-1 2>"$TMP/fake-err") || RC=$?
[ "$RC" = 0 ] && jq -se --arg e "$DEMO_EID" 'any(.[]; .event == "order" and .state == "installed" and .eid == $e)' "$TMP/log.jsonl" >/dev/null \
  && pass "a download with the made PKI: chain, OID, signatures and the EID from the certificate's serialNumber" \
  || fail "made PKI download: rc $RC $OUT $(cat "$TMP/fake-err")"
# The SGP.26 eUICC does not chain to the made CI: the server refuses its certificate.
RC=0
OUT=$("$FAKE" --port "$PORT" --ca-file "$TMP/pki/CERT_CI_ECDSA_NIST.pem" --euicc-key "$PKI/SK_EUICC_ECDSA_NIST.pem" \
  --euicc-cert "$PKI/CERT_EUICC_ECDSA_NIST.der" --eum-cert "$PKI/CERT_EUM_ECDSA_NIST.der" \
  --ci-cert "$TMP/pki/CERT_CI_ECDSA_NIST.pem" --matching-id CC2 2>"$TMP/fake-err") || RC=$?
expect_failed 3 authenticateClient 8.1.3 6.1 "an eUICC certificate from another CI"
stop_server

if [ "$fails" -ne 0 ]; then
  echo "--- server stderr (tail)"; tail -20 "$TMP/err"
  echo "$fails check(s) failed"
  exit 1
fi
echo "all test-smdp download checks passed"
