# Shared by the e2e suites that run esimctl over the simulated modem (build/tests/esimctl-modemsim,
# tests/modem). Source after lib.sh (and after smdp_lib.sh when used: this file chains its
# cleanup). Defines:
#   start_sim NAME STATE [SIM OPTIONS...]  a sim on card STATE (changes persist into STATE), link
#                                          $WORK/NAME.tty, log $WORK/NAME.log; returns once it printed
#                                          "ready LINK" (bounded wait, never a bare sleep); sets
#                                          LINK, SIMLOG, SIM_PID
#   stop_sim [PID]                         SIGTERM and wait (default: the last one started)
#   sim_rx LOG                             the command lines the sim received ("rx " lines)
#   apdu_lines LOG                         the APDU command lines (AT+CGLA=N / AT+CSIM=N, not the =?
#                                          tests) it received, numbered as the sim counts them
#   norm                                   stdin -> stdout without what legitimately differs between a
#                                          reader and another: reader names, journal paths and ids,
#                                          times, notification signatures (ECDSA signs anew each time)
SIM=$BUILD/tests/esimctl-modemsim
[ -x "$SIM" ] || { fail "missing $SIM (build the esimctl-modemsim target)"; finish; exit 1; }

SIM_PIDS=()
stop_all_sims() {
  local pid
  for pid in ${SIM_PIDS[@]+"${SIM_PIDS[@]}"}; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
if declare -F cleanup >/dev/null; then
  trap 'stop_all_sims; cleanup' EXIT
else
  trap 'stop_all_sims; rm -rf "$WORK"' EXIT
fi

start_sim() {
  local name=$1 state=$2
  shift 2
  LINK=$WORK/$name.tty
  SIMLOG=$WORK/$name.log
  "$SIM" --state "$state" --link "$LINK" --log "$SIMLOG" "$@" >"$WORK/$name.ready" 2>"$WORK/$name.simerr" &
  SIM_PID=$!
  SIM_PIDS+=("$SIM_PID")
  local i
  for i in $(seq 200); do
    grep -q "^ready $LINK\$" "$WORK/$name.ready" 2>/dev/null && return 0
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.025
  done
  fail "sim $name did not get ready: $(cat "$WORK/$name.simerr")"
  finish
  exit 1
}

stop_sim() {
  local pid=${1:-$SIM_PID}
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

sim_rx() { sed -n 's/^rx //p' "$1"; }
apdu_lines() { sed -n 's/^rx \(AT+C\(GLA\|SIM\)=[0-9].*\)$/\1/p' "$1"; }

# wait_for_line FILE REGEX: until FILE has a line matching REGEX (bounded: 10 s).
wait_for_line() {
  local i
  for i in $(seq 400); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.025
  done
  return 1
}

# Reader names (PC/SC "Virtual PCD 00 00", "at:PATH"), journal paths, ids and operation ids,
# times, signatures.
norm() {
  sed -E -e 's/Virtual PCD 00 00/READER/g' -e "s#at:$WORK/[A-Za-z0-9_.-]*#READER#g" \
    -e "s#$WORK/[A-Za-z0-9_-]*\.db#JOURNAL#g" -e 's/^(Signature +)[0-9A-F]+$/\1SIG/' \
    -e 's/("signature": *")[0-9A-F]+"/\1SIG"/' \
    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9:]{4,5})?/TIME/g' \
    -e 's/("(id|operationId|journalId|notificationId)": *)[0-9]+/\1ID/g' \
    -e 's/(journal (entry|id|operation) )#?[0-9]+/\1ID/g'
}
