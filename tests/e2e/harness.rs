//! Starts the real app window under a private Xvfb display, driven over WebDriver, against
//! simulated Mist clouds started in this process.
//!
//! One app at a time: the tests share a lock, because two WebKit windows on two cores make each
//! other time out.

#[path = "../support/display.rs"]
mod display;

use crate::webdriver::WebDriver;
use display::Display;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A simulated cloud for the app's cloud list.
pub struct CloudEntry {
    pub name: String,
    pub api: String,
}

pub struct AppOptions {
    pub clouds: Vec<CloudEntry>,
    /// Reuse this data/config home (to test a restart); a fresh temp dir when None.
    pub home: Option<PathBuf>,
}

pub struct RunningApp {
    pub driver: WebDriver,
    tauri_driver: Child,
    _display: Display,
    pub home: PathBuf,
    /// The cloud list the app was given (kept for a restart).
    clouds: Vec<serde_json::Value>,
    /// Extra environment for the app (kept for a restart).
    env: Vec<(String, String)>,
    /// Held for the app's life (and across a restart); None only while restarting.
    _lock: Option<tokio::sync::MutexGuard<'static, ()>>,
}

/// Where screenshots go: `artifacts/screenshots/` at the project root (not in git).
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/screenshots")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn tauri_driver_path() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        let p = Path::new(&home).join("bin/tauri-driver");
        if p.exists() {
            return p;
        }
    }
    if let Some(home) = std::env::var_os("HOME") {
        let p = Path::new(&home).join(".cargo/bin/tauri-driver");
        if p.exists() {
            return p;
        }
    }
    PathBuf::from("tauri-driver")
}

