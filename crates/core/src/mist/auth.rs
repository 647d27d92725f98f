//! Signing in (password, 2FA, token), who am I, and signing out.

use std::sync::Arc;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::clouds::Cloud;
use super::http::{rate_limited, Auth, Call, CookieJar, Http, DETECT_TIMEOUT};
use super::model::{Identity, KeyTest, OrgInfo, RawSelf, SessionInfo};
use super::orgs::{privilege_view, reachable_orgs};
use crate::{Error, Result};

/// How a session authenticates. Bound to one cloud: its auth never goes to another host.
pub(crate) enum Credential {
    Password(Arc<CookieJar>),
    Token(SecretString),
}

impl Credential {
    pub fn auth(&self) -> Auth<'_> {
        match self {
            Credential::Password(jar) => Auth::Cookies(jar),
            Credential::Token(t) => Auth::Token(t),
        }
    }
}

/// A signed-in session.
pub(crate) struct Session {
    pub cloud: Cloud,
    pub cred: Credential,
    pub info: SessionInfo,
    /// first4...last4 of the token signed in with (to mark it in lists).
    pub key_hint: Option<String>,
    /// Signed in with a token kept in the keychain.
    pub remembered: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("cloud", &self.cloud.id)
            .field("method", &self.info.method)
            .field("cred", &"[REDACTED]")
            .finish()
    }
}

impl Session {
    pub fn auth(&self) -> Auth<'_> {
        self.cred.auth()
    }
    /// What the UI sees of this session.
    pub fn view(&self) -> SessionInfo {
        let mut info = self.info.clone();
        info.remembered = self.remembered.load(std::sync::atomic::Ordering::SeqCst);
        info
    }
    pub fn base(&self) -> &str {
        &self.cloud.api_url
    }
    pub fn org(&self, org_id: &str) -> Option<&OrgInfo> {
        self.info.orgs.iter().find(|o| o.id == org_id)
    }
}

/// A password sign-in waiting for its 2FA code.
pub(crate) struct Pending {
    pub cloud: Cloud,
    pub jar: Arc<CookieJar>,
}

/// "abcd...wxyz", as Mist shows a key in lists.
pub fn key_hint(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 8 {
        return "...".into();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}...{tail}")
}

#[derive(Serialize, Zeroize, ZeroizeOnDrop)]
struct LoginBody {
    email: String,
    password: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    two_factor: Option<String>,
}

#[derive(Serialize, Zeroize, ZeroizeOnDrop)]
struct TwoFactorBody {
    two_factor: String,
}

fn sso_error() -> Error {
    Error::SsoAccount(
        "This account signs in through your company's single sign-on (SSO), and Mist does not let SSO accounts sign in with a password. Ask an org Super User for an org API token (Mist portal: Organization > Settings > API Token), then choose “Sign in with a token”.".into(),
    )
}

fn wrong_code() -> Error {
    Error::TwoFactorInvalid(
        "That code was not accepted. Codes change every 30 seconds: enter the current six-digit code from your authenticator app.".into(),
    )
}

