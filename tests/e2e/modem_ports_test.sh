#!/usr/bin/env bash
# The modem's port as a shared resource, on simulated modems (build/tests/esimctl-modemsim):
#   - a second esimctl on a port another esimctl holds: reader_busy (exit 15), nothing sent;
#   - SIGTERM to esimctl mid-command: the logical channel is closed (AT+CCHC in the sim's log);
#   - `readers --modems` (text and --json) with ESIMCTL_MODEM_PORTS pointing at the links: the
#     modem and its EID, the carrier (cgla, csim); a port held with flock by another program is
#     listed as held and never opened (its sim received nothing);
#   - `--reader at:auto`: one modem with an eUICC is used, two are refused with the list
#     (reader_not_found, exit 12), none is refused too;
#   - --baud and --at-timeout: bad values are usage errors (exit 2) and nothing reaches the port.
. "$(dirname "$0")/lib.sh"
exec </dev/null
. "$(dirname "$0")/modem_lib.sh"
export PCSCLITE_CSOCK_NAME=$WORK/no-such-pcscd.comm
DEFAULT_EID=$(jq -r .eid "$DEFAULT_STATE")

BG_PIDS=()
trap 'for p in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; stop_all_sims; rm -rf "$WORK"' EXIT

# === a second esimctl while one holds the port ================================================
cp "$DEFAULT_STATE" "$WORK/busy.json"
start_sim busy "$WORK/busy.json" --delay-ms 400
BUSY=$LINK
BUSY_LOG=$SIMLOG
"$ESIMCTL" --reader "at:$BUSY" profile list >"$WORK/first.out" 2>"$WORK/first.err" &
FIRST=$!
BG_PIDS+=("$FIRST")
wait_for_line "$BUSY_LOG" '^rx AT\+CCHO=' || fail "the first esimctl never opened its channel"
run_capture second "$ESIMCTL" --reader "at:$BUSY" profile list
expect_eq "second esimctl on a held port: exit 15 (reader_busy)" 15 "$RC"
expect_contains "second esimctl: says another program holds it" "$BUSY" "$ERR"
set +e
wait "$FIRST"
FIRST_RC=$?
set -e
expect_eq "the first esimctl finished normally" 0 "$FIRST_RC"
expect_eq "the second esimctl sent nothing: one ATE0 check in the log, the first's" 1 "$(grep -c '^rx ATE0$' "$BUSY_LOG")"

# === SIGTERM mid-command: the channel is closed ================================================
CCHC_BEFORE=$(grep -c '^rx AT+CCHC=[0-9]' "$BUSY_LOG")
CGLA_BEFORE=$(grep -c '^rx AT+CGLA=[0-9]' "$BUSY_LOG")
"$ESIMCTL" --reader "at:$BUSY" profile list >"$WORK/term.out" 2>"$WORK/term.err" &
TERM_PID=$!
BG_PIDS+=("$TERM_PID")
# Until this run's first APDU reached the modem (its answer takes 400 ms to come).
for _ in $(seq 400); do
  [ "$(grep -c '^rx AT+CGLA=[0-9]' "$BUSY_LOG")" -gt "$CGLA_BEFORE" ] && break
  sleep 0.025
done
expect_eq "SIGTERM: the command was in the middle of an APDU" $((CGLA_BEFORE + 1)) "$(grep -c '^rx AT+CGLA=[0-9]' "$BUSY_LOG")"
kill -TERM "$TERM_PID"
set +e
wait "$TERM_PID"
TERM_RC=$?
set -e
expect_eq "SIGTERM: esimctl ends by the signal (143)" 143 "$TERM_RC"
for _ in $(seq 200); do
  [ "$(grep -c '^rx AT+CCHC=[0-9]' "$BUSY_LOG")" -gt "$CCHC_BEFORE" ] && break
  sleep 0.025
done
expect_eq "SIGTERM: the sim received one more AT+CCHC" $((CCHC_BEFORE + 1)) "$(grep -c '^rx AT+CCHC=[0-9]' "$BUSY_LOG")"
# The killed command's APDU is still answered (400 ms late), then the CCHC: wait until the sim
# has written both (the last log line "tx OK" after the CCHC), as a port is quiet again on a
# real modem before the next program opens it.
for _ in $(seq 200); do
  [ "$(tail -n 2 "$BUSY_LOG" | paste -sd'|')" = "rx AT+CCHC=1|tx OK" ] && break
  sleep 0.025
done
run_capture after_term "$ESIMCTL" --reader "at:$BUSY" --json profile list
expect_eq "after SIGTERM: the next command works" 0 "$RC"
stop_sim

