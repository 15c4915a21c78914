#!/bin/bash
# End-to-end test of build/tests/test-smdp with curl: a real signed notification from the
# virtual eUICC is accepted (204, logged), bad input is refused, and every --fail mode fails the
# way a client will see it. Everything runs on 127.0.0.1, each server bounded by --lifetime-s
# and --max-requests; the temp dir holds all state, nothing is written into the repository.
set -euo pipefail

BUILD=${ESIMCTL_BUILD_DIR:?set ESIMCTL_BUILD_DIR}
SRC=${ESIMCTL_SOURCE_DIR:?set ESIMCTL_SOURCE_DIR}
PKI=${ESIMCTL_SHARED_DIR:-$SRC/../shared}/sgp26
SMDP=$BUILD/tests/test-smdp
ESIMCTL=$BUILD/esimctl
HOST=testsmdpplus1.example.com
URL_PATH=/gsma/rsp2/es9plus/handleNotification

command -v curl >/dev/null || { echo "FAIL: curl not installed (make test installs it: tools/install-deps.sh)"; exit 1; }
command -v jq >/dev/null || { echo "FAIL: jq not installed (tools/install-deps.sh)"; exit 1; }
[ -f "$PKI/CERT_DP_TLS.pem" ] || { echo "FAIL: no SGP.26 PKI in $PKI (../shared/sgp26 beside the clone)"; exit 1; }

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

# Starts test-smdp with the given extra options (a first option --no-ci leaves out --ci-cert);
# sets SERVER_PID and PORT.
start_server() {
  local ci=(--ci-cert "$PKI/CERT_CI_ECDSA_NIST.pem")
  if [ "${1:-}" = --no-ci ]; then ci=(); shift; fi
  : >"$TMP/out"
  "$SMDP" --port 0 --cert "$PKI/CERT_DP_TLS.pem" --key "$PKI/SK_DP_TLS.pem" \
    "${ci[@]}" --log "$TMP/log.jsonl" "$@" >"$TMP/out" 2>>"$TMP/err" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    if grep -q '^listening on 127.0.0.1:' "$TMP/out"; then break; fi
    sleep 0.05
  done
  PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$TMP/out" | head -1)
  [ -n "$PORT" ] || { cat "$TMP/err"; echo "FAIL - server did not start"; exit 1; }
}

# Waits up to $1 seconds for the server to exit by itself; returns its exit code (124 if not).
wait_server() {
  local limit=$1
  for _ in $(seq $((limit * 20))); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      local rc=0
      wait "$SERVER_PID" || rc=$?
      SERVER_PID=""
      return $rc
    fi
    sleep 0.05
  done
  return 124
}

# post BODY_FILE [extra curl args...]: prints "HTTP_CODE CURL_EXIT".
post() {
  local body=$1; shift
  local code rc=0
  code=$(curl -sS -o "$TMP/resp" -w '%{http_code}' --max-time 10 \
    --resolve "$HOST:$PORT:127.0.0.1" --cacert "$PKI/CERT_CI_ECDSA_NIST.pem" \
    -H "${CT_HEADER:-Content-Type: application/json;charset=UTF-8}" -H "${ADMIN_HEADER:-X-Admin-Protocol: gsma/rsp/v2.2.0}" \
    -H 'User-Agent: esimctl-test/0' --data-binary "@$body" "$@" 2>"$TMP/curl-err") || rc=$?
  echo "$code $rc"
}
url() { echo "https://$HOST:$PORT${1:-$URL_PATH}"; }

# ---- A real signed notification from the virtual eUICC (SGP.26 credentials, so the chain is
# eUICC <- EUM <- CI of the test PKI). The state is copied into the temp dir first.
jq --arg p "$PKI/" '.eid = "89049032123451234512345678901235"
  | .credentials = {euiccKey: ($p + "SK_EUICC_ECDSA_NIST.pem"),
                    euiccCertificate: ($p + "CERT_EUICC_ECDSA_NIST.der"),
                    eumCertificate: ($p + "CERT_EUM_ECDSA_NIST.der")}' \
  "$SRC/vcard/default-state.json" >"$TMP/state.json"
