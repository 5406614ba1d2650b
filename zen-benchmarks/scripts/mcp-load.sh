#!/usr/bin/env bash
# 1,000 concurrent tools/call on one stdio session, each waiting 500 ms on a model: wall time / 500 ms
# (1.0 is perfect overlap), RSS when idle after warm-up and at the peak of the load, and server CPU
# per call. Zen's server runs `chat` against the testkit's fake OpenAI server (500 ms latency, in the
# harness JVM); the bare MCP SDK server runs a tool that waits 500 ms on a timer. Two warm-up rounds,
# three measured rounds, on the default JDK and on Temurin 25 when installed; Zen once with the
# JVM's default heap and once with -Xmx256m.
# Usage: zen-benchmarks/scripts/mcp-load.sh   (CALLS=1000 LATENCY_MS=500 JAVAS="java /path/jdk25/bin/java")
set -euo pipefail
cd "$(dirname "$0")/../.."

CALLS="${CALLS:-1000}"
LATENCY_MS="${LATENCY_MS:-500}"
JAVAS="${JAVAS:-java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
OUT=zen-benchmarks/target/mcp-bench
mkdir -p "$OUT"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -pl zen-benchmarks,zen-mcp-adapter -am package -DskipTests
ZEN=zen-mcp-adapter/target/zen-mcp-server.jar
BENCH=zen-benchmarks/target/zen-benchmarks.jar
bench() { java -Dmcp.bench.stderr="$OUT/server-stderr.txt" -cp "$BENCH" dev.zen.benchmarks.mcp.McpBench "$@"; }

for JAVA in $JAVAS; do
  command -v "$JAVA" >/dev/null 2>&1 || continue
  V=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')
  bench load "bare SDK, JDK $V" "$CALLS" "$LATENCY_MS" wait -- "$JAVA" -cp "$BENCH" dev.zen.benchmarks.mcp.BareSdkServer
  bench load "zen, JDK $V" "$CALLS" "$LATENCY_MS" chat -- "$JAVA" -jar "$ZEN"
  # The default heap may grow to a quarter of RAM; a CLI-spawned server can be held much smaller.
  bench load "zen -Xmx256m, JDK $V" "$CALLS" "$LATENCY_MS" chat -- "$JAVA" -Xmx256m -jar "$ZEN"
done
