#!/usr/bin/env bash
# Notification delivery end to end: `esimctl profile delete` (and `notification process|remove`,
# `journal retry`) through a private pcscd with the virtual eUICC behind vpcd, delivering to the
# local test SM-DP+ (build/tests/test-smdp, SGP.26 test PKI) over real TLS. Checks the card (through
# the rig), the journal (`journal list|show --json`) and the server's JSONL log after each run:
# delivered and removed; SM-DP+ down / HTTP 500 / slow / wrong certificate (kept, exit 40) and the
# later `journal retry` / `notification process`; retry without a card; one bad address among
# good ones; --no-notify; --dry-run; confirmation without a terminal (exit 5); a journal that
# cannot be written (exit 7, card untouched).
#
# Every card state, journal and server log lives in the temp dir; each card state is persisted by
# the rig (--state-in-place) so consecutive rig runs see each other's changes. Servers are
# bounded by --lifetime-s and stopped on exit.
. "$(dirname "$0")/lib.sh"
exec </dev/null  # never a terminal on stdin: confirmations must come from --yes

. "$(dirname "$0")/smdp_lib.sh"

# on_card NAME ESIMCTL-ARGS...: esimctl through the rig on card $S (changes persist), with
# journal $J and the SM-DP+ at 127.0.0.1:$PORT; one delivery attempt unless ARGS say otherwise.
on_card() {
  local name=$1
  shift
  run_capture "$name" rig --state "$S" --state-in-place -- "$ESIMCTL" --journal "$J" --ca-file "$CA" \
    --connect-to "$HOST:443:127.0.0.1:$PORT" "$@"
}

# card_view NAME: reads the card through the rig. Sets CARD_PROFILES ([[iccid,state],...]) and
# CARD_SEQS ([seq,...]).
card_view() {
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  run_capture "$1" rig --state "$S" --state-in-place -- \
    bash -c '"$1" --json profile list && "$1" --json notification list' _ "$ESIMCTL"
  expect_eq "$1: reading the card works" 0 "$RC"
  CARD_PROFILES=$(jq -sc '.[0].profiles | map([.iccid, .profileState])' <<<"$OUT" 2>/dev/null || echo unreadable)
  CARD_SEQS=$(jq -sc '.[1].notifications | map(.seqNumber)' <<<"$OUT" 2>/dev/null || echo unreadable)
}

lines() { wc -l <"$1" | tr -d ' '; }

# A port nobody listens on: a server's, after it stopped.
start_server gone
DOWN_PORT=$PORT
stop_server

# === 1. SM-DP+ up: delivered, accepted once, removed, journaled as done =======================
new_state up
J=$WORK/up.db
start_server up
SEQ=$(jq .nextSeqNumber "$S")
on_card up_delete --notify-attempts 1 profile delete "$CONTOSO" --yes
expect_eq "up: delete exit 0" 0 "$RC"
expect_contains "up: receipt names the seqNumber" "Notification $SEQ (delete, ICCID $CONTOSO" "$OUT"
expect_contains "up: receipt names the address and acceptance" "accepted by $HOST at" "$OUT"
expect_contains "up: receipt says it was removed" "removed from the card" "$OUT"
expect_eq "up: server accepted seq $SEQ exactly once" 1 "$(accepted_count "$LOG" "$SEQ")"
expect_eq "up: the server saw one request" 1 "$(lines "$LOG")"
expect_eq "up: the server verified the eUICC chain" true \
  "$(jq -s --argjson s "$SEQ" 'any(.[]; .seqNumber == $s and .eid == "'$EID'" and (.reason | contains("chain verified")))' "$LOG")"
card_view up_after
expect_eq "up: card lists no notification" "[]" "$CARD_SEQS"
expect_eq "up: Contoso gone from the card" false "$(jq --arg i "$CONTOSO" 'any(.[]; .[0] == $i)' <<<"$CARD_PROFILES")"
run_capture up_jlist "$ESIMCTL" --journal "$J" --json journal list
expect_eq "up: journal list exit 0" 0 "$RC"
E=$(jq -c --argjson s "$SEQ" 'first(.notifications[] | select(.seqNumber == $s)) // null' <<<"$OUT")
expect_eq "up: journal state done" "done" "$(jfield "$E" .state)"
expect_eq "up: journal acceptedAt and removedFromCardAt set" "true true" \
  "$(jfield "$E" '"\(.acceptedAt != null) \(.removedFromCardAt != null)"')"
