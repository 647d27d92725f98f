//! The app on Tauri's mock runtime (`support::app`): the real command list, no window, commands
//! called through IPC exactly as the web view calls them.
#![allow(dead_code)]

use mist_token_manager_lib::secrets::SecretsState;
use mist_token_manager_lib::AppState;
use tauri::test::MockRuntime;
use tauri::webview::InvokeRequest;
use tauri::Manager;

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
        let app = mist_token_manager_lib::builder::<MockRuntime>(state)
            // The real exit handling; its test knob answers from the environment, if set.
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

/// A demo simulator started on Tauri's async runtime (for tests that call commands synchronously).
pub fn demo_sim_blocking() -> mist_sim::SimHandle {
    tauri::async_runtime::block_on(super::sim::demo_sim())
}
