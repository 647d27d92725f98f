//! Signing in (password, 2FA, token), who am I, and signing out.

use std::sync::Arc;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::clouds::Cloud;
use super::http::{rate_limited, Auth, Call, CookieJar, Http, DETECT_TIMEOUT};
use super::model::{
    Identity, IdentityKind, KeyHint, KeyTest, OrgInfo, RawSelf, SessionInfo, SignInMethod,
};
use super::orgs::{privilege_view, reachable_orgs};
use crate::{Error, Result};

/// How a session authenticates. Bound to one cloud: its auth never goes to another host.
pub(crate) enum Credential {
    Password(Arc<CookieJar>),
    Token(SecretString),
    /// The portal session cookies read off the SSO login window (memory only).
    Sso(Arc<CookieJar>),
}

impl Credential {
    pub fn auth(&self) -> Auth<'_> {
        match self {
            Credential::Password(jar) | Credential::Sso(jar) => Auth::Cookies(jar),
            Credential::Token(t) => Auth::Token(t),
        }
    }
}

/// A signed-in session.
pub(crate) struct Session {
    pub cloud: Cloud,
    pub cred: Credential,
    pub info: SessionInfo,
    /// first4...last4 of the token signed in with, only when the key is long enough for the hint
    /// to tell it apart (more than 16 characters); used once, to learn the token's id.
    pub key_hint: Option<KeyHint>,
    /// The id of the token this session signed in with, once a list showed it unambiguously.
    pub token_id: std::sync::Mutex<Option<String>>,
    /// Hints this app made itself from keys it held (new tokens): they win over Mist's.
    pub known_hints: std::sync::Mutex<std::collections::HashMap<String, KeyHint>>,
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

    /// The hint the UI gets for a token: the one this app made from the key when it had it,
    /// else Mist's, cut down to 4 + `...` + 4 characters.
    pub fn hint_for(&self, token_id: &str, shown: Option<&KeyHint>) -> KeyHint {
        if let Some(h) = self
            .known_hints
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(token_id)
        {
            return h.clone();
        }
        shown.cloned().unwrap_or_else(|| KeyHint::from_mist(""))
    }

    /// Remembers the hint made from a key this app held (a token it just created).
    pub fn know_hint(&self, token_id: &str, key: &str) {
        self.known_hints
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token_id.to_string(), KeyHint::of_key(key));
    }

    /// Whether `token_id` is the token this session signed in with (by id, never by hint).
    pub fn is_session_token(&self, token_id: &str) -> bool {
        self.token_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
            == Some(token_id)
    }

    /// Learns the session token's id from a list of tokens, when exactly one of them shows the
    /// session key's hint (and, for an org token, its name). A key of 16 characters or fewer
    /// has no telling hint, so its token is never guessed.
    pub fn learn_session_token(&self, list: &[super::model::RawToken], user_list: bool) {
        let Some(hint) = &self.key_hint else {
            return;
        };
        let org_session = self.info.identity.kind == IdentityKind::OrgToken;
        if org_session == user_list {
            return; // a user token is in the user list; an org token in an org's list
        }
        let mut id = self.token_id.lock().unwrap_or_else(|e| e.into_inner());
        if id.is_some() {
            return;
        }
        let mut found = list.iter().filter(|t| {
            t.key.as_ref() == Some(hint) && (!org_session || t.name == self.info.identity.name)
        });
        if let (Some(t), None) = (found.next(), found.next()) {
            *id = Some(t.id.clone());
        }
    }
}

/// A password sign-in waiting for its 2FA code.
pub(crate) struct Pending {
    pub cloud: Cloud,
    pub jar: Arc<CookieJar>,
}

/// Keys of at most this many characters get `...` alone as their hint: 8 characters of a short
/// key would give too much of it away.
pub const SHORT_KEY: usize = 16;

/// "abcd...wxyz" for a key this app holds; `...` alone for a key of 16 characters or fewer.
pub fn key_hint(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= SHORT_KEY {
        return "...".into();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}...{tail}")
}