expect_eq "up: journal one attempt, HTTP 204" "[204]" "$(jfield "$E" '[.attempts[].httpStatus] | tostring')"
expect_eq "up: journal attempt URL" "https://$HOST/gsma/rsp2/es9plus/handleNotification" "$(jfield "$E" '.attempts[0].url')"
ID=$(jfield "$E" .id)
run_capture up_jshow "$ESIMCTL" --journal "$J" --json journal show "$ID"
expect_eq "up: journal show exit 0" 0 "$RC"
expect_eq "up: journal show: seq, state, times, attempts" "$SEQ done true true [204]" \
  "$(jq -r '"\(.seqNumber) \(.state) \(.acceptedAt != null) \(.removedFromCardAt != null) \([.attempts[].httpStatus] | tostring)"' <<<"$OUT")"
expect_eq "up: journal show: the delete operation" "delete $CONTOSO" "$(jq -r '"\(.operation.operation) \(.operation.iccid)"' <<<"$OUT")"
# --json receipt (second profile, next seqNumber).
SEQ2=$(jq .nextSeqNumber "$S")
on_card up_json --json profile delete "$FABRIKAM" --yes
expect_eq "up --json: exit 0" 0 "$RC"
expect_eq "up --json: one document" 1 "$(jq -s length <<<"$OUT")"
expect_eq "up --json: notifications[0]" "$SEQ2 done $HOST true" \
  "$(jq -r '.notifications[0] | "\(.seqNumber) \(.state) \(.address) \(.removedFromCard)"' <<<"$OUT")"
expect_eq "up --json: result ok" ok "$(jq -r .result <<<"$OUT")"
expect_eq "up --json: server accepted seq $SEQ2 once" 1 "$(accepted_count "$LOG" "$SEQ2")"

# === 2. --disable-first on the enabled profile ================================================
card_view df_before
PROFILES_BEFORE=$CARD_PROFILES SEQS_BEFORE=$CARD_SEQS LINES_BEFORE=$(lines "$LOG")
on_card df_refused profile delete "$NORTHWIND" --yes
expect_eq "enabled profile without --disable-first: exit 31" 31 "$RC"
card_view df_refused_after
expect_eq "refused: profile list unchanged" "$PROFILES_BEFORE" "$CARD_PROFILES"
expect_eq "refused: notifications unchanged" "$SEQS_BEFORE" "$CARD_SEQS"
expect_eq "refused: no new server log lines" "$LINES_BEFORE" "$(lines "$LOG")"
SEQ_D=$(jq .nextSeqNumber "$S")
on_card df profile delete "$NORTHWIND" --yes --disable-first
expect_eq "--disable-first: exit 0" 0 "$RC"
expect_contains "--disable-first: receipt" "disabled, then deleted" "$OUT"
expect_eq "--disable-first: disable ($SEQ_D) and delete ($((SEQ_D + 1))) accepted once each" "1 1" \
  "$(accepted_count "$LOG" "$SEQ_D") $(accepted_count "$LOG" $((SEQ_D + 1)))"
expect_eq "--disable-first: journal events and states" "disable:done delete:done" \
  "$("$ESIMCTL" --journal "$J" --json journal list | jq -r --argjson s "$SEQ_D" \
      '[.notifications[] | select(.seqNumber >= $s) | "\(.event):\(.state)"] | join(" ")')"
card_view df_after
expect_eq "--disable-first: both removed from the card" "[]" "$CARD_SEQS"
expect_eq "--disable-first: no profile left" "[]" "$CARD_PROFILES"
stop_server

