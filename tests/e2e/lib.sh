# Shared helpers for the end-to-end tests. Source it; it sets -eu and defines:
#   rig ARGS... -- CMD...   run CMD under tests/pcsc-rig.sh
#   run_capture VAR_PREFIX CMD...  run CMD, keep stdout/stderr/exit in ${P}_out ${P}_err ${P}_rc
#   expect_eq WHAT EXPECTED ACTUAL; expect_contains WHAT NEEDLE HAYSTACK; finish
set -eu
SRC=${ESIMCTL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${ESIMCTL_BUILD_DIR:-$SRC/build}
ESIMCTL=$BUILD/esimctl
RIG=$SRC/tests/pcsc-rig.sh
DEFAULT_STATE=$SRC/vcard/default-state.json
WORK=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# State-changing commands journal their notifications: never into the real home directory.
export XDG_STATE_HOME="$WORK/state"
FAILURES=0
CHECKS=0

# Each rig run starts from a fresh copy of the card, whose notifications are signed anew: it
# gets a fresh journal too (the journal refuses a known seqNumber with different bytes).
rig() { XDG_STATE_HOME=$(mktemp -d "$WORK/state.XXXXXX") "$RIG" "$@"; }

# run_capture NAME CMD... : runs CMD; stdout in $WORK/NAME.out, stderr in $WORK/NAME.err, exit in RC.
run_capture() {
  local name=$1; shift
  set +e
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/$name.out")
  ERR=$(cat "$WORK/$name.err")
}

fail() {
  FAILURES=$((FAILURES + 1))
  echo "FAIL: $*" >&2
}

expect_eq() {
  CHECKS=$((CHECKS + 1))
  if [ "$2" != "$3" ]; then fail "$1: expected [$2], got [$3]"; else echo "ok: $1"; fi
}

expect_contains() {
  CHECKS=$((CHECKS + 1))
  case "$3" in
    *"$2"*) echo "ok: $1" ;;
    *) fail "$1: [$2] not found in:"; printf '%s\n' "$3" | sed 's/^/    /' >&2 ;;
  esac
}

expect_not_contains() {
  CHECKS=$((CHECKS + 1))
  case "$3" in
    *"$2"*) fail "$1: [$2] unexpectedly found in:"; printf '%s\n' "$3" | sed 's/^/    /' >&2 ;;
    *) echo "ok: $1" ;;
  esac
}

# Dumps the last command's output when a check failed, then exits with the verdict.
finish() {
  echo "$CHECKS checks, $FAILURES failed"
  [ "$FAILURES" -eq 0 ]
}
