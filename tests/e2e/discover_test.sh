#!/usr/bin/env bash
# SM-DS discovery end to end: `esimctl profile discover` through a private pcscd with the virtual
# eUICC behind vpcd (tests/pcsc-rig.sh), against build/tests/test-smdp playing the SM-DS (ES11,
# CERT.DSauth issued here under the SGP.26 CI) and the SM-DP+ the events point to, real TLS.
# The card's root SM-DS (rootDsAddress) and --smds; SGP.22's /gsma/rsp2/es11/ path and the
# fallback to the ES9+ paths on a 404; no event; two events downloaded with --download --yes,
# both installed and their install notifications delivered; the SM-DS answering Failed with
# subject/reason codes; the card refusing the SM-DS; an unreachable SM-DS.
. "$(dirname "$0")/lib.sh"
exec </dev/null  # never a terminal on stdin: confirmations come from --yes

. "$(dirname "$0")/smdp_lib.sh"
SMDS=testsmdpplus2.example.com  # on the SGP.26 TLS certificate too; the same test-smdp serves it
ONE_ICCID=8944001234567890151
TWO_ICCID=8944001234567890169
bash "$SRC/tests/smdp/make-dsauth-cert.sh" "$PKI/CERT_CI_ECDSA_NIST.pem" "$PKI/SK_CI_ECDSA_NIST.pem" "$WORK/ds" >/dev/null
cat >"$WORK/orders.json" <<JSON
[
  {"matchingId": "EVT-ONE-7Q2", "iccid": "$ONE_ICCID", "serviceProviderName": "Tailspin Mobile", "profileName": "Event one"},
  {"matchingId": "EVT-TWO-9K4", "iccid": "$TWO_ICCID", "serviceProviderName": "Tailspin Mobile", "profileName": "Event two"}
]
JSON
cat >"$WORK/events.json" <<JSON
{"$EID": [{"eventId": "EVT-ONE-7Q2", "rspServerAddress": "$HOST"},
          {"eventId": "EVT-TWO-9K4", "rspServerAddress": "$HOST"}]}
JSON
echo '{}' >"$WORK/no-events.json"

# ds_state NAME [JQ]: a fresh SGP.26 card trusting the SGP.26 CI whose root SM-DS is $SMDS; sets S, J.
ds_state() {
  new_state "$1" ".trustedCiCertificates = [\"$PKI/CERT_CI_ECDSA_NIST.der\"]
    | .configuredAddresses.rootDsAddress = \"$SMDS\" | ${2:-.}"
  J=$WORK/$1.db
}
# discover NAME [esimctl options...]: esimctl profile discover through the rig on card $S
# (changes persist), journal $J, both servers at 127.0.0.1:$PORT.
discover() {
  local name=$1
  shift
  run_capture "$name" rig --state "$S" --state-in-place -- \
    "$ESIMCTL" --journal "$J" --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" \
    --connect-to "$SMDS:443:127.0.0.1:$PORT" --notify-attempts 1 profile discover "$@"
}
server_opts=(--pki-dir "$PKI" --smds-pki-dir "$WORK/ds" --smds-address "$SMDS")

# === 1. The card's root SM-DS, SGP.22's ES11 path ==================================================
start_server ds "${server_opts[@]}" --smds-events "$WORK/events.json" --orders "$WORK/orders.json"
ds_state root
discover root_json --json
expect_eq "root SM-DS: exit 0" 0 "$RC"
expect_eq "root SM-DS: asked the card's rootDsAddress" "$SMDS" "$(jfield "$OUT" .smdsAddress)"
expect_eq "root SM-DS: two events, in order" "EVT-ONE-7Q2 $HOST,EVT-TWO-9K4 $HOST" \
  "$(jfield "$OUT" '[.events[] | .eventId + " " + .rspServerAddress] | join(",")')"
expect_eq "root SM-DS: on /gsma/rsp2/es11/" /gsma/rsp2/es11/ "$(jfield "$OUT" .path)"
expect_eq "root SM-DS: ES11 initiateAuthentication, then authenticateClient (role smds)" \
  "/gsma/rsp2/es11/initiateAuthentication accepted smds,/gsma/rsp2/es11/authenticateClient accepted smds" \
  "$(jq -rs '[.[] | select(.path != null) | "\(.path) \(.verdict) \(.role)"] | join(",")' "$LOG")"
expect_eq "root SM-DS: the card sent no matchingId" false \
  "$(jq -rs 'map(select(.function == "authenticateClient")) | .[0].matchingIdSent' "$LOG")"
expect_eq "root SM-DS: nothing installed by a listing" 0 \
  "$(jq --arg a "$ONE_ICCID" '[.profiles[] | select(.iccid == $a)] | length' "$S")"

# --smds overrides the card's address (this card names another root SM-DS); text output.
ds_state given '.configuredAddresses.rootDsAddress = "lpa.ds.gsma.com"'
discover given_text --smds "$SMDS"
expect_eq "--smds: exit 0" 0 "$RC"
expect_contains "--smds: says how many" "SM-DS $SMDS has 2 events waiting for this eUICC:" "$OUT"
expect_contains "--smds: lists the event and its SM-DP+" "EVT-TWO-9K4" "$OUT"
expect_eq "--smds: the card's lpa.ds.gsma.com was not asked" 0 "$(grep -c 'lpa.ds.gsma.com' "$WORK/given_text.err" || true)"