# === 3. SM-DP+ down: kept (exit 40), then journal retry / notification process ================
new_state down
J=$WORK/down.db
SEQ=$(jq .nextSeqNumber "$S")
PORT=$DOWN_PORT
on_card down_delete --notify-attempts 1 profile delete "$CONTOSO" --yes
expect_eq "down: exit 40" 40 "$RC"
expect_contains "down: the profile was deleted" "deleted" "$OUT"
expect_contains "down: receipt says not accepted, and why" "NOT accepted yet by $HOST: connection refused" "$OUT"
expect_contains "down: receipt says where it is kept" "Kept on the card and in the journal ($J)" "$OUT"
expect_contains "down: receipt says how to send later" "Send it later with: esimctl journal retry" "$OUT"
expect_contains "down: stderr names the pending notification" "kept for later delivery" "$ERR"
card_view down_after
expect_eq "down: still on the card" "[$SEQ]" "$CARD_SEQS"
E=$(journal_entry "$SEQ")
expect_eq "down: journal undelivered" undelivered "$(jfield "$E" .state)"
expect_eq "down: journal records the transport error" '[{"httpStatus":null,"transportError":"connection refused"}]' \
  "$(jfield "$E" '[.attempts[] | {httpStatus, transportError}] | tostring')"
start_server down_up
on_card down_retry journal retry
expect_eq "down, server back: journal retry exit 0" 0 "$RC"
expect_eq "down, server back: accepted once" 1 "$(accepted_count "$LOG" "$SEQ")"
card_view down_retried
expect_eq "down, server back: gone from the card" "[]" "$CARD_SEQS"
expect_eq "down, server back: journal done" "done" "$(jfield "$(journal_entry "$SEQ")" .state)"
stop_server

# Variant: after a failed delivery, `notification process SEQ` delivers it.
new_state proc
J=$WORK/proc.db
SEQ=$(jq .nextSeqNumber "$S")
PORT=$DOWN_PORT
on_card proc_delete --notify-attempts 1 --json profile delete "$CONTOSO" --yes
expect_eq "process variant: delete exit 40" 40 "$RC"
expect_eq "down --json: error code, notification kept and why" "notification_pending $SEQ undelivered connection refused" \
  "$(jq -r '"\(.error.code) \(.notifications[0] | "\(.seqNumber) \(.state) \(.reason)")"' <<<"$OUT")"
start_server proc_up
on_card proc_process notification process "$SEQ"
expect_eq "notification process $SEQ: exit 0" 0 "$RC"
expect_contains "notification process: receipt" "accepted by $HOST" "$OUT"
expect_eq "notification process: server accepted once" 1 "$(accepted_count "$LOG" "$SEQ")"
card_view proc_after
expect_eq "notification process: gone from the card" "[]" "$CARD_SEQS"
E=$(journal_entry "$SEQ")
expect_eq "notification process: journal done, the failed and the good attempt" "done [null,204]" \
  "$(jfield "$E" '"\(.state) \([.attempts[].httpStatus] | tostring)"')"
stop_server

# === 4. Server failures: HTTP 500, too slow, wrong certificate =================================
new_state f500
J=$WORK/f500.db
SEQ=$(jq .nextSeqNumber "$S")
start_server f500 --fail 500
on_card f500_delete --notify-attempts 1 profile delete "$CONTOSO" --yes
expect_eq "--fail 500: exit 40" 40 "$RC"
expect_contains "--fail 500: receipt gives the status" "NOT accepted yet by $HOST: HTTP 500" "$OUT"
E=$(journal_entry "$SEQ")
expect_eq "--fail 500: journal undelivered, attempt with HTTP 500" "undelivered [500]" \
  "$(jfield "$E" '"\(.state) \([.attempts[].httpStatus] | tostring)"')"
expect_eq "--fail 500: server answered 500, accepted nothing" "500 0" \
  "$(jq -s -r '"\([.[].status] | unique | join(",")) \([.[] | select(.verdict == "accepted")] | length)"' "$LOG")"
expect_eq "--fail 500: still on the card" "[$SEQ]" "$(jq -c '[.notifications[].seqNumber]' "$S")"
stop_server

new_state slow
J=$WORK/slow.db
SEQ=$(jq .nextSeqNumber "$S")
start_server slow --fail slow:3000
on_card slow_delete --notify-attempts 1 --notify-timeout 1 profile delete "$CONTOSO" --yes
expect_eq "--fail slow:3000, --notify-timeout 1: exit 40" 40 "$RC"
expect_contains "slow: receipt gives the timeout" "timeout after 1000 ms" "$OUT"
E=$(journal_entry "$SEQ")
expect_eq "slow: journal undelivered" undelivered "$(jfield "$E" .state)"
expect_contains "slow: journal records a timeout" "timeout after 1000 ms" "$(jfield "$E" '.attempts[0].transportError')"
expect_eq "slow: still on the card" "[$SEQ]" "$(jq -c '[.notifications[].seqNumber]' "$S")"
stop_server

