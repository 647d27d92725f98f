//! The one error type of the backend. It knows nothing of Tauri; it serializes to the IPC shape
//! `{kind, message, field?, retry_after_s?, token_id?}` (see docs/ipc.md).
//!
//! Every message is written for an admin who is not a programmer: what happened, in plain words,
//! and what to do next. A message never carries a secret: build them from hosts, names and ids
//! only, never from request bodies, headers or keys.

use serde::{Serialize, Serializer};
use ts_rs::TS;

/// A backend failure, as the admin should hear about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The host could not be reached (DNS, refused, reset, proxy down).
    #[error("{0}")]
    Network(String),
    /// The host did not answer in time.
    #[error("{0}")]
    Timeout(String),
    /// The TLS handshake failed (certificate, corporate proxy).
    #[error("{0}")]
    Tls(String),
    /// Wrong credentials, expired session, or a deleted/removed token.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// The thing asked for does not exist (any more).
    #[error("{0}")]
    NotFound(String),
    /// Mist (or the login lock-out) asks us to slow down.
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after_s: Option<u64>,
    },
    /// The admin typed something we cannot send; `field` names the form field.
    #[error("{message}")]
    InvalidInput { field: String, message: String },
    /// The account needs a two-factor code.
    #[error("Enter the six-digit code from your authenticator app.")]
    TwoFactorRequired,
    /// The two-factor code was wrong or too old.
    #[error("{0}")]
    TwoFactorInvalid(String),
    /// SSO accounts cannot sign in with a password.
    #[error("{0}")]
    SsoAccount(String),
    /// The admin closed the company login window before it finished.
    #[error("The company login window was closed before the sign-in finished. Nothing was changed: sign in again when you are ready.")]
    SsoCancelled,
    /// The company login did not give a Mist session (the IdP refused the app's window, the
    /// login did not finish in time, or the portal gave no session).
    #[error("{0}")]
    SsoFailed(String),
    /// The OS keychain is missing, locked, or refused access.
    #[error("{0}")]
    KeychainUnavailable(String),
    /// The one reveal of a new key has already happened.
    #[error("This key has already been shown once. For your safety it cannot be shown again; use Copy key or Save to keychain while this dialog is open, or delete the token and create a new one.")]
    AlreadyRevealed,
    /// The reveal slot was closed (dismissed, 10 minutes passed, or the app restarted).
    #[error("This key is no longer available: it is kept only until the dialog is closed or for 10 minutes. If you did not keep it, delete the token and create a new one.")]
    SlotExpired,
    /// Mist (or a proxy in front of it) failed.
    #[error("{0}")]
    Server(String),
    /// Mist answered something we do not understand.
    #[error("{0}")]
    UnexpectedResponse(String),
    /// A create was sent but the answer was lost; the token may exist without its key.
    #[error("{message}")]
    CreateUnconfirmed {
        message: String,
        token_id: Option<String>,
    },
    /// A saved key has no cloud bound to it in the keychain (saved by an older version): the
    /// admin must confirm its cloud once before it is sent anywhere.
    #[error("{0}")]
    CloudUnconfirmed(String),
    /// A command that needs a session was called while signed out.
    #[error("You are not signed in. Sign in again to continue.")]
    NotSignedIn,
    /// A bug on our side; the message says so plainly.
    #[error("{0}")]
    Internal(String),
}

