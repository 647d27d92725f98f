//! The reveal dialog's commands: one-time reveal, copy, save, status, dismiss. Each is one call
//! into `secrets/`, where the rules live.

use tauri::State;

use crate::secrets::{CopyResult, RevealedKey, SavedKey, SlotStatus};
use crate::{AppState, Result};

/// `reveal_key`: the key, exactly once (`already_revealed` afterwards). The only command that
/// ever returns a key.
#[tauri::command]
pub fn reveal_key(state: State<'_, AppState>, slot_id: String) -> Result<RevealedKey> {
    state.reveal_key(&slot_id)
}

/// `copy_key`: the backend writes the key to the clipboard; the web view never sees it.
#[tauri::command]
pub async fn copy_key(state: State<'_, AppState>, slot_id: String) -> Result<CopyResult> {
    state.copy_key(&slot_id).await
}

/// `save_key`: keeps the slot's key in the OS keychain under `label` (for a rotation whose old
/// key was saved, it replaces that entry).
#[tauri::command]
pub async fn save_key(
    state: State<'_, AppState>,
    slot_id: String,
    label: String,
) -> Result<SavedKey> {
    state.save_key(&slot_id, &label).await
}

/// `slot_status`: whether the key was revealed, copied or saved, and the time left.
#[tauri::command]
pub fn slot_status(state: State<'_, AppState>, slot_id: String) -> Result<SlotStatus> {
    state.slot_status(&slot_id)
}

/// `dismiss_key`: closes the slot and zeroizes the key.
#[tauri::command]
pub fn dismiss_key(state: State<'_, AppState>, slot_id: String) -> Result<()> {
    state.secrets.slots.dismiss(&slot_id)
}
