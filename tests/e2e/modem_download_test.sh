#!/usr/bin/env bash
# Profile downloads over a simulated modem (build/tests/esimctl-modemsim) from the test SM-DP+
# (build/tests/test-smdp), where the modem gets in the way:
#   - a line limit (--line-limit) that refuses a 255-byte STORE DATA line: the refusal is seen in
#     the sim's log, the download re-sends in smaller blocks and succeeds, no later line is too long;
#   - the modem resetting in the middle of the load (--reset-at): the download reconnects, finds
#     the profile is not on the card and says so (nothing installed);
#   - the modem resetting right after the last BPP segment reached the card (--reset-at), or
#     answering ERROR to it (--error-after): the card installed the profile, so the download
#     reads the profile list, reports the truth (exit 0 with a warning) and delivers the install
#     notification.
# The APDU number of the last segment comes from the sim's log of a plain download of the same
# order on an identical card.
. "$(dirname "$0")/lib.sh"
exec </dev/null
. "$(dirname "$0")/smdp_lib.sh"
. "$(dirname "$0")/modem_lib.sh"
MADE_ICCID=8944001234567890128

# One order per download (an order is used up once installed), all for the same profile.
for name in plain limit resetmid resetlast errlast; do
  echo "{\"matchingId\": \"MADE-${name^^}\", \"iccid\": \"$MADE_ICCID\", \"serviceProviderName\": \"Tailspin Mobile\",
    \"profileName\": \"Tailspin Modem\", \"profileClass\": \"test\"}"
done | jq -s . >"$WORK/orders.json"
SMDP_LIFETIME_S=110 start_server dl --pki-dir "$PKI" --orders "$WORK/orders.json"
SMDP_LOG=$LOG
new_state base ".trustedCiCertificates = [\"$PKI/CERT_CI_ECDSA_NIST.der\"]"
BASE=$S

# download NAME SIM-OPTIONS...: a fresh copy of the card behind a sim with the options, then
# `profile download` over it (journal $WORK/NAME.db, one delivery attempt, 5 s per APDU).
download() {
  local name=$1
  shift
  cp "$BASE" "$WORK/$name.json"
  start_sim "$name" "$WORK/$name.json" "$@"
  run_capture "$name" "$ESIMCTL" --reader "at:$LINK" --at-timeout 5 --journal "$WORK/$name.db" --ca-file "$CA" \
    --connect-to "$HOST:443:127.0.0.1:$PORT" --notify-attempts 1 profile download --yes "LPA:1\$$HOST\$MADE-${name^^}"
}
# installed NAME: true/false, the made profile is on the card (read over the same sim).
installed() {
  "$ESIMCTL" --reader "at:$LINK" --json profile list 2>/dev/null |
    jq --arg i "$MADE_ICCID" 'any(.profiles[]; .iccid == $i)' 2>/dev/null || echo unreadable
}
pending() {
  "$ESIMCTL" --reader "at:$LINK" --json notification list 2>/dev/null |
    jq -c '[.notifications[].seqNumber]' 2>/dev/null || echo unreadable
}

# bpp_segments LOG: "FIRST LAST", the APDU numbers (AT+CGLA/AT+CSIM lines, from 1) of the first
# block of the BPP load (data BF36) and of the last block of its last piece. A piece starts with
# P2 = 00; its last block has P1 = 91.
bpp_segments() {
  local n=0 hex ins p1 p2 data first="" last="" in=0
  while read -r line; do
    n=$((n + 1))
    hex=${line#*\"}
    hex=${hex%\"*}
    ins=${hex:2:2} p1=${hex:4:2} p2=${hex:6:2} data=${hex:10}
    [ "$ins" = E2 ] || continue
    if [ "$p2" = 00 ]; then
      case $data in
        BF36*) in=1; [ -n "$first" ] || first=$n ;;
        A0*|A1*|88*|A2*|A3*|86*) ;;
        *) in=0 ;;
      esac
    fi
    [ $in = 1 ] && [ "$p1" = 91 ] && last=$n
  done < <(apdu_lines "$1")
  echo "$first $last"
}

