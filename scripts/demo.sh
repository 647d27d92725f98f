#!/usr/bin/env bash
# `make demo`: the local Mist simulator with the demo accounts, and the app pointed at it.
# Sign in as admin@example.com / demo-password (more accounts: cargo run -p mist-sim -- --help).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cargo build -q -p mist-sim
cargo build -q --features custom-protocol
tmp="$(mktemp -d)"
sim_log="$tmp/sim.log"
./target/debug/mist-sim --port "${MIST_SIM_PORT:-8787}" "$@" >"$sim_log" 2>&1 &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null; rm -rf "$tmp"' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^MIST_SIM_URL=//p' "$sim_log" | head -n1)"
  [ -n "$url" ] && break
  kill -0 $sim_pid 2>/dev/null || { cat "$sim_log"; echo "demo: the simulator did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$sim_log"; echo "demo: the simulator did not report its address" >&2; exit 1; }
printf '[{"name": "Demo cloud (simulator)", "api": "%s"}]\n' "$url" >"$tmp/clouds.json"
grep -v '^MIST_SIM_URL=' "$sim_log" || true
echo "demo: simulator at $url; starting the app"
MIST_TOKEN_MANAGER_CLOUDS="$tmp/clouds.json" ./target/debug/mist-token-manager
