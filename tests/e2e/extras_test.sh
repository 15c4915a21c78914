#!/usr/bin/env bash
# Issue 13 §5 end to end through the real pcscd rig (tests/pcsc-rig.sh) and the test SM-DP+:
#  1. --imei: a malformed IMEI is refused with exit 3 before anything is sent (no trace file, no
#     request at the server, the card's state untouched); a good one reaches the card packed as
#     download-facts §7 says (TAC 4 bytes, IMEI 8 bytes BCD, nibbles swapped, F-padded).
#  2. --trace and -v: the matching ID never appears (masked "**" per byte), nor the confirmation
#     code (only its hash goes to the card).
#  3. The load progress "Loading profile: n/m" on a terminal (util-linux script(1) gives the
#     pty), and none of it without a terminal or with --json.
#  4. chip info shows the Rules Authorisation Table (GetRAT) in text and JSON, in 5 exchanges.
#  5. notification dump: the signed notifications as JSON / base64, files 0600, read-only.
#  6. profile download --qr: the activation code from a PNG (qrencode) and a JPEG (cjpeg) picture;
#     a picture without a QR code, or not a picture, is refused before anything is sent.
. "$(dirname "$0")/lib.sh"
exec </dev/null  # never a terminal on stdin: confirmations come from --yes

. "$(dirname "$0")/smdp_lib.sh"
for tool in script qrencode cjpeg openssl; do
  command -v "$tool" >/dev/null || { fail "missing: $tool (tools/install-deps.sh)"; finish; exit 1; }
done
TS48=${ESIMCTL_SHARED_DIR:-$SRC/../shared}/ts48
V1=TS48V1-A-UNIQUE
V1_ICCID=8949449999999990023
SECRET_ID=EXTRAS-MASK-7731-QZ
SECRET_CC=CC-SECRET-8842
MADE_ICCID=8944001234567890136
cat >"$WORK/orders.json" <<EOF2
[{"matchingId": "$SECRET_ID", "iccid": "$MADE_ICCID", "serviceProviderName": "Tailspin Mobile",
  "profileName": "Tailspin CC", "confirmationCode": "$SECRET_CC"},
 {"matchingId": "PTY-TEXT", "iccid": "8944001234567890152", "profileName": "Tailspin Pty"},
 {"matchingId": "PTY-JSON", "iccid": "8944001234567890160", "profileName": "Tailspin Json"},
 {"matchingId": "QR-PNG-5521", "iccid": "8944001234567890178", "profileName": "Tailspin PNG"},
 {"matchingId": "QR-JPEG-5522", "iccid": "8944001234567890186", "profileName": "Tailspin JPEG"}]
EOF2
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F; }

