//! The update check, for real: a loopback server serves `latest.json`, an artifact and its
//! `.sig`, signed with a key this test generates with the Tauri CLI (`tauri signer generate`,
//! `tauri signer sign --app-version`). The app, with the real command list and the real
//! tauri-plugin-updater, reports the update; a correctly signed artifact verifies at download,
//! and a tampered one (same signature, changed bytes) is refused there, before any install.
//!
//! Plain http on loopback needs the updater's `dangerousInsecureTransportProtocol`: it is set in
//! this test's config only (tauri.conf.json has https release addresses only).

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use mist_token_manager_lib::AppState;
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::Manager;

const NEW_VERSION: &str = "9.9.9";
const NOTES: &str = "Faster token list.\nFixes the EU cloud sign-in.";

fn tauri_cli() -> PathBuf {
    let name = if cfg!(windows) { "tauri.cmd" } else { "tauri" };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("ui/node_modules/.bin")
        .join(name)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .expect("run the Tauri CLI (npm ci --prefix ui installs it)");
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh key pair from `tauri signer generate`: (private key file, public key text).
fn generate_key(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("test-updater.key");
    run(Command::new(tauri_cli())
        .args(["signer", "generate", "--ci", "-p", "", "-w"])
        .arg(&key)
        .env("CI", "true"));
    let public = std::fs::read_to_string(dir.join("test-updater.key.pub")).unwrap();
    (key, public.trim().to_string())
}

/// The `.sig` text for `file`, bound to `version`, from `tauri signer sign`.
fn sign(key: &Path, file: &Path, version: &str) -> String {
    run(Command::new(tauri_cli())
        .args(["signer", "sign", "-p", "", "--app-version", version, "-f"])
        .arg(key)
        .arg(file)
        .env_remove("TAURI_SIGNING_PRIVATE_KEY")
        .env("CI", "true"));
    let sig = PathBuf::from(format!("{}.sig", file.display()));
    std::fs::read_to_string(sig).unwrap().trim().to_string()
}

/// A tiny HTTP/1.1 server on a loopback listener: path → body. Records the paths asked for.
struct Server {
    base: String,
    hits: Arc<Mutex<Vec<String>>>,
}

fn serve(listener: TcpListener, files: Vec<(String, Vec<u8>)>) -> Server {
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(Mutex::new(Vec::new()));
    let seen = hits.clone();
    std::thread::spawn(move || {
        // Bounded: a test asks a handful of times; the thread ends with the test process.
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            seen.lock().unwrap().push(path.clone());
            let (status, body): (&str, &[u8]) = match files.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", body),
                None => ("404 Not Found", b"not found"),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    Server { base, hits }
}

fn latest_json(base: &str, artifact: &str, signature: &str) -> Vec<u8> {
    manifest(NEW_VERSION, base, artifact, signature)
}

/// A `latest.json` for `version` with the same artifact for every OS and arch.
fn manifest(version: &str, base: &str, artifact: &str, signature: &str) -> Vec<u8> {
    let platform = json!({ "signature": signature, "url": format!("{base}/{artifact}") });
    let mut platforms = serde_json::Map::new();
    for os in ["linux", "windows", "darwin"] {
        for arch in ["x86_64", "aarch64"] {
            platforms.insert(format!("{os}-{arch}"), platform.clone());
        }
    }
    serde_json::to_vec(&json!({
        "version": version,
        "notes": NOTES,
        "pub_date": "2026-11-30T12:00:00Z",
        "platforms": platforms,
    }))
    .unwrap()
}

/// A mock-runtime app with the real command list and the real updater plugin, whose config
/// points at `endpoint` with `pubkey` (and, for loopback http, the insecure-transport switch).
fn app_with_updater(endpoint: &str, pubkey: &str, data: &Path) -> support::app::App {
    let state = AppState::default();
    state.secrets.vault.set_data_dir(data.to_path_buf());
    let mut context = tauri::test::mock_context(tauri::test::noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        json!({
            "pubkey": pubkey,
            "endpoints": [endpoint],
            "requireSignedVersion": true,
            // Test only: the loopback server speaks http.
            "dangerousInsecureTransportProtocol": true,
        }),
    );
    let app = mist_token_manager_lib::builder::<MockRuntime>(state)
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .expect("mock app with the updater");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock webview");
    support::app::App { app, webview }
}

fn pending(app: &support::app::App) -> tauri_plugin_updater::Update {
    app.app
        .state::<mist_token_manager_lib::updates::PendingUpdate>()
        .get()
        .expect("the check keeps the update it found")
}

struct Fixture {
    dir: PathBuf,
    server: Server,
    pubkey: String,
    artifact: Vec<u8>,
}

fn fixture() -> Fixture {
    let dir = support::secrets::temp_dir("updater").keep();
    let (key, pubkey) = generate_key(&dir);
    // Stands for the AppImage.tar.gz / .nsis.zip / .app.tar.gz the bundler makes.
    let artifact: Vec<u8> = (0..64 * 1024u32).map(|i| (i * 7 % 251) as u8).collect();
    let file = dir.join("Mist.Token.Manager_9.9.9_amd64.AppImage.tar.gz");
    std::fs::write(&file, &artifact).unwrap();
    let signature = sign(&key, &file, NEW_VERSION);
    let mut tampered = artifact.clone();
    tampered[1000] ^= 0x01;
    // Signed correctly, but for an older version than the manifest announces (a downgrade).
    let old = dir.join("old.tar.gz");
    std::fs::write(&old, &artifact).unwrap();
    let old_signature = sign(&key, &old, "0.0.9");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let files = vec![
        ("/good.tar.gz".to_string(), artifact.clone()),
        ("/tampered.tar.gz".to_string(), tampered),
        (
            "/good.json".into(),
            latest_json(&base, "good.tar.gz", &signature),
        ),
        (
            "/tampered.json".into(),
            latest_json(&base, "tampered.tar.gz", &signature),
        ),
        (
            "/downgrade.json".into(),
            latest_json(&base, "good.tar.gz", &old_signature),
        ),
        // The version the app already has (the mock app is 0.1.0).
        (
            "/current.json".into(),
            manifest("0.1.0", &base, "good.tar.gz", &signature),
        ),
    ];
    Fixture {
        dir,
        server: serve(listener, files),
        pubkey,
        artifact,
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tauri::async_runtime::block_on(f)
}

#[test]
fn the_app_reports_the_update_and_a_correct_signature_verifies_at_download() {
    let f = fixture();
    let data = f.dir.join("data");
    let app = app_with_updater(&format!("{}/good.json", f.server.base), &f.pubkey, &data);

    let check: Value = app.ok("check_for_update", json!({}));
    assert_eq!(check["current_version"], "0.1.0");
    let available = &check["available"];
    assert_eq!(available["version"], NEW_VERSION, "{check}");
    assert_eq!(available["notes"], NOTES);
    assert_eq!(available["date"], "2026-11-30T12:00:00Z");
    // Not an AppImage (a test binary): on Linux the app can only point to the release page.
    if cfg!(target_os = "linux") {
        assert_eq!(available["install"], "notify_only");
    }
    assert!(available["download_page"]
        .as_str()
        .unwrap()
        .starts_with(&f.server.base));
    // The check fetched the manifest only: the signature is checked at download.
    assert_eq!(*f.server.hits.lock().unwrap(), ["/good.json"]);
    // The check is recorded (the start-up check then waits a day).
    let settings: Value = app.ok("update_settings", json!({}));
    assert!(settings["last_check"].as_u64().is_some(), "{settings}");
    assert_eq!(app.ok("check_for_update_at_start", json!({})), Value::Null);

    let bytes = block_on(mist_token_manager_lib::updates::download_verified(
        &pending(&app),
    ))
    .expect("a correctly signed artifact verifies");
    assert_eq!(bytes, f.artifact);
    assert!(f
        .server
        .hits
        .lock()
        .unwrap()
        .contains(&"/good.tar.gz".to_string()));
    let _ = std::fs::remove_dir_all(&f.dir);
}

#[test]
fn a_tampered_artifact_is_refused_at_download() {
    let f = fixture();
    let data = f.dir.join("data");
    let app = app_with_updater(
        &format!("{}/tampered.json", f.server.base),
        &f.pubkey,
        &data,
    );
    // The check itself succeeds: the manifest and its signature text look fine ...
    let check: Value = app.ok("check_for_update", json!({}));
    assert_eq!(check["available"]["version"], NEW_VERSION);
    // ... the download is what fails, in plain words.
    let err = block_on(mist_token_manager_lib::updates::download_verified(
        &pending(&app),
    ))
    .expect_err("a tampered artifact must be refused");
    let text = err.to_string();
    assert!(
        text.contains("not signed with Mist Token Manager's release key"),
        "{text}"
    );
    assert!(text.contains("Nothing was changed"), "{text}");
    assert!(f
        .server
        .hits
        .lock()
        .unwrap()
        .contains(&"/tampered.tar.gz".to_string()));
    let _ = std::fs::remove_dir_all(&f.dir);
}

#[test]
fn an_artifact_signed_for_another_version_is_refused() {
    let f = fixture();
    let data = f.dir.join("data");
    let app = app_with_updater(
        &format!("{}/downgrade.json", f.server.base),
        &f.pubkey,
        &data,
    );
    app.ok("check_for_update", json!({}));
    let err = block_on(mist_token_manager_lib::updates::download_verified(
        &pending(&app),
    ))
    .expect_err("requireSignedVersion refuses a signature for 0.0.9 announced as 9.9.9");
    assert!(err.to_string().contains("not signed"), "{err}");
    let _ = std::fs::remove_dir_all(&f.dir);
}

#[test]
fn a_key_from_elsewhere_is_refused() {
    let f = fixture();
    let other = support::secrets::temp_dir("updater-other-key").keep();
    let (_, other_pubkey) = generate_key(&other);
    let app = app_with_updater(
        &format!("{}/good.json", f.server.base),
        &other_pubkey,
        &f.dir.join("data"),
    );
    app.ok("check_for_update", json!({}));
    let err = block_on(mist_token_manager_lib::updates::download_verified(
        &pending(&app),
    ))
    .expect_err("an artifact signed with another key must be refused");
    assert!(err.to_string().contains("not signed"), "{err}");
    let _ = std::fs::remove_dir_all(&f.dir);
    let _ = std::fs::remove_dir_all(&other);
}

#[test]
fn no_newer_version_is_reported_as_up_to_date_and_install_needs_an_update() {
    let f = fixture();
    let app = app_with_updater(
        &format!("{}/current.json", f.server.base),
        &f.pubkey,
        &f.dir.join("data"),
    );
    let check: Value = app.ok("check_for_update", json!({}));
    assert_eq!(check["available"], Value::Null, "{check}");
    assert_eq!(app.err_kind("install_update", json!({})), "not_found");
    let _ = std::fs::remove_dir_all(&f.dir);
}

#[test]
fn on_linux_a_package_install_is_told_where_to_get_the_update() {
    if !cfg!(target_os = "linux") {
        return; // Windows and macOS installs replace themselves
    }
    let f = fixture();
    let app = app_with_updater(
        &format!("{}/good.json", f.server.base),
        &f.pubkey,
        &f.dir.join("data"),
    );
    app.ok("check_for_update", json!({}));
    let text = app
        .invoke("install_update", json!({}))
        .expect_err("not an AppImage");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["kind"], "forbidden");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("Download version 9.9.9 from the release page"),
        "{v}"
    );
    // Nothing was downloaded.
    assert!(!f
        .server
        .hits
        .lock()
        .unwrap()
        .iter()
        .any(|p| p.ends_with(".tar.gz")));
    let _ = std::fs::remove_dir_all(&f.dir);
}

#[test]
fn the_start_check_can_be_turned_off() {
    let f = fixture();
    let app = app_with_updater(
        &format!("{}/good.json", f.server.base),
        &f.pubkey,
        &f.dir.join("data"),
    );
    let s: Value = app.ok("set_update_check_at_start", json!({"enabled": false}));
    assert_eq!(s["check_at_start"], false);
    assert_eq!(app.ok("check_for_update_at_start", json!({})), Value::Null);
    assert!(
        f.server.hits.lock().unwrap().is_empty(),
        "no request when it is off"
    );
    let s: Value = app.ok("set_update_check_at_start", json!({"enabled": true}));
    assert_eq!(s["check_at_start"], true);
    let check = app.ok("check_for_update_at_start", json!({}));
    assert_eq!(
        check["available"]["version"], NEW_VERSION,
        "due: never checked"
    );
    let _ = std::fs::remove_dir_all(&f.dir);
}

#[test]
fn without_an_update_address_the_check_says_so_plainly() {
    let dir = support::secrets::temp_dir("updater-none").keep();
    let state = AppState::default();
    state.secrets.vault.set_data_dir(dir.clone());
    let mut context = tauri::test::mock_context(tauri::test::noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        json!({ "pubkey": "unused", "endpoints": [] }),
    );
    let app = mist_token_manager_lib::builder::<MockRuntime>(state)
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let app = support::app::App { app, webview };
    let text = app.invoke("check_for_update", json!({})).unwrap_err();
    assert!(text.contains("no update address"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
