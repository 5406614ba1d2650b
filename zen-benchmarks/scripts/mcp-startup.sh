#!/usr/bin/env bash
# Time from process start to the initialize answer (issue 14), side by side in one run, for the
# commands users run: `java -jar zen-mcp-server.jar --demo`, the launcher `zen-mcp-server --demo`
# (next to the jar) with a cold class-data cache (emptied before every start: the first start
# after installing or rebuilding) and a warm one (made by one earlier session), and the Node MCP
# server `@modelcontextprotocol/server-everything` (npm, installed into a scratch directory) on
# stdio, the baseline. Zen on the default java (17) and on Temurin 25 when installed.
# Usage: zen-benchmarks/scripts/mcp-startup.sh   (RUNS=10, JAVAS="java /path/to/jdk25/bin/java",
#        SKIP_BUILD=1 to use the jars as built, NODE_DIR=dir for the npm install)
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS="${RUNS:-10}"
JAVAS="${JAVAS:-java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
OUT=zen-benchmarks/target/mcp-bench
NODE_DIR="${NODE_DIR:-$OUT/node-everything}"
mkdir -p "$OUT"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -pl zen-benchmarks,zen-mcp-adapter -am package -DskipTests
ZEN=zen-mcp-adapter/target/zen-mcp-server.jar
LAUNCHER=zen-mcp-adapter/target/zen-mcp-server
BENCH=zen-benchmarks/target/zen-benchmarks.jar
# BENCH_PROPS: system properties for the harness (mcp.bench.fresh: a directory emptied before each start).
bench() {
  # shellcheck disable=SC2086
  java -Dmcp.bench.stderr="$OUT/server-stderr.txt" ${BENCH_PROPS:-} -cp "$BENCH" dev.zen.benchmarks.mcp.McpBench "$@"
}
load() { echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC"; }

if [ ! -f "$NODE_DIR/node_modules/@modelcontextprotocol/server-everything/package.json" ]; then
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund @modelcontextprotocol/server-everything >/dev/null)
fi
EVERYTHING="$NODE_DIR/node_modules/.bin/mcp-server-everything"
echo "# node $(node --version), server-everything $(sed -n 's/.*"version": "\(.*\)".*/\1/p' \
  "$NODE_DIR/node_modules/@modelcontextprotocol/server-everything/package.json" | head -1)"

load
bench startup "node server-everything (stdio)" "$RUNS" -- "$EVERYTHING" stdio
for JAVA in $JAVAS; do
  command -v "$JAVA" >/dev/null 2>&1 || continue
  V=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')
  JAVA=$(command -v "$JAVA")
  CACHE="$OUT/launcher-cache-jdk$V"
  load
  bench startup "java -jar, JDK $V" "$RUNS" -- "$JAVA" -jar "$ZEN" --demo
  # Cold: the cache directory is emptied before every start, so each one also writes the archive
  # (after the initialize answer, when the session ends).
  BENCH_PROPS="-Dmcp.bench.fresh=$CACHE" ZEN_JAVA="$JAVA" ZEN_MCP_CACHE_DIR="$CACHE" \
    bench startup "launcher, cold cache, JDK $V" "$RUNS" -- "$LAUNCHER" --demo
  # Warm: one session (initialize, tools/list, version, chat) makes the cache; then RUNS starts.
  rm -rf "$CACHE"
  ZEN_JAVA="$JAVA" ZEN_MCP_CACHE_DIR="$CACHE" bench train -- "$LAUNCHER" --demo >/dev/null
  ZEN_JAVA="$JAVA" ZEN_MCP_CACHE_DIR="$CACHE" bench startup "launcher, warm cache, JDK $V" "$RUNS" -- "$LAUNCHER" --demo
done
load
