//! Closing the real window while a new key was never revealed, copied or saved
//! (`unkept_key_on_close`): the app asks first with a native dialog, which WebDriver cannot press,
//! so the test knob `MIST_TOKEN_MANAGER_TEST_CLOSE_ANSWERS` answers it ("keep", then "close") and
//! `MIST_TOKEN_MANAGER_TEST_CLOSE_RECORD` records each question. The window is closed the way a
//! window manager's close button does it: an X11 `WM_DELETE_WINDOW` message to the app's window
//! (the WebDriver "close window" command only destroys the web view, without asking the app).
//!
//! On the way, the strict CSP (`style-src 'self'`, no `'unsafe-inline'`) is checked in the real
//! web view: the app's style sheet is applied, and no element carries a style attribute.

use crate::flows_support::*;
use crate::harness::{temp_home, RunningApp};
use std::time::Duration;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask};

const TITLE: &str = "Mist Token Manager";

/// The app's top-level windows on `display` (by title; there is no window manager on Xvfb, so
/// they are the root window's children).
fn app_windows(display: &str) -> Vec<u32> {
    let Ok((conn, screen)) = x11rb::connect(Some(display)) else {
        return Vec::new();
    };
    let root = conn.setup().roots[screen].root;
    let Ok(Ok(tree)) = conn.query_tree(root).map(|c| c.reply()) else {
        return Vec::new();
    };
    tree.children
        .into_iter()
        .filter(|&w| {
            conn.get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256)
                .ok()
                .and_then(|c| c.reply().ok())
                .is_some_and(|p| p.value == TITLE.as_bytes())
        })
        .collect()
}

/// Asks the app's window to close, as a window manager's close button does.
fn press_close_button(display: &str) {
    let windows = app_windows(display);
    assert!(!windows.is_empty(), "the app's window was not found");
    let (conn, _) = x11rb::connect(Some(display)).expect("the X display");
    let atom = |name: &[u8]| {
        conn.intern_atom(false, name)
            .expect("intern_atom")
            .reply()
            .expect("an atom")
            .atom
    };
    let (protocols, delete) = (atom(b"WM_PROTOCOLS"), atom(b"WM_DELETE_WINDOW"));
    for window in windows {
        let event = ClientMessageEvent::new(
            32,
            window,
            protocols,
            [delete, x11rb::CURRENT_TIME, 0, 0, 0],
        );
        conn.send_event(false, window, EventMask::NO_EVENT, event)
            .expect("send WM_DELETE_WINDOW");
    }
    conn.flush().expect("flush");
}

fn questions(record: &std::path::Path) -> String {
    std::fs::read_to_string(record).unwrap_or_default()
}

/// Presses the close button until the app has asked `count` questions in all (a close message
/// sent while the busy machine is still settling the window has been seen to go unanswered; a
/// window manager's button can be pressed again the same way).
async fn close_until_asked(display: &str, record: &std::path::Path, count: usize) {
    for _attempt in 0..3 {
        press_close_button(display);
        for _ in 0..50 {
            if questions(record).matches("question:").count() >= count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!(
        "closing the window never asked question {count}; recorded: {}",
        questions(record)
    );
}

/// The CSP in the real web view: the style sheet (a file) applies; no inline style is used.
async fn assert_styles_without_inline(app: &RunningApp, screen: &str) {
    let v = app
        .driver
        .execute(
            "const sheets = Array.from(document.styleSheets);
             return {
               rules: sheets.reduce((n, s) => n + s.cssRules.length, 0),
               inline: document.querySelectorAll('[style]').length,
               styleElements: document.querySelectorAll('style').length,
             };",
            vec![],
        )
        .await;
    assert!(
        v["rules"].as_u64().unwrap_or(0) > 20,
        "{screen}: the app's style sheet did not apply: {v}"
    );
    assert_eq!(v["inline"], 0, "{screen}: an element has a style attribute");
    assert_eq!(
        v["styleElements"], 0,
        "{screen}: a <style> element was added"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unkept_key_on_close_asks_and_obeys_keep_then_close() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let records = temp_home("close-record");
    let record = records.join("asked.txt");
    let app = launch_with_env(
        &[("Sim cloud", &sim)],
        &[
            ("MIST_TOKEN_MANAGER_TEST_CLOSE_ANSWERS", "keep,close"),
            (
                "MIST_TOKEN_MANAGER_TEST_CLOSE_RECORD",
                record.to_str().unwrap(),
            ),
        ],
    )
    .await;
    let d = &app.driver;
    let display = app.display_name().to_string();
    assert_styles_without_inline(&app, "sign-in").await;
    sign_in(&app, "admin@example.com").await;
    create_user_token(&app, "close check").await;
    assert_styles_without_inline(&app, "reveal dialog").await;
    let issued = sim.last_issued_key().expect("the sim issued a key");

    // 1. Close with the key unkept: the app asks; "Keep the app open" keeps window and key.
    close_until_asked(&display, &record, 1).await;
    let asked = questions(&record);
    assert!(asked.contains("\u{201c}close check\u{201d}"), "{asked}");
    assert!(asked.contains("delete the token"), "{asked}");
    assert!(
        asked.contains("buttons: Keep the app open | Close and lose the key"),
        "{asked}"
    );
    assert!(asked.contains("answer: keep"), "{asked}");
    assert!(!asked.contains(&issued), "the question holds the key");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(app_windows(&display).len(), 1, "the window closed anyway");
    let copy = d
        .wait_by_name("button", "Copy key", Some(DIALOG), SLOW)
        .await;
    assert!(d.is_enabled(&copy).await, "the key is no longer offered");
    d.wait_for_text("Your new key for “close check”", SLOW)
        .await;

    // 2. Close again: answered "Close and lose the key", the app quits.
    close_until_asked(&display, &record, 2).await;
    wait_for(Duration::from_secs(15), "the window to go", || async {
        app_windows(&display).is_empty()
    })
    .await;
    let answers: Vec<String> = questions(&record)
        .lines()
        .filter_map(|l| l.strip_prefix("answer: ").map(str::to_string))
        .collect();
    assert_eq!(answers, ["keep", "close"]);
    app.quit().await;
    let _ = std::fs::remove_dir_all(&records);
}