# Without a terminal and without --yes, --download refuses before anything is sent.
LINES_BEFORE=$(wc -l <"$LOG")
discover notty --download
expect_eq "--download without a terminal or --yes: exit 5" 5 "$RC"
expect_eq "--download without a terminal or --yes: nothing sent" "$LINES_BEFORE" "$(wc -l <"$LOG")"

# === 2. --download --yes: both events installed, notifications delivered =========================
ds_state dl
discover dl --download --yes
expect_eq "--download: exit 0" 0 "$RC"
expect_contains "--download: event 1 of 2" "Event 1 of 2: SM-DP+ $HOST" "$OUT"
expect_contains "--download: event 2 installed" "Event two" "$OUT"
expect_eq "--download: both profiles on the card, disabled" "disabled disabled" \
  "$(jq -r --arg a "$ONE_ICCID" --arg b "$TWO_ICCID" '[.profiles[] | select(.iccid == $a or .iccid == $b) | .state] | join(" ")' "$S")"
expect_eq "--download: both orders installed at the SM-DP+" 2 \
  "$(jq -s '[.[] | select(.event == "order" and .state == "installed")] | length' "$LOG")"
expect_eq "--download: both install notifications delivered" 2 \
  "$(jq -s '[.[] | select(.function == "handleNotification" and .verdict == "accepted")] | length' "$LOG")"
expect_eq "--download: nothing left pending on the card" 0 "$(jq '.notifications | length' "$S")"
expect_eq "--download: the SM-DP+ got each eventId as matching ID" "EVT-ONE-7Q2 EVT-TWO-9K4" \
  "$(jq -rs '[.[] | select(.function == "authenticateClient" and .role != "smds") | .matchingId] | join(" ")' "$LOG")"
stop_server

# --download --json: one document, each download's own receipt under "downloads" (fresh orders).
start_server dl_json "${server_opts[@]}" --smds-events "$WORK/events.json" --orders "$WORK/orders.json"
ds_state dl_json
discover dl_json --json --download --yes
expect_eq "--download --json: exit 0" 0 "$RC"
expect_eq "--download --json: both receipts, ok" "EVT-ONE-7Q2 0 ok $ONE_ICCID,EVT-TWO-9K4 0 ok $TWO_ICCID" \
  "$(jfield "$OUT" '[.downloads[] | "\(.eventId) \(.exitCode) \(.result.result) \(.result.profile.iccid)"] | join(",")')"
expect_eq "--download --json: the listing too" 2 "$(jfield "$OUT" '.events | length')"
stop_server

# === 3. The ES9+ path fallback, no event =========================================================
start_server fallback "${server_opts[@]}" --smds-events "$WORK/no-events.json" --smds-paths es9plus
ds_state none
discover none_json --json
expect_eq "no event: exit 0" 0 "$RC"
expect_eq "no event: empty list" 0 "$(jfield "$OUT" '.events | length')"
expect_eq "fallback: ES11 on the ES9+ path after a 404" /gsma/rsp2/es9plus/ "$(jfield "$OUT" .path)"
expect_eq "fallback: 404 on es11, then the ES9+ paths" \
  "/gsma/rsp2/es11/initiateAuthentication 404,/gsma/rsp2/es9plus/initiateAuthentication 200,/gsma/rsp2/es9plus/authenticateClient 200" \
  "$(jq -rs '[.[] | select(.path != null) | "\(.path) \(.status)"] | join(",")' "$LOG")"
discover none_text --smds "$SMDS"
expect_contains "no event: says so" "SM-DS $SMDS has no event waiting for this eUICC." "$OUT"
stop_server

# === 4. The SM-DS refuses; the SM-DS cannot be reached ===========================================
start_server failed "${server_opts[@]}" --smds-events "$WORK/events.json" --fail failed:8.1/4.8 \
  --fail-function initiateAuthentication
ds_state failed
discover failed
expect_eq "SM-DS Failed: exit 51" 51 "$RC"
expect_contains "SM-DS Failed: subject/reason codes shown" "the SM-DS answered Failed (subject 8.1, reason 4.8)" "$ERR"
stop_server
# The card refuses the SM-DS (vcard --download-fail authenticate:7, ciPKUnknown): exit 53, and the
# card's error answer reaches the SM-DS in authenticateClient.
start_server refused "${server_opts[@]}" --smds-events "$WORK/events.json"
ds_state refused
run_capture refused rig --state "$S" --state-in-place --vcard-arg --download-fail --vcard-arg authenticate:7 -- \
  "$ESIMCTL" --journal "$J" --ca-file "$CA" --connect-to "$SMDS:443:127.0.0.1:$PORT" profile discover
expect_eq "card refuses the SM-DS: exit 53" 53 "$RC"
expect_contains "card refuses the SM-DS: names the card's code" "ciPKUnknown (7)" "$ERR"
expect_eq "card refuses the SM-DS: its error answer went to the SM-DS" "failed" \
  "$(jq -rs 'map(select(.function == "authenticateClient")) | .[0].verdict' "$LOG")"
stop_server
run_capture unreachable rig --state "$S" --state-in-place -- \
  "$ESIMCTL" --journal "$J" --ca-file "$CA" --connect-to "$SMDS:443:127.0.0.1:9" profile discover
expect_eq "unreachable SM-DS: exit 50" 50 "$RC"
expect_contains "unreachable SM-DS: says what to check" "check the network and the SM-DS address" "$ERR"

finish
