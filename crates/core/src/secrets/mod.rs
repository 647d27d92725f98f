//! Secrets: one-time reveal slots, the keychain vault, clipboard policy. No Tauri types: the
//! clipboard sits behind [`Clipboard`] (the Tauri implementation is in `commands/keys.rs`).

pub mod clipboard;
pub mod exit;
pub mod index;
pub mod keychain;
pub mod rotations;
pub mod slots;
pub mod vault;
pub mod wall;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use clipboard::{Clipboard, ClipboardPolicy, CopyResult, MemoryClipboard, NoClipboard};
pub use exit::{CloseAnswer, CloseQuestion, TestAnswers};
pub use keychain::{native_store_factory, Keychain, StoreFactory};
pub use slots::{
    Clock, ManualClock, RevealSlots, RevealedKey, SlotHandle, SlotMeta, SlotStatus, SlotUse,
    SystemClock,
};
pub use vault::{IndexNotice, KeyStatus, SavedKey, SavedKeyList, StoredKey, Vault};

use crate::usage::{self, UsageExamples};
use crate::Result;

/// The keychain service name of release builds.
pub const RELEASE_SERVICE: &str = "com.misttokenmanager.app";
/// The keychain service name of debug builds, so development never touches a real admin's keys.
pub const DEV_SERVICE: &str = "com.misttokenmanager.app.dev";

/// The service name for this build.
pub fn default_service() -> &'static str {
    if cfg!(debug_assertions) {
        DEV_SERVICE
    } else {
        RELEASE_SERVICE
    }
}

/// The app's identifier (`identifier` in tauri.conf.json), the name of its data folder.
pub const APP_IDENTIFIER: &str = "com.misttokenmanager.app";
/// The environment variable that moves the data folder (the GUI and the command line both obey it).
pub const DATA_DIR_ENV: &str = "MIST_TOKEN_MANAGER_DATA_DIR";

/// Where the GUI keeps the saved keys index: `MIST_TOKEN_MANAGER_DATA_DIR` if set, else the
/// per-OS data folder of the app identifier, as Tauri's `app_data_dir()` finds it
/// (Linux `$XDG_DATA_HOME` or `~/.local/share`, macOS `~/Library/Application Support`,
/// Windows `%APPDATA%`, each + `/com.misttokenmanager.app`).
pub fn app_data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)),
    }
}

/// Tunables of the secrets layer.
#[derive(Clone)]
pub struct SecretsConfig {
    /// Clear the clipboard this long after a copy (if it still holds the key); `None`: never.
    pub clear_after: Option<Duration>,
    /// How long a reveal slot stays open.
    pub slot_ttl: Duration,
    /// Keychain service name.
    pub service: String,
    /// Creates the keychain store on first use.
    pub store: StoreFactory,
    /// The slots' clock.
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SecretsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsConfig")
            .field("clear_after", &self.clear_after)
            .field("slot_ttl", &self.slot_ttl)
            .field("service", &self.service)
            .finish()
    }
}

impl Default for SecretsConfig {
    fn default() -> Self {
        Self {
            clear_after: Some(Duration::from_secs(30)),
            slot_ttl: RevealSlots::DEFAULT_TTL,
            service: default_service().to_string(),
            store: native_store_factory(),
            clock: Arc::new(SystemClock),
        }
    }
}

impl SecretsConfig {
    /// Uses a given store (tests: `keyring_core::mock::Store::new()?`).
    pub fn with_store(mut self, store: Arc<keyring_core::CredentialStore>) -> Self {
        self.store = Arc::new(move || Ok(store.clone()));
        self
    }
}

/// The secrets part of the app state.
pub struct SecretsState {
    pub slots: RevealSlots,
    pub vault: Vault,
    pub clipboard: ClipboardPolicy,
    /// Unfinished rotations, beside the saved-keys index.
    pub rotations: rotations::Rotations,
}

impl std::fmt::Debug for SecretsState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsState")
            .field("slots", &self.slots)
            .field("vault", &self.vault)
            .finish()
    }
}

impl SecretsState {
    pub fn new(data_dir: PathBuf, clipboard: Arc<dyn Clipboard>, config: SecretsConfig) -> Self {
        Self::build(Some(data_dir), clipboard, config)
    }

    /// The state before the app knows its data dir and clipboard (they come from Tauri in
    /// `setup`: call [`Vault::set_data_dir`] and [`ClipboardPolicy::set_clipboard`]).
    /// `MIST_TOKEN_MANAGER_DATA_DIR`, if set, is used as the data dir.
    /// `MIST_TOKEN_MANAGER_CLIPBOARD_CLEAR_SECS` changes the 30 s clipboard clearing delay
    /// (0: never clear).
    pub fn from_env() -> Self {
        let dir = std::env::var_os("MIST_TOKEN_MANAGER_DATA_DIR").map(PathBuf::from);
        let mut config = SecretsConfig::default();
        if let Some(secs) = std::env::var("MIST_TOKEN_MANAGER_CLIPBOARD_CLEAR_SECS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            config.clear_after = (secs > 0).then(|| Duration::from_secs(secs));
        }
        Self::build(dir, Arc::new(NoClipboard), config)
    }