# === readers --modems ============================================================================
cp "$DEFAULT_STATE" "$WORK/m1.json"
start_sim m1 "$WORK/m1.json"
M1=$LINK M1_PID=$SIM_PID
export ESIMCTL_MODEM_PORTS="$WORK/m*.tty"
run_capture modems "$ESIMCTL" readers --modems
expect_eq "readers --modems: exit 0" 0 "$RC"
expect_eq "readers --modems: header" "PORT STATUS AT MODE EID" "$(head -1 <<<"$OUT" | tr -s ' ')"
expect_eq "readers --modems: the modem and its EID" "$M1 free yes cgla $DEFAULT_EID" "$(sed -n 2p <<<"$OUT" | tr -s ' ')"
run_capture modems_json "$ESIMCTL" --json readers --modems
expect_eq "readers --modems --json" \
  "$(jq -cS . <<<"[{\"path\":\"$M1\",\"held\":false,\"answersAt\":true,\"mode\":\"cgla\",\"euicc\":true,\"eid\":\"$DEFAULT_EID\"}]")" \
  "$(jq -cS .modems <<<"$OUT")"
expect_eq "readers --modems: the channel it opened was closed" \
  "$(grep -c '^rx AT+CCHO="' "$WORK/m1.log")" "$(grep -c '^rx AT+CCHC=[0-9]' "$WORK/m1.log")"

# at:auto with one modem
run_capture auto1 "$ESIMCTL" --reader at:auto --json chip info
expect_eq "at:auto, one modem: exit 0" 0 "$RC"
expect_eq "at:auto, one modem: its EID" "$DEFAULT_EID" "$(jq -r .eid <<<"$OUT")"

# A second modem, CSIM only, with another card.
jq '.eid = "89049032123451234512345678901235"' "$DEFAULT_STATE" >"$WORK/m2.json"
start_sim m2 "$WORK/m2.json" --csim-only
M2=$LINK M2_PID=$SIM_PID
run_capture modems2 "$ESIMCTL" --json readers --modems
expect_eq "two modems: both listed, their carriers and EIDs" \
  "$M1 cgla $DEFAULT_EID|$M2 csim 89049032123451234512345678901235" \
  "$(jq -r '[.modems[] | "\(.path) \(.mode) \(.eid)"] | join("|")' <<<"$OUT")"
run_capture auto2 "$ESIMCTL" --reader at:auto chip info
expect_eq "at:auto, two modems: exit 12 (reader_not_found)" 12 "$RC"
expect_contains "at:auto, two modems: names the first" "$M1: eUICC $DEFAULT_EID" "$ERR"
expect_contains "at:auto, two modems: names the second" "$M2: eUICC 89049032123451234512345678901235" "$ERR"
expect_eq "at:auto, two modems: nothing printed on stdout" "" "$OUT"

# === a held port is listed, never opened =======================================================
RX_M2=$(grep -c '^rx ' "$WORK/m2.log")
# Its output away from ours (a leftover sleep would keep ctest's pipe open); ended below, child first.
flock "$M2" sleep 60 >/dev/null 2>&1 </dev/null &
HOLDER=$!
BG_PIDS+=("$HOLDER")
# Bounded wait until the lock is really taken (flock -n fails while it is held).
for _ in $(seq 200); do flock -n "$M2" true 2>/dev/null || break; sleep 0.025; done
run_capture held "$ESIMCTL" --json readers --modems
expect_eq "held port: listed as held, not asked" \
  "$(jq -cS . <<<"{\"path\":\"$M2\",\"held\":true,\"answersAt\":false}")" \
  "$(jq -cS --arg p "$M2" '.modems[] | select(.path == $p) | del(.holder)' <<<"$OUT")"
expect_contains "held port: the holder named" "flock" "$(jq -r --arg p "$M2" '.modems[] | select(.path == $p) | .holder' <<<"$OUT")"
run_capture held_text "$ESIMCTL" readers --modems
expect_contains "held port, text: held by" "held by" "$(grep "$M2" <<<"$OUT")"
expect_eq "held port: its sim received no command" "$RX_M2" "$(grep -c '^rx ' "$WORK/m2.log")"
run_capture auto_held "$ESIMCTL" --reader at:auto --json chip info
expect_eq "at:auto with the other port held: the free modem is used" "0 $DEFAULT_EID" "$RC $(jq -r .eid <<<"$OUT")"
kill $(pgrep -P "$HOLDER") "$HOLDER" 2>/dev/null || true
wait "$HOLDER" 2>/dev/null || true

# === no modem with an eUICC ====================================================================
stop_sim "$M1_PID"
stop_sim "$M2_PID"
run_capture auto0 "$ESIMCTL" --reader at:auto chip info
expect_eq "at:auto, no modem: exit 12" 12 "$RC"
expect_contains "at:auto, no modem: says so" "at:auto" "$ERR"

# === bad --baud / --at-timeout: usage errors, nothing sent =======================================
cp "$DEFAULT_STATE" "$WORK/m3.json"
start_sim m3 "$WORK/m3.json"
for bad in "--baud 12345" "--baud fast" "--at-timeout 0" "--at-timeout -1" "--at-timeout nan" "--at-timeout 601"; do
  # shellcheck disable=SC2086
  run_capture bad "$ESIMCTL" --reader "at:$LINK" $bad chip info
  expect_eq "$bad: exit 2 (usage)" 2 "$RC"
  expect_contains "$bad: names the option" "${bad%% *}" "$ERR"
done
expect_eq "bad options: the sim received nothing" 0 "$(grep -c '^rx ' "$SIMLOG" || true)"
run_capture good "$ESIMCTL" --reader "at:$LINK" --baud 9600 --at-timeout 2.5 --json chip info
expect_eq "--baud 9600 --at-timeout 2.5: works" "0 $DEFAULT_EID" "$RC $(jq -r .eid <<<"$OUT")"
stop_sim

finish
