#!/usr/bin/env bash
# Extended-length APDUs through a real, private pcscd (tests/pcsc-rig.sh) with the virtual eUICC
# behind vpcd: a card whose ATR offers T=1 and extended Lc/Le (esimctl-vcard --extended-length)
# gets one extended STORE DATA per ES10 request and answers it whole, so a 50-profile list
# with icons takes 2 exchanges (SELECT, one STORE DATA) instead of ~200; a card that announces extended
# length but refuses it (--reject-extended, 6700 without executing) still works through the
# fallback to short APDUs, and a state change is executed exactly once, also when the state
# change itself is the refused command (--reject-extended-for BF32); --apdu-length short
# sends no extended APDU; the output is the same in every case. pcscd must negotiate T=1 for
# the extended card (esimctl readers shows the protocol of its own connection).
. "$(dirname "$0")/lib.sh"
export ESIMCTL WORK BUILD
I1=8999010010000001018  # enabled  (default-state.json)
I2=8999020020000002021  # disabled
I3=8999030030000003034  # disabled, test profile
DEF_NOTES="7:install:$I1 8:enable:$I1 9:install:$I2"
EXT_ATR=3B9F96811FC78031E073FE215B633A204E83009000D2  # T=1, capabilities 5B, TCK D2
DEF_ATR=3B9F96801FC78031E073FE211B633A204E8300900093

. "$(dirname "$0")/session_lib.sh"
# C-APDUs in a trace, and those of them in extended form: after the 4 header bytes a short APDU
# has a non-zero Lc or is exactly 5 bytes; an extended one has a 00 byte and more after it.
apdus() { grep -c '^> ' "$WORK/$1.trace" || true; }
# data_of '> C-APDU': the command's data field, from its short or extended Lc.
data_of() {
  local h=${1#> }
  if [ "${h:8:2}" = 00 ]; then echo "${h:14:$((2 * 16#${h:10:4}))}"; else echo "${h:10:$((2 * 16#${h:8:2}))}"; fi
}
extended_apdus() { grep -cE '^> [0-9A-F]{8}00[0-9A-F]+' "$WORK/$1.trace" || true; }

# 47 more profiles, each with a 1000-byte icon (SGP.22 allows 1024), next to the demo's three:
# about 51 KB of ProfileInfo, as in quirks_test.sh.
ICON=$(head -c 1000 /dev/urandom | base64 -w0)
jq --arg icon "$ICON" '.profiles += [range(47) as $i | {
    iccid: ("89990500000000" + ("00000" + ($i|tostring))[-5:]),
    isdpAid: ("A0000005591010FFFFFFFF890000" + ("0000" + (($i + 8192)|tostring))[-4:]),
    state: "disabled", profileName: ("Bulk profile " + ($i|tostring)),
    serviceProviderName: "Extended Telecom", iconType: "png", icon: $icon }]' \
  "$DEFAULT_STATE" >"$WORK/fifty.json"

# ============ the default card: T=0, short APDUs (the reference run) ============================
session --state "$WORK/fifty.json" -- "
  run def_readers --json readers
  run def_list --json --trace \"\$WORK/def_list.trace\" profile list --icons
  run def_forced --json --apdu-length extended --trace \"\$WORK/def_forced.trace\" profile list --icons"
load def_readers
expect_eq "default card: readers exit 0" 0 "$RC"
expect_eq "default card: ATR offers T=0 only" "$DEF_ATR" "$(js '.readers[0].atr')"
expect_eq "default card: pcscd negotiated T=0, no extended length" "T=0 false" \
  "$(js '.readers[0] | "\(.protocol) \(.extendedLength)"')"
load def_list
expect_eq "default card: 50 profiles with icons, exit 0" "0 50" "$RC $(js '.profiles | length')"
expect_eq "default card: no extended APDU" 0 "$(extended_apdus def_list)"
DEF_APDUS=$(apdus def_list)
load def_forced
# --apdu-length extended: for cards that support extended length without saying so (this one
# accepts extended APDUs whatever its ATR says, and vpcd carries them even over T=0).
expect_eq "--apdu-length extended on the default card: exit 0" 0 "$RC"
expect_eq "--apdu-length extended: output identical" "$(cat "$WORK/def_list.out")" "$OUT"
expect_eq "--apdu-length extended: SELECT + one extended STORE DATA" "2 1" "$(apdus def_forced) $(extended_apdus def_forced)"

# ============ --extended-length: T=1 negotiated, one extended STORE DATA per request ============
session --state "$WORK/fifty.json" --vcard-arg=--extended-length -- "
  run ext_readers --json readers
  run ext_readers_text readers
  run ext_list --json --trace \"\$WORK/ext_list.trace\" profile list --icons
  run ext_text -v profile list
  run ext_short --json --apdu-length short --trace \"\$WORK/ext_short.trace\" profile list --icons"
