//! The Tauri glue, in one place: the system clipboard behind `secrets::Clipboard`, the set-up that
//! hands the running app's clipboard and data folder to the core, and the exit handling. Everything
//! else the app does lives in the Tauri-free `mist-token-core` crate.

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};
use zeroize::Zeroizing;

use crate::secrets::Clipboard;
use crate::{AppState, Error, Result};

/// Wires the secrets layer to the running app; call once from `run()`'s `setup`: the Tauri
/// clipboard, and the data dir for the saved keys index (`app_data_dir()`, unless
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

/// The system clipboard through `tauri-plugin-clipboard-manager` (Rust writes it directly; the
/// web view has no clipboard permission).
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

/// Saves the windows' size and position half a second after they last changed, not only at a
/// clean exit (which is when tauri-plugin-window-state saves): a crash, a kill or the end of the
/// desktop session (SIGTERM on Linux) would otherwise forget them. Call from `on_window_event`.
pub fn save_window_state_soon<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};
    use tauri_plugin_window_state::{AppHandleExt, StateFlags};

    const QUIET: Duration = Duration::from_millis(500);
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    static DUE_MS: AtomicU64 = AtomicU64::new(0);
    static PENDING: AtomicBool = AtomicBool::new(false);

    if !matches!(
        event,
        tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)
    ) {
        return;
    }
    let epoch = *EPOCH.get_or_init(Instant::now);
    let now_ms = |epoch: Instant| epoch.elapsed().as_millis() as u64;
    DUE_MS.store(now_ms(epoch) + QUIET.as_millis() as u64, Ordering::SeqCst);
    if PENDING.swap(true, Ordering::SeqCst) {
        return; // a saver is already waiting; it sees the new deadline
    }
    let app = window.app_handle().clone();
    std::thread::spawn(move || loop {
        let due = DUE_MS.load(Ordering::SeqCst);
        let now = now_ms(epoch);
        if now < due {
            std::thread::sleep(Duration::from_millis(due - now));
            continue;
        }
        PENDING.store(false, Ordering::SeqCst);
        if let Err(e) = app.save_window_state(StateFlags::all()) {
            log::warn!("The window's size and position could not be saved: {e}");
        }
        break;
    });
}
