#!/usr/bin/env bash
# RedisCheckpointStore put/latest/history (JMH) against redis-benchmark SET/GET at the same sizes,
# on one redis-server this script starts (loopback, no persistence), and the ratios between them.
# Needs redis-server and redis-benchmark (Debian: apt-get install redis-server redis-tools) and
# python3. Usage: zen-benchmarks/scripts/redis-checkpoint-bench.sh [extra JMH args]
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT="${OUT:-zen-benchmarks/target/redis-bench}"
mkdir -p "$OUT"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATA=$(mktemp -d)
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$DATA" --daemonize no \
  > "$OUT/redis-server.log" 2>&1 &
REDIS_PID=$!
trap 'kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
redis-server --version | tee "$OUT/versions.txt"
java -version 2>&1 | head -1 | tee -a "$OUT/versions.txt"

./mvnw -q -B -pl zen-benchmarks -am package -DskipTests

for SIZE in 1024 65536; do
  N=$([ "$SIZE" -eq 1024 ] && echo 200000 || echo 40000)
  # Throughput: 32 connections with one command in flight each (the JMH side keeps 32 calls in flight).
  redis-benchmark -h 127.0.0.1 -p "$PORT" -t set,get -d "$SIZE" -n "$N" -c 32 --csv > "$OUT/rb-$SIZE-c32.csv"
  # Latency: one client, one command at a time (the JMH *Latency benchmarks do the same).
  redis-benchmark -h 127.0.0.1 -p "$PORT" -t set,get -d "$SIZE" -n $((N / 8)) -c 1 --csv > "$OUT/rb-$SIZE-c1.csv"
done
redis-cli -p "$PORT" flushall >/dev/null

java -jar zen-benchmarks/target/zen-benchmarks.jar 'dev.zen.benchmarks.redis.RedisCheckpointStoreBenchmark' \
  -p "redisUri=redis://127.0.0.1:$PORT" -rf json -rff "$OUT/jmh.json" "$@" | tee "$OUT/jmh.txt"

# The same comparison against raw Lettuce, interleaved slice by slice so both sides see the same load.
redis-cli -p "$PORT" flushall >/dev/null
java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.redis.RedisCheckpointRatioHarness \
  "redis://127.0.0.1:$PORT" 12 | tee "$OUT/interleaved.md"

python3 - "$OUT" <<'PY'
import csv, json, sys
out = sys.argv[1]
rb = {}
for size in (1024, 65536):
    for clients in (32, 1):
        with open(f"{out}/rb-{size}-c{clients}.csv") as f:
            for row in csv.DictReader(f):
                rb[(size, clients, row["test"])] = row
jmh = {}
for r in json.load(open(f"{out}/jmh.json")):
    name = r["benchmark"].rsplit(".", 1)[1]
    p = r["params"]
    m = r["primaryMetric"]
    jmh[(p["impl"], int(p["size"]), name)] = m
print("\n| size | operation | Zen ops/s | Lettuce ops/s | redis-benchmark ops/s (-c 32) | Zen / redis-benchmark | Zen p50 µs | Zen p99 µs | redis-benchmark -c 1 p50/p99 µs |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for size in (1024, 65536):
    for op, raw in (("put", "SET"), ("latest", "GET"), ("history", "GET")):
        z = jmh.get(("zen", size, op + "Throughput"))
        l = jmh.get(("lettuce", size, op + "Throughput"))
        zl = jmh.get(("zen", size, op + "Latency"))
        rbt = rb[(size, 32, raw)]
        rbl = rb[(size, 1, raw)]
        rps = float(rbt["rps"])
        pct = zl["scorePercentiles"] if zl else {}
        print(f"| {size // 1024} KiB | {op} (vs {raw}) | {z['score']:,.0f} | {l['score']:,.0f} | {rps:,.0f} | {z['score'] / rps:.2f} | "
              f"{pct.get('50.0', float('nan')):.0f} | {pct.get('99.0', float('nan')):.0f} | "
              f"{float(rbl['p50_latency_ms']) * 1000:.0f} / {float(rbl['p99_latency_ms']) * 1000:.0f} |")
PY