# download NAME [esimctl options...]: profile download on card $S (changes persist), journal $J.
download() {
  local name=$1
  shift
  run_capture "$name" rig --state "$S" --state-in-place -- \
    "$ESIMCTL" --journal "$J" --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" \
    --notify-attempts 1 "$@"
}
# store_data TRACE: the data fields of the STORE DATA commands (80E2) of a trace, concatenated.
store_data() {
  local h lc
  grep '^> 80E2' "$1" | while read -r _ h _; do
    lc=$((16#${h:8:2}))
    printf '%s' "${h:10:$((2 * lc))}"
  done
}

start_server extras --pki-dir "$PKI" --upp-dir "$TS48" --orders "$WORK/orders.json"

# === 1. --imei ==================================================================================
new_state imei ".trustedCiCertificates = [\"$PKI/CERT_CI_ECDSA_NIST.der\"]"
J=$WORK/imei.db
STATE_BEFORE=$(sha256sum <"$S")
LOG_BEFORE=$(wc -l <"$LOG")
for bad in 490154203237519 49015420323751 4901542032375180 49015420323751A 3592061100000O7; do
  download "imei_$bad" --trace "$WORK/imei_$bad.trace" profile download --yes --imei "$bad" "LPA:1\$$HOST\$$V1"
  expect_eq "IMEI $bad: exit 3" 3 "$RC"
  expect_contains "IMEI $bad: names the IMEI" "IMEI '$bad'" "$ERR"
  expect_eq "IMEI $bad: nothing sent to the card (no trace)" no "$([ -e "$WORK/imei_$bad.trace" ] && echo yes || echo no)"
done
expect_contains "IMEI with 14 digits: gives the check digit" "with its check digit it is 490154203237518" \
  "$(cat "$WORK/imei_49015420323751.err")"
expect_contains "IMEI with a bad check digit: says which" "should end in 8" "$(cat "$WORK/imei_490154203237519.err")"
expect_eq "bad IMEIs: nothing reached the SM-DP+" "$LOG_BEFORE" "$(wc -l <"$LOG")"
expect_eq "bad IMEIs: the card's state is untouched" "$STATE_BEFORE" "$(sha256sum <"$S")"

# A good IMEI, with -v and --trace: DeviceInfo carries 80 04 <TAC> ... 82 08 <IMEI>.
download imei_good --trace "$WORK/good.trace" -v profile download --yes --imei 359206110000007 "LPA:1\$$HOST\$$V1"
expect_eq "good IMEI: download exit 0" 0 "$RC"
DATA=$(store_data "$WORK/good.trace")
expect_contains "good IMEI: TAC 35920611 as 53296011" "800453296011A1" "$DATA"
expect_contains "good IMEI: IMEI as 53296011000000F7" "820853296011000000F7" "$DATA"
# === 2. masking: the activation code's matching ID ==============================================
V1_HEX=$(hex "$V1")
# (Not stdout: this package's profile name is its matching ID; the cc case below checks stdout.)
for where in "good.trace" "imei_good.err"; do
  expect_not_contains "matching ID absent from $where (text)" "$V1" "$(cat "$WORK/$where")"
  expect_not_contains "matching ID absent from $where (hex)" "$V1_HEX" "$(cat "$WORK/$where")"
done
expect_contains "trace: the masked command is marked" "# matching ID masked" "$(cat "$WORK/good.trace")"
expect_contains "trace: the masked ID keeps its length (${#V1} bytes as **)" \
  "80$(printf '%02X' ${#V1})$(printf '*%.0s' $(seq $((2 * ${#V1}))))" "$DATA"
expect_contains "-v: the masked lines are marked" "matching ID masked" "$ERR"
expect_not_contains "trace: the ID is not in the STORE DATA stream either (cut across blocks)" "$V1_HEX" "$DATA"
MASKED_V=$(grep -c 'matching ID masked' "$WORK/imei_good.err" || true)
expect_eq "-v: the command and the card's echo (euiccSigned1) are masked (>= 2 lines)" yes \
  "$([ "$MASKED_V" -ge 2 ] && echo yes || echo "no: $MASKED_V")"
expect_eq "-v: an answer line is masked (the echo)" yes \
  "$(grep -q '^< .*matching ID masked' "$WORK/imei_good.err" && echo yes || echo no)"

# === 2b. masking with --matching-id and a confirmation code (only hashCc reaches the card) =======
new_state cc ".trustedCiCertificates = [\"$PKI/CERT_CI_ECDSA_NIST.der\"]"
J=$WORK/cc.db
download cc --trace "$WORK/cc.trace" -v profile download --yes --smdp "$HOST" --matching-id "$SECRET_ID" \
  --confirmation-code "$SECRET_CC"
expect_eq "confirmation code download: exit 0" 0 "$RC"
for where in cc.trace cc.err cc.out; do
  for secret in "$SECRET_ID" "$(hex "$SECRET_ID")" "$SECRET_CC" "$(hex "$SECRET_CC")"; do
    expect_not_contains "$where: no secret ($secret)" "$secret" "$(cat "$WORK/$where")"
  done
done

# === 3. load progress on a terminal ==============================================================
# script(1) runs esimctl on a pty (stdin, stdout and stderr): what the terminal showed is its output.
# on_pty NAME [esimctl options...]: on card $S, journal $J.
on_pty() {
  local name=$1
  shift
  run_capture "$name" rig --state "$S" --state-in-place -- script -qefc "$(printf '%q ' "$ESIMCTL" --journal "$J" \
    --ca-file "$CA" --connect-to "$HOST:443:127.0.0.1:$PORT" --notify-attempts 1 "$@")" /dev/null
}
new_state pty ".trustedCiCertificates = [\"$PKI/CERT_CI_ECDSA_NIST.der\"]"
J=$WORK/pty.db
on_pty pty_text profile download --yes "LPA:1\$$HOST\$PTY-TEXT"
expect_eq "terminal: download exit 0" 0 "$RC"
expect_contains "terminal: the progress starts at 1" $'\rLoading profile: 1/' "$OUT"
TOTAL=$(grep -ao 'Loading profile: [0-9]*/[0-9]*' "$WORK/pty_text.out" | tail -1)
expect_eq "terminal: the progress ends at the total (n/n)" yes \
  "$(awk -F'[ /]' '{print ($3 == $4 && $4 > 1) ? "yes" : "no: " $0}' <<<"$TOTAL")"
expect_eq "terminal: one update per load sequence, in place" "${TOTAL##*/}" \
  "$(grep -ao $'\rLoading profile: [0-9]*/' "$WORK/pty_text.out" | wc -l)"
expect_contains "terminal: the line is ended before the receipt" "${TOTAL}"$'\r\n'"Profile" "$OUT"
on_pty pty_json --json profile download --yes "LPA:1\$$HOST\$PTY-JSON"
expect_eq "terminal, --json: exit 0" 0 "$RC"
expect_not_contains "terminal, --json: no progress" "Loading profile" "$OUT"
for name in imei_good cc; do
  expect_not_contains "no terminal ($name): no progress" "Loading profile" "$(cat "$WORK/$name.err" "$WORK/$name.out")"
done

# === 6. --qr IMAGE ================================================================================
qrencode -o "$WORK/code.png" "LPA:1\$$HOST\$QR-PNG-5521"
# JPEG: qrencode's text rendering ("##" a dark module) as a PGM, 4 pixels a module, then cjpeg.
qrencode -t ASCII -m 4 "LPA:1\$$HOST\$QR-JPEG-5522" | awk -v S=4 '
  { rows[NR] = $0; if (length($0) / 2 > w) w = length($0) / 2 }
  END { print "P2"; print w * S, NR * S; print 255
        for (r = 1; r <= NR; r++) for (k = 0; k < S; k++) { line = ""
          for (c = 0; c < w; c++) { v = substr(rows[r], 2 * c + 1, 1) == "#" ? 0 : 255
            for (j = 0; j < S; j++) line = line v " " }
          print line } }' | cjpeg -quality 85 >"$WORK/code.jpg"
new_state qr ".trustedCiCertificates = [\"$PKI/CERT_CI_ECDSA_NIST.der\"]"
J=$WORK/qr.db
download qr_png --trace "$WORK/qr_png.trace" profile download --yes --qr "$WORK/code.png"
expect_eq "--qr PNG: exit 0" 0 "$RC"
expect_contains "--qr PNG: the order's profile installed" "Tailspin PNG" "$OUT"
expect_not_contains "--qr PNG: the matching ID from the picture is masked in the trace" "$(hex QR-PNG-5521)" \
  "$(tr -d '\n' <"$WORK/qr_png.trace")"
download qr_jpeg profile download --yes --qr "$WORK/code.jpg"
expect_eq "--qr JPEG: exit 0" 0 "$RC"
expect_contains "--qr JPEG: the order's profile installed" "Tailspin JPEG" "$OUT"
expect_eq "--qr: both orders installed at the server" 2 \
  "$(jq -r 'select(.event == "order" and (.matchingId | startswith("QR-"))) | .state' "$LOG" | grep -c '^installed$')"
LOG_BEFORE=$(wc -l <"$LOG")
printf 'P2\n8 8\n255\n%s\n' "$(printf '255 %.0s' $(seq 64))" | cjpeg >"$WORK/blank.jpg"
for bad in blank.jpg orders.json; do
  download "qr_bad_$bad" --trace "$WORK/qr_bad.trace" profile download --yes --qr "$WORK/$bad"
  expect_eq "--qr $bad: exit 3" 3 "$RC"
  expect_eq "--qr $bad: nothing sent to the card" no "$([ -e "$WORK/qr_bad.trace" ] && echo yes || echo no)"
done
expect_contains "--qr without a QR code: says so" "no QR code found in $WORK/blank.jpg" "$(cat "$WORK/qr_bad_blank.jpg.err")"
expect_contains "--qr of a text file: says so" "neither a PNG nor a JPEG" "$(cat "$WORK/qr_bad_orders.json.err")"
download qr_both profile download --yes --qr "$WORK/code.png" "LPA:1\$$HOST\$X"
expect_eq "--qr and an activation code: usage exit 2" 2 "$RC"
expect_eq "--qr refusals: nothing reached the SM-DP+" "$LOG_BEFORE" "$(wc -l <"$LOG")"
stop_server

# === 4. chip info shows the Rules Authorisation Table (GetRAT) ==================================
run_capture rat_default rig -- "$ESIMCTL" --trace "$WORK/rat.trace" chip info
expect_eq "chip info: exit 0" 0 "$RC"
expect_contains "chip info: the default card's RAT" "Rules authorisation (RAT)   ppr1, ppr2 for MCC 001 MNC 01" "$OUT"
expect_contains "chip info: GetRAT (BF43) sent" "BF4300" "$(grep '^>' "$WORK/rat.trace")"
expect_eq "chip info: 5 exchanges (docs/performance.md budget)" 5 "$(grep -c '^>' "$WORK/rat.trace")"
jq '.rat = [{"pprIds": "40", "allowedOperators": [{"mccMnc": "310410", "gid1": "AB"}, {"mccMnc": "00101"}],
             "pprFlags": "80"}, {"pprIds": "20", "allowedOperators": [], "pprFlags": "00"}]' "$DEFAULT_STATE" >"$WORK/rat.json"
