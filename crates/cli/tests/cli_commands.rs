//! `mist-token` end to end: keys saved in the real keychain (scripts/with-keyring.sh) by the
//! core's vault, exactly as the GUI saves them, then `run`, `keys` and `test` against the
//! simulator, and every failure's message and exit code. The key must appear in no captured
//! output.
//!   scripts/with-keyring.sh cargo test -p mist-token-cli --test cli_commands

mod support;

use mist_sim::{Sim, SimConfig};
use support::{assert_no_key, private_keyring, row, text, Keys};

const CURL_SELF: &str =
    r#"curl -sf -H "Authorization: Token $MIST_APITOKEN" "$MIST_API_URL/api/v1/self""#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_gives_the_key_to_curl_and_prints_the_identity_without_leaking_it() {
    if !private_keyring() {
        return;
    }
    let sim = Sim::start(SimConfig::default()).await;
    let key = sim.add_user_token("admin@example.com", "cli run");
    let mut keys = Keys::new();
    keys.save(&key, "Scripts", "user", &sim.url()).await;

    let out = keys
        .run_async(
            &["run", "--key", "Scripts", "--", "sh", "-c", CURL_SELF],
            &[],
        )
        .await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let me: serde_json::Value = serde_json::from_str(&stdout).expect("curl printed /self");
    assert_eq!(me["email"], "admin@example.com", "{stdout}");
    assert_no_key(&out, &key);

    // The names, and the same key under both token names.
    let out = keys
        .run_async(
            &[
                "run",
                "-k",
                "scripts",
                "--",
                "sh",
                "-c",
                r#"[ "$MIST_APITOKEN" = "$EXPECTED" ] && [ "$MIST_API_TOKEN" = "$EXPECTED" ] && echo "same key; host=$MIST_HOST url=$MIST_API_URL""#,
            ],
            &[("EXPECTED", &key)],
        )
        .await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let port = sim.port();
    assert_eq!(
        stdout.trim(),
        format!("same key; host=127.0.0.1:{port} url=http://127.0.0.1:{port}")
    );
    assert_no_key(&out, &key);
    keys.forget_all().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_passes_the_exit_status_through_and_reports_a_missing_command() {
    if !private_keyring() {
        return;
    }
    let mut keys = Keys::new();
    let key = "Rk9yRXhpdENvZGVzT25seTAxMjM0NTY3ODlhYmNkZWZnaGlqa2xtbm9w";
    keys.save(key, "Exit codes", "org", "https://api.eu.mist.com")
        .await;

    let out = keys
        .run_async(
            &["run", "--key", "Exit codes", "--", "sh", "-c", "exit 42"],
            &[],
        )
        .await;
    assert_eq!(out.status.code(), Some(42));
    assert_no_key(&out, key);

    let out = keys
        .run_async(
            &["run", "--key", "Exit codes", "--", "no-such-command-mtm"],
            &[],
        )
        .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(127), "{stderr}");
    assert!(
        stderr.starts_with("mist-token: command not found: no-such-command-mtm"),
        "{stderr}"
    );
    assert_no_key(&out, key);

    let script = keys.dir.join("not-executable.sh");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
    let out = keys
        .run_async(
            &["run", "--key", "Exit codes", "--", script.to_str().unwrap()],
            &[],
        )
        .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(126), "{stderr}");
    assert!(stderr.starts_with("mist-token: cannot run "), "{stderr}");
    keys.forget_all().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_lists_label_kind_org_and_cloud_with_no_secret() {
    if !private_keyring() {
        return;
    }
    let mut keys = Keys::new();
    let user_key = "VXNlcktleUZvckxpc3RpbmcwMTIzNDU2Nzg5YWJjZGVmZ2hpamtsbW5v";
    let org_key = "T3JnS2V5Rm9yTGlzdGluZzAxMjM0NTY3ODlhYmNkZWZnaGlqa2xtbm9w";
    let user_id = keys
        .save(
            user_key,
            "Laptop scripts",
            "user",
            "https://api.eu.mist.com",
        )
        .await;
    let org_id = keys
        .save(org_key, "CI pipeline", "org", "https://api.mist.com")
        .await;

    let out = keys.run_async(&["keys"], &[]).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("LABEL"), "{stdout}");
    for h in ["KIND", "ORG", "CLOUD", "ID"] {
        assert!(lines[0].contains(h), "{stdout}");
    }
    let user = lines
        .iter()
        .find(|l| l.starts_with("Laptop scripts"))
        .unwrap();
    assert!(user.contains("user"), "{user}");
    assert!(user.contains("Test cloud (api.eu.mist.com)"), "{user}");
    assert!(user.ends_with(&user_id), "{user}");
    let org = lines.iter().find(|l| l.starts_with("CI pipeline")).unwrap();
    assert!(org.contains("org"), "{org}");
    assert!(org.contains("Acme Retail"), "{org}");
    assert!(org.contains("(api.mist.com)"), "{org}");
    assert!(org.ends_with(&org_id), "{org}");
    assert_no_key(&out, user_key);
    assert_no_key(&out, org_key);

    // With no override it finds the app's per-OS data folder (Linux: $XDG_DATA_HOME/<identifier>);
    // an empty one says where it looked and what to do.
    let xdg = Keys::new();
    let out = tokio::task::spawn_blocking({
        let xdg = xdg.dir.clone();
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_mist-token"))
                .arg("keys")
                .env_remove("MIST_TOKEN_MANAGER_DATA_DIR")
                .env("XDG_DATA_HOME", &xdg)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    if cfg!(target_os = "linux") {
        let expected = xdg.dir.join("com.misttokenmanager.app");
        assert_eq!(
            stdout.trim(),
            format!(
                "No saved keys in {}. Save a key in Mist Token Manager (Save to keychain), then \
                 run this again.",
                expected.display()
            )
        );
    }
    keys.forget_all().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_says_who_the_key_is_or_why_mist_refuses_it() {
    if !private_keyring() {
        return;
    }
    let sim = Sim::start(SimConfig::default()).await;
    let user_key = sim.add_user_token("admin@example.com", "cli test");
    let org = sim.org_id("Acme Retail").unwrap();
    let limited_key = sim.add_org_token(
        &org,
        "elsewhere only",
        vec![serde_json::json!({"scope": "org", "role": "read", "org_id": org})],
        vec!["203.0.113.0/24".into()],
    );
    let gone_key = "R29uZUtleU5vdEtub3duVG9NaXN0MDEyMzQ1Njc4OWFiY2RlZmdoaWpr";
    let mut keys = Keys::new();
    keys.save(&user_key, "Works", "user", &sim.url()).await;
    keys.save(limited_key.as_str(), "Limited", "org", &sim.url())
        .await;
    keys.save(gone_key, "Deleted", "user", &sim.url()).await;

    let out = keys.run_async(&["test", "Works"], &[]).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.trim(),
        "Works: Works. User token of admin@example.com, with the same access as that account."
    );
    assert_no_key(&out, &user_key);

    let out = keys.run_async(&["test", "Deleted"], &[]).await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(119), "{stdout}\n{stderr}");
    assert!(
        stderr.starts_with("mist-token: Deleted: Mist no longer accepts this key"),
        "{stderr}"
    );
    assert_no_key(&out, gone_key);

    let out = keys.run_async(&["test", "Limited"], &[]).await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(118), "{stdout}\n{stderr}");
    assert!(
        stderr.starts_with("mist-token: Limited: Mist refused this key from this computer"),
        "{stderr}"
    );
    assert_no_key(&out, &limited_key);

    // Mist cannot be reached: the simulator is gone.
    sim.shutdown().await;
    let out = keys.run_async(&["test", "Works"], &[]).await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(117), "{stderr}");
    assert!(
        stderr.starts_with("mist-token: could not ask Test cloud about “Works”:"),
        "{stderr}"
    );
    assert_no_key(&out, &user_key);
    keys.forget_all().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_gone_from_the_keychain_is_its_own_failure() {
    if !private_keyring() {
        return;
    }
    let keys = Keys::new();
    // An index row whose keychain item does not exist (removed outside the app).
    let id = uuid::Uuid::new_v4().to_string();
    keys.write_rows(&[row(&id, "Removed", "https://api.eu.mist.com")]);
    for args in [
        vec!["test", "Removed"],
        vec!["run", "--key", "Removed", "--", "true"],
    ] {
        let out = keys.run_async(&args, &[]).await;
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(120), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("mist-token: the keychain no longer holds the saved key “Removed”"),
            "{stderr}"
        );
        assert!(stderr.contains("choose Repair"), "{stderr}");
    }
}

