#!/usr/bin/env bash
# Issue 14: Zen's MCP server against the floor (dev.zen.benchmarks.floor.FloorServer: the least any
# MCP server must do for a `chat` call), in one run, on the default JDK and on Temurin 25.
# Both get the same load from McpBench (mcp-load.sh's harness) against one fake OpenAI server that
# runs as its own process (FakeModelServer, LATENCY_MS before each answer), so its CPU is counted
# in neither server nor the harness:
#   - 1,000 concurrent calls on one stdio session: two warm-up rounds, then three rounds: median
#     wall / LATENCY_MS, the peak of /proc/PID/status Threads (platform threads) sampled every
#     20 ms, and server CPU per call over the three rounds ("burst");
#   - server CPU per `chat` call, steady state: after those five rounds, STEADY_CONCURRENCY calls
#     kept in flight for STEADY_SECONDS; utime+stime deltas from /proc/PID/stat.
# Then the ratios Zen / floor. Targets: CPU/call <= 1.3x, wall <= 1.1x, <= 64 threads.
# MODES says how the servers' JVMs run (default "launcher java-jar", each a block of rows):
#   launcher  the command users run: Zen through its launcher (zen-mcp-adapter/target/zen-mcp-server,
#             ZEN_JAVA=the JDK; its heap, collector, C1-only JIT and class-data cache), the floor
#             through the same launcher (ZEN_MCP_JAR=a manifest jar whose main class is the floor),
#             so both get the same JVM options; a first short run of each makes its cache;
#   java-jar  plain `java -jar` / `java -cp`, the JVM's defaults (tiered C1+C2 JIT, G1).
# Each row also gives the JIT compiler threads' CPU per call: under the JVM's defaults they keep
# compiling for minutes after start, more for the larger code base.
# And the garbage collector's (the serial collector's VM Thread, G1's and parallel's GC threads):
# whether a server's CPU per call is its code or the garbage it leaves.
# ZEN_JARS="name=path ..." compares several server jars (an A/B of commits) in the same run;
# default: this checkout's zen-mcp-adapter/target/zen-mcp-server.jar.
# PROGRESS=true sends a progressToken with every call: Zen and the floor then stream the model's
# answer (Zen to report progress); without one both ask for the whole answer. SSE_FLOOR=1 adds
# "floor-sse", the floor that streams every answer (the reference before that change).
# Usage: zen-benchmarks/scripts/floor-vs-zen.sh
#        (CALLS=1000 LATENCY_MS=500 STEADY_SECONDS=15 STEADY_CONCURRENCY=50 PROGRESS=true MODES=launcher
#         JAVAS="java /path/jdk25/bin/java")
set -euo pipefail
cd "$(dirname "$0")/../.."

CALLS="${CALLS:-1000}"
LATENCY_MS="${LATENCY_MS:-500}"
STEADY_SECONDS="${STEADY_SECONDS:-15}"
STEADY_CONCURRENCY="${STEADY_CONCURRENCY:-50}"
JAVAS="${JAVAS:-java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
ZEN_JARS="${ZEN_JARS:-zen=zen-mcp-adapter/target/zen-mcp-server.jar}"
MODES="${MODES:-launcher java-jar}"
LAUNCHER=zen-mcp-adapter/target/zen-mcp-server
OUT=zen-benchmarks/target/mcp-bench
mkdir -p "$OUT"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -pl zen-benchmarks,zen-mcp-adapter -am package -DskipTests
BENCH=zen-benchmarks/target/zen-benchmarks.jar
# The floor as a jar the launcher can run: a manifest naming its main class and, beside it, the jar
# that holds it.
FLOOR_JAR=zen-benchmarks/target/zen-floor.jar
printf 'Main-Class: dev.zen.benchmarks.floor.FloorServer\nClass-Path: zen-benchmarks.jar\n' > "$OUT/floor.mf"
jar --create --file "$FLOOR_JAR" --manifest "$OUT/floor.mf"
CACHE="$OUT/launcher-cache"
RESULTS="$OUT/floor-vs-zen-$(date -u +%Y%m%dT%H%M%S).txt"

# The model server: its own JVM, alive as long as this script holds its stdin open.
rm -f "$OUT/fake-url.txt"
exec 3> >(exec java -cp "$BENCH" dev.zen.benchmarks.floor.FakeModelServer "$LATENCY_MS" > "$OUT/fake-url.txt")
for _ in $(seq 100); do [ -s "$OUT/fake-url.txt" ] && break; sleep 0.1; done
MODEL_URL=$(head -1 "$OUT/fake-url.txt")
echo "model server $MODEL_URL (${LATENCY_MS} ms); progress tokens ${PROGRESS:-false}; load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$RESULTS"

