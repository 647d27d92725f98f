//! App-level commands.

use crate::AppState;
use tauri::State;

/// The UI calls this once the sign-in screen is interactive. Benchmarks read the line it prints.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>) {
    state.mark_ui_ready();
}