B64=$("$ESIMCTL" --reader "virtual:$TMP/state.json" --json notification show 8 --raw | jq -er .pendingNotification)
printf '{"pendingNotification":"%s"}' "$B64" >"$TMP/good.json"
printf '{"pendingNotification":"%s"}' 'not!!base64@@' >"$TMP/garbage.json"
# Flip one bit of the last byte of the 5F37 value (r||s): find it in the DER by its tag.
HEX=$(printf '%s' "$B64" | base64 -d | od -An -v -tx1 | tr -d ' \n')
PREFIX=${HEX%%5f3740*}   # DER before the signature element (5F37, length 64)
[ "$PREFIX" != "$HEX" ] && [ $(( ${#PREFIX} % 2 )) = 0 ] || { echo "FAIL - no 5F3740 in the notification"; exit 1; }
P=$(( ${#PREFIX} + 6 + 63 * 2 ))   # hex offset of the last byte of r||s
BYTE=$(printf '%02x' $(( 0x${HEX:P:2} ^ 1 )))
BAD_HEX=${HEX:0:P}$BYTE${HEX:P+2}
BAD_B64=$(printf '%b' "$(printf '%s' "$BAD_HEX" | sed 's/../\\x&/g')" | base64 -w0)
printf '{"pendingNotification":"%s"}' "$BAD_B64" >"$TMP/badsig.json"

# ---- (a)-(d) with a well-behaved server: exits after 5 requests.
: >"$TMP/log.jsonl"
start_server --max-requests 5 --lifetime-s 30
read -r code rc < <(post "$TMP/good.json" "$(url)")
[ "$code $rc" = "204 0" ] && pass "(a) signed notification accepted (204)" || fail "(a) got $code/$rc $(cat "$TMP/curl-err")"
if jq -e 'select(.verdict == "accepted" and .seqNumber == 8 and .status == 204
              and .eid == "89049032123451234512345678901235"
              and .["x-admin-protocol"] == "gsma/rsp/v2.2.0" and .["user-agent"] == "esimctl-test/0"
              and (.reason | contains("chain verified")))' "$TMP/log.jsonl" >/dev/null; then
  pass "(a) log line records seqNumber 8, EID, headers, verified chain"
else
  fail "(a) log: $(cat "$TMP/log.jsonl")"
fi
read -r code rc < <(post "$TMP/garbage.json" "$(url)")
[ "$code" = 400 ] && grep -q base64 "$TMP/resp" && pass "(b) garbage base64 -> 400" || fail "(b) got $code/$rc $(cat "$TMP/resp")"
read -r code rc < <(post "$TMP/badsig.json" "$(url)")
[ "$code" = 400 ] && grep -q 'signature does not verify' "$TMP/resp" \
  && jq -e 'select(.status == 400 and .seqNumber == 8 and (.reason | contains("signature")))' "$TMP/log.jsonl" >/dev/null \
  && pass "(c) flipped signature bit -> 400, logged with seqNumber" \
  || fail "(c) got $code/$rc $(cat "$TMP/resp")"
read -r code rc < <(post "$TMP/good.json" "$(url /gsma/rsp2/es9plus/other)")
[ "$code" = 404 ] && pass "(d) wrong path -> 404" || fail "(d) got $code/$rc"
read -r code rc < <(post "$TMP/good.json" -X PUT "$(url)")
[ "$code" = 405 ] && pass "non-POST -> 405" || fail "405 check got $code/$rc"
if wait_server 5; then pass "server exits by itself after --max-requests 5"; else fail "no exit after --max-requests"; fi

# Oversized body and missing X-Admin-Protocol (one server, two requests).
head -c 70000 /dev/zero | tr '\0' 'A' >"$TMP/big.json"
start_server --max-requests 2 --lifetime-s 30
read -r code rc < <(post "$TMP/big.json" "$(url)")
[ "$code" = 413 ] && pass "body over 64 KiB -> 413" || fail "413 check got $code/$rc"
read -r code rc < <(ADMIN_HEADER='X-Not-Admin-Protocol: 1' post "$TMP/good.json" "$(url)")
[ "$code" = 400 ] && grep -q X-Admin-Protocol "$TMP/resp" && pass "missing X-Admin-Protocol -> 400" \
  || fail "admin protocol check got $code/$rc"
wait_server 5 || fail "no exit after --max-requests 2"

# Without --ci-cert: the signature is still checked, the log says the chain was not; a wrong
# Content-Type is refused.
: >"$TMP/log.jsonl"
start_server --no-ci --max-requests 2 --lifetime-s 30
read -r code rc < <(post "$TMP/good.json" "$(url)")
[ "$code" = 204 ] && jq -e 'select(.status == 204) | .reason | contains("no --ci-cert")' "$TMP/log.jsonl" >/dev/null \
  && pass "no --ci-cert: accepted, log says the chain was not checked" || fail "no --ci-cert got $code/$rc"
read -r code rc < <(CT_HEADER='Content-Type: text/plain' post "$TMP/good.json" "$(url)")
[ "$code" = 415 ] && pass "Content-Type text/plain -> 415" || fail "415 check got $code/$rc"
wait_server 5 || fail "no exit after the no --ci-cert server"

# ---- (e) --fail 500 for the first request only, then normal.
start_server --fail 500 --fail-count 1 --max-requests 2 --lifetime-s 30
read -r code rc < <(post "$TMP/good.json" "$(url)")
[ "$code" = 500 ] && pass "(e) --fail 500 -> 500" || fail "(e) got $code/$rc"
read -r code rc < <(post "$TMP/good.json" "$(url)")
[ "$code" = 204 ] && pass "(e) --fail-count 1: second request accepted" || fail "(e2) got $code/$rc"
wait_server 5 || fail "no exit after (e)"

# ---- (f) slow answer past the client's timeout: curl exit 28.
start_server --fail slow:3000 --max-requests 1 --lifetime-s 30
read -r code rc < <(post "$TMP/good.json" --max-time 1 "$(url)")
[ "$rc" = 28 ] && pass "(f) --fail slow:3000 with --max-time 1 -> curl timeout (28)" || fail "(f) got $code/$rc"
wait_server 10 || fail "no exit after (f)"

# ---- (g) connection reset: curl fails without an HTTP status.
start_server --fail reset --max-requests 1 --lifetime-s 30
read -r code rc < <(post "$TMP/good.json" "$(url)")
[ "$rc" != 0 ] && [ "$code" = 000 ] && pass "(g) --fail reset -> curl error $rc" || fail "(g) got $code/$rc"
wait_server 5 || fail "no exit after (g)"

# ---- (h) wrong certificate: curl refuses it (60: peer certificate cannot be authenticated).
start_server --fail wrong-cert --max-requests 1 --lifetime-s 30
read -r code rc < <(post "$TMP/good.json" "$(url)")
[ "$rc" = 60 ] && pass "(h) --fail wrong-cert -> curl exit 60" || fail "(h) got $code/$rc $(cat "$TMP/curl-err")"
wait_server 5 || fail "no exit after (h)"

# ---- Lifetime: an idle server stops by itself.
start_server --lifetime-s 1
if wait_server 5; then pass "idle server exits at --lifetime-s 1"; else fail "no exit at --lifetime-s"; fi

if [ "$fails" -ne 0 ]; then
  echo "--- server stderr"; cat "$TMP/err"
  echo "$fails check(s) failed"
  exit 1
fi
echo "all test-smdp checks passed"
