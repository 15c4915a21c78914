#!/usr/bin/env bash
# The core slice end to end: chip info and profile list through a real, private pcscd with the
# virtual eUICC behind vpcd; text and JSON output; the APDU budget; trace and replay.
. "$(dirname "$0")/lib.sh"
FIVE=$SRC/tests/data/five-profiles.json

# --- readers ------------------------------------------------------------------------------
run_capture readers rig -- "$ESIMCTL" readers
expect_eq "readers: exit" 0 "$RC"
expect_contains "readers: vpcd reader listed" "Virtual PCD 00 00" "$OUT"
expect_contains "readers: the card's ATR" "3B9F96801FC78031E073FE211B633A204E8300900093" "$OUT"
run_capture readers_json rig -- "$ESIMCTL" --json readers
expect_eq "readers --json: card present in reader 0" true "$(jq -r '.readers[0].cardPresent' <<<"$OUT")"
# --names (what shell completion runs on each Tab): the names only, and the card never gets an
# APDU (the card's -v log: listing with identification sends some, --names none).
# shellcheck disable=SC2016
apdus_after='"$1" "${@:2}"; grep -c "> ..\(A40400\|E29100\|700000\)" "$ESIMCTL_RIG_DIR/vcard.log"'
run_capture readers_names rig --vcard-arg -v -- bash -c "$apdus_after" _ "$ESIMCTL" readers --names
expect_eq "readers --names: vpcd's two readers, then no APDU reached the card" \
  $'Virtual PCD 00 00\nVirtual PCD 00 01\n0' "$OUT"
run_capture readers_identify rig --vcard-arg -v -- bash -c "$apdus_after" _ "$ESIMCTL" readers
expect_eq "readers (identifying): the card got APDUs (the check above can fail)" yes \
  "$([ "$(tail -1 <<<"$OUT")" -gt 0 ] 2>/dev/null && echo yes || echo "no: $OUT")"

# --- chip info ----------------------------------------------------------------------------
run_capture chip rig -- "$ESIMCTL" chip info
expect_eq "chip info: exit" 0 "$RC"
expect_contains "chip info: EID" "89049032000000000000000012345644" "$OUT"
expect_contains "chip info: SVN" "2.2.2" "$OUT"
expect_contains "chip info: free memory" "412528 bytes" "$OUT"
expect_contains "chip info: CI key" "F54172BDF98A95D65CBEB88A38A1C11D800A85C3" "$OUT"
expect_contains "chip info: default SM-DP+" "smdp.contoso.example" "$OUT"
expect_contains "chip info: root SM-DS" "lpa.ds.gsma.com" "$OUT"

run_capture chip_json rig -- "$ESIMCTL" --json chip info
expect_eq "chip info --json: exit" 0 "$RC"
expect_eq "chip info --json: one document" 1 "$(jq -s length <<<"$OUT")"
expect_eq "chip info --json: eid" 89049032000000000000000012345644 "$(jq -r .eid <<<"$OUT")"
expect_eq "chip info --json: free NVM" 412528 "$(jq -r .extCardResource.freeNonVolatileMemory <<<"$OUT")"
expect_eq "chip info --json: defaultDpAddress" smdp.contoso.example "$(jq -r .configuredAddresses.defaultDpAddress <<<"$OUT")"

# --- profile list -------------------------------------------------------------------------
run_capture list rig -- "$ESIMCTL" profile list
expect_eq "profile list: exit" 0 "$RC"
expect_contains "profile list: header" "ICCID" "$OUT"
expect_contains "profile list: enabled profile" "8999010010000001018  enabled   operational  Northwind Mobile" "$OUT"
expect_contains "profile list: test profile" "Fabrikam Test Profile" "$OUT"
expect_eq "profile list: three profiles + header" 4 "$(wc -l <<<"$OUT")"

run_capture list_json rig -- "$ESIMCTL" --json profile list
expect_eq "profile list --json: exit" 0 "$RC"
expect_eq "profile list --json: count" 3 "$(jq '.profiles | length' <<<"$OUT")"
expect_eq "profile list --json: member names and enum names" \
  "8999010010000001018 A0000005591010FFFFFFFF8900001000 enabled operational Northwind Mobile Northwind Unlimited Work phone png" \
  "$(jq -r '.profiles[0] | "\(.iccid) \(.isdpAid) \(.profileState) \(.profileClass) \(.serviceProviderName) \(.profileName) \(.profileNickname) \(.iconType)"' <<<"$OUT")"
