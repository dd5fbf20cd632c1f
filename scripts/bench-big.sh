#!/usr/bin/env bash
# Big-diagram benchmark (issue 15): generates one client → one balancer → N − 2 servers for
# N = 1,000 / 2,000 / 10,000 and prints the wall time and peak memory of
# `scaleboard run --duration 1` on each, for every binary given (say, a build of an older
# commit and this one, side by side in the same session). Needs /usr/bin/time.
# Usage: scripts/bench-big.sh [BINARY...]   (default: target/release/scaleboard)
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  bins=("${CARGO_TARGET_DIR:-target}/release/scaleboard")
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sizes=(${BENCH_SIZES:-1000 2000 10000})
rate=${BENCH_RATE:-1000}
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-40s %8s %10s %12s %s\n' binary nodes "wall (s)" "peak RSS" result
for n in "${sizes[@]}"; do
  scripts/gen-big.sh "$n" "$rate" > "$dir/big-$n.json"
  for b in "${bins[@]}"; do
    # A run past 120 s is stopped and shown as such (the issue's N = 4,000 before the fix).
    if timeout 120 /usr/bin/time -f '%e %M' -o "$dir/time" "$b" run "$dir/big-$n.json" \
        --duration 1 --quiet --compact > "$dir/out.json" 2> "$dir/err"; then
      result="ok, $(grep -o '"generated":[0-9]*' "$dir/out.json" | head -1)"
    else
      result="failed: $(grep -v '^Command' "$dir/err" | tail -1 | cut -c1-60)"
    fi
    read -r wall kb < <(tail -1 "$dir/time" 2>/dev/null || echo "- 0")
    printf '%-40s %8s %10s %9s MB %s\n' "$b" "$n" "$wall" "$((kb / 1024))" "$result"
  done
done
