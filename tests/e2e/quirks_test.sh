#!/usr/bin/env bash
# Real-card and modem quirks (../shared/docs/sgp22-facts.md section 6, docs/quirks.md), each
# reproduced by an esimctl-vcard knob behind a real, private pcscd (tests/pcsc-rig.sh). Every
# case checks the message, the documented exit code (docs/exit-codes.md) and that nothing was
# lost: the profiles and notifications in the card's state file, and the journal.
#
# Quirks already covered by other suites (not repeated here):
#   5ber ISD-R AID found through the fallback list (chip info)   vcard_knobs_test.sh --isdr-aid
#   91xx after enable (--refresh: REFRESH asked, state verified)  profile_ops_test.sh enable --refresh
#   no R-APDU after enable, state verified by listing            profile_ops_test.sh drop
#   6A88 on the first ES10 command (exit 21, nothing changed)    profile_ops_test.sh 6A88
#   T=0 61xx + GET RESPONSE for a short answer                   vcard_knobs_test.sh --short-apdu
#   card pulled in the middle of a read (exit 14)                errors_test.sh --exit-after
# Here: what those do not reach (a state change on the last known AID, 91xx in text and
# JSON, SELECT answered 61xx, 61xx chains over 3 KB, 6Cxx, endless 6100, 6A88 in the middle of
# an operation, a card pulled between two commands of one operation, pcscd restarted under a
# waiting command, `esimctl readers` in a room with several readers).
. "$(dirname "$0")/lib.sh"
export ESIMCTL WORK BUILD
VCARD=$BUILD/esimctl-vcard
APDU=$BUILD/tests/pcsc_apdu
I1=8999010010000001018  # enabled  (default-state.json)
I2=8999020020000002021  # disabled
I3=8999030030000003034  # disabled, test profile
EID=89049032000000000000000012345644
DEF_STATES="$I1=enabled $I2=disabled $I3=disabled"

. "$(dirname "$0")/session_lib.sh"
DEF_NOTES="7:install:$I1 8:enable:$I1 9:install:$I2"
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ============ non-standard ISD-R AID: the last AID of the fallback list, a state change ========
AID_SE1=A06573746B6D65FFFF4953442D522031  # eSTK.me SE1, the 7th and last known AID
session --vcard-arg=--isdr-aid=$AID_SE1 -- "
  run aid_dis --json --journal \"\$WORK/aid.db\" --trace \"\$WORK/aid.trace\" profile disable --no-notify $I1
  snap aid_dis"
load aid_dis
expect_eq "isdr-aid eSTK.me SE1: disable exit 0" 0 "$RC"
expect_eq "isdr-aid eSTK.me SE1: result ok" ok "$(js .result)"
expect_eq "isdr-aid eSTK.me SE1: 7 SELECTs (every known AID, in order)" 7 "$(grep -c '^> 00A40400' "$WORK/aid.trace")"
expect_contains "isdr-aid eSTK.me SE1: the STORE DATA went to SE1" "> 00A4040010$AID_SE1" "$(grep '^>' "$WORK/aid.trace")"
expect_eq "isdr-aid eSTK.me SE1: disabled on the card" "$I1=disabled $I2=disabled $I3=disabled" "$(states aid_dis)"
expect_eq "isdr-aid eSTK.me SE1: its notification kept on the card" "$DEF_NOTES 10:disable:$I1" "$(notes aid_dis)"

# ============ 91xx after enable (REFRESH asked): state verified by a listing ====================
session -- "
  run r91 --journal \"\$WORK/r91.db\" --trace \"\$WORK/r91.trace\" profile enable --refresh --no-notify $I2
  run r91j --json --journal \"\$WORK/r91j.db\" profile enable --refresh --no-notify $I3
  snap r91"
load r91
expect_eq "91xx: exit 0" 0 "$RC"
expect_contains "91xx: the card answered 91xx to the enable" "91" "$(grep -A1 '^> 80E2.*BF31' "$WORK/r91.trace" | grep '^<' | grep -oE '91[0-9A-F]{2}( |$)' || true)"
expect_contains "91xx: says the profile is enabled" "enabled" "$OUT"
load r91j
expect_eq "91xx --json: verifiedByListing" "0 ok true" "$RC $(js '"\(.result) \(.verifiedByListing)"')"
expect_eq "91xx: state on the card" "$I1=disabled $I2=disabled $I3=enabled" "$(states r91)"

