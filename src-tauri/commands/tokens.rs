//! Token commands. A new key goes from `mist` straight into a reveal slot: no command here ever
//! returns a key.

use tauri::{AppHandle, Runtime, State};

use crate::export::ExportSummary;
use crate::flows::CreatedToken;
use crate::lifecycle::{RotationFinished, RotationStarted};
use crate::mist::{Inventory, PrivilegeInput, TokenKind, TokenView};
use crate::{AppState, Result};

/// `inventory`: every token the admin can see, per org, with health, "Saved" and rotation marks.
#[tauri::command]
pub async fn inventory(state: State<'_, AppState>) -> Result<Inventory> {
    let inv = state.inventory().await;
    crate::platform::trim_heap_soon();
    inv
}

/// `current_inventory`: the inventory as changed in the app since it was fetched, marked again,
/// without a request to Mist.
#[tauri::command]
pub async fn current_inventory(state: State<'_, AppState>) -> Result<Inventory> {
    state.current_inventory().await
}

/// `start_rotation`: creates the replacement of a token (same name, privileges, source IPs or the
/// `src_ips` given); its key goes into a reveal slot. Nothing is deleted.
#[tauri::command]
pub async fn start_rotation(
    state: State<'_, AppState>,
    kind: TokenKind,
    org_id: Option<String>,
    token_id: String,
    src_ips: Option<Vec<String>>,
) -> Result<RotationStarted> {
    state
        .start_rotation(kind, org_id.as_deref(), &token_id, src_ips.as_deref())
        .await
}

/// `finish_rotation`: "Delete old token", once the new key was kept.
#[tauri::command]
pub async fn finish_rotation(
    state: State<'_, AppState>,
    rotation_id: String,
) -> Result<RotationFinished> {
    state.finish_rotation(&rotation_id).await
}

/// `export_inventory`: asks where to save (a native dialog raised here, or the test knob's path)
/// and writes the inventory there as CSV or JSON; `null` when the admin cancelled.
#[tauri::command]
pub async fn export_inventory<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<ExportSummary>> {
    crate::platform::export_inventory(&app, &state).await
}

/// `create_user_token`: creates a personal token; its key goes into a reveal slot.
#[tauri::command]
pub async fn create_user_token(state: State<'_, AppState>, name: String) -> Result<CreatedToken> {
    state.create_user_token(&name).await
}

/// `create_org_token`: creates an org token; its key goes into a reveal slot.
#[tauri::command]
pub async fn create_org_token(
    state: State<'_, AppState>,
    org_id: String,
    name: String,
    privileges: Vec<PrivilegeInput>,
    src_ips: Vec<String>,
) -> Result<CreatedToken> {
    state
        .create_org_token(&org_id, &name, &privileges, &src_ips)
        .await
}

/// `rename_token`: user or org token.
#[tauri::command]
pub async fn rename_token(
    state: State<'_, AppState>,
    kind: TokenKind,
    org_id: Option<String>,
    token_id: String,
    name: String,
) -> Result<TokenView> {
    state
        .mist
        .rename_token(kind, org_id.as_deref(), &token_id, &name)
        .await
}

/// `update_org_token_access`: new privileges for an org token. There is no `src_ips` argument:
/// Mist never lets source IP limits change after creation.
#[tauri::command]
pub async fn update_org_token_access(
    state: State<'_, AppState>,
    org_id: String,
    token_id: String,
    privileges: Vec<PrivilegeInput>,
) -> Result<TokenView> {
    state
        .mist
        .update_org_token_access(&org_id, &token_id, &privileges)
        .await
}

/// `delete_token`: a token that is already gone counts as deleted.
#[tauri::command]
pub async fn delete_token(
    state: State<'_, AppState>,
    kind: TokenKind,
    org_id: Option<String>,
    token_id: String,
) -> Result<()> {
    state
        .mist
        .delete_token(kind, org_id.as_deref(), &token_id)
        .await
}
