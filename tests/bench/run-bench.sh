#!/usr/bin/env bash
# run-bench.sh: measures esimctl and writes docs/performance.md (`make bench`).
#
#   tests/bench/run-bench.sh [BUILD_DIR]      (default: build-bench, a Release build)
#
# 1. BUILD/tests/esim-bench: es10::Encode/Decode of every ES10 message (Google Benchmark).
# 2. Whole CLI commands against the virtual eUICC behind a private pcscd (tests/pcsc-rig.sh),
#    and (2m) some of them with --reader at: through the simulated modem (tests/esimctl-modemsim),
#    with the card answering at once (--latency-ms 0) and like a real card (--latency-ms 20).
#    Per command: APDU exchanges and bytes on the wire (from one run with --trace), then
#    BENCH_RUNS runs measured by BUILD/tests/bench-exec (wall time, esimctl's own user+sys CPU
#    time, its peak RSS); the tables show medians (RSS: the maximum).
#    Read-only commands run BENCH_RUNS times in one rig; a command that changes the card gets a
#    fresh rig (a fresh copy of the card) and a fresh copy of an empty journal (made once by
#    `esimctl journal list`: creating it is a one-time cost, measured apart under "Start-up").
# 3. Writes docs/performance.md: generated tables + tests/bench/apdu-budget.md verbatim.
#
# Environment: BENCH_RUNS (default 11), BENCH_OUT (default docs/performance.md),
#              BENCH_MIN_TIME (Google Benchmark seconds per case, default 0.05).
# Needs jq, pcscd, vsmartcard-vpcd (tools/install-deps.sh).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# ---- inner mode: runs inside the rig ---------------------------------------------------------
# run-bench.sh --inner RESULTS RUNS TRACE_FILE_OR_- -- ESIMCTL ARGS...
if [ "${1:-}" = --inner ]; then
  results=$2; runs=$3; trace=$4; shift 5
  exe=$1; shift
  if [ "$trace" != - ]; then
    "$exe" --trace "$trace" "$@" >/dev/null 2>>"$results.stderr" || echo "$?" >"$trace.rc"
  fi
  for ((i = 0; i < runs; i++)); do
    "$BENCH_EXEC" "$results" -- "$exe" "$@" >/dev/null 2>>"$results.stderr" || true
  done
  exit 0
fi

BUILD=$(cd "${1:-$SRC/build-bench}" && pwd)
RUNS=${BENCH_RUNS:-11}
OUT=${BENCH_OUT:-$SRC/docs/performance.md}
MIN_TIME=${BENCH_MIN_TIME:-0.05}
ESIMCTL=$BUILD/esimctl
export BENCH_EXEC=$BUILD/tests/bench-exec
export ESIMCTL_BUILD_DIR=$BUILD
RIG=$SRC/tests/pcsc-rig.sh
MODEMSIM=$BUILD/tests/esimctl-modemsim
for f in "$ESIMCTL" "$BENCH_EXEC" "$BUILD/tests/esim-bench" "$BUILD/esimctl-vcard"; do
  [ -x "$f" ] || { echo "run-bench: missing $f (make bench builds it)" >&2; exit 1; }
done
command -v jq >/dev/null || { echo "run-bench: needs jq" >&2; exit 1; }

WORK=$(mktemp -d /tmp/esim-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
started=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say() { echo "run-bench: $*" >&2; }

# ---- card states -------------------------------------------------------------------------------
# five.json: tests/data/five-profiles.json (3 pending notifications) with a 1 KB icon per profile.
# fifty.json: 50 profiles (the five, ten times over, unique ICCIDs and AIDs), one enabled.
ICON=$(head -c 1024 /dev/zero | tr '\0' 'I' | base64 -w0)
jq --arg icon "$ICON" '.profiles |= map(.iconType = "png" | .icon = $icon)' \
  "$SRC/tests/data/five-profiles.json" >"$WORK/five.json"
jq '.profiles as $p | .profiles = [range(0; 50) as $n | $p[$n % 5]
      | .iccid = ("899901" + ("0000000000000" + ($n | tostring))[-13:])
      | .isdpAid = ("A0000005591010FFFFFFFF890000" + ((1000 + $n) | tostring))
      | .state = (if $n == 0 then "enabled" else "disabled" end)]' "$WORK/five.json" >"$WORK/fifty.json"