    fn build(data_dir: Option<PathBuf>, clipboard: Arc<dyn Clipboard>, c: SecretsConfig) -> Self {
        let vault = Vault::new(Keychain::new(c.service, c.store), data_dir);
        Self {
            slots: RevealSlots::new(c.slot_ttl, c.clock),
            rotations: rotations::Rotations::new(vault.clone()),
            vault,
            clipboard: ClipboardPolicy::new(clipboard, c.clear_after),
        }
    }

    /// Wires in the real clipboard.
    pub fn set_clipboard(&self, clipboard: Arc<dyn Clipboard>) {
        self.clipboard.set_clipboard(clipboard);
    }

    /// The one reveal of a slot's key.
    pub fn reveal(&self, slot_id: &str) -> Result<RevealedKey> {
        self.slots.reveal(slot_id)
    }

    /// Copies a slot's key to the clipboard (the web view never sees it).
    pub async fn copy_slot(&self, slot_id: &str) -> Result<CopyResult> {
        let (key, _) = self.slots.key_for_backend(slot_id)?;
        let result = self.clipboard.copy(key).await?;
        self.slots.mark(slot_id, SlotUse::Copied)?;
        Ok(result)
    }

    /// Saves a slot's key to the keychain under `label`.
    pub async fn save_slot(&self, slot_id: &str, label: &str) -> Result<SavedKey> {
        self.save_slot_into(slot_id, None, label).await
    }

    /// Saves a slot's key under `label`: as a new entry, or into the saved entry `replacing`
    /// (a rotation: the old key is overwritten, see [`Vault::replace`]).
    pub async fn save_slot_into(
        &self,
        slot_id: &str,
        replacing: Option<&str>,
        label: &str,
    ) -> Result<SavedKey> {
        let (key, meta) = self.slots.key_for_backend(slot_id)?;
        let saved = match replacing {
            Some(id) => self.vault.replace(id, key, meta, label).await?,
            None => self.vault.save(key, meta, label).await?,
        };
        // The slot may have closed meanwhile; the key is saved either way.
        let _ = self.slots.mark(slot_id, SlotUse::Saved);
        Ok(saved)
    }

    /// Copies a saved key to the clipboard.
    pub async fn copy_saved(&self, id: &str) -> Result<CopyResult> {
        // The key alone: the keychain item also holds its cloud.
        let (stored, _) = self.vault.key(id).await?;
        self.clipboard.copy(stored.key).await
    }

    /// The "How to use" examples for a slot's key (placeholder only, no key).
    pub fn usage_for_slot(&self, slot_id: &str) -> Result<UsageExamples> {
        let meta = self.slots.meta(slot_id)?;
        usage::examples(&meta.cloud_name, &meta.cloud_api)
    }

    /// The "How to use" examples for a saved key (placeholder only; the keychain is not read).
    pub async fn usage_for_saved(&self, id: &str) -> Result<UsageExamples> {
        let row = self.vault.row(id).await?;
        usage::examples(&row.cloud_name, &row.cloud_api)
    }

    /// "Copy with key" while the slot is open: the example with the key filled in goes to the
    /// clipboard (cleared later if it still holds exactly that text). The web view never sees it.
    pub async fn copy_usage_slot(&self, slot_id: &str, example: &str) -> Result<CopyResult> {
        let (key, meta) = self.slots.key_for_backend(slot_id)?;
        let examples = usage::examples(&meta.cloud_name, &meta.cloud_api)?;
        let text = usage::fill_key(&examples, example, &key)?;
        let result = self.clipboard.copy(text).await?;
        self.slots.mark(slot_id, SlotUse::Copied)?;
        Ok(result)
    }

    /// "Copy with key" for a saved key (only one bound to a cloud).
    pub async fn copy_usage_saved(&self, id: &str, example: &str) -> Result<CopyResult> {
        let (key, row) = self.vault.key_with_bound_cloud(id).await?;
        let examples = usage::examples(&row.cloud_name, &row.cloud_api)?;
        let text = usage::fill_key(&examples, example, &key)?;
        self.clipboard.copy(text).await
    }

    /// The question to ask before the window closes or the app quits, when a slot holds a key
    /// that was never revealed, copied or saved; `None`: nothing would be lost.
    pub fn close_question(&self) -> Option<CloseQuestion> {
        CloseQuestion::for_unkept(&self.slots.unkept())
    }

    /// Clears the clipboard if it still holds a key the app copied (see
    /// [`ClipboardPolicy::clear_pending_now`]); call on window close and on quit. Blocking.
    pub fn clear_clipboard_on_exit(&self) -> bool {
        self.clipboard.clear_pending_now()
    }

    /// Closes every slot (zeroizing the keys): call on quit.
    pub fn shutdown(&self) -> usize {
        self.slots.close_all()
    }
}

#[cfg(test)]
mod tests;
