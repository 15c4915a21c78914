#!/usr/bin/env bash
# test-asan.sh BUILD_DIR [JOBS]: runs the whole ctest suite of an -DESIMCTL_SANITIZE=ON build
# (`make test-asan`, docs/testing.md "Sanitizers") with every sanitizer report fatal.
#
# The options are exported, so they reach every process a test starts: the unit tests, the e2e
# scripts' esimctl / esimctl-vcard / test-smdp / rig helpers (ctest points ESIMCTL_BUILD_DIR at
# BUILD_DIR, so those are the instrumented binaries). A report also goes to a file under
# BUILD_DIR/sanitizer-logs/ (log_path): a process whose failure a test expects, or one running in
# the background (the virtual card, the test SM-DP+), cannot hide a finding. Any such file fails
# the run, even when ctest passed.
set -euo pipefail
BUILD=${1:?usage: test-asan.sh BUILD_DIR [JOBS]}
JOBS=${2:-$(nproc)}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
LOGS=$BUILD/sanitizer-logs

if ! grep -q '^ESIMCTL_SANITIZE:BOOL=ON$' "$BUILD/CMakeCache.txt"; then
  echo "test-asan: $BUILD is not configured with -DESIMCTL_SANITIZE=ON" >&2
  exit 2
fi
rm -rf "$LOGS"
mkdir -p "$LOGS"

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=1:strict_string_checks=1:check_initialization_order=1:log_path=$LOGS/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$LOGS/ubsan"
export LSAN_OPTIONS="suppressions=$SRC/tests/sanitizers/lsan.supp:print_suppressions=0"

rc=0
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" || rc=$?

shopt -s nullglob
reports=("$LOGS"/*)
if [ ${#reports[@]} -gt 0 ]; then
  for f in "${reports[@]}"; do
    echo "==== sanitizer report $f" >&2
    cat "$f" >&2
  done
  echo "test-asan: ${#reports[@]} sanitizer report(s) (above; kept in $LOGS)" >&2
  [ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