run_capture rat_text rig --state "$WORK/rat.json" -- "$ESIMCTL" chip info
expect_contains "chip info: a rule with GID1 and consent" \
  "ppr1 for MCC 310 MNC 410 GID1 AB; MCC 001 MNC 01 (end-user consent required)" "$OUT"
expect_contains "chip info: a rule for no operator" "ppr2 for no operator" "$OUT"
run_capture rat_json rig --state "$WORK/rat.json" -- "$ESIMCTL" --json chip info
expect_eq "chip info --json: the RAT" \
  '[{"allowedOperators":[{"gid1":"AB","mccMnc":"130014"},{"mccMnc":"00F110"}],"pprFlags":["consentRequired"],"pprIds":["ppr1"]},{"allowedOperators":[],"pprFlags":[],"pprIds":["ppr2"]}]' \
  "$(jq -c .rulesAuthorisationTable <<<"$OUT")"
jq '.rat = []' "$DEFAULT_STATE" >"$WORK/rat-empty.json"
run_capture rat_empty rig --state "$WORK/rat-empty.json" -- "$ESIMCTL" chip info
expect_contains "chip info: an empty RAT" "(empty: no operator may set profile policy rules)" "$OUT"

# === 5. notification dump: the signed notifications, read-only, files 0600 ======================
# shellcheck disable=SC2016
run_capture dump rig -- bash -c 'umask 022
  "$1" --trace "$2/dump.trace" notification dump --all --output "$2/dump.json" &&
  "$1" notification dump 9 7 --format base64 --output "$2/dump.b64" &&
  "$1" --json notification show 7 --raw >"$2/show7.json" &&
  "$1" --json notification list >"$2/list-after.json"' _ "$ESIMCTL" "$WORK"
