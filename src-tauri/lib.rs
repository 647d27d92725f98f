//! Mist Token Manager: the Tauri app. This file only wires things together: plugins, the managed
//! state and the one list of commands. Logic lives in the Tauri-free `mist-token-core` crate
//! (`mist/`, `secrets/`, `flows`); `commands/` translates between IPC and it, and `platform.rs`
//! holds the Tauri glue (clipboard, set-up, exit).

pub mod commands;
pub mod platform;
pub mod sso;
pub mod updates;

/// The core's update policy, next to the app's updater glue ([`updates`]).
pub use mist_token_core::updates as update_policy;
pub use mist_token_core::{
    diagnostics, error, export, flows, lifecycle, logging, mist, secrets, state, usage,
};
pub use mist_token_core::{AppState, Error, Result};

/// Defines, from the one list in `commands/list.rs`, the invoke handler (`app_commands!`) and
/// [`COMMAND_NAMES`].
macro_rules! app_command_list {
    ($($module:ident :: $command:ident),* $(,)?) => {
        /// The invoke handler with every IPC command, for any runtime.
        macro_rules! app_commands {
            () => {
                tauri::generate_handler![$($crate::commands::$module::$command),*]
            };
        }
        /// Every IPC command's name, as the web view calls it.
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($command)),*];
    };
}
include!("commands/list.rs");

/// A builder with the managed state and every command, for any runtime (the real window or
/// `tauri::test`'s mock runtime). Plugins that need a real window are added in [`run`].
pub fn builder<R: tauri::Runtime>(state: AppState) -> tauri::Builder<R> {
    tauri::Builder::<R>::new()
        .manage(state)
        .manage(updates::PendingUpdate::default())
        .invoke_handler(app_commands!())
}

/// Starts the desktop app.
pub fn run() {
    mist_token_core::state::process_started();
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
    let app = builder::<tauri::Wry>(state)
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            use tauri::Manager;
            log::info!("A second start of the app was handed over to the open window.");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        // The SSO login window keeps no size or position.
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_denylist(&[sso::LOGIN_WINDOW_LABEL])
                .build(),
        )
        .on_window_event(|window, event| {
            platform::save_window_state_soon(window, event);
            sso::close_with_main(window, event);
        })
        // Before clipboard-manager: it must clear the clipboard before that plugin lets go of it.
        .plugin(platform::exit_guard(secrets::TestAnswers::from_env()))
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        // The web view has no updater permission: only the app's own commands use it.
        .plugin(tauri_plugin_updater::Builder::new().build())
        .setup(|app| {
            state::report_milestone("setup");
            // The system clipboard and the data folder come from Tauri.
            platform::setup_secrets(app.handle())?;
            // The keychain and the HTTP client are prepared once the first screen is drawn
            // (`ui_ready`), so nothing competes with the window and its web view before that.
            Ok(())
        })
        .on_page_load(|_, payload| {
            if let tauri::webview::PageLoadEvent::Finished = payload.event() {
                state::report_milestone("page loaded");
            }
        })
        .build(tauri::generate_context!())
        .expect("error while building Mist Token Manager");
    // Plugins initialised, event loop made; the window comes next (then `setup`).
    state::report_milestone("built");
    app
        // Closing and quitting (asking first, clearing the clipboard, closing every slot) are
        // handled by the `mtm-exit` plugin.
        .run(|_, _| {});
}
