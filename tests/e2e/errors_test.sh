#!/usr/bin/env bash
# Failures a user meets before any card conversation: each gets a clear message and its own
# documented exit code (docs/exit-codes.md), in text and in --json.
. "$(dirname "$0")/lib.sh"

# pcscd not running: a socket path nobody listens on.
run_capture nosvc env PCSCLITE_CSOCK_NAME="$WORK/no-such.sock" "$ESIMCTL" profile list
expect_eq "pcscd not running: exit code" 10 "$RC"
expect_contains "pcscd not running: message" "pcscd" "$ERR"
run_capture nosvc_json env PCSCLITE_CSOCK_NAME="$WORK/no-such.sock" "$ESIMCTL" --json profile list
expect_eq "pcscd not running --json: exit code" 10 "$RC"
expect_eq "pcscd not running --json: error code" pcscd_not_running "$(jq -r .error.code <<<"$OUT")"
expect_eq "pcscd not running --json: stderr empty" "" "$ERR"

# pcscd running but no reader configured.
run_capture noreader rig --no-reader -- "$ESIMCTL" profile list
expect_eq "no reader: exit code" 11 "$RC"
expect_contains "no reader: message" "reader" "$ERR"

# A reader without a card.
run_capture nocard rig --no-card -- "$ESIMCTL" profile list
expect_eq "no card: exit code" 13 "$RC"
expect_contains "no card: message" "card" "$ERR"

# --reader naming nothing.
run_capture badreader rig -- "$ESIMCTL" --reader "No Such Reader" profile list
expect_eq "unknown reader: exit code" 12 "$RC"
expect_contains "unknown reader: lists readers" "Virtual PCD" "$ERR"

# Wrong --aid: the card has no such application.
run_capture wrongaid rig -- "$ESIMCTL" --aid A0000005591010FFFFFFFF8900000199 profile list
expect_eq "wrong AID: exit code" 20 "$RC"
expect_contains "wrong AID: names the AID" "A0000005591010FFFFFFFF8900000199" "$ERR"

# A smart card that is not an eUICC: every AID in the list is tried, none answers.
run_capture noteuicc rig --vcard-arg --not-euicc -- "$ESIMCTL" --json chip info
expect_eq "not an eUICC: exit code" 20 "$RC"
expect_eq "not an eUICC: error code" not_euicc "$(jq -r .error.code <<<"$OUT")"
expect_contains "not an eUICC: tried the standard AID" "A0000005591010FFFFFFFF8900000100" "$OUT"

# The card disappears after answering the SELECT: removed mid-command.
run_capture removed rig --vcard-arg --exit-after=1 -- "$ESIMCTL" profile list
expect_eq "card removed: exit code" 14 "$RC"
expect_contains "card removed: message" "removed" "$ERR"

# Bad input is rejected before any card I/O (no rig at all: nothing would answer).
run_capture badaid env PCSCLITE_CSOCK_NAME="$WORK/no-such.sock" "$ESIMCTL" --aid XYZ profile list
expect_eq "bad --aid hex: exit code" 3 "$RC"
run_capture usage "$ESIMCTL" profile frobnicate
expect_eq "unknown command: exit code" 2 "$RC"
run_capture usage_json "$ESIMCTL" --json profile frobnicate
expect_eq "unknown command --json: error code" usage "$(jq -r .error.code <<<"$OUT")"

finish
