//! The Tauri-free heart of Mist Token Manager: the Mist REST client (`mist/`), the secrets layer
//! (`secrets/`: reveal slots, keychain vault, clipboard policy), the app's flows across both
//! (`flows`), the one error enum, logging (a rotated file in the OS log folder) and
//! the diagnostics for support. Nothing here knows Tauri: the desktop app adapts it
//! to IPC in its `commands/`, and everything here is tested with plain `cargo test`.

pub mod bindings;
pub mod diagnostics;
pub mod error;
pub mod export;
pub mod flows;
pub mod lifecycle;
pub mod logging;
pub mod mist;
pub mod secrets;
pub mod state;
pub mod updates;
pub mod usage;

/// Entry points for the fuzz targets (`fuzz/`) and the property tests: not part of the API.
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
#[cfg(test)]
mod proptests;

pub use error::{Error, Result};
pub use state::AppState;