# ---- 1. codec micro-benchmarks -----------------------------------------------------------------
say "codec benchmarks (esim-bench)"
"$BUILD/tests/esim-bench" --benchmark_min_time="$MIN_TIME" --benchmark_out="$WORK/codec.json" \
  --benchmark_out_format=json >/dev/null

# ---- 2. whole commands -------------------------------------------------------------------------
# name | state | mode (ro: one rig, rw: a rig per run) | expected exit | esimctl arguments
NORTHWIND=8999010010000001018
CONTOSO=8999020020000002021
NOSERVER=(--notify-attempts 1 --connect-to smdp.northwind.example:443:127.0.0.1:9
          --connect-to rsp.contoso.example:443:127.0.0.1:9)
SCENARIOS=(
  "profile list (5)|five|ro|0|profile list"
  "profile list --icons (5)|five|ro|0|profile list --icons"
  "profile list (50)|fifty|ro|0|profile list"
  "profile list --icons (50)|fifty|ro|0|profile list --icons"
  "chip info|five|ro|0|chip info"
  "notification list (3 pending)|five|ro|0|notification list"
  "profile enable (2 notifications)|five|rw|0|profile enable $CONTOSO --no-notify"
  "profile disable (1 notification)|five|rw|0|profile disable $NORTHWIND --no-notify"
  "profile delete (1 notification)|five|rw|0|profile delete $CONTOSO --yes --no-notify"
  "notification process --all (3, no server)|five|rw|40|${NOSERVER[*]} notification process --all"
  # The same card announcing T=1 and extended length (esimctl-vcard --extended-length): answers come
  # whole, without GET RESPONSE rounds.
  "profile list (5), extended length|five+ext|ro|0|profile list"
  "profile list --icons (50), extended length|fifty+ext|ro|0|profile list --icons"
  "profile disable (1 notification), extended length|five+ext|rw|0|profile disable $NORTHWIND --no-notify"
)
LATENCIES=(0 20)
# With the test SM-DP+ (BUILD/tests/test-smdp) and the SGP.26 test PKI (../shared/sgp26, as for
# tests/e2e/delivery_test.sh): one change whose notification is really delivered over TLS.
PKI=${ESIMCTL_SHARED_DIR:-$SRC/../shared}/sgp26
TS48=${ESIMCTL_SHARED_DIR:-$SRC/../shared}/ts48
SMDP_HOST=testsmdpplus1.example.com
SMDP_PID=
if [ -x "$BUILD/tests/test-smdp" ] && [ -r "$PKI/SK_DP_TLS.pem" ] && [ -r "$PKI/SK_EUICC_ECDSA_NIST.pem" ]; then
  "$BUILD/tests/test-smdp" --port 0 --cert "$PKI/CERT_DP_TLS.pem" --key "$PKI/SK_DP_TLS.pem" \
    --ci-cert "$PKI/CERT_CI_ECDSA_NIST.pem" --log "$WORK/smdp.jsonl" --lifetime-s 3600 \
    --pki-dir "$PKI" --upp-dir "$TS48" --reusable-orders \
    >"$WORK/smdp.out" 2>"$WORK/smdp.err" &
  SMDP_PID=$!
  trap 'kill "$SMDP_PID" 2>/dev/null || true; wait "$SMDP_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
  SMDP_PORT=
  for _ in $(seq 200); do
    SMDP_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/smdp.out")
    [ -n "$SMDP_PORT" ] && break
    sleep 0.025
  done
  if [ -n "$SMDP_PORT" ]; then
    # The five-profile card signing with the SGP.26 eUICC key, every address = the test SM-DP+.
    jq --arg p "$PKI/" --arg host "$SMDP_HOST" '.eid = "89049032123451234512345678901235"
      | .credentials = {euiccKey: ($p + "SK_EUICC_ECDSA_NIST.pem"),
                        euiccCertificate: ($p + "CERT_EUICC_ECDSA_NIST.der"),
                        eumCertificate: ($p + "CERT_EUM_ECDSA_NIST.der")}
      | (.. | objects | select(has("address")) | .address) |= $host
      | .notifications = []' "$SRC/tests/data/five-profiles.json" >"$WORK/smdp.json"
    SCENARIOS+=("profile disable (1 notification, delivered over TLS)|smdp|rw|0|--ca-file $PKI/CERT_CI_ECDSA_NIST.pem --connect-to $SMDP_HOST:443:127.0.0.1:$SMDP_PORT profile disable $NORTHWIND")
    # Profile download of the 11.7 KB TS.48 v1 package (../shared/ts48; the server serves it to
    # every download: --reusable-orders) into the same card trusting the SGP.26 CI, the install
    # notification kept (--no-notify): ES9+ over TLS, the BPP in STORE DATA sequences.
    if [ -r "$TS48/TS48V1-A-UNIQUE.der" ]; then
      jq --arg ci "$PKI/CERT_CI_ECDSA_NIST.der" '.trustedCiCertificates = [$ci]' "$WORK/smdp.json" >"$WORK/dl.json"
      DOWNLOAD="--ca-file $PKI/CERT_CI_ECDSA_NIST.pem --connect-to $SMDP_HOST:443:127.0.0.1:$SMDP_PORT profile download --smdp $SMDP_HOST --matching-id TS48V1-A-UNIQUE --yes --no-notify"
      SCENARIOS+=("profile download (TS.48 v1, 11.7 KB)|dl|rw|0|$DOWNLOAD"
                  "profile download (TS.48 v1, 11.7 KB), extended length|dl+ext|rw|0|$DOWNLOAD")
    else
      say "no TS.48 package in $TS48: no download measurement"
    fi
  else
    say "test-smdp did not start ($(cat "$WORK/smdp.err")): no delivery measurement"
  fi
