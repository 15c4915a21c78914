#!/usr/bin/env bash
# Download preview and confirmation end to end (issue 13 §1), through a private pcscd with the
# virtual eUICC behind vpcd and the local test SM-DP+:
#   --preview (text and --json): the offered profile (ICCID, provider, name, class, icon type,
#     rules, SM-DP+), exit 0, nothing installed, the session cancelled as postponed (1) before
#     PrepareDownload, and the order still usable;
#   no terminal and no --yes: exit 5 after authenticateClient, cancelled as postponed, never
#     prepared, the order still usable;
#   on a pseudo-terminal (pty-confirm --dialog): the question answered "yes", the required
#     confirmation code typed at a prompt that does not echo it; the code appears nowhere (terminal,
#     -v APDU log, --trace file, journal); answering "no" cancels with endUserRejection (0), exit 6.
. "$(dirname "$0")/lib.sh"
exec </dev/null

. "$(dirname "$0")/smdp_lib.sh"
PTY=$BUILD/tests/pty-confirm
ICCID=8944001234567890128
CC_ICCID=8944001234567890136
CODE=80417
ICON_B64=$(jq -r '.profiles[0].icon' "$DEFAULT_STATE")
base64 -d <<<"$ICON_B64" >"$WORK/icon.png"
cat >"$WORK/orders.json" <<EOF2
[
  {"matchingId": "LOOK", "iccid": "$ICCID", "serviceProviderName": "Tailspin Mobile",
   "profileName": "Tailspin Look", "profileClass": "test", "iconPng": "$WORK/icon.png"},
  {"matchingId": "NOTTY", "iccid": "$ICCID", "serviceProviderName": "Tailspin Mobile", "profileName": "No TTY"},
  {"matchingId": "TYPED", "iccid": "$CC_ICCID", "serviceProviderName": "Tailspin Mobile",
   "profileName": "Typed", "confirmationCode": "$CODE"},
  {"matchingId": "SAYNO", "iccid": "$ICCID", "serviceProviderName": "Tailspin Mobile", "profileName": "Say No"}
]
EOF2

# esim NAME ARGS...: esimctl through the rig on card $S, journal $J (no terminal).
esim() {
  local name=$1
  shift
  run_capture "$name" rig --state "$S" --state-in-place -- "$ESIMCTL" \
    --journal "$J" --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" --notify-attempts 1 "$@"
}
# on_pty NAME [--expect T --send A]... -- ESIMCTL-ARGS...: the same on a pseudo-terminal.
on_pty() {
  local name=$1
  shift
  local dialog=()
  while [ "$1" != -- ]; do dialog+=("$1"); shift; done
  shift
  run_capture "$name" rig --state "$S" --state-in-place -- "$PTY" --dialog "${dialog[@]}" -- "$ESIMCTL" \
    --journal "$J" --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" --notify-attempts 1 "$@"
}
calls() {  # calls TRANSACTION-ID: the ES9+ functions logged for the session, space-separated
  jq -r --arg t "$1" 'select(.transactionId == $t and .function != null) | .function' "$LOG" | tr '\n' ' ' | sed 's/ $//'
}
cancel_reason() { jq -r --arg t "$1" 'select(.function == "cancelSession" and .transactionId == $t) | .reason' "$LOG" | tail -1; }
order_state() { jq -r --arg m "$1" 'select(.event == "order" and .matchingId == $m) | .state' "$LOG" | tail -1; }
last_download() { "$ESIMCTL" --journal "$J" journal export | jq -c '.downloads | last'; }
has_profile() {
  run_capture "view" rig --state "$S" --state-in-place -- "$ESIMCTL" --json profile list
  jq --arg i "$1" '.profiles | any(.[]; .iccid == $i)' <<<"$OUT"
}

start_server preview --pki-dir "$PKI" --orders "$WORK/orders.json"
new_state look '.trustedCiCertificates = ["'"$PKI"'/CERT_CI_ECDSA_NIST.der"]'
J=$WORK/look.db

# --- 1. --preview ------------------------------------------------------------------------------
esim preview_text profile download --preview "LPA:1\$$HOST\$LOOK"
expect_eq "preview: exit 0" 0 "$RC"
for field in "ICCID:     $ICCID" "Provider:  Tailspin Mobile" "Name:      Tailspin Look" "Class:     test" \
             "Icon:      PNG" "Rules:     none" "SM-DP+:    $HOST" "Preview only"; do
  expect_contains "preview text shows $field" "$field" "$OUT"
