#!/usr/bin/env bash
# Every check Scaleboard has, in the order a failure is cheapest to find. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
start=$(date +%s)

step "setup (installs only what is missing)"
scripts/setup.sh test

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test --workspace"
cargo test --workspace

step "trunk build --release"
trunk build --release

step "browser end-to-end tests (Chromium)"
node tests/e2e/run.mjs

printf '\n\033[1;32mAll checks passed in %ss.\033[0m\n' "$(( $(date +%s) - start ))"
