//! App-level commands.

use crate::AppState;
use tauri::State;

/// The UI calls this once its first screen has been drawn, with the page's start-up milestones
/// (`[name, ms since the Unix epoch]`). Benchmarks read the lines it prints; the first call also
/// starts preparing the keychain and the HTTP client, then trims the heap.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>, marks: Option<Vec<(String, f64)>>) {
    state.mark_ui_ready(
        marks.as_deref().unwrap_or_default(),
        crate::platform::trim_heap,
    );
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

/// "Check for updates": asks the update address for a newer version (from Rust; the web view
/// has no updater permission).
#[tauri::command]
pub async fn check_for_update<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
) -> crate::Result<crate::update_policy::UpdateCheck> {
    crate::updates::check(&app).await
}

/// The start-up check: `null` unless it is on and the last check is a day old.
#[tauri::command]
pub async fn check_for_update_at_start<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
) -> crate::Result<Option<crate::update_policy::UpdateCheck>> {
    crate::updates::check_at_start(&app).await
}

/// Installs the update the last check found, after the admin agreed; its signature is checked
/// at download and a tampered update is refused.
#[tauri::command]
pub async fn install_update<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
) -> crate::Result<crate::update_policy::UpdateInstalled> {
    crate::updates::install(&app).await
}

/// Whether the app checks for updates at start, and when it last checked.
#[tauri::command]
pub fn update_settings<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
) -> crate::update_policy::UpdateSettings {
    crate::updates::settings(&app)
}

/// Turns the once-a-day check at start on or off.
#[tauri::command]
pub fn set_update_check_at_start<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    enabled: bool,
) -> crate::Result<crate::update_policy::UpdateSettings> {
    crate::updates::set_check_at_start(&app, enabled)
}

/// Restarts the app (after an update was installed on macOS or a Linux AppImage).
#[tauri::command]
pub fn restart_app<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    app.request_restart()
}
