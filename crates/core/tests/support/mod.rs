//! Helpers shared by the test binaries, one naming scheme: `support::sim` (simulated clouds),
//! `support::secrets` (secrets fixtures). The app crate's tests include these same files and add
//! `support::app` (the mock-runtime app).

pub mod secrets;
pub mod sim;