else
  say "no $BUILD/tests/test-smdp or no SGP.26 PKI in $PKI: no delivery measurement"
fi

# Runs scenario $1 (index) at latency $2; results in $WORK/r-IDX-LAT (+ .trace).
run_scenario() {
  local idx=$1 lat=$2 name state mode want args res i
  IFS='|' read -r name state mode want args <<<"${SCENARIOS[$idx]}"
  local card=(--vcard-arg=--latency-ms="$lat")
  if [[ $state == *+ext ]]; then state=${state%+ext}; card+=(--vcard-arg=--extended-length); fi
  res=$WORK/r-$idx-$lat
  : >"$res"
  # shellcheck disable=SC2206
  local argv=($args)
  if [ "$mode" = ro ]; then
    "$RIG" --state "$WORK/$state.json" "${card[@]}" -- \
      "$0" --inner "$res" "$RUNS" "$res.trace" -- "$ESIMCTL" "${argv[@]}" ||
      { say "rig failed for $name"; return 1; }
  else
    for ((i = 0; i <= RUNS; i++)); do
      local jdir=$WORK/journal-$idx-$lat-$i trace=- runs=1
      mkdir -p "$jdir"
      cp -p "$JOURNAL_TEMPLATE" "$jdir/journal.db"
      # Run 0 is the traced one (not timed): a trace file costs a little time of its own.
      if [ "$i" = 0 ]; then trace=$res.trace; runs=0; fi
      "$RIG" --state "$WORK/$state.json" "${card[@]}" -- \
        "$0" --inner "$res" "$runs" "$trace" -- "$ESIMCTL" --journal "$jdir/journal.db" "${argv[@]}" ||
        { say "rig failed for $name"; return 1; }
    done
  fi
  # Every timed run must have ended with the expected exit code.
  local bad
  bad=$(awk -v w="$want" '$5 != w' "$res" | wc -l)
  if [ "$bad" != 0 ] || [ "$(wc -l <"$res")" != "$RUNS" ]; then
    # Kept in the report (column "exit"), not hidden: a failing command is a finding.
    say "WARNING: $name at $lat ms: unexpected exit codes or run count (expected $want):"
    cat "$res" >&2
    sort -u "$res.stderr" >&2 2>/dev/null || true
  fi
}