new_state wrongcert
J=$WORK/wrongcert.db
SEQ=$(jq .nextSeqNumber "$S")
start_server wrongcert --fail wrong-cert
on_card wrongcert_delete --notify-attempts 1 profile delete "$CONTOSO" --yes
expect_eq "--fail wrong-cert: exit 40" 40 "$RC"
expect_contains "wrong-cert: receipt names TLS" "NOT accepted yet by $HOST: TLS" "$OUT"
E=$(journal_entry "$SEQ")
expect_eq "wrong-cert: journal undelivered" undelivered "$(jfield "$E" .state)"
expect_contains "wrong-cert: journal records the TLS error" "TLS: " "$(jfield "$E" '.attempts[0].transportError')"
expect_eq "wrong-cert: nothing accepted by the server" 0 "$(accepted_count "$LOG" "$SEQ")"
expect_eq "wrong-cert: still on the card" "[$SEQ]" "$(jq -c '[.notifications[].seqNumber]' "$S")"
stop_server

# === 5. journal retry without a card, then with it ===========================================
new_state nocard
J=$WORK/nocard.db
SEQ=$(jq .nextSeqNumber "$S")
PORT=$DOWN_PORT
on_card nocard_delete --notify-attempts 1 profile delete "$CONTOSO" --yes
expect_eq "no card: delete with the server down: exit 40" 40 "$RC"
start_server nocard_up
run_capture nocard_retry rig --no-card -- "$ESIMCTL" --journal "$J" --ca-file "$CA" \
  --connect-to "$HOST:443:127.0.0.1:$PORT" journal retry
expect_eq "retry without a card: exit 0" 0 "$RC"
expect_contains "retry without a card: says the card is needed for removal" "No card to remove the accepted notifications from" "$OUT"
expect_eq "retry without a card: server accepted once" 1 "$(accepted_count "$LOG" "$SEQ")"
expect_eq "retry without a card: journal accepted_on_card" accepted_on_card "$(jfield "$(journal_entry "$SEQ")" .state)"
expect_eq "retry without a card: still on the card" "[$SEQ]" "$(jq -c '[.notifications[].seqNumber]' "$S")"
stop_server
# The same without any pcscd at all (a second notification, made while the server is down).
PORT=$DOWN_PORT
on_card nocard_delete2 --notify-attempts 1 profile delete "$FABRIKAM" --yes
expect_eq "no pcscd: delete with the server down: exit 40" 40 "$RC"
start_server nocard_up2
run_capture nopcscd_retry env PCSCLITE_CSOCK_NAME="$WORK/no-such-pcscd.comm" "$ESIMCTL" --journal "$J" \
  --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" journal retry
expect_eq "retry without pcscd: exit 0" 0 "$RC"
expect_contains "retry without pcscd: says the card is needed for removal" "No card to remove the accepted notifications from" "$OUT"
expect_eq "retry without pcscd: server accepted $((SEQ + 1)) once, not $SEQ again" "1 0" \
  "$(accepted_count "$LOG" $((SEQ + 1))) $(accepted_count "$LOG" "$SEQ")"
expect_eq "retry without pcscd: both accepted_on_card" "accepted_on_card accepted_on_card" \
  "$(jfield "$(journal_entry "$SEQ")" .state) $(jfield "$(journal_entry $((SEQ + 1)))" .state)"
on_card nocard_retry2 journal retry
expect_eq "retry with the card: exit 0" 0 "$RC"
expect_eq "retry with the card: both done" "done done" \
  "$(jfield "$(journal_entry "$SEQ")" .state) $(jfield "$(journal_entry $((SEQ + 1)))" .state)"
expect_eq "retry with the card: nothing delivered again (one request in all)" 1 "$(lines "$LOG")"
card_view nocard_after
expect_eq "retry with the card: gone from the card" "[]" "$CARD_SEQS"
stop_server

