# Mist Token Manager. Each target first runs scripts/setup.sh, which installs only what is missing.
.PHONY: run demo test bench bundle setup ui fuzz

FEATURES := --features custom-protocol

setup:
	@bash scripts/setup.sh

ui: setup
	@npm --prefix ui run build --silent

## Start the app (against the real Mist clouds).
run: ui
	cargo run $(FEATURES)

## Start the local Mist simulator with the demo accounts, and the app pointed at it.
demo: ui
	@bash scripts/demo.sh

## Every check and test: format, lint, UI tests, backend tests, keychain tests, end-to-end.
test:
	@bash scripts/test.sh

## Fuzz the core's parsers (cargo-fuzz, nightly; not in CI): FUZZ_SECONDS per target, default 120.
fuzz:
	@MTM_SETUP_FUZZ=1 bash scripts/setup.sh
	@bash scripts/fuzz.sh

## Benchmarks (start-up, memory, size, list speed, inventory, cloud detection).
bench: ui
	@bash scripts/bench.sh

## Installers that build on this machine: .deb and .rpm, with the `mist-token` command line inside (AppImage, nsis/msi and dmg are built by
## .github/workflows/release.yml on each OS).
bundle: setup
	bash scripts/build-cli-sidecar.sh
	ui/node_modules/.bin/tauri build --bundles deb,rpm --config tauri.cli.conf.json
