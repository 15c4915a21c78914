#!/usr/bin/env bash
# Every end-to-end flow once over a modem's AT port, compared with the same flow over pcscd.
#
# Two identical copies of one SGP.26 card: one behind pcscd (tests/pcsc-rig.sh, --state-in-place),
# one behind the simulated modem (build/tests/esimctl-modemsim, --reader at:LINK, the link in the
# test's temp dir). Each command runs on both, with its own journal each, against one test SM-DP+
# (build/tests/test-smdp, one order per card for the same profile): chip info, profile
# list (text, --json), disable/enable/delete with the notification delivered, nickname, a change
# kept pending (--no-notify) then notification list/show/process, notification remove, and a
# profile download. Exit codes, stdout and stderr must be the same apart from the reader's name,
# journal/operation ids and times; at the end both cards hold the same profiles and
# notifications, both journals the same entries, and the server accepted the same notifications.
# Over the modem the session works on a logical channel opened with AT+CCHO and closed with
# AT+CCHC after every command (the sim's log shows it).
. "$(dirname "$0")/lib.sh"
exec </dev/null  # never a terminal on stdin: confirmations come from --yes

. "$(dirname "$0")/smdp_lib.sh"
. "$(dirname "$0")/modem_lib.sh"
MADE_ICCID=8944001234567890128

# One order per card (an order is used up once installed), the same profile in both.
cat >"$WORK/orders.json" <<EOF
[{"matchingId": "MADE-PC", "iccid": "$MADE_ICCID", "serviceProviderName": "Tailspin Mobile",
  "profileName": "Tailspin Modem", "profileClass": "test"},
 {"matchingId": "MADE-AT", "iccid": "$MADE_ICCID", "serviceProviderName": "Tailspin Mobile",
  "profileName": "Tailspin Modem", "profileClass": "test"}]
EOF
SMDP_LIFETIME_S=110 start_server flows --pki-dir "$PKI" --orders "$WORK/orders.json"
SMDP_LOG=$LOG

