#!/usr/bin/env bash
# Download fault injection: `esimctl profile download` killed with SIGKILL (ESIMCTL_CRASH_AT) at
# each step of the download, through a private pcscd with the virtual eUICC behind vpcd and the
# local test SM-DP+ (build/tests/test-smdp, SGP.26 PKI). For each point, on a fresh card and
# journal, with its own order (matching ID K-<point>):
#   1. the run dies by SIGKILL (exit 137);
#   2. the journal holds the download unfinished at the step of the point (matching ID hashed);
#   3. recovery: the next command that opens the journal (`notification list` does not; a
#      `profile nickname`-free `journal retry` does), here `esimctl journal retry`, finds it;
#   4. afterwards: the card holds either nothing of the order or the profile, no notification is
#      left on the card, the server log shows the session cancelled with the expected reason
#      (postponed before the load, loadBppExecutionError once it started) or the install
#      notification accepted, the journal's download is finished and nothing is pending.
# Then the automatic recovery: a kill, and the next download (another order) recovers the first
# before its own.
. "$(dirname "$0")/lib.sh"
exec </dev/null

. "$(dirname "$0")/smdp_lib.sh"
ICCID=8944001234567890128
POINTS=(authenticated client-authenticated confirmed prepared bpp-received loading loaded during-http)
{
  echo "["
  sep=
  for p in "${POINTS[@]}" auto-1 auto-2; do
    printf '%s{"matchingId": "K-%s", "iccid": "%s", "serviceProviderName": "Tailspin", "profileName": "K %s"}\n' \
      "$sep" "$p" "$ICCID" "$p"
    sep=,
  done
  echo "]"
} >"$WORK/orders.json"

