#!/usr/bin/env bash
# Profile operations end to end (issue 3): profile enable/disable/delete/nickname, chip reset,
# chip default-smdp, through a private pcscd with the virtual eUICC behind vpcd.
# Every state change is checked AFTERWARDS by listing again (and by the card's state file),
# inside the SAME rig invocation: each rig run starts from a fresh copy of the state file.
. "$(dirname "$0")/lib.sh"
export ESIMCTL WORK
PPR=$SRC/tests/data/ppr-state.json  # default-state.json with PPR1 on ...1018, PPR2 on ...2021
NOSVC="$WORK/no-such.sock"          # no pcscd: a sent APDU would fail with 10, not 3

# The demo card (vcard/default-state.json):
I1=8999010010000001018  # enabled,  operational, notifies install/enable/disable/delete -> smdp.northwind.example
I2=8999020020000002021  # disabled, operational, install/delete -> rsp.contoso.example, enable/disable -> notify.contoso.example
I3=8999030030000003034  # disabled, test,        delete -> smdp.fabrikam.example
A1=A0000005591010FFFFFFFF8900001000
A3=A0000005591010FFFFFFFF8900001200
UNKNOWN_ICCID=8999090090000009099
UNKNOWN_AID=A0000005591010FFFFFFFF8900009900

. "$(dirname "$0")/session_lib.sh"
# session, run, load and js as in session_lib.sh; snap also keeps `esimctl --json profile list`
# in $WORK/NAME.list, and states/notes read that listing and show the notification addresses.
cat >>"$WORK/pre.sh" <<'EOF'
snap() {
  "$ESIMCTL" --json profile list >"$WORK/$1.list" 2>"$WORK/$1.list.err"
  cp "$ESIMCTL_RIG_STATE" "$WORK/$1.state"
}
EOF
# states NAME: "iccid=state ..." from the listing taken by snap NAME.
states() { jq -r '[.profiles[] | "\(.iccid)=\(.profileState)"] | join(" ")' "$WORK/$1.list" 2>/dev/null || echo "no listing"; }
# notes NAME: the card's pending notifications "seq:event:iccid:address ..." from its state file.
notes() { jq -r '[.notifications[] | "\(.seqNumber):\(.event):\(.iccid):\(.address)"] | join(" ")' "$WORK/$1.state" 2>/dev/null || echo "no state"; }
next_seq() { jq -r .nextSeqNumber "$WORK/$1.state" 2>/dev/null || echo "no state"; }
# sent FILE: how many C-APDUs a trace file records (0 when the file was never written).
sent() { if [ -f "$1" ]; then grep -c '^>' "$1" || true; else echo 0; fi; }
DEFAULT_NOTES="7:install:$I1:smdp.northwind.example 8:enable:$I1:smdp.northwind.example 9:install:$I2:rsp.contoso.example"

# Does `notification list` exist yet (another engineer's work)? Checked once, said out loud.
# (CLI11 answers --help of an unknown subcommand with the main help and 0: ask for real.)
if PCSCLITE_CSOCK_NAME="$NOSVC" "$ESIMCTL" notification list >/dev/null 2>&1; [ $? != 2 ]; then HAVE_NOTIF_LIST=1; else
  HAVE_NOTIF_LIST=0
  echo "NOTE: 'esimctl notification list' not in this build: notifications are checked in the card's state file only"
fi

# Expects exit 3 / invalid_input and that NOTHING was sent: no pcscd at all (a sent APDU would
# end in 10) and a --trace file without a single '>' line.
expect_invalid() {
  local what=$1; shift
  rm -f "$WORK/inv.trace"
  run_capture inv env PCSCLITE_CSOCK_NAME="$NOSVC" "$ESIMCTL" --trace "$WORK/inv.trace" "$@"
  expect_eq "$what: exit 3" 3 "$RC"
  expect_eq "$what: no APDU sent" 0 "$(sent "$WORK/inv.trace")"
  [ -n "$ERR" ] || fail "$what: no message on stderr"
  run_capture inv_json env PCSCLITE_CSOCK_NAME="$NOSVC" "$ESIMCTL" --json "$@"
  expect_eq "$what --json: invalid_input" invalid_input "$(js .error.code)"
}