// ---- Failures found before the keychain is asked (no keyring needed) ----------------------

#[test]
fn an_unknown_label_is_refused_with_the_known_labels() {
    let keys = Keys::new();
    keys.write_rows(&[row("id-1", "CI pipeline", "https://api.eu.mist.com")]);
    for args in [
        vec!["run", "--key", "Nope", "--", "true"],
        vec!["test", "Nope"],
    ] {
        let out = keys.run(&args, &[]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(124), "{stderr}");
        assert_eq!(stdout, "");
        assert_eq!(
            stderr.trim_end(),
            "mist-token: no saved key is called “Nope” (or has that id). Saved keys: “CI pipeline”. \
             Run `mist-token keys` to see them."
        );
    }
    let empty = Keys::new();
    let out = empty.run(&["test", "Nope"], &[]);
    assert_eq!(out.status.code(), Some(124));
    assert!(text(&out)
        .1
        .contains("There are no saved keys: save one in Mist Token Manager first."));
}

#[test]
fn an_ambiguous_label_is_refused_with_both_listed_and_the_id_is_accepted() {
    let keys = Keys::new();
    keys.write_rows(&[
        row("id-eu", "CI", "https://api.eu.mist.com"),
        row("id-us", "ci", ""),
    ]);
    // "Ci" matches neither exactly, both in any case.
    let out = keys.run(&["run", "--key", "Ci", "--", "true"], &[]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(123), "{stderr}");
    assert!(
        stderr
            .starts_with("mist-token: “Ci” matches 2 saved keys; give the id of the one you mean"),
        "{stderr}"
    );
    assert!(
        stderr.contains("“CI” (org token, org Acme Retail, EMEA 01), id id-eu"),
        "{stderr}"
    );
    assert!(
        stderr.contains("“ci” (org token, org Acme Retail, Unknown cloud), id id-us"),
        "{stderr}"
    );
    // The id picks one: this one has no bound cloud, which is refused next (before the keychain).
    let out = keys.run(&["run", "--key", "id-us", "--", "true"], &[]);
    assert_eq!(out.status.code(), Some(121), "{}", text(&out).1);
    assert!(text(&out).1.contains("“ci” has no bound cloud"));
}

