#!/usr/bin/env bash
# 1,000 concurrent chat calls over Streamable HTTP from 50 MCP sessions against the same load over
# one stdio session, in the same script and on the same JVMs: wall time / 500 ms model latency
# (1.0 is perfect overlap), RSS idle after warm-up and at the peak, server CPU per call. The
# testkit's fake OpenAI server (in the harness JVM) answers after 500 ms. Two warm-up rounds,
# three measured rounds each.
# Usage: zen-benchmarks/scripts/mcp-http-load.sh   (CALLS=1000 SESSIONS=50 LATENCY_MS=500 JAVAS="java /path/jdk25/bin/java")
set -euo pipefail
cd "$(dirname "$0")/../.."

CALLS="${CALLS:-1000}"
SESSIONS="${SESSIONS:-50}"
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
  bench load "zen stdio, JDK $V" "$CALLS" "$LATENCY_MS" chat -- "$JAVA" -jar "$ZEN"
  bench http-load "zen HTTP, JDK $V" "$SESSIONS" "$CALLS" "$LATENCY_MS" -- "$JAVA" -jar "$ZEN"
done
