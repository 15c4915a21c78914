#!/usr/bin/env bash
# Every behaviour knob of esimctl-vcard (VirtualEuicc::Options) works through a real pcscd:
# --latency-ms, --short-apdu, --isdr-aid, --not-euicc, --exit-after,
# --drop-response-after-enable (+ --drop-reconnect-ms) and --sw-6a88-once.
. "$(dirname "$0")/lib.sh"
APDU=$BUILD/tests/pcsc_apdu
SELECT_ISDR=00A4040010A0000005591010FFFFFFFF890000010000
# EnableProfile (BF31) of the disabled 8999020020000002021 (BCD 98992000020000202 0F1),
# refreshFlag false, as one STORE DATA block.
ENABLE_2021=80E2910014BF3111A00C5A0A989920000200002020F1810100
[ -x "$APDU" ] || { echo "FAIL: $APDU missing (build target pcsc_apdu)" >&2; exit 1; }

# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- --latency-ms: every APDU costs at least that long ------------------------------------
t0=$(now_ms)
run_capture latency rig --vcard-arg=--latency-ms=60 -- "$APDU" -q --repeat 5 --expect-sw 9000 "$SELECT_ISDR"
t1=$(now_ms)
expect_eq "--latency-ms: APDUs still answered" 0 "$RC"
run_capture latency_timed rig --vcard-arg=--latency-ms=60 -- "$APDU" -q --timing --repeat 5 "$SELECT_ISDR"
expect_eq "--latency-ms --timing: exit" 0 "$RC"
# pcsc_apdu --timing prints the median round trip; it must include the 60 ms sleep.
median_us=$(grep -o 'median[ =:]*[0-9.]*' <<<"$OUT$ERR" | head -1 | grep -o '[0-9.]*$' || true)
CHECKS=$((CHECKS + 1))
if [ -n "$median_us" ] && awk -v m="$median_us" 'BEGIN{exit !(m >= 60000)}'; then
  echo "ok: --latency-ms 60: median round trip ${median_us} us >= 60000"
else
  fail "--latency-ms 60: median round trip not >= 60000 us: [$median_us] in [$OUT $ERR]"
fi
expect_eq "--latency-ms: 5 APDUs took >= 300 ms end to end" 1 "$(( t1 - t0 >= 300 ))"

# --- --short-apdu: answers come through 61xx + GET RESPONSE --------------------------------
run_capture short rig --vcard-arg=--short-apdu -- "$ESIMCTL" --trace "$WORK/short.trace" --json profile list
expect_eq "--short-apdu: profile list exit" 0 "$RC"
expect_eq "--short-apdu: all three profiles" 3 "$(jq '.profiles | length' <<<"$OUT")"
expect_contains "--short-apdu: a 61xx answer" "61" "$(grep '^<' "$WORK/short.trace" | grep -E '61[0-9A-F]{2}( |$)' || true)"
expect_contains "--short-apdu: GET RESPONSE rounds in the trace" "> 00C00000" "$(grep '^>' "$WORK/short.trace")"
run_capture long rig -- "$ESIMCTL" --trace "$WORK/long.trace" --json profile list
# A normal card needs GET RESPONSE only past 256 bytes with a short Le; T=0 style needs more.
expect_eq "--short-apdu: more GET RESPONSE rounds than a normal card" 1 \
  "$(( $(grep -c '^> 00C0' "$WORK/short.trace") > $(grep -c '^> 00C0' "$WORK/long.trace" || true) ))"
expect_eq "--short-apdu: same profiles as a normal card" "$(jq -c . "$WORK/long.out")" "$(jq -c . <<<"$OUT" 2>/dev/null || true)"
expect_eq "--short-apdu: more exchanges than a normal card" 1 \
  "$(( $(grep -c '^>' "$WORK/short.trace") > $(grep -c '^>' "$WORK/long.trace") ))"

