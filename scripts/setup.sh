#!/usr/bin/env bash
# Installs what Scaleboard needs, skipping whatever is already present.
#   scripts/setup.sh serve   → wasm target, trunk, wasm-bindgen-cli, crates
#   scripts/setup.sh test    → the above, plus Chromium, ChromeDriver and the e2e npm packages
#   scripts/setup.sh mutants → cargo-mutants only (never part of `make test` or CI)
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-serve}"

if [ "$mode" = "mutants" ]; then
    if ! command -v cargo-mutants >/dev/null; then
        printf '\033[1;34m[setup]\033[0m %s\n' "installing cargo-mutants (a few minutes, once)"
        cargo install cargo-mutants --locked
    fi
    exit 0
fi
TRUNK_VERSION="0.21.14"
# The CLI must match the crate exactly, or Trunk would try (and fail, offline) to download one.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)"

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Rust toolchain named in rust-toolchain.toml, with the wasm target.
if ! rustup run "$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)" rustc --version >/dev/null 2>&1; then
    say "installing the pinned Rust toolchain"
    rustup toolchain install
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    # Its lockfile may name yanked crates: fall back to a fresh resolution.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked \
        || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Trunk builds offline: fetch every crate the build needs first.
cargo fetch --locked 2>/dev/null || cargo fetch

if [ "$mode" = "test" ]; then
    if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
        say "installing Debian chromium and chromium-driver"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
    fi
    # Korean UI text in screenshots needs a Hangul font; desktop systems have one, CI does not.
    if ! fc-list 2>/dev/null | grep -qi nanum; then
        say "installing a Korean font (fonts-nanum) for screenshots"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum
    fi
    # The printed report's e2e test reads Chromium's PDF: page count, text, first page as PNG.
    if ! command -v pdftoppm >/dev/null || ! command -v pdftotext >/dev/null; then
        say "installing poppler-utils (pdfinfo, pdftotext, pdftoppm) for the report test"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils
    fi
    if [ ! -d tests/e2e/node_modules/playwright-core ] \
        || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
        say "installing e2e npm packages"
        (cd tests/e2e && npm ci --no-audit --no-fund)
    fi
fi
say "ready"
