//! The saved keys screen's commands, each one call into the vault (`secrets/vault.rs`) or a flow.

use tauri::State;

use crate::mist::KeyTest;
use crate::secrets::{CopyResult, SavedKey, SavedKeyList};
use crate::{AppState, Result};

/// `list_saved_keys`: every saved key (no secret), orphans and any keychain error.
#[tauri::command]
pub async fn list_saved_keys(state: State<'_, AppState>) -> Result<SavedKeyList> {
    state.secrets.vault.list().await
}

/// `copy_saved_key`: the backend copies the saved key; the clipboard is cleared later.
#[tauri::command]
pub async fn copy_saved_key(state: State<'_, AppState>, id: String) -> Result<CopyResult> {
    state.secrets.copy_saved(&id).await
}

/// `test_saved_key`: asks the key's cloud `/self` with the key (who is it, does it still work),
/// and `/self/usage` (whose quota it spends).
#[tauri::command]
pub async fn test_saved_key(state: State<'_, AppState>, id: String) -> Result<KeyTest> {
    state.test_saved_key(&id).await
}

/// `confirm_saved_key_cloud`: binds a key saved before keys were bound to the cloud the admin
/// confirmed (a known cloud id, or "custom" resolved in this session). Nothing is sent.
#[tauri::command]
pub async fn confirm_saved_key_cloud(
    state: State<'_, AppState>,
    id: String,
    cloud_id: String,
) -> Result<SavedKey> {
    state.confirm_saved_key_cloud(&id, &cloud_id).await
}

/// `rename_saved_key`: changes the label only.
#[tauri::command]
pub async fn rename_saved_key(
    state: State<'_, AppState>,
    id: String,
    label: String,
) -> Result<SavedKey> {
    state.secrets.vault.rename(&id, &label).await
}

/// `forget_saved_key`: removes the keychain entry and the index row.
#[tauri::command]
pub async fn forget_saved_key(state: State<'_, AppState>, id: String) -> Result<()> {
    state.secrets.vault.forget(&id).await
}

/// `repair_saved_keys`: drops rows whose secret is gone, adopts keychain entries without a row.
#[tauri::command]
pub async fn repair_saved_keys(state: State<'_, AppState>) -> Result<SavedKeyList> {
    state.secrets.vault.repair().await
}

/// `keep_alive`: one `GET /self` with each saved key, then the token's new `last_used`.
#[tauri::command]
pub async fn keep_alive(
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> Result<Vec<crate::lifecycle::KeepAlive>> {
    Ok(state.keep_alive(&ids).await)
}