# An empty journal, as every user has after the first command that journals: the commands that
# change the card each get a copy of it (owner-only, like the original).
JOURNAL_TEMPLATE=$WORK/journal-template.db
"$ESIMCTL" --journal "$JOURNAL_TEMPLATE" journal list >/dev/null

for lat in "${LATENCIES[@]}"; do
  for idx in "${!SCENARIOS[@]}"; do
    say "latency $lat ms: ${SCENARIOS[$idx]%%|*}"
    run_scenario "$idx" "$lat"
  done
done

# ---- 2m. whole commands through the simulated modem ----------------------------------------------
# The same commands with --reader at:LINK against tests/esimctl-modemsim (issue 14): a pty speaking
# AT (CCHO/CGLA/CCHC), answering each AT command after 20 ms, the virtual eUICC in-process. Every
# run gets a fresh modem on a fresh copy of the card; its --log gives the APDU commands (CGLA/CSIM)
# and the bytes on the port both ways, AT framing, echo and probes included.
# name | state (as for SCENARIOS) | expected exit | esimctl arguments
MODEM_DELAY_MS=20
MODEM_SCENARIOS=(
  "chip info|five|0|chip info"
  "profile list (5)|five|0|profile list"
  "profile disable (1 notification)|five|0|profile disable $NORTHWIND --no-notify"
)
if [ -n "${SMDP_PORT:-}" ]; then
  MODEM_SCENARIOS+=("profile disable (1 notification, delivered over TLS)|smdp|0|--ca-file $PKI/CERT_CI_ECDSA_NIST.pem --connect-to $SMDP_HOST:443:127.0.0.1:$SMDP_PORT profile disable $NORTHWIND")
  [ -n "${DOWNLOAD:-}" ] && MODEM_SCENARIOS+=("profile download (TS.48 v1, 11.7 KB)|dl|0|$DOWNLOAD")
fi
# run_modem_once IDX RUN: one fresh modem, one esimctl run (timed by bench-exec); appends
# "APDUS RX TX" to $WORK/m-IDX.io and bench-exec's line to $WORK/m-IDX.
run_modem_once() {
  local idx=$1 run=$2 name state want args dir pid i
  IFS='|' read -r name state want args <<<"${MODEM_SCENARIOS[$idx]}"
  dir=$WORK/modem-$idx-$run
  mkdir -p "$dir"
  cp "$WORK/$state.json" "$dir/card.json"
  cp -p "$JOURNAL_TEMPLATE" "$dir/journal.db"
  "$MODEMSIM" --state "$dir/card.json" --link "$dir/tty" --delay-ms "$MODEM_DELAY_MS" --log "$dir/log" \
    >"$dir/ready" 2>"$dir/err" &
  pid=$!
  for i in $(seq 200); do grep -q '^ready ' "$dir/ready" && break; sleep 0.025; done
  # shellcheck disable=SC2206
  local argv=($args)
  "$BENCH_EXEC" "$WORK/m-$idx" -- "$ESIMCTL" --reader "at:$dir/tty" --journal "$dir/journal.db" "${argv[@]}" \
    >/dev/null 2>>"$WORK/m-$idx.stderr" || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  awk '/^apdu / {a = $2} /^bytes / {sub("rx=", "", $2); sub("tx=", "", $3); r = $2; t = $3}
       END {print a + 0, r + 0, t + 0}' "$dir/log" >>"$WORK/m-$idx.io"
}
# A run that fails (an esimctl without at: support, say) is kept in the table's exit column.
if [ ! -x "$MODEMSIM" ]; then
  say "no $MODEMSIM (cmake --build $BUILD --target esimctl-modemsim): no modem measurement"
  MODEM_SCENARIOS=()
fi
for idx in "${!MODEM_SCENARIOS[@]}"; do
  say "modem, delay $MODEM_DELAY_MS ms: ${MODEM_SCENARIOS[$idx]%%|*}"
  : >"$WORK/m-$idx"; : >"$WORK/m-$idx.io"
  for ((run = 0; run < RUNS; run++)); do run_modem_once "$idx" "$run"; done
done

