//! The leak test of the whole app: a full flow (sign in, inventory, create, reveal, copy, save,
//! test, a tampered index, an unbound key confirmed, rename, forget, sign in with the new key,
//! copy a second new key and leave a third one unkept, sign out, then close the window and quit: the exit guard asks about the unkept key,
//! the test knob answers "close", and the copied key is cleared from the clipboard on the way
//! out) through the real command list and the real exit handling on
//! Tauri's mock runtime, with logging at its most verbose (`trace`, including reqwest's and
//! rustls's own logs), in a child process whose stdout and stderr are captured. The new key, the
//! password and the session cookie must appear nowhere in that output, in the app's data dir, in
//! the log file (the real rotated file sink of `logging`, in a test log folder), in the copied
//! diagnostics, or in any command response, except the one `reveal_key` answer.

mod support;

use mist_sim::UserSpec;
use mist_token_manager_lib::secrets::index::{Index, IndexRow, INDEX_FILE};
use mist_token_manager_lib::secrets::Keychain;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHILD_ENV: &str = "MIST_TM_LEAK_CHILD_OUT";

/// The flow itself; it runs only as the child the parent test starts.
#[test]
fn child_flow() {
    let Some(out) = std::env::var_os(CHILD_ENV).map(PathBuf::from) else {
        return; // Not the child: nothing to do (the parent test below runs this in a child).
    };
    mist_token_manager_lib::logging::init();
    let password = format!("Pw-{}-leak", uuid::Uuid::new_v4().simple());
    let sim = support::app::demo_sim_blocking();
    let acme = sim.org_id("Acme Retail").expect("demo org");
    sim.add_user(UserSpec {
        email: "leak@example.com".into(),
        password: password.clone(),
        first_name: "Lee".into(),
        last_name: "Kage".into(),
        two_factor: None,
        sso: false,
        privileges: vec![json!({"scope": "org", "role": "admin", "org_id": acme})],
    });
    // A long clearing delay: only quitting may clear the second key's copy.
    let (secrets, fixture) =
        support::secrets::fixture_clearing_after(std::time::Duration::from_secs(600));
    let app = support::app::App::with_mist(support::sim::state_for(&sim), secrets);

    let mut responses = Vec::new();
    let mut call = |cmd: &str, args: serde_json::Value| -> serde_json::Value {
        let text = app
            .invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"));
        if cmd != "reveal_key" {
            responses.push(format!("{cmd}: {text}"));
        }
        serde_json::from_str(&text).unwrap()
    };

    call("find_cloud_by_email", json!({"email": "leak@example.com"}));
    call(
        "sign_in_password",
        json!({"cloudId": "sim", "email": "leak@example.com", "password": password, "twoFactor": null}),
    );
    call("inventory", json!({}));
    let created = call("create_user_token", json!({"name": "leak test"}));
    let slot = created["slot"]["slot_id"].as_str().unwrap().to_string();
    let key = sim.last_issued_key().expect("the simulator issued a key");
    let revealed = call("reveal_key", json!({"slotId": slot}));
    assert_eq!(revealed["key"], key, "the one reveal carries the key");
    call("copy_key", json!({"slotId": slot}));
    let saved = call("save_key", json!({"slotId": slot, "label": "leak label"}));
    let id = saved["id"].as_str().unwrap().to_string();
    call("slot_status", json!({"slotId": slot}));
    call("dismiss_key", json!({"slotId": slot}));
    call("list_saved_keys", json!({}));
    let test = call("test_saved_key", json!({"id": id}));
    assert_eq!(test["valid"], true, "the saved key works: {test}");
    // Issue 11: the index file is pointed at another cloud; Test uses the keychain's binding only.
    let elsewhere = support::app::demo_sim_blocking();
    let index_path = fixture.dir.join(INDEX_FILE);
    let index = std::fs::read_to_string(&index_path).unwrap();
    std::fs::write(&index_path, index.replace(&sim.url(), &elsewhere.url())).unwrap();
    let tampered = call("test_saved_key", json!({"id": id}));
    assert!(tampered["warning"].is_string(), "{tampered}");
    assert_eq!(
        elsewhere.request_count(),
        0,
        "nothing sent where the file said"
    );
    // A key saved before keys were bound to their cloud: refused until its cloud is confirmed.
    let legacy = uuid::Uuid::new_v4().to_string();
    Keychain::with_store(app.state().secrets.vault.service(), fixture.store.clone())
        .set(&legacy, &secrecy::SecretString::from(key.clone()))
        .unwrap();
    let idx = Index::new(&fixture.dir);
    let mut rows = idx.load().unwrap().rows;
    rows.push(IndexRow {
        id: legacy.clone(),
        label: "legacy".into(),
        token_id: None,
        token_name: None,
        kind: mist_token_manager_lib::mist::TokenKind::User,
        org_id: None,
        org_name: None,
        cloud_name: "Simulated cloud".into(),
        cloud_api: sim.url(),
        saved_at: 1,
    });
    idx.save(&rows).unwrap();
    let mut errors = vec![app
        .invoke("test_saved_key", json!({"id": legacy}))
        .expect_err("an unbound key is not sent")];
    call(
        "confirm_saved_key_cloud",
        json!({"id": legacy, "cloudId": "sim"}),
    );
    let confirmed = call("test_saved_key", json!({"id": legacy}));
    assert_eq!(confirmed["valid"], true, "{confirmed}");
    call("copy_saved_key", json!({"id": legacy}));
    call("forget_saved_key", json!({"id": legacy}));
    errors.push(
        app.invoke(
            "delete_token",
            json!({"kind": "user", "orgId": null, "tokenId": "../x"}),
        )
        .expect_err("a path id is refused"),
    );
    call("copy_saved_key", json!({"id": id}));
    call("rename_saved_key", json!({"id": id, "label": "renamed"}));
    call("forget_saved_key", json!({"id": id}));
    // Support's "Copy diagnostics", while signed in (before the copy-then-quit, which must be the last thing on the clipboard): its text is a response, scanned below.
    let diagnostics = call("copy_diagnostics", json!({}));
    std::fs::write(
        out.join("diagnostics.txt"),
        diagnostics["text"].as_str().unwrap(),
    )
    .unwrap();
    // Copy then quit: a second key is copied and never cleared before the app quits.
    let second = call("create_user_token", json!({"name": "copy then quit"}));
    let second_slot = second["slot"]["slot_id"].as_str().unwrap().to_string();
    let copied_key = sim.last_issued_key().expect("a second key");
    call("copy_key", json!({"slotId": second_slot}));
    assert_eq!(
        fixture.clip.read_text_for_test().as_deref(),
        Some(copied_key.as_str())
    );
    // A third key is left unkept: quitting asks about it first.
    call("create_user_token", json!({"name": "left unkept"}));
    let unkept_key = sim.last_issued_key().expect("a third key");
    call("sign_out", json!({"forgetRemembered": false}));
    call(
        "sign_in_token",
        json!({"token": key, "cloudId": "sim", "remember": false}),
    );
    call("inventory", json!({}));
    call("session_info", json!({}));
    call("sign_out", json!({"forgetRemembered": false}));
    app.close_and_quit();
    assert_eq!(
        fixture.clip.read_text_for_test(),
        None,
        "the copied key stayed on the clipboard after quitting"
    );

    responses.extend(errors.into_iter().map(|e| format!("error: {e}")));
    std::fs::write(out.join("responses.txt"), responses.join("\n")).unwrap();
    // Test-only hand-over of what to search for (outside the data dir, removed by the parent).
    std::fs::write(
        out.join("needles.txt"),
        format!("{key}\n{password}\n{copied_key}\n{unkept_key}\n"),
    )
    .unwrap();
    std::fs::write(
        out.join("data_dir.txt"),
        fixture.dir.to_string_lossy().as_bytes(),
    )
    .unwrap();
    // Keep the data dir for the parent to inspect.
    std::mem::forget(fixture);
}

