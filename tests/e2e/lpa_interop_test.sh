#!/usr/bin/env bash
# What a third-party LPA sends, through a real, private pcscd (tests/pcsc-rig.sh) to the virtual
# eUICC behind vpcd (issue 11, point 4; docs/quirks.md, "What the virtual card accepts"):
# a widely used open-source LPA fetches long answers with GET RESPONSE in the proprietary class
# (80 C0 00 00 xx, 81 C0 ... on logical channel 1), which real eUICCs accept. Here a
# GetProfilesInfo without a tag list (BF2D00: well over 256 bytes) is sent in short APDUs and
# its answer fetched that way, on the basic channel and on logical channel 1, on a card that
# answers up to Le at once and on a T=0 style card (--short-apdu: everything through 61xx).
# Each must end 9000 with the whole answer: the same bytes as through 00 C0, and as long as its
# own BER length says.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/session_lib.sh"
export WORK
APDU=$BUILD/tests/pcsc_apdu
[ -x "$APDU" ] || { echo "FAIL: $APDU missing (build target pcsc_apdu)" >&2; exit 1; }
AID=A0000005591010FFFFFFFF8900000100
SELECT0=00A4040010${AID}00
SELECT1=01A4040010${AID}00
GPI0=80E2910003BF2D0000  # GetProfilesInfo, all members, channel 0, Le 00
GPI1=81E2910003BF2D0000  # the same on channel 1

# The whole answer ("= DATA SW" line of pcsc_apdu --get-response) that starts with BF2D.
answer() { grep '^= BF2D' "$WORK/$1.out" | head -1 | cut -d' ' -f2; }
final_sw() { grep '^= BF2D' "$WORK/$1.out" | head -1 | cut -d' ' -f3; }
# 1 when the hex BF2D... is exactly as long as its BER length says (short, 81 or 82 form).
whole() {
  local hex=$1 first len header
  first=$((16#${hex:4:2}))
  case $first in
    129) len=$((16#${hex:6:2})); header=4 ;;
    130) len=$((16#${hex:6:4})); header=5 ;;
    *) len=$first; header=3 ;;
  esac
  echo $(( ${#hex} / 2 == header + len ))
}

for card in plain short; do
  rig_args=()
  [ "$card" = short ] && rig_args=(--vcard-arg=--short-apdu)
  session ${rig_args[@]+"${rig_args[@]}"} -- "
    apdu() { local n=\$1; shift; \"$APDU\" \"\$@\" >\"\$WORK/\$n.out\" 2>&1; echo \$? >\"\$WORK/\$n.rc\"; }
    apdu ${card}_iso --get-response 00 --expect-sw 9000 $SELECT0 $GPI0
    apdu ${card}_80 --get-response 80 --expect-sw 9000 $SELECT0 $GPI0
    apdu ${card}_81 --get-response 81 --expect-sw 9000 0070000001 $SELECT1 $GPI1 0070800100"
  for run in iso 80 81; do
    expect_eq "$card card, GET RESPONSE class $run: every command ends 9000" 0 \
      "$(cat "$WORK/${card}_$run.rc" 2>/dev/null || echo missing)"
    expect_eq "$card card, class $run: the GetProfilesInfo answer ends 9000" 9000 "$(final_sw "${card}_$run")"
    expect_not_contains "$card card, class $run: no 6D00 / 6E00" "6D00" "$(grep '^<' "$WORK/${card}_$run.out" | grep -E '(6D00|6E00)$' || true)"
  done
  iso=$(answer "${card}_iso")
  expect_eq "$card card: the answer is longer than one short APDU" 1 "$(( ${#iso} / 2 > 256 ))"
  expect_eq "$card card: the answer is whole (its BER length)" 1 "$(whole "$iso")"
  expect_contains "$card card: fetched with 80 C0 on channel 0" "> 80C00000" "$(grep '^>' "$WORK/${card}_80.out")"
  expect_eq "$card card: 80 C0 brings the same answer as 00 C0" "$iso" "$(answer "${card}_80")"
  expect_contains "$card card: the channel-1 STORE DATA" "> $GPI1" "$(grep '^>' "$WORK/${card}_81.out")"
  expect_contains "$card card: fetched with 81 C0 on channel 1" "> 81C00000" "$(grep '^>' "$WORK/${card}_81.out")"
  expect_eq "$card card: 81 C0 on channel 1 brings the same answer" "$iso" "$(answer "${card}_81")"
done

finish
