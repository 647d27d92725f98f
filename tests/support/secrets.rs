//! Helpers for the secrets tests: an `AppState` whose secrets use keyring-core's mock store (or a
//! given store), an in-memory clipboard, a temp data dir and a controllable clock; and a mock
//! Tauri app to call commands through IPC exactly as the web view does.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mist_token_manager_lib::secrets::{
    ManualClock, MemoryClipboard, SecretsConfig, SecretsState, SlotMeta,
};
use mist_token_manager_lib::AppState;
use tauri::test::MockRuntime;
use tauri::webview::InvokeRequest;
use tauri::Manager;

pub const KEY: &str = "Zk9pQ2xV-new-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

pub fn meta() -> SlotMeta {
    SlotMeta {
        token_id: "11111111-2222-3333-4444-555555555555".into(),
        token_name: "ci pipeline".into(),
        kind: "org".into(),
        org_id: Some("org-acme".into()),
        org_name: Some("Acme Retail".into()),
        cloud_name: "Global 01".into(),
        cloud_api: "https://api.mist.com".into(),
    }
}

/// A fresh temp dir (removed by [`Fixture`]'s drop).
pub fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mtm-{tag}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub struct Fixture {
    pub clock: Arc<ManualClock>,
    pub clip: Arc<MemoryClipboard>,
    pub store: Arc<keyring_core::mock::Store>,
    pub dir: PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Secrets over the mock store, a memory clipboard (cleared after 50 ms) and a manual clock.
pub fn fixture() -> (SecretsState, Fixture) {
    fixture_clearing_after(Duration::from_millis(50))
}

/// Like [`fixture`], with the clipboard cleared after `clear_after`.
pub fn fixture_clearing_after(clear_after: Duration) -> (SecretsState, Fixture) {
    let clock = Arc::new(ManualClock::new());
    let clip = Arc::new(MemoryClipboard::new());
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir("secrets");
    let config = SecretsConfig {
        clear_after: Some(clear_after),
        clock: clock.clone(),
        ..SecretsConfig::default()
    }
    .with_store(store.clone());
    let state = SecretsState::new(dir.clone(), clip.clone(), config);
    (
        state,
        Fixture {
            clock,
            clip,
            store,
            dir,
        },
    )
}

/// A mock-runtime app with the real command list and the given secrets.
pub struct App {
    pub app: tauri::App<MockRuntime>,
    pub webview: tauri::WebviewWindow<MockRuntime>,
}

impl App {
    pub fn new(secrets: SecretsState) -> App {
        let mut state = AppState::default();
        state.secrets = secrets;
        Self::from_state(state)
    }

    /// With a given Mist state (e.g. pointing at a simulator).
    pub fn with_mist(mist: mist_token_manager_lib::mist::MistState, secrets: SecretsState) -> App {
        let mut state = AppState::new(mist);
        state.secrets = secrets;
        Self::from_state(state)
    }

    pub fn from_state(state: AppState) -> App {
        // The real exit handling; its test knob answers from the environment, if set.
        let app = mist_token_manager_lib::builder::<MockRuntime>(state)
            .plugin(mist_token_manager_lib::platform::exit_guard(
                mist_token_manager_lib::secrets::TestAnswers::from_env(),
            ))
            .build(tauri::test::mock_context(tauri::test::noop_assets()))
            .expect("mock app");
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock webview");
        App { app, webview }
    }

    pub fn state(&self) -> tauri::State<'_, AppState> {
        self.app.state::<AppState>()
    }

    /// Calls a command like `invoke(cmd, args)` does; returns the JSON text of the answer
    /// (`Ok`) or of the error (`Err`), exactly as the web view would receive it.
    pub fn invoke(&self, cmd: &str, args: serde_json::Value) -> Result<String, String> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: if cfg!(windows) {
                "http://tauri.localhost"
            } else {
                "tauri://localhost"
            }
            .parse()
            .unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: self.app.invoke_key().to_string(),
        };
        match tauri::test::get_ipc_response(&self.webview, request) {
            Ok(body) => match body {
                tauri::ipc::InvokeResponseBody::Json(s) => Ok(s),
                tauri::ipc::InvokeResponseBody::Raw(b) => Ok(String::from_utf8(b).unwrap()),
            },
            Err(v) => Err(v.to_string()),
        }
    }

    /// Closes the window the way its close button does, once the event loop runs, and runs the
    /// loop until the app has quit (the exit handling runs on the way).
    pub fn close_and_quit(self) {
        let App { app, webview } = self;
        app.run(move |_, event| {
            if let tauri::RunEvent::Ready = event {
                webview.close().unwrap();
            }
        });
    }

    pub fn ok(&self, cmd: &str, args: serde_json::Value) -> serde_json::Value {
        let text = self
            .invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"));
        serde_json::from_str(&text).unwrap()
    }

    /// The error's `kind`.
    pub fn err_kind(&self, cmd: &str, args: serde_json::Value) -> String {
        let text = self
            .invoke(cmd, args)
            .err()
            .unwrap_or_else(|| panic!("{cmd} should fail"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["kind"].as_str().unwrap().to_string()
    }
}

/// Every file's bytes under `dir`, recursively, as lossy text.
pub fn files_text(dir: &std::path::Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_text(&p));
        } else if let Ok(b) = std::fs::read(&p) {
            out.push((p, String::from_utf8_lossy(&b).into_owned()));
        }
    }
    out
}