# ============ SELECT answered 61xx: success, the FCI is not fetched =============================
session --vcard-arg=--select-61xx -- "run sel --json --trace \"\$WORK/sel.trace\" profile list"
load sel
expect_eq "SELECT 61xx: profile list exit 0" 0 "$RC"
expect_eq "SELECT 61xx: three profiles" 3 "$(js '.profiles | length')"
expect_eq "SELECT 61xx: the card answered SELECT with 61xx" 61 "$(grep '^<' "$WORK/sel.trace" | head -1 | cut -d'#' -f1 | sed 's/ *$//' | grep -oE '[0-9A-F]{4}$' | cut -c1-2)"
expect_eq "SELECT 61xx: the next command is the STORE DATA (no GET RESPONSE for the FCI)" "80E2" "$(grep '^>' "$WORK/sel.trace" | sed -n 2p | cut -c3-6)"

# ============ T=0 61xx chains over 3 KB: 50 profiles with icons, --short-apdu ===================
# 47 more profiles, each with a 1000-byte icon (SGP.22 allows 1024), next to the demo's three.
ICON=$(head -c 1000 /dev/urandom | base64 -w0)
jq --arg icon "$ICON" '.profiles += [range(47) as $i | {
    iccid: ("89990500000000" + ("00000" + ($i|tostring))[-5:]),
    isdpAid: ("A0000005591010FFFFFFFF890000" + ("0000" + (($i + 8192)|tostring))[-4:]),
    state: "disabled", profileName: ("Bulk profile " + ($i|tostring)),
    serviceProviderName: "Quirk Telecom", iconType: "png", icon: $icon }]' \
  "$DEFAULT_STATE" >"$WORK/fifty.json"
session --state "$WORK/fifty.json" --vcard-arg=--short-apdu -- "
  run fifty --json --trace \"\$WORK/fifty.trace\" profile list --icons"
load fifty
expect_eq "50 profiles with icons over T=0: exit 0" 0 "$RC"
expect_eq "50 profiles with icons: all listed" 50 "$(js '.profiles | length')"
expect_eq "50 profiles with icons: every bulk icon intact" 47 \
  "$(jq --arg icon "$(base64 -d <<<"$ICON" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F)" '[.profiles[] | select(.icon == $icon)] | length' <<<"$OUT" 2>/dev/null || echo 0)"
GR=$(grep -c '^> 00C0' "$WORK/fifty.trace" || true)
expect_eq "50 profiles with icons: the answer took > 64 GET RESPONSEs (over 16 KiB, the old bound)" 1 "$(( GR > 64 ))"
echo "info: 50 profiles with icons: $GR GET RESPONSE rounds, $(wc -c <"$WORK/fifty.out") bytes of JSON"

# ============ 6Cxx: wrong Le, re-sent with the card's Le ========================================
session --vcard-arg=--short-apdu --vcard-arg=--wrong-le-once -- "
  run wle --json --trace \"\$WORK/wle.trace\" chip info
  run wle_ref --json chip info"
load wle
expect_eq "6Cxx: chip info exit 0" 0 "$RC"
expect_eq "6Cxx: EID" "$EID" "$(js .eid)"
expect_eq "6Cxx: the card answered 6Cxx once" 1 "$(grep '^<' "$WORK/wle.trace" | cut -d'#' -f1 | grep -cE '6C[0-9A-F]{2} *$' || true)"
# The GET RESPONSE after the 6Cxx asks for exactly the length the card gave.
LE6C=$(grep '^<' "$WORK/wle.trace" | cut -d'#' -f1 | grep -oE '6C[0-9A-F]{2} *$' | head -1 | cut -c3-4)
expect_contains "6Cxx: GET RESPONSE re-sent with Le = $LE6C" "> 00C00000$LE6C" "$(grep -A1 "^< 6C$LE6C" "$WORK/wle.trace")"
WLE=$(cat "$WORK/wle.out"); load wle_ref
expect_eq "6Cxx: the same chip info as with a well-behaved exchange" "$OUT" "$WLE"

