//! IPC adapters: one file per feature. No logic here: each command body is one call into the core
//! (`mist/`, `secrets/` or a flow on `AppState`), returning its result or the one `Error`.

pub mod app;
pub mod keys;
pub mod session;
pub mod tokens;
pub mod usage;
pub mod vault;