# === 6. One failing address does not stop the others ==========================================
new_state twoaddr '.notifications = [
    {seqNumber: 10, event: "disable", address: "nowhere.invalid", iccid: "'$FABRIKAM'"},
    {seqNumber: 11, event: "disable", address: "'$HOST'", iccid: "'$CONTOSO'"}]
  | .nextSeqNumber = 12'
J=$WORK/twoaddr.db
start_server twoaddr
on_card twoaddr_process --notify-attempts 1 notification process --all
expect_eq "two addresses: exit 40" 40 "$RC"
expect_contains "two addresses: the bad one is explained" "NOT accepted yet by nowhere.invalid: could not resolve host nowhere.invalid" "$OUT"
expect_contains "two addresses: the good one accepted" "accepted by $HOST" "$OUT"
expect_eq "two addresses: server accepted 11 once, never saw 10" "1 0" \
  "$(accepted_count "$LOG" 11) $(jq -s '[.[] | select(.seqNumber == 10)] | length' "$LOG")"
expect_eq "two addresses: journal states" "undelivered done" \
  "$(jfield "$(journal_entry 10)" .state) $(jfield "$(journal_entry 11)" .state)"
card_view twoaddr_after
expect_eq "two addresses: only the bad one left on the card" "[10]" "$CARD_SEQS"
stop_server

# === 7. --no-notify: journaled, not sent ======================================================
new_state nonotify
J=$WORK/nonotify.db
SEQ=$(jq .nextSeqNumber "$S")
start_server nonotify
on_card nonotify_delete profile delete "$CONTOSO" --yes --no-notify
expect_eq "--no-notify: exit 0" 0 "$RC"
expect_contains "--no-notify: kept" "Kept on the card and in the journal" "$OUT"
E=$(journal_entry "$SEQ")
expect_eq "--no-notify: journal undelivered, no attempt" "undelivered 0" "$(jfield "$E" '"\(.state) \(.attempts | length)"')"
expect_eq "--no-notify: nothing sent to the server" 0 "$(lines "$LOG")"
expect_eq "--no-notify: still on the card" "[$SEQ]" "$(jq -c '[.notifications[].seqNumber]' "$S")"
stop_server

# === 8. --dry-run: the APDUs, nothing changed, no journal ======================================
new_state dry
J=$WORK/dry/never.db
card_view dry_before
PROFILES_BEFORE=$CARD_PROFILES SEQS_BEFORE=$CARD_SEQS
PORT=$DOWN_PORT
on_card dry profile delete "$CONTOSO" --dry-run
expect_eq "--dry-run: exit 0" 0 "$RC"
APDUS=$(sed -n 's/^ *STORE DATA \([0-9A-F]*\)$/\1/p' <<<"$OUT")
expect_eq "--dry-run: one STORE DATA" 1 "$(grep -c . <<<"$APDUS" || true)"
expect_eq "--dry-run: STORE DATA header 80E291" 80E291 "${APDUS:0:6}"
expect_contains "--dry-run: DeleteProfileRequest BF33" "BF33" "$APDUS"
# The ICCID as the card stores it: BCD with swapped nibbles, F-padded (8999020020000002021).
expect_contains "--dry-run: the ICCID (5A, 10 bytes)" "5A0A989920000200002020F1" "$APDUS"
expect_contains "--dry-run: says what would follow" "deliver them to $HOST" "$OUT"
card_view dry_after
expect_eq "--dry-run: profile list unchanged" "$PROFILES_BEFORE" "$CARD_PROFILES"
expect_eq "--dry-run: notifications unchanged" "$SEQS_BEFORE" "$CARD_SEQS"
expect_eq "--dry-run: no journal created" absent "$(if [ -e "$J" ] || [ -e "$WORK/dry" ]; then echo present; else echo absent; fi)"
# The plan shown is the plan that runs: the real delete sends exactly the dry run's APDUs.
J=$WORK/dry-real.db
on_card dry_real profile delete "$CONTOSO" --yes --no-notify --trace "$WORK/dry-real.trace"
expect_eq "--dry-run, then for real: exit 0" 0 "$RC"
SENT=$(sed -n 's/^> \([0-9A-F]*\).*$/\1/p' "$WORK/dry-real.trace")
for apdu in $APDUS; do
  expect_eq "--dry-run APDU ${apdu:0:24}... is sent by the real run" 1 "$(grep -cx "$apdu" <<<"$SENT" || true)"
