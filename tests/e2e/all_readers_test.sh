#!/usr/bin/env bash
# `--reader all`: read-only commands on every reader holding a card, in parallel, output grouped
# per reader; state-changing commands refuse it. Two virtual eUICCs (different EIDs and profiles)
# sit in the two slots of one private pcscd (vpcd slot 0 from the rig, slot 1 started here).
. "$(dirname "$0")/lib.sh"
exec </dev/null

jq '.eid = "89049032000000000000000000000066" | .profiles |= [.[0]]' "$DEFAULT_STATE" >"$WORK/second.json"

cat >"$WORK/script.sh" <<'SCRIPT'
"$BUILD/esimctl-vcard" --state "$WORK/second.json" --port $((ESIMCTL_RIG_PORT + 1)) >"$WORK/vcard2.log" 2>&1 &
VCARD2=$!
for _ in $(seq 100); do
  [ "$("$ESIMCTL" --json readers | jq '[.readers[] | select(.cardPresent)] | length')" = 2 ] && break
  sleep 0.05
done
"$ESIMCTL" --reader all profile list >"$WORK/text.out" 2>"$WORK/text.err"; echo $? >"$WORK/text.rc"
"$ESIMCTL" --reader all --json chip info >"$WORK/json.out" 2>"$WORK/json.err"; echo $? >"$WORK/json.rc"
"$ESIMCTL" --reader all profile disable --no-notify 8999010010000001018 >"$WORK/change.out" 2>"$WORK/change.err"; echo $? >"$WORK/change.rc"
"$ESIMCTL" --reader all --json profile list >"$WORK/after.out" 2>/dev/null
"$ESIMCTL" readers >"$WORK/readers.out" 2>&1
kill "$VCARD2"; wait "$VCARD2" 2>/dev/null || true
SCRIPT
export ESIMCTL BUILD WORK
rig -- bash "$WORK/script.sh"

expect_eq "profile list on all readers: exit 0" 0 "$(cat "$WORK/text.rc")"
OUT=$(cat "$WORK/text.out")
expect_contains "grouped: slot 0 header" "== Virtual PCD 00 00 ==" "$OUT"
expect_contains "grouped: slot 1 header" "== Virtual PCD 00 01 ==" "$OUT"
expect_eq "each reader lists its own card: 3 + 1 profiles" 4 "$(grep -c '^8999' <<<"$OUT")"
expect_eq "slot 0's block holds the three profiles" 3 \
  "$(sed -n '/== Virtual PCD 00 00 ==/,/== Virtual PCD 00 01 ==/p' <<<"$OUT" | grep -c '^8999')"
expect_eq "chip info --json on all readers: exit 0" 0 "$(cat "$WORK/json.rc")"
expect_eq "chip info --json: one result per reader with its EID" \
  "89049032000000000000000000000066 89049032000000000000000012345644" \
  "$(jq -r '[.readers[].result.eid] | sort | join(" ")' "$WORK/json.out")"
expect_eq "chip info --json: readers named" "Virtual PCD 00 00,Virtual PCD 00 01" \
  "$(jq -r '[.readers[].reader] | sort | join(",")' "$WORK/json.out")"
expect_eq "a state-changing command refuses --reader all: usage exit 2" 2 "$(cat "$WORK/change.rc")"
expect_contains "refusal says why" "read-only commands" "$(cat "$WORK/change.err")"
expect_eq "nothing changed on either card" "enabled enabled" \
  "$(jq -r '[.readers[].result.profiles[] | select(.iccid == "8999010010000001018") | .profileState] | join(" ")' "$WORK/after.out")"
finish
