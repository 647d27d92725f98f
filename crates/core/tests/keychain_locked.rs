//! A locked keyring, for real: the test re-runs itself inside a fresh private keyring
//! (`scripts/with-keyring.sh`, nested) so locking never disturbs the other keychain tests. There
//! it saves a key, locks the "login" collection over D-Bus (no display: the unlock prompt cannot
//! open) and checks that saving, listing and forgetting say plainly to unlock the keyring, that
//! nothing is half-removed, and that reveal and copy still work.
// Linux only: Secret Service, gnome-keyring, Xvfb and WebKitWebDriver (tests/keychain_native.rs
// covers the keychain on every OS; the release workflow runs the rest on macOS and Windows).
#![cfg(target_os = "linux")]

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use mist_token_core::secrets::{MemoryClipboard, SecretsConfig, SecretsState};
use secrecy::{ExposeSecret, SecretString};
use support::secrets::{meta, temp_dir, KEY};

const NAME: &str = "locked_keyring_is_keychain_unavailable_with_unlock_advice";

#[test]
fn locked_keyring_is_keychain_unavailable_with_unlock_advice() {
    if std::env::var("MIST_TM_LOCKED_INNER").as_deref() == Ok("1") {
        tokio::runtime::Runtime::new().unwrap().block_on(inner());
        return;
    }
    if std::env::var("MIST_TM_KEYRING_TEST").as_deref() != Ok("1") {
        println!("skipped: no private keyring (run through scripts/with-keyring.sh)");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/with-keyring.sh");
    let out = Command::new(script)
        .env_remove("MIST_TM_IN_PRIVATE_BUS")
        .env("MIST_TM_LOCKED_INNER", "1")
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "inner run failed:\n{text}");
    assert!(text.contains("1 passed"), "{text}");
}

async fn inner() {
    let service = format!("com.misttokenmanager.app.test.{}", uuid::Uuid::new_v4());
    let clip = Arc::new(MemoryClipboard::new());
    let guard = temp_dir("locked");
    let dir = guard.path().to_path_buf();
    let config = SecretsConfig {
        clear_after: Some(Duration::from_secs(30)),
        service,
        ..SecretsConfig::default()
    };
    let state = SecretsState::new(dir.clone(), clip.clone(), config);
    let first = state
        .vault
        .save(SecretString::from(KEY.to_string()), meta(), "Before")
        .await
        .unwrap();

    let lock = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .unwrap();
    assert!(lock.status.success(), "{lock:?}");

    let h = state
        .slots
        .open(SecretString::from(KEY.to_string()), meta());
    let e = state.save_slot(&h.slot_id, "After").await.unwrap_err();
    assert_eq!(e.kind(), "keychain_unavailable");
    assert!(e.to_string().contains("Unlock your login keyring"), "{e}");

    let list = state.vault.list().await.unwrap();
    let err = list
        .keychain_error
        .expect("the list reports the locked keyring");
    assert_eq!(err.kind(), "keychain_unavailable");
    assert_eq!(list.keys.len(), 1, "the row is still listed");

    let e = state.vault.forget(&first.row.id).await.unwrap_err();
    assert_eq!(e.kind(), "keychain_unavailable");
    assert!(e.to_string().starts_with("Nothing was removed."), "{e}");
    assert_eq!(state.vault.list().await.unwrap().keys.len(), 1);

    state.copy_slot(&h.slot_id).await.unwrap();
    assert_eq!(clip.read_text_for_test().as_deref(), Some(KEY));
    assert_eq!(state.reveal(&h.slot_id).unwrap().key.expose_secret(), KEY);
}
