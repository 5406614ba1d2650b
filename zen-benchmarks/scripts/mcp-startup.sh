#!/usr/bin/env bash
# Time from process start to the initialize answer (issue 14), side by side in one run, for the
# commands users run: `java -jar zen-mcp-server.jar --demo`, the launcher `zen-mcp-server --demo`
# (next to the jar) with a cold class-data cache (emptied before every start: the first start
# after installing or rebuilding) and a warm one (made by one earlier session), and the Node MCP
# server `@modelcontextprotocol/server-everything` (npm, installed into a scratch directory) on
# stdio, the baseline (its installed bin, not through npx, which would add npm's own start-up).
# Zen on the default java (17) and on Temurin 25 when installed.
# Usage: zen-benchmarks/scripts/mcp-startup.sh   (RUNS=10, JAVAS="java /path/to/jdk25/bin/java",
#        SKIP_BUILD=1 to use the jars as built, NODE_DIR=dir for the npm install)
# A before/after comparison in the same run: BEFORE_JAR=/tmp/before.jar (a zen-mcp-server.jar built
# from the older commit) adds its `java -jar` and its launcher with a warm cache; BEFORE_LAUNCHER=
# the older launcher script (e.g. `git show main:zen-mcp-adapter/src/main/bin/zen-mcp-server`),
# else the current one runs the older jar.
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
BEFORE_JAR="${BEFORE_JAR:-}"
BEFORE_LAUNCHER="${BEFORE_LAUNCHER:-$LAUNCHER}"
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

# Interleaved: each round starts every subject once, so a change in the machine's load (it is
# shared) falls on all of them alike. One line per start in $OUT/startup-runs.tsv, a summary at the end.
declare -a LABELS=() KINDS=() JAVAS_OF=()
LABELS+=("node server-everything (stdio)"); KINDS+=(node); JAVAS_OF+=("")
for JAVA in $JAVAS; do
  command -v "$JAVA" >/dev/null 2>&1 || continue
  JAVA=$(command -v "$JAVA")
  V=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')
  echo "# JDK $V: $("$JAVA" -version 2>&1 | head -n 1)"
  if [ -n "$BEFORE_JAR" ]; then
    LABELS+=("before: java -jar, JDK $V"); KINDS+=(before-plain); JAVAS_OF+=("$JAVA")
    LABELS+=("before: launcher, warm cache, JDK $V"); KINDS+=(before-warm); JAVAS_OF+=("$JAVA")
    rm -rf "$OUT/before-warm-jdk$V"
    ZEN_JAVA="$JAVA" ZEN_MCP_JAR="$BEFORE_JAR" ZEN_MCP_CACHE_DIR="$OUT/before-warm-jdk$V" \
      bench train -- "$BEFORE_LAUNCHER" --demo >/dev/null
  fi
  LABELS+=("java -jar, JDK $V"); KINDS+=(plain); JAVAS_OF+=("$JAVA")
  LABELS+=("launcher, cold cache, JDK $V"); KINDS+=(cold); JAVAS_OF+=("$JAVA")
  LABELS+=("launcher, warm cache, JDK $V"); KINDS+=(warm); JAVAS_OF+=("$JAVA")
  # Warm: one session (initialize, tools/list, version, chat) makes the cache the warm starts use.
  rm -rf "$OUT/launcher-warm-jdk$V"
  ZEN_JAVA="$JAVA" ZEN_MCP_CACHE_DIR="$OUT/launcher-warm-jdk$V" bench train -- "$LAUNCHER" --demo >/dev/null
done

one() { # label kind java -> milliseconds to the initialize answer of one start
  local label=$1 kind=$2 java=$3 v
  v=$([ -z "$java" ] || "$java" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')
  case $kind in
    node) bench startup "$label" 1 -- "$EVERYTHING" stdio ;;
    plain) bench startup "$label" 1 -- "$java" -jar "$ZEN" --demo ;;
    # Cold: the cache directory is emptied first, so the start also writes the archive (after the
    # initialize answer, when the session ends): the first start after installing or rebuilding.
    cold) rm -rf "$OUT/launcher-cold-jdk$v"
      ZEN_JAVA="$java" ZEN_MCP_CACHE_DIR="$OUT/launcher-cold-jdk$v" bench startup "$label" 1 -- "$LAUNCHER" --demo ;;
    warm) ZEN_JAVA="$java" ZEN_MCP_CACHE_DIR="$OUT/launcher-warm-jdk$v" bench startup "$label" 1 -- "$LAUNCHER" --demo ;;
    before-plain) bench startup "$label" 1 -- "$java" -jar "$BEFORE_JAR" --demo ;;
    before-warm) ZEN_JAVA="$java" ZEN_MCP_JAR="$BEFORE_JAR" ZEN_MCP_CACHE_DIR="$OUT/before-warm-jdk$v" \
      bench startup "$label" 1 -- "$BEFORE_LAUNCHER" --demo ;;
  esac | sed -n 's/.* min=\([0-9]*\) ms.*/\1/p'
}

RESULTS="$OUT/startup-runs.tsv"
: > "$RESULTS"
load
for run in $(seq "$RUNS"); do
  for i in "${!LABELS[@]}"; do
    printf '%s\t%s\n' "${LABELS[$i]}" "$(one "${LABELS[$i]}" "${KINDS[$i]}" "${JAVAS_OF[$i]}")" >> "$RESULTS"
  done
  echo "# round $run done; $(load | cut -c3-)"
done
load
for label in "${LABELS[@]}"; do
  awk -F'\t' -v l="$label" '$1 == l && $2 != "" { print $2 }' "$RESULTS" | sort -n | awk -v l="$label" '
    { v[NR] = $1 } END { printf "startup %-44s runs=%d min=%d ms median=%d ms max=%d ms\n", l, NR, v[1], v[int((NR + 1) / 2)], v[NR] }'
done
