#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with its own unlocked gnome-keyring (Secret
# Service), so keychain tests never touch the admin's real keyring:
#   scripts/with-keyring.sh cargo test --test keychain_secret_service
# Fresh temp XDG_DATA_HOME and XDG_RUNTIME_DIR (HOME is left alone); the "login" collection is
# created and unlocked non-interactively; DISPLAY is unset (unless KEEP_DISPLAY=1) so a locked
# keyring can never open a prompt that hangs. Sets MIST_TM_KEYRING_TEST=1 for the command.
# Everything (daemon, temp dirs) is cleaned up on exit. Exit status: the command's.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 64
fi

if [[ "${MIST_TM_IN_PRIVATE_BUS:-}" != 1 ]]; then
  for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
    command -v "$tool" >/dev/null || {
      echo "with-keyring: $tool is missing (apt-get install dbus-x11 gnome-keyring)" >&2
      exit 69
    }
  done
  export MIST_TM_IN_PRIVATE_BUS=1
  exec dbus-run-session -- "$0" "$@"
fi

# Inside the private session bus from here on.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/mist-tm-keyring.XXXXXX")"
daemon_pid=""
cleanup() {
  local status=$?
  if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill "$daemon_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
if [[ "${KEEP_DISPLAY:-}" != 1 ]]; then
  unset DISPLAY WAYLAND_DISPLAY
fi

password="mist-tm-test-$RANDOM$RANDOM"
# --foreground keeps the daemon our child so we know its pid and can stop it.
printf %s "$password" | gnome-keyring-daemon --foreground --replace --unlock \
  --components=secrets >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!

owned() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
    grep -q "boolean true"
}
for _ in $(seq 100); do
  owned && break
  if ! kill -0 "$daemon_pid" 2>/dev/null; then
    echo "with-keyring: gnome-keyring-daemon exited early:" >&2
    cat "$tmp/daemon.log" >&2
    exit 70
  fi
  sleep 0.1
done
if ! owned; then
  echo "with-keyring: org.freedesktop.secrets never appeared on the bus" >&2
  cat "$tmp/daemon.log" >&2
  exit 70
fi

# The throwaway keyring's password, so a test can lock and unlock it again.
export MIST_TM_KEYRING_TEST=1 MIST_TM_KEYRING_PASSWORD="$password"
# Not exec: the trap must still run to stop the daemon and remove the temp dirs.
"$@"
