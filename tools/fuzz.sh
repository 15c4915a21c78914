#!/bin/sh
# Runs the libFuzzer targets of a fuzz build (CMake -DESIMCTL_FUZZ=ON, see `make fuzz`).
#
#   tools/fuzz.sh BUILD_DIR SECONDS [TARGET...]     (TARGET: es10_decode, vcard_apdu, ...)
#
# For each target: first every committed reproducer in tests/fuzz/regressions/<target>/ is run
# once (they must pass), then the fuzzer runs for SECONDS on a temp copy of
# tests/fuzz/corpus/<target>/ (the committed corpus never grows by itself) with -timeout=5
# (an input taking longer is a hang) and -rss_limit_mb=512. Findings are kept in
# BUILD_DIR/fuzz-findings/<target>/ (crash-*, timeout-*, leak-*, oom-*); exit status 1 if any
# target found something.
set -u
[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2; exit 2; }
build=$1
seconds=$2
shift 2
src=$(cd "$(dirname "$0")/.." && pwd)
targets="$*"
if [ -z "$targets" ]; then
  targets=$(cd "$src/tests/fuzz" && ls fuzz_*.cc | sed 's/^fuzz_//; s/\.cc$//')
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/esimctl-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
failed=""
for t in $targets; do
  bin="$build/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: $bin not built" >&2; failed="$failed $t"; continue; }
  findings="$build/fuzz-findings/$t"
  mkdir -p "$findings" "$work/$t/corpus"
  regressions="$src/tests/fuzz/regressions/$t"
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    if ! "$bin" -runs=1 -timeout=5 -rss_limit_mb=512 "$regressions"/* >"$work/$t/regressions.log" 2>&1; then
      echo "fuzz: $t: a committed regression input fails again:" >&2
      tail -40 "$work/$t/regressions.log" >&2
      failed="$failed $t"
      continue
    fi
  fi
  [ -d "$src/tests/fuzz/corpus/$t" ] && cp "$src/tests/fuzz/corpus/$t"/* "$work/$t/corpus/" 2>/dev/null
  log="$work/$t/fuzz.log"
  start=$(date +%s)
  "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=512 -print_final_stats=1 \
      -artifact_prefix="$findings/" "$work/$t/corpus" >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  echo "fuzz: $t: ${runs:-?} runs in $((end - start)) s (${rate:-?} exec/s, $cov, corpus $(ls "$work/$t/corpus" | wc -l) inputs), exit $rc"
  if [ "$rc" != 0 ]; then
    echo "fuzz: $t FAILED; reproducer(s) in $findings:" >&2
    # Enough to reproduce from a CI log alone: the report, our frames and the input in Base64.
    grep -E 'ERROR|SUMMARY|runtime error|what\(\)|fuzz_[a-z0-9_]+:|Test unit written|^Base64: ' "$log" | head -20 >&2
    grep -E '^ +#[0-9]+ .* '"$src"'/[^ ]+\.(cc|c|h):[0-9]+' "$log" | head -8 >&2
    failed="$failed $t"
  fi
done
if [ -n "$failed" ]; then
  echo "fuzz: findings in:$failed" >&2
  exit 1
fi
