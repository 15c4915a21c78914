#!/usr/bin/env bash
# `esimctl journal list|show|export` end to end: a journal created on first use (owner-only
# modes), an empty one, one written by tests/rig/journal_fixture.cc with a notification in each
# state, bad IDs and an unusable journal path. These commands never open a card, so every run
# points pcsc-lite at a socket that does not exist: touching a reader would fail with exit 10.
. "$(dirname "$0")/lib.sh"

FIXTURE=$BUILD/tests/journal_fixture
export PCSCLITE_CSOCK_NAME=$WORK/no-such-pcscd.comm
EID=89049032123451234512345678901235

mode() { stat -c %a "$1"; }

# --- a journal that does not exist yet ------------------------------------------------------
NEW=$WORK/state/esimctl/journal.db
run_capture new "$ESIMCTL" --journal "$NEW" journal list
expect_eq "new journal: exit" 0 "$RC"
expect_eq "new journal: message" "The journal holds no notifications." "$OUT"
expect_eq "new journal: file created 0600" 600 "$(mode "$NEW")"
expect_eq "new journal: parent created 0700" 700 "$(mode "$WORK/state/esimctl")"
expect_eq "new journal: grandparent created 0700" 700 "$(mode "$WORK/state")"

# --- an empty journal -----------------------------------------------------------------------
run_capture empty_pending "$ESIMCTL" --journal "$NEW" journal list --pending
expect_eq "empty --pending: exit" 0 "$RC"
expect_eq "empty --pending: message" "The journal holds no pending notifications." "$OUT"
run_capture empty_json "$ESIMCTL" --journal "$NEW" --json journal list
expect_eq "empty --json: exit" 0 "$RC"
expect_eq "empty --json: document" "{\"journal\":\"$NEW\",\"notifications\":[]}" "$(jq -c . <<<"$OUT")"
run_capture empty_export "$ESIMCTL" --journal "$NEW" journal export
expect_eq "empty export: exit" 0 "$RC"
expect_eq "empty export: nothing in it" '[[],[]]' "$(jq -c '[.operations, .notifications]' <<<"$OUT")"
expect_eq "empty export: schema version is a positive number" true "$(jq '.schemaVersion >= 1' <<<"$OUT")"
expect_eq "empty export: names the journal" "$NEW" "$(jq -r .journal <<<"$OUT")"

# --- bad IDs: exit 3 with a message, and a typo creates no journal --------------------------
UNTOUCHED=$WORK/untouched/journal.db
run_capture show_abc "$ESIMCTL" --journal "$UNTOUCHED" journal show abc
expect_eq "show abc: exit 3" 3 "$RC"
expect_contains "show abc: says what an ID is" 'journal ID "abc" is not a positive whole number' "$ERR"
expect_eq "show abc: no journal created" no "$(if [ -e "$WORK/untouched" ]; then echo yes; else echo no; fi)"
for bad in 0 1x 99999999999999999999; do
  run_capture "show_$bad" "$ESIMCTL" --journal "$NEW" journal show "$bad"
  expect_eq "show $bad: exit 3" 3 "$RC"
done
run_capture show_abc_json "$ESIMCTL" --journal "$NEW" --json journal show abc
expect_eq "show abc --json: error code" invalid_input "$(jq -r .error.code <<<"$OUT")"
run_capture show_999 "$ESIMCTL" --journal "$NEW" journal show 999
expect_eq "show 999: exit 3" 3 "$RC"
expect_contains "show 999: names the id" "no notification with id 999" "$ERR"
expect_contains "show 999: names the journal" "$NEW" "$ERR"
run_capture show_999_json "$ESIMCTL" --journal "$NEW" --json journal show 999
expect_eq "show 999 --json: exit 3" 3 "$RC"
expect_eq "show 999 --json: error code" invalid_input "$(jq -r .error.code <<<"$OUT")"
run_capture no_sub "$ESIMCTL" --journal "$NEW" journal
expect_eq "journal without a subcommand: usage, exit 2" 2 "$RC"

