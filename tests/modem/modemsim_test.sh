#!/bin/bash
# modem.sim_smoke: esimctl-modemsim speaks the AT dialect of issue 14 through its pty, checked
# with modem-chat (a tiny raw-mode AT client): echo and ATE0, CCHO/CGLA/CCHC on the ISD-R,
# CSIM pass-through, =? tests, unknown commands, --csim-only, --line-limit, --ccho-plain,
# --session-offset, --stale-channels, --urc-seed with --split, the three faults (--drop-answer,
# --error-after, --reset-at), --log and a clean exit on SIGTERM.
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
SIM=$BUILD/tests/esimctl-modemsim
CHAT=$BUILD/tests/modem-chat
ISDR=A0000005591010FFFFFFFF8900000100
GET_EID='80E2910006BF3E035C015A00'   # STORE DATA GetEuiccData(EID)
EID_ANSWER='+CGLA: 46,"BF3E125A10890490320000000000000000123456449000"'  # default-state.json's EID
SIM_PID=
stop_sim() {
  if [ -n "$SIM_PID" ]; then
    kill -TERM "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
    SIM_PID=
  fi
}
trap 'stop_sim; rm -rf "$WORK"' EXIT

# start_sim NAME ARGS...: a sim on a fresh copy of the card, link $WORK/NAME.tty, log $WORK/NAME.log;
# returns once it printed "ready" (bounded wait).
start_sim() {
  local name=$1; shift
  stop_sim
  cp "$DEFAULT_STATE" "$WORK/$name.json"
  LINK=$WORK/$name.tty
  LOG=$WORK/$name.log
  "$SIM" --state "$WORK/$name.json" --link "$LINK" --log "$LOG" "$@" >"$WORK/$name.ready" 2>"$WORK/$name.err" &
  SIM_PID=$!
  local i
  for i in $(seq 100); do
    grep -q "^ready $LINK\$" "$WORK/$name.ready" && return 0
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.05
  done
  fail "$name: the sim did not get ready: $(cat "$WORK/$name.err")"
  return 1
}

chat() { run_capture chat "$CHAT" "$LINK" "$@"; }

# --- the plain modem: echo, ATE0, CCHO/CGLA/CCHC, CSIM, tests, unknown commands, log
start_sim plain
expect_eq "link is a pty slave" "/dev/pts/" "$(readlink "$LINK" | sed 's/[0-9]*$//')"
chat AT 'AT+CCHO=?' 'AT+CGLA=?' 'AT+CCHC=?' 'AT+CSIM=?' ATE0 AT
expect_eq "echo on at start, off after ATE0" \
  "$(printf '%s\n' AT OK 'AT+CCHO=?' OK 'AT+CGLA=?' OK 'AT+CCHC=?' OK 'AT+CSIM=?' OK ATE0 OK OK)" "$OUT"
chat ATE1 AT ATE0
expect_eq "ATE1 turns echo back on" "$(printf '%s\n' OK AT OK ATE0 OK)" "$OUT"
chat "AT+CCHO=\"$ISDR\"" "AT+CGLA=1,${#GET_EID},\"$GET_EID\"" 'AT+CCHC=1' 'AT+CCHC=1'
expect_eq "CCHO gives session 1" "+CCHO: 1" "$(sed -n 1p <<<"$OUT")"
expect_contains "CGLA GetEID answers BF3E ... 9000" '+CGLA: 46,"BF3E125A10' "$OUT"
expect_contains "CGLA answer ends in 9000" '9000"' "$(sed -n 3p <<<"$OUT")"
expect_eq "CCHC OK, then unknown" "$(printf '%s\n' OK '+CME ERROR: 100')" "$(sed -n '5,$p' <<<"$OUT")"
# The reader's channel bits are not trusted: CLA 83 on session 1 (channel 1) still reaches it.
chat "AT+CCHO=\"$ISDR\"" "AT+CGLA=1,24,\"83${GET_EID:2}\"" 'AT+CCHC=1'
expect_contains "CGLA rewrites the CLA's channel" '+CGLA: 46,"BF3E' "$OUT"
chat 'AT+CCHO="A0000005591010FFFFFFFF8900000199"' 'AT+CGLA=7,24,"80E2910006BF3E035C015A00"' \
  'AT+CGLA=1,22,"80E2910006BF3E035C015A00"' 'AT+FOO' 'ATX9' 'AT+CSIM=10,"0070000001"' \
  'AT+CSIM=8,"00708001"'
