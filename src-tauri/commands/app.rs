//! App-level commands.

use crate::AppState;
use tauri::State;

/// The UI calls this once the sign-in screen is interactive. Benchmarks read the line it prints.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>) {
    state.mark_ui_ready();
}

/// "Copy diagnostics": the app version, OS, cloud host and the last log lines (no secret) go on
/// the clipboard; the same text comes back for the UI to show.
#[tauri::command]
pub async fn copy_diagnostics<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> crate::Result<crate::diagnostics::Diagnostics> {
    state
        .copy_diagnostics(&app.package_info().version.to_string())
        .await
}
