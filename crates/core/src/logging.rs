//! The app's log, for support. Two sinks behind the `log` facade:
//!
//! - a file in the OS log folder ([`default_log_dir`]; `MIST_TOKEN_MANAGER_LOG_DIR` overrides it),
//!   rotated at [`MAX_FILE_BYTES`] with [`KEPT_FILES`] files kept, so it never grows past about
//!   3 MiB. Default level `info`. Release builds on Windows have no console and apps started from
//!   the macOS Finder have no stderr: this file is what an admin sends to support ("Copy
//!   diagnostics" puts its last lines on the clipboard, see `diagnostics`).
//! - stderr, default level `warn`, for developers.
//!
//! `MIST_TOKEN_MANAGER_LOG=debug` (or error, warn, info, trace) sets both. What is logged is written
//! so that no secret can be in it (method, host, path, status); the leak test runs a full flow at
//! `trace` and searches stderr and this file for the key and the password.

use log::{LevelFilter, Log, Metadata, Record};
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The app's bundle identifier (tauri.conf.json), which names its folders on every system.
pub const APP_IDENTIFIER: &str = "com.misttokenmanager.app";
/// The current log file's name; older ones are `mist-token-manager.1.log`, `.2.log`.
pub const LOG_FILE_NAME: &str = "mist-token-manager.log";
/// A log file is rotated when the next line would take it past this size.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// The current file plus the rotated ones kept; the oldest is deleted.
pub const KEPT_FILES: usize = 3;

/// The operating systems whose log folder differs. The function below takes one as a value, so
/// each system's rule is unit-tested on any machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Linux,
    MacOs,
    Windows,
    Other,
}

impl Os {
    /// The system this was compiled for.
    pub const fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(target_os = "windows") {
            Os::Windows
        } else if cfg!(target_os = "linux") {
            Os::Linux
        } else {
            Os::Other
        }
    }
}

/// Where `os` keeps an app's logs (the same folder Tauri's `app_log_dir` names):
/// Linux `$XDG_DATA_HOME` (or `~/.local/share`)`/com.misttokenmanager.app/logs`, macOS
/// `~/Library/Logs/com.misttokenmanager.app`, Windows `%LOCALAPPDATA%\com.misttokenmanager.app\logs`.
/// `env` looks up an environment variable; `None` when the folder cannot be known.
pub fn log_dir_for(os: Os, env: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let non_empty = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    match os {
        Os::Linux | Os::Other => {
            // The XDG spec ignores a relative XDG_DATA_HOME. `has_root`, not `is_absolute`, so
            // this rule gives the same answer when its tests run on Windows.
            let data = non_empty("XDG_DATA_HOME")
                .filter(|p| p.has_root())
                .or_else(|| non_empty("HOME").map(|h| h.join(".local").join("share")))?;
            Some(data.join(APP_IDENTIFIER).join("logs"))
        }
        Os::MacOs => Some(
            non_empty("HOME")?
                .join("Library")
                .join("Logs")
                .join(APP_IDENTIFIER),
        ),
        Os::Windows => Some(non_empty("LOCALAPPDATA")?.join(APP_IDENTIFIER).join("logs")),
    }
}

/// This process's log folder: `MIST_TOKEN_MANAGER_LOG_DIR` if set, else the OS log folder.
pub fn default_log_dir() -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name);
    non_empty_path(env("MIST_TOKEN_MANAGER_LOG_DIR")).or_else(|| log_dir_for(Os::current(), &env))
}

