//! Mist Token Manager: the Tauri app. This file only wires things together: plugins, the managed
//! state and the one list of commands. Logic lives in the Tauri-free `mist-token-core` crate
//! (`mist/`, `secrets/`, `flows`); `commands/` translates between IPC and it, and `platform.rs`
//! holds the Tauri glue (clipboard, set-up, exit).

pub mod commands;
pub mod platform;

pub use mist_token_core::{error, flows, logging, mist, secrets, state};
pub use mist_token_core::{AppState, Error, Result};

/// The one list of IPC commands, shared by the real app and the mock-runtime tests.
#[macro_export]
macro_rules! app_commands {
    () => {
        tauri::generate_handler![
            $crate::commands::app::ui_ready,
            $crate::commands::session::list_clouds,
            $crate::commands::session::resolve_cloud,
            $crate::commands::session::find_cloud_by_email,
            $crate::commands::session::sign_in_password,
            $crate::commands::session::submit_two_factor,
            $crate::commands::session::sign_in_token,
            $crate::commands::session::restore_session,
            $crate::commands::session::session_info,
            $crate::commands::session::sign_out,
            $crate::commands::session::org_details,
            $crate::commands::tokens::inventory,
            $crate::commands::tokens::create_user_token,
            $crate::commands::tokens::create_org_token,
            $crate::commands::tokens::rename_token,
            $crate::commands::tokens::update_org_token_access,
            $crate::commands::tokens::delete_token,
            $crate::commands::keys::reveal_key,
            $crate::commands::keys::copy_key,
            $crate::commands::keys::save_key,
            $crate::commands::keys::slot_status,
            $crate::commands::keys::dismiss_key,
            $crate::commands::vault::list_saved_keys,
            $crate::commands::vault::copy_saved_key,
            $crate::commands::vault::test_saved_key,
            $crate::commands::vault::rename_saved_key,
            $crate::commands::vault::forget_saved_key,
            $crate::commands::vault::repair_saved_keys,
        ]
    };
}

/// A builder with the managed state and every command, for any runtime (the real window or
/// `tauri::test`'s mock runtime). Plugins that need a real window are added in [`run`].
pub fn builder<R: tauri::Runtime>(state: AppState) -> tauri::Builder<R> {
    tauri::Builder::<R>::new()
        .manage(state)
        .invoke_handler(app_commands!())
}

/// Starts the desktop app.
pub fn run() {
    logging::init();
    if !cfg!(debug_assertions) {
        for problem in platform::disable_core_dumps() {
            log::warn!("core dumps could not be turned off fully ({problem})");
        }
    }
    let state = match AppState::from_env() {
        Ok(state) => state,
        Err(e) => {
            eprintln!("Mist Token Manager cannot start: {e}");
            std::process::exit(2);
        }
    };
    builder::<tauri::Wry>(state)
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Before clipboard-manager: it must clear the clipboard before that plugin lets go of it.
        .plugin(platform::exit_guard(secrets::TestAnswers::from_env()))
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            use tauri::Manager;
            app.state::<AppState>().report_milestone("setup");
            // The system clipboard and the data folder come from Tauri.
            platform::setup_secrets(app.handle())?;
            Ok(())
        })
        .on_page_load(|webview, payload| {
            use tauri::Manager;
            if let tauri::webview::PageLoadEvent::Finished = payload.event() {
                webview.state::<AppState>().report_milestone("page loaded");
            }
        })
        .build(tauri::generate_context!())
        .expect("error while building Mist Token Manager")
        // Closing and quitting (asking first, clearing the clipboard, closing every slot) are
        // handled by the `mtm-exit` plugin.
        .run(|_, _| {});
}