# ============================== invalid input: exit 3, nothing sent ==========================
for op in enable disable delete; do
  expect_invalid "$op: 17-digit ICCID" profile $op 89990100100000010
  expect_invalid "$op: 21-digit ICCID" profile $op 899901001000000101800
  expect_invalid "$op: ICCID with a letter" profile $op 8999010010000001X18
  expect_invalid "$op: AID of 4 bytes" profile $op A0000005
  expect_invalid "$op: AID of 17 bytes" profile $op A0000005591010FFFFFFFF890000100000
  expect_invalid "$op: odd-length hex" profile $op A0000005591010FFFFFFFF890000100
  expect_invalid "$op: not hex" profile $op A0000005591010FFFFFFFF89000010ZZ
done
expect_invalid "nickname: bad ICCID" profile nickname 12345 Name
expect_invalid "nickname: an AID is not an ICCID" profile nickname $A1 Name
expect_invalid "nickname: 65 bytes" profile nickname $I1 "$(printf 'a%.0s' $(seq 1 65))"
expect_invalid "nickname: 33 x 2-byte char = 66 bytes (bytes count, not characters)" profile nickname $I1 "$(printf 'é%.0s' $(seq 1 33))"
expect_invalid "nickname: 16 emoji + 1 = 65 bytes" profile nickname $I1 "$(printf '📱%.0s' $(seq 1 16))a"
expect_invalid "nickname: invalid UTF-8" profile nickname $I1 "$(printf 'bad\xff\xfe')"
expect_invalid "nickname: truncated UTF-8 sequence" profile nickname $I1 "$(printf 'x\xe6\x97')"
expect_invalid "default-smdp: spaces" chip default-smdp "smdp example.com"
expect_invalid "default-smdp: empty label" chip default-smdp "smdp..example"
expect_invalid "default-smdp: label ending in a hyphen" chip default-smdp "smdp-.example"
expect_invalid "default-smdp: underscore" chip default-smdp "sm_dp.example"
expect_invalid "default-smdp: 64-char label" chip default-smdp "$(printf 'a%.0s' $(seq 1 64)).example"
expect_invalid "default-smdp: URL, not FQDN" chip default-smdp "https://smdp.example"
expect_invalid "default-smdp: 254 chars" chip default-smdp "$(printf 'abcdefghi.%.0s' $(seq 1 25))abcd"

run_capture reset_noopt env PCSCLITE_CSOCK_NAME="$NOSVC" "$ESIMCTL" chip reset --yes --no-notify
expect_eq "chip reset without an option: usage exit 2" 2 "$RC"
run_capture reset_noopt_json env PCSCLITE_CSOCK_NAME="$NOSVC" "$ESIMCTL" --json chip reset --yes --no-notify
expect_eq "chip reset without an option --json: usage" usage "$(js .error.code)"
run_capture enable_noarg "$ESIMCTL" profile enable
expect_eq "profile enable without ID: usage exit 2" 2 "$RC"

# Also with a card present: a bad argument still sends nothing.
session -- 'run bad --trace "$WORK/bad.trace" profile disable --no-notify 12345; snap bad'
load bad
expect_eq "bad ICCID with a card present: exit 3" 3 "$RC"
expect_eq "bad ICCID with a card present: trace has no APDU" 0 "$(sent "$WORK/bad.trace")"
expect_eq "bad ICCID with a card present: nothing changed" "$I1=enabled $I2=disabled $I3=disabled" "$(states bad)"

# ============================== enable ======================================================
# Enable of a disabled profile disables the enabled one: at most one enabled; two notifications
# (disable of I1 to its address, then enable of I2 to the address of I2's enable entry).
session -- "run en_json --json --trace \"\$WORK/en.trace\" profile enable --no-notify $I2; snap en"
load en_json
expect_eq "enable: exit" 0 "$RC"
expect_eq "enable --json: document" \
  "{\"operation\":\"enable\",\"profile\":{\"iccid\":\"$I2\"},\"result\":\"ok\"}" "$(jq -cS '{operation,profile,result}' <<<"$OUT" 2>/dev/null || echo "$OUT")"