# === the plain download: the reference ==========================================================
download plain
expect_eq "plain: exit 0" 0 "$RC"
expect_eq "plain: installed" true "$(installed)"
expect_eq "plain: install notification delivered and removed" "[]" "$(pending)"
stop_sim
read -r FIRST LAST < <(bpp_segments "$SIMLOG")
expect_eq "plain: the load found in the sim's log" true \
  "$([ -n "$FIRST" ] && [ -n "$LAST" ] && [ "$LAST" -gt "$FIRST" ] && echo true || echo "false ($FIRST/$LAST)")"

# === a line limit below a 255-byte STORE DATA line =============================================
# AT+CGLA=1,522,"<261 bytes>" is 539 characters; 400 refuses it but carries a 190-byte APDU.
download limit --line-limit 400
expect_eq "line limit: exit 0" 0 "$RC"
expect_eq "line limit: installed" true "$(installed)"
stop_sim
expect_eq "line limit: the sim refused a long line with ERROR" true \
  "$(awk '/^rx / {len = length($0) - 3; next} /^tx ERROR$/ && len > 400 {found = 1} END {print found ? "true" : "false"}' "$SIMLOG")"
REFUSED_AT=$(grep -n '^tx ERROR$' "$SIMLOG" | head -1 | cut -d: -f1)
expect_eq "line limit: no line longer than 400 forwarded after the refusal" 0 \
  "$(tail -n +"$((REFUSED_AT + 1))" "$SIMLOG" | sed -n 's/^rx //p' | awk 'length($0) > 400' | wc -l | tr -d ' ')"
expect_eq "line limit: the load went on in smaller blocks" true \
  "$(tail -n +"$((REFUSED_AT + 1))" "$SIMLOG" | grep -c '^rx AT+CGLA=[0-9]*,[0-9]*,"..E2' | awk '{print ($1 > 3) ? "true" : "false"}')"

# === the modem resets in the middle of the load ================================================
MID=$((FIRST + 1))
download resetmid --reset-at "$MID"
expect_eq "reset mid-load: the download fails" true "$([ "$RC" != 0 ] && echo true || echo "false (exit 0)")"
expect_contains "reset mid-load: says the profile is not on the card" "is not on the card" "$ERR"
expect_eq "reset mid-load: the sim reset" 1 "$(grep -c '^reset' "$SIMLOG")"
expect_eq "reset mid-load: not installed" false "$(installed)"
stop_sim

# === the modem resets right after the last segment reached the card ============================
download resetlast --reset-at "$LAST"
expect_eq "reset on the last segment: exit 0" 0 "$RC"
expect_contains "reset on the last segment: warns the answer was lost" "answer to the load was lost" "$ERR$OUT"
expect_contains "reset on the last segment: the profile is installed" "$MADE_ICCID is installed" "$ERR$OUT"
expect_eq "reset on the last segment: the sim reset" 1 "$(grep -c '^reset' "$SIMLOG")"
expect_eq "reset on the last segment: installed" true "$(installed)"
expect_eq "reset on the last segment: install notification delivered" "[]" "$(pending)"
stop_sim

# === ERROR to the last segment ===================================================================
download errlast --error-after "$LAST"
expect_eq "ERROR on the last segment: exit 0" 0 "$RC"
expect_contains "ERROR on the last segment: warns the answer was lost" "answer to the load was lost" "$ERR$OUT"
expect_eq "ERROR on the last segment: installed" true "$(installed)"
expect_eq "ERROR on the last segment: install notification delivered" "[]" "$(pending)"
stop_sim
expect_eq "ERROR on the last segment: the sim answered ERROR to APDU $LAST" true \
  "$(grep -q '^fault' "$SIMLOG" && echo true || echo false)"

finish