expect_eq "dump: exit 0" 0 "$RC"
expect_contains "dump: says what it wrote" "Wrote 3 notifications (json, signed DER as the card sent it) to $WORK/dump.json (mode 0600)." "$OUT"
expect_eq "dump: the JSON file is 0600 (umask 022)" 600 "$(stat -c %a "$WORK/dump.json")"
expect_eq "dump: the base64 file is 0600" 600 "$(stat -c %a "$WORK/dump.b64")"
expect_eq "dump: JSON fields" '[7,"install","8999010010000001018","smdp.northwind.example"]' \
  "$(jq -c '.notifications[0] | [.seqNumber, .event, .iccid, .address]' "$WORK/dump.json")"
expect_eq "dump: the DER is the card's own (as notification show --raw)" \
  "$(jq -r .pendingNotification "$WORK/show7.json")" "$(jq -r '.notifications[0].der' "$WORK/dump.json")"
expect_eq "dump: base64 lines in the order asked (9, 7)" \
  "$(jq -r '.notifications[2].der, .notifications[0].der' "$WORK/dump.json")" "$(cat "$WORK/dump.b64")"
# PendingNotification: BF37 (profileInstallationResult) or 30 (otherSignedNotification, as here).
expect_eq "dump: each line is a whole PendingNotification DER" "30 30" \
  "$(while read -r l; do base64 -d <<<"$l" | openssl asn1parse -inform DER 2>/dev/null | head -1 | grep -q 'cons: SEQUENCE' && printf '30 '; done <"$WORK/dump.b64" | sed 's/ $//')"
expect_eq "dump: read-only (no NotificationSent BF30 sent)" 0 "$(grep -c '^> 80E2....[0-9A-F]*BF30' "$WORK/dump.trace" || true)"
expect_eq "dump: the card still holds its 3 notifications" "[7,8,9]" \
  "$(jq -c '[.notifications[].seqNumber]' "$WORK/list-after.json")"
run_capture dump_bad rig -- "$ESIMCTL" notification dump 99 --output "$WORK/none.json"
expect_eq "dump of an unknown seqNumber: exit 35" 35 "$RC"
expect_eq "dump of an unknown seqNumber: no file" no "$([ -e "$WORK/none.json" ] && echo yes || echo no)"

finish