# --- --isdr-aid: a card with the 5ber ISD-R AID is found through the fallback list ---------
AID_5BER=A0000005591010FFFFFFFF8900050500
run_capture fiveber rig --vcard-arg=--isdr-aid=$AID_5BER -- "$ESIMCTL" --trace "$WORK/5ber.trace" --json chip info
expect_eq "--isdr-aid 5ber: chip info exit" 0 "$RC"
expect_eq "--isdr-aid 5ber: EID read" 89049032000000000000000012345644 "$(jq -r .eid <<<"$OUT" 2>/dev/null || true)"
expect_contains "--isdr-aid 5ber: SELECT of the 5ber AID" "> 00A4040010${AID_5BER}" "$(grep '^>' "$WORK/5ber.trace")"
expect_contains "--isdr-aid 5ber: the standard AID is refused" "6A82" "$(grep -A1 '^> 00A4040010A0000005591010FFFFFFFF8900000100' "$WORK/5ber.trace" | grep '^<')"
run_capture fiveber_std rig --vcard-arg=--isdr-aid=$AID_5BER -- "$APDU" --expect-sw 6A82 "$SELECT_ISDR"
expect_eq "--isdr-aid: the standard AID now answers 6A82" 0 "$RC"
run_capture fiveber_aid rig --vcard-arg=--isdr-aid=$AID_5BER -- "$ESIMCTL" --aid $AID_5BER --trace "$WORK/5ber-aid.trace" chip info
expect_eq "--isdr-aid + esimctl --aid: exit" 0 "$RC"
expect_eq "--isdr-aid + esimctl --aid: first SELECT is that AID" "> 00A4040010${AID_5BER}00" \
  "$(grep '^>' "$WORK/5ber-aid.trace" | head -1 | cut -d'#' -f1 | sed 's/ *$//')"
run_capture badaid rig --vcard-arg=--isdr-aid=A000 -- true
expect_eq "--isdr-aid of 2 bytes: the card refuses to start (rig 125)" 125 "$RC"
expect_contains "--isdr-aid of 2 bytes: says why" "5-16 bytes" "$ERR"

# --- --not-euicc ------------------------------------------------------------------------
run_capture noteuicc rig --vcard-arg=--not-euicc -- "$APDU" --expect-sw 6A82 "$SELECT_ISDR"
expect_eq "--not-euicc: SELECT ISD-R answers 6A82" 0 "$RC"
run_capture noteuicc_cli rig --vcard-arg=--not-euicc -- "$ESIMCTL" --json chip info
expect_eq "--not-euicc: esimctl exit 20" 20 "$RC"

# --- --exit-after -----------------------------------------------------------------------
run_capture exitafter rig --vcard-arg=--exit-after=2 -- "$APDU" -q --repeat 10 --expect-error card_removed "$SELECT_ISDR"
expect_eq "--exit-after 2: the card leaves, card_removed" 0 "$RC"
run_capture exitafter_ok rig --vcard-arg=--exit-after=2 -- "$APDU" -q --repeat 2 --expect-sw 9000 "$SELECT_ISDR"
expect_eq "--exit-after 2: the first 2 APDUs are answered" 0 "$RC"

# --- --sw-6a88-once: one ES10 command answered 6A88, not executed; then normal ---------------
run_capture sw6a88 rig --vcard-arg=--sw-6a88-once -- bash -c '
  "$0" -q --expect-sw 9000 "$1" || exit 91
  "$0" "$1" "$2"
  "$0" "$1" "$2"
  echo "STATE $(jq -c "[.profiles[] | .state]" "$ESIMCTL_RIG_STATE")"' "$APDU" "$SELECT_ISDR" "$ENABLE_2021"
expect_eq "--sw-6a88-once: rig exit" 0 "$RC"
expect_contains "--sw-6a88-once: first ES10 command answered 6A88" "< 6A88" "$OUT"
expect_contains "--sw-6a88-once: the retry executes (EnableProfile ok)" "< BF3103800100" "$OUT"
expect_contains "--sw-6a88-once: state after the retry" 'STATE ["disabled","enabled","disabled"]' "$OUT"
expect_eq "--sw-6a88-once: exactly one 6A88" 1 "$(grep -c '^< 6A88' <<<"$OUT")"
# esimctl's exit code for it is checked in profile_ops_test.sh; here: it fails and says 6A88.
run_capture sw6a88_cli rig --vcard-arg=--sw-6a88-once -- "$ESIMCTL" --json chip info
expect_eq "--sw-6a88-once: esimctl chip info fails" 1 "$(( RC != 0 ))"
expect_contains "--sw-6a88-once: esimctl names the SW" "6A88" "$OUT"