expect_eq "profile list --json: no icon unless asked" null "$(jq -r '.profiles[0].icon' <<<"$OUT")"
run_capture icons rig -- "$ESIMCTL" --json profile list --icons
expect_contains "profile list --icons: icon bytes (PNG magic) as hex" '"icon": "89504E47' "$OUT"

# --- a hostile card: what it names its profiles never drives the terminal ---------------------
# A profile name with a clear-screen and a window-title sequence, a provider name with a C1 CSI:
# text output shows U+FFFD for each control; JSON keeps the exact text, escaped.
jq '.profiles[1].profileName = "Contoso\u001b[2J\u001b]0;pwned\u0007 Travel" |
    .profiles[1].serviceProviderName = "Con\u009b31mtoso"' "$SRC/vcard/default-state.json" >"$WORK/hostile.json"
run_capture hostile rig --state "$WORK/hostile.json" -- "$ESIMCTL" profile list
expect_eq "hostile names: profile list exit" 0 "$RC"
expect_contains "hostile names: escape sequences shown defused" $'Contoso\xef\xbf\xbd[2J\xef\xbf\xbd]0;pwned\xef\xbf\xbd Travel' "$OUT"
expect_contains "hostile names: C1 control shown defused" $'Con\xef\xbf\xbd31mtoso' "$OUT"
expect_eq "hostile names: no ESC, BEL or C1 byte on the terminal" 0 \
  "$(LC_ALL=C grep -c $'\x1b\\|\x07\\|\xc2\x9b' "$WORK/hostile.out" || true)"
run_capture hostile_json rig --state "$WORK/hostile.json" -- "$ESIMCTL" --json profile list
expect_eq "hostile names --json: exact name kept" "$(printf 'Contoso\033[2J\033]0;pwned\a Travel')" \
  "$(jq -r '.profiles[1].profileName' <<<"$OUT")"
expect_contains "hostile names --json: ESC escaped in the document" 'Contoso\u001b[2J' "$OUT"

# --- the APDU budget (issue 2): five profiles, no icons ------------------------------------
run_capture budget rig --state "$FIVE" -- "$ESIMCTL" --trace "$WORK/basic.trace" profile list
expect_eq "five profiles: exit" 0 "$RC"
expect_eq "five profiles listed" 6 "$(wc -l <<<"$OUT")"
expect_eq "basic channel, exclusive: 3 exchanges" 3 "$(grep -c '^>' "$WORK/basic.trace")"
run_capture budget_shared rig --state "$FIVE" -- "$ESIMCTL" --shared --trace "$WORK/logical.trace" profile list
expect_eq "logical channel: exit" 0 "$RC"
expect_eq "logical channel: 5 exchanges" 5 "$(grep -c '^>' "$WORK/logical.trace")"
expect_eq "logical channel: opened first" "> 0070000001" "$(grep '^>' "$WORK/logical.trace" | head -1)"
expect_contains "logical channel: closed last" "> 007080" "$(grep '^>' "$WORK/logical.trace" | tail -1)"

# --- trace replay reproduces the session offline -------------------------------------------
run_capture replay "$ESIMCTL" --reader "replay:$WORK/basic.trace" profile list
expect_eq "replay: exit" 0 "$RC"
expect_eq "replay: same output as the live run" "$(cat "$WORK/budget.out")" "$OUT"
run_capture replay_other "$ESIMCTL" --reader "replay:$WORK/basic.trace" chip info
expect_eq "replay of a different command: reader error" 16 "$RC"

# --- -v logs APDUs on stderr, stdout unchanged ----------------------------------------------
run_capture verbose rig -- "$ESIMCTL" -v --json profile list
expect_contains "-v: SELECT logged" "> 00A4040010A0000005591010FFFFFFFF890000010000" "$ERR"
expect_eq "-v: stdout still one JSON document" 3 "$(jq '.profiles | length' <<<"$OUT")"

# --- any PC/SC program works under the rig; it passes the exit code through ----------------
run_capture exitcode rig -- sh -c 'test -n "$PCSCLITE_CSOCK_NAME" && exit 7'
expect_eq "rig: passes the command's exit code" 7 "$RC"

finish
