# Helpers for e2e suites that run several esimctl commands in one rig session (one card, one
# pcscd). Source after lib.sh (needs $WORK, rig, fail). Defines:
#   session [RIG_ARGS...] -- SCRIPT   runs SCRIPT (bash) in one rig invocation; inside it,
#                                      run NAME ARGS... keeps esimctl's $WORK/NAME.{out,err,rc}
#                                      and snap NAME keeps the card's state file
#   load NAME                          sets OUT, ERR, RC from run NAME
#   js FILTER                          jq FILTER on $OUT ("not JSON" if it is not)
#   states NAME / notes NAME           profiles "iccid=state ..." and pending notifications
#                                      "seq:event:iccid ..." in the state file kept by snap NAME
cat >"$WORK/pre.sh" <<'PRE'
run() { local n=$1; shift; "$ESIMCTL" "$@" >"$WORK/$n.out" 2>"$WORK/$n.err"; echo $? >"$WORK/$n.rc"; }
snap() { cp "$ESIMCTL_RIG_STATE" "$WORK/$1.state"; }
PRE
session() {
  local args=()
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  shift
  set +e
  rig ${args[@]+"${args[@]}"} -- bash -c ". \"\$WORK/pre.sh\"; $1"
  local rc=$?
  set -e
  [ "$rc" = 0 ] || fail "session exited $rc: $1"
}
load() {
  OUT=$(cat "$WORK/$1.out" 2>/dev/null || true)
  ERR=$(cat "$WORK/$1.err" 2>/dev/null || true)
  RC=$(cat "$WORK/$1.rc" 2>/dev/null || echo missing)
}
js() { jq -r "$1" <<<"$OUT" 2>/dev/null || echo "not JSON"; }
states() { jq -r '[.profiles[] | "\(.iccid)=\(.state)"] | join(" ")' "$WORK/$1.state" 2>/dev/null || echo "no state"; }
notes() { jq -r '[.notifications[] | "\(.seqNumber):\(.event):\(.iccid)"] | join(" ")' "$WORK/$1.state" 2>/dev/null || echo "no state"; }