# ---- 2a. start-up cost -----------------------------------------------------------------------
# esimctl --version does no work: its CPU time is the fixed cost of every command. Empty C programs
# split it: one linked against esimctl's own NEEDED libraries, one linked as esimctl was before
# libcurl and SQLite were opened on first use and libstdc++ linked statically (issue 5), one bare.
say "start-up cost"
NEEDED=$(readelf -d "$ESIMCTL" | sed -n 's/.*Shared library: \[lib\([^.]*\)\.so.*\]/\1/p' | grep -v '^ld-linux')
echo 'int main(void) { return 0; }' >"$WORK/empty.c"
cc -O2 "$WORK/empty.c" -o "$WORK/empty-plain"
# shellcheck disable=SC2046
cc -O2 "$WORK/empty.c" -o "$WORK/empty-libs" -Wl,--no-as-needed $(printf -- '-l%s ' $NEEDED)
# shellcheck disable=SC2046
cc -O2 "$WORK/empty.c" -o "$WORK/empty-linked" -Wl,--no-as-needed $(printf -- '-l%s ' $NEEDED) \
  -lstdc++ -lgcc_s -lssl -lsqlite3 -lcurl
STARTUP=()
# Median CPU (user + sys, ms) and peak RSS (MB) of the runs in $WORK/startup.
startup_cpu() { awk '{print $2 + $3}' "$WORK/startup" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
startup_rss() { awk '$4 > m {m = $4} END {printf "%.1f", m / 1024}' "$WORK/startup"; }
# loaded_libs CMD...: the shared libraries CMD initialises, those it opens with dlopen included
# (the dynamic loader itself not counted).
loaded_libs() { echo $(( $(LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -c 'calling init: .*\.so' || true) - 1 )); }
for probe in "esimctl --version|$ESIMCTL --version" "empty program, esimctl's libraries|$WORK/empty-libs" \
             "empty program, libraries as linked before (+ libstdc++, libssl, libsqlite3, libcurl)|$WORK/empty-linked" \
             "empty program, libc only|$WORK/empty-plain"; do
  label=${probe%%|*}; cmd=${probe#*|}
  : >"$WORK/startup"
  # shellcheck disable=SC2086
  for ((i = 0; i < 30; i++)); do "$BENCH_EXEC" "$WORK/startup" -- $cmd >/dev/null; done
  # shellcheck disable=SC2086
  libs=$(loaded_libs $cmd)
  STARTUP+=("$label|$libs|$(startup_cpu)|$(startup_rss)")
done
# The journal: opening the existing one (every command that journals) and creating it (once, on
# the first such command: the schema and the switch to WAL cost several fsyncs).
for mode in existing creating; do
  : >"$WORK/startup"
  for ((i = 0; i < 30; i++)); do
    rm -f "$WORK/probe.db"
    if [ "$mode" = existing ]; then cp -p "$JOURNAL_TEMPLATE" "$WORK/probe.db"; fi
    "$BENCH_EXEC" "$WORK/startup" -- "$ESIMCTL" --journal "$WORK/probe.db" journal list >/dev/null
  done
  STARTUP+=("esimctl journal list, $mode journal|$(loaded_libs "$ESIMCTL" --journal "$WORK/probe.db" journal list)|$(startup_cpu)|$(startup_rss)")
done

# ---- 2b. heap peaks (valgrind massif, when installed) ------------------------------------------
# Peak RSS above counts every shared-library page esimctl touched; massif shows what is its own.
MASSIF=()
if command -v valgrind >/dev/null && command -v ms_print >/dev/null; then
  massif_idx=(3 6 9)
  [ "${#SCENARIOS[@]}" -gt 10 ] && massif_idx+=(10)
  for idx in "${massif_idx[@]}"; do
    IFS='|' read -r name state mode want args <<<"${SCENARIOS[$idx]}"
    say "heap profile (massif): $name"
    # shellcheck disable=SC2206
    argv=($args)
    mkdir -p "$WORK/massif-$idx"
    "$RIG" --state "$WORK/$state.json" -- valgrind -q --tool=massif --massif-out-file="$WORK/massif-$idx/out" \
      "$ESIMCTL" --journal "$WORK/massif-$idx/journal.db" "${argv[@]}" >/dev/null 2>&1 || true
    if [ -s "$WORK/massif-$idx/out" ]; then
      MASSIF+=("$name|$(awk -F= '/^mem_heap_B/ {h = $2} /^mem_heap_extra_B/ {if (h + $2 > m) m = h + $2} END {printf "%.2f", m / 1048576}' "$WORK/massif-$idx/out")")
    fi
  done
fi

# ---- 3. the report -----------------------------------------------------------------------------
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) {print 0; exit} if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# Column $1 of results file $2 (cpu = user + sys).
col() {
  case $1 in
    wall) awk '{print $1}' "$2" ;;
    cpu) awk '{print $2 + $3}' "$2" ;;
    rss) awk '{print $4}' "$2" ;;
  esac
}
# APDU exchanges and bytes: '>' lines are C-APDUs, '<' lines R-APDUs (hex).
trace_stats() {
  awk '/^> / {n++; c += length($2) / 2} /^< / {r += length($2) / 2} END {printf "%d %d %d\n", n, c, r}' "$1"
}

