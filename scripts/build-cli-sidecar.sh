#!/usr/bin/env bash
# Builds the command line (`mist-token`, crates/cli) in release mode and puts it where Tauri's
# `bundle.externalBin` expects it (tauri.cli.conf.json): target/sidecar/mist-token-<target triple>
# (+ .exe on Windows). `tauri build --config tauri.cli.conf.json` then ships it in every installer
# next to the app: /usr/bin/mist-token (.deb, .rpm), Contents/MacOS/mist-token (.app, .dmg), the
# install folder (.msi, NSIS).
#   scripts/build-cli-sidecar.sh                      # this machine's target
#   scripts/build-cli-sidecar.sh x86_64-pc-windows-msvc
#   scripts/build-cli-sidecar.sh universal-apple-darwin   # both Mac architectures, joined by lipo
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

host="$(rustc -vV | sed -n 's/^host: //p')"
triple="${1:-$host}"
exe=""
case "$triple" in *windows*) exe=".exe" ;; esac
out="target/sidecar/mist-token-$triple$exe"
mkdir -p target/sidecar

build() { # $1: a real target triple; prints the built binary's path
  if [ "$1" = "$host" ]; then
    cargo build --release --locked -p mist-token-cli >&2
    echo "target/release/mist-token$exe"
  else
    cargo build --release --locked -p mist-token-cli --target "$1" >&2
    echo "target/$1/release/mist-token$exe"
  fi
}

if [ "$triple" = "universal-apple-darwin" ]; then
  arm="$(build aarch64-apple-darwin)"
  x86="$(build x86_64-apple-darwin)"
  lipo -create -output "$out" "$arm" "$x86"
else
  cp "$(build "$triple")" "$out"
fi
echo "sidecar: $out ($(du -h "$out" | cut -f1))"