/// A fresh, empty directory under the target dir.
pub fn temp_home(tag: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "e2e-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A private copy of the app binary, taken once per test run. Others working in the same target
/// dir may rebuild `target/debug/mist-token-manager` without `custom-protocol` while the tests
/// run (that build waits for a Vite dev server); the copy keeps the binary this test was built
/// with.
fn app_binary() -> &'static Path {
    static COPY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    COPY.get_or_init(|| {
        let built = Path::new(env!("CARGO_BIN_EXE_mist-token-manager"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-app");
        std::fs::create_dir_all(&dir).expect("a dir for the app copy");
        // Copies left by earlier runs whose process is gone.
        for old in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = old.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("mist-token-manager-") {
                if !Path::new("/proc").join(pid).exists() {
                    let _ = std::fs::remove_file(old.path());
                }
            }
        }
        let copy = dir.join(format!("mist-token-manager-{}", std::process::id()));
        let _ = std::fs::remove_file(&copy);
        // A hard link keeps this build's file even when cargo writes a new one; a copy otherwise.
        if std::fs::hard_link(built, &copy).is_ok() || std::fs::copy(built, &copy).is_ok() {
            copy
        } else {
            built.to_path_buf()
        }
    })
}

fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

impl RunningApp {
    /// Launches the app binary in a fresh window and waits until the UI reports it is ready.
    pub async fn launch(opts: AppOptions) -> RunningApp {
        Self::launch_with_env(opts, &[]).await
    }

    /// Like [`RunningApp::launch`], with extra environment variables for the app.
    pub async fn launch_with_env(opts: AppOptions, env: &[(&str, &str)]) -> RunningApp {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lock = ONE_APP_AT_A_TIME.lock().await;
        let clouds: Vec<serde_json::Value> = opts
            .clouds
            .iter()
            .map(|c| serde_json::json!({ "name": c.name, "api": c.api }))
            .collect();
        Self::launch_holding(clouds, env, opts.home, lock).await
    }

    /// Like [`RunningApp::launch_with_env`], with the clouds file's entries as given (for keys
    /// beyond name and api, such as `portal`).
    pub async fn launch_with_clouds_json(
        clouds: Vec<serde_json::Value>,
        env: &[(&str, &str)],
    ) -> RunningApp {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lock = ONE_APP_AT_A_TIME.lock().await;
        Self::launch_holding(clouds, env, None, lock).await
    }

    /// Quits the app and launches it again with the same home and clouds, without letting
    /// another test's app in between (state outside the home, like the keychain, stays put).
    pub async fn restart(mut self) -> RunningApp {
        let lock = self._lock.take().expect("the app lock");
        let (clouds, env, home) = (self.clouds.clone(), self.env.clone(), self.home.clone());
        self.driver.close().await;
        drop(self);
        Self::launch_holding(clouds, env, Some(home), lock).await
    }

    async fn launch_holding(
        clouds: Vec<serde_json::Value>,
        env: Vec<(String, String)>,
        home: Option<PathBuf>,
        lock: tokio::sync::MutexGuard<'static, ()>,
    ) -> RunningApp {
        let home = home.unwrap_or_else(|| temp_home("app"));
        let clouds_file = home.join("clouds.json");
        std::fs::write(&clouds_file, serde_json::to_vec(&clouds).unwrap()).unwrap();

        let display = Display::start();
        let port = free_port();
        let native_port = free_port();
        let app = app_binary();
        let app = app.to_str().expect("a UTF-8 path");
        let tauri_driver = Command::new(tauri_driver_path())
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .env("DISPLAY", &display.name)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("MIST_TOKEN_MANAGER_CLOUDS", &clouds_file)
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver is not installed: run scripts/setup.sh");
        assert!(
            wait_for_port(port, Duration::from_secs(10)),
            "tauri-driver did not listen on {port}"
        );
        let mut last = String::new();
        let mut driver = None;
        // The first session on a fresh display can take several seconds.
        for _ in 0..3 {
            match WebDriver::new_session(port, native_port, app).await {
                Ok(d) => {
                    driver = Some(d);
                    break;
                }
                Err(e) => {
                    last = e;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        let driver = driver.unwrap_or_else(|| panic!("no WebDriver session: {last}"));
        let running = RunningApp {
            driver,
            tauri_driver,
            _display: display,
            home,
            clouds,
            env,
            _lock: Some(lock),
        };
        running.wait_ready().await;
        running
    }

    /// Waits until the UI has reported that its first screen is interactive.
    pub async fn wait_ready(&self) {
        let started = Instant::now();
        loop {
            let v = self
                .driver
                .execute(
                    "return document.body && document.body.dataset.ready === 'true';",
                    vec![],
                )
                .await;
            if v.as_bool() == Some(true) {
                return;
            }
            if started.elapsed() > Duration::from_secs(30) {
                let text = self.driver.page_text().await;
                panic!("the app never became ready; the page says: {text}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The X display the window is on, e.g. ":99" (for `xclip` and other X clients).
    pub fn display_name(&self) -> &str {
        &self._display.name
    }

    /// What the window's display holds on the CLIPBOARD selection, read with `xclip` as another
    /// application would paste it; None when it holds nothing (or xclip gives no answer in 5 s).
    pub async fn clipboard_text(&self) -> Option<String> {
        let child = tokio::process::Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", self.display_name())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("xclip is not installed: run scripts/setup.sh");
        let out = tokio::time::timeout(Duration::from_secs(5), child.wait_with_output())
            .await
            .ok()?
            .ok()?;
        if !out.status.success() {
            return None;
        }
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Puts `text` on the clipboard the way another program would (xclip keeps serving it).
    pub async fn set_clipboard_text(&self, text: &str) {
        use tokio::io::AsyncWriteExt;
        let mut child = tokio::process::Command::new("xclip")
            .args(["-i", "-selection", "clipboard"])
            .env("DISPLAY", self.display_name())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xclip is not installed: run scripts/setup.sh");
        let mut stdin = child.stdin.take().expect("xclip stdin");
        stdin
            .write_all(text.as_bytes())
            .await
            .expect("write to xclip");
        drop(stdin);
        // xclip forks a child that serves the selection; the parent exits at once.
        let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    }

    pub async fn screenshot(&self, name: &str) -> usize {
        self.driver
            .screenshot(&screenshot_dir().join(format!("{name}.png")))
            .await
    }

    /// Closes the window and stops tauri-driver with SIGTERM (a killed driver leaves
    /// WebKitWebDriver holding its port).
    pub async fn quit(self) -> PathBuf {
        self.driver.close().await;
        self.home.clone()
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        let pid = self.tauri_driver.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.tauri_driver.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.tauri_driver.kill();
        let _ = self.tauri_driver.wait();
    }
}