fn all_files(dir: &Path) -> Vec<(PathBuf, String)> {
    support::secrets::files_text(dir)
}

#[test]
fn no_secret_leaks_anywhere_during_a_full_flow() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let out_guard = support::secrets::temp_dir("leak-out");
    let out = out_guard.path().to_path_buf();
    let log_guard = support::secrets::temp_dir("leak-logs");
    let log_dir = log_guard.path().to_path_buf();
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_flow", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &out)
        .env("MIST_TOKEN_MANAGER_LOG_DIR", &log_dir)
        .env("MIST_TOKEN_MANAGER_TEST_CLOSE_ANSWERS", "close")
        .env(
            "MIST_TOKEN_MANAGER_TEST_CLOSE_RECORD",
            out.join("asked.txt"),
        )
        .env("MIST_TOKEN_MANAGER_LOG", "trace")
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "full")
        .output()
        .expect("run the child flow");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "the flow failed:\n{stdout}\n{stderr}"
    );
    // The logging really was on: each request left a line.
    assert!(
        stderr.contains("/self/apitokens -> 200"),
        "expected request logs at trace level"
    );

    // The log file was really written, at trace level, by the same flow.
    let log_files = all_files(&log_dir);
    assert!(
        log_files
            .iter()
            .any(|(p, t)| p.ends_with("mist-token-manager.log")
                && t.contains("/self/apitokens -> 200")),
        "expected request logs in the log file: {:?}",
        log_files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    let diagnostics = std::fs::read_to_string(out.join("diagnostics.txt")).unwrap();
    assert!(
        diagnostics.contains("/self/apitokens -> 200") && diagnostics.contains("Cloud: 127.0.0.1"),
        "the diagnostics carry the cloud host and the log's last lines:\n{diagnostics}"
    );

    let needles = std::fs::read_to_string(out.join("needles.txt")).unwrap();
    let responses = std::fs::read_to_string(out.join("responses.txt")).unwrap();
    let data_dir = PathBuf::from(std::fs::read_to_string(out.join("data_dir.txt")).unwrap());
    let data_files = all_files(&data_dir);
    // Quitting asked about the unkept key, by name, and the answer was obeyed (the app quit).
    let asked = std::fs::read_to_string(out.join("asked.txt")).unwrap_or_default();
    assert_eq!(asked.matches("question:").count(), 1, "asked: {asked}");
    assert!(
        asked.contains("\u{201c}left unkept\u{201d}"),
        "asked: {asked}"
    );
    assert!(asked.contains("answer: close"), "asked: {asked}");
    assert!(
        data_files
            .iter()
            .any(|(p, _)| p.ends_with("saved-keys.json")),
        "the index file was written"
    );
    let what = [
        "the new key",
        "the password",
        "the key copied before quitting",
        "the key left unkept",
    ];
    assert_eq!(needles.lines().count(), what.len());
    for (what, secret) in what.iter().zip(needles.lines()) {
        assert!(secret.len() >= 16);
        // The secret itself, and any 12-character slice of it (a partial leak).
        let pieces: Vec<&str> = (0..=secret.len() - 12)
            .step_by(4)
            .map(|i| &secret[i..i + 12])
            .collect();
        for piece in std::iter::once(secret).chain(pieces) {
            assert!(!stdout.contains(piece), "{what} reached stdout");
            assert!(!stderr.contains(piece), "{what} reached stderr");
            assert!(
                !responses.contains(piece),
                "{what} reached a command response other than the reveal"
            );
            for (path, text) in data_files.iter().chain(&log_files) {
                assert!(!text.contains(piece), "{what} reached {}", path.display());
            }
            assert!(
                !diagnostics.contains(piece),
                "{what} reached the diagnostics"
            );
            assert!(!asked.contains(piece), "{what} reached the close question");
        }
    }
    let _ = std::fs::remove_dir_all(&data_dir);
}