#[test]
fn a_key_with_no_bound_cloud_is_refused_before_the_keychain_is_read() {
    let keys = Keys::new();
    keys.write_rows(&[row("id-rec", "Recovered key 1", "")]);
    for args in [
        vec!["run", "--key", "Recovered key 1", "--", "true"],
        vec!["test", "Recovered key 1"],
    ] {
        let out = keys.run(&args, &[]);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(121), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(
                "mist-token: the saved key “Recovered key 1” has no bound cloud (it was recovered \
                 without it), so mist-token will not send it anywhere."
            ),
            "{stderr}"
        );
    }
}

#[test]
fn bad_arguments_are_mist_tokens_own_code() {
    let keys = Keys::new();
    let out = keys.run(&["run", "--key", "x"], &[]);
    assert_eq!(out.status.code(), Some(125));
    assert!(text(&out).1.contains("<COMMAND>"), "{}", text(&out).1);
    let out = keys.run(&["frobnicate"], &[]);
    assert_eq!(out.status.code(), Some(125));
    let out = keys.run(&["--help"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out).0;
    for code in ["117", "121", "122", "123", "124", "125", "126", "127"] {
        assert!(help.contains(code), "the help documents exit code {code}");
    }
}

#[test]
fn an_unreadable_list_of_saved_keys_is_a_plain_failure() {
    let keys = Keys::new();
    // The data folder path is a file: the list cannot be read or moved aside.
    let file = keys.dir.join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mist-token"));
    let out = cmd
        .args(["test", "x"])
        .env("MIST_TOKEN_MANAGER_DATA_DIR", &file)
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(125), "{stderr}");
    assert!(
        stderr.starts_with("mist-token: Could not read the list of saved keys"),
        "{stderr}"
    );
}

#[test]
fn the_binary_has_no_gui_dependency() {
    // The CLI links only the core: no Tauri, GTK or WebKit.
    let manifest = include_str!("../Cargo.toml");
    assert!(!manifest.contains("tauri"), "{manifest}");
    if cfg!(target_os = "linux") {
        let out = std::process::Command::new("ldd")
            .arg(env!("CARGO_BIN_EXE_mist-token"))
            .output()
            .unwrap();
        let libs = String::from_utf8_lossy(&out.stdout);
        for gui in ["gtk", "webkit", "gdk", "soup", "X11"] {
            assert!(!libs.contains(gui), "links {gui}:\n{libs}");
        }
    }
}

#[test]
fn it_looks_for_the_apps_data_folder_and_keychain_service() {
    // The identifier in tauri.conf.json is the data folder's name and the release service.
    let conf: serde_json::Value =
        serde_json::from_str(include_str!("../../../tauri.conf.json")).expect("tauri.conf.json");
    let identifier = conf["identifier"].as_str().unwrap();
    assert_eq!(identifier, mist_token_core::secrets::APP_IDENTIFIER);
    assert_eq!(identifier, mist_token_core::secrets::RELEASE_SERVICE);
    assert_eq!(
        mist_token_core::secrets::default_service(),
        if cfg!(debug_assertions) {
            mist_token_core::secrets::DEV_SERVICE
        } else {
            mist_token_core::secrets::RELEASE_SERVICE
        }
    );
}
