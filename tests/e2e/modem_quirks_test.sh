#!/usr/bin/env bash
# Modem behaviours esimctl handles (docs/quirks.md, "Modems"), each on its own simulated modem
# (build/tests/esimctl-modemsim) with a fresh copy of the card: the same commands (chip info
# --json, profile list --json, a nickname change, the list read back) give the same results as on
# a plain modem, and the sim's log shows the behaviour was really exercised:
#   unsolicited lines at random moments (--urc-seed), the same with answers in pieces (--split);
#   CCHO answering the bare "<sid>" line (--ccho-plain); session ids that are not channel
#   numbers (--session-offset 7); no CCHO/CGLA at all, everything through AT+CSIM with esimctl's
#   own MANAGE CHANNEL and SELECT (--csim-only); every channel left open by a crashed LPA
#   (--stale-channels: esimctl closes them and goes on); slow answers (--delay-ms) within
#   --at-timeout; and a dropped answer (--drop-answer) on a read: a clear error naming the
#   timeout, nothing changed, and the next command works.
. "$(dirname "$0")/lib.sh"
exec </dev/null
. "$(dirname "$0")/modem_lib.sh"
# Nothing may reach pcscd: every card here is behind a modem.
export PCSCLITE_CSOCK_NAME=$WORK/no-such-pcscd.comm
CONTOSO=8999020020000002021
ISDR=A0000005591010FFFFFFFF8900000100

# run_set NAME [ESIMCTL OPTIONS...]: the commands on the sim at $LINK; RESULT is what they
# printed (one line per command: exit code and normalized stdout), and the card's final state.
run_set() {
  local name=$1
  shift
  local results="" step
  for step in "chip:--json chip info" "list:--json profile list" "nick:profile nickname $CONTOSO Modem" \
              "after:--json profile list"; do
    # shellcheck disable=SC2086 # the step's words are meant to split
    run_capture "${name}_${step%%:*}" "$ESIMCTL" --reader "at:$LINK" "$@" ${step#*:}
    results+="${step%%:*} rc=$RC $( (jq -c . <<<"$OUT" 2>/dev/null || echo "$OUT") | norm | tr -d '\n')"$'\n'
    [ "$RC" = 0 ] || echo "[$name ${step%%:*}] $ERR" >&2
  done
  RESULT=$results
}

# variant NAME SIM-OPTIONS... [-- ESIMCTL-OPTIONS...]: a fresh card behind a sim started with the
# options, run_set on it, the results compared with the plain modem's.
variant() {
  local name=$1 sim_opts=() cli_opts=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sim_opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  cli_opts=("$@")
  cp "$DEFAULT_STATE" "$WORK/$name.json"
  start_sim "$name" "$WORK/$name.json" ${sim_opts[@]+"${sim_opts[@]}"}
  run_set "$name" ${cli_opts[@]+"${cli_opts[@]}"}
  expect_eq "$name: same results as the plain modem" "$BASELINE" "$RESULT"
  stop_sim
  RX=$(sim_rx "$SIMLOG")
}

# === the plain modem: the reference =============================================================
cp "$DEFAULT_STATE" "$WORK/plain.json"
start_sim plain "$WORK/plain.json"
run_set plain
BASELINE=$RESULT
expect_eq "plain: every command exit 0" "rc=0 rc=0 rc=0 rc=0" "$(grep -o 'rc=[0-9]*' <<<"$BASELINE" | paste -sd' ')"
expect_contains "plain: the nickname is on the card" '"profileNickname":"Modem"' "$(grep '^after' <<<"$BASELINE")"
stop_sim
expect_eq "plain: the card file has the nickname" Modem \
  "$(jq -r --arg i "$CONTOSO" '.profiles[] | select(.iccid == $i) | .nickname' "$WORK/plain.json")"

# === unsolicited lines, answers in pieces =======================================================
variant urc --urc-seed 7
expect_eq "urc: the sim sent unsolicited lines" true "$([ "$(grep -c '^urc ' "$SIMLOG")" -gt 3 ] && echo true || echo false)"
variant split --urc-seed 11 --split
expect_eq "split: unsolicited lines as well" true "$([ "$(grep -c '^urc ' "$SIMLOG")" -gt 3 ] && echo true || echo false)"

# === CCHO's bare answer, session ids that are not channels ======================================
variant plainccho --ccho-plain
expect_eq "ccho-plain: CCHO answered a bare number" true \
  "$(grep -A3 '^rx AT+CCHO="' "$SIMLOG" | grep -qE '^tx [0-9]+$' && echo true || echo false)"
variant offset --session-offset 7
expect_contains "session-offset 7: CGLA on session 8 (channel 1)" "AT+CGLA=8," "$RX"
expect_contains "session-offset 7: CCHC of session 8" "AT+CCHC=8" "$RX"

# === CSIM only: esimctl's own MANAGE CHANNEL and SELECT through AT+CSIM ========================
variant csim --csim-only
expect_eq "csim-only: no CGLA sent" 0 "$(grep -c '^AT+CGLA=' <<<"$RX" || true)"
expect_contains "csim-only: MANAGE CHANNEL open through CSIM" 'AT+CSIM=10,"0070000001"' "$RX"
expect_contains "csim-only: SELECT ISD-R on channel 1 through CSIM" "\"01A4040010$ISDR" "$RX"
expect_contains "csim-only: MANAGE CHANNEL close through CSIM" 'AT+CSIM=10,"0070800100"' "$RX"

# === stale channels: closed, then the ISD-R opens =============================================
variant stale --stale-channels
expect_contains "stale: the first CCHO refused" "+CME ERROR" "$(grep -A2 '^rx AT+CCHO="' "$SIMLOG" | head -3)"
expect_contains "stale: channels closed with CCHC" "AT+CCHC=1" "$RX"

# === slow answers within --at-timeout ==========================================================
variant slow --delay-ms 300 -- --at-timeout 2
# 300 ms before every answer, 2 s allowed per APDU: slow is not an error.

# === a dropped answer on a read ================================================================
cp "$DEFAULT_STATE" "$WORK/drop.json"
BEFORE=$(md5sum <"$WORK/drop.json")
start_sim drop "$WORK/drop.json" --drop-answer 1
START=$(date +%s%N)
run_capture drop "$ESIMCTL" --reader "at:$LINK" --at-timeout 1 profile list
ELAPSED_MS=$(( ($(date +%s%N) - START) / 1000000 ))
expect_eq "dropped answer: exit 16 (reader_error)" 16 "$RC"
expect_contains "dropped answer: the message says the modem did not answer" "answer" "$ERR"
expect_eq "dropped answer: gave up after about --at-timeout (1 s), not 30 s" true \
  "$([ "$ELAPSED_MS" -lt 8000 ] && echo true || echo "false (${ELAPSED_MS} ms)")"
expect_eq "dropped answer: the card file unchanged" "$BEFORE" "$(md5sum <"$WORK/drop.json")"
run_capture drop_again "$ESIMCTL" --reader "at:$LINK" --json profile list
expect_eq "dropped answer: the next command works" "0 3" "$RC $(jq '.profiles | length' <<<"$OUT" 2>/dev/null)"
stop_sim
expect_eq "dropped answer: the card file still unchanged" "$BEFORE" "$(md5sum <"$WORK/drop.json")"

finish