# --- --drop-response-after-enable: executed, no R-APDU; the transmit fails at once, the card
# leaves and comes back after --drop-reconnect-ms ------------------------------------------
t0=$(now_ms)
run_capture drop rig --vcard-arg=--drop-response-after-enable -- bash -c '
  "$0" "$1" "$2"; echo "APDU_RC $?"
  "$ESIMCTL_RIG_HELPERS/pcsc_wait" --empty --reader "$ESIMCTL_RIG_READER" --timeout-ms 3000; echo "GONE $?"
  "$ESIMCTL_RIG_HELPERS/pcsc_wait" --present --reader "$ESIMCTL_RIG_READER" --timeout-ms 5000; echo "BACK $?"
  echo "STATE $(jq -c "[.profiles[] | .state]" "$ESIMCTL_RIG_STATE")"
  "$0" -q --expect-sw 9000 "$1"; echo "AFTER $?"' "$APDU" "$SELECT_ISDR" "$ENABLE_2021"
t1=$(now_ms)
expect_eq "--drop-response-after-enable: rig exit" 0 "$RC"
expect_contains "--drop: the transmit fails (no R-APDU)" "APDU_RC 1" "$OUT"
expect_not_contains "--drop: no EnableProfile answer reached the client" "< BF31" "$OUT"
expect_contains "--drop: pcscd sees the card removed" "GONE 0" "$OUT"
expect_contains "--drop: the card comes back" "BACK 0" "$OUT"
expect_contains "--drop: the enable was executed and saved" 'STATE ["disabled","enabled","disabled"]' "$OUT"
expect_contains "--drop: a new connection works" "AFTER 0" "$OUT"
expect_eq "--drop: bounded, no hang (< 10 s)" 1 "$(( t1 - t0 < 10000 ))"
# What the client sees: vsmartcard-vpcd 3.3 turns the vanished answer into a 0-byte R-APDU
# (SCARD_S_SUCCESS), which esimctl's PC/SC reader rejects; a fixed driver would give
# SCARD_E_NOT_TRANSACTED (card_removed). Either is a prompt failure, never a hang.
run_capture drop_err rig --vcard-arg=--drop-response-after-enable -- "$APDU" "$SELECT_ISDR" "$ENABLE_2021"
expect_eq "--drop: pcsc_apdu fails" 1 "$RC"
CHECKS=$((CHECKS + 1))
case "$ERR" in
  *"card_removed"*|*"returned 0 bytes"*) echo "ok: --drop: no R-APDU (card_removed or a 0-byte answer)" ;;
  *) fail "--drop: unexpected client error: $ERR" ;;
esac
# --drop-reconnect-ms 0: the card does not come back.
run_capture drop_gone rig --vcard-arg=--drop-response-after-enable --vcard-arg=--drop-reconnect-ms=0 -- bash -c '
  "$0" "$1" "$2" >/dev/null 2>&1
  "$ESIMCTL_RIG_HELPERS/pcsc_wait" --empty --reader "$ESIMCTL_RIG_READER" --timeout-ms 3000; echo "EMPTY $?"
  "$ESIMCTL_RIG_HELPERS/pcsc_wait" --present --reader "$ESIMCTL_RIG_READER" --timeout-ms 1500 2>/dev/null; echo "PRESENT $?"' \
  "$APDU" "$SELECT_ISDR" "$ENABLE_2021"
expect_contains "--drop-reconnect-ms 0: the reader becomes empty" "EMPTY 0" "$OUT"
expect_not_contains "--drop-reconnect-ms 0: the card stays away" "PRESENT 0" "$OUT"
# Only once: a second enable (of another profile) on the same card is answered normally.
ENABLE_3034=80E2910014BF3111A00C5A0A989930000300003030F4810100
run_capture drop_once rig --vcard-arg=--drop-response-after-enable -- bash -c '
  "$0" "$1" "$2" >/dev/null 2>&1
  "$ESIMCTL_RIG_HELPERS/pcsc_wait" --empty --reader "$ESIMCTL_RIG_READER" --timeout-ms 3000 || exit 92
  "$ESIMCTL_RIG_HELPERS/pcsc_wait" --present --reader "$ESIMCTL_RIG_READER" --timeout-ms 5000 || exit 93
  "$0" "$1" "$3"' "$APDU" "$SELECT_ISDR" "$ENABLE_2021" "$ENABLE_3034"
expect_eq "--drop: fires once; the next enable is answered" 0 "$RC"
expect_contains "--drop: the next enable's answer" "< BF3103800100" "$OUT"

finish
