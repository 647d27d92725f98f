//! The reveal dialog's commands (one-time reveal, copy, save, status, dismiss) and the Tauri
//! clipboard behind `secrets::Clipboard`. No logic: the rules live in `secrets/`.

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime, State};
use zeroize::Zeroizing;

use crate::secrets::{Clipboard, CopyResult, RevealedKey, SavedKey, SlotStatus};
use crate::{AppState, Error, Result};

/// `reveal_key`: the key, exactly once (`already_revealed` afterwards). The only command that
/// ever returns a key.
#[tauri::command]
pub fn reveal_key(state: State<'_, AppState>, slot_id: String) -> Result<RevealedKey> {
    state.secrets.reveal(&slot_id)
}

/// `copy_key`: the backend writes the key to the clipboard; the web view never sees it.
#[tauri::command]
pub async fn copy_key(state: State<'_, AppState>, slot_id: String) -> Result<CopyResult> {
    state.secrets.copy_slot(&slot_id).await
}

/// `save_key`: keeps the slot's key in the OS keychain under `label`.
#[tauri::command]
pub async fn save_key(
    state: State<'_, AppState>,
    slot_id: String,
    label: String,
) -> Result<SavedKey> {
    state.secrets.save_slot(&slot_id, &label).await
}

/// `slot_status`: whether the key was revealed, copied or saved, and the time left.
#[tauri::command]
pub fn slot_status(state: State<'_, AppState>, slot_id: String) -> Result<SlotStatus> {
    state.secrets.slots.status(&slot_id)
}

/// `dismiss_key`: closes the slot and zeroizes the key.
#[tauri::command]
pub fn dismiss_key(state: State<'_, AppState>, slot_id: String) -> Result<()> {
    state.secrets.slots.dismiss(&slot_id)
}

/// Wires the secrets layer to the running app; call once from `run()`'s `setup`:
/// the Tauri clipboard, and the data dir for the saved keys index (`app_data_dir()`, unless
/// `MIST_TOKEN_MANAGER_DATA_DIR` already set one). Needs the clipboard-manager plugin.
pub fn setup_secrets<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let state = app.state::<AppState>();
    state
        .secrets
        .set_clipboard(Arc::new(TauriClipboard::new(app.clone())));
    if state.secrets.vault.data_dir().is_none() {
        let dir = app.path().app_data_dir().map_err(|e| {
            Error::Internal(format!(
                "The app's data folder could not be found ({e}); saved keys are not available."
            ))
        })?;
        state.secrets.vault.set_data_dir(dir);
    }
    Ok(())
}

/// Closes every reveal slot (zeroizing the keys); call on `RunEvent::Exit`.
pub fn close_slots_on_exit<R: Runtime>(app: &AppHandle<R>) {
    if let Some(state) = app.try_state::<AppState>() {
        state.secrets.shutdown();
    }
}

/// The system clipboard through `tauri-plugin-clipboard-manager`. Wire it in `setup`:
/// `state.secrets.set_clipboard(Arc::new(TauriClipboard::new(app.handle().clone())))`.
pub struct TauriClipboard<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> TauriClipboard<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        Self { app }
    }
}

fn clipboard_error() -> Error {
    Error::Internal(
        "The clipboard could not be used. Try again, or reveal the key and copy it by hand.".into(),
    )
}

impl<R: Runtime> Clipboard for TauriClipboard<R> {
    fn write_text(&self, text: &str) -> Result<()> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.app
            .clipboard()
            .write_text(text)
            .map_err(|_| clipboard_error())
    }

    fn write_secret(&self, text: &str) -> Result<()> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.app
            .clipboard()
            .write_secret(text)
            .map_err(|_| clipboard_error())
    }

    /// An empty or non-text clipboard reads as `None` (then nothing is cleared).
    fn read_text(&self) -> Result<Option<Zeroizing<String>>> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        Ok(self.app.clipboard().read_text().ok().map(Zeroizing::new))
    }

    fn clear(&self) -> Result<()> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.app.clipboard().clear().map_err(|_| clipboard_error())
    }
}