# esim NAME [VAR=VALUE...] ESIMCTL-ARGS...: esimctl through the rig on card $S, journal $J.
esim() {
  local name=$1
  shift
  local envs=()
  while [ $# -gt 0 ] && [[ $1 == *=* ]]; do envs+=("$1"); shift; done
  run_capture "$name" rig --state "$S" --state-in-place -- env ${envs[@]+"${envs[@]}"} "$ESIMCTL" \
    --journal "$J" --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" --notify-attempts 1 "$@"
}
card_view() {
  # shellcheck disable=SC2016
  run_capture "$1" rig --state "$S" --state-in-place -- \
    bash -c '"$1" --json profile list && "$1" --json notification list' _ "$ESIMCTL"
  CARD_PROFILES=$(jq -sc '.[0].profiles | map(.iccid)' <<<"$OUT" 2>/dev/null || echo unreadable)
  CARD_SEQS=$(jq -sc '.[1].notifications | map(.seqNumber)' <<<"$OUT" 2>/dev/null || echo unreadable)
}
# download_row: the journal's download rows (compact JSON array).
download_rows() { "$ESIMCTL" --journal "$J" journal export | jq -c '.downloads'; }
# server_says MATCHING-ID: the order's events in the server log: "function:verdict-or-reason"...
order_states() {
  jq -r --arg m "$1" 'select(.event == "order" and .matchingId == $m) | .state' "$LOG" | tr '\n' ' ' | sed 's/ $//'
}
# cancel_reason_logged TRANSACTION-ID: the server's reason for the session's cancelSession.
cancel_reason_logged() {
  jq -r --arg t "$1" 'select(.function == "cancelSession" and .transactionId == $t) | .reason // ""' "$LOG" | tail -1
}

SMDP_LIFETIME_S=100 start_server fault --pki-dir "$PKI" --orders "$WORK/orders.json"
t0=$(date +%s)

for point in "${POINTS[@]}"; do
  echo "--- crash point: $point"
  new_state "dl-$point" '.trustedCiCertificates = ["'"$PKI"'/CERT_CI_ECDSA_NIST.der"]'
  J=$WORK/$point.db
  crash=download-$point
  [ "$point" = during-http ] && crash=during-http
  esim "$point-run" ESIMCTL_CRASH_AT="$crash" profile download --yes "LPA:1\$$HOST\$K-$point"
  expect_eq "$point: esimctl died by SIGKILL (exit 137)" 137 "$RC"

  # --- what the kill left in the journal ---------------------------------------------------
  ROWS=$(download_rows)
  expected_step=$point
  case $point in loading) expected_step="loading 2/" ;; during-http) expected_step=loaded ;; esac
  expect_eq "$point: one unfinished download in the journal at its step" "1 false true" \
    "$(jq -r --arg s "$expected_step" '"\(length) \(.[0].finished) \(.[0].step | startswith($s))"' <<<"$ROWS")"
  expect_eq "$point: the matching ID is journaled as its SHA-256 only" \
    "$(printf '%s' "K-$point" | sha256sum | cut -d' ' -f1)" "$(jq -r '.[0].matchingIdSha256' <<<"$ROWS")"
  expect_eq "$point: transactionId journaled" true "$(jq -r '.[0].transactionId | length > 0' <<<"$ROWS")"
  expect_not_contains "$point: the journal never holds the matching ID" "K-$point" \
    "$(sqlite3 "$J" .dump 2>/dev/null)"

  # --- recovery ------------------------------------------------------------------------------
  esim "$point-retry" --json journal retry
  expect_eq "$point: journal retry exit 0" 0 "$RC"
  expect_eq "$point: journal retry recovered the download" 1 "$(jq '.downloads | length' <<<"$OUT" 2>/dev/null || echo unreadable)"
  ROWS=$(download_rows)
  expect_eq "$point: the journal's download is finished" true "$(jq -r '.[0].finished' <<<"$ROWS")"
  card_view "$point-after"
  expect_eq "$point: no notification left on the card" "[]" "$CARD_SEQS"
  expect_eq "$point: nothing pending in the journal" "[]" \
    "$("$ESIMCTL" --journal "$J" --json journal list --pending | jq -c '[.notifications[].seqNumber]' 2>/dev/null || echo unreadable)"
  case $point in
    authenticated|client-authenticated|confirmed|prepared|bpp-received)
      expect_eq "$point: nothing installed" false "$(jq --arg i "$ICCID" 'index($i) != null' <<<"$CARD_PROFILES")"
      expect_eq "$point: journal: cancelled as postponed (1)" 1 "$(jq -r '.[0].cancelReason' <<<"$ROWS")"
      expect_eq "$point: server: the session ended (the card's answer forwarded)" accepted \
        "$(jq -r '.[0].serverCancelAnswer' <<<"$ROWS")"
      expect_eq "$point: server log: cancelSession for the order, the card's error answer (no session after the reset)" \
        "cancelSessionResponseError 5" "$(cancel_reason_logged "$(jq -r '.[0].transactionId' <<<"$ROWS")")"
      esim "$point-again" profile download --yes "LPA:1\$$HOST\$K-$point"
      if [ "$point" = bpp-received ]; then
        # The package was built and the reset card can only answer the cancel with an error: the
        # test SM-DP+, like a real one, keeps the order as downloaded; recovery says so.
        expect_contains "$point: recovery tells the user to ask the carrier" "ask the carrier" "$(cat "$WORK/$point-retry.out")"
        expect_eq "$point: the order stays downloaded at the server (exit 51 on a new try)" 51 "$RC"
      else
        # The order stays usable: a new download of the same activation code installs it.
        expect_eq "$point: the order stays usable: the same activation code downloads (exit 0)" 0 "$RC"
      fi
      ;;
    loading)
      expect_eq "$point: nothing installed" false "$(jq --arg i "$ICCID" 'index($i) != null' <<<"$CARD_PROFILES")"
      expect_eq "$point: journal: cancelled as loadBppExecutionError (5)" 5 "$(jq -r '.[0].cancelReason' <<<"$ROWS")"
      expect_eq "$point: server: the card's interruption notification (BF37 errorReason 11) accepted" true \
        "$(jq -s '[.[] | select(.verdict == "accepted")] | length >= 1' "$LOG")"
      echo "    server's answer to the cancel: $(jq -r '.[0].serverCancelAnswer' <<<"$ROWS")"
      ;;
    loaded|during-http)
      expect_eq "$point: the profile is on the card" true "$(jq --arg i "$ICCID" 'index($i) != null' <<<"$CARD_PROFILES")"
      expect_eq "$point: journal: installed, nothing cancelled" "installed null" \
        "$(jq -r '"\(.[0].step) \(.[0].cancelReason)"' <<<"$ROWS")"
      ;;
  esac
  echo "    server order states for K-$point: $(order_states "K-$point")"
done

# --- automatic recovery by the next command that opens the journal -------------------------
echo "--- automatic recovery"
new_state dl-auto '.trustedCiCertificates = ["'"$PKI"'/CERT_CI_ECDSA_NIST.der"]'
J=$WORK/auto.db
esim auto-run ESIMCTL_CRASH_AT=download-prepared profile download --yes "LPA:1\$$HOST\$K-auto-1"
expect_eq "auto: killed" 137 "$RC"
esim auto-next --json profile download --yes "LPA:1\$$HOST\$K-auto-2"
expect_eq "auto: the next download works (exit 0)" 0 "$RC"
expect_eq "auto: it recovered the killed one first (postponed)" "1 1 true" \
  "$(jq -r '"\(.recoveredDownloads | length) \(.recoveredDownloads[0].cancelReason) \(.recoveredDownloads[0].finished)"' <<<"$OUT" 2>/dev/null || echo unreadable)"
expect_contains "auto: the next command says so on stderr" "Interrupted download (journal operation 1" "$ERR"
expect_eq "auto: both downloads finished in the journal" "2 [true,true]" \
  "$(download_rows | jq -c '"\(length) \(map(.finished))"' -r)"

echo "elapsed: $(( $(date +%s) - t0 )) s"
stop_server
finish
