//! Closing the window and quitting, through the real exit guard plugin (`platform::exit_guard`) on
//! Tauri's mock runtime, with the in-memory clipboard: a key the app copied is cleared when the
//! window closes (`clipboard_cleared_on_exit`), and a key that was never revealed, copied or saved
//! makes the app ask first, and the answer is obeyed (`unkept_key_on_close`). The questions are
//! answered by the test knob (`TestAnswers`) and recorded to a file. Also the release builds'
//! process hardening (`crash_dumps_disabled`).
//!
//! The mock runtime's event loop runs on the test thread; a helper thread closes the window the
//! way the window manager's close button would, and a watchdog ends a hung run.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mist_token_manager_lib::secrets::{
    MemoryClipboard, SecretsConfig, SecretsState, SlotMeta, TestAnswers,
};
use mist_token_manager_lib::{platform, AppState};
use secrecy::SecretString;
use tauri::test::MockRuntime;
use tauri::Manager;

const KEY: &str = "Zk9pQ2xV-exit-key-0123456789abcdefghijklmnopqrstuvwxyzABCD";

fn meta(name: &str) -> SlotMeta {
    SlotMeta {
        token_id: "11111111-2222-3333-4444-555555555555".into(),
        token_name: name.into(),
        kind: mist_token_manager_lib::mist::TokenKind::User,
        org_id: None,
        org_name: None,
        cloud_name: "Global 01".into(),
        cloud_api: "https://api.mist.com".into(),
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mtm-{tag}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Secrets over the mock keychain and a memory clipboard that clears only after a minute, so that
/// nothing but the exit handling can clear it during the test.
fn secrets(dir: &Path) -> (SecretsState, Arc<MemoryClipboard>) {
    let clip = Arc::new(MemoryClipboard::new());
    let config = SecretsConfig {
        clear_after: Some(Duration::from_secs(60)),
        ..SecretsConfig::default()
    }
    .with_store(keyring_core::mock::Store::new().unwrap());
    (
        SecretsState::new(dir.to_path_buf(), clip.clone(), config),
        clip,
    )
}

struct ExitApp {
    app: tauri::App<MockRuntime>,
    window: tauri::WebviewWindow<MockRuntime>,
}

fn app_with_guard(secrets: SecretsState, answers: Option<TestAnswers>) -> ExitApp {
    let mut state = AppState::default();
    state.secrets = secrets;
    let app = mist_token_manager_lib::builder::<MockRuntime>(state)
        .plugin(platform::exit_guard(answers))
        .build(tauri::test::mock_context(tauri::test::noop_assets()))
        .expect("mock app");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window");
    ExitApp { app, window }
}

/// Ends the test process if the event loop never returns (the mock loop has no timeout).
fn watchdog(what: &'static str) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        eprintln!("{what}: the app never quit");
        std::process::exit(101);
    });
}

