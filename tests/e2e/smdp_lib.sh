# Shared by the e2e suites that deliver to the test SM-DP+ (build/tests/test-smdp, SGP.26 PKI).
# Source after lib.sh. Defines PKI SMDP CA HOST EID, the card ICCIDs, a cleanup trap that stops
# every server started, the precondition check (no silent skips), and:
#   new_state NAME [JQ]          a fresh SGP.26-signing card in $WORK/NAME.json; sets S
#   start_server NAME [OPTS...]  test-smdp on a free port; sets PORT, SRV_PID, LOG
#   stop_server                  stops the last one started
#   journal_entry SEQ            the `journal list --json` entry for SEQ in journal $J, or null
#   jfield JSON FILTER           jq -r FILTER on JSON
#   accepted_count LOG SEQ       how often the server accepted SEQ (verdict accepted, HTTP 204)
PKI=${ESIMCTL_SHARED_DIR:-$SRC/../shared}/sgp26
SMDP=$BUILD/tests/test-smdp
CA=$PKI/CERT_CI_ECDSA_NIST.pem
HOST=testsmdpplus1.example.com
EID=89049032123451234512345678901235
NORTHWIND=8999010010000001018  # enabled in the default state
CONTOSO=8999020020000002021    # disabled
FABRIKAM=8999030030000003034   # disabled, test class
# Nothing may reach pcscd except through the rig.
export PCSCLITE_CSOCK_NAME=$WORK/no-such-pcscd.comm

SERVER_PIDS=()
cleanup() {
  local pid
  for pid in ${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

missing=
command -v jq >/dev/null || missing="$missing jq (tools/install-deps.sh)"
for f in "$ESIMCTL" "$SMDP" "$BUILD/esimctl-vcard"; do [ -x "$f" ] || missing="$missing $f"; done
for f in CERT_DP_TLS.pem SK_DP_TLS.pem CERT_CI_ECDSA_NIST.pem SK_EUICC_ECDSA_NIST.pem \
         CERT_EUICC_ECDSA_NIST.der CERT_EUM_ECDSA_NIST.der; do
  [ -r "$PKI/$f" ] || missing="$missing $PKI/$f"
done
if [ -n "$missing" ]; then
  fail "missing:$missing (SGP.26 PKI: ../shared/sgp26 beside the clone, or ESIMCTL_SHARED_DIR)"
  finish
  exit 1
fi

# new_state NAME [JQ]: a fresh card in $WORK/NAME.json, signing with the SGP.26 eUICC
# credentials (so test-smdp verifies the chain), every notification address = $HOST, no pending
# notifications; JQ is applied last. Sets S.
new_state() {
  S=$WORK/$1.json
  jq --arg p "$PKI/" --arg eid "$EID" --arg host "$HOST" '.eid = $eid
    | .credentials = {euiccKey: ($p + "SK_EUICC_ECDSA_NIST.pem"),
                      euiccCertificate: ($p + "CERT_EUICC_ECDSA_NIST.der"),
                      eumCertificate: ($p + "CERT_EUM_ECDSA_NIST.der")}
    | (.. | objects | select(has("address")) | .address) |= $host
    | .notifications = [] | '"${2:-.}" "$DEFAULT_STATE" >"$S"
}

# start_server NAME [test-smdp options]: sets PORT, SRV_PID and LOG ($WORK/NAME.jsonl).
start_server() {
  local name=$1
  shift
  LOG=$WORK/$name.jsonl
  : >"$LOG"
  : >"$WORK/$name.smdp.out"
  "$SMDP" --port 0 --cert "$PKI/CERT_DP_TLS.pem" --key "$PKI/SK_DP_TLS.pem" --ci-cert "$CA" \
    --log "$LOG" --lifetime-s "${SMDP_LIFETIME_S:-50}" "$@" >"$WORK/$name.smdp.out" 2>"$WORK/$name.smdp.err" &
  SRV_PID=$!
  SERVER_PIDS+=("$SRV_PID")
  PORT=
  for _ in $(seq 200); do
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/$name.smdp.out")
    [ -n "$PORT" ] && break
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.025
  done
  if [ -z "$PORT" ]; then
    fail "test-smdp $name did not start: $(cat "$WORK/$name.smdp.err")"
    finish
    exit 1
  fi
}
stop_server() {
  kill "$SRV_PID" 2>/dev/null || true
  wait "$SRV_PID" 2>/dev/null || true
}

# journal_entry SEQ: the `journal list --json` entry for SEQ in $J (compact), or null.
journal_entry() {
  "$ESIMCTL" --journal "$J" --json journal list 2>/dev/null |
    jq -c --argjson s "$1" 'first(.notifications[] | select(.seqNumber == $s)) // null' 2>/dev/null || echo unreadable
}
jfield() { jq -r "$2" <<<"$1" 2>/dev/null || echo unreadable; }

# accepted_count LOG SEQ: how often the server accepted SEQ (verdict accepted, HTTP 204).
accepted_count() {
  jq -s --argjson s "$2" '[.[] | select(.seqNumber == $s and .verdict == "accepted" and .status == 204)] | length' "$1"
}
