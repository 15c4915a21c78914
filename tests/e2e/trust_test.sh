#!/usr/bin/env bash
# Trust in servers end to end (docs/safety.md, "Whom a TLS connection trusts"): esimctl trusts,
# besides the system store and --ca-file, the GSMA CIs it ships (data/ci, copied to
# build/share/esimctl/ci) that the card lists in EUICCInfo1, test CIs only with --trust-test-ci.
# Through the real pcscd rig with the virtual eUICC and the test SM-DP+, whose TLS certificate
# (../shared/sgp26/CERT_DP_TLS.pem, testsmdpplus1.example.com) is issued by the SGP.26 test CI,
# SKI f54172bd... No --ca-file anywhere below except where said.
#   - card lists f541, --trust-test-ci: download accepted, install notification delivered
#   - same card, no option: refused, exit 58, "--trust-test-ci" named, the order untouched
#   - card lists only another CI (34eecf13...): refused, exit 58, "does not list"
#   - a server certificate under no CA or CI: refused, exit 58; accepted with --ca-file
#   - delete + handleNotification: delivered with --trust-test-ci (EUICCInfo1 read once, only
#     after the first refusal); without it kept (exit 40) with the reason; with --ca-file no
#     EUICCInfo1 is read (the command's exchange budget is unchanged)
. "$(dirname "$0")/lib.sh"
exec </dev/null  # never a terminal on stdin: confirmations come from --yes

. "$(dirname "$0")/smdp_lib.sh"
F541=f54172bdf98a95d65cbeb88a38a1c11d800a85c3
OTHER_CI=34eecf13156518d48d30bdf06853404d115f955d
TRUST_ICCID=8944001234567890152
TRUST2_ICCID=8944001234567890160
cat >"$WORK/orders.json" <<EOF
[
  {"matchingId": "TRUST-1", "iccid": "$TRUST_ICCID", "serviceProviderName": "Tailspin Mobile", "profileName": "Trusted"},
  {"matchingId": "TRUST-2", "iccid": "$TRUST2_ICCID", "serviceProviderName": "Tailspin Mobile", "profileName": "Private CA"}
]
EOF
# The CIs this test trusts: the shipped data, plus the SGP.26 test PKI's re-issue of the f541 key
# as "Test CI" (the name CERT_DP_TLS chains to; ../shared, never copied into the project).
cp -r "$SRC/data/ci" "$WORK/ci"
cat "$PKI/CERT_CI_ECDSA_NIST.pem" >>"$WORK/ci/test/$F541.pem"
export ESIMCTL_CI_DIR=$WORK/ci
# The other CI as the card holds it (DER), from the shipped data.
openssl x509 -in "$SRC/data/ci/test/$OTHER_CI.pem" -outform der -out "$WORK/other-ci.der"