/// Runs the app's event loop and, once it runs, closes the window like the window's close button
/// (before the loop runs, the mock runtime drops a window without any event).
fn close_once_running(app: tauri::App<MockRuntime>, window: tauri::WebviewWindow<MockRuntime>) {
    app.run(move |_, event| {
        if let tauri::RunEvent::Ready = event {
            window.close().unwrap();
        }
    });
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ok() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The admin copies the key, then closes the window well within the clearing delay: the key is
/// gone from the clipboard once the app has quit. (Without the exit guard the key stays: the
/// delay is a minute and nothing else clears it.)
#[test]
fn clipboard_cleared_on_exit_when_the_window_closes() {
    watchdog("clipboard_cleared_on_exit_when_the_window_closes");
    let dir = temp_dir("exit-clip");
    let (secrets, clip) = secrets(&dir);
    let slots = secrets.slots.clone();
    let ExitApp { app, window } = app_with_guard(secrets, None);
    let state = app.state::<AppState>();
    let handle = state
        .secrets
        .slots
        .open(SecretString::from(KEY.to_string()), meta("ci"));
    let copied = tauri::async_runtime::block_on(state.secrets.copy_slot(&handle.slot_id)).unwrap();
    assert_eq!(copied.clears_in_s, 60);
    assert_eq!(clip.read_text_for_test().as_deref(), Some(KEY));
    close_once_running(app, window);
    assert_eq!(
        clip.read_text_for_test(),
        None,
        "the copied key stayed on the clipboard after the app quit"
    );
    assert!(!slots.holds(&handle.slot_id), "the slot outlived the app");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Closing after the admin copied something of their own leaves that alone.
#[test]
fn clipboard_cleared_on_exit_leaves_the_admins_own_text() {
    watchdog("clipboard_cleared_on_exit_leaves_the_admins_own_text");
    let dir = temp_dir("exit-own");
    let (secrets, clip) = secrets(&dir);
    let ExitApp { app, window } = app_with_guard(secrets, None);
    let state = app.state::<AppState>();
    let handle = state
        .secrets
        .slots
        .open(SecretString::from(KEY.to_string()), meta("ci"));
    tauri::async_runtime::block_on(state.secrets.copy_slot(&handle.slot_id)).unwrap();
    use mist_token_manager_lib::secrets::Clipboard;
    clip.write_text("the admin's own text").unwrap();
    close_once_running(app, window);
    assert_eq!(
        clip.read_text_for_test().as_deref(),
        Some("the admin's own text")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A key that was never revealed, copied or saved: closing asks first. "Keep the app open" keeps
/// the window and the key; the second close, answered "Close and lose the key", quits and closes
/// the slot.
#[test]
fn unkept_key_on_close_asks_and_obeys_both_answers() {
    watchdog("unkept_key_on_close_asks_and_obeys_both_answers");
    let dir = temp_dir("exit-ask");
    let record = dir.join("asked.txt");
    let (secrets, _clip) = secrets(&dir);
    let slots = secrets.slots.clone();
    let answers = TestAnswers::new("keep,close", Some(record.clone()));
    let ExitApp { app, window } = app_with_guard(secrets, Some(answers));
    let handle = app
        .state::<AppState>()
        .secrets
        .slots
        .open(SecretString::from(KEY.to_string()), meta("nightly backup"));
    let (running_tx, running_rx) = std::sync::mpsc::channel::<()>();
    let closer = {
        let record = record.clone();
        let slots = slots.clone();
        let slot_id = handle.slot_id.clone();
        let app_handle = app.handle().clone();
        std::thread::spawn(move || {
            running_rx.recv().unwrap();
            window.close().unwrap();
            wait_until("the first question", || {
                std::fs::read_to_string(&record).is_ok_and(|t| t.matches("question:").count() == 1)
            });
            // Kept open: the window and the key are still there a while later (the mock loop
            // handles one message a second).
            std::thread::sleep(Duration::from_millis(2500));
            let still_open = app_handle.get_webview_window("main").is_some();
            let still_held = slots.holds(&slot_id);
            window.close().unwrap();
            (still_open, still_held)
        })
    };
    app.run(move |_, event| {
        if let tauri::RunEvent::Ready = event {
            running_tx.send(()).unwrap();
        }
    });
    let (still_open, still_held) = closer.join().unwrap();
    assert!(still_open, "the window closed although the answer was keep");
    assert!(
        still_held,
        "the key was dropped although the answer was keep"
    );
    assert!(!slots.holds(&handle.slot_id), "the slot outlived the app");
    let asked = std::fs::read_to_string(&record).unwrap();
    assert_eq!(asked.matches("question:").count(), 2, "{asked}");
    assert!(asked.contains("\u{201c}nightly backup\u{201d}"), "{asked}");
    assert!(asked.contains("delete the token"), "{asked}");
    assert!(
        asked.contains("buttons: Keep the app open | Close and lose the key"),
        "{asked}"
    );
    let answers: Vec<&str> = asked
        .lines()
        .filter_map(|l| l.strip_prefix("answer: "))
        .collect();
    assert_eq!(answers, ["keep", "close"]);
    assert!(!asked.contains(KEY), "the question holds the key");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A key that was revealed (or copied, or saved) is kept: closing does not ask.
#[test]
fn unkept_key_on_close_no_question_once_the_key_was_revealed() {
    watchdog("unkept_key_on_close_no_question_once_the_key_was_revealed");
    let dir = temp_dir("exit-kept");
    let record = dir.join("asked.txt");
    let (secrets, _clip) = secrets(&dir);
    let answers = TestAnswers::new("keep,keep", Some(record.clone()));
    let ExitApp { app, window } = app_with_guard(secrets, Some(answers));
    let state = app.state::<AppState>();
    let handle = state
        .secrets
        .slots
        .open(SecretString::from(KEY.to_string()), meta("seen"));
    state.secrets.reveal(&handle.slot_id).unwrap();
    close_once_running(app, window);
    assert!(!record.exists(), "the app asked about a key that was kept");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Release builds call `platform::disable_core_dumps` first thing: afterwards the process may not
/// dump core (Linux: not dumpable, and the core size limit is 0 on every Unix), so a key in a
/// live slot never lands in a dump. (Run here in the test process, which it changes the same way.)
#[cfg(unix)]
#[test]
fn crash_dumps_disabled_by_the_release_hardening() {
    let problems = platform::disable_core_dumps();
    assert!(problems.is_empty(), "{problems:?}");
    let mut limit = libc::rlimit {
        rlim_cur: 1,
        rlim_max: 1,
    };
    // SAFETY: getrlimit writes into the struct passed by reference.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) }, 0);
    assert_eq!((limit.rlim_cur, limit.rlim_max), (0, 0));
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_GET_DUMPABLE takes no pointer.
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) }, 0);
    }
}

/// Every `.svelte` file under `dir`, recursively.
fn svelte_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(svelte_files(&path));
        } else if path.extension().is_some_and(|e| e == "svelte") {
            out.push(path);
        }
    }
    out
}

