//! The real "no keychain" path: the Secret Service store cannot be created because
//! `DBUS_SESSION_BUS_ADDRESS` points at a socket that does not exist. Saving gives a plain
//! `keychain_unavailable` error, listing reports it, and reveal and copy still work.
//! (One test in this binary: it changes the process environment.)
// Linux only: Secret Service, gnome-keyring, Xvfb and WebKitWebDriver (tests/keychain_native.rs
// covers the keychain on every OS; the release workflow runs the rest on macOS and Windows).
#![cfg(target_os = "linux")]

mod support;

use std::sync::Arc;
use std::time::Duration;

use mist_token_manager_lib::secrets::{MemoryClipboard, SecretsConfig, SecretsState};
use secrecy::SecretString;
use serde_json::json;
use support::app::App;
use support::secrets::{meta, temp_dir, KEY};

#[test]
#[cfg(target_os = "linux")]
fn no_secret_service_is_keychain_unavailable_and_reveal_copy_still_work() {
    let guard = temp_dir("nokeychain");
    let dir = guard.path().to_path_buf();
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}/no-such-bus-socket", dir.display()),
    );
    let clip = Arc::new(MemoryClipboard::new());
    let config = SecretsConfig {
        clear_after: Some(Duration::from_secs(30)),
        ..SecretsConfig::default() // the native (Secret Service) store
    };
    let app = App::new(SecretsState::new(dir.clone(), clip.clone(), config));
    let id = app
        .state()
        .secrets
        .slots
        .open(SecretString::from(KEY.to_string()), meta())
        .slot_id;

    let err = app
        .invoke("save_key", json!({ "slotId": id, "label": "CI" }))
        .unwrap_err();
    let err: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(err["kind"], "keychain_unavailable");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("keyring"), "{message}");
    assert!(
        message.contains("You can still reveal or copy"),
        "{message}"
    );
    assert!(!message.contains(KEY));

    let list = app.ok("list_saved_keys", json!({}));
    assert_eq!(list["keys"], json!([]));
    assert_eq!(list["keychain_error"]["kind"], "keychain_unavailable");

    assert_eq!(
        app.ok("copy_key", json!({ "slotId": id }))["clears_in_s"],
        30
    );
    assert_eq!(clip.read_text_for_test().as_deref(), Some(KEY));
    assert_eq!(app.ok("reveal_key", json!({ "slotId": id }))["key"], KEY);
    let st = app.ok("slot_status", json!({ "slotId": id }));
    assert_eq!(
        (st["copied"].clone(), st["saved"].clone()),
        (json!(true), json!(false))
    );
}