load ext_readers
expect_eq "extended card: readers exit 0" 0 "$RC"
expect_eq "extended card: the ATR offers T=1 and extended Lc/Le" "$EXT_ATR" "$(js '.readers[0].atr')"
expect_eq "extended card: pcscd negotiated T=1, extended length offered" "T=1 true" \
  "$(js '.readers[0] | "\(.protocol) \(.extendedLength)"')"
expect_eq "extended card: still read as an eUICC" true "$(js '.readers[0].euicc')"
load ext_readers_text
expect_contains "extended card: readers (text) APDU column" "extended T=1" "$(grep '00 00' <<<"$OUT")"
load ext_list
expect_eq "extended card: 50 profiles with icons, exit 0" "0 50" "$RC $(js '.profiles | length')"
expect_eq "extended card: output identical to the short-APDU run" "$(cat "$WORK/def_list.out")" "$OUT"
EXT_APDUS=$(apdus ext_list)
expect_eq "extended card: SELECT + one extended STORE DATA, no GET RESPONSE" 2 "$EXT_APDUS"
expect_eq "extended card: the STORE DATA went extended (Le 0000)" 1 "$(extended_apdus ext_list)"
expect_eq "extended card: the whole ~51 KB answer came at once" 0 "$(grep -c '^> 00C0' "$WORK/ext_list.trace" || true)"
expect_eq "extended card: far fewer exchanges than short APDUs (x20)" 1 "$(( EXT_APDUS * 20 < DEF_APDUS ))"
echo "info: 50 profiles with icons: $DEF_APDUS exchanges with short APDUs, $EXT_APDUS with extended"
load ext_text
expect_eq "extended card: text list exit 0" 0 "$RC"
expect_contains "extended card: -v logs the extended STORE DATA" "> 80E2910000" "$ERR"
load ext_short
expect_eq "--apdu-length short: exit 0" 0 "$RC"
expect_eq "--apdu-length short: output identical" "$(cat "$WORK/def_list.out")" "$OUT"
expect_eq "--apdu-length short: no extended APDU" 0 "$(extended_apdus ext_short)"
expect_eq "--apdu-length short: GET RESPONSE rounds again" 1 "$(( $(grep -c '^> 00C0' "$WORK/ext_short.trace" || true) > 50 ))"

# ============ --reject-extended: the ATR says yes, the card answers 6700: fallback ==============
session --state "$WORK/fifty.json" --vcard-arg=--reject-extended -- "
  run rej_list --json -v --trace \"\$WORK/rej_list.trace\" profile list --icons
  run rej_dis --json -v --journal \"\$WORK/rej.db\" --trace \"\$WORK/rej_dis.trace\" profile disable --no-notify $I1
  run rej_after --json profile list
  snap rej"
load rej_list
expect_eq "refused extended length: list exit 0" 0 "$RC"
expect_eq "refused extended length: output identical" "$(cat "$WORK/def_list.out")" "$OUT"
expect_eq "refused extended length: one extended APDU, answered 6700" "1 6700" \
  "$(extended_apdus rej_list) $(grep -A1 -E '^> [0-9A-F]{8}00[0-9A-F]+' "$WORK/rej_list.trace" | grep '^<' | tr -d '< ')"
REFUSED=$(grep -A2 -E '^> [0-9A-F]{8}00[0-9A-F]+' "$WORK/rej_list.trace" | grep '^>' || true)
expect_eq "refused extended length: the same request re-sent short right after" \
  "$(data_of "$(sed -n 1p <<<"$REFUSED")")" "$(data_of "$(sed -n 2p <<<"$REFUSED")")"
expect_eq "refused extended length: ...as a short APDU" "80E2910" "$(sed -n 2p <<<"$REFUSED" | cut -c3-9)"
expect_eq "refused extended length: one exchange more than short APDUs" "$((DEF_APDUS + 1))" "$(apdus rej_list)"
expect_contains "refused extended length: -v says the session fell back" \
  "# the card refused an extended-length APDU (6700, not executed); short APDUs from now on" "$ERR"
load rej_dis
expect_eq "refused extended length: disable exit 0" 0 "$RC"
expect_eq "refused extended length: disable result ok" ok "$(js .result)"
# Every command starts with GetEID, so that is the refused one here (unit test
# StateChangeThroughTheFallbackIsExecutedOnce has the state change itself refused); the disable
# (BF32) is sent once, short, and answered once with success.
expect_eq "refused extended length: DisableProfile sent once and executed once" "1 1" \
  "$(grep -c '^> 80E2.*BF32' "$WORK/rej_dis.trace" || true) $(grep -A1 '^> 80E2.*BF32' "$WORK/rej_dis.trace" | grep -c '^< .*9000$' || true)"