# --- a journal that cannot be opened: exit 7 naming the path --------------------------------
for cmd in "list" "show 1" "export"; do
  # shellcheck disable=SC2086 # $cmd is the subcommand and its argument
  run_capture "proc_${cmd%% *}" "$ESIMCTL" --journal /proc/esimctl-no-such/j.db journal $cmd
  expect_eq "unusable journal, $cmd: exit 7" 7 "$RC"
  expect_contains "unusable journal, $cmd: names the path" "/proc/esimctl-no-such/j.db" "$ERR"
done
run_capture proc_json "$ESIMCTL" --journal /proc/esimctl-no-such/j.db --json journal export
expect_eq "unusable journal --json: exit 7" 7 "$RC"
expect_eq "unusable journal --json: error code" journal_unavailable "$(jq -r .error.code <<<"$OUT")"
expect_contains "unusable journal --json: message names the path" "/proc/esimctl-no-such/j.db" \
  "$(jq -r .error.message <<<"$OUT")"

# --- a journal with a notification in each state --------------------------------------------
if [ ! -x "$FIXTURE" ]; then
  fail "$FIXTURE is missing: build the journal_fixture target"
  finish
  exit 1
fi
J=$WORK/fixture/journal.db
mkdir -p "$WORK/fixture"
"$FIXTURE" "$J"

run_capture list "$ESIMCTL" --journal "$J" journal list
expect_eq "list: exit" 0 "$RC"
expect_eq "list: header" "ID EID SEQ EVENT ICCID ADDRESS STATE ATTEMPTS LAST RESULT" \
  "$(head -1 <<<"$OUT" | tr -s ' ')"
expect_eq "list: four notifications + header" 5 "$(wc -l <<<"$OUT")"
expect_contains "list: undelivered, its failed attempt last" \
  "1 $EID 7 enable 8999010010000001018 smdp.example.com undelivered 1 HTTP 500" "$(tr -s ' ' <<<"$OUT")"
expect_contains "list: accepted, still on the card" \
  "2 $EID 8 disable 8999010010000001018 smdp.example.com accepted_on_card 2 HTTP 204" "$(tr -s ' ' <<<"$OUT")"
expect_contains "list: done" "3 $EID 9 install 8999020020000002021 smdp.example.com done 1 HTTP 204" \
  "$(tr -s ' ' <<<"$OUT")"
expect_contains "list: removed without acceptance, no ICCID, never attempted" \
  "4 $EID 10 delete - smdp.example.com removed_undelivered 0 -" "$(tr -s ' ' <<<"$OUT")"

run_capture pending "$ESIMCTL" --journal "$J" journal list --pending
expect_eq "list --pending: exit" 0 "$RC"
expect_eq "list --pending: all but the done one" "1 2 4" "$(sed 1d <<<"$OUT" | awk '{print $1}' | xargs)"

run_capture list_json "$ESIMCTL" --journal "$J" --json journal list
expect_eq "list --json: exit" 0 "$RC"
expect_eq "list --json: one document" 1 "$(jq -s length <<<"$OUT")"
expect_eq "list --json: states by id" \
  '[[1,7,"undelivered"],[2,8,"accepted_on_card"],[3,9,"done"],[4,10,"removed_undelivered"]]' \
  "$(jq -c '[.notifications[] | [.id, .seqNumber, .state]]' <<<"$OUT")"
expect_eq "list --json: no DER" '[]' "$(jq -c '[.notifications[] | select(has("pendingNotification"))]' <<<"$OUT")"
expect_eq "list --json: times in ISO-8601 UTC with ms" '"2026-11-24T20:31:02.123Z"' \
  "$(jq -c '.notifications[0].readAt' <<<"$OUT")"
expect_eq "list --json: the attempt" \
  '[{"at":"2026-11-24T20:31:03.123Z","durationMs":42,"httpStatus":500,"url":"https://smdp.example.com/gsma/rsp2/es9plus/handleNotification"}]' \
  "$(jq -c '.notifications[0].attempts' <<<"$OUT")"
