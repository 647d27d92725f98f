//! The one error type of the backend. It knows nothing of Tauri; it serializes to the IPC shape
//! `{kind, message, field?, retry_after_s?, token_id?}` (see docs/ipc.md).
//!
//! Every message is written for an admin who is not a programmer: what happened, in plain words,
//! and what to do next. A message never carries a secret: build them from hosts, names and ids
//! only, never from request bodies, headers or keys.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

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

impl Error {
    /// The stable word the UI switches on.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Network(_) => "network",
            Error::Timeout(_) => "timeout",
            Error::Tls(_) => "tls",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::RateLimited { .. } => "rate_limited",
            Error::InvalidInput { .. } => "invalid_input",
            Error::TwoFactorRequired => "two_factor_required",
            Error::TwoFactorInvalid(_) => "two_factor_invalid",
            Error::SsoAccount(_) => "sso_account",
            Error::KeychainUnavailable(_) => "keychain_unavailable",
            Error::AlreadyRevealed => "already_revealed",
            Error::SlotExpired => "slot_expired",
            Error::Server(_) => "server",
            Error::UnexpectedResponse(_) => "unexpected_response",
            Error::CreateUnconfirmed { .. } => "create_unconfirmed",
            Error::CloudUnconfirmed(_) => "cloud_unconfirmed",
            Error::NotSignedIn => "not_signed_in",
            Error::Internal(_) => "internal",
        }
    }

    /// Shorthand for an input error on one form field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Error", 5)?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        match self {
            Error::InvalidInput { field, .. } => s.serialize_field("field", field)?,
            Error::RateLimited {
                retry_after_s: Some(secs),
                ..
            } => s.serialize_field("retry_after_s", secs)?,
            Error::CreateUnconfirmed {
                token_id: Some(id), ..
            } => s.serialize_field("token_id", id)?,
            _ => {}
        }
        s.end()
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
        ] {
            assert!(e.to_string().len() > 20, "{e:?}");
        }
    }
}
