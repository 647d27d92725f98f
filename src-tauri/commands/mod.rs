//! IPC adapters: one file per feature. No logic here: each command unpacks its arguments, calls
//! into `mist/`, `secrets/` or `AppState`, and returns the result or the one `Error`.

pub mod app;
pub mod keys;
pub mod session;
pub mod tokens;
pub mod vault;
