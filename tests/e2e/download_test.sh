#!/usr/bin/env bash
# Profile download end to end: `esimctl profile download` through a private pcscd with the
# virtual eUICC behind vpcd (tests/pcsc-rig.sh), from the local test SM-DP+ (build/tests/test-smdp,
# SGP.26 PKI, real TLS). Downloads both TS.48 packages of ../shared/ts48 and a profile the server
# makes (names, class, icon) with short and extended-length APDUs, then checks the card's profile
# list, the install notification delivered and removed, the journal and the server's order log.
# Then every documented failure, each with its exit code, no half-installed profile and the
# order's state in the server log: wrong matching ID, EID mismatch, confirmation code missing and
# wrong, ICCID already installed, not enough memory, a corrupted segment MAC, the server failing
# at each ES9+ call (HTTP 500 and Failed), and the answer to the last segment lost (the command
# reads the profile list and reports the truth).
. "$(dirname "$0")/lib.sh"
exec </dev/null  # never a terminal on stdin: confirmations come from --yes

. "$(dirname "$0")/smdp_lib.sh"
TS48=${ESIMCTL_SHARED_DIR:-$SRC/../shared}/ts48
V1=TS48V1-A-UNIQUE
V2=TS48V2-SAIP2-1-BERTLV-UNIQUE
V1_ICCID=8949449999999990023
MADE_ICCID=8944001234567890128
CC_ICCID=8944001234567890136
BOUND_ICCID=8944001234567890144
EXT=(--vcard-arg --extended-length)

# The PNG the made profile carries (the default card's 16x16 icon).
ICON_B64=$(jq -r '.profiles[0].icon' "$DEFAULT_STATE")
base64 -d <<<"$ICON_B64" >"$WORK/icon.png"
ICON_HEX=$(od -An -v -tx1 "$WORK/icon.png" | tr -d ' \n' | tr a-f A-F)  # as `profile list --json --icons` shows it
cat >"$WORK/orders.json" <<EOF
[
  {"matchingId": "MADE-ICON", "iccid": "$MADE_ICCID", "serviceProviderName": "Tailspin Mobile",
   "profileName": "Tailspin Test", "profileClass": "test", "iconPng": "$WORK/icon.png"},
  {"matchingId": "WITH-CC", "iccid": "$CC_ICCID", "serviceProviderName": "Tailspin Mobile",
   "profileName": "Tailspin CC", "confirmationCode": "4711"},
  {"matchingId": "OTHER-EID", "iccid": "$BOUND_ICCID", "eid": "89049032123451234512345678901243"}
]
EOF

# dl_state NAME [JQ]: a fresh SGP.26 card that trusts the SGP.26 CI (new_state); sets S, J.
dl_state() {
  new_state "$1" ".trustedCiCertificates = [\"$PKI/CERT_CI_ECDSA_NIST.der\"] | ${2:-.}"
  J=$WORK/$1.db
}

# download NAME [rig options...] -- [esimctl options...]: esimctl profile download through the
# rig on card $S (changes persist), journal $J, the SM-DP+ at 127.0.0.1:$PORT.
download() {
  local name=$1 rig_opts=()
  shift
  while [ "$1" != -- ]; do rig_opts+=("$1"); shift; done
  shift
  run_capture "$name" rig --state "$S" --state-in-place ${rig_opts[@]+"${rig_opts[@]}"} -- \
    "$ESIMCTL" --journal "$J" --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" \
    --notify-attempts 1 profile download --yes "$@"
}

# load_blocks TRACE: one line "LC" per STORE DATA block of the BPP load in an esimctl --trace
# file, from the block that starts BF36 to the last block of the last piece (a piece starts with
# P2 = 00 and one of BF36 A0 A1 88 A2 A3 86). LC is the block's data length.
load_blocks() {
  local line h p2 lc data in=0
  while read -r line; do
    h=${line#> }
    [ "${h:0:4}" = 80E2 ] || { [ $in = 1 ] && break; continue; }
    p2=${h:6:2}
    if [ "${h:8:2}" = 00 ] && [ ${#h} -gt 16 ]; then lc=$((16#${h:10:4})); data=${h:14}; else lc=$((16#${h:8:2})); data=${h:10}; fi
    if [ "$p2" = 00 ]; then
      case $data in
        BF36*) in=1 ;;
        A0*|A1*|88*|A2*|A3*|86*) ;;
        *) [ $in = 1 ] && break ;;
      esac
    fi
    [ $in = 1 ] && echo "$lc"
  done < <(grep '^> ' "$1")
}

