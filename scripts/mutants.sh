#!/usr/bin/env bash
# Mutation testing of the engine and the link format with cargo-mutants (not part of `make test`:
# a full pass takes hours on two cores). See docs/testing.md for how to read the result.
#
#   scripts/mutants.sh                      → the mutants in the diff against main
#   scripts/mutants.sh FILE...              → the mutants in these files (e.g. crates/sim/src/engine/cache.rs)
#   scripts/mutants.sh --shard K/N          → shard K of N of both crates, round robin
#
# Results land in mutants.out/ (caught.txt, missed.txt, timeout.txt, unviable.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh mutants

crates=(-p scaleboard-sim -p scaleboard-link)
if [ $# -eq 0 ]; then
    git diff main... > /tmp/scaleboard-mutants.diff
    exec cargo mutants "${crates[@]}" --in-diff /tmp/scaleboard-mutants.diff
elif [ "$1" = "--shard" ]; then
    exec cargo mutants "${crates[@]}" --shard "${2:?K/N}" --sharding round-robin
else
    args=()
    for f in "$@"; do args+=(--file "$f"); done
    exec cargo mutants "${crates[@]}" "${args[@]}"
fi