bench() {
  java -Dmcp.bench.stderr="$OUT/server-stderr.txt" -Dmcp.bench.model.url="$MODEL_URL" \
    -Dmcp.bench.steady.seconds="$STEADY_SECONDS" -Dmcp.bench.steady.concurrency="$STEADY_CONCURRENCY" \
    -Dmcp.bench.progress="${PROGRESS:-false}" \
    -cp "$BENCH" dev.zen.benchmarks.mcp.McpBench load "$@" | tee -a "$RESULTS"
}

# One server ($3...) under one mode: through the launcher, or with the JVM's defaults.
run_server() {
  local label=$1 mode=$2 jar=$3 main=${4:-}
  if [ "$mode" = launcher ]; then
    # A first short life makes the class-data cache (JDK 25 records it during a whole run), so the
    # measured run starts as users' later starts do.
    printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"prime","version":"1"}}}' \
      | ZEN_JAVA="$JAVA" ZEN_MCP_JAR="$jar" ZEN_MCP_CACHE_DIR="$CACHE" CUSTOM_API_URL="$MODEL_URL" "$LAUNCHER" >/dev/null 2>&1 || true
    ZEN_JAVA="$JAVA" ZEN_MCP_JAR="$jar" ZEN_MCP_CACHE_DIR="$CACHE" \
      bench "$label" "$CALLS" "$LATENCY_MS" chat -- "$LAUNCHER"
  elif [ -n "$main" ]; then
    bench "$label" "$CALLS" "$LATENCY_MS" chat -- "$JAVA" -cp "$jar" "$main"
  else
    bench "$label" "$CALLS" "$LATENCY_MS" chat -- "$JAVA" -jar "$jar"
  fi
}

for JAVA in $JAVAS; do
  command -v "$JAVA" >/dev/null 2>&1 || continue
  V=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')
  for MODE in $MODES; do
    echo "# JDK $V, $MODE, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"
    if [ "$MODE" = launcher ]; then
      run_server "floor jdk$V-$MODE" "$MODE" "$FLOOR_JAR"
    else
      run_server "floor jdk$V-$MODE" "$MODE" "$BENCH" dev.zen.benchmarks.floor.FloorServer
    fi
    if [ -n "${SSE_FLOOR:-}" ]; then
      if [ "$MODE" = launcher ]; then
        FLOOR_STREAM=always run_server "floor-sse jdk$V-$MODE" "$MODE" "$FLOOR_JAR"
      else
        FLOOR_STREAM=always run_server "floor-sse jdk$V-$MODE" "$MODE" "$BENCH" dev.zen.benchmarks.floor.FloorServer
      fi
    fi
    for ENTRY in $ZEN_JARS; do
      run_server "${ENTRY%%=*} jdk$V-$MODE" "$MODE" "${ENTRY#*=}"
    done
  done
done
echo "# done, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"

# Ratios to the floor of the same JDK and mode, from the `result` lines.
awk '
  /^result / {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    n = split(f["label"], parts, "_"); jdk = parts[n]; name = substr(f["label"], 1, length(f["label"]) - length(jdk) - 1)
    if (name == "floor") {
      cpu[jdk] = f["steady_cpu_ms"]; own[jdk] = f["steady_cpu_ms"] - f["steady_jit_ms"]
      burst[jdk] = f["burst_cpu_ms"]; wall[jdk] = f["median"]
    }
    rows[++count] = name "|" jdk "|" f["steady_cpu_ms"] "|" f["steady_jit_ms"] "|" f["burst_cpu_ms"] "|" f["median"] "|" f["peak_threads"] \
      "|" f["steady_gc_ms"] "|" f["burst_gc_ms"]
  }
  END {
    printf "| server | JDK, JVM options | steady CPU ms/call | of it JIT | of it GC | burst CPU ms/call | of it GC | median wall / latency | peak threads | steady CPU / floor | without JIT / floor | burst CPU / floor | wall / floor |\n"
    printf "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    for (i = 1; i <= count; i++) {
      split(rows[i], r, "|")
      printf "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %d | %.2f | %.2f | %.2f | %.2f |\n", r[1], r[2], r[3], r[4], r[8], r[5], r[9], \
        r[6], r[7], r[3] / cpu[r[2]], (r[3] - r[4]) / own[r[2]], r[5] / burst[r[2]], r[6] / wall[r[2]]
    }
  }' "$RESULTS" | tee -a "$RESULTS"
echo "results in $RESULTS"
