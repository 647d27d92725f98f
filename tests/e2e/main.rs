//! End-to-end tests: the real app window under Xvfb, driven over WebDriver (tauri-driver +
//! WebKitWebDriver), against the Mist simulator. Controls are found by their accessible names.
//!
//! Needs Xvfb, WebKitWebDriver and tauri-driver (scripts/setup.sh installs them) and the app built
//! with the `custom-protocol` feature so that it serves its bundled UI (`make test` does this).
// Linux only: Secret Service, gnome-keyring, Xvfb and WebKitWebDriver (tests/keychain_native.rs
// covers the keychain on every OS; the release workflow runs the rest on macOS and Windows).
#![cfg(target_os = "linux")]

mod flows_clipboard;
mod flows_errors;
mod flows_keys;
mod flows_lifecycle;
mod flows_platform;
mod flows_safety;
mod flows_signin;
mod flows_sso;
mod flows_support;
mod flows_tokens;
#[allow(dead_code)]
mod harness;
#[allow(dead_code)]
mod webdriver;

use harness::{AppOptions, CloudEntry, RunningApp};

fn custom_protocol_build() -> bool {
    // Without the feature the app would wait for a Vite dev server instead of its bundled UI.
    cfg!(feature = "custom-protocol")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn window_opens_with_the_sign_in_screen() {
    if !custom_protocol_build() {
        eprintln!("skipped: build with --features custom-protocol (make test does)");
        return;
    }
    let app = RunningApp::launch(AppOptions {
        clouds: vec![CloudEntry {
            name: "Unused cloud".into(),
            api: "http://127.0.0.1:9".into(),
        }],
        home: None,
    })
    .await;
    assert_eq!(app.driver.title().await, "Mist Token Manager");
    let text = app.driver.page_text().await;
    assert!(text.contains("Mist Token Manager"), "page text: {text}");
    let size = app.screenshot("window").await;
    // A blank 1100×760 PNG compresses to a few kilobytes; a rendered screen is far larger.
    assert!(size > 8_000, "the screenshot looks blank ({size} bytes)");
    app.quit().await;
}
