#!/usr/bin/env bash
# What tracing costs the MCP server (issue 12): start-up to the initialize answer and server CPU per
# call, with no OTEL_* variable (no SDK loaded) against OTEL_EXPORTER_OTLP_ENDPOINT pointing at a
# local OTLP/HTTP receiver (a Python http.server that answers 200 to every POST and counts the bytes).
# The same McpBench modes as mcp-startup.sh and mcp-load.sh: `startup` (RUNS runs, --demo) and
# `load` (CALLS concurrent chat calls against the fake endpoint, LATENCY_MS each; two warm-up and
# three measured rounds). Off and on alternate, ROUNDS times, so machine noise hits both.
# With tracing on the batch span processor's queue is raised (OTEL_BSP_MAX_QUEUE_SIZE=65536) so
# that no span of a 1,000-call burst is dropped: the figure is the cost of exporting every span.
# Usage: zen-benchmarks/scripts/mcp-tracing-cost.sh   (RUNS=10 CALLS=1000 LATENCY_MS=500 ROUNDS=2 JAVA=java SKIP_BUILD=1
#        PARTS="startup life load")
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS="${RUNS:-10}"
CALLS="${CALLS:-1000}"
LATENCY_MS="${LATENCY_MS:-500}"
ROUNDS="${ROUNDS:-2}"
PARTS="${PARTS:-startup life load}"
JAVA="${JAVA:-java}"
OUT=zen-benchmarks/target/mcp-bench
mkdir -p "$OUT"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -pl zen-benchmarks,zen-mcp-adapter -am package -DskipTests
ZEN=zen-mcp-adapter/target/zen-mcp-server.jar
BENCH=zen-benchmarks/target/zen-benchmarks.jar
bench() { java -Dmcp.bench.stderr="$OUT/server-stderr.txt" -cp "$BENCH" dev.zen.benchmarks.mcp.McpBench "$@"; }

# The receiver: port 0, its port written to a file; counts requests and bytes per path.
rm -f "$OUT/otlp-port" "$OUT/otlp-received.txt"
python3 - "$OUT/otlp-port" "$OUT/otlp-received.txt" <<'PY' &
import http.server, sys, threading, collections
counts = collections.Counter()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0)); self.rfile.read(n)
        counts[self.path + ' requests'] += 1; counts[self.path + ' bytes'] += n
        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
        with open(sys.argv[2], 'w') as f: f.write(repr(dict(counts)) + '\n')
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
open(sys.argv[1], 'w').write(str(s.server_address[1]))
s.serve_forever()
PY
RECEIVER=$!
trap 'kill $RECEIVER' EXIT
for _ in $(seq 50); do [ -s "$OUT/otlp-port" ] && break; sleep 0.1; done
ENDPOINT="http://127.0.0.1:$(cat "$OUT/otlp-port")"
V=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')
echo "JDK $V, OTLP receiver $ENDPOINT, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The server inherits McpBench's environment.
off() { (unset OTEL_EXPORTER_OTLP_ENDPOINT; "$@"); }
on() { (export OTEL_EXPORTER_OTLP_ENDPOINT="$ENDPOINT" OTEL_BSP_MAX_QUEUE_SIZE=65536; "$@"); }
for round in $(seq "$ROUNDS"); do
  [[ " $PARTS " == *" startup "* ]] || break
  off bench startup "tracing off, JDK $V, round $round" "$RUNS" -- "$JAVA" -Xmx256m -jar "$ZEN" --demo
  on bench startup "tracing on (OTLP), JDK $V, round $round" "$RUNS" -- "$JAVA" -Xmx256m -jar "$ZEN" --demo
done
# CPU of a whole short server life (start, answer initialize, stdin closed, flush, exit), user + sys
# seconds from /usr/bin/time: less at the mercy of other processes than the wall time above.
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
life() {
  local label=$1 file="$OUT/life-$2.txt"; rm -f "$file"
  for _ in $(seq "$RUNS"); do
    printf '%s\n' "$INIT" | /usr/bin/time -f "%U %S" -a -o "$file" "$JAVA" -Xmx256m -jar "$ZEN" --demo >/dev/null 2>&1
  done
  awk '{ print $1 + $2 }' "$file" | sort -n | awk -v label="$label" '{ cpu[NR] = $1 }
    END { printf "life %-30s runs=%d min=%.2f s median=%.2f s CPU (user+sys)\n", label, NR, cpu[1], cpu[int((NR + 1) / 2)] }'
}
for round in $(seq "$ROUNDS"); do
  [[ " $PARTS " == *" life "* ]] || break
  off life "tracing off, round $round" "off-$round"
  on life "tracing on (OTLP), round $round" "on-$round"
done
for round in $(seq "$ROUNDS"); do
  [[ " $PARTS " == *" load "* ]] || break
  off bench load "tracing off, JDK $V, round $round" "$CALLS" "$LATENCY_MS" chat -- "$JAVA" -Xmx256m -jar "$ZEN"
  on bench load "tracing on (OTLP), JDK $V, round $round" "$CALLS" "$LATENCY_MS" chat -- "$JAVA" -Xmx256m -jar "$ZEN"
done
echo "received: $(cat "$OUT/otlp-received.txt" 2>/dev/null || echo nothing)"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
