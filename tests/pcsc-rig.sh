#!/usr/bin/env bash
# pcsc-rig.sh: runs a command against a PRIVATE pcscd with the virtual eUICC behind vpcd.
#
#   tests/pcsc-rig.sh [--state FILE] [--state-in-place] [--no-card] [--no-reader]
#                     [--vcard-arg ARG]... [--pcscd-arg ARG]... [--keep] -- COMMAND ARGS...
#
# What it does (see docs/pcsc-testbed.md for why each step is needed):
#   1. makes a short temp dir (/tmp/rig.XXXXXX; Unix socket paths must stay < 107 bytes);
#   2. writes a private reader.conf.d whose vpcd entry listens on a free TCP port pair
#      (so parallel runs, e.g. ctest -j, never clash); with --no-reader the dir is empty;
#   3. starts /usr/sbin/pcscd -f -c CONFDIR socket-activated on DIR/pcscd.comm (helper
#      socket_activate), never touching the system pcscd on /run/pcscd;
#   4. unless --no-card, copies the state file into DIR (unless --state-in-place: the card then
#      persists changes into FILE itself) and starts esimctl-vcard on the vpcd port;
#   5. waits (bounded) until pcscd answers, the reader exists and the card is PRESENT, so the
#      command's first transmit works;
#   6. runs COMMAND with PCSCLITE_CSOCK_NAME pointing at the private socket, and exits with
#      COMMAND's exit code; an EXIT trap stops exactly the processes it started and removes DIR.
#
# COMMAND also sees:
#   ESIMCTL_RIG_DIR        the temp dir (pcscd.log, vcard.log, state.json live there)
#   ESIMCTL_RIG_PORT       the vpcd port (slot 0; slot 1 is PORT+1)
#   ESIMCTL_RIG_READER     the card's reader name ("Virtual PCD 00 00")
#   ESIMCTL_RIG_STATE      the state file the card uses (the copy, unless --state-in-place)
#   ESIMCTL_RIG_VCARD_PID  the card process (empty with --no-card); kill it to pull the card
#   ESIMCTL_RIG_HELPERS    dir of the helpers (pcsc_wait --empty waits until pcscd saw the card go,
#                          --free until no program holds it exclusively)
#   ESIMCTL_RIG_PCSCD_PID  pcscd's pid (kill it to stop pcscd under a running command; the
#                          config is in $ESIMCTL_RIG_DIR/conf for a COMMAND that restarts it)
#
# Faults for tests:
#   card pulled mid-command: --vcard-arg --exit-after=3 (the card leaves after 3 APDUs)
#   no card / no reader:     --no-card / --no-reader
#   pcscd not running:       no rig needed: run the command with
#                            PCSCLITE_CSOCK_NAME=/nonexistent/pcscd.comm
#
# Environment: ESIMCTL_BUILD_DIR (default <repo>/build) locates esimctl-vcard and
# tests/{socket_activate,pcsc_wait}; ESIMCTL_RIG_VERBOSE=1 prints the logs even on success.
# Exit: COMMAND's exit code; 125 when the rig itself could not start (logs go to stderr).
set -u

SRC=${ESIMCTL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${ESIMCTL_BUILD_DIR:-$SRC/build}
HELPERS=$BUILD/tests
VCARD=$BUILD/esimctl-vcard
PCSCD=${ESIMCTL_PCSCD:-/usr/sbin/pcscd}
VPCD_DRIVER=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
READER="Virtual PCD 00 00"  # FRIENDLYNAME + slot 0

STATE=$SRC/vcard/default-state.json
STATE_IN_PLACE=0
WITH_CARD=1
WITH_READER=1
KEEP=0
VCARD_ARGS=()
PCSCD_ARGS=()

usage() {
  sed -n '2,/^set -u/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 125
}

while [ $# -gt 0 ]; do
  case $1 in
    --state) [ $# -ge 2 ] || usage; STATE=$2; shift 2 ;;
    --state=*) STATE=${1#--state=}; shift ;;
    --state-in-place) STATE_IN_PLACE=1; shift ;;
    --no-card) WITH_CARD=0; shift ;;
    --no-reader) WITH_READER=0; WITH_CARD=0; shift ;;
    --vcard-arg) [ $# -ge 2 ] || usage; VCARD_ARGS+=("$2"); shift 2 ;;
    --vcard-arg=*) VCARD_ARGS+=("${1#--vcard-arg=}"); shift ;;
    --pcscd-arg) [ $# -ge 2 ] || usage; PCSCD_ARGS+=("$2"); shift 2 ;;
    --pcscd-arg=*) PCSCD_ARGS+=("${1#--pcscd-arg=}"); shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    *) echo "pcsc-rig: unknown option $1" >&2; usage ;;
  esac