expect_eq "unknown AID, unknown sid, bad length, unknown commands, CSIM" \
  "$(printf '%s\n' '+CME ERROR: 100' '+CME ERROR: 100' ERROR ERROR ERROR '+CSIM: 6,"019000"' OK \
     '+CSIM: 4,"9000"' OK)" "$OUT"
# Three channels, then no free one: +CME ERROR: 100.
chat "AT+CCHO=\"$ISDR\"" "AT+CCHO=\"$ISDR\"" "AT+CCHO=\"$ISDR\"" "AT+CCHO=\"$ISDR\""
expect_eq "no free channel" "$(printf '%s\n' '+CCHO: 1' OK '+CCHO: 2' OK '+CCHO: 3' OK '+CME ERROR: 100')" "$OUT"
# A client that took the port exclusively (TIOCEXCL, as esimctl does) and closed it leaves it
# usable by the next, non-root, client (the sim's own slave fd keeps the tty open).
chat --exclusive AT
SLAVE=$(readlink "$LINK")
chmod 666 "$SLAVE"
if [ "$(id -u)" = 0 ]; then AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups); else AS_USER=(); fi
run_capture chat "${AS_USER[@]}" "$CHAT" "$SLAVE" AT
expect_eq "after an exclusive client, the next one gets the port" "OK|" "$OUT|$ERR"
stop_sim
LOGTEXT=$(cat "$LOG")
expect_contains "log: rx line" "rx AT+CCHO=\"$ISDR\"" "$LOGTEXT"
expect_contains "log: tx line" 'tx +CSIM: 6,"019000"' "$LOGTEXT"
expect_contains "log: APDU commands counted (2 CGLA + 2 CSIM)" "apdu 4 card" "$LOGTEXT"
expect_contains "log: bytes line at exit" "bytes rx=" "$LOGTEXT"
expect_eq "SIGTERM removes the link" "gone" "$([ -e "$LINK" ] || [ -L "$LINK" ] && echo there || echo gone)"

# --- --csim-only: the channel commands and their tests answer ERROR, CSIM works
start_sim csim --csim-only
chat ATE0 'AT+CCHO=?' 'AT+CGLA=?' 'AT+CCHC=?' 'AT+CSIM=?' "AT+CCHO=\"$ISDR\"" 'AT+CSIM=10,"0070000001"'
expect_eq "--csim-only refuses CCHO" \
  "$(printf '%s\n' ATE0 OK ERROR ERROR ERROR OK ERROR '+CSIM: 6,"019000"' OK)" "$OUT"

# --- --line-limit: a longer line answers ERROR and never reaches the card
start_sim limit --line-limit 45
LONG=80E2910014BF2D115C0F5A4F9F709192B79995B8B9BABBBC00   # a 25-byte STORE DATA: a 63-char line
chat ATE0 "AT+CCHO=\"$ISDR\"" "AT+CGLA=1,${#LONG},\"$LONG\"" "AT+CGLA=1,${#GET_EID},\"$GET_EID\""
expect_eq "--line-limit refuses the long line, takes a short one" \
  "$(printf '%s\n' ATE0 OK '+CCHO: 1' OK ERROR "$EID_ANSWER" OK)" "$OUT"
stop_sim
expect_contains "log: the long line was not forwarded" "apdu 1 card" "$(cat "$LOG")"

# --- --ccho-plain --session-offset --stale-channels: a crashed LPA's channels, then the bare sid
start_sim stale --stale-channels --session-offset 10 --ccho-plain
chat ATE0 "AT+CCHO=\"$ISDR\"" 'AT+CCHC=12' "AT+CCHO=\"$ISDR\"" "AT+CGLA=12,${#GET_EID},\"$GET_EID\""
expect_eq "stale channels: CCHO refused until CCHC" \
  "$(printf '%s\n' ATE0 OK '+CME ERROR: 100' OK 12 OK)" "$(sed -n '1,6p' <<<"$OUT")"
