//! Fixtures for the secrets tests (`support::secrets`): secrets over keyring-core's mock store (or a
//! given store), an in-memory clipboard, a temp data dir (removed even when a test panics) and a
//! controllable clock. No Tauri here: the core crate's tests and the app's tests share this file.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mist_token_core::secrets::{
    ManualClock, MemoryClipboard, SecretsConfig, SecretsState, SlotMeta,
};

pub const KEY: &str = "Zk9pQ2xV-new-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

pub fn meta() -> SlotMeta {
    SlotMeta {
        token_id: "11111111-2222-3333-4444-555555555555".into(),
        token_name: "ci pipeline".into(),
        kind: mist_token_core::mist::TokenKind::Org,
        org_id: Some("org-acme".into()),
        org_name: Some("Acme Retail".into()),
        cloud_name: "Global 01".into(),
        cloud_api: "https://api.mist.com".into(),
    }
}

/// A fresh temp dir, removed when the guard drops (also when the test panics).
pub fn temp_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("mtm-{tag}-"))
        .tempdir()
        .expect("a temp dir")
}

pub struct Fixture {
    pub clock: Arc<ManualClock>,
    pub clip: Arc<MemoryClipboard>,
    pub store: Arc<keyring_core::mock::Store>,
    pub dir: PathBuf,
    _guard: tempfile::TempDir,
}

/// Secrets over the mock store, a memory clipboard (cleared after 50 ms) and a manual clock.
pub fn fixture() -> (SecretsState, Fixture) {
    fixture_clearing_after(Duration::from_millis(50))
}

/// Like [`fixture`], with the clipboard cleared after `clear_after`.
pub fn fixture_clearing_after(clear_after: Duration) -> (SecretsState, Fixture) {
    let clock = Arc::new(ManualClock::new());
    let clip = Arc::new(MemoryClipboard::new());
    let store = keyring_core::mock::Store::new().unwrap();
    let guard = temp_dir("secrets");
    let dir = guard.path().to_path_buf();
    let config = SecretsConfig {
        clear_after: Some(clear_after),
        clock: clock.clone(),
        ..SecretsConfig::default()
    }
    .with_store(store.clone());
    let state = SecretsState::new(dir.clone(), clip.clone(), config);
    (
        state,
        Fixture {
            clock,
            clip,
            store,
            dir,
            _guard: guard,
        },
    )
}

/// Every file's bytes under `dir`, recursively, as lossy text.
pub fn files_text(dir: &std::path::Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_text(&p));
        } else if let Ok(b) = std::fs::read(&p) {
            out.push((p, String::from_utf8_lossy(&b).into_owned()));
        }
    }
    out
}

/// An app state over `mist`, keyring-core's mock store (shared across "restarts" when the same
/// store is passed again), a memory clipboard that is never cleared, and `dir` as the data dir.
pub fn app_over(
    mist: mist_token_core::mist::MistState,
    store: &Arc<keyring_core::mock::Store>,
    dir: &std::path::Path,
) -> (mist_token_core::AppState, Arc<MemoryClipboard>) {
    let clip = Arc::new(MemoryClipboard::new());
    let config = SecretsConfig {
        clear_after: None,
        ..SecretsConfig::default()
    }
    .with_store(store.clone());
    let mut state = mist_token_core::AppState::new(mist);
    state.secrets = SecretsState::new(dir.to_path_buf(), clip.clone(), config);
    (state, clip)
}
