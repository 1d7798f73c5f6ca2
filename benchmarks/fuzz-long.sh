#!/usr/bin/env bash
# Runs Jazzer fuzz targets long, one after another (one JVM at a time), and prints one line per target:
# executions, seconds, executions per second, and whether a finding was written.
#
#   benchmarks/fuzz-long.sh                       # every target, 10 M executions each (or 24 h, whichever first)
#   RUNS=1000000 MAX=10m benchmarks/fuzz-long.sh FrameDecoderFuzzTest UotCodecFuzzTest
#
# Build the test classes first (mvn -B -ntp -o test-compile). A finding is written next to the target's seeds as
# crash-<sha1> (src/test/resources/<package>/<Test>Inputs/<method>/) and replays in every later `mvn verify`.
# Logs go to ${LOGS:-target/fuzz-long}/<Test>.log; libFuzzer's growing corpus to <module>/.cifuzz-corpus (ignored).
set -u
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10000000}
MAX=${MAX:-24h}
LOGS=${LOGS:-target/fuzz-long}
# Paranoid leak detection records a stack trace at every buffer access and costs the buffer-heavy targets 10-50x
# their rate; long runs sample instead (LEAK=simple: one buffer in 128, so a leak on a path that repeats is still
# reported). Every build replays the corpus at paranoid.
LEAK=${LEAK:-simple}
mkdir -p "$LOGS"

ALL=(
    config-model:ConfigLoaderFuzzTest
    outbound-core:SocksAddressFuzzTest
    outbound-core:SrsDecoderFuzzTest
    outbound-core:QuicInitialSnifferFuzzTest
    anytls-core:FrameDecoderFuzzTest
    anytls-core:AuthPreambleFuzzTest
    anytls-core:UotCodecFuzzTest
    anytls-core:PaddingSchemeFuzzTest
    mixed-inbound:HttpRequestHeadFuzzTest
    mixed-inbound:HandshakeFuzzTest
    runtime:StatusApiFuzzTest
)

selected=()
if [ $# -eq 0 ]; then
    selected=("${ALL[@]}")
else
    for name in "$@"; do
        for entry in "${ALL[@]}"; do
            [ "${entry#*:}" = "$name" ] && selected+=("$entry")
        done
    done
fi

for entry in "${selected[@]}"; do
    module=${entry%%:*}
    test=${entry#*:}
    log="$LOGS/$test.log"
    start=$(date +%s)
    JAZZER_FUZZ=1 mvn -B -ntp -o -pl "$module" -am surefire:test -Dtest="$test" \
        -Dsurefire.failIfNoSpecifiedTests=false \
        -Dsurefire.argLine="-Dio.netty.leakDetection.level=$LEAK -Xss1m" \
        -Djazzer.max_executions="$RUNS" -Djazzer.max_duration="$MAX" >"$log" 2>&1
    status=$?
    end=$(date +%s)
    # libFuzzer's last words: "Done N runs in S second(s)", or a crash report
    done_line=$(grep -a -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)
    runs=$(echo "$done_line" | awk '{print $2}')
    secs=$(echo "$done_line" | awk '{print $5}')
    if [ -z "$runs" ]; then
        runs=$(grep -a -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
        secs=$((end - start))
    fi
    rate=$(awk -v r="${runs:-0}" -v s="${secs:-1}" 'BEGIN { if (s > 0) printf "%.0f", r / s; else print "?" }')
    finding=none
    if grep -a -q -E '== Java Exception|ERROR: libFuzzer|Test crash written|crash-[0-9a-f]{40}' "$log"; then
        finding="see $log"
    fi
    echo "$test ($module): ${runs:-?} executions in ${secs:-?} s, ${rate} exec/s, exit $status, finding: $finding"
done