# card NAME CI_DER: a fresh SGP.26 card that trusts the CI in CI_DER and lists it, with RSP2 Root
# CI1, in EUICCInfo1 (euiccCiPKIdListForVerification); sets S, J.
card() {
  local ski
  ski=$(openssl x509 -inform der -in "$2" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :')
  new_state "$1" ".trustedCiCertificates = [\"$2\"]
    | (.. | objects | select(has(\"ciPKIdsForVerification\")))
      |= (.ciPKIdsForVerification = [\"$ski\", \"81370F5125D0B1D408D4C3B232E6D25E795BEBFB\"]
          | .ciPKIdsForSigning = .ciPKIdsForVerification)"
  J=$WORK/$1.db
}
# accepted_since LINES SEQ: acceptances of SEQ in the server log after its first LINES lines
# (every card here starts with the same seqNumbers).
accepted_since() {
  tail -n +$(($1 + 1)) "$LOG" | jq -s --argjson s "$2" '[.[] | select(.seqNumber == $s and .verdict == "accepted" and .status == 204)] | length'
}
# esim NAME ESIMCTL-ARGS...: esimctl through the rig on card $S (changes persist), journal $J,
# the SM-DP+ at 127.0.0.1:$PORT under the name $HOST, no --ca-file.
esim() {
  local name=$1
  shift
  run_capture "$name" rig --state "$S" --state-in-place -- "$ESIMCTL" --journal "$J" \
    --connect-to "$HOST:443:127.0.0.1:$PORT" --notify-attempts 1 "$@"
}
order_states() {
  jq -r --arg m "$1" 'select(.event == "order" and .matchingId == $m) | .state' "$LOG" | tr '\n' ' ' | sed 's/ $//'
}
# requests TRACE: how many GetEuiccInfo1 (BF20) commands a --trace file shows.
info1_reads() { grep -c '^> 80E2910003BF2000' "$1" || true; }

start_server trust --pki-dir "$PKI" --orders "$WORK/orders.json"

# === 1. The card lists the SGP.26 CI: a download without --ca-file ==============================
card listed "$PKI/CERT_CI_ECDSA_NIST.der"
esim listed_no_option profile download --yes "LPA:1\$$HOST\$TRUST-1"
expect_eq "test CI without --trust-test-ci: exit 58" 58 "$RC"
expect_contains "test CI without the option: says why" "issued under the test CI 'GSMA Test CI' ($F541), which esimctl trusts only with --trust-test-ci" "$ERR"
expect_contains "test CI without the option: names the server" "https://$HOST/gsma/rsp2/es9plus/initiateAuthentication" "$ERR"
expect_eq "test CI without the option: the order was not touched" released "$(order_states TRUST-1)"
esim listed_json --json profile download --yes "LPA:1\$$HOST\$TRUST-1"
expect_eq "--json: exit 58" 58 "$RC"
expect_eq "--json: error code server_not_trusted" server_not_trusted "$(jq -r .error.code <<<"$OUT" 2>/dev/null)"

esim listed_ok --trust-test-ci --trace "$WORK/listed.trace" profile download --yes "LPA:1\$$HOST\$TRUST-1"
expect_eq "card lists the CI, --trust-test-ci: download exit 0" 0 "$RC"
expect_contains "download: names the ICCID" "$TRUST_ICCID" "$OUT"
expect_eq "download: order downloaded then installed" "released downloaded installed" "$(order_states TRUST-1)"
# The install notification goes through a second client (the command's delivery client), which
# is refused once without the card's list, reads EUICCInfo1 and tries again.
expect_eq "download: install notification accepted by the server" 1 \
  "$(jq -s '[.[] | select(.verdict == "accepted" and .status == 204)] | length' "$LOG")"
expect_eq "download: notification removed from the card" "[]" "$(jq -c '[.notifications[].seqNumber]' "$S")"
expect_eq "download: EUICCInfo1 read once by the flow, once for the delivery" 2 "$(info1_reads "$WORK/listed.trace")"

# === 2. The card lists another CI: refused even with --trust-test-ci ============================
card unlisted "$WORK/other-ci.der"
esim unlisted --trust-test-ci profile download --yes "LPA:1\$$HOST\$TRUST-2"
expect_eq "CI the card does not list: exit 58" 58 "$RC"
expect_contains "unlisted: says why" "issued under the test CI 'GSMA Test CI' ($F541), which this card does not list (the card lists: $OTHER_CI, 81370f5125d0b1d408d4c3b232e6d25e795bebfb)" "$ERR"
expect_eq "unlisted: the order was not touched" released "$(order_states TRUST-2)"

# === 3. handleNotification after a delete ======================================================
card del_ok "$PKI/CERT_CI_ECDSA_NIST.der"
SEQ=$(jq .nextSeqNumber "$S")
L=$(wc -l <"$LOG")
esim del_ok --trust-test-ci --trace "$WORK/del_ok.trace" profile delete "$CONTOSO" --yes
expect_eq "delete, --trust-test-ci: exit 0" 0 "$RC"
expect_eq "delete: notification accepted once" 1 "$(accepted_since "$L" "$SEQ")"
expect_eq "delete: EUICCInfo1 read once, after the refusal" 1 "$(info1_reads "$WORK/del_ok.trace")"

card del_no "$PKI/CERT_CI_ECDSA_NIST.der"
SEQ=$(jq .nextSeqNumber "$S")
L=$(wc -l <"$LOG")
esim del_no profile delete "$CONTOSO" --yes
expect_eq "delete without --trust-test-ci: exit 40 (kept)" 40 "$RC"
expect_contains "delete without the option: the reason" "server not trusted: its certificate is issued under the test CI 'GSMA Test CI' ($F541), which esimctl trusts only with --trust-test-ci" "$OUT"
E=$(journal_entry "$SEQ")
expect_contains "delete without the option: journaled" "--trust-test-ci" "$(jfield "$E" '.attempts[0].transportError')"
expect_eq "delete without the option: nothing accepted" 0 "$(accepted_since "$L" "$SEQ")"

card del_ca "$PKI/CERT_CI_ECDSA_NIST.der"
SEQ=$(jq .nextSeqNumber "$S")
L=$(wc -l <"$LOG")
esim del_ca --ca-file "$CA" --trace "$WORK/del_ca.trace" profile delete "$CONTOSO" --yes
expect_eq "delete with --ca-file: exit 0" 0 "$RC"
expect_eq "delete with --ca-file: accepted" 1 "$(accepted_since "$L" "$SEQ")"
expect_eq "delete with --ca-file: no EUICCInfo1 read (budget unchanged)" 0 "$(info1_reads "$WORK/del_ca.trace")"
stop_server

# === 4. A server certificate under no CA or CI esimctl knows ====================================
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/self.key" \
  -out "$WORK/self.pem" -days 2 -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" 2>/dev/null
"$SMDP" --port 0 --cert "$WORK/self.pem" --key "$WORK/self.key" --ci-cert "$CA" --pki-dir "$PKI" \
  --orders "$WORK/orders.json" --log "$WORK/self.jsonl" --lifetime-s 40 >"$WORK/self.out" 2>"$WORK/self.err" &
SRV_PID=$!
SERVER_PIDS+=("$SRV_PID")
LOG=$WORK/self.jsonl
PORT=
for _ in $(seq 200); do
  PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/self.out")
  [ -n "$PORT" ] && break
  sleep 0.025
done
card self "$PKI/CERT_CI_ECDSA_NIST.der"
esim self --trust-test-ci profile download --yes "LPA:1\$$HOST\$TRUST-2"
expect_eq "server under no known CA: exit 58" 58 "$RC"
expect_contains "no known CA: says why" "not under any CA or GSMA CI esimctl trusts (issuer 'CN=$HOST'" "$ERR"
esim self_ca --ca-file "$WORK/self.pem" profile download --yes "LPA:1\$$HOST\$TRUST-2"
expect_eq "the same server with --ca-file: exit 0" 0 "$RC"
expect_eq "--ca-file: order installed" "released downloaded installed" "$(order_states TRUST-2)"
stop_server

finish
