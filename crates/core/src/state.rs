//! The state every command shares. No Tauri types: tests build it directly.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// When the process started, for the start-up milestones: the first call fixes it (the app calls
/// this first thing in `main`).
pub fn process_started() -> Instant {
    *STARTED.get_or_init(Instant::now)
}

/// Whether the start-up milestones are printed (`MIST_TOKEN_MANAGER_REPORT_READY`, the benchmark).
fn reporting() -> bool {
    std::env::var_os("MIST_TOKEN_MANAGER_REPORT_READY").is_some()
}

/// With `MIST_TOKEN_MANAGER_REPORT_READY` set, prints a start-up milestone and the time since
/// [`process_started`], for the start-up benchmark (`mist-token-manager: <what> after N ms`).
pub fn report_milestone(what: &str) {
    if reporting() {
        println!(
            "mist-token-manager: {what} after {} ms",
            process_started().elapsed().as_millis()
        );
    }
}

/// Prints the page's start-up milestones on the process's timeline (ms since
/// [`process_started`]), with `MIST_TOKEN_MANAGER_REPORT_READY` set. The web view and the process
/// share the system clock; a name that is not a short plain phrase is skipped.
fn report_page_marks(marks: &[(String, f64)]) {
    if !reporting() {
        return;
    }
    let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) else {
        return;
    };
    let started_epoch_ms =
        now.as_secs_f64() * 1000.0 - process_started().elapsed().as_secs_f64() * 1000.0;
    for (name, at) in marks.iter().take(16) {
        let plain = name.len() <= 40
            && name.starts_with("page ")
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ');
        if plain && at.is_finite() {
            println!(
                "mist-token-manager: {name} after {:.0} ms",
                (at - started_epoch_ms).max(0.0)
            );
        }
    }
}

/// Everything the backend keeps while the app runs.
pub struct AppState {
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
        process_started();
        Self {
            ui_ready: AtomicBool::new(false),
            secrets: crate::secrets::SecretsState::from_env(),
            mist,
        }
    }

    /// Records that the UI is interactive; prints, once, the page's milestones (`[name, ms since
    /// the Unix epoch]`, from the web view's clock) and the time since start, for benchmarks.
    /// Then, the first time, starts [`AppState::prepare_in_background`], which runs `then` once
    /// it has finished (the app gives the start-up's freed memory back to the system there).
    pub fn mark_ui_ready(
        &self,
        page_marks: &[(String, f64)],
        then: impl FnOnce() + Send + 'static,
    ) {
        if !self.ui_ready.swap(true, Ordering::SeqCst) {
            report_page_marks(page_marks);
            report_milestone("ui ready");
            self.prepare_in_background(then);
        }
    }

    /// Opens the keychain (its D-Bus connection and Secret Service session on Linux) and builds
    /// the HTTP client (it reads the OS trust store) in a thread of its own, once the first screen
    /// is drawn: before that, on two cores, that work would compete with the window and its web
    /// view; after it, the admin's first question to the keychain or to Mist need not wait.
    /// `then` runs on that thread after both.
    pub fn prepare_in_background(&self, then: impl FnOnce() + Send + 'static) {
        let vault = self.secrets.vault.clone();
        let http = self.mist.http().clone();
        let spawned = std::thread::Builder::new()
            .name("mtm-prepare".into())
            .spawn(move || {
                vault.prewarm_keychain();
                http.prepare();
                then();
            });
        if let Err(e) = spawned {
            log::debug!("could not start the preparing thread ({e}); each part opens on first use");
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