# ============ endless 6100: bounded, clear error, exit 21, nothing changed ======================
t0=$(now_ms)
session --vcard-arg=--endless-61xx -- "
  run e61 --trace \"\$WORK/e61.trace\" profile list
  run e61j --json profile list
  run e61d --json --journal \"\$WORK/e61.db\" profile disable --no-notify $I1
  snap e61"
t1=$(now_ms)
load e61
expect_eq "endless 6100: exit 21" 21 "$RC"
expect_contains "endless 6100: says the card keeps answering 6100 without data" "kept answering 6100 (more data) without sending any" "$ERR"
expect_eq "endless 6100: stopped after 8 empty GET RESPONSEs" 8 "$(grep -c '^> 00C0' "$WORK/e61.trace" || true)"
load e61j
expect_eq "endless 6100 --json: card_status" "21 card_status" "$RC $(js .error.code)"
load e61d
expect_eq "endless 6100: disable refused before anything changed (exit 21)" 21 "$RC"
expect_eq "endless 6100: nothing changed" "$DEF_STATES" "$(states e61)"
expect_eq "endless 6100: no notification added" "$DEF_NOTES" "$(notes e61)"
expect_eq "endless 6100: bounded (3 commands < 10 s)" 1 "$(( t1 - t0 < 10000 ))"

# ============ 6A88 in the middle of an operation ================================================
# Count the ES10 commands of a delete to aim 6A88 at the ListNotification right after the
# DeleteProfile: the profile is deleted, its notification must stay on the card.
session -- "run del_ref --journal \"\$WORK/delref.db\" --trace \"\$WORK/delref.trace\" profile delete --yes --no-notify $I2"
load del_ref
expect_eq "delete (reference run): exit 0" 0 "$RC"
# Complete ES10 commands = STORE DATA last blocks (P1 91); the one after the BF33 block.
NDEL=$(grep '^> 80E291' "$WORK/delref.trace" | grep -n 'BF33' | head -1 | cut -d: -f1)
session --vcard-arg=--sw-6a88-at=$((NDEL + 1)) -- "
  run mid --json --journal \"\$WORK/mid.db\" --trace \"\$WORK/mid.trace\" profile delete --yes --no-notify $I2
  snap mid
  run mid_nl --json notification list
  run mid_jl --json --journal \"\$WORK/mid.db\" journal export"
load mid
expect_eq "6A88 after the delete: exit 21 (card_status)" "21 card_status" "$RC $(js .error.code)"
expect_contains "6A88 after the delete: the message names 6A88" 6A88 "$(js .error.message)"
expect_eq "6A88 after the delete: the profile is gone from the card" "$I1=enabled $I3=disabled" "$(states mid)"
expect_eq "6A88 after the delete: the delete notification stays on the card" "$DEF_NOTES 10:delete:$I2" "$(notes mid)"
load mid_nl
expect_contains "6A88 after the delete: notification list shows it" "\"seqNumber\":10" "$(jq -c . <<<"$OUT" 2>/dev/null)"
load mid_jl
expect_eq "6A88 after the delete: the journal recorded the operation" "delete $I2" "$(js '.operations[0] | "\(.operation) \(.iccid)"')"

# ============ card removed between the delete and the notification listing =====================
# APDUs (not ES10 commands) up to and including the DeleteProfile: the card leaves right after
# answering it and comes back 1 s later.
NAPDU=$(grep '^>' "$WORK/delref.trace" | grep -n 'BF33' | head -1 | cut -d: -f1)
t0=$(now_ms)
session --vcard-arg=--remove-card-after=$NAPDU -- "
  run rm --json --journal \"\$WORK/rm.db\" profile delete --yes --no-notify $I2
  \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --empty --reader \"\$ESIMCTL_RIG_READER\" --timeout-ms 3000 || echo 'card did not leave' >&2
  \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --present --reader \"\$ESIMCTL_RIG_READER\" --timeout-ms 5000 || echo 'card did not come back' >&2
  snap rm
  run rm_nl --json notification list
  run rm_jl --json --journal \"\$WORK/rm.db\" journal export
  run rm_proc --json --journal \"\$WORK/rm.db\" --notify-attempts 1 --notify-timeout 2 notification process 10
  run rm_jl2 --json --journal \"\$WORK/rm.db\" journal list
  snap rm_after"
