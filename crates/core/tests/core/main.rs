//! The core crate's integration tests, one binary with a module per area (no Tauri anywhere):
//! Mist failures and how they read (`errors`), token create/rename/delete against the simulator
//! (`tokens`), the safety round-2 holes (`safety`), and the real Secret Service keychain (`keychain`, inside scripts/with-keyring.sh).
//! Tests that change the process environment or re-run themselves live in binaries of their own
//! (`signin`, `keychain_locked`).

#[path = "../support/mod.rs"]
mod support;

mod errors;
mod flows;
mod keychain;
mod lifecycle;
mod safety;
mod speed;
mod sso;
mod tokens;
mod usage_examples;