expect_eq "list --json: transport error" '"connection reset by peer"' \
  "$(jq -c '.notifications[1].attempts[0].transportError' <<<"$OUT")"
expect_eq "list --json: absent values are null" '[null,null,null]' \
  "$(jq -c '[.notifications[3].iccid, .notifications[3].acceptedAt, .notifications[3].operationId]' <<<"$OUT")"
run_capture pending_json "$ESIMCTL" --journal "$J" --json journal list --pending
expect_eq "list --pending --json: ids" '[1,2,4]' "$(jq -c '[.notifications[].id]' <<<"$OUT")"

run_capture show "$ESIMCTL" --journal "$J" journal show 1
expect_eq "show 1: exit" 0 "$RC"
expect_contains "show 1: state" "undelivered" "$OUT"
expect_contains "show 1: the operation" "enable 8999010010000001018 on reader Virtual eUICC 00 00" "$OUT"
expect_contains "show 1: the attempt" \
  "2026-11-24T20:31:03.123Z https://smdp.example.com/gsma/rsp2/es9plus/handleNotification: HTTP 500 (42 ms)" "$OUT"
expect_eq "show 1: ends with what is owed" \
  "Not yet accepted by the SM-DP+; still on the card. Deliver it with: esimctl journal retry" "$(tail -1 <<<"$OUT")"
run_capture show4 "$ESIMCTL" --journal "$J" journal show 4
expect_contains "show 4: the journal holds the only copy" "the journal holds the only copy" "$OUT"
run_capture show3 "$ESIMCTL" --journal "$J" journal show 3
expect_contains "show 3: done" "Done" "$(tail -1 <<<"$OUT")"

run_capture show_json "$ESIMCTL" --journal "$J" --json journal show 1
expect_eq "show 1 --json: exit" 0 "$RC"
expect_eq "show 1 --json: DER in base64" vy8DgAEH "$(jq -r .pendingNotification <<<"$OUT")"
expect_eq "show 1 --json: its operation" '["enable",0,"ok"]' \
  "$(jq -c '[.operation.operation, .operation.resultCode, .operation.resultMessage]' <<<"$OUT")"
run_capture show2_json "$ESIMCTL" --journal "$J" --json journal show 2
expect_eq "show 2 --json: no operation" null "$(jq -c .operation <<<"$OUT")"
expect_eq "show 2 --json: accepted at" '"2026-11-24T20:31:05.173Z"' "$(jq -c .acceptedAt <<<"$OUT")"

# export prints JSON with or without --json: it exists for programs.
run_capture export "$ESIMCTL" --journal "$J" journal export
expect_eq "export: exit" 0 "$RC"
expect_eq "export: one operation, four notifications" "1 4" \
  "$(jq -r '"\(.operations | length) \(.notifications | length)"' <<<"$OUT")"
expect_eq "export: every DER" "BF2F03800107 BF2F03800108 BF2F03800109 BF2F0380010A" \
  "$(jq -r '.notifications[].pendingNotification' <<<"$OUT" | while read -r b; do
       base64 -d <<<"$b" | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F; echo; done | xargs)"
expect_eq "export: the operation" '{"eid":"'$EID'","finishedAt":"2026-11-24T20:31:01.123Z","iccid":"8999010010000001018","id":1,"operation":"enable","reader":"Virtual eUICC 00 00","resultCode":0,"resultMessage":"ok","startedAt":"2026-11-24T20:31:00.123Z"}' \
  "$(jq -c '.operations[0]' <<<"$OUT")"
run_capture export_json "$ESIMCTL" --journal "$J" --json journal export
expect_eq "export --json: the same document" "$(jq -c . "$WORK/export.out")" "$(jq -c . <<<"$OUT")"

# Reading changes nothing: the journal says the same after all of the above.
run_capture again "$ESIMCTL" --journal "$J" --json journal list
expect_eq "reads change nothing" "$(jq -c . "$WORK/list_json.out")" "$(jq -c . <<<"$OUT")"

finish