done

# === 9. Confirmation without a terminal ========================================================
new_state confirm '.notifications = [{seqNumber: 10, event: "disable", address: "'$HOST'", iccid: "'$CONTOSO'"}]
  | .nextSeqNumber = 11'
J=$WORK/confirm.db
start_server confirm
card_view confirm_before
PROFILES_BEFORE=$CARD_PROFILES
on_card confirm_delete profile delete "$CONTOSO"
expect_eq "delete without --yes, no TTY: exit 5" 5 "$RC"
expect_contains "delete without --yes: says why" "needs confirmation" "$ERR"
on_card confirm_reset --json chip reset --operational
expect_eq "chip reset --operational without --yes: exit 5" 5 "$RC"
expect_eq "chip reset --json: error code" confirmation_required "$(jq -r .error.code <<<"$OUT")"
on_card confirm_remove notification remove 10
expect_eq "notification remove (unaccepted) without --yes: exit 5" 5 "$RC"
card_view confirm_after
expect_eq "refused: profiles unchanged" "$PROFILES_BEFORE" "$CARD_PROFILES"
expect_eq "refused: notification 10 still on the card" "[10]" "$CARD_SEQS"
expect_eq "refused: nothing sent to the server" 0 "$(lines "$LOG")"
on_card confirm_remove_yes notification remove 10 --yes
expect_eq "notification remove --yes: exit 0" 0 "$RC"
expect_contains "notification remove --yes: says the journal keeps it" "journal entry" "$OUT"
expect_eq "notification remove --yes: gone from the card" "[]" "$(jq -c '[.notifications[].seqNumber]' "$S")"
expect_eq "notification remove --yes: journal removed_undelivered" removed_undelivered "$(jfield "$(journal_entry 10)" .state)"
on_card confirm_retry journal retry
expect_eq "journal retry of the removed one: exit 0" 0 "$RC"
expect_eq "journal retry of the removed one: server accepted once" 1 "$(accepted_count "$LOG" 10)"
expect_eq "journal retry of the removed one: journal done" "done" "$(jfield "$(journal_entry 10)" .state)"
stop_server

# === 10. A journal that cannot be written: exit 7, card untouched ==============================
new_state nojournal
PORT=$DOWN_PORT
card_view nojournal_before
PROFILES_BEFORE=$CARD_PROFILES SEQS_BEFORE=$CARD_SEQS NEXT_BEFORE=$(jq .nextSeqNumber "$S")
: >"$WORK/regular-file"
J=$WORK/regular-file/journal.db
on_card nojournal_enotdir profile delete "$CONTOSO" --yes
expect_eq "journal under a regular file: exit 7" 7 "$RC"
expect_contains "journal under a regular file: nothing sent" "nothing was sent to the card" "$ERR"
J=/proc/esimctl-no-such/journal.db
on_card nojournal_proc --json profile delete "$CONTOSO" --yes
expect_eq "journal under /proc: exit 7" 7 "$RC"
expect_eq "journal under /proc --json: error code" journal_unavailable "$(jq -r .error.code <<<"$OUT")"
expect_contains "journal under /proc: names the path" "$J" "$(jq -r .error.message <<<"$OUT")"
J=$WORK/full.db
run_capture full_create "$ESIMCTL" --journal "$J" journal list
expect_eq "full disk: journal created first" "0 yes" "$RC $(if [ -s "$J" ]; then echo yes; else echo no; fi)"
# Only esimctl gets the 1-byte file size limit (pcscd and the card run normally).
run_capture nojournal_full rig --state "$S" --state-in-place -- bash -c 'trap "" XFSZ; ulimit -f 1; exec "$@"' _ \
  "$ESIMCTL" --journal "$J" --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" profile delete "$CONTOSO" --yes
expect_eq "full disk (RLIMIT_FSIZE): exit 7" 7 "$RC"
expect_contains "full disk: nothing sent" "nothing was sent to the card" "$ERR"
card_view nojournal_after
expect_eq "unwritable journal: profile list unchanged" "$PROFILES_BEFORE" "$CARD_PROFILES"
expect_eq "unwritable journal: no new notification" "$SEQS_BEFORE $NEXT_BEFORE" "$CARD_SEQS $(jq .nextSeqNumber "$S")"

finish