done
TID=$(last_download | jq -r .transactionId)
expect_eq "preview: the session was cancelled as postponed before PrepareDownload" \
  "initiateAuthentication authenticateClient cancelSession" "$(calls "$TID")"
expect_contains "preview: the server logged postponed (1)" "postponed (1)" "$(cancel_reason "$TID")"
expect_eq "preview: the order is released again" released "$(order_state LOOK)"
expect_eq "preview: journal: postponed, finished" "1 true" "$(last_download | jq -r '"\(.cancelReason) \(.finished)"')"
expect_eq "preview: nothing installed" false "$(has_profile "$ICCID")"
esim preview_json --json profile download --preview "LPA:1\$$HOST\$LOOK"
expect_eq "preview --json: exit 0" 0 "$RC"
expect_eq "preview --json: operation, result, iccid, iconType, class" \
  "download-preview previewed $ICCID png test" \
  "$(jq -r '"\(.operation) \(.result) \(.profile.iccid) \(.iconType) \(.profile.profileClass)"' <<<"$OUT" 2>/dev/null || echo unreadable)"
expect_eq "preview --json: the journal entry (postponed) and the card read back" "1 false" \
  "$(jq -r '"\(.journalEntry.cancelReason) \(.cardHolds.present)"' <<<"$OUT" 2>/dev/null || echo unreadable)"
expect_not_contains "preview --json: no matching ID in the receipt" '"LOOK"' "$OUT"

# --- 2. no terminal, no --yes -------------------------------------------------------------------
esim notty profile download "LPA:1\$$HOST\$NOTTY"
expect_eq "no terminal: exit 5 (confirmation required)" 5 "$RC"
expect_contains "no terminal: says postponed and --yes" "postponed (1)" "$ERR"
TID=$(last_download | jq -r .transactionId)
expect_eq "no terminal: refused before PrepareDownload (no getBoundProfilePackage)" \
  "initiateAuthentication authenticateClient cancelSession" "$(calls "$TID")"
expect_contains "no terminal: server logged postponed (1)" "postponed (1)" "$(cancel_reason "$TID")"
esim notty_yes profile download --yes "LPA:1\$$HOST\$NOTTY"
expect_eq "no terminal: the order stayed usable (--yes downloads it, exit 0)" 0 "$RC"

# --- 3. on a terminal: yes, and the hidden confirmation code -------------------------------------
on_pty typed --expect "Type yes" --send $'yes\n' --expect "confirmation code" --send "$CODE"$'\n' -- \
  -v --trace "$WORK/typed.trace" profile download "LPA:1\$$HOST\$TYPED"
expect_eq "pty: exit 0" 0 "$RC"
expect_contains "pty: the profile was shown before the question" "Name:      Typed" "$OUT"
expect_contains "pty: the answer yes is echoed" "yes" "$OUT"
expect_contains "pty: installed" "installed (disabled)" "$OUT"
expect_not_contains "pty: the typed code is not echoed on the terminal (nor in -v output)" "$CODE" "$OUT"
expect_not_contains "pty: the code is not in the APDU trace" "$CODE" "$(cat "$WORK/typed.trace")"
expect_not_contains "pty: the code is not in the journal" "$CODE" "$(sqlite3 "$J" .dump)"
expect_eq "pty: installed on the card" true "$(has_profile "$CC_ICCID")"

# --- 4. on a terminal: no ------------------------------------------------------------------------
new_state sayno '.trustedCiCertificates = ["'"$PKI"'/CERT_CI_ECDSA_NIST.der"]'
on_pty sayno --expect "Type yes" --send $'no\n' -- profile download "LPA:1\$$HOST\$SAYNO"
expect_eq "pty no: exit 6 (not confirmed)" 6 "$RC"
TID=$(last_download | jq -r .transactionId)
expect_contains "pty no: cancelled with endUserRejection (0)" "endUserRejection (0)" "$(cancel_reason "$TID")"
expect_eq "pty no: nothing installed" false "$(has_profile "$ICCID")"

stop_server
finish
