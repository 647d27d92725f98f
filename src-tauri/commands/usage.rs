//! The "How to use" dialog's commands: the examples for a key's cloud (placeholder only) and
//! "Copy with key", where the backend fills the key in and writes the clipboard. Each is one
//! call into `secrets/` (the examples themselves are built in the core's `usage.rs`).

use tauri::State;

use crate::secrets::CopyResult;
use crate::usage::UsageExamples;
use crate::{AppState, Result};

/// `usage_examples_for_slot`: the examples for an open reveal slot's key (no key in them).
#[tauri::command]
pub fn usage_examples_for_slot(
    state: State<'_, AppState>,
    slot_id: String,
) -> Result<UsageExamples> {
    state.secrets.usage_for_slot(&slot_id)
}

/// `usage_examples_for_saved_key`: the examples for a saved key (no key in them).
#[tauri::command]
pub async fn usage_examples_for_saved_key(
    state: State<'_, AppState>,
    id: String,
) -> Result<UsageExamples> {
    state.secrets.usage_for_saved(&id).await
}

/// `copy_usage_with_slot_key`: example `example` with the slot's key filled in, to the clipboard.
#[tauri::command]
pub async fn copy_usage_with_slot_key(
    state: State<'_, AppState>,
    slot_id: String,
    example: String,
) -> Result<CopyResult> {
    state.secrets.copy_usage_slot(&slot_id, &example).await
}

/// `copy_usage_with_saved_key`: example `example` with the saved key filled in, to the clipboard.
#[tauri::command]
pub async fn copy_usage_with_saved_key(
    state: State<'_, AppState>,
    id: String,
    example: String,
) -> Result<CopyResult> {
    state.secrets.copy_usage_saved(&id, &example).await
}
