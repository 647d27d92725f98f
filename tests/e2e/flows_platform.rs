//! What the installed app does on its system, end to end on Linux: a second start hands over to
//! the open window (tauri-plugin-single-instance, over the private D-Bus session bus of
//! scripts/with-keyring.sh), and the window's size is remembered across a restart
//! (tauri-plugin-window-state).

use crate::flows_support::{built_for_e2e, throwaway_keyring, wait_for, SLOW};
use crate::harness::{AppOptions, CloudEntry, RunningApp};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn unused_cloud() -> Vec<CloudEntry> {
    vec![CloudEntry {
        name: "Unused cloud".into(),
        api: "http://127.0.0.1:9".into(),
    }]
}

/// The app's log file in the test home (XDG_DATA_HOME is `home/data`).
fn log_file(home: &Path) -> PathBuf {
    home.join("data/com.misttokenmanager.app/logs/mist-token-manager.log")
}

/// How many X windows titled "Mist Token Manager" the display has (`xwininfo -root -tree`).
fn app_windows(display: &str) -> usize {
    let out = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .env("DISPLAY", display)
        .output()
        .expect("xwininfo is installed (x11-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"Mist Token Manager\""))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_start_hands_over_to_the_open_window_and_exits() {
    if !built_for_e2e() || !throwaway_keyring("single instance") {
        return; // the hand-over needs a (private) D-Bus session bus
    }
    let app = RunningApp::launch(AppOptions {
        clouds: unused_cloud(),
        home: None,
    })
    .await;
    let windows_before = app_windows(app.display_name());
    assert!(windows_before >= 1, "the first window is on the display");
    let log = log_file(&app.home);
    let handed_over = "A second start of the app was handed over to the open window.";
    assert!(
        !std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains(handed_over),
        "no hand-over yet"
    );

    // The second start, as the admin would double-click it: same user, display and folders.
    let mut second = Command::new(env!("CARGO_BIN_EXE_mist-token-manager"))
        .env("DISPLAY", app.display_name())
        .env("XDG_DATA_HOME", app.home.join("data"))
        .env("XDG_CONFIG_HOME", app.home.join("config"))
        .env("XDG_CACHE_HOME", app.home.join("cache"))
        .env("MIST_TOKEN_MANAGER_CLOUDS", app.home.join("clouds.json"))
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the app a second time");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > SLOW {
            let _ = second.kill();
            let _ = second.wait();
            panic!("the second start did not exit within {SLOW:?}: it opened its own app");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "the second start exits 0: {status:?}");

    // The first instance's callback ran (it logs the hand-over) ...
    wait_for(Duration::from_secs(10), "the hand-over in the log", || {
        let log = log.clone();
        async move {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains(handed_over)
        }
    })
    .await;
    // ... and no second window opened, on the display or in the first app.
    assert_eq!(app_windows(app.display_name()), windows_before);
    assert_eq!(app.driver.window_handles().await.len(), 1);
    assert_eq!(app.driver.title().await, "Mist Token Manager");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_size_is_remembered_across_a_restart() {
    if !built_for_e2e() {
        return;
    }
    let app = RunningApp::launch(AppOptions {
        clouds: unused_cloud(),
        home: None,
    })
    .await;
    let first = app.driver.window_size().await;
    let want = (first.0 - 160, first.1 - 110);
    let got = app.driver.set_window_size(want.0, want.1).await;
    assert_eq!(got, want, "the window took the new size");
    // Saved half a second after the last change (platform::save_window_state_soon), so the
    // size survives even the harness's way of ending the app, which is no clean exit.
    let state = app
        .home
        .join("config/com.misttokenmanager.app/.window-state.json");
    let saved = |state: PathBuf| async move {
        let text = std::fs::read_to_string(&state).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        (v["main"]["width"].as_i64(), v["main"]["height"].as_i64())
    };
    wait_for(
        Duration::from_secs(10),
        "the new size in the state file",
        || {
            let state = state.clone();
            async move { saved(state).await == (Some(want.0), Some(want.1)) }
        },
    )
    .await;
    // Restart keeps the home (the config folder the state is in).
    let app = app.restart().await;
    assert_eq!(
        app.driver.window_size().await,
        want,
        "the restarted window has the size it was left with"
    );
    app.quit().await;
}
