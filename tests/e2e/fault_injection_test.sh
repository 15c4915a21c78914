#!/usr/bin/env bash
# Fault injection: `esimctl profile delete` killed with SIGKILL (ESIMCTL_CRASH_AT) at each crash
# point of the delete flow, through a private pcscd with the virtual eUICC behind vpcd and the
# local test SM-DP+ (build/tests/test-smdp, SGP.26 PKI). For each point, on a fresh card, journal
# and server:
#   1. the run dies by SIGKILL (exit 137);
#   2. invariant: the new notification is on the card or in the journal as not accepted
#      (plus what the point implies: where the journal and the server stand at that instant);
#   3. recovery: `notification process --all`, then `journal retry`, with the server up;
#   4. afterwards: the server accepted the seqNumber at least once (exactly once more than before
#      the recovery, unless the acceptance was already journaled), the card holds no notification
#      the server accepted, the journal entry is done, nothing is pending, the profile is gone.
# A run without a crash point is the control.
. "$(dirname "$0")/lib.sh"
exec </dev/null

. "$(dirname "$0")/smdp_lib.sh"

# on_card NAME [env VAR=VALUE...] ESIMCTL-ARGS...: esimctl through the rig on card $S (changes
# persist in $S), journal $J, the SM-DP+ at 127.0.0.1:$PORT.
on_card() {
  local name=$1
  shift
  local envs=()
  while [ $# -gt 0 ] && [[ $1 == *=* ]]; do envs+=("$1"); shift; done
  run_capture "$name" rig --state "$S" --state-in-place -- env ${envs[@]+"${envs[@]}"} "$ESIMCTL" \
    --journal "$J" --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" --notify-attempts 1 "$@"
}

# card_view NAME: the card through the rig; sets CARD_PROFILES ([iccid,...]) and CARD_SEQS.
card_view() {
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  run_capture "$1" rig --state "$S" --state-in-place -- \
    bash -c '"$1" --json profile list && "$1" --json notification list' _ "$ESIMCTL"
  expect_eq "$1: reading the card works" 0 "$RC"
  CARD_PROFILES=$(jq -sc '.[0].profiles | map(.iccid)' <<<"$OUT" 2>/dev/null || echo unreadable)
  CARD_SEQS=$(jq -sc '.[1].notifications | map(.seqNumber)' <<<"$OUT" 2>/dev/null || echo unreadable)
}


for point in none after-command after-journal-commit during-http after-acceptance; do
  echo "--- crash point: $point"
  new_state "$point"
  J=$WORK/$point.db
  start_server "$point"
  SEQ=$(jq .nextSeqNumber "$S")

  # --- 1. the run -----------------------------------------------------------------------------
  if [ "$point" = none ]; then
    on_card "$point-run" profile delete "$CONTOSO" --yes
    expect_eq "$point: delete exit 0" 0 "$RC"
  else
    on_card "$point-run" ESIMCTL_CRASH_AT="$point" profile delete "$CONTOSO" --yes
    expect_eq "$point: esimctl died by SIGKILL (exit 137)" 137 "$RC"
  fi

  # --- 2. what survived the kill --------------------------------------------------------------
  if [ "$point" = during-http ]; then
    # The request body was sent before the kill: the server may still be answering it. Wait
    # (bounded) for its log line so the count before the recovery is final.
    for _ in $(seq 120); do [ -s "$LOG" ] && break; sleep 0.025; done
  fi
  PRE=$(accepted_count "$LOG" "$SEQ")
  card_view "$point-crashed"
  E=$(journal_entry "$SEQ")
  ON_CARD=$(jq --argjson s "$SEQ" 'index($s) != null' <<<"$CARD_SEQS" 2>/dev/null || echo unreadable)
  KEPT=$(jfield "$E" '. != null and .acceptedAt == null')
  echo "    after the kill: on the card=$ON_CARD; journal=$(jfield "$E" '.state // "no entry"'); server acceptances=$PRE"
  if [ "$point" = none ]; then
    expect_eq "$point: delivered and removed in the run" "false done 1" "$ON_CARD $(jfield "$E" .state) $PRE"
  else
    expect_eq "$point: invariant: notification $SEQ on the card or in the journal as not accepted" true \
      "$(if [ "$ON_CARD" = true ] || [ "$KEPT" = true ]; then echo true; else echo false; fi)"
    # Every crash point comes before NotificationSent.
    expect_eq "$point: notification $SEQ still on the card" true "$ON_CARD"
    expect_eq "$point: the card executed the delete" false \
      "$(jq --arg i "$CONTOSO" 'index($i) != null' <<<"$CARD_PROFILES" 2>/dev/null || echo unreadable)"
  fi
  case $point in
    after-command)
      expect_eq "$point: journal has no entry for $SEQ yet" null "$E"
      expect_eq "$point: the operation is journaled as started, its outcome is not" "delete $CONTOSO null null" \
        "$("$ESIMCTL" --journal "$J" journal export | jq -r '.operations[0] | "\(.operation) \(.iccid) \(.finishedAt) \(.resultCode)"')"
      expect_eq "$point: nothing sent to the server" 0 "$(wc -l <"$LOG" | tr -d ' ')"
      ;;
    after-journal-commit)
      expect_eq "$point: journal undelivered, no attempt" "undelivered 0" "$(jfield "$E" '"\(.state) \(.attempts | length)"')"
      expect_eq "$point: nothing sent to the server" 0 "$(wc -l <"$LOG" | tr -d ' ')"
      ;;
    during-http)
      expect_eq "$point: journal undelivered (the answer was never read)" "undelivered null" \
        "$(jfield "$E" '"\(.state) \(.acceptedAt)"')"
      echo "    note: the server logged $(wc -l <"$LOG" | tr -d ' ') request(s) before the recovery," \
        "verdict(s): $(jq -s -r '[.[].verdict] | join(",")' "$LOG"); accepted $PRE time(s) (at-least-once delivery)"
      ;;
    after-acceptance)
      expect_eq "$point: journal accepted_on_card, one attempt HTTP 204" "accepted_on_card [204]" \
        "$(jfield "$E" '"\(.state) \([.attempts[].httpStatus] | tostring)"')"
      expect_eq "$point: the server accepted it once" 1 "$PRE"
      ;;
  esac

  # --- 3. recovery --------------------------------------------------------------------------
  on_card "$point-process" notification process --all
  expect_eq "$point: recovery: notification process --all exit 0" 0 "$RC"
  on_card "$point-retry" journal retry
  expect_eq "$point: recovery: journal retry exit 0" 0 "$RC"
  expect_contains "$point: recovery: journal retry has nothing left" "Nothing to retry" "$OUT"

  # --- 4. the end state ---------------------------------------------------------------------
  TOTAL=$(accepted_count "$LOG" "$SEQ")
  if [ "$point" = after-acceptance ] || [ "$point" = none ]; then
    expect_eq "$point: accepted once, not delivered again (acceptance was journaled)" 1 "$TOTAL"
  else
    expect_eq "$point: recovery delivered it exactly once more (before: $PRE)" $((PRE + 1)) "$TOTAL"
  fi
  expect_eq "$point: the server accepted $SEQ at least once" true "$([ "$TOTAL" -ge 1 ] && echo true || echo false)"
  card_view "$point-after"
  expect_eq "$point: the card holds no notification the server accepted" "[]" \
    "$(jq -s -c --argjson card "$CARD_SEQS" '[.[] | select(.verdict == "accepted") | .seqNumber] | unique
        | map(select(. as $s | $card | index($s) != null))' "$LOG" 2>/dev/null || echo unreadable)"
  expect_eq "$point: no notification left on the card" "[]" "$CARD_SEQS"
  E=$(journal_entry "$SEQ")
  expect_eq "$point: journal entry done" "done" "$(jfield "$E" .state)"
  expect_eq "$point: nothing pending in the journal" "[]" \
    "$("$ESIMCTL" --journal "$J" --json journal list --pending | jq -c '[.notifications[].seqNumber]' 2>/dev/null || echo unreadable)"
  expect_eq "$point: the profile is deleted on the card" false \
    "$(jq --arg i "$CONTOSO" 'index($i) != null' <<<"$CARD_PROFILES" 2>/dev/null || echo unreadable)"
  stop_server
done

finish