# card_view NAME: sets CARD (profile list JSON) and CARD_SEQS (pending notification seqNumbers).
card_view() {
  # shellcheck disable=SC2016
  run_capture "$1" rig --state "$S" --state-in-place -- \
    bash -c '"$1" --json profile list --icons && "$1" --json notification list' _ "$ESIMCTL"
  expect_eq "$1: reading the card works" 0 "$RC"
  CARD=$(jq -sc '.[0].profiles' <<<"$OUT" 2>/dev/null || echo unreadable)
  CARD_SEQS=$(jq -sc '.[1].notifications | map(.seqNumber)' <<<"$OUT" 2>/dev/null || echo unreadable)
}
has_profile() { jq --arg i "$1" 'any(.[]; .iccid == $i)' <<<"$CARD"; }
profile_field() { jq -r --arg i "$1" "first(.[] | select(.iccid == \$i)) | $2" <<<"$CARD"; }
# order_states MATCHING-ID: the order's states in the server log, in order, space-separated.
order_states() {
  jq -r --arg m "$1" 'select(.event == "order" and .matchingId == $m) | .state' "$LOG" | tr '\n' ' ' | sed 's/ $//'
}

SMDP_LIFETIME_S=110 start_server dl --pki-dir "$PKI" --upp-dir "$TS48" --orders "$WORK/orders.json"

# === 1. Downloads that work ====================================================================
dl_state ok
PROFILES_BEFORE=$(jq '.profiles | length' "$S")
download v1_short -- --trace "$WORK/v1.trace" "LPA:1\$$HOST\$$V1"
expect_eq "TS.48 v1 (short APDUs): exit 0" 0 "$RC"
# Exchange budget, short APDUs: every block but a piece's last carries 255 bytes, so the load
# takes at most one exchange per 255 bytes of BPP plus one per piece (19 pieces here).
load_blocks "$WORK/v1.trace" >"$WORK/v1.blocks"
BPP_BYTES=$(awk '{s += $1} END {print s}' "$WORK/v1.blocks")
expect_eq "TS.48 v1: load blocks <= BPP/255 + pieces" true \
  "$([ "$(wc -l <"$WORK/v1.blocks")" -le $(( (BPP_BYTES + 254) / 255 + 19 )) ] && echo true || echo "false ($(wc -l <"$WORK/v1.blocks") blocks, $BPP_BYTES bytes)")"
expect_eq "TS.48 v1: chained blocks are full (Lc FF)" 0 "$(grep -cE '^> 80E211..(0[0-9A-E]|[1-9A-E][0-9A-F]|F[0-9A-E])' "$WORK/v1.trace" || true)"
expect_contains "TS.48 v1: names the ICCID" "$V1_ICCID" "$OUT"
card_view ok_after_v1
expect_eq "TS.48 v1: listed, disabled" disabled "$(profile_field "$V1_ICCID" .profileState)"
expect_eq "TS.48 v1: one profile more" $((PROFILES_BEFORE + 1)) "$(jq length <<<"$CARD")"
expect_eq "TS.48 v1: install notification delivered and removed" "[]" "$CARD_SEQS"
expect_eq "TS.48 v1: order released -> downloaded -> installed" "downloaded installed" \
  "$(order_states "$V1" | sed 's/^released //')"

download v2_ext "${EXT[@]}" -- --trace "$WORK/v2.trace" --smdp "$HOST" --matching-id "$V2"
expect_eq "TS.48 v2 (extended length): exit 0" 0 "$RC"
# Exchange budget, extended length: one APDU per piece (no chaining), no GET RESPONSE at all;
# 12257 bytes of package = 13 segments 86 of at most 1007 bytes of plaintext, plus 6 other pieces.
load_blocks "$WORK/v2.trace" >"$WORK/v2.blocks"
expect_eq "TS.48 v2: 19 pieces, one APDU each" 19 "$(wc -l <"$WORK/v2.blocks")"
expect_eq "TS.48 v2: no chained STORE DATA, no GET RESPONSE" 0 "$(grep -cE '^> (80E211|..C0)' "$WORK/v2.trace" || true)"
V2_ICCID=$(jq -r 'select(.event == "order" and .matchingId == "'$V2'" and .state == "installed") | .iccid' "$LOG" | head -1)
card_view ok_after_v2
expect_eq "TS.48 v2: listed with the ICCID the server installed" true "$(has_profile "$V2_ICCID")"
expect_eq "TS.48 v2: notification delivered" "[]" "$CARD_SEQS"

