//! Saved keys against a real Secret Service (gnome-keyring in a private D-Bus session):
//!   scripts/with-keyring.sh cargo test --test keychain_secret_service
//! Without `MIST_TM_KEYRING_TEST=1` (set by that script) each test prints
//! "skipped: no private keyring" and passes, so a developer's real keyring is never touched.
//! Each test uses its own service name; `secret-tool` confirms what is really stored.
// Linux only: Secret Service, gnome-keyring, Xvfb and WebKitWebDriver (tests/keychain_native.rs
// covers the keychain on every OS; the release workflow runs the rest on macOS and Windows).
#![cfg(target_os = "linux")]

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use crate::support::secrets::{meta, temp_dir, KEY};
use mist_token_core::secrets::{MemoryClipboard, SecretsConfig, SecretsState};
use secrecy::{ExposeSecret, SecretString};

fn private_keyring() -> bool {
    if std::env::var("MIST_TM_KEYRING_TEST").as_deref() == Ok("1") {
        return true;
    }
    println!("skipped: no private keyring (run through scripts/with-keyring.sh)");
    false
}

struct Real {
    state: SecretsState,
    clip: Arc<MemoryClipboard>,
    service: String,
    dir: std::path::PathBuf,
    _guard: tempfile::TempDir,
}

impl Drop for Real {
    fn drop(&mut self) {
        let _ = Command::new("secret-tool")
            .args(["clear", "service", &self.service])
            .status();
    }
}

fn real() -> Real {
    let service = format!("com.misttokenmanager.app.test.{}", uuid::Uuid::new_v4());
    let clip = Arc::new(MemoryClipboard::new());
    let guard = temp_dir("keychain");
    let dir = guard.path().to_path_buf();
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
        _guard: guard,
    }
}

/// `secret-tool lookup service S username U`: the secret, or None (exit status 1).
fn lookup(service: &str, user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .output()
        .expect("secret-tool is installed (libsecret-tools)");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

/// `secret-tool search --all service S`: the attribute lines of every matching item.
fn search(service: &str) -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", service])
        .output()
        .unwrap();
    // secret-tool prints the attributes on stdout and stderr depending on its version; drop
    // the `secret = ...` lines so the output can be printed.
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .lines()
    .filter(|l| !l.starts_with("secret ="))
    .collect::<Vec<_>>()
    .join("\n")
}

async fn save(r: &Real, label: &str) -> String {
    let h = r
        .state
        .slots
        .open(SecretString::from(KEY.to_string()), meta());
    let saved = r.state.save_slot(&h.slot_id, label).await.unwrap();
    r.state.slots.dismiss(&h.slot_id).unwrap();
    saved.row.id
}

#[tokio::test]
async fn save_is_in_the_keychain_and_forget_removes_it() {
    if !private_keyring() {
        return;
    }
    let r = real();
    let id = save(&r, "CI").await;
    // The item binds the key to its cloud (issue 11): a marker line, the cloud, the key.
    let bound = format!("mist-token-manager:bound-v1\n{}\n{KEY}", meta().cloud_api);
    assert_eq!(lookup(&r.service, &id).as_deref(), Some(bound.as_str()));
    let attrs = search(&r.service);
    println!("secret-tool search:\n{attrs}");
    assert!(attrs.contains(&format!("attribute.service = {}", r.service)));
    assert!(attrs.contains(&format!("attribute.username = {id}")));
    // The index on disk holds no secret.
    for (path, text) in crate::support::secrets::files_text(&r.dir) {
        assert!(!text.contains(KEY), "{}", path.display());
    }

    let list = r.state.vault.list().await.unwrap();
    assert!(list.keychain_error.is_none(), "{:?}", list.keychain_error);
    assert_eq!(list.keys.len(), 1);
    assert_eq!(serde_json::to_value(list.keys[0].status).unwrap(), "ok");
    assert_eq!(list.orphans, 0);

    r.state.copy_saved(&id).await.unwrap();
    assert_eq!(r.clip.read_text_for_test().as_deref(), Some(KEY));

    r.state.vault.forget(&id).await.unwrap();
    assert_eq!(lookup(&r.service, &id), None, "gone from the keychain");
    assert!(!search(&r.service).contains(&id));
    assert!(r.state.vault.list().await.unwrap().keys.is_empty());
}

#[tokio::test]
async fn removed_outside_the_app_and_lost_index_are_shown_and_repaired() {
    if !private_keyring() {
        return;
    }
    let r = real();
    let gone = save(&r, "Gone").await;
    let kept = save(&r, "Kept").await;
    let status = Command::new("secret-tool")
        .args(["clear", "service", &r.service, "username", &gone])
        .status()
        .unwrap();
    assert!(status.success());
    let list = r.state.vault.list().await.unwrap();
    let statuses: Vec<_> = list
        .keys
        .iter()
        .map(|k| serde_json::to_value(k.status).unwrap())
        .collect();
    assert_eq!(statuses, vec!["missing_secret", "ok"]);

    // The index file is lost: the kept key is an orphan (found by searching the service).
    std::fs::remove_file(r.dir.join("saved-keys.json")).unwrap();
    let list = r.state.vault.list().await.unwrap();
    assert_eq!((list.keys.len(), list.orphans), (0, 1));
    let repaired = r.state.vault.repair().await.unwrap();
    assert_eq!((repaired.keys.len(), repaired.orphans), (1, 0));
    assert_eq!(repaired.keys[0].row.id, kept);
    r.state.copy_saved(&kept).await.unwrap();
    assert_eq!(r.clip.read_text_for_test().as_deref(), Some(KEY));
}

#[tokio::test]
async fn remembered_sign_in_token_round_trip() {
    if !private_keyring() {
        return;
    }
    let r = real();
    let token = SecretString::from("signin-0123456789-token".to_string());
    let vault = &r.state.vault;
    vault
        .remember_sign_in_token("https://api.eu.mist.com", &token)
        .await
        .unwrap();
    let stored = lookup(&r.service, "remembered-sign-in-token").unwrap();
    assert!(stored.ends_with("signin-0123456789-token"));
    let (api, got) = vault.recall_sign_in_token().await.unwrap().unwrap();
    assert_eq!(api, "https://api.eu.mist.com");
    assert_eq!(got.expose_secret(), "signin-0123456789-token");
    assert_eq!(vault.list().await.unwrap().orphans, 0);
    vault.forget_sign_in_token().await.unwrap();
    assert_eq!(lookup(&r.service, "remembered-sign-in-token"), None);
    assert!(vault.recall_sign_in_token().await.unwrap().is_none());
}

#[tokio::test]
async fn service_names_keep_debug_and_release_apart() {
    if !private_keyring() {
        return;
    }
    // Two vaults over the same keyring with different service names do not see each other.
    let a = real();
    let b = real();
    let id = save(&a, "A").await;
    assert_eq!(b.state.vault.list().await.unwrap().orphans, 0);
    assert_eq!(lookup(&b.service, &id), None);
}
