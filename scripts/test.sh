#!/usr/bin/env bash
# `make test`: everything, in phases, each timed. Stops at the first failing phase.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

FEATURES=(--features custom-protocol)
timings=()
phase() {
  local name="$1"; shift
  local t0=$SECONDS
  printf '\n==> %s\n' "$name"
  "$@"
  timings+=("$(printf '%-28s %4d s' "$name" $((SECONDS - t0)))")
}
report() {
  printf '\n==> phase timings\n'
  printf '  %s\n' "${timings[@]}"
}
trap report EXIT

phase "setup" bash scripts/setup.sh
phase "cargo fmt --check" cargo fmt --all -- --check
phase "ui: type check" npm --prefix ui run --silent check
phase "ui: build" npm --prefix ui run --silent build
phase "ui: vitest" npm --prefix ui test --silent
# Licences, bans and sources of every dependency (deny.toml). Advisories are not checked here: the
# RustSec database cannot be fetched from the build machines (see deny.toml).
phase "cargo deny" cargo deny --log-level error check licenses bans sources
phase "cargo clippy" cargo clippy --workspace --all-targets "${FEATURES[@]}" -- -D warnings
# The app crate on Windows and macOS targets (nothing linked; see the script), one line each.
phase "clippy: other targets" bash scripts/cross-clippy.sh
# The `make bench` driver is its own package (tests/bench): check that it still builds, so the
# benchmarks cannot rot unnoticed between bench runs.
phase "bench driver: check" env CARGO_TARGET_DIR=target/bench-driver \
  cargo check --quiet --manifest-path tests/bench/Cargo.toml
phase "actionlint" bash -c '"$1" -no-color && echo "actionlint: .github/workflows clean"' _ \
  "${XDG_CACHE_HOME:-$HOME/.cache}/mist-token-manager/py/bin/actionlint"
phase "cargo build (tests)" cargo test --workspace "${FEATURES[@]}" --no-run
# The backend, simulator, keychain and end-to-end tests, inside a private D-Bus session with an
# unlocked gnome-keyring (the e2e harness starts its own Xvfb for the app window).
phase "cargo test" bash scripts/with-keyring.sh cargo test --workspace "${FEATURES[@]}"
