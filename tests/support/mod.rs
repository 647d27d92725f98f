//! Helpers shared by the app's test binaries, one naming scheme: `support::sim` (simulated clouds)
//! and `support::secrets` (secrets fixtures) are the core crate's own files; `support::app` is the
//! app on Tauri's mock runtime.

pub mod app;
#[path = "../../crates/core/tests/support/secrets.rs"]
pub mod secrets;
#[path = "../../crates/core/tests/support/sim.rs"]
pub mod sim;