expect_eq "enable --json: stderr empty" "" "$ERR"
expect_eq "enable: the other profile is disabled, one enabled" "$I1=disabled $I2=enabled $I3=disabled" "$(states en)"
expect_eq "enable: notifications (disable I1, enable I2), seq 10 and 11" \
  "$DEFAULT_NOTES 10:disable:$I1:smdp.northwind.example 11:enable:$I2:notify.contoso.example" "$(notes en)"
expect_eq "enable: nextSeqNumber 12" 12 "$(next_seq en)"
expect_eq "enable: the command is sent once (BF31)" 1 "$(grep '^> 80E2' "$WORK/en.trace" | grep -c BF31)"
expect_contains "enable: refreshFlag false by default (81 01 00)" "810100" "$(grep '^> 80E2' "$WORK/en.trace")"

session -- "run en_text profile enable --no-notify $I2; snap en_text"
load en_text
expect_eq "enable (text): exit" 0 "$RC"
expect_contains "enable (text): names the profile" "$I2" "$OUT"
expect_contains "enable (text): says enabled" "enabled" "$OUT"

# By ISD-P AID: a test profile whose config only lists delete -> only I1's disable notification.
session -- "run en_aid --json profile enable --no-notify $A3; snap en_aid"
load en_aid
expect_eq "enable by AID: exit" 0 "$RC"
expect_eq "enable by AID --json: profile" "{\"isdpAid\":\"$A3\"}" "$(js '.profile | tojson')"
expect_eq "enable by AID: state" "$I1=disabled $I2=disabled $I3=enabled" "$(states en_aid)"
expect_eq "enable by AID: only I1's disable is notified" "$DEFAULT_NOTES 10:disable:$I1:smdp.northwind.example" "$(notes en_aid)"
expect_eq "enable by AID: nextSeqNumber 11" 11 "$(next_seq en_aid)"
expect_eq "enable by lower-case AID works too" 0 "$(rig -- "$ESIMCTL" profile enable --no-notify "${A3,,}" >/dev/null 2>&1; echo $?)"

# The F-padded 20-character ICCID form.
session -- "run en_f --json profile enable --no-notify ${I2}F; snap en_f"
load en_f
expect_eq "enable ${I2}F: exit" 0 "$RC"
expect_eq "enable ${I2}F: state" "$I1=disabled $I2=enabled $I3=disabled" "$(states en_f)"
expect_eq "enable ${I2}F --json: the ICCID as digits" "$I2" "$(js .profile.iccid)"

# --refresh sets refreshFlag; the card asks for a REFRESH (91xx) and the operation still succeeds.
session -- "run en_ref --trace \"\$WORK/ref.trace\" profile enable --no-notify --refresh $I2; snap en_ref"
load en_ref
expect_eq "enable --refresh: exit" 0 "$RC"
expect_contains "enable --refresh: refreshFlag TRUE in DER (81 01 FF)" "8101FF" "$(grep '^> 80E2' "$WORK/ref.trace" | grep BF31)"
expect_contains "enable --refresh: the card asked for a REFRESH (910B)" "910B" "$(grep '^< ' "$WORK/ref.trace")"
echo "info: enable --refresh: $(sent "$WORK/ref.trace") exchanges"
expect_eq "enable --refresh: state" "$I1=disabled $I2=enabled $I3=disabled" "$(states en_ref)"

# ============================== disable =====================================================
session -- "run dis --json --trace \"\$WORK/dis.trace\" profile disable --no-notify $I1; snap dis"
load dis
expect_eq "disable: exit" 0 "$RC"
expect_eq "disable --json: document" \
  "{\"operation\":\"disable\",\"profile\":{\"iccid\":\"$I1\"},\"result\":\"ok\"}" "$(jq -cS '{operation,profile,result}' <<<"$OUT" 2>/dev/null || echo "$OUT")"