download made_json -- --json "LPA:1\$$HOST\$MADE-ICON"
expect_eq "made profile: exit 0" 0 "$RC"
expect_not_contains "made profile: the matching ID is not printed" MADE-ICON "$OUT$ERR"
expect_eq "made profile: --json names the ICCID" "$MADE_ICCID" "$(jq -r '.profile.iccid // .iccid' <<<"$OUT")"
# BF36 + BF23, A0, A1 header, one 88, A2, A3 header, one 86: the made package is 38 bytes.
expect_eq "made profile: --json counts 7 STORE DATA sequences" 7 "$(jq -r .storeDataSequences <<<"$OUT")"
card_view ok_after_made
expect_eq "made profile: names, class, icon from the metadata" \
  "Tailspin Mobile|Tailspin Test|test|png|$ICON_HEX" \
  "$(profile_field "$MADE_ICCID" '"\(.serviceProviderName)|\(.profileName)|\(.profileClass)|\(.iconType)|\(.icon)"')"
expect_eq "made profile: order installed" installed "$(order_states MADE-ICON | awk '{print $NF}')"

# === 2. Confirmation code ======================================================================
download cc_missing -- "LPA:1\$$HOST\$WITH-CC"
expect_eq "CC missing: exit 57 (confirmation_code_required)" 57 "$RC"
download cc_wrong -- "LPA:1\$$HOST\$WITH-CC" --confirmation-code 9753
expect_eq "CC wrong: exit 51 (server_refused)" 51 "$RC"
expect_not_contains "CC wrong: the code is not printed" 9753 "$OUT$ERR"
download cc_right "${EXT[@]}" -- "LPA:1\$$HOST\$WITH-CC" --confirmation-code 4711
expect_eq "CC right: exit 0" 0 "$RC"
card_view cc_after
expect_eq "CC right: installed" true "$(has_profile "$CC_ICCID")"

# === 3. Refusals: nothing installed ===========================================================
dl_state refused
COUNT=$(jq '.profiles | length' "$S")
download wrong_mid -- "LPA:1\$$HOST\$NO-SUCH-ORDER"
expect_eq "wrong matching ID: exit 51" 51 "$RC"
expect_contains "wrong matching ID: the server's codes shown" "8.2.6" "$ERR"
download eid_mismatch -- "LPA:1\$$HOST\$OTHER-EID"
expect_eq "EID mismatch: exit 51" 51 "$RC"
expect_contains "EID mismatch: the server's codes shown" "8.1.1" "$ERR"
card_view refused_after
expect_eq "refusals: no profile added" "$COUNT" "$(jq length <<<"$CARD")"
expect_eq "refusals: no notification left" "[]" "$CARD_SEQS"

# === 4. Install failures reported by the card ==================================================
stop_server
# The card already holds a profile with the package's ICCID; then a card with too little memory.
start_server inst --pki-dir "$PKI" --upp-dir "$TS48"
dl_state dup '.profiles += [.profiles[1] | .iccid = "'$V1_ICCID'" | .isdpAid = "A0000005591010FFFFFFFF8900009000"]'
download dup -- "LPA:1\$$HOST\$$V1"
expect_eq "ICCID already installed: exit 55" 55 "$RC"
expect_contains "ICCID already installed: says so" "already" "$ERR"
card_view dup_after
expect_eq "ICCID already installed: still one such profile" 1 \
  "$(jq --arg i "$V1_ICCID" '[.[] | select(.iccid == $i)] | length' <<<"$CARD")"
expect_eq "ICCID already installed: the failure notification delivered too" "[]" "$CARD_SEQS"
expect_eq "ICCID already installed: order install-failed" install-failed "$(order_states "$V1" | awk '{print $NF}')"

dl_state small '.euiccInfo2.extCardResource.freeNonVolatileMemory = 4000'
COUNT=$(jq '.profiles | length' "$S")
download no_memory "${EXT[@]}" -- "LPA:1\$$HOST\$$V2"
expect_eq "not enough memory: exit 56" 56 "$RC"
card_view small_after
expect_eq "not enough memory: nothing installed" "$COUNT" "$(jq length <<<"$CARD")"
stop_server

start_server badmac --pki-dir "$PKI" --upp-dir "$TS48" --fail bad-mac:last
dl_state badmac
download bad_mac -- "LPA:1\$$HOST\$$V1"
expect_eq "corrupted segment MAC: exit 54" 54 "$RC"
card_view badmac_after
expect_eq "corrupted segment MAC: nothing installed" false "$(has_profile "$V1_ICCID")"
expect_eq "corrupted segment MAC: order install-failed" install-failed "$(order_states "$V1" | awk '{print $NF}')"
stop_server

