//! The app crate's integration tests that need Tauri, one binary with a module per area: the
//! capability and CSP (`capabilities`), the reveal-slot and saved-key commands through IPC on the
//! mock runtime (`secrets_commands`, `secrets_leak`, `secrets_test_key`) the remembered
//! sign-in (`session_restore`) and "How to use" (`usage_commands`). Tests that change the process environment or re-run themselves
//! live in binaries of their own (`backend_commands`, `keychain_unavailable`, `leak_full_flow`).

#[path = "../support/mod.rs"]
mod support;

mod capabilities;
mod lifecycle_commands;
mod secrets_commands;
mod secrets_leak;
mod secrets_test_key;
mod session_restore;
mod usage_commands;