fn lockout(retry_after_s: Option<u64>) -> Error {
    let wait = match rate_limited(retry_after_s) {
        Error::RateLimited { message, .. } => message
            .split_once(". ")
            .map(|(_, w)| w.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    };
    Error::RateLimited {
        message: format!(
            "Mist has locked sign-in for this account for a while after too many attempts. {wait}"
        ),
        retry_after_s,
    }
}

fn retry_after(r: &super::http::Response) -> Option<u64> {
    r.headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Asks one cloud whether it knows this email. `Some(sso)` when it does, `None` when not (404).
pub(crate) async fn lookup_email(http: &Http, cloud: &Cloud, email: &str) -> Result<Option<bool>> {
    #[derive(Serialize)]
    struct Body<'a> {
        email: &'a str,
    }
    let call = Call::new(Method::POST, &cloud.api_url, "/login/lookup", Auth::None)
        .json(&Body { email })
        .timeout(DETECT_TIMEOUT);
    let r = http.raw(&call).await?;
    match r.status {
        200..=299 => {
            let v: serde_json::Value = r.json()?;
            Ok(Some(v.get("sso_url").is_some_and(|u| !u.is_null())))
        }
        404 => Ok(None),
        _ => Err(r.error(Auth::None, "look up this account")),
    }
}

pub(crate) enum LoginOutcome {
    Done,
    NeedsTwoFactor,
}

/// `POST /login` (and the 2FA code when given up front). Cookies land in `jar`.
pub(crate) async fn login(
    http: &Http,
    cloud: &Cloud,
    jar: &CookieJar,
    email: &str,
    password: &SecretString,
    code: Option<&SecretString>,
) -> Result<LoginOutcome> {
    let body = LoginBody {
        email: email.trim().to_string(),
        password: password.expose_secret().to_string(),
        two_factor: code.map(|c| c.expose_secret().trim().to_string()),
    };
    let call = Call::new(Method::POST, &cloud.api_url, "/login", Auth::Cookies(jar)).json(&body);
    drop(body);
    let r = http.raw(&call).await?;
    match r.status {
        200..=299 => {
            let v: serde_json::Value = r.json().unwrap_or(serde_json::Value::Null);
            let required = v.get("two_factor_required") == Some(&serde_json::Value::Bool(true));
            let passed = v.get("two_factor_passed") == Some(&serde_json::Value::Bool(true));
            if required && !passed {
                return Ok(LoginOutcome::NeedsTwoFactor);
            }
            Ok(LoginOutcome::Done)
        }
        400 | 401 | 403 => {
            let v: serde_json::Value = r.json().unwrap_or(serde_json::Value::Null);
            let detail = r.detail().unwrap_or_default().to_ascii_lowercase();
            if detail.contains("sso") || v.get("forward_url").is_some_and(|u| !u.is_null()) {
                return Err(sso_error());
            }
            if code.is_some()
                && (detail.contains("two") || detail.contains("2fa") || detail.contains("code"))
            {
                return Err(wrong_code());
            }
            Err(Error::Unauthorized(
                "The email or password is not right. Check both and try again (Mist locks sign-in for a while after a few failed tries).".into(),
            ))
        }
        429 => Err(lockout(retry_after(&r))),
        _ => Err(r.error(Auth::None, "sign in")),
    }
}

/// `POST /login/two_factor`.
pub(crate) async fn two_factor(
    http: &Http,
    cloud: &Cloud,
    jar: &CookieJar,
    code: &SecretString,
) -> Result<()> {
    let body = TwoFactorBody {
        two_factor: code.expose_secret().trim().to_string(),
    };
    let call = Call::new(
        Method::POST,
        &cloud.api_url,
        "/login/two_factor",
        Auth::Cookies(jar),
    )
    .json(&body);
    drop(body);
    let r = http.raw(&call).await?;
    match r.status {
        200..=299 | 404 => Ok(()), // 404: this account has no 2FA after all
        400 | 401 => Err(wrong_code()),
        429 => Err(lockout(retry_after(&r))),
        _ => Err(r.error(Auth::Cookies(jar), "sign in")),
    }
}

/// `GET /self`.
pub(crate) async fn fetch_self(
    http: &Http,
    base: &str,
    auth: Auth<'_>,
    timeout: Option<std::time::Duration>,
) -> Result<RawSelf> {
    let mut call = Call::get(base, "/self", auth).action("see who is signed in");
    if let Some(t) = timeout {
        call = call.timeout(t).no_retry();
    }
    http.json(&call).await
}

pub(crate) fn identity(me: &RawSelf) -> Identity {
    match &me.email {
        Some(email) => {
            let full = format!(
                "{} {}",
                me.first_name.as_deref().unwrap_or(""),
                me.last_name.as_deref().unwrap_or("")
            );
            let full = full.trim();
            Identity {
                kind: "user".into(),
                email: Some(email.clone()),
                name: if full.is_empty() {
                    email.clone()
                } else {
                    full.to_string()
                },
                via_sso: me.via_sso.unwrap_or(false),
            }
        }
        None => Identity {
            kind: "org_token".into(),
            email: None,
            name: me.name.clone().unwrap_or_else(|| "Org API token".into()),
            via_sso: false,
        },
    }
}

/// Builds the session from `/self`: identity, privileges in words, reachable orgs.
pub(crate) async fn build_session(
    http: &Http,
    cloud: Cloud,
    cred: Credential,
    me: RawSelf,
) -> Result<Session> {
    let orgs = reachable_orgs(http, &cloud.api_url, cred.auth(), &me.privileges).await?;
    let identity = identity(&me);
    let (method, key_hint) = match &cred {
        Credential::Password(_) => ("password", None),
        Credential::Token(t) => ("token", Some(key_hint(t.expose_secret()))),
    };
    let info = SessionInfo {
        cloud: cloud.info(),
        can_create_user_tokens: identity.kind == "user" && !identity.via_sso,
        identity,
        method: method.into(),
        privileges: me.privileges.iter().map(privilege_view).collect(),
        orgs,
        remembered: false,
    };
    Ok(Session {
        cloud,
        cred,
        info,
        key_hint,
        remembered: Default::default(),
    })
}

/// `POST /logout` for a password session (best effort: the session is forgotten anyway).
pub(crate) async fn logout(http: &Http, session: &Session) {
    if let Credential::Password(jar) = &session.cred {
        let call = Call::new(Method::POST, session.base(), "/logout", Auth::Cookies(jar))
            .json(&serde_json::json!({}))
            .timeout(std::time::Duration::from_secs(5));
        let _ = http.raw(&call).await;
        jar.clear();
    }
}

/// `GET /self` with a saved key: who it is, and whether Mist still accepts it.
pub(crate) async fn test_key(http: &Http, cloud: &Cloud, key: &SecretString) -> Result<KeyTest> {
    check_key(http, cloud, key).await.map(|(test, _)| test)
}

/// Why Mist did not accept a key (for the command line's exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefusal {
    /// 401: the token was deleted, removed after 90 days unused, or belongs to another cloud.
    Gone,
    /// 403: Mist refused the key from this computer (source IP limits).
    Refused,
}