CPU_TARGET_PCT=5
# Peak RSS targets: 16 MB, 20 MB for a download (libcurl, OpenSSL's TLS and the BPP in memory).
rss_target_kb() { case $1 in "profile download"*) echo 20480 ;; *) echo 16384 ;; esac; }
{
  echo "<!-- GENERATED by tests/bench/run-bench.sh (make bench): do not edit by hand; edit the script or"
  echo "     tests/bench/apdu-budget.md and run make bench again. -->"
  echo "# esimctl performance"
  echo
  echo "Generated by \`make bench\` (\`tests/bench/run-bench.sh\`) on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| machine | $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM |"
  echo "| system | $(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r) |"
  echo "| build | $(basename "$BUILD") ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")), $(c++ --version | head -1) |"
  echo "| source | $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$SRC" diff --quiet 2>/dev/null || echo ' + uncommitted changes') |"
  echo "| runs | $RUNS timed runs per command and latency (medians; peak RSS = the largest) |"
  echo "| load | load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (other jobs share the machine: wall times include waiting for a CPU; CPU times do not) |"
  echo
  echo "## Targets"
  echo
  echo "At 20 ms per APDU (a realistic card): esimctl's own CPU time (user + sys of the esimctl process)"
  echo "below ${CPU_TARGET_PCT} % of the command's wall time, and peak memory (max RSS) below 16 MB (20 MB for a"
  echo "profile download, libcurl included). A download's APDUs: at most the BPP's STORE DATA sequences plus"
  echo "the fixed steps with extended length, at most one per 255 bytes of BPP plus the fixed steps with"
  echo "short APDUs (tests/e2e/download_test.sh checks both on every run)."
  echo
  echo "| command | APDUs | wall (ms) | esimctl CPU (ms) | CPU % of wall | < 5 % | peak RSS (MB) | RSS target |"
  echo "|---|---:|---:|---:|---:|---|---:|---|"
  for idx in "${!SCENARIOS[@]}"; do
    name=${SCENARIOS[$idx]%%|*}
    res=$WORK/r-$idx-20
    read -r n _ _ < <(trace_stats "$res.trace")
    wall=$(col wall "$res" | median); cpu=$(col cpu "$res" | median)
    rss=$(cat "$WORK/r-$idx-0" "$res" | awk '$4 > m {m = $4} END {print m}')
    awk -v name="$name" -v n="$n" -v w="$wall" -v c="$cpu" -v r="$rss" -v ct="$CPU_TARGET_PCT" -v rt="$(rss_target_kb "$name")" 'BEGIN {
      pct = 100 * c / w
      cv = pct < ct ? "met" : sprintf("**missed** (%.1fx)", pct / ct)
      rv = r < rt ? sprintf("met (< %d MB)", rt / 1024) : sprintf("**missed** (+%.1f MB over %d)", (r - rt) / 1024, rt / 1024)
      printf "| %s | %d | %.0f | %.1f | %.2f %% | %s | %.1f | %s |\n", name, n, w, c, pct, cv, r / 1024, rv }'
  done
  echo
  echo "## Whole commands through pcscd"
  echo
  echo "\`tests/pcsc-rig.sh\`: a private pcscd, the virtual eUICC (\`esimctl-vcard\`) behind vpcd, exclusive"
  echo "reader, basic channel, 255-byte STORE DATA blocks, short APDUs (answers come in 256-byte GET RESPONSE"
  echo "pieces); the rows marked \"extended length\" use the same card with \`--extended-length\` (T=1, one"
  echo "extended STORE DATA per request, answers whole). Card states: \`tests/data/five-profiles.json\` (3 pending notifications) with a 1 KB icon per"
  echo "profile, and a 50-profile copy of it. Commands that change the card run with \`--no-notify\` (or, for"
  echo "\`notification process\`, against an SM-DP+ that refuses the connection, one attempt) and a fresh"
  echo "copy of an empty journal (creating the journal is a one-time cost: see \"Start-up\"). The row \"delivered over TLS\" (present when \`tests/test-smdp\` and the SGP.26 test PKI in"
  echo "\`../shared/sgp26\` are) delivers for real: HTTPS to the local test SM-DP+ (\`--ca-file\` with the SGP.26 CI,"
  echo "\`--connect-to\`), then NotificationSent."
  echo "\"wire bytes\" = C-APDU bytes / R-APDU bytes (status words included) from \`--trace\`."
  echo "\"card time\" = APDUs x latency, the part of the wall time the card alone takes."
  echo
  for lat in "${LATENCIES[@]}"; do
    echo "### Card latency ${lat} ms per APDU"
    echo
    echo "| command | exit | APDUs | wire bytes (C / R) | wall median (ms) | min-max (ms) | card time (ms) | esimctl CPU median (ms) | CPU % of wall | peak RSS (MB) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for idx in "${!SCENARIOS[@]}"; do
      name=${SCENARIOS[$idx]%%|*}
      res=$WORK/r-$idx-$lat
      read -r n c r < <(trace_stats "$res.trace")
      wall=$(col wall "$res" | median); cpu=$(col cpu "$res" | median)
      lo=$(col wall "$res" | sort -g | head -1); hi=$(col wall "$res" | sort -g | tail -1)
      rss=$(col rss "$res" | sort -g | tail -1)
      codes=$(awk '{print $5}' "$res" | sort -un | paste -sd,)
      awk -v name="$name" -v n="$n" -v c="$c" -v r="$r" -v w="$wall" -v lo="$lo" -v hi="$hi" -v cpu="$cpu" \
          -v rss="$rss" -v lat="$lat" -v codes="$codes" 'BEGIN {
        printf "| %s | %s | %d | %d / %d | %.0f | %.0f-%.0f | %d | %.1f | %.2f %% | %.1f |\n",
               name, codes, n, c, r, w, lo, hi, n * lat, cpu, 100 * cpu / w, rss / 1024 }'
    done
    echo
  done
  if [ "${#MODEM_SCENARIOS[@]}" -gt 0 ]; then
    echo "## Whole commands through a simulated modem (AT commands)"
    echo
    echo "\`--reader at:LINK\` against \`tests/esimctl-modemsim --delay-ms $MODEM_DELAY_MS\` (a pseudo-terminal speaking"
    echo "TS 27.007 AT commands, every AT command answered after $MODEM_DELAY_MS ms, the virtual eUICC in-process behind"
    echo "AT+CCHO/CGLA/CCHC), a fresh modem and card per run. \"APDU commands\" = AT+CGLA/AT+CSIM lines the modem"
    echo "forwarded; \"port bytes\" = bytes esimctl wrote / the modem wrote on the port (AT framing, echo, probes,"
    echo "CCHO/CCHC included), from the modem's --log. Medians of $RUNS runs."
    echo
    echo "| command | exit | APDU commands | port bytes (to modem / from modem) | wall median (ms) | esimctl CPU median (ms) | CPU % of wall | < 5 % |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    for idx in "${!MODEM_SCENARIOS[@]}"; do
      name=${MODEM_SCENARIOS[$idx]%%|*}
      res=$WORK/m-$idx
      n=$(awk '{print $1}' "$res.io" | median); rx=$(awk '{print $2}' "$res.io" | median); tx=$(awk '{print $3}' "$res.io" | median)
      wall=$(col wall "$res" | median); cpu=$(col cpu "$res" | median)
      codes=$(awk '{print $5}' "$res" | sort -un | paste -sd,)
      awk -v name="$name" -v n="$n" -v rx="$rx" -v tx="$tx" -v w="$wall" -v cpu="$cpu" -v codes="$codes" \
          -v ct="$CPU_TARGET_PCT" 'BEGIN {
        pct = w > 0 ? 100 * cpu / w : 0
        printf "| %s | %s | %d | %d / %d | %.0f | %.1f | %.2f %% | %s |\n", name, codes, n, rx, tx, w, cpu, pct,
               (pct < ct ? "met" : "**missed**") }'
    done
    echo
  fi
  echo "### Start-up (the fixed cost of every command)"
  echo
  echo "30 runs each, median CPU time (user + sys) and peak RSS. The empty programs are linked"
  echo "(\`-Wl,--no-as-needed\`) against the libraries esimctl names (NEEDED), and against those it named"
  echo "before libcurl and SQLite were opened on first use and libstdc++ linked in. The journal rows run"
  echo "\`esimctl journal list\` (no card) on a copy of an existing empty journal, and where there is none yet."
  echo
  echo "| program | shared libraries loaded | CPU median (ms) | peak RSS (MB) |"
  echo "|---|---:|---:|---:|"
  for m in "${STARTUP[@]}"; do
    IFS='|' read -r label libs cpu rss <<<"$m"
    echo "| $label | $libs | $cpu | $rss |"
  done
  echo
  if [ "${#MASSIF[@]}" -gt 0 ]; then
    echo "### Heap (valgrind massif, latency 0)"
    echo
    echo "Peak RSS counts the pages of every shared library esimctl touched (OpenSSL; SQLite, libcurl and"
    echo "its dependencies when the command journals or delivers), most of them shared with other processes; esimctl's own heap"
    echo "peak (malloc, with allocator overhead) is:"
    echo
    echo "| command | heap peak (MB) |"
    echo "|---|---:|"
    for m in "${MASSIF[@]}"; do echo "| ${m%%|*} | ${m##*|} |"; done
    echo
  fi
  echo "## ES10 codec (es10::Encode / es10::Decode)"
  echo
  echo "\`build-bench/tests/esim-bench\` (\`tests/bench/codec_bench.cc\`, Google Benchmark), one thread, realistic"
  echo "model values: icons of 1 KB, signed notifications with a 560-byte eUICC and a 590-byte EUM"
  echo "certificate. \"listed\" profiles carry only what \`profile list\` asks for (tagList). Times are CPU time"
  echo "per call (the machine is shared: wall time would count time spent waiting for a CPU). Debian's"
  echo "libbenchmark warns that it \"was built as DEBUG\": that is the harness, the code measured is Release."
  echo
  echo "| message | DER bytes | encode (us CPU) | decode (us CPU) | decode MB/s |"
  echo "|---|---:|---:|---:|---:|"
  jq -r '.benchmarks
    | map({dir: (.name | split("/")[0]), msg: (.name | split("/")[1:] | join("/")),
           t: (if .time_unit == "ns" then .cpu_time / 1000 elif .time_unit == "us" then .cpu_time
               else .cpu_time * 1000 end),
           bytes: .der_bytes})
    | group_by(.msg)[]
    | (map(select(.dir == "Encode"))[0]) as $e | (map(select(.dir == "Decode"))[0]) as $d
    | "| \($e.msg) | \($e.bytes) | \($e.t * 100 | round / 100) | \($d.t * 100 | round / 100) | \($d.bytes / $d.t | round) |"' \
    "$WORK/codec.json"
  echo
  cat "$SRC/tests/bench/apdu-budget.md"
  echo
  echo "_\`make bench\` took $(( $(date +%s) - started )) s for the measurements (building not included)._"
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
say "wrote $OUT in $(( $(date +%s) - started )) s"