expect_eq "disable: all disabled" "$I1=disabled $I2=disabled $I3=disabled" "$(states dis)"
expect_eq "disable: one notification, seq 10" "$DEFAULT_NOTES 10:disable:$I1:smdp.northwind.example" "$(notes dis)"
expect_eq "disable: the command is sent once (BF32)" 1 "$(grep '^> 80E2' "$WORK/dis.trace" | grep -c BF32)"
expect_eq "disable: one SELECT, first" "00A4 1" "$(grep -m1 '^>' "$WORK/dis.trace" | cut -c3-6) $(grep -c '^> 00A4' "$WORK/dis.trace")"
# T=0 style card: the answer comes through 61xx + GET RESPONSE, one round more.
session --vcard-arg=--short-apdu -- "run dis_short --trace \"\$WORK/dis_short.trace\" profile disable --no-notify $I1; snap dis_short"
load dis_short
expect_eq "disable (--short-apdu card): exit" 0 "$RC"
expect_eq "disable (--short-apdu card): every STORE DATA answered through GET RESPONSE" 1 \
  "$(( $(grep -c '^> 00C0' "$WORK/dis_short.trace") >= $(grep -c '^> 80E2' "$WORK/dis_short.trace") ))"
expect_eq "disable (--short-apdu card): state" "$I1=disabled $I2=disabled $I3=disabled" "$(states dis_short)"
session -- "run dis_text profile disable --no-notify $A1"
load dis_text
expect_eq "disable by AID (text): exit" 0 "$RC"
expect_contains "disable (text): says disabled" "disabled" "$OUT"
session -- "run dis_ref --trace \"\$WORK/dis_ref.trace\" profile disable --no-notify --refresh $I1; snap dis_ref"
load dis_ref
expect_eq "disable --refresh: exit" 0 "$RC"
expect_eq "disable --refresh: state" "$I1=disabled $I2=disabled $I3=disabled" "$(states dis_ref)"

# ============================== delete ======================================================
session -- "run del --json --trace \"\$WORK/del.trace\" profile delete --yes --no-notify $I2; snap del"
load del
expect_eq "delete: exit" 0 "$RC"
expect_eq "delete --json: document" \
  "{\"operation\":\"delete\",\"profile\":{\"iccid\":\"$I2\"},\"result\":\"ok\"}" "$(jq -cS '{operation,profile,result}' <<<"$OUT" 2>/dev/null || echo "$OUT")"
expect_eq "delete: the profile is gone" "$I1=enabled $I3=disabled" "$(states del)"
expect_eq "delete: notification to the first entry listing delete" "$DEFAULT_NOTES 10:delete:$I2:rsp.contoso.example" "$(notes del)"
expect_eq "delete: the command is sent once (BF33)" 1 "$(grep '^> 80E2' "$WORK/del.trace" | grep -c BF33)"
session -- "run del_aid profile delete --yes --no-notify $A3; snap del_aid"
load del_aid
expect_eq "delete by AID: exit" 0 "$RC"
expect_contains "delete (text): says deleted" "deleted" "$OUT"
expect_eq "delete by AID: gone" "$I1=enabled $I2=disabled" "$(states del_aid)"
expect_eq "delete by AID: notification" "$DEFAULT_NOTES 10:delete:$I3:smdp.fabrikam.example" "$(notes del_aid)"

# ============================== seqNumber: one counter, never reused =========================
session -- "run s1 profile enable --no-notify $I2 && run s2 profile disable --no-notify $I2 && run s3 profile enable --no-notify $I1 && run s4 profile disable --no-notify $I1 && run s5 profile delete --yes --no-notify $I2 && snap seq"
expect_eq "sequence: every step ok" "0 0 0 0 0" "$(cat "$WORK"/s{1,2,3,4,5}.rc | tr '\n' ' ' | sed 's/ $//')"
expect_eq "sequence: notifications in order, seq 10..15" \
  "$DEFAULT_NOTES 10:disable:$I1:smdp.northwind.example 11:enable:$I2:notify.contoso.example 12:disable:$I2:notify.contoso.example 13:enable:$I1:smdp.northwind.example 14:disable:$I1:smdp.northwind.example 15:delete:$I2:rsp.contoso.example" \
  "$(notes seq)"
