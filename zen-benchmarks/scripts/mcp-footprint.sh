#!/usr/bin/env bash
# Memory over a server's life (issue 14), side by side in one run: `java -jar zen-mcp-server.jar`
# against the launcher `zen-mcp-server` (next to the jar), on the default java (17) and on
# Temurin 25 when installed. Each: RSS 5 s after initialize (idle), the peak RSS over ROUNDS rounds
# of CALLS concurrent `chat` calls (the testkit's fake OpenAI endpoint in the harness JVM answers
# after LATENCY_MS), then RSS each second for AFTER seconds: the last value and when it first fell
# under 150 MiB. Also threads, server CPU per call and the best round's wall time / latency.
# Usage: zen-benchmarks/scripts/mcp-footprint.sh
#        (ROUNDS=5 CALLS=1000 LATENCY_MS=500 AFTER=60, JAVAS="java /path/jdk25/bin/java", SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS="${ROUNDS:-5}"
CALLS="${CALLS:-1000}"
LATENCY_MS="${LATENCY_MS:-500}"
AFTER="${AFTER:-60}"
JAVAS="${JAVAS:-java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
OUT=zen-benchmarks/target/mcp-bench
mkdir -p "$OUT"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -pl zen-benchmarks,zen-mcp-adapter -am package -DskipTests
ZEN=zen-mcp-adapter/target/zen-mcp-server.jar
LAUNCHER=zen-mcp-adapter/target/zen-mcp-server
BENCH=zen-benchmarks/target/zen-benchmarks.jar
footprint() {
  echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC"
  java -Dmcp.bench.stderr="$OUT/server-stderr.txt" -cp "$BENCH" dev.zen.benchmarks.mcp.McpBench footprint "$1" \
    "$ROUNDS" "$CALLS" "$LATENCY_MS" "$AFTER" -- "${@:2}"
}

for JAVA in $JAVAS; do
  command -v "$JAVA" >/dev/null 2>&1 || continue
  V=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')
  JAVA=$(command -v "$JAVA")
  footprint "java -jar, JDK $V" "$JAVA" -jar "$ZEN"
  # The launcher as it runs after its first start: with its class-data cache made (by one session).
  export ZEN_JAVA="$JAVA" ZEN_MCP_CACHE_DIR="$OUT/launcher-cache-jdk$V"
  java -cp "$BENCH" dev.zen.benchmarks.mcp.McpBench train -- "$LAUNCHER" --demo >/dev/null
  footprint "launcher, JDK $V" "$LAUNCHER"
  unset ZEN_JAVA ZEN_MCP_CACHE_DIR
done
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC"
