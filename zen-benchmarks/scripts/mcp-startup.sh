#!/usr/bin/env bash
# Time from process start to the initialize answer: Zen's MCP server (--demo, the README's command)
# against the bare MCP Java SDK server (BareSdkServer: the SDK's own stdio transport, one tool), on
# the default JDK and on Temurin 25 when installed, without and with the JDK's startup caches:
#   JDK 17:  static AppCDS (-XX:ArchiveClassesAtExit, then -XX:SharedArchiveFile)
#   JDK 19+: -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile (dynamic CDS, created on first run)
#   JDK 25:  AOT cache (JEP 483/514: -XX:AOTCacheOutput, then -XX:AOTCache)
# and each cache once more with a start-up profile: -XX:TieredStopAtLevel=1 -XX:+UseSerialGC.
# Each archive is made by one training run (initialize, tools/list, version, chat, close stdin).
# Usage: zen-benchmarks/scripts/mcp-startup.sh   (RUNS=10, JAVAS="java /path/to/jdk25/bin/java")
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS="${RUNS:-10}"
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
  BARE=("$JAVA" -cp "$BENCH" dev.zen.benchmarks.mcp.BareSdkServer)
  SERVER=(-jar "$ZEN" --demo)
  bench startup "bare SDK, JDK $V" "$RUNS" -- "${BARE[@]}"
  bench startup "zen, JDK $V" "$RUNS" -- "$JAVA" "${SERVER[@]}"
  if [ "$V" -ge 19 ]; then
    JSA="$OUT/zen-jdk$V-dynamic.jsa"; rm -f "$JSA"
    CDS=(-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$JSA")
    bench train -- "$JAVA" "${CDS[@]}" "${SERVER[@]}" >/dev/null
    bench startup "zen + AutoCreateSharedArchive, JDK $V" "$RUNS" -- "$JAVA" "${CDS[@]}" "${SERVER[@]}"
  else
    JSA="$OUT/zen-jdk$V.jsa"; rm -f "$JSA"
    bench train -- "$JAVA" -XX:ArchiveClassesAtExit="$JSA" "${SERVER[@]}" >/dev/null
    CDS=(-XX:SharedArchiveFile="$JSA")
    bench startup "zen + AppCDS, JDK $V" "$RUNS" -- "$JAVA" "${CDS[@]}" "${SERVER[@]}"
  fi
  bench startup "zen + CDS + C1 only, JDK $V" "$RUNS" -- "$JAVA" "${CDS[@]}" -XX:TieredStopAtLevel=1 "${SERVER[@]}"
  # A start-up profile: C1 only and the serial collector (G1's set-up costs tens of ms).
  FAST=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
  bench startup "zen + CDS + C1 + SerialGC, JDK $V" "$RUNS" -- "$JAVA" "${CDS[@]}" "${FAST[@]}" "${SERVER[@]}"
  if [ "$V" -ge 25 ]; then
    AOT="$OUT/zen-jdk$V.aot"; rm -f "$AOT"
    bench train -- "$JAVA" -XX:AOTCacheOutput="$AOT" "${SERVER[@]}" >/dev/null
    bench startup "zen + AOT cache, JDK $V" "$RUNS" -- "$JAVA" -XX:AOTCache="$AOT" "${SERVER[@]}"
    bench startup "zen + AOT cache + C1 + SerialGC, JDK $V" "$RUNS" -- "$JAVA" -XX:AOTCache="$AOT" "${FAST[@]}" \
      "${SERVER[@]}"
    BAOT="$OUT/bare-jdk$V.aot"; rm -f "$BAOT"
    bench train -- "$JAVA" -XX:AOTCacheOutput="$BAOT" -cp "$BENCH" dev.zen.benchmarks.mcp.BareSdkServer >/dev/null
    bench startup "bare SDK + AOT cache, JDK $V" "$RUNS" -- "$JAVA" -XX:AOTCache="$BAOT" -cp "$BENCH" \
      dev.zen.benchmarks.mcp.BareSdkServer
  fi
done