expect_eq "sequence: nextSeqNumber 16" 16 "$(next_seq seq)"
expect_eq "sequence: final state" "$I1=disabled $I3=disabled" "$(states seq)"

# ============================== SGP.22 results -> exit codes ================================
# expect_card_error NAME EXIT CODE STATE-ARGS -- ESIMCTL-ARGS: fails as given, changes nothing.
expect_card_error() {
  local name=$1 exit=$2 code=$3 want_states=$4; shift 4
  local rigargs=()
  while [ "$1" != -- ]; do rigargs+=("$1"); shift; done
  shift
  local q; q=$(printf '%q ' "$@")
  session ${rigargs[@]+"${rigargs[@]}"} -- "run ${name}_t $q; run ${name}_j --json $q; snap $name"
  load "${name}_t"
  expect_eq "$name: exit $exit" "$exit" "$RC"
  [ -n "$ERR" ] || fail "$name: no message on stderr"
  load "${name}_j"
  expect_eq "$name --json: exit" "$exit" "$RC"
  expect_eq "$name --json: error code" "$code" "$(js .error.code)"
  expect_eq "$name: state unchanged" "$want_states" "$(states "$name")"
  expect_eq "$name: no notification queued" 10 "$(next_seq "$name")"
}
DEF_STATES="$I1=enabled $I2=disabled $I3=disabled"
expect_card_error enable_enabled 31 wrong_profile_state "$DEF_STATES" -- profile enable --no-notify $I1
expect_card_error disable_disabled 31 wrong_profile_state "$DEF_STATES" -- profile disable --no-notify $I2
expect_card_error delete_enabled 31 wrong_profile_state "$DEF_STATES" -- profile delete --yes --no-notify $I1
expect_card_error enable_unknown 30 profile_not_found "$DEF_STATES" -- profile enable --no-notify $UNKNOWN_ICCID
expect_card_error disable_unknown_aid 30 profile_not_found "$DEF_STATES" -- profile disable --no-notify $UNKNOWN_AID
expect_card_error delete_unknown 30 profile_not_found "$DEF_STATES" -- profile delete --yes --no-notify $UNKNOWN_ICCID
expect_card_error nick_unknown 30 profile_not_found "$DEF_STATES" -- profile nickname $UNKNOWN_ICCID X
expect_card_error ppr1_disable 32 disallowed_by_policy "$DEF_STATES" --state "$PPR" -- profile disable --no-notify $I1
expect_card_error ppr1_enable_other 32 disallowed_by_policy "$DEF_STATES" --state "$PPR" -- profile enable --no-notify $I3
expect_card_error ppr2_delete 32 disallowed_by_policy "$DEF_STATES" --state "$PPR" -- profile delete --yes --no-notify $I2
# PPR2 forbids only delete: with no PPR1 on the enabled profile, the PPR2 one can be enabled.
jq '.profiles[0].profilePolicyRules.ppr1 = false' "$PPR" >"$WORK/ppr2only.json"
session --state "$WORK/ppr2only.json" -- "run ppr2_enable profile enable --no-notify $I2; snap ppr2_enable"
load ppr2_enable
expect_eq "PPR2 profile can be enabled (only delete is forbidden)" 0 "$RC"
expect_eq "PPR2 profile enabled" "$I1=disabled $I2=enabled $I3=disabled" "$(states ppr2_enable)"

# undefinedError (127) -> 36: the virtual card only says 127 for malformed requests esimctl
# never sends, so replay a real trace with the answer changed to undefinedError.
session -- "run rec --trace \"\$WORK/rec.trace\" profile disable --no-notify $I1"
sed -E 's/^< BF3203800100( ?9000)/< BF320380017F\1/' "$WORK/rec.trace" >"$WORK/undef.trace"
expect_eq "undefinedError trace edited" 1 "$(grep -c '^< BF320380017F' "$WORK/undef.trace")"
run_capture undef "$ESIMCTL" --json --reader "replay:$WORK/undef.trace" profile disable --no-notify $I1
expect_eq "undefinedError: exit 36" 36 "$RC"
expect_eq "undefinedError: card_undefined_error" card_undefined_error "$(js .error.code)"

