#!/usr/bin/env bash
# Run under tests/pcsc-rig.sh: while one program holds the card exclusively, a second one must
# get reader_busy, shared or not. Usage: reader_busy.sh PCSC_APDU APDU_HEX
set -u
apdu_tool=$1 apdu=$2
"$apdu_tool" -q --hold-ms 5000 "$apdu" &
holder=$!
# Wait until pcscd reports the exclusive holder, rather than guessing with a sleep.
for _ in $(seq 1 100); do
  "$ESIMCTL_RIG_HELPERS/pcsc_wait" --list | grep -q EXCLUSIVE && break
  sleep 0.05
done
rc=0
"$apdu_tool" --expect-error reader_busy "$apdu" || rc=1
"$apdu_tool" --shared --expect-error reader_busy "$apdu" || rc=1
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
exit "$rc"
