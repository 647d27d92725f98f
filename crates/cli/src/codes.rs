//! The exit status scheme and every failure's plain message.
//!
//! `run` passes COMMAND's own status through (128+N when signal N ended it, as shells report).
//! mist-token's own failures use 117–125, and 126/127 mean COMMAND could not be run or was not
//! found, as `env` does. They happen before COMMAND starts and always print a `mist-token:`
//! line on stderr, so a script can tell them from COMMAND's own codes in that range.

use std::ffi::OsString;

use mist_token_core::secrets::index::IndexRow;
use mist_token_core::Error;

/// `test`: Mist could not be reached (network, timeout, TLS, server error).
pub const UNREACHABLE: u8 = 117;
/// `test`: Mist refused the key from this computer (403: source IP limits).
pub const REFUSED: u8 = 118;
/// `test`: Mist no longer accepts the key (401: deleted, or removed after 90 days unused).
pub const GONE: u8 = 119;
/// The keychain no longer holds the saved key.
pub const MISSING_SECRET: u8 = 120;
/// The saved key has no bound cloud.
pub const UNBOUND: u8 = 121;
/// The keychain is locked, refused access, or cannot be reached.
pub const KEYCHAIN: u8 = 122;
/// The label matches more than one saved key.
pub const AMBIGUOUS: u8 = 123;
/// No saved key has this label or id.
pub const UNKNOWN: u8 = 124;
/// mist-token itself failed: bad arguments, the list of saved keys cannot be read.
pub const USAGE: u8 = 125;
/// COMMAND was found but could not be run.
pub const CANNOT_RUN: u8 = 126;
/// COMMAND was not found.
pub const NOT_FOUND: u8 = 127;

/// A failure: its exit code and what to tell the admin (never a secret).
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

fn describe(row: &IndexRow) -> String {
    let org = row
        .org_name
        .as_deref()
        .map(|o| format!(", org {o}"))
        .unwrap_or_default();
    let cloud = if row.cloud_name.is_empty() {
        String::new()
    } else {
        format!(", {}", row.cloud_name)
    };
    format!(
        "  “{}” ({} token{org}{cloud}), id {}",
        row.label, row.kind, row.id
    )
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(USAGE, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(USAGE, message)
    }

    pub fn unknown_label(wanted: &str, rows: &[IndexRow]) -> Self {
        let known = if rows.is_empty() {
            "There are no saved keys: save one in Mist Token Manager first.".to_string()
        } else {
            let labels: Vec<String> = rows.iter().map(|r| format!("“{}”", r.label)).collect();
            format!(
                "Saved keys: {}. Run `mist-token keys` to see them.",
                labels.join(", ")
            )
        };
        Self::new(
            UNKNOWN,
            format!("no saved key is called “{wanted}” (or has that id). {known}"),
        )
    }

    pub fn ambiguous(wanted: &str, rows: &[&IndexRow]) -> Self {
        let list: Vec<String> = rows.iter().map(|r| describe(r)).collect();
        Self::new(
            AMBIGUOUS,
            format!(
                "“{wanted}” matches {} saved keys; give the id of the one you mean, or rename \
                 one in Mist Token Manager:\n{}",
                rows.len(),
                list.join("\n")
            ),
        )
    }

    pub fn unbound(label: &str) -> Self {
        Self::new(
            UNBOUND,
            format!(
                "the saved key “{label}” has no bound cloud (it was recovered without it), so \
                 mist-token will not send it anywhere. Sign in with it in Mist Token Manager to \
                 find out whose it is, then save it again, or forget it."
            ),
        )
    }

    pub fn missing_secret(label: &str) -> Self {
        Self::new(
            MISSING_SECRET,
            format!(
                "the keychain no longer holds the saved key “{label}” (it was removed outside \
                 the app). Open Mist Token Manager and choose Repair to tidy the list."
            ),
        )
    }

    pub fn gone(label: &str, message: &str) -> Self {
        Self::new(GONE, format!("{label}: {message}"))
    }

    pub fn refused(label: &str, message: &str) -> Self {
        Self::new(REFUSED, format!("{label}: {message}"))
    }

    pub fn unreachable(row: &IndexRow, e: Error) -> Self {
        match e {
            Error::KeychainUnavailable(_) => Self::from_error(e),
            e => Self::new(
                UNREACHABLE,
                format!(
                    "could not ask {} about “{}”: {e}",
                    if row.cloud_name.is_empty() {
                        "Mist"
                    } else {
                        &row.cloud_name
                    },
                    row.label
                ),
            ),
        }
    }

    /// A core error, by kind: the keychain's own code, else mist-token's.
    pub fn from_error(e: Error) -> Self {
        match e {
            Error::KeychainUnavailable(m) => Self::new(KEYCHAIN, m),
            other => Self::new(USAGE, other.to_string()),
        }
    }
}

/// Runs COMMAND and returns its exit status. On Unix COMMAND replaces this process (so signals
/// and the terminal go straight to it); elsewhere it is waited for.
pub fn run_child(mut child: std::process::Command, program: &OsString) -> Result<i32, Failure> {
    let name = program.to_string_lossy().into_owned();
    let spawn_error = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => Failure::new(
            NOT_FOUND,
            format!("command not found: {name}. Check its name, or give its full path."),
        ),
        _ => Failure::new(CANNOT_RUN, format!("cannot run {name}: {e}")),
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Only returns on failure.
        let e = child.exec();
        Err(spawn_error(e))
    }
    #[cfg(not(unix))]
    {
        let status = child.status().map_err(spawn_error)?;
        Ok(status.code().unwrap_or(1))
    }
}
