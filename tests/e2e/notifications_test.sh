#!/usr/bin/env bash
# `esimctl notification list|show|remove` end to end through a private pcscd with the virtual
# eUICC behind vpcd: text and JSON against the state file, the APDU cost, exit codes, and that
# bad input sends nothing. (The signature and certificate chain are verified with OpenSSL in
# tests/unit/ops/notification_signature_test.cc.) Each rig run starts from a fresh copy of
# the state, so removals only show within one rig invocation.
. "$(dirname "$0")/lib.sh"

# --- list ---------------------------------------------------------------------------------
run_capture plain rig -- "$ESIMCTL" --trace "$WORK/plain.trace" notification list
expect_eq "list: exit" 0 "$RC"
expect_eq "list: header without names" "SEQ EVENT ICCID ADDRESS" "$(head -1 <<<"$OUT" | tr -s ' ')"
expect_eq "list: seq 8 line" "8 enable 8999010010000001018 smdp.northwind.example" "$(grep '^8 ' <<<"$OUT" | tr -s ' ')"
# SELECT, ListNotification: one STORE DATA.
expect_eq "list: 2 APDU exchanges" 2 "$(grep -c '^>' "$WORK/plain.trace")"

run_capture list rig -- "$ESIMCTL" --trace "$WORK/list.trace" notification list --names
expect_eq "list --names: exit" 0 "$RC"
expect_eq "list: header" "SEQ EVENT ICCID ADDRESS PROFILE" "$(head -1 <<<"$OUT" | tr -s ' ')"
expect_eq "list: three notifications + header" 4 "$(wc -l <<<"$OUT")"
expect_eq "list: seq 8 line" "8 enable 8999010010000001018 smdp.northwind.example Northwind Unlimited" \
  "$(grep '^8 ' <<<"$OUT" | tr -s ' ')"
expect_eq "list: seq 9 names the Contoso profile" "9 install 8999020020000002021 rsp.contoso.example Contoso Travel 5GB" \
  "$(grep '^9 ' <<<"$OUT" | tr -s ' ')"
# SELECT, ListNotification, GetProfilesInfo (5A 92 only).
expect_eq "list: 3 APDU exchanges" 3 "$(grep -c '^>' "$WORK/list.trace")"
expect_contains "list: names asked with tagList 5A 92 only" "5C025A92" "$(grep '^>' "$WORK/list.trace")"

run_capture list_json rig -- "$ESIMCTL" --json notification list --names
expect_eq "list --json: exit" 0 "$RC"
expect_eq "list --json: one document" 1 "$(jq -s length <<<"$OUT")"
expect_eq "list --json: matches the state file's notifications" \
  "$(jq -c '[.notifications[] | [.seqNumber, [.event], .address, .iccid]]' "$DEFAULT_STATE")" \
  "$(jq -c '[.notifications[] | [.seqNumber, .profileManagementOperation, .notificationAddress, .iccid]]' <<<"$OUT")"
expect_eq "list --json: profile names" '["Northwind Unlimited","Northwind Unlimited","Contoso Travel 5GB"]' \
  "$(jq -c '[.notifications[].profileName]' <<<"$OUT")"

jq 'del(.notifications)' "$DEFAULT_STATE" >"$WORK/empty.json"
run_capture empty rig --state "$WORK/empty.json" -- "$ESIMCTL" --trace "$WORK/empty.trace" notification list
expect_eq "empty list: exit" 0 "$RC"
expect_eq "empty list: message" "No pending notifications." "$OUT"
expect_eq "empty list: no GetProfilesInfo (2 exchanges)" 2 "$(grep -c '^>' "$WORK/empty.trace")"
run_capture empty_json rig --state "$WORK/empty.json" -- "$ESIMCTL" --json notification list
expect_eq "empty list --json" '{"notifications":[]}' "$(jq -c . <<<"$OUT")"

# --- show ---------------------------------------------------------------------------------
run_capture show rig -- "$ESIMCTL" --trace "$WORK/show.trace" notification show 8
expect_eq "show: exit" 0 "$RC"
expect_contains "show: event" "enable" "$OUT"
expect_contains "show: address" "smdp.northwind.example" "$OUT"
expect_contains "show: eUICC certificate subject" "eUICC certificate subject" "$OUT"
expect_contains "show: EUM certificate issuer" "EUM certificate issuer" "$OUT"
expect_not_contains "show: no base64 without --raw" "base64" "$OUT"
# One STORE DATA; the ~1.1 KB answer (two certificates) then comes in GET RESPONSEs of 256 bytes.
expect_eq "show: one STORE DATA" 1 "$(grep -c '^> 80E2' "$WORK/show.trace")"
expect_eq "show: SELECT + STORE DATA + 4 GET RESPONSE" 6 "$(grep -c '^>' "$WORK/show.trace")"

run_capture show_json rig -- "$ESIMCTL" --json notification show 8 --raw
expect_eq "show --json: exit" 0 "$RC"
expect_eq "show --json: metadata" "8 enable smdp.northwind.example 8999010010000001018" \
  "$(jq -r '"\(.seqNumber) \(.metadata.profileManagementOperation[0]) \(.metadata.notificationAddress) \(.metadata.iccid)"' <<<"$OUT")"
