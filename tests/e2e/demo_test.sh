#!/usr/bin/env bash
# `make demo`'s script (tools/demo.sh) on the current build: it must end with a profile download
# from the test SM-DP+ with a PKI it made itself (nothing from ../shared), the install
# notification delivered, and the new profile in the final list.
. "$(dirname "$0")/lib.sh"
exec </dev/null
[ -x "$BUILD/tests/test-smdp" ] || { fail "missing $BUILD/tests/test-smdp"; finish; exit 1; }
run_capture demo env -u ESIMCTL_SHARED_DIR "$SRC/tools/demo.sh" "$BUILD"
expect_eq "demo: exit 0" 0 "$RC"
expect_contains "demo: downloads" "Profile 8944001234567890128 (Tailspin Travel, Tailspin Mobile) installed (disabled)." "$OUT"
expect_contains "demo: the install notification is delivered and removed" \
  "accepted by smdp.demo.example at" "$OUT"
expect_eq "demo: the last list shows the new profile" 1 \
  "$(sed -n '/^\$ esimctl profile download/,$p' "$WORK/demo.out" | grep -c '^8944001234567890128  disabled  operational  Tailspin Mobile    Tailspin Travel')"
expect_eq "demo: uses nothing from ../shared" 0 "$(grep -v '^ *#' "$SRC/tools/demo.sh" | grep -c 'shared' || true)"
finish
