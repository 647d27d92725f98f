//! Saved keys against the system's real keychain on every OS, checked through the keyring API
//! itself (keyring-core with the platform's store: the macOS Keychain, the Windows Credential
//! Manager, the Secret Service on Linux), not through a Linux-only tool. The release workflow runs
//! this on macOS and Windows; `make test` runs it on Linux inside scripts/with-keyring.sh.
//!
//! It touches a real keychain, so it runs only when `MIST_TM_KEYRING_TEST=1` (with-keyring.sh and
//! the release workflow set it); each test uses its own service name and removes what it made.
//! Under CI (`CI` set) a missing `MIST_TM_KEYRING_TEST=1` is a failure, not a skip, so a CI run can
//! never pass without having tested the keychain.

mod support;

use std::sync::Arc;
use std::time::Duration;

use keyring_core::CredentialStore;
use mist_token_manager_lib::secrets::{
    native_store_factory, MemoryClipboard, SecretsConfig, SecretsState,
};
use secrecy::{ExposeSecret, SecretString};
use support::secrets::{meta, KEY};

/// A folder the test removes itself (it keeps it until then).
fn temp_dir(tag: &str) -> std::path::PathBuf {
    support::secrets::temp_dir(tag).keep()
}

fn real_keychain() -> bool {
    if std::env::var("MIST_TM_KEYRING_TEST").as_deref() == Ok("1") {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the keychain tests: set MIST_TM_KEYRING_TEST=1 (Linux: scripts/with-keyring.sh)"
    );
    println!("skipped: set MIST_TM_KEYRING_TEST=1 to test the real keychain");
    false
}

/// The platform's store, made the same way the app makes it, for checking from outside the app.
fn platform_store() -> Arc<CredentialStore> {
    native_store_factory()().expect("the system keychain is reachable")
}

/// What the keychain holds for (service, user), read through the keyring API.
fn stored(service: &str, user: &str) -> Option<String> {
    let entry = platform_store().build(service, user, None).unwrap();
    match entry.get_password() {
        Ok(secret) => Some(secret),
        Err(keyring_core::Error::NoEntry) => None,
        Err(e) => panic!("reading the keychain failed: {e}"),
    }
}

struct Real {
    state: SecretsState,
    clip: Arc<MemoryClipboard>,
    service: String,
    dir: std::path::PathBuf,
    users: Vec<String>,
}

impl Drop for Real {
    fn drop(&mut self) {
        let store = platform_store();
        for user in self
            .users
            .iter()
            .map(String::as_str)
            .chain(["remembered-sign-in-token"])
        {
            if let Ok(entry) = store.build(&self.service, user, None) {
                let _ = entry.delete_credential();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn real() -> Real {
    let service = format!("com.misttokenmanager.app.test.{}", uuid::Uuid::new_v4());
    let clip = Arc::new(MemoryClipboard::new());
    let dir = temp_dir("keychain-native");
    let config = SecretsConfig {
        clear_after: Some(Duration::from_millis(50)),
        service: service.clone(),
        ..SecretsConfig::default()
    };
    Real {
        state: SecretsState::new(dir.clone(), clip.clone(), config),
        clip,
        service,
        dir,
        users: Vec::new(),
    }
}

async fn save(r: &mut Real, label: &str) -> String {
    let h = r
        .state
        .slots
        .open(SecretString::from(KEY.to_string()), meta());
    let saved = r.state.save_slot(&h.slot_id, label).await.unwrap();
    r.state.slots.dismiss(&h.slot_id).unwrap();
    r.users.push(saved.row.id.clone());
    saved.row.id
}

#[tokio::test]
async fn a_saved_key_is_in_the_system_keychain_and_forget_removes_it() {
    if !real_keychain() {
        return;
    }
    let mut r = real();
    let id = save(&mut r, "CI").await;
    // The keychain item holds the key bound to its cloud (issue 11): marker, cloud, key.
    assert_eq!(
        stored(&r.service, &id),
        Some(format!(
            "mist-token-manager:bound-v1\n{}\n{KEY}",
            meta().cloud_api
        ))
    );
    for (path, text) in support::secrets::files_text(&r.dir) {
        assert!(
            !text.contains(KEY),
            "the index {} holds no secret",
            path.display()
        );
    }
    let list = r.state.vault.list().await.unwrap();
    assert!(list.keychain_error.is_none(), "{:?}", list.keychain_error);
    assert_eq!(list.keys.len(), 1);
    assert_eq!(serde_json::to_value(list.keys[0].status).unwrap(), "ok");

    r.state.copy_saved(&id).await.unwrap();
    assert_eq!(r.clip.read_text_for_test().as_deref(), Some(KEY));

    r.state.vault.forget(&id).await.unwrap();
    assert_eq!(stored(&r.service, &id), None, "gone from the keychain");
    assert!(r.state.vault.list().await.unwrap().keys.is_empty());
}

#[tokio::test]
async fn a_key_removed_outside_the_app_is_shown_as_missing() {
    if !real_keychain() {
        return;
    }
    let mut r = real();
    let gone = save(&mut r, "Gone").await;
    let kept = save(&mut r, "Kept").await;
    // Removed with the keyring API, as Keychain Access or Credential Manager would.
    platform_store()
        .build(&r.service, &gone, None)
        .unwrap()
        .delete_credential()
        .unwrap();
    let list = r.state.vault.list().await.unwrap();
    let statuses: Vec<_> = list
        .keys
        .iter()
        .map(|k| serde_json::to_value(k.status).unwrap())
        .collect();
    assert_eq!(statuses, vec!["missing_secret", "ok"]);
    r.state.copy_saved(&kept).await.unwrap();
    assert_eq!(r.clip.read_text_for_test().as_deref(), Some(KEY));
}

#[tokio::test]
async fn the_remembered_sign_in_token_round_trips_through_the_keychain() {
    if !real_keychain() {
        return;
    }
    let r = real();
    let token = SecretString::from("signin-0123456789-token".to_string());
    let vault = &r.state.vault;
    vault
        .remember_sign_in_token("https://api.eu.mist.com", &token)
        .await
        .unwrap();
    let raw = stored(&r.service, "remembered-sign-in-token").expect("stored");
    assert!(raw.ends_with("signin-0123456789-token"));
    let (api, got) = vault.recall_sign_in_token().await.unwrap().unwrap();
    assert_eq!(api, "https://api.eu.mist.com");
    assert_eq!(got.expose_secret(), "signin-0123456789-token");
    vault.forget_sign_in_token().await.unwrap();
    assert_eq!(stored(&r.service, "remembered-sign-in-token"), None);
    assert!(vault.recall_sign_in_token().await.unwrap().is_none());
}

#[tokio::test]
async fn two_service_names_do_not_see_each_other() {
    if !real_keychain() {
        return;
    }
    let mut a = real();
    let b = real();
    let id = save(&mut a, "A").await;
    assert_eq!(stored(&b.service, &id), None);
    assert_eq!(b.state.vault.list().await.unwrap().orphans, 0);
    assert!(b.state.vault.list().await.unwrap().keys.is_empty());
}