expect_eq "show --json: 64-byte r||s signature" 128 "$(jq -r '.signature | length' <<<"$OUT")"
expect_contains "show --json: eUICC subject names the EID" "89049032000000000000000012345644" \
  "$(jq -r .euiccCertificate.subject <<<"$OUT")"
expect_eq "show --json: eUICC issuer = EUM subject" "$(jq -r .eumCertificate.subject <<<"$OUT")" \
  "$(jq -r .euiccCertificate.issuer <<<"$OUT")"
DER_HEX=$(jq -r .pendingNotification <<<"$OUT" | base64 -d | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F)
expect_eq "show --raw: DER is an OtherSignedNotification: 30 82 LLLL BF2F" "30 82 BF2F" \
  "${DER_HEX:0:2} ${DER_HEX:2:2} ${DER_HEX:8:4}"
expect_contains "show --raw: DER holds the signature" "5F3740$(jq -r .signature <<<"$OUT")" "$DER_HEX"
run_capture show_json_plain rig -- "$ESIMCTL" --json notification show 8
expect_eq "show --json without --raw: no pendingNotification" null "$(jq -r .pendingNotification <<<"$OUT")"

run_capture show_unknown rig -- "$ESIMCTL" notification show 42
expect_eq "show unknown seq: exit 35" 35 "$RC"
expect_contains "show unknown seq: message" "no pending notification with seqNumber 42" "$ERR"

# --- remove -------------------------------------------------------------------------------
run_capture remove rig -- bash -c '"$1" --trace "$2" notification remove --yes 8 && "$1" --json notification list' \
  _ "$ESIMCTL" "$WORK/remove.trace"
expect_eq "remove: exit" 0 "$RC"
expect_contains "remove: reported" "Notification 8 removed" "$OUT"
expect_eq "remove: the others remain" "[7,9]" "$(sed 1d <<<"$OUT" | jq -c '[.notifications[].seqNumber]')"
expect_eq "remove: one NotificationSent" 1 "$(grep '^> 80E2' "$WORK/remove.trace" | grep -c BF30)"
expect_contains "remove: NotificationSent for 8" "BF3003800108" "$(grep '^>' "$WORK/remove.trace")"

run_capture remove_twice rig -- bash -c '"$1" notification remove --yes 8 && "$1" notification remove --yes 8' _ "$ESIMCTL"
expect_eq "remove again: exit 35" 35 "$RC"
expect_contains "remove again: names the seq" "notification 8" "$ERR"

run_capture remove_json rig -- "$ESIMCTL" --json notification remove --yes 9 7
expect_eq "remove --json: exit" 0 "$RC"
expect_eq "remove --json: in order" '{"operation":"remove","removed":[9,7],"result":"ok"}' "$(jq -c . <<<"$OUT")"

# Every seqNumber is looked up (and journaled) before the first removal: one missing, none removed.
run_capture remove_partial rig -- bash -c '"$1" notification remove --yes 7 42 9; echo "rc=$?"; "$1" --json notification list' _ "$ESIMCTL"
expect_contains "remove with a missing seq: exit 35" "rc=35" "$OUT"
expect_contains "remove with a missing seq: names it" "seqNumber 42" "$ERR"
expect_eq "remove with a missing seq: nothing removed" "[7,8,9]" "$(sed 1d <<<"$OUT" | jq -c '[.notifications[].seqNumber]')"

# Bad input: rejected before any APDU, even when an earlier seq is valid.
run_capture bad rig -- bash -c '"$1" --trace "$2" notification remove 7 abc; echo "rc=$?"; "$1" --json notification list' \
  _ "$ESIMCTL" "$WORK/bad.trace"
expect_contains "remove abc: exit 3" "rc=3" "$OUT"
expect_contains "remove abc: nothing was sent" "nothing was sent to the card" "$ERR"
# The card was never opened, so the trace file is not even created.
expect_eq "remove abc: no STORE DATA in the trace" 0 \
  "$(if [ -e "$WORK/bad.trace" ]; then grep -c '^> 80E2' "$WORK/bad.trace" || true; else echo 0; fi)"
expect_eq "remove abc: 7 still pending" "[7,8,9]" "$(sed 1d <<<"$OUT" | jq -c '[.notifications[].seqNumber]')"
# Without any pcscd: exit 3 (not 10) proves no connection was even attempted.
run_capture bad_nopcscd env PCSCLITE_CSOCK_NAME=/nonexistent/pcscd.comm "$ESIMCTL" notification remove 99999999999999999999
expect_eq "remove overflowing seq: exit 3" 3 "$RC"
run_capture bad_show env PCSCLITE_CSOCK_NAME=/nonexistent/pcscd.comm "$ESIMCTL" --json notification show x1
expect_eq "show bad seq: exit 3" 3 "$RC"
expect_eq "show bad seq: JSON error code" invalid_input "$(jq -r .error.code <<<"$OUT")"

finish
