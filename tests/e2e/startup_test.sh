#!/usr/bin/env bash
# Start-up cost: libcrypto, libcurl and SQLite are loaded only by the commands that use them
# (common/crypto_library.h, src/safety/curl_library.h, sqlite_library.h). The dynamic loader's own log (LD_DEBUG=files)
# shows which shared libraries a process opened: a read-only command through the real pcscd opens
# neither, a journal command opens SQLite only, a delivering command opens both. Also checks that
# esimctl itself no longer names them (NEEDED), so a linker change cannot bring them back quietly.
. "$(dirname "$0")/lib.sh"
exec </dev/null

# loaded LOG SONAME: "yes" if the loader log LOG shows SONAME being opened.
loaded() { if grep -q "file=$2 " "$1"; then echo yes; else echo no; fi; }

needed=$(readelf -d "$ESIMCTL" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
expect_not_contains "esimctl does not link libcurl" "libcurl" "$needed"
expect_not_contains "esimctl does not link libsqlite3" "libsqlite3" "$needed"
expect_not_contains "esimctl does not link libcrypto" "libcrypto" "$needed"
case "$needed" in
  *libasan*) echo "note: sanitizer build: libstdc++ is linked dynamically there on purpose (src/CMakeLists.txt)" ;;
  *) expect_not_contains "esimctl links the C++ runtime statically" "libstdc++" "$needed" ;;
esac

# A read-only command through the real pcscd.
run_capture list rig --state "$SRC/tests/data/five-profiles.json" -- \
  env LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/list.ld" "$ESIMCTL" profile list
expect_eq "profile list works" 0 "$RC"
expect_contains "profile list lists the card's profiles" "8999010010000001018" "$OUT"
expect_eq "profile list: libcurl not loaded" no "$(loaded "$WORK"/list.ld.* libcurl.so.4)"
expect_eq "profile list: libsqlite3 not loaded" no "$(loaded "$WORK"/list.ld.* libsqlite3.so.0)"
expect_eq "profile list: libcrypto not loaded" no "$(loaded "$WORK"/list.ld.* libcrypto.so.3)"

# The journal needs SQLite, not libcurl.
run_capture journal env LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/journal.ld" \
  "$ESIMCTL" --journal "$WORK/j.db" journal list
expect_eq "journal list works" 0 "$RC"
expect_eq "journal list: libsqlite3 loaded" yes "$(loaded "$WORK"/journal.ld.* libsqlite3.so.0)"
expect_eq "journal list: libcurl not loaded" no "$(loaded "$WORK"/journal.ld.* libcurl.so.4)"

# Delivery needs both. Port 9 on localhost refuses the connection: the notification stays pending
# (exit 40), which is all this check needs.
run_capture process rig --state "$SRC/tests/data/five-profiles.json" -- \
  env LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/process.ld" "$ESIMCTL" --journal "$WORK/j2.db" \
  --notify-attempts 1 --connect-to "smdp.northwind.example:443:127.0.0.1:9" notification process --all
expect_eq "notification process: pending (exit 40)" 40 "$RC"
expect_eq "notification process: libcurl loaded" yes "$(loaded "$WORK"/process.ld.* libcurl.so.4)"
expect_eq "notification process: libsqlite3 loaded" yes "$(loaded "$WORK"/process.ld.* libsqlite3.so.0)"

finish
