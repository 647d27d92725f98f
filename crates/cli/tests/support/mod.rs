//! Helpers for the `mist-token` tests: a data folder of saved keys (written by the core's own
//! vault, in the real keychain of scripts/with-keyring.sh, under the build's default service,
//! exactly as the GUI saves them), and running the binary with captured output.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;

use mist_token_core::secrets::index::{Index, IndexRow};
use mist_token_core::secrets::{MemoryClipboard, SecretsConfig, SecretsState, SlotMeta};
use secrecy::SecretString;

/// Keychain tests run only in the private keyring of scripts/with-keyring.sh.
pub fn private_keyring() -> bool {
    if std::env::var("MIST_TM_KEYRING_TEST").as_deref() == Ok("1") {
        return true;
    }
    println!("skipped: no private keyring (run through scripts/with-keyring.sh)");
    false
}

/// A data folder; the saved keys in it are forgotten (keychain items removed) on drop.
pub struct Keys {
    pub dir: PathBuf,
    pub state: SecretsState,
    saved: Vec<String>,
}

impl Keys {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("mtm-cli-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        // The default config: the same keychain service as this build of the GUI and the CLI.
        let state = SecretsState::new(
            dir.clone(),
            Arc::new(MemoryClipboard::new()),
            SecretsConfig::default(),
        );
        Self {
            dir,
            state,
            saved: Vec::new(),
        }
    }

    /// Saves `key` in the real keychain, as the GUI's "Save to keychain" does.
    pub async fn save(&mut self, key: &str, label: &str, kind: &str, cloud_api: &str) -> String {
        let meta = SlotMeta {
            token_id: uuid::Uuid::new_v4().to_string(),
            token_name: format!("{label} token"),
            kind: if kind == "org" {
                mist_token_core::mist::TokenKind::Org
            } else {
                mist_token_core::mist::TokenKind::User
            },
            org_id: (kind == "org").then(|| "org-1".into()),
            org_name: (kind == "org").then(|| "Acme Retail".into()),
            cloud_name: "Test cloud".into(),
            cloud_api: cloud_api.into(),
        };
        let saved = self
            .state
            .vault
            .save(SecretString::from(key.to_string()), meta, label)
            .await
            .unwrap();
        self.saved.push(saved.row.id.clone());
        saved.row.id
    }

    /// Writes index rows directly (no keychain): for the failures found before the keychain.
    pub fn write_rows(&self, rows: &[IndexRow]) {
        Index::new(&self.dir).save(rows).unwrap();
    }

    /// Runs `mist-token ARGS` with this data folder; `extra` adds environment variables.
    pub fn run(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mist-token"));
        cmd.args(args)
            .env("MIST_TOKEN_MANAGER_DATA_DIR", &self.dir)
            .env_remove("MIST_APITOKEN")
            .env_remove("MIST_API_TOKEN")
            .env_remove("MIST_HOST")
            .env_remove("MIST_API_URL");
        for (k, v) in extra {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// Like [`Keys::run`], off the async runtime (the simulator keeps serving meanwhile).
    pub async fn run_async(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let dir = self.dir.clone();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let extra: Vec<(String, String)> = extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        tokio::task::spawn_blocking(move || {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_mist-token"));
            cmd.args(&args)
                .env("MIST_TOKEN_MANAGER_DATA_DIR", &dir)
                .env_remove("MIST_APITOKEN")
                .env_remove("MIST_API_TOKEN")
                .env_remove("MIST_HOST")
                .env_remove("MIST_API_URL");
            for (k, v) in &extra {
                cmd.env(k, v);
            }
            cmd.output().unwrap()
        })
        .await
        .unwrap()
    }

    /// Forgets the saved keys now (also done on drop).
    pub async fn forget_all(&mut self) {
        for id in std::mem::take(&mut self.saved) {
            let _ = self.state.vault.forget(&id).await;
        }
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        let ids = std::mem::take(&mut self.saved);
        if !ids.is_empty() {
            // Best effort, outside any runtime: remove the keychain items by their id.
            for id in ids {
                let _ = Command::new("secret-tool")
                    .args([
                        "clear",
                        "service",
                        mist_token_core::secrets::default_service(),
                        "username",
                        &id,
                    ])
                    .status();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An index row with no keychain item behind it.
pub fn row(id: &str, label: &str, cloud_api: &str) -> IndexRow {
    IndexRow {
        id: id.into(),
        label: label.into(),
        token_id: None,
        token_name: None,
        kind: mist_token_core::mist::TokenKind::Org,
        org_id: Some("org-1".into()),
        org_name: Some("Acme Retail".into()),
        cloud_name: if cloud_api.is_empty() {
            "Unknown cloud".into()
        } else {
            "EMEA 01".into()
        },
        cloud_api: cloud_api.into(),
        saved_at: 1,
    }
}

pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts the key is nowhere in what the command printed.
pub fn assert_no_key(out: &Output, key: &str) {
    let (o, e) = text(out);
    assert!(!o.contains(key), "the key leaked to stdout:\n{o}");
    assert!(!e.contains(key), "the key leaked to stderr:\n{e}");
}