expect_eq "refused extended length: at most one extended APDU, answered 6700" "1 1" \
  "$(extended_apdus rej_dis) $(grep -c '^< 6700$' "$WORK/rej_dis.trace" || true)"
load rej_after
expect_eq "refused extended length: list shows the profile disabled" disabled \
  "$(js ".profiles[] | select(.iccid == \"$I1\") | .profileState")"
expect_eq "refused extended length: disabled on the card" "$I1=disabled $I2=disabled $I3=disabled" \
  "$(states rej | cut -d' ' -f1-3)"
expect_eq "refused extended length: exactly one disable notification" "$DEF_NOTES 10:disable:$I1" "$(notes rej)"

# ============ --reject-extended-for BF32: the state change itself is the refused command ========
# GetEID, GetProfilesInfo and ListNotification go through in extended form; DisableProfile (BF32)
# is answered 6700 without being executed, re-sent short at once and executed exactly once.
session --state "$DEFAULT_STATE" --vcard-arg=--reject-extended-for=BF32 -- "
  run rejf_dis --json -v --journal \"\$WORK/rejf.db\" --trace \"\$WORK/rejf_dis.trace\" profile disable --no-notify $I1
  snap rejf"
load rejf_dis
expect_eq "refused extended state change: disable exit 0" 0 "$RC"
expect_eq "refused extended state change: disable result ok" ok "$(js .result)"
REJF_BF32=$(grep -A1 '^> 80E2.*BF32' "$WORK/rejf_dis.trace" || true)
expect_eq "refused extended state change: BF32 sent twice, refused once (6700), executed once" "2 1 1" \
  "$(grep -c '^> ' <<<"$REJF_BF32") $(grep -c '^< 6700$' <<<"$REJF_BF32") $(grep -c '^< .*9000$' <<<"$REJF_BF32")"
expect_eq "refused extended state change: the refused one extended, the executed one short" "1 0" \
  "$(grep '^> ' <<<"$REJF_BF32" | sed -n 1p | grep -cE '^> [0-9A-F]{8}00[0-9A-F]+') $(grep '^> ' <<<"$REJF_BF32" | sed -n 2p | grep -cE '^> [0-9A-F]{8}00[0-9A-F]+')"
expect_eq "refused extended state change: the same request both times" \
  "$(data_of "$(grep '^> ' <<<"$REJF_BF32" | sed -n 1p)")" "$(data_of "$(grep '^> ' <<<"$REJF_BF32" | sed -n 2p)")"
expect_eq "refused extended state change: GetEID, GetProfilesInfo, ListNotification extended before it" 4 \
  "$(extended_apdus rejf_dis)"
expect_contains "refused extended state change: -v says the session fell back" \
  "# the card refused an extended-length APDU (6700, not executed); short APDUs from now on" "$ERR"
expect_eq "refused extended state change: disabled on the card" "$I1=disabled $I2=disabled $I3=disabled" \
  "$(states rejf | cut -d' ' -f1-3)"
expect_eq "refused extended state change: exactly one disable notification" "$DEF_NOTES 10:disable:$I1" "$(notes rejf)"
expect_eq "refused extended state change: the notification is journaled" 1 \
  "$("$ESIMCTL" --journal "$WORK/rejf.db" --json journal list | jq '[.notifications[] | select(.event == "disable")] | length')"

# ============ replay: a trace of an extended session replays byte for byte ======================
# The replay reader offers extended length when the trace holds an extended APDU, so the same
# decisions (and the same fallback) are taken again without the card.
run_capture replay_ext "$ESIMCTL" --json --reader "replay:$WORK/ext_list.trace" profile list --icons
expect_eq "replay of the extended session: exit 0, same output" "0 same" \
  "$RC $([ "$OUT" = "$(cat "$WORK/def_list.out")" ] && echo same || echo different)"
run_capture replay_rej "$ESIMCTL" --json --reader "replay:$WORK/rej_list.trace" profile list --icons
expect_eq "replay of the refused-then-short session: exit 0, same output" "0 same" \
  "$RC $([ "$OUT" = "$(cat "$WORK/def_list.out")" ] && echo same || echo different)"

# ============ --apdu-length: bad value is a usage error, nothing sent ==========================
run_capture bad "$ESIMCTL" --apdu-length long --reader /nonexistent profile list
expect_eq "--apdu-length long: usage error (exit 2)" 2 "$RC"
expect_contains "--apdu-length long: names the option" "--apdu-length" "$ERR"

finish
