#!/usr/bin/env bash
# Clippy for the app crate on the other systems' targets, so the cfg(windows) and cfg(macos) code
# (keychain stores, windows_subsystem, single-instance, data and log folders) is checked on this
# Linux machine. Prints one line per target. Nothing is linked, so no Windows or macOS SDK is
# needed: Windows goes through mingw-w64 (x86_64-pc-windows-gnu; msvc would need the MSVC CRT
# headers for ring's C code), macOS through clang and llvm-ar with the stub headers in
# scripts/macos-stub-headers (see the README there). scripts/setup.sh installs the targets and tools.
# Each target keeps its own subfolder of target/ (target/<triple>/), so later runs are incremental.
#   bash scripts/cross-clippy.sh [TRIPLE...]    (default: all three)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

targets=("$@")
((${#targets[@]})) || targets=(x86_64-pc-windows-gnu aarch64-apple-darwin x86_64-apple-darwin)
stubs="$root/scripts/macos-stub-headers"
log_dir="$root/target/cross-clippy"
mkdir -p "$log_dir"

failed=0
for t in "${targets[@]}"; do
  env_vars=()
  case "$t" in
    *-apple-darwin)
      v="${t//-/_}"
      env_vars=("CC_$v=clang" "AR_$v=llvm-ar" "CFLAGS_$v=-nostdlibinc -isystem $stubs")
      ;;
  esac
  t0=$SECONDS
  log="$log_dir/$t.log"
  if env "${env_vars[@]}" cargo clippy -p mist-token-manager --lib --bins --features custom-protocol \
      --target "$t" --color never -- -D warnings >"$log" 2>&1; then
    printf 'clippy %-24s clean (%d s)\n' "$t" $((SECONDS - t0))
  else
    printf 'clippy %-24s FAILED (%d s), log: %s\n' "$t" $((SECONDS - t0)) "$log"
    tail -40 "$log"
    failed=1
  fi
done
exit $failed