t1=$(now_ms)
load rm
echo "info: card removed after the delete: esimctl said: $(js .error.message)"
expect_eq "card removed after the delete: exit 14 (card_removed)" "14 card_removed" "$RC $(js .error.code)"
expect_contains "card removed after the delete: says removed" "removed" "$(js .error.message)"
expect_eq "card removed after the delete: the profile is gone" "$I1=enabled $I3=disabled" "$(states rm)"
expect_eq "card removed after the delete: the notification is still on the card" "$DEF_NOTES 10:delete:$I2" "$(notes rm)"
load rm_nl
expect_eq "after re-insertion: notification list shows seq 10 (delete)" "10 delete" \
  "$(js '.notifications[] | select(.seqNumber == 10) | "\(.seqNumber) \(.profileManagementOperation | join(","))"')"
load rm_jl
expect_eq "after re-insertion: the journal has the delete operation" "delete $I2" "$(js '.operations[0] | "\(.operation) \(.iccid)"')"
load rm_proc
# Offline (the SM-DP+ does not resolve): journaled, kept on the card, exit 40.
expect_eq "after re-insertion: notification process journals it (exit 40, offline)" 40 "$RC"
load rm_jl2
expect_eq "after re-insertion: the journal holds the delete notification, undelivered" "10 delete undelivered" \
  "$(js '.notifications[] | select(.seqNumber == 10) | "\(.seqNumber) \(.event) \(.state)"')"
expect_eq "after re-insertion: still on the card" "$DEF_NOTES 10:delete:$I2" "$(notes rm_after)"
expect_eq "card removed: bounded (< 20 s)" 1 "$(( t1 - t0 < 20000 ))"

# ============ pcscd restarted while esimctl waits ===============================================
# esimctl waits for a slow card (2 s per APDU); pcscd is killed under it, then restarted (same
# private socket and config) with the card back: a clear message, exit 10, no hang; the next
# run works and nothing changed.
t0=$(now_ms)
session --vcard-arg=--latency-ms=2000 -- "
  \"\$ESIMCTL\" --journal \"\$WORK/restart.db\" profile disable --no-notify $I1 >\"\$WORK/rs.out\" 2>\"\$WORK/rs.err\" &
  cmd=\$!
  sleep 1
  kill -TERM \"\$ESIMCTL_RIG_PCSCD_PID\"
  start=\$(date +%s%N)
  wait \$cmd; echo \$? >\"\$WORK/rs.rc\"
  echo \$(( (\$(date +%s%N) - start) / 1000000 )) >\"\$WORK/rs.ms\"
  # Restart pcscd on the same socket, and the card (it left with pcscd) on the same state.
  rm -f \"\$PCSCLITE_CSOCK_NAME\"
  \"\$ESIMCTL_RIG_HELPERS/socket_activate\" \"\$PCSCLITE_CSOCK_NAME\" -- /usr/sbin/pcscd -f -c \"\$ESIMCTL_RIG_DIR/conf\" >>\"\$ESIMCTL_RIG_DIR/pcscd2.log\" 2>&1 </dev/null &
  p2=\$!
  \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --reader-present --reader \"\$ESIMCTL_RIG_READER\" --timeout-ms 5000 || echo 'pcscd did not come back' >&2
  \"$VCARD\" --state \"\$ESIMCTL_RIG_STATE\" --port \"\$ESIMCTL_RIG_PORT\" >/dev/null 2>&1 </dev/null &
  c2=\$!
  \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --present --reader \"\$ESIMCTL_RIG_READER\" --timeout-ms 5000 || echo 'card did not come back' >&2
  run rs_list --json profile list
  snap rs
  kill -TERM \$c2 \$p2; wait \$c2 \$p2 2>/dev/null
  true"
t1=$(now_ms)
load rs
expect_eq "pcscd restarted: exit 10 (pcscd_not_running)" 10 "$RC"
expect_contains "pcscd restarted: says pcscd went away" "pcscd" "$ERR"
echo "info: pcscd restarted: esimctl said: $ERR"
expect_eq "pcscd restarted: esimctl ends within 3 s of the kill" 1 "$(( $(cat "$WORK/rs.ms" 2>/dev/null || echo 99999) < 3000 ))"
load rs_list
expect_eq "pcscd restarted: after the restart profile list works" "0 3" "$RC $(js '.profiles | length')"
expect_eq "pcscd restarted: nothing changed on the card" "$DEF_STATES" "$(states rs)"
expect_eq "pcscd restarted: no notification added" "$DEF_NOTES" "$(notes rs)"
expect_eq "pcscd restarted: bounded (< 30 s)" 1 "$(( t1 - t0 < 30000 ))"