/// The CSP allows style sheets from the app's own files only (`style-src 'self'`, no
/// `'unsafe-inline'`), and the UI can do without inline styles: no component has a `style`
/// attribute or `style:` directive, and the built UI (when built) sets none at run time and
/// ships its CSS as a file.
#[test]
fn csp_style_src_has_no_unsafe_inline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap())
            .unwrap();
    let csp = &conf["app"]["security"]["csp"];
    assert_eq!(csp["style-src"], "'self'", "{csp}");
    for (directive, value) in csp.as_object().unwrap() {
        let value = value.as_str().unwrap_or_default();
        assert!(
            !value.contains("unsafe-inline") && !value.contains("unsafe-eval"),
            "{directive} allows {value}"
        );
    }
    let components = svelte_files(&root.join("ui/src"));
    assert!(components.len() > 5, "the UI sources were not found");
    for file in components {
        let text = std::fs::read_to_string(&file).unwrap();
        // (Scoped `<style>` blocks would be fine: the Svelte plugin compiles them into the CSS
        // file.)
        for pattern in [" style=", " style:", "{style}"] {
            assert!(
                !text.contains(pattern),
                "{} uses an inline style ({pattern:?}), which the CSP blocks",
                file.display()
            );
        }
    }
    let dist = root.join("ui/dist");
    if let Ok(html) = std::fs::read_to_string(dist.join("index.html")) {
        assert!(!html.contains("<style"), "index.html has an inline <style>");
        assert!(
            !html.contains(" style="),
            "index.html has a style attribute"
        );
        assert!(html.contains("rel=\"stylesheet\""), "no CSS file linked");
        for js in std::fs::read_dir(dist.join("assets")).unwrap().flatten() {
            if js.path().extension().is_some_and(|e| e == "js") {
                let code = std::fs::read_to_string(js.path()).unwrap();
                for pattern in [
                    "createElement(\"style\")",
                    "setAttribute(\"style\"",
                    "cssText",
                ] {
                    assert!(
                        !code.contains(pattern),
                        "the built UI injects styles at run time ({pattern})"
                    );
                }
            }
        }
    }
}