# Valid forms that match nothing still reach the card: 20 digits = an ICCID (tag 5A, not an
# AID), a 5-byte AID (the minimum) = tag 4F; 18 digits = an ICCID.
session -- 'run id20 --json --trace "$WORK/id20.trace" profile enable --no-notify 89990900900000090991; run aid5 --json --trace "$WORK/aid5.trace" profile disable --no-notify A000000559; run id18 --json profile delete --yes --no-notify 899909009000000909'
load id20
expect_eq "20-digit ICCID: valid, not found: exit 30" 30 "$RC"
expect_contains "20-digit ICCID: sent as an ICCID (5A 0A, BCD)" "5A0A98999000090000909019" "$(grep '^> 80E2' "$WORK/id20.trace" || true)"
load aid5
expect_eq "5-byte AID: valid, not found: exit 30" 30 "$RC"
expect_contains "5-byte AID: sent as an AID (4F 05)" "4F05A000000559" "$(grep '^> 80E2' "$WORK/aid5.trace" || true)"
load id18
expect_eq "18-digit ICCID: valid, not found: exit 30" 30 "$RC"

# nothing_to_delete: memory reset with nothing to delete.
session -- 'run r1 chip reset --yes --no-notify --test; run r2 --json chip reset --yes --no-notify --test; run r3 chip reset --yes --no-notify --default-smdp; run r4 chip reset --yes --no-notify --default-smdp; snap r'
load r1; expect_eq "reset --test: exit 0" 0 "$RC"
load r2; expect_eq "reset --test again: exit 35" 35 "$RC"
expect_eq "reset --test again: nothing_to_delete" nothing_to_delete "$(js .error.code)"
load r3; expect_eq "reset --default-smdp: exit 0" 0 "$RC"
load r4; expect_eq "reset --default-smdp with no address: exit 35" 35 "$RC"
jq '.profiles = [] | .notifications = [] | del(.configuredAddresses.defaultDpAddress)' "$DEFAULT_STATE" >"$WORK/empty.json"
session --state "$WORK/empty.json" -- 'run r_empty --json chip reset --yes --no-notify --operational --test --default-smdp'
load r_empty
expect_eq "reset of an empty card: exit 35" 35 "$RC"
expect_eq "reset of an empty card: nothing_to_delete" nothing_to_delete "$(js .error.code)"

# ============================== nickname ===================================================
NICK='Zażółć 日本 📱 ok'
N64="$(printf '日%.0s' $(seq 1 21))a"  # 63 + 1 = 64 bytes
session -- "run nk --json --trace \"\$WORK/nk.trace\" profile nickname $I2 $(printf %q "$NICK"); snap nk; run nk64 profile nickname $I3 $(printf %q "$N64"); run nkclr --json profile nickname $I1; snap nk2"
load nk
expect_eq "nickname: exit" 0 "$RC"
expect_eq "nickname --json" "$(jq -cnS --arg n "$NICK" --arg i $I2 '{operation:"nickname",iccid:$i,profileNickname:$n,result:"ok"}')" "$(jq -cS '{operation,iccid,profileNickname,result}' <<<"$OUT" 2>/dev/null || echo "$OUT")"
expect_eq "nickname: multi-byte UTF-8 read back by list" "$NICK" "$(jq -r --arg i $I2 '.profiles[] | select(.iccid == $i) | .profileNickname' "$WORK/nk.list")"
expect_eq "nickname: the command is sent once (BF29)" 1 "$(grep '^> 80E2' "$WORK/nk.trace" | grep -c BF29)"
expect_eq "nickname: the 64-byte name is ${#N64} characters" 22 "${#N64}"
load nk64
expect_eq "nickname of exactly 64 bytes: exit 0" 0 "$RC"
expect_eq "nickname of 64 bytes read back" "$N64" "$(jq -r --arg i $I3 '.profiles[] | select(.iccid == $i) | .profileNickname' "$WORK/nk2.list")"
load nkclr
expect_eq "nickname cleared: exit" 0 "$RC"
expect_eq "nickname cleared --json: profileNickname null" "null nickname" "$(js '"\(.profileNickname) \(.operation)"')"
expect_eq "nickname cleared: list has none" null "$(jq -r --arg i $I1 '.profiles[] | select(.iccid == $i) | .profileNickname' "$WORK/nk2.list")"
expect_eq "nickname: no notification" 10 "$(next_seq nk2)"
session -- "run nkf profile nickname ${I2}F Padded; snap nkf"
load nkf
expect_eq "nickname with the F-padded ICCID: exit" 0 "$RC"
expect_eq "nickname with the F-padded ICCID: set" Padded "$(jq -r --arg i $I2 '.profiles[] | select(.iccid == $i) | .profileNickname' "$WORK/nkf.list")"

