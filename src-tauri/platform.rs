//! The Tauri glue, in one place: the system clipboard behind `secrets::Clipboard`, the set-up that
//! hands the running app's clipboard and data folder to the core, the exit handling (the
//! `mtm-exit` plugin: ask before an unkept key is lost, clear the clipboard, close the slots) and
//! the process hardening of release builds (no core dumps). Everything else the app does lives in
//! the Tauri-free `mist-token-core` crate.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tauri::plugin::{Builder as PluginBuilder, TauriPlugin};
use tauri::{AppHandle, Manager, RunEvent, Runtime, WindowEvent};
use zeroize::Zeroizing;

use crate::secrets::{Clipboard, CloseAnswer, CloseQuestion, TestAnswers};
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

/// Closes every slot (zeroizing the keys) and clears the clipboard if it still holds a key the
/// app copied; the `mtm-exit` plugin calls it on `RunEvent::Exit` (before clipboard-manager lets
/// go of the clipboard) and whenever the app goes ahead with closing.
pub fn close_slots_on_exit<R: Runtime>(app: &AppHandle<R>) {
    if let Some(state) = app.try_state::<AppState>() {
        if state.secrets.clear_clipboard_on_exit() {
            log::info!("cleared a copied key from the clipboard on close");
        }
        state.secrets.shutdown();
    }
}

/// The id of the app's own Quit menu item (macOS: Cmd+Q), which asks like closing the window.
pub const QUIT_MENU_ID: &str = "mtm-quit";

/// The exit guard's state.
struct ExitGuard {
    /// The admin answered "Close and lose the key": closing and quitting go ahead.
    confirmed: AtomicBool,
    /// A question is on screen: a second close or quit waits for its answer.
    asking: AtomicBool,
    /// The test knob (debug builds): answers instead of the native dialog.
    answers: Option<TestAnswers>,
}

/// What to do once the admin agreed to lose the keys.
enum Then {
    /// Destroy this window (the app then quits as its last window is gone).
    DestroyWindow(String),
    /// Quit with this code.
    Exit(i32),
}

/// The exit handling, as a plugin: register it BEFORE `tauri-plugin-clipboard-manager`, because
/// plugins see `RunEvent::Exit` in the order they were registered and clipboard-manager lets go of
/// the clipboard on it (on X11 a clipboard manager would then take the key over).
///
/// - Closing a window, quitting (`ExitRequested`) and the Quit menu item first ask, with a native
///   dialog raised from Rust, when a slot holds a key that was never revealed, copied or saved
///   ([`CloseQuestion`]): "Keep the app open" keeps everything, "Close and lose the key" closes.
///   The web view has no dialog permission.
/// - Whenever closing goes ahead, and on `Exit`, the clipboard is cleared if it still holds a key
///   the app copied, and every slot is closed.
///
/// `answers`: the test knob ([`TestAnswers::from_env`]); `None`: the native dialog.
pub fn exit_guard<R: Runtime>(answers: Option<TestAnswers>) -> TauriPlugin<R> {
    PluginBuilder::new("mtm-exit")
        .setup(move |app, _api| {
            app.manage(ExitGuard {
                confirmed: AtomicBool::new(false),
                asking: AtomicBool::new(false),
                answers,
            });
            app.on_menu_event(|app, event| {
                if event.id() == QUIT_MENU_ID {
                    request_quit(app);
                }
            });
            #[cfg(target_os = "macos")]
            app.set_menu(app_menu(app)?)?;
            Ok(())
        })
        .on_event(|app, event| match event {
            // Only the main window holds keys: the SSO login window just closes.
            RunEvent::WindowEvent {
                label,
                event: WindowEvent::CloseRequested { api, .. },
                ..
            } if label == "main" => {
                if ask_first(app, Then::DestroyWindow(label.clone())) {
                    api.prevent_close();
                } else {
                    close_slots_on_exit(app);
                }
            }
            RunEvent::ExitRequested { api, code, .. } => {
                // With no window left there is nothing to keep open: go ahead.
                let has_window = !app.webview_windows().is_empty();
                if has_window && ask_first(app, Then::Exit(code.unwrap_or(0))) {
                    api.prevent_exit();
                } else {
                    close_slots_on_exit(app);
                }
            }
            RunEvent::Exit => close_slots_on_exit(app),
            _ => {}
        })
        .build()
}