expect_contains "session 12 carries APDUs" '+CGLA: 46,"BF3E' "$OUT"
# The client's own MANAGE CHANNEL close frees a channel too.
chat 'AT+CSIM=8,"00708003"' "AT+CCHO=\"$ISDR\""
expect_eq "MANAGE CHANNEL close frees channel 3" "$(printf '%s\n' '+CSIM: 4,"9000"' OK 13 OK)" "$OUT"

# --- --urc-seed with --split: URCs between lines, answers in pieces, same answers
start_sim noisy --urc-seed 7 --split
chat --timeout-ms 5000 ATE0 "AT+CCHO=\"$ISDR\"" "AT+CGLA=1,${#GET_EID},\"$GET_EID\"" 'AT+CCHC=1' AT AT AT AT AT AT
ANSWERS=$(grep -v -E '^(\+CREG: |\+CSQ: |RING$|\+QIND: |\+CGREG: |\^RSSI: |\+CEREG: |\+CPIN: |\+QUSIM: |\+CMTI: )' <<<"$OUT" || true)
expect_eq "noisy modem: the same answers" \
  "$(printf '%s\n' ATE0 OK '+CCHO: 1' OK "$EID_ANSWER" OK OK OK OK OK OK OK OK)" "$ANSWERS"
expect_eq "noisy modem: every answer complete" "13" "$(wc -l <<<"$ANSWERS")"
sleep 1  # idle URCs: the modem speaks on its own while nobody asks
stop_sim
expect_contains "log: URCs written" "urc " "$(cat "$LOG")"
[ "$(grep -c '^urc ' "$LOG")" -ge 3 ] && echo "ok: several URCs" || fail "fewer than 3 URCs: $(cat "$LOG")"

# --- faults: the K-th APDU command executes, then its answer is dropped / ERROR / the modem resets
start_sim drop --drop-answer 1
chat --timeout-ms 500 ATE0 'AT+CSIM=10,"0070000001"'
expect_eq "--drop-answer: no answer" "$(printf '%s\n' ATE0 OK TIMEOUT)" "$OUT"
chat 'AT+CSIM=10,"0070000001"'
expect_eq "--drop-answer: the dropped command executed (next channel 2)" "$(printf '%s\n' '+CSIM: 6,"029000"' OK)" "$OUT"

start_sim error --error-after 1
chat ATE0 'AT+CSIM=10,"0070000001"' 'AT+CSIM=10,"0070000001"'
expect_eq "--error-after: ERROR, but executed" "$(printf '%s\n' ATE0 OK ERROR '+CSIM: 6,"029000"' OK)" "$OUT"

start_sim reset --reset-at 2 --reset-downtime-ms 300
FIRST=$(readlink "$LINK")
chat ATE0 "AT+CCHO=\"$ISDR\"" "AT+CGLA=1,${#GET_EID},\"$GET_EID\"" "AT+CGLA=1,${#GET_EID},\"$GET_EID\""
expect_eq "--reset-at: the port closes mid-command" "EOF" "$(tail -n 1 <<<"$OUT")"
for i in $(seq 100); do [ -L "$LINK" ] && break; sleep 0.05; done
SECOND=$(readlink "$LINK" || true)
expect_eq "--reset-at: a new pty behind the link" "new" "$([ -n "$SECOND" ] && echo new || echo none)"
chat AT 'AT+CCHC=1' "AT+CCHO=\"$ISDR\""
expect_eq "--reset-at: echo back on, sessions gone, channel 1 free again" \
  "$(printf '%s\n' AT OK 'AT+CCHC=1' '+CME ERROR: 100' "AT+CCHO=\"$ISDR\"" '+CCHO: 1' OK)" "$OUT"
stop_sim
expect_contains "log: reset" "$(printf 'fault reset-at 2\nreset')" "$(cat "$LOG")"
echo "(links: $FIRST then $SECOND)"

finish
