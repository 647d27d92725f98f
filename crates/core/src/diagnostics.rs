//! "Copy diagnostics": what an admin pastes into a support request. The app version, the OS, the
//! cloud host of the session (never a key, cookie or account name), how far the last SSO sign-in
//! got (a step and the IdP's host, never a URL or a cookie) and the last
//! [`LOG_LINES`] lines of the log file (see `logging`). Log lines are written without secrets;
//! as a second guard, any long run of letters and digits (the shape of an API key or a session
//! id) is replaced by `[redacted]` before the text leaves the app.

use serde::Serialize;

use crate::{AppState, Result};

/// How many of the newest log lines go into the diagnostics.
pub const LOG_LINES: usize = 200;
/// Runs of at least this many ASCII letters and digits are redacted (Mist keys are longer; ids
/// are UUIDs, whose parts are at most 12).
const REDACT_RUN: usize = 24;

/// What `copy_diagnostics` returns: the text that was put on the clipboard (it holds no secret,
/// so the UI may show it) and how many log lines it has.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Diagnostics {
    pub text: String,
    pub log_lines: usize,
}

/// The OS's own name for its version, where it can be read from a file:
/// Linux `/etc/os-release` (`PRETTY_NAME`), macOS `SystemVersion.plist` (`ProductVersion`).
pub fn os_version() -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        let text = std::fs::read_to_string("/etc/os-release")
            .or_else(|_| std::fs::read_to_string("/usr/lib/os-release"))
            .ok()?;
        parse_os_release(&text)
    }
    #[cfg(target_os = "macos")]
    {
        let text =
            std::fs::read_to_string("/System/Library/CoreServices/SystemVersion.plist").ok()?;
        parse_macos_version(&text).map(|v| format!("macOS {v}"))
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    {
        None
    }
}