/// The Quit menu item: asks like closing the window, then quits.
pub fn request_quit<R: Runtime>(app: &AppHandle<R>) {
    if !ask_first(app, Then::Exit(0)) {
        close_slots_on_exit(app);
        app.exit(0);
    }
}

/// Whether closing must wait: true when a key would be lost and the admin has not agreed yet
/// (the question is then on screen). The answer arrives later; "Close and lose the key" then
/// does `then`.
fn ask_first<R: Runtime>(app: &AppHandle<R>, then: Then) -> bool {
    let (Some(guard), Some(state)) = (app.try_state::<ExitGuard>(), app.try_state::<AppState>())
    else {
        return false;
    };
    if guard.confirmed.load(Ordering::SeqCst) {
        return false;
    }
    let Some(question) = state.secrets.close_question() else {
        return false;
    };
    if guard.asking.swap(true, Ordering::SeqCst) {
        return true; // the question is already on screen
    }
    log::info!("closing would lose an unkept key: asking first");
    let handle = app.clone();
    ask(app, question, move |answer| answered(&handle, answer, then));
    true
}

fn answered<R: Runtime>(app: &AppHandle<R>, answer: CloseAnswer, then: Then) {
    let Some(guard) = app.try_state::<ExitGuard>() else {
        return;
    };
    guard.asking.store(false, Ordering::SeqCst);
    match answer {
        CloseAnswer::KeepOpen => {
            log::info!("the admin kept the app open");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_focus();
            }
        }
        CloseAnswer::CloseAndLose => {
            log::info!("the admin chose to close and lose the unkept key");
            guard.confirmed.store(true, Ordering::SeqCst);
            close_slots_on_exit(app);
            match then {
                Then::DestroyWindow(label) => match app.get_webview_window(&label) {
                    Some(window) => {
                        let _ = window.destroy();
                    }
                    None => app.exit(0),
                },
                Then::Exit(code) => app.exit(code),
            }
        }
    }
}

/// Asks `question`: through the test knob when it is set, else with a native dialog. The
/// dialog's OK is "Close and lose the key" and its Cancel "Keep the app open", so that Escape
/// and the dialog's close box keep the app open.
fn ask<R: Runtime>(
    app: &AppHandle<R>,
    question: CloseQuestion,
    done: impl FnOnce(CloseAnswer) + Send + 'static,
) {
    if let Some(answer) = answer_with_knob(app, &question) {
        done(answer);
        return;
    }
    use tauri_plugin_dialog::{
        DialogExt, MessageDialogButtons, MessageDialogKind, MessageDialogResult,
    };
    app.dialog()
        .message(question.message)
        .title(question.title)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            question.lose_label.to_string(),
            question.keep_label.to_string(),
        ))
        .show_with_result(move |result| {
            done(match result {
                MessageDialogResult::Custom(label) => CloseAnswer::from_button(&label),
                MessageDialogResult::Ok => CloseAnswer::CloseAndLose,
                _ => CloseAnswer::KeepOpen,
            })
        });
}

fn answer_with_knob<R: Runtime>(
    app: &AppHandle<R>,
    question: &CloseQuestion,
) -> Option<CloseAnswer> {
    let guard = app.try_state::<ExitGuard>()?;
    let answers = guard.answers.as_ref()?;
    Some(answers.answer(question))
}

