#!/usr/bin/env bash
# `esimctl decode` on the facts sheet's public vectors, offline (no reader involved).
. "$(dirname "$0")/lib.sh"

run_capture profiles "$ESIMCTL" --json decode BF2D14A012E3105A0A896700000000004523019F700101
expect_eq "ProfileInfoList: exit" 0 "$RC"
expect_eq "ProfileInfoList: iccid" 98760000000000543210 "$(jq -r '.. | objects | .iccid? // empty' <<<"$OUT" | head -1)"
expect_eq "ProfileInfoList: state" enabled "$(jq -r '.. | objects | .profileState? // empty' <<<"$OUT" | head -1)"

run_capture list "$ESIMCTL" --json decode BF282BA029BF2F11800101810204100C08736D64702E636F6DBF2F12800102810204200C09736D6470322E636F6D
expect_eq "ListNotification: exit" 0 "$RC"
expect_eq "ListNotification: addresses" "smdp.com smdp2.com" "$(jq -r '[.. | objects | .notificationAddress? // empty] | join(" ")' <<<"$OUT")"

# An address that is not UTF-8 (F7 8C 9B 8F, D1 9C is "ќ") and holds a control byte (10): the
# fuzz finding of decode_command. JSON shows U+FFFD for each bad byte; text shows no raw control.
BAD=BF282BA029BF2F11800101810204BF0C08F78C9B8FD19C106BBF2F128001028102041B0C09736D6470322E636F6D
run_capture bad_utf8 "$ESIMCTL" --json decode $BAD
expect_eq "address not UTF-8 (--json): exit" 0 "$RC"
expect_eq "address not UTF-8 (--json): U+FFFD per bad byte, control escaped" \
  "$(printf '\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xd1\x9c\x10k smdp2.com')" \
  "$(jq -r '[.. | objects | .notificationAddress? // empty] | join(" ")' <<<"$OUT")"
run_capture bad_utf8_text "$ESIMCTL" decode $BAD
expect_eq "address not UTF-8 (text): exit" 0 "$RC"
expect_contains "address not UTF-8 (text): shown defused" \
  "$(printf 'notificationAddress: \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xd1\x9c\xef\xbf\xbdk')" "$OUT"

# Android's out-of-order variant must be reported, not silently mis-decoded.
run_capture ooo "$ESIMCTL" decode BF282BA029BF2F118001010C08736D64702E636F6D81020410BF2F128001020C09736D6470322E636F6D81020420
expect_eq "out-of-order member: exit (invalid input)" 3 "$RC"
expect_contains "out-of-order member: says so" "order" "$ERR"

run_capture text "$ESIMCTL" decode BF3C148008534D44502E434F4D8108736D64732E636F6D
expect_eq "addresses text: exit" 0 "$RC"
expect_contains "addresses text: default SM-DP+" "SMDP.COM" "$OUT"
expect_contains "addresses text: root SM-DS" "smds.com" "$OUT"

run_capture stdin bash -c "echo BF3303800100 | '$ESIMCTL' --json decode -"
expect_eq "stdin: exit" 0 "$RC"
expect_contains "stdin: delete result" "ok" "$OUT"

run_capture badhex "$ESIMCTL" decode BF3
expect_eq "odd hex: exit" 3 "$RC"
run_capture garbage "$ESIMCTL" --json decode 0102
expect_eq "not ES10: exit" 3 "$RC"
expect_eq "not ES10: json error" invalid_input "$(jq -r .error.code <<<"$OUT")"

finish