fn non_empty_path(v: Option<OsString>) -> Option<PathBuf> {
    v.filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// The name of the `n`th file (0 is the current one).
fn file_name(n: usize) -> String {
    if n == 0 {
        LOG_FILE_NAME.to_string()
    } else {
        format!("mist-token-manager.{n}.log")
    }
}

/// A size-capped log file that rotates itself.
pub struct RotatingFile {
    dir: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
    kept: usize,
}

impl RotatingFile {
    /// Opens (appending) the current log file in `dir`, creating the folder.
    pub fn open(dir: &Path, max_bytes: u64, kept: usize) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let file = open_append(&dir.join(file_name(0)))?;
        let size = file.metadata()?.len();
        Ok(Self {
            dir: dir.to_path_buf(),
            file,
            size,
            max_bytes,
            kept: kept.max(1),
        })
    }

    /// Appends one line (a newline is added), rotating first when it would not fit.
    pub fn write_line(&mut self, line: &str) -> std::io::Result<()> {
        let len = line.len() as u64 + 1;
        if self.size > 0 && self.size + len > self.max_bytes {
            self.rotate()?;
        }
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        self.file.write_all(&buf)?;
        self.size += len;
        Ok(())
    }

    /// current → .1, .1 → .2, ...; the oldest kept one is deleted; a new current file is started.
    fn rotate(&mut self) -> std::io::Result<()> {
        let path = |n| self.dir.join(file_name(n));
        if self.kept == 1 {
            self.file = File::create(path(0))?;
            self.size = 0;
            return Ok(());
        }
        let _ = std::fs::remove_file(path(self.kept - 1));
        for n in (0..self.kept - 1).rev() {
            if path(n).exists() {
                std::fs::rename(path(n), path(n + 1))?;
            }
        }
        self.file = open_append(&path(0))?;
        self.size = 0;
        Ok(())
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// The last `n` lines of the log in `dir`, oldest first, reading rotated files as needed.
pub fn recent_lines_in(dir: &Path, n: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for i in 0..KEPT_FILES.max(1) {
        if lines.len() >= n {
            break;
        }
        let Ok(bytes) = std::fs::read(dir.join(file_name(i))) else {
            break;
        };
        let text = String::from_utf8_lossy(&bytes);
        let older: Vec<String> = text.lines().map(str::to_string).collect();
        lines.splice(0..0, older);
    }
    let skip = lines.len().saturating_sub(n);
    lines.split_off(skip)
}

struct AppLogger {
    stderr_level: LevelFilter,
    file_level: LevelFilter,
    file: Option<(PathBuf, Mutex<RotatingFile>)>,
}

impl AppLogger {
    fn line(record: &Record) -> String {
        let now = time::OffsetDateTime::now_utc();
        let stamp = now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        format!(
            "{stamp} {} {}: {}",
            record.level(),
            record.target(),
            record.args()
        )
    }
}

impl Log for AppLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= self.stderr_level
            || (self.file.is_some() && metadata.level() <= self.file_level)
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = Self::line(record);
        if record.level() <= self.stderr_level {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
        if let Some((_, file)) = &self.file {
            if record.level() <= self.file_level {
                let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
                let _ = file.write_line(&line);
            }
        }
    }

    fn flush(&self) {}
}

static LOGGER: OnceLock<AppLogger> = OnceLock::new();

/// The level named by `MIST_TOKEN_MANAGER_LOG`, if set and understood.
pub fn level_from_env() -> Option<LevelFilter> {
    std::env::var("MIST_TOKEN_MANAGER_LOG")
        .ok()
        .and_then(|v| v.trim().parse().ok())
}

/// Installs the logger once (later calls do nothing): stderr, and the rotated file in
/// [`default_log_dir`]. If the log folder cannot be made, the app still runs, logging to stderr.
pub fn init() {
    let env_level = level_from_env();
    let stderr_level = env_level.unwrap_or(LevelFilter::Warn);
    let file_level = env_level.unwrap_or(LevelFilter::Info);
    let mut file_error = None;
    let file = default_log_dir().and_then(|dir| {
        match RotatingFile::open(&dir, MAX_FILE_BYTES, KEPT_FILES) {
            Ok(f) => Some((dir, Mutex::new(f))),
            Err(e) => {
                file_error = Some(format!("{}: {e}", dir.display()));
                None
            }
        }
    });
    let max = if file.is_some() {
        stderr_level.max(file_level)
    } else {
        stderr_level
    };
    let logger = LOGGER.get_or_init(|| AppLogger {
        stderr_level,
        file_level,
        file,
    });
    if log::set_logger(logger).is_ok() {
        log::set_max_level(max);
        match file_error {
            Some(e) => {
                log::warn!("The log file could not be opened ({e}); logging to stderr only.")
            }
            None => log::info!(
                "Mist Token Manager core {} started on {} ({})",
                env!("CARGO_PKG_VERSION"),
                std::env::consts::OS,
                std::env::consts::ARCH
            ),
        }
    }
}

/// The folder of the log file this process writes, once [`init`] has run and opened it.
pub fn log_dir() -> Option<PathBuf> {
    LOGGER.get()?.file.as_ref().map(|(dir, _)| dir.clone())
}

/// The last `n` lines of this process's log file (empty when there is none).
pub fn recent_lines(n: usize) -> Vec<String> {
    log_dir()
        .map(|dir| recent_lines_in(&dir, n))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mtm-log-{tag}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn linux_log_dir_follows_xdg_data_home_then_home() {
        let env = env_of(&[("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/a")]);
        assert_eq!(
            log_dir_for(Os::Linux, &env),
            Some(PathBuf::from("/x/data/com.misttokenmanager.app/logs"))
        );
        let env = env_of(&[("HOME", "/home/a")]);
        assert_eq!(
            log_dir_for(Os::Linux, &env),
            Some(PathBuf::from(
                "/home/a/.local/share/com.misttokenmanager.app/logs"
            ))
        );
        // A relative XDG_DATA_HOME is invalid by the XDG spec and ignored.
        let env = env_of(&[("XDG_DATA_HOME", "rel"), ("HOME", "/home/a")]);
        assert_eq!(
            log_dir_for(Os::Linux, &env),
            Some(PathBuf::from(
                "/home/a/.local/share/com.misttokenmanager.app/logs"
            ))
        );
        assert_eq!(log_dir_for(Os::Linux, &env_of(&[("HOME", "")])), None);
    }

    #[test]
    fn macos_log_dir_is_library_logs() {
        let env = env_of(&[("HOME", "/Users/a"), ("XDG_DATA_HOME", "/ignored")]);
        assert_eq!(
            log_dir_for(Os::MacOs, &env),
            Some(PathBuf::from(
                "/Users/a/Library/Logs/com.misttokenmanager.app"
            ))
        );
        assert_eq!(log_dir_for(Os::MacOs, &env_of(&[])), None);
    }

    #[test]
    fn windows_log_dir_is_under_local_app_data() {
        let env = env_of(&[("LOCALAPPDATA", "C:/Users/a/AppData/Local"), ("HOME", "/h")]);
        assert_eq!(
            log_dir_for(Os::Windows, &env),
            Some(
                PathBuf::from("C:/Users/a/AppData/Local")
                    .join("com.misttokenmanager.app")
                    .join("logs")
            )
        );
        assert_eq!(log_dir_for(Os::Windows, &env_of(&[("HOME", "/h")])), None);
    }

    #[test]
    fn the_current_os_is_the_compiled_one() {
        #[cfg(target_os = "linux")]
        assert_eq!(Os::current(), Os::Linux);
        #[cfg(target_os = "macos")]
        assert_eq!(Os::current(), Os::MacOs);
        #[cfg(target_os = "windows")]
        assert_eq!(Os::current(), Os::Windows);
    }

    #[test]
    fn the_log_rotates_and_stays_under_its_cap() {
        let dir = temp_dir("rotate");
        let mut f = RotatingFile::open(&dir, 100, 3).unwrap();
        for i in 0..50 {
            f.write_line(&format!("line {i:04} ........")).unwrap(); // 20 bytes each
        }
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "mist-token-manager.1.log",
                "mist-token-manager.2.log",
                "mist-token-manager.log"
            ]
        );
        for n in &names {
            let len = std::fs::metadata(dir.join(n)).unwrap().len();
            assert!(len <= 100, "{n} is {len} bytes");
        }
        // The newest lines are kept, in order, across the rotated files.
        let recent = recent_lines_in(&dir, 12);
        let want: Vec<String> = (38..50).map(|i| format!("line {i:04} ........")).collect();
        assert_eq!(recent, want);
        // Asking for more than is kept returns what there is (3 files of 5 lines).
        assert_eq!(recent_lines_in(&dir, 1000).len(), 15);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reopening_appends_and_counts_the_existing_size() {
        let dir = temp_dir("reopen");
        {
            let mut f = RotatingFile::open(&dir, 50, 2).unwrap();
            f.write_line("first run, twenty-nine bytes").unwrap();
        }
        let mut f = RotatingFile::open(&dir, 50, 2).unwrap();
        f.write_line("second run, thirty bytes long").unwrap();
        // 29 + 30 > 50: the second line started a new file.
        assert_eq!(
            recent_lines_in(&dir, 10),
            [
                "first run, twenty-nine bytes",
                "second run, thirty bytes long"
            ]
        );
        assert!(!dir.join("mist-token-manager.2.log").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_log_folder_means_no_lines() {
        let dir = std::env::temp_dir().join(format!("mtm-log-none-{}", uuid::Uuid::new_v4()));
        assert!(recent_lines_in(&dir, 10).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn the_log_file_is_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("mode");
        let mut f = RotatingFile::open(&dir, 1000, 2).unwrap();
        f.write_line("x").unwrap();
        let mode = std::fs::metadata(dir.join(LOG_FILE_NAME))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "mode {mode:o}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