# === 5. The server failing at each ES9+ call ===================================================
for fn in initiateAuthentication authenticateClient getBoundProfilePackage; do
  start_server "f500_$fn" --pki-dir "$PKI" --upp-dir "$TS48" --fail 500 --fail-function "$fn"
  dl_state "s500_$fn"
  download "dl500_$fn" -- "LPA:1\$$HOST\$$V1"
  expect_eq "HTTP 500 at $fn: exit 51" 51 "$RC"
  card_view "after500_$fn"
  expect_eq "HTTP 500 at $fn: nothing installed" false "$(has_profile "$V1_ICCID")"
  stop_server
  start_server "failed_$fn" --pki-dir "$PKI" --upp-dir "$TS48" --fail failed:8.1/3.8 --fail-function "$fn"
  download "dlfailed_$fn" -- "LPA:1\$$HOST\$$V1"
  expect_eq "Failed at $fn: exit 51" 51 "$RC"
  expect_contains "Failed at $fn: codes shown" "8.1" "$ERR"
  stop_server
done
dl_state down
download unreachable -- "LPA:1\$$HOST\$$V1"  # $PORT is the stopped server's
expect_eq "server unreachable: exit 50" 50 "$RC"

# === 6. Answers esimctl refuses, a server the card refuses =====================================
start_server wrongtid --pki-dir "$PKI" --upp-dir "$TS48" --fail wrong-transaction-id --fail-function authenticateClient
dl_state wrongtid
COUNT=$(jq '.profiles | length' "$S")
download wrong_tid -- "LPA:1\$$HOST\$$V1"
expect_eq "another transactionId in the answer: exit 52" 52 "$RC"
card_view wrongtid_after
expect_eq "another transactionId: nothing installed" "$COUNT" "$(jq length <<<"$CARD")"
stop_server
start_server badsig --pki-dir "$PKI" --upp-dir "$TS48" --fail bad-signature --fail-function initiateAuthentication
download bad_sig -- "LPA:1\$$HOST\$$V1"
expect_eq "bad serverSignature1: the card refuses the server, exit 53" 53 "$RC"
expect_eq "bad serverSignature1: the card's error reached the server" true \
  "$(jq -s 'any(.[]; .function == "authenticateClient")' "$LOG")"
stop_server

# === 7. The answer to the last segment lost, the card pulled during the load ===================
start_server lost --pki-dir "$PKI" --upp-dir "$TS48"
dl_state lost
download lost_6f --vcard-arg --bpp-segment-answer --vcard-arg last:6F00 -- "LPA:1\$$HOST\$$V1"
expect_eq "last answer 6F00: the profile is there, exit 0" 0 "$RC"
expect_contains "last answer 6F00: says it read the list" "installed" "$OUT$ERR"
card_view lost_after
expect_eq "last answer 6F00: listed" true "$(has_profile "$V1_ICCID")"
stop_server

start_server none --pki-dir "$PKI" --upp-dir "$TS48"
dl_state none
download lost_none --vcard-arg --bpp-segment-answer --vcard-arg last:none -- "LPA:1\$$HOST\$$V1"
expect_eq "last answer never came (card reconnected): exit 0" 0 "$RC"
expect_contains "last answer never came: warns" "lost" "$OUT$ERR"
card_view none_after
expect_eq "last answer never came: listed" true "$(has_profile "$V1_ICCID")"
expect_eq "last answer never came: notification delivered" "[]" "$CARD_SEQS"
stop_server

# Pulled after 16 APDUs (extended length: SELECT, 6 requests, then the pieces): in the 86s.
start_server pulled --pki-dir "$PKI" --upp-dir "$TS48"
dl_state pulled
download pulled "${EXT[@]}" --vcard-arg --exit-after=16 -- "LPA:1\$$HOST\$$V1"
expect_eq "card pulled during the load: exit 14 (card removed)" 14 "$RC"
expect_contains "card pulled: says what to do" "profile list" "$ERR"
card_view pulled_after
expect_eq "card pulled: no half-installed profile" false "$(has_profile "$V1_ICCID")"
expect_eq "card pulled: the card reports the interruption as a notification" 1 "$(jq length <<<"$CARD_SEQS")"
run_capture pulled_process rig --state "$S" --state-in-place -- "$ESIMCTL" --journal "$J" --ca-file "$CA" \
  --connect-to "$HOST:443:127.0.0.1:$PORT" notification process --all
expect_eq "card pulled: notification process delivers it" 0 "$RC"
expect_eq "card pulled: the server logs installFailedDueToInterruption" true \
  "$(jq -s --arg m "$V1" 'any(.[]; .event == "order" and .matchingId == $m and .state == "install-failed" and (.reason | test("errorReason 11")))' "$LOG")"
stop_server

finish