/// The hint Mist showed, never longer than 4 characters + `...` + 4 characters, whatever Mist
/// sent (a longer hint, or the whole key: that is then treated as a key, see [`key_hint`]).
pub fn hint_from_mist(shown: &str) -> String {
    match shown.split_once("...") {
        Some((head, tail)) => {
            let head: String = head.chars().take(4).collect();
            let n = tail.chars().count();
            let tail: String = tail.chars().skip(n.saturating_sub(4)).collect();
            format!("{head}...{tail}")
        }
        None => key_hint(shown),
    }
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
        "This account signs in through your company's single sign-on (SSO), and Mist does not let SSO accounts sign in with a password. Choose “Sign in with your company login”, or ask an org Super User for an org API token (Mist portal: Organization > Settings > API Token) and choose “Sign in with an API token”.".into(),
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
    r.retry_after()
}

/// Asks one cloud whether it knows this email. `Some(sso)` when it does, `None` when not (404).
pub(crate) async fn lookup_email(http: &Http, cloud: &Cloud, email: &str) -> Result<Option<bool>> {
    Ok(lookup(http, cloud, email, DETECT_TIMEOUT)
        .await?
        .map(|sso_url| sso_url.is_some()))
}

/// `POST /login/lookup`: `None` when the cloud does not know the email (404), else the account's
/// `sso_url` (`Some(None)`: a password account).
pub(crate) async fn lookup(
    http: &Http,
    cloud: &Cloud,
    email: &str,
    timeout: std::time::Duration,
) -> Result<Option<Option<String>>> {
    #[derive(Serialize)]
    struct Body<'a> {
        email: &'a str,
    }
    let call = Call::new(Method::POST, &cloud.api_url, "/login/lookup", Auth::None)
        .json(&Body { email })
        .timeout(timeout);
    let r = http.raw(&call).await?;
    match r.status {
        200..=299 => {
            let v: serde_json::Value = r.json()?;
            Ok(Some(
                v.get("sso_url")
                    .and_then(|u| u.as_str())
                    .filter(|u| !u.trim().is_empty())
                    .map(str::to_string),
            ))
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
                kind: IdentityKind::User,
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
            kind: IdentityKind::OrgToken,
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
        Credential::Password(_) => (SignInMethod::Password, None),
        Credential::Sso(_) => (SignInMethod::Sso, None),
        Credential::Token(t) => {
            let hint = Some(KeyHint::of_key(t.expose_secret())).filter(|h| !h.is_blank());
            (SignInMethod::Token, hint)
        }
    };
    let info = SessionInfo {
        cloud: cloud.info(),
        can_create_user_tokens: identity.kind == IdentityKind::User && !identity.via_sso,
        identity,
        method,
        privileges: me.privileges.iter().map(privilege_view).collect(),
        orgs,
        remembered: false,
    };
    Ok(Session {
        cloud,
        cred,
        info,
        key_hint,
        token_id: Default::default(),
        known_hints: Default::default(),
        remembered: Default::default(),
    })
}

/// `POST /logout` for a cookie session, password or SSO (best effort: the session and its
/// cookies are forgotten anyway).
pub(crate) async fn logout(http: &Http, session: &Session) {
    if let Credential::Password(jar) | Credential::Sso(jar) = &session.cred {
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
                    warning: None,
                    usage: None,
                }, Some(KeyRefusal::Gone))
            }
            Err(Error::Forbidden(_)) => {
                return test(KeyTest {
                    valid: false,
                    identity: None,
                    privileges: Vec::new(),
                    message: "Mist refused this key from this computer. It may be limited to other source IP addresses.".into(),
                    warning: None,
                    usage: None,
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
            warning: None,
            usage: None,
        },
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_like_mist() {
        assert_eq!(key_hint("hBEEabcdefgh3zXNq"), "hBEE...zXNq");
        assert_eq!(key_hint("hBEEabcdefgh3zXN"), "...");
        assert_eq!(key_hint("short"), "...");
        assert_eq!(hint_from_mist("hBEE...3zXN"), "hBEE...3zXN");
        assert_eq!(hint_from_mist("hBEEab...cd3zXN"), "hBEE...3zXN");
        assert_eq!(hint_from_mist("..."), "...");
        assert_eq!(hint_from_mist(""), "...");
    }

    #[test]
    fn org_token_identity_has_no_email() {
        let me: RawSelf = serde_json::from_str(
            r#"{"name": "ci", "privileges": [{"scope": "org", "role": "read", "org_id": "o"}]}"#,
        )
        .unwrap();
        let id = identity(&me);
        assert_eq!(id.kind, IdentityKind::OrgToken);
        assert_eq!(id.email, None);
        assert_eq!(id.name, "ci");
    }
}