new_state base ".trustedCiCertificates = [\"$PKI/CERT_CI_ECDSA_NIST.der\"]"
cp "$S" "$WORK/pc.json"
cp "$S" "$WORK/at.json"
start_sim modem "$WORK/at.json"
MODEM=$LINK
MODEM_LOG=$SIMLOG
SERVER=(--ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" --notify-attempts 1)

# card_of STATE: the profiles (ICCID, state, nickname) and pending notifications of a state file.
card_of() {
  jq -c '[[.profiles[] | [.iccid, .state, .nickname]], [.notifications[] | [.seqNumber, .event, .iccid]]]' "$1" \
    2>/dev/null || echo unreadable
}

# both NAME ARGS...: esimctl ARGS over pcscd (card pc.json, journal pc.db) and over the modem
# (card at.json, journal at.db); checks the same exit code, stdout and stderr (normalized). In
# ARGS, @SIDE@ becomes PC or AT.
# Leaves OUT/ERR/RC of the modem run and PC_OUT/PC_RC of the pcscd run.
both() {
  local name=$1
  shift
  local args=("$@")
  run_capture "pc_$name" rig --state "$WORK/pc.json" --state-in-place -- \
    "$ESIMCTL" --journal "$WORK/pc.db" "${SERVER[@]}" "${args[@]//@SIDE@/PC}"
  PC_OUT=$OUT PC_ERR=$ERR PC_RC=$RC
  run_capture "at_$name" "$ESIMCTL" --reader "at:$MODEM" --journal "$WORK/at.db" "${SERVER[@]}" "${args[@]//@SIDE@/AT}"
  expect_eq "$name: same exit code over pcscd and the modem" "$PC_RC" "$RC"
  expect_eq "$name: same output" "$(norm <<<"$PC_OUT")" "$(norm <<<"$OUT")"
  expect_eq "$name: same messages" "$(norm <<<"$PC_ERR")" "$(norm <<<"$ERR")"
}

# === reading ===================================================================================
both chip chip info
expect_eq "chip info: exit 0" 0 "$RC"
expect_contains "chip info names the EID" "$EID" "$OUT"
both chip_json --json chip info
expect_eq "chip info --json: the EID" "$EID" "$(jq -r .eid <<<"$OUT")"
both list profile list
expect_contains "profile list: Northwind" "$NORTHWIND" "$OUT"
both list_json --json profile list
expect_eq "profile list --json: three profiles" 3 "$(jq '.profiles | length' <<<"$OUT")"
both notes_empty notification list
expect_eq "no notification yet" "No pending notifications." "$OUT"

# The session over the modem: ATE0 (liveness and echo off in one), the carrier chosen with two
# probes, one logical channel per command.
RX=$(sim_rx "$MODEM_LOG")
expect_eq "modem: each Open starts with ATE0, then the two probes" $'ATE0\nAT+CCHO=?\nAT+CGLA=?' "$(head -3 <<<"$RX")"
expect_eq "modem: no plain AT and no CCHC=? probe" 0 "$(grep -c '^AT$\|^AT+CCHC=?$' <<<"$RX" || true)"
expect_contains "modem: the ISD-R opened with AT+CCHO" 'AT+CCHO="A0000005591010FFFFFFFF8900000100"' "$RX"
expect_eq "modem: every CCHO closed again with CCHC" "$(grep -c '^AT+CCHO="' <<<"$RX")" \
  "$(grep -c '^AT+CCHC=[0-9]' <<<"$RX")"
expect_eq "modem: no CSIM when CGLA works" 0 "$(grep -c '^AT+CSIM=[0-9]' <<<"$RX" || true)"

# === changes, each notification delivered ======================================================
both disable profile disable "$NORTHWIND"
expect_eq "disable: exit 0" 0 "$RC"
expect_contains "disable: delivered" "accepted by $HOST" "$OUT"
both enable profile enable "$CONTOSO"
expect_eq "enable: exit 0" 0 "$RC"
both delete profile delete "$FABRIKAM" --yes
expect_eq "delete: exit 0" 0 "$RC"
expect_contains "delete: removed from the card" "removed from the card" "$OUT"
both nickname profile nickname "$CONTOSO" "Travel"
expect_eq "nickname: exit 0" 0 "$RC"

# === notifications: kept, listed, shown, processed, removed ===================================
both keep profile disable "$CONTOSO" --no-notify
expect_eq "--no-notify: exit 0" 0 "$RC"
SEQ=$(jq '.notifications[0].seqNumber' "$WORK/at.json")
both notes notification list --names
expect_contains "notification list: the kept one" "$SEQ disable" "$(tr -s ' ' <<<"$OUT")"
both notes_json --json notification list
expect_eq "notification list --json: the kept one" "[$SEQ]" "$(jq -c '[.notifications[].seqNumber]' <<<"$OUT")"
both show notification show "$SEQ"
expect_contains "notification show: the eUICC certificate" "eUICC certificate subject" "$OUT"
both process notification process --all
expect_eq "notification process: exit 0" 0 "$RC"
expect_contains "notification process: delivered" "accepted by $HOST" "$OUT"
both keep2 profile enable "$CONTOSO" --no-notify
SEQ2=$(jq '.notifications[0].seqNumber' "$WORK/at.json")
both remove notification remove --yes "$SEQ2"
expect_contains "notification remove: reported" "Notification $SEQ2 removed" "$OUT"

# === download ==================================================================================
both download profile download --yes "LPA:1\$$HOST\$MADE-@SIDE@"
expect_eq "download: exit 0" 0 "$RC"
expect_contains "download: names the ICCID" "$MADE_ICCID" "$OUT"
expect_not_contains "download: the matching ID is not printed" MADE-AT "$OUT$ERR"
both list_after --json profile list --icons
expect_eq "after: the downloaded profile listed" true \
  "$(jq --arg i "$MADE_ICCID" 'any(.profiles[]; .iccid == $i)' <<<"$OUT")"

# === both cards, both journals, the server =====================================================
stop_sim "$SIM_PID"  # the sim writes its card on every change; stopped, nothing is in flight
expect_eq "cards: same profiles and notifications" "$(card_of "$WORK/pc.json")" "$(card_of "$WORK/at.json")"
run_capture pc_journal "$ESIMCTL" --journal "$WORK/pc.db" --json journal list
PC_J=$(jq -c '[.notifications[] | [.seqNumber, .event, .state, .iccid]]' <<<"$OUT")
run_capture at_journal "$ESIMCTL" --journal "$WORK/at.db" --json journal list
expect_eq "journals: same notifications, same states" "$PC_J" \
  "$(jq -c '[.notifications[] | [.seqNumber, .event, .state, .iccid]]' <<<"$OUT")"
expect_eq "server: each notification accepted twice (once per card)" "" \
  "$(jq -s -r '[.[] | select(.verdict == "accepted" and .seqNumber != null) | .seqNumber] | group_by(.) | map(select(length != 2)) | .[] | tostring' "$SMDP_LOG")"
RX=$(sim_rx "$MODEM_LOG")
expect_eq "modem: every CCHO closed again with CCHC (changes and download)" "$(grep -c '^AT+CCHO="' <<<"$RX")" \
  "$(grep -c '^AT+CCHC=[0-9]' <<<"$RX")"

finish