done
[ $# -ge 1 ] || { echo "pcsc-rig: no command after --" >&2; usage; }

for f in "$HELPERS/socket_activate" "$HELPERS/pcsc_wait" "$PCSCD"; do
  [ -x "$f" ] || { echo "pcsc-rig: missing $f (build the project; ESIMCTL_BUILD_DIR=$BUILD)" >&2; exit 125; }
done
if [ "$WITH_CARD" = 1 ]; then
  [ -x "$VCARD" ] || { echo "pcsc-rig: missing $VCARD (build target esimctl-vcard)" >&2; exit 125; }
  [ -r "$STATE" ] || { echo "pcsc-rig: cannot read state file $STATE" >&2; exit 125; }
fi

RIG_DIR=$(mktemp -d /tmp/rig.XXXXXX) || exit 125
SOCK=$RIG_DIR/pcscd.comm
PCSCD_PID=
VCARD_PID=
CMD_PID=
PORT=

# Stops one of our children: SIGTERM, up to 3 s for it to exit, then SIGKILL; always reaped.
# A zombie still answers kill -0, so exit is detected through /proc/PID/stat's state field.
stop_pid() {
  local pid=$1 i state
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 150); do
    state=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || break
    [ "$state" = Z ] && break
    sleep 0.02
  done
  if [ -e "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

dump_logs() {
  local f
  for f in "$RIG_DIR"/pcscd.log "$RIG_DIR"/vcard.log; do
    [ -s "$f" ] || continue
    echo "---- $(basename "$f") ----" >&2
    tail -n 80 "$f" >&2
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$CMD_PID"
  stop_pid "$VCARD_PID"
  stop_pid "$PCSCD_PID"
  if [ "${ESIMCTL_RIG_VERBOSE:-0}" = 1 ]; then dump_logs; fi
  if [ "$KEEP" = 1 ]; then
    echo "pcsc-rig: kept $RIG_DIR" >&2
    rm -f "$SOCK"
  else
    rm -rf "$RIG_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rig_fail() {
  echo "pcsc-rig: $*" >&2
  dump_logs
  exit 125
}

rig_wait() { PCSCLITE_CSOCK_NAME=$SOCK "$HELPERS/pcsc_wait" "$@"; }

# True while our child $1 runs (not exited, not a zombie).
alive() {
  local state
  state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$state" != Z ]
}

# Starts pcscd with a vpcd entry on a fresh port pair. Fails (1) when the reader does not come
# up, which is what a port taken by someone else looks like (SCARD_E_NO_READERS_AVAILABLE).
start_pcscd() {
  rm -rf "$RIG_DIR/conf" "$SOCK"
  mkdir -p "$RIG_DIR/conf"
  PORT=$("$HELPERS/socket_activate" --free-port-pair) || rig_fail "no free TCP port pair"
  if [ "$WITH_READER" = 1 ]; then
    cat >"$RIG_DIR/conf/vpcd" <<EOF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$PORT
LIBPATH      $VPCD_DRIVER
CHANNELID    $PORT
EOF
  fi
  # socket_activate execs pcscd, so $! is pcscd's own pid (its pid file has a trailing NUL
  # and is shared with any other pcscd: never read it).
  "$HELPERS/socket_activate" "$SOCK" -- "$PCSCD" -f -c "$RIG_DIR/conf" ${PCSCD_ARGS[@]+"${PCSCD_ARGS[@]}"} \
    >>"$RIG_DIR/pcscd.log" 2>&1 </dev/null &
  PCSCD_PID=$!
  rig_wait --service --timeout-ms 10000 2>>"$RIG_DIR/pcscd.log" || rig_fail "pcscd did not start"
  if [ "$WITH_READER" = 1 ]; then
    rig_wait --reader-present --reader "$READER" --timeout-ms 3000 2>>"$RIG_DIR/pcscd.log" || return 1
  fi
  return 0
}

started=0
for attempt in 1 2 3; do
  if start_pcscd; then started=1; break; fi
  echo "pcsc-rig: vpcd reader did not appear on port $PORT (attempt $attempt), retrying" >>"$RIG_DIR/pcscd.log"
  stop_pid "$PCSCD_PID"
  PCSCD_PID=
done
[ "$started" = 1 ] || rig_fail "the vpcd reader never appeared"

CARD_STATE=
if [ "$WITH_CARD" = 1 ]; then
  if [ "$STATE_IN_PLACE" = 1 ]; then
    CARD_STATE=$STATE
  else
    CARD_STATE=$RIG_DIR/state.json
    cp "$STATE" "$CARD_STATE" || rig_fail "cannot copy $STATE"
  fi
  "$VCARD" --state "$CARD_STATE" --port "$PORT" ${VCARD_ARGS[@]+"${VCARD_ARGS[@]}"} \
    >>"$RIG_DIR/vcard.log" 2>&1 </dev/null &
  VCARD_PID=$!
  # pcscd sees the card at its next poll (0.1-0.5 s). Wait in slices so a card that died at
  # start-up (bad state file, bad argument) fails the rig at once instead of after 10 s.
  present=0
  for slice in $(seq 1 40); do
    if rig_wait --present --reader "$READER" --timeout-ms 250 2>/dev/null; then present=1; break; fi
    alive "$VCARD_PID" || break
  done
  if [ "$present" != 1 ]; then
    if alive "$VCARD_PID"; then
      rig_fail "the virtual card did not become present in '$READER'"
    fi
    wait "$VCARD_PID"; rc=$?; VCARD_PID=
    rig_fail "esimctl-vcard exited with $rc at start-up (state: $CARD_STATE, a copy of $STATE)"
  fi
fi

export PCSCLITE_CSOCK_NAME=$SOCK
export ESIMCTL_RIG_DIR=$RIG_DIR ESIMCTL_RIG_PORT=$PORT ESIMCTL_RIG_READER=$READER
export ESIMCTL_RIG_STATE=$CARD_STATE ESIMCTL_RIG_VCARD_PID=$VCARD_PID ESIMCTL_RIG_HELPERS=$HELPERS
export ESIMCTL_RIG_PCSCD_PID=$PCSCD_PID
# In the background and waited for, so that a SIGTERM (ctest timeout) reaches the trap at once
# instead of after COMMAND ends; <&0 keeps COMMAND's stdin (bash would give it /dev/null).
"$@" <&0 &
CMD_PID=$!
wait "$CMD_PID"
rc=$?
CMD_PID=
exit "$rc"