/// Like [`test_key`], and also says why a key that does not work was refused.
pub(crate) async fn check_key(
    http: &Http,
    cloud: &Cloud,
    key: &SecretString,
) -> Result<(KeyTest, Option<KeyRefusal>)> {
    let test = |t: KeyTest, r: Option<KeyRefusal>| Ok((t, r));
    let me = match fetch_self(http, &cloud.api_url, Auth::Token(key), None).await {
            Ok(me) => me,
            Err(Error::Unauthorized(_)) => {
                return test(KeyTest {
                    valid: false,
                    identity: None,
                    privileges: Vec::new(),
                    message: format!("Mist no longer accepts this key: it was deleted, or removed after 90 days unused (or it belongs to another cloud than {}).", cloud.name),
                }, Some(KeyRefusal::Gone))
            }
            Err(Error::Forbidden(_)) => {
                return test(KeyTest {
                    valid: false,
                    identity: None,
                    privileges: Vec::new(),
                    message: "Mist refused this key from this computer. It may be limited to other source IP addresses.".into(),
                }, Some(KeyRefusal::Refused))
            }
            Err(e) => return Err(e),
        };
    let identity = identity(&me);
    let privileges: Vec<_> = me.privileges.iter().map(privilege_view).collect();
    let access = privileges
        .iter()
        .map(|p| p.summary.clone())
        .collect::<Vec<_>>()
        .join("; ");
    let message = match &identity.email {
        Some(email) => {
            format!("Works. User token of {email}, with the same access as that account.")
        }
        None => format!("Works. Org token “{}”: {access}.", identity.name),
    };
    test(
        KeyTest {
            valid: true,
            identity: Some(identity),
            privileges,
            message,
        },
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_like_mist() {
        assert_eq!(key_hint("hBEEabcdefgh3zXN"), "hBEE...3zXN");
        assert_eq!(key_hint("short"), "...");
    }

    #[test]
    fn org_token_identity_has_no_email() {
        let me: RawSelf = serde_json::from_str(
            r#"{"name": "ci", "privileges": [{"scope": "org", "role": "read", "org_id": "o"}]}"#,
        )
        .unwrap();
        let id = identity(&me);
        assert_eq!(id.kind, "org_token");
        assert_eq!(id.email, None);
        assert_eq!(id.name, "ci");
    }
}