/// The stable word the UI switches on, one per [`Error`] variant. The generated TypeScript has
/// both the type and the runtime list (`ERROR_KINDS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Network,
    Timeout,
    Tls,
    Unauthorized,
    Forbidden,
    NotFound,
    RateLimited,
    InvalidInput,
    TwoFactorRequired,
    TwoFactorInvalid,
    SsoAccount,
    SsoCancelled,
    SsoFailed,
    KeychainUnavailable,
    AlreadyRevealed,
    SlotExpired,
    Server,
    UnexpectedResponse,
    CreateUnconfirmed,
    CloudUnconfirmed,
    NotSignedIn,
    Internal,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 22] = [
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Tls,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::InvalidInput,
        ErrorKind::TwoFactorRequired,
        ErrorKind::TwoFactorInvalid,
        ErrorKind::SsoAccount,
        ErrorKind::SsoCancelled,
        ErrorKind::SsoFailed,
        ErrorKind::KeychainUnavailable,
        ErrorKind::AlreadyRevealed,
        ErrorKind::SlotExpired,
        ErrorKind::Server,
        ErrorKind::UnexpectedResponse,
        ErrorKind::CreateUnconfirmed,
        ErrorKind::CloudUnconfirmed,
        ErrorKind::NotSignedIn,
        ErrorKind::Internal,
    ];

    /// The word on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Tls => "tls",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::TwoFactorRequired => "two_factor_required",
            ErrorKind::TwoFactorInvalid => "two_factor_invalid",
            ErrorKind::SsoAccount => "sso_account",
            ErrorKind::SsoCancelled => "sso_cancelled",
            ErrorKind::SsoFailed => "sso_failed",
            ErrorKind::KeychainUnavailable => "keychain_unavailable",
            ErrorKind::AlreadyRevealed => "already_revealed",
            ErrorKind::SlotExpired => "slot_expired",
            ErrorKind::Server => "server",
            ErrorKind::UnexpectedResponse => "unexpected_response",
            ErrorKind::CreateUnconfirmed => "create_unconfirmed",
            ErrorKind::CloudUnconfirmed => "cloud_unconfirmed",
            ErrorKind::NotSignedIn => "not_signed_in",
            ErrorKind::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with the word on the wire (`e.kind() == "not_found"`).
impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Error {
    /// The stable word the UI switches on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Network(_) => ErrorKind::Network,
            Error::Timeout(_) => ErrorKind::Timeout,
            Error::Tls(_) => ErrorKind::Tls,
            Error::Unauthorized(_) => ErrorKind::Unauthorized,
            Error::Forbidden(_) => ErrorKind::Forbidden,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::TwoFactorRequired => ErrorKind::TwoFactorRequired,
            Error::TwoFactorInvalid(_) => ErrorKind::TwoFactorInvalid,
            Error::SsoAccount(_) => ErrorKind::SsoAccount,
            Error::SsoCancelled => ErrorKind::SsoCancelled,
            Error::SsoFailed(_) => ErrorKind::SsoFailed,
            Error::KeychainUnavailable(_) => ErrorKind::KeychainUnavailable,
            Error::AlreadyRevealed => ErrorKind::AlreadyRevealed,
            Error::SlotExpired => ErrorKind::SlotExpired,
            Error::Server(_) => ErrorKind::Server,
            Error::UnexpectedResponse(_) => ErrorKind::UnexpectedResponse,
            Error::CreateUnconfirmed { .. } => ErrorKind::CreateUnconfirmed,
            Error::CloudUnconfirmed(_) => ErrorKind::CloudUnconfirmed,
            Error::NotSignedIn => ErrorKind::NotSignedIn,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// Shorthand for an input error on one form field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The IPC shape of this error.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            kind: self.kind(),
            message: self.to_string(),
            field: match self {
                Error::InvalidInput { field, .. } => Some(field.clone()),
                _ => None,
            },
            retry_after_s: match self {
                Error::RateLimited { retry_after_s, .. } => *retry_after_s,
                _ => None,
            },
            token_id: match self {
                Error::CreateUnconfirmed { token_id, .. } => token_id.clone(),
                _ => None,
            },
        }
    }
}

/// What an [`Error`] looks like over IPC: `{kind, message, field?, retry_after_s?, token_id?}`.
/// `Error` serializes through it, so the generated TypeScript type (`AppError`) is its shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(rename = "AppError")]
pub struct ErrorBody {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub retry_after_s: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub token_id: Option<String>,
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body().serialize(serializer)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_to_the_ipc_shape() {
        let e = Error::invalid("src_ips", "“10.0.0.300” is not an IP address.");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "invalid_input");
        assert_eq!(v["field"], "src_ips");
        assert!(v["message"].as_str().unwrap().contains("10.0.0.300"));
        assert!(v.get("retry_after_s").is_none());

        let e = Error::RateLimited {
            message: "Mist asks us to wait.".into(),
            retry_after_s: Some(120),
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "rate_limited");
        assert_eq!(v["retry_after_s"], 120);
        assert!(v.get("field").is_none());
    }

    #[test]
    fn every_kind_has_a_message() {
        for e in [
            Error::TwoFactorRequired,
            Error::AlreadyRevealed,
            Error::SlotExpired,
            Error::NotSignedIn,
            Error::SsoCancelled,
        ] {
            assert!(e.to_string().len() > 20, "{e:?}");
        }
    }
}
