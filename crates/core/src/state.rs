//! The state every command shares. No Tauri types: tests build it directly.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Everything the backend keeps while the app runs.
pub struct AppState {
    started: Instant,
    ui_ready: AtomicBool,
    /// Reveal slots, saved keys (keychain), clipboard policy.
    pub secrets: crate::secrets::SecretsState,
    /// The clouds, the shared HTTP client and the Mist session.
    pub mist: crate::mist::MistState,
}

impl AppState {
    /// Builds the state from the process environment (`MIST_TOKEN_MANAGER_CLOUDS`, data dir, ...).
    pub fn from_env() -> crate::Result<Self> {
        Ok(Self::new(crate::mist::MistState::from_env()?))
    }

    pub fn new(mist: crate::mist::MistState) -> Self {
        Self {
            started: Instant::now(),
            ui_ready: AtomicBool::new(false),
            secrets: crate::secrets::SecretsState::from_env(),
            mist,
        }
    }

    /// With `MIST_TOKEN_MANAGER_REPORT_READY` set, prints a start-up milestone and the time since
    /// the state was made (just after `main`), for the start-up benchmark.
    pub fn report_milestone(&self, what: &str) {
        if std::env::var_os("MIST_TOKEN_MANAGER_REPORT_READY").is_some() {
            println!(
                "mist-token-manager: {what} after {} ms",
                self.started.elapsed().as_millis()
            );
        }
    }

    /// Records that the UI is interactive; prints the time since start once, for benchmarks.
    pub fn mark_ui_ready(&self) {
        if !self.ui_ready.swap(true, Ordering::SeqCst) {
            self.report_milestone("ui ready");
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new(crate::mist::MistState::with_clouds(
            crate::mist::builtin_clouds(),
        ))
    }
}