# ============================== chip reset ==================================================
reset_case() {  # NAME OPTIONS WANT_STATES WANT_DEFAULT_DP WANT_RESET_OPTIONS_JSON
  session -- "run $1 --json --trace \"\$WORK/$1.trace\" chip reset --yes --no-notify $2; snap $1; run $1_addr --json chip default-smdp"
  load "$1"
  expect_eq "reset $2: exit" 0 "$RC"
  expect_eq "reset $2 --json" "{\"operation\":\"reset\",\"resetOptions\":$5,\"result\":\"ok\"}" "$(jq -cS '{operation,resetOptions,result}' <<<"$OUT" 2>/dev/null || echo "$OUT")"
  expect_eq "reset $2: profiles left" "$3" "$(states "$1")"
  expect_eq "reset $2: no notifications, seq unchanged" "$DEFAULT_NOTES / 10" "$(notes "$1") / $(next_seq "$1")"
  load "$1_addr"
  expect_eq "reset $2: default SM-DP+ afterwards" "$4" "$(js .defaultDpAddress)"
  expect_eq "reset $2: the command is sent once (BF34)" 1 "$(grep '^> 80E2' "$WORK/$1.trace" | grep -c BF34)"
}
reset_case rop --operational "$I3=disabled" smdp.contoso.example \
  '{"deleteFieldLoadedTestProfiles":false,"deleteOperationalProfiles":true,"resetDefaultSmdpAddress":false}'
reset_case rtest --test "$I1=enabled $I2=disabled" smdp.contoso.example \
  '{"deleteFieldLoadedTestProfiles":true,"deleteOperationalProfiles":false,"resetDefaultSmdpAddress":false}'
reset_case raddr --default-smdp "$DEF_STATES" null \
  '{"deleteFieldLoadedTestProfiles":false,"deleteOperationalProfiles":false,"resetDefaultSmdpAddress":true}'
reset_case rall "--operational --test --default-smdp" "" null \
  '{"deleteFieldLoadedTestProfiles":true,"deleteOperationalProfiles":true,"resetDefaultSmdpAddress":true}'
# Memory reset ignores PPRs (SGP.22 5.7.19).
session --state "$PPR" -- 'run rppr chip reset --yes --no-notify --operational; snap rppr'
load rppr
expect_eq "reset --operational on PPR profiles: exit 0" 0 "$RC"
expect_eq "reset --operational on PPR profiles: deleted" "$I3=disabled" "$(states rppr)"