/// The macOS menu bar: the usual app, Edit and Window menus, with the app's own Quit item (Cmd+Q)
/// instead of the predefined one, which quits without `ExitRequested` (tauri issues 9198, 13778)
/// and so without asking. Built on every OS so that it is compiled and checked everywhere; only
/// macOS shows it.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
fn app_menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<tauri::menu::Menu<R>> {
    use tauri::menu::{MenuBuilder, MenuItem, SubmenuBuilder};
    let quit = MenuItem::with_id(
        app,
        QUIT_MENU_ID,
        "Quit Mist Token Manager",
        true,
        Some("CmdOrCtrl+Q"),
    )?;
    let app_menu = SubmenuBuilder::new(app, "Mist Token Manager")
        .about(None)
        .separator()
        .services()
        .separator()
        .hide()
        .hide_others()
        .show_all()
        .separator()
        .item(&quit)
        .build()?;
    let edit = SubmenuBuilder::new(app, "Edit")
        .undo()
        .redo()
        .separator()
        .cut()
        .copy()
        .paste()
        .select_all()
        .build()?;
    let window = SubmenuBuilder::new(app, "Window")
        .minimize()
        .close_window()
        .build()?;
    MenuBuilder::new(app)
        .items(&[&app_menu, &edit, &window])
        .build()
}

/// Release builds: no core dumps, so that a key in a live slot never lands in one. Linux:
/// `prctl(PR_SET_DUMPABLE, 0)` (which also keeps other processes of the same user from attaching
/// with ptrace) and `RLIMIT_CORE` 0; macOS and the other Unixes: `RLIMIT_CORE` 0. Windows: nothing
/// here (Windows Error Reporting is set up system-wide). Returns what could not be done, in plain
/// words (empty when all went well).
pub fn disable_core_dumps() -> Vec<String> {
    #[allow(unused_mut)]
    let mut failed = Vec::new();
    #[cfg(unix)]
    {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit only reads the struct passed by reference.
        if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
            failed.push(format!(
                "core dump size limit: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_DUMPABLE takes integer arguments only.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
            failed.push(format!("not dumpable: {}", std::io::Error::last_os_error()));
        }
    }
    failed
}

/// Linux (glibc): hands the heap memory freed by now back to the system. glibc keeps what its
/// threads freed in per-thread arenas; after start-up's preparation (keychain session, trust
/// store) that is about 1 MiB the idle app would go on holding, and after an inventory of 2,000
/// tokens (about a hundred responses parsed on several worker threads, 1.6 MB of JSON for the
/// page) about 6 MiB. Other systems: nothing (their allocators return it themselves).
pub fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes an integer and only releases free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// [`trim_heap`] half a second from now, on a thread of its own: after a command's answer has
/// gone to the web view.
pub fn trim_heap_soon() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let spawned = std::thread::Builder::new()
            .name("mtm-trim".into())
            .spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(500));
                trim_heap();
            });
        if let Err(e) = spawned {
            log::debug!("no heap trim: {e}");
        }
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

/// "Export": the path from the test knob (`MIST_TOKEN_MANAGER_EXPORT_PATH`), else from a native
/// save dialog raised here (the web view has no dialog or file permission); then the core writes
/// the file. `None` when the admin cancelled the dialog.
pub async fn export_inventory<R: Runtime>(
    app: &AppHandle<R>,
    state: &crate::AppState,
) -> crate::Result<Option<crate::export::ExportSummary>> {
    let path = match std::env::var_os(crate::export::EXPORT_PATH_ENV).filter(|p| !p.is_empty()) {
        Some(p) => Some(std::path::PathBuf::from(p)),
        None => {
            use tauri_plugin_dialog::DialogExt;
            let dialog = app
                .dialog()
                .file()
                .set_title("Export the token list")
                .set_file_name("mist-tokens.csv")
                .add_filter("CSV (spreadsheet)", &["csv"])
                .add_filter("JSON", &["json"]);
            // The blocking call waits for the admin off the main thread (the dialog runs there).
            tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
                .await
                .ok()
                .flatten()
                .and_then(|p| p.into_path().ok())
        }
    };
    match path {
        Some(path) => state.export_inventory(&path).await.map(Some),
        None => Ok(None),
    }
}
