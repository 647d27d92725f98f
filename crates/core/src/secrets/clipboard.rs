//! The clipboard, behind a small trait (the Tauri implementation lives in the app's `platform.rs`),
//! and the clear-after policy: after the app copies a key, the clipboard is cleared after
//! `clear_after` if, and only if, it still holds that key and no newer copy was made by the app.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// A system clipboard. Calls may block briefly; the policy runs them off the async runtime.
pub trait Clipboard: Send + Sync + 'static {
    /// Replaces the clipboard's text.
    fn write_text(&self, text: &str) -> Result<()>;
    /// Writes a secret: like `write_text`, but asks clipboard managers to keep it out of their
    /// history where the platform allows.
    fn write_secret(&self, text: &str) -> Result<()> {
        self.write_text(text)
    }
    /// The clipboard's text, if it holds text.
    fn read_text(&self) -> Result<Option<Zeroizing<String>>>;
    /// Empties the clipboard.
    fn clear(&self) -> Result<()> {
        self.write_text("")
    }
}

/// A clipboard that is not there (before the app wires the real one in): every call fails.
#[derive(Debug, Default)]
pub struct NoClipboard;

impl Clipboard for NoClipboard {
    fn write_text(&self, _text: &str) -> Result<()> {
        Err(no_clipboard())
    }
    fn read_text(&self) -> Result<Option<Zeroizing<String>>> {
        Err(no_clipboard())
    }
}

fn no_clipboard() -> Error {
    Error::Internal(
        "The clipboard is not available in this window. Reveal the key instead and copy it by hand."
            .into(),
    )
}

/// An in-memory clipboard for tests and headless use. Debug is redacted.
#[derive(Default)]
pub struct MemoryClipboard {
    text: Mutex<Option<Zeroizing<String>>>,
    writes: AtomicU64,
}

impl MemoryClipboard {
    pub fn new() -> Self {
        Self::default()
    }
    /// The text as a plain `String` (tests only compare it).
    pub fn read_text_for_test(&self) -> Option<String> {
        self.text
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|t| t.to_string())
    }
    /// How many times something was written (including clears).
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for MemoryClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryClipboard([REDACTED])")
    }
}

impl Clipboard for MemoryClipboard {
    fn write_text(&self, text: &str) -> Result<()> {
        *self.text.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Zeroizing::new(text.to_string()));
        self.writes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
    fn read_text(&self) -> Result<Option<Zeroizing<String>>> {
        Ok(self.text.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }
    fn clear(&self) -> Result<()> {
        *self.text.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.writes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// What a copy command returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CopyResult {
    /// Seconds until the clipboard is cleared (0: it will not be cleared).
    pub clears_in_s: u64,
}

/// The clipboard plus the clear-after policy.
///
/// One lock ([`ClipboardPolicy::copies`]) is held across "write the clipboard, take the
/// generation" and across every check-and-clear, so two copies at once can never leave the
/// newest generation pointing at a key that is not the one on the clipboard.
pub struct ClipboardPolicy {
    clipboard: RwLock<Arc<dyn Clipboard>>,
    clear_after: Option<Duration>,
    copies: Arc<Mutex<Copies>>,
}

/// What the policy remembers between a copy and its clear.
#[derive(Default)]
struct Copies {
    /// Bumped on every copy: only the newest copy's timer may clear.
    generation: u64,
    /// The newest copied key while its clear is still due (`None` once cleared, or when the
    /// policy never clears): what quitting clears. `SecretString` zeroizes on drop.
    pending: Option<SecretString>,
}

fn lock_copies(copies: &Mutex<Copies>) -> std::sync::MutexGuard<'_, Copies> {
    copies.lock().unwrap_or_else(|e| e.into_inner())
}

impl std::fmt::Debug for ClipboardPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClipboardPolicy")
            .field("clear_after", &self.clear_after)
            .finish()
    }
}