# ============================== default SM-DP+ ==============================================
session -- 'run show --json chip default-smdp; run show_t chip default-smdp; run set --json --trace "$WORK/set.trace" chip default-smdp smdp.new-carrier.example; run show2 --json chip default-smdp; run info --json chip info; run clr --json chip default-smdp --clear; run show3 --json chip default-smdp; snap dp'
load show
expect_eq "default-smdp: exit" 0 "$RC"
expect_eq "default-smdp --json" '{"defaultDpAddress":"smdp.contoso.example","rootDsAddress":"lpa.ds.gsma.com"}' "$(jq -cS . <<<"$OUT" 2>/dev/null || echo "$OUT")"
load show_t
expect_contains "default-smdp (text): the address" smdp.contoso.example "$OUT"
expect_contains "default-smdp (text): the root SM-DS" lpa.ds.gsma.com "$OUT"
load set
expect_eq "default-smdp set: exit" 0 "$RC"
expect_eq "default-smdp set: the command is sent once (BF3F)" 1 "$(grep '^> 80E2' "$WORK/set.trace" | grep -c BF3F)"
load show2
expect_eq "default-smdp set: read back" smdp.new-carrier.example "$(js .defaultDpAddress)"
load info
expect_eq "default-smdp set: chip info agrees" smdp.new-carrier.example "$(js .configuredAddresses.defaultDpAddress)"
load clr
expect_eq "default-smdp --clear: exit" 0 "$RC"
load show3
expect_eq "default-smdp --clear: no address" null "$(js .defaultDpAddress)"
expect_eq "default-smdp --clear: root SM-DS kept" lpa.ds.gsma.com "$(js .rootDsAddress)"
expect_eq "default-smdp --clear: card state" null "$(jq -r .configuredAddresses.defaultDpAddress "$WORK/dp.state")"

# ============================== faults ======================================================
# The enable is executed but its answer never comes (a card that refreshes at once): the
# command fails promptly (card removed/reset or a reader error, never a hang); listing again
# once the card is back shows the profile enabled.
t0=$(date +%s%N)
session --vcard-arg=--drop-response-after-enable -- "run drop --json profile enable --no-notify $I2
  \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --empty --reader \"\$ESIMCTL_RIG_READER\" --timeout-ms 3000
  \"\$ESIMCTL_RIG_HELPERS/pcsc_wait\" --present --reader \"\$ESIMCTL_RIG_READER\" --timeout-ms 5000
  snap drop"
t1=$(date +%s%N)
load drop
expect_eq "drop: bounded (< 15 s)" 1 "$(( (t1 - t0) / 1000000 < 15000 ))"
# esimctl recovers by itself: it reconnects once the card is back and lists to verify.
expect_eq "drop: exit 0 (verified after the card came back)" 0 "$RC"
expect_eq "drop --json: result ok, verifiedByListing" "ok true" "$(js '"\(.result) \(.verifiedByListing)"')"
expect_eq "drop: the list afterwards shows the profile enabled" "$I1=disabled $I2=enabled $I3=disabled" "$(states drop)"
expect_eq "drop: the notifications were queued" "$DEFAULT_NOTES 10:disable:$I1:smdp.northwind.example 11:enable:$I2:notify.contoso.example" "$(notes drop)"

# 6A88 to the STORE DATA: a clear error, exit 21, nothing changed.
session --vcard-arg=--sw-6a88-once -- "run sw --json --trace \"\$WORK/sw.trace\" profile enable --no-notify $I2; snap sw"
load sw
expect_eq "6A88: exit 21" 21 "$RC"
expect_eq "6A88: card_status" card_status "$(js .error.code)"
expect_contains "6A88: the message names the SW" 6A88 "$(js .error.message)"
expect_eq "6A88: nothing changed" "$DEF_STATES" "$(states sw)"
expect_eq "6A88: no notification" 10 "$(next_seq sw)"
echo "info: 6A88: $(grep -c '^>' "$WORK/sw.trace" 2>/dev/null) exchanges"

# ============================== notification list (when it exists) ==========================
if [ "$HAVE_NOTIF_LIST" = 1 ]; then
  # What the card reports (not only its state file): enable of I2 while I1 is enabled, then
  # delete of I3 (disabled).
  session -- "run nl_en profile enable --no-notify $I2; run nl_del profile delete --yes --no-notify $I3; run nl --json notification list"
  load nl
  expect_eq "notification list: exit" 0 "$RC"
  expect_eq "notification list: seq:event:iccid:address after enable + delete" \
    "$DEFAULT_NOTES 10:disable:$I1:smdp.northwind.example 11:enable:$I2:notify.contoso.example 12:delete:$I3:smdp.fabrikam.example" \
    "$(js '[.notifications[] | "\(.seqNumber):\(.profileManagementOperation | join(",")):\(.iccid):\(.notificationAddress)"] | join(" ")')"
else
  fail "'esimctl notification list' missing: the card's notifications were checked in its state file only"
fi

finish