# ============ readers: an eUICC, a busy reader, a plain card, an empty slot =====================
# Slot 0: the eUICC (-v logs its APDUs and control bytes). Slot 1: a second card that another
# program holds exclusively, then a plain smart card (--not-euicc), then nothing.
session --vcard-arg=-v -- "
  \"$VCARD\" --state \"\$ESIMCTL_RIG_STATE\" --port \$((ESIMCTL_RIG_PORT + 1)) --not-euicc >/dev/null 2>&1 </dev/null &
  c2=\$!
  \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --present --reader 'Virtual PCD 00 01' --timeout-ms 5000 || echo 'second card missing' >&2
  \"$APDU\" -q --reader 'Virtual PCD 00 01' --hold-ms 4000 00A4040010A0000005591010FFFFFFFF890000010000 >/dev/null 2>&1 &
  holder=\$!
  for _ in \$(seq 1 100); do \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --list | grep -q EXCLUSIVE && break; sleep 0.05; done
  before=\$(grep -c 'vcard: >' \"\$ESIMCTL_RIG_DIR/vcard.log\")
  s=\$(date +%s%N)
  run rd_busy --json readers
  echo \$(( (\$(date +%s%N) - s) / 1000000 )) >\"\$WORK/rd.ms\"
  run rd_text readers
  after=\$(grep -c 'vcard: >' \"\$ESIMCTL_RIG_DIR/vcard.log\")
  echo \$(( after - before )) >\"\$WORK/rd.apdus\"
  grep -c 'vcard: reset' \"\$ESIMCTL_RIG_DIR/vcard.log\" >\"\$WORK/rd.resets\"
  run rd_slot1 --reader 1 profile list
  kill \$holder; wait \$holder 2>/dev/null
  # pcscd releases a killed holder's lock when it notices the closed socket, a moment later.
  \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --free --reader 'Virtual PCD 00 01' --timeout-ms 3000 || echo 'slot 1 still held' >&2
  run rd_plain --json readers
  kill -TERM \$c2; wait \$c2 2>/dev/null
  \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --empty --reader 'Virtual PCD 00 01' --timeout-ms 3000 || true
  run rd_empty readers"
load rd_busy
expect_eq "readers: exit 0" 0 "$RC"
expect_eq "readers: slot 0 holds an eUICC, its EID read" "true $EID" "$(js '.readers[0] | "\(.euicc) \(.eid)"')"
expect_eq "readers: slot 1 held exclusively by another program, not asked" "true true null null" \
  "$(js '.readers[1] | "\(.cardPresent) \(.exclusive) \(.euicc) \(.eid)"')"
echo "info: readers with an eUICC, a busy reader: $(cat "$WORK/rd.ms") ms"
expect_eq "readers: fast (< 2 s even on a loaded machine)" 1 "$(( $(cat "$WORK/rd.ms") < 2000 ))"
load rd_text
expect_contains "readers (text): the EID column" "$EID" "$OUT"
expect_contains "readers (text): slot 1 in use by another program" "in use by another program" "$(grep '00 01' <<<"$OUT")"
expect_contains "readers (text): slot 0 is an eUICC" "eUICC" "$(grep '00 00' <<<"$OUT")"
# Two runs: MANAGE CHANNEL open, SELECT, GetEID, MANAGE CHANNEL close each; never a reset.
expect_eq "readers: 4 APDUs per run on the eUICC" 8 "$(cat "$WORK/rd.apdus")"
expect_eq "readers: the card was never reset" 0 "$(cat "$WORK/rd.resets")"
load rd_slot1
expect_eq "busy reader: profile list on it exits 15" 15 "$RC"
expect_contains "busy reader: in use by another program" "in use by another program" "$ERR"
load rd_plain
expect_eq "readers: a plain smart card is not an eUICC" "true false null false" \
  "$(js '.readers[1] | "\(.cardPresent) \(.euicc) \(.eid) \(.exclusive)"')"
load rd_empty
expect_contains "readers: the empty slot" "no card" "$(grep '00 01' <<<"$OUT")"

finish