impl ClipboardPolicy {
    pub fn new(clipboard: Arc<dyn Clipboard>, clear_after: Option<Duration>) -> Self {
        Self {
            clipboard: RwLock::new(clipboard),
            clear_after,
            copies: Arc::new(Mutex::new(Copies::default())),
        }
    }

    /// Replaces the clipboard (the app does this in its setup, once it has an `AppHandle`).
    pub fn set_clipboard(&self, clipboard: Arc<dyn Clipboard>) {
        *self.clipboard.write().unwrap_or_else(|e| e.into_inner()) = clipboard;
    }

    fn current(&self) -> Arc<dyn Clipboard> {
        self.clipboard
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn clear_after(&self) -> Option<Duration> {
        self.clear_after
    }

    /// Writes text that is not a secret (the diagnostics) to the clipboard; it is not cleared
    /// later. Needs a Tokio runtime.
    pub async fn copy_text(&self, text: String) -> Result<()> {
        let clipboard = self.current();
        tokio::task::spawn_blocking(move || clipboard.write_text(&text))
            .await
            .map_err(|_| Error::Internal("Copying failed unexpectedly. Try again.".into()))?
    }

    /// Writes the key to the clipboard and schedules the clear. Needs a Tokio runtime.
    pub async fn copy(&self, key: SecretString) -> Result<CopyResult> {
        let clipboard = self.current();
        let copies = self.copies.clone();
        let clear_after = self.clear_after;
        // The write and the generation are taken under one lock, off the async runtime.
        let (clipboard, key, generation) = tokio::task::spawn_blocking(move || {
            let mut held = lock_copies(&copies);
            clipboard.write_secret(key.expose_secret())?;
            held.generation += 1;
            held.pending = clear_after.map(|_| key.clone());
            let generation = held.generation;
            drop(held);
            Ok::<_, Error>((clipboard, key, generation))
        })
        .await
        .map_err(|_| Error::Internal("Copying failed unexpectedly. Try again.".into()))??;
        let Some(after) = self.clear_after else {
            return Ok(CopyResult { clears_in_s: 0 });
        };
        let copies = self.copies.clone();
        tokio::spawn(async move {
            super::wall::sleep(after, std::time::SystemTime::now).await; // sleep-proof
            let _ = tokio::task::spawn_blocking(move || {
                let mut held = lock_copies(&copies);
                if held.generation != generation {
                    return; // a newer copy owns the clipboard now
                }
                held.pending = None;
                clear_if_holds(&*clipboard, &key);
            })
            .await;
        });
        let clears_in_s = after.as_secs() + u64::from(after.subsec_nanos() > 0);
        Ok(CopyResult { clears_in_s })
    }

    /// Clears the clipboard now if it still holds the newest key the app copied and whose clear
    /// is still due; leaves anything else the admin copied alone. Call when the window closes and
    /// when the app quits, before the clipboard goes away (on X11 a clipboard manager would
    /// otherwise take the key over; on Windows and macOS it would simply stay). Blocking: the
    /// clipboard is read and written on this thread. Returns whether a key was cleared.
    pub fn clear_pending_now(&self) -> bool {
        let mut held = lock_copies(&self.copies);
        let Some(key) = held.pending.take() else {
            return false;
        };
        // Any timer still running for this generation now finds nothing to do.
        held.generation += 1;
        clear_if_holds(&*self.current(), &key)
    }

    /// Whether a copied key's clear is still due (for tests and the exit handling).
    pub fn has_pending_clear(&self) -> bool {
        lock_copies(&self.copies).pending.is_some()
    }
}

/// Clears the clipboard if it still holds `key`; leaves anything else alone.
fn clear_if_holds(clipboard: &dyn Clipboard, key: &SecretString) -> bool {
    match clipboard.read_text() {
        Ok(Some(text)) if text.as_str() == key.expose_secret() => clipboard.clear().is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