/// `PRETTY_NAME` from an os-release file (quotes removed).
pub fn parse_os_release(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let value = line.trim().strip_prefix("PRETTY_NAME=")?;
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// `ProductVersion` from macOS's SystemVersion.plist.
pub fn parse_macos_version(plist: &str) -> Option<String> {
    let after_key = plist.split("<key>ProductVersion</key>").nth(1)?;
    let value = after_key
        .split("<string>")
        .nth(1)?
        .split("</string>")
        .next()?;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Replaces every run of [`REDACT_RUN`] or more ASCII letters and digits with `[redacted]`.
pub fn redact_long_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= REDACT_RUN {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Builds the diagnostics text from its parts (pure, for tests).
pub fn render(
    app_version: &str,
    os: &str,
    cloud_host: Option<&str>,
    sso_step: Option<&str>,
    log_dir: Option<&str>,
    lines: &[String],
) -> String {
    let mut text = String::new();
    text.push_str("Mist Token Manager diagnostics\n");
    text.push_str(&format!("App version: {app_version}\n"));
    text.push_str(&format!("OS: {os}\n"));
    text.push_str(&format!(
        "Cloud: {}\n",
        cloud_host.unwrap_or("(not signed in)")
    ));
    if let Some(step) = sso_step {
        text.push_str(&format!("Last SSO sign-in: {step}\n"));
    }
    text.push_str(&format!(
        "Log folder: {}\n",
        log_dir.unwrap_or("(no log file)")
    ));
    text.push_str(&format!("Last {} log lines:\n", lines.len()));
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    redact_long_runs(&text)
}

/// The user's home folder shown as `~`, so the diagnostics do not carry the account's path.
fn tidy_path(path: &std::path::Path) -> String {
    let shown = path.display().to_string();
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
    match home.map(std::path::PathBuf::from) {
        Some(home) if !home.as_os_str().is_empty() => match path.strip_prefix(&home) {
            Ok(rest) => format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display()),
            Err(_) => shown,
        },
        _ => shown,
    }
}

impl AppState {
    /// The diagnostics text for `app_version` (the app's, which the core does not know).
    pub async fn diagnostics(&self, app_version: &str) -> Diagnostics {
        let host = self.mist.session_info().await.and_then(|s| {
            url::Url::parse(&s.cloud.api_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
        });
        let mut os = format!("{} ({})", std::env::consts::OS, std::env::consts::ARCH);
        if let Some(v) = os_version() {
            os = format!("{v}, {os}");
        }
        let lines = crate::logging::recent_lines(LOG_LINES);
        let dir = crate::logging::log_dir().map(|d| tidy_path(&d));
        let sso = self.mist.sso_step();
        Diagnostics {
            text: render(
                app_version,
                &os,
                host.as_deref(),
                sso.as_deref(),
                dir.as_deref(),
                &lines,
            ),
            log_lines: lines.len(),
        }
    }

    /// Puts the diagnostics on the clipboard and returns them.
    pub async fn copy_diagnostics(&self, app_version: &str) -> Result<Diagnostics> {
        let diagnostics = self.diagnostics(app_version).await;
        self.secrets
            .clipboard
            .copy_text(diagnostics.text.clone())
            .await?;
        log::info!("diagnostics copied ({} log lines)", diagnostics.log_lines);
        Ok(diagnostics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_pretty_name_is_read() {
        let text = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n";
        assert_eq!(
            parse_os_release(text).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert_eq!(parse_os_release("ID=arch\n"), None);
        assert_eq!(parse_os_release("PRETTY_NAME=\"\"\n"), None);
    }

    #[test]
    fn macos_product_version_is_read() {
        let plist = "<dict>\n\t<key>ProductName</key>\n\t<string>macOS</string>\n\t<key>ProductVersion</key>\n\t<string>14.5</string>\n</dict>";
        assert_eq!(parse_macos_version(plist).as_deref(), Some("14.5"));
        assert_eq!(parse_macos_version("<dict></dict>"), None);
    }

    #[test]
    fn long_runs_are_redacted_and_ids_are_not() {
        let key = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"; // 32
        let id = "9f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b";
        let text = redact_long_runs(&format!("key={key} org {id} GET /api/v1/self -> 200"));
        assert_eq!(
            text,
            format!("key=[redacted] org {id} GET /api/v1/self -> 200")
        );
        assert_eq!(redact_long_runs(key), "[redacted]");
    }

    #[test]
    fn the_text_has_every_part_and_no_long_run() {
        let lines = vec![
            "2026-01-01T00:00:00Z INFO mist: GET api.mist.com /api/v1/self -> 200".to_string(),
            "2026-01-01T00:00:01Z WARN x: leaked AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_string(),
        ];
        let text = render(
            "1.2.3",
            "linux (x86_64)",
            Some("api.eu.mist.com"),
            Some("the IdP (login.example.com) refused the app's login window"),
            Some("~/logs"),
            &lines,
        );
        assert!(
            text.contains(
                "Last SSO sign-in: the IdP (login.example.com) refused the app's login window\n"
            ),
            "{text}"
        );
        assert!(text.contains("App version: 1.2.3\n"), "{text}");
        assert!(text.contains("OS: linux (x86_64)\n"), "{text}");
        assert!(text.contains("Cloud: api.eu.mist.com\n"), "{text}");
        assert!(text.contains("Log folder: ~/logs\n"), "{text}");
        assert!(text.contains("Last 2 log lines:\n"), "{text}");
        assert!(text.contains("/api/v1/self -> 200\n"), "{text}");
        assert!(text.contains("leaked [redacted]\n"), "{text}");
        let signed_out = render("1.2.3", "os", None, None, None, &[]);
        assert!(
            !signed_out.contains("SSO"),
            "no SSO line without an SSO sign-in"
        );
        assert!(signed_out.contains("Cloud: (not signed in)\n"));
        assert!(signed_out.contains("Log folder: (no log file)\n"));
    }

    #[tokio::test]
    async fn copying_puts_the_text_on_the_clipboard() {
        let state = AppState::default();
        let clipboard = std::sync::Arc::new(crate::secrets::MemoryClipboard::new());
        state.secrets.set_clipboard(clipboard.clone());
        let d = state.copy_diagnostics("9.9.9").await.unwrap();
        assert!(d.text.contains("App version: 9.9.9\n"));
        assert!(d.text.contains("Cloud: (not signed in)\n"));
        assert_eq!(clipboard.read_text_for_test().as_deref(), Some(&*d.text));
    }

    #[tokio::test]
    async fn without_a_clipboard_copying_fails_with_a_clear_error() {
        let state = AppState::default(); // NoClipboard until the app wires one in
        let err = state.copy_diagnostics("9.9.9").await.unwrap_err();
        assert!(matches!(err, crate::Error::Internal(_)), "{err:?}");
        assert!(err.to_string().contains("clipboard"), "{err}");
    }
}
