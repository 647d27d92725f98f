//! Signing in through the company's login page (SSO), the way the Mist portal does: the IdP login
//! runs in the app's own login window (opened by the platform layer, `src-tauri/sso.rs`), and
//! once that window reaches the portal (`/admin/` or `/msp/`), the portal's session cookies
//! (`csrftoken<suffix>`, `sessionid<suffix>`) are read off it and become a cookie session like a
//! password session's. No Tauri types here: the platform feeds [`SsoEvent`]s and reads cookies
//! through [`LoginWindow`]; the decisions (which address may load, when the portal is reached,
//! which cookies count, when to give up) are made here and tested without a window.
//!
//! Secrets: the cookies live in memory only, in a [`CookieJar`]; they are never logged, written
//! to disk or sent to the main window's web view. Messages and the diagnostics name hosts only,
//! never a URL (an IdP URL can carry a ticket in its query string).

use std::sync::Arc;
use std::time::Duration;

pub use futures::future::BoxFuture;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use url::Url;
use zeroize::Zeroizing;

use super::clouds::{is_loopback_host, Cloud};
use super::http::CookieJar;
use crate::{Error, Result};

/// The login window's label. No capability names it, so its web view reaches no command.
pub const LOGIN_WINDOW_LABEL: &str = "sso-login";
/// How long the company login may take before the app gives up (seconds), when set.
pub const TIMEOUT_ENV: &str = "MIST_TOKEN_MANAGER_SSO_TIMEOUT_S";
/// The default time an admin has to finish the company login.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// Where the page probe ([`refusal_probe_script`]) navigates to tell the app that the IdP refuses
/// embedded browsers. It never loads: the navigation handler cancels it (`.invalid` never
/// resolves anyway). A page that navigates there itself only ends its own login.
pub const REFUSED_SIGNAL_URL: &str = "https://mist-token-manager.invalid/sso/refused";
/// How often the portal's cookies are read before the app says it got no session (the cookie
/// store can lag the page load by a moment).
const COOKIE_READS: usize = 5;
const COOKIE_READ_PAUSE: Duration = Duration::from_millis(300);

/// What IdPs show when they refuse a login in an embedded browser (lower case). Google since
/// 2021 ("disallowed_useragent"), Entra ID with device-based Conditional Access (AADSTS53000,
/// AADSTS53001, AADSTS530003 / "You can't get there from here"), Okta FastPass and Okta's
/// device-trust policies.
pub const REFUSAL_PHRASES: &[&str] = &[
    "disallowed_useragent",
    "this browser or app may not be secure",
    "couldn't sign you in",
    "use a secure browser",
    "aadsts53000",
    "aadsts53001",
    "aadsts53003",
    "aadsts530003",
    "you can't get there from here",
    "device must be managed",
    "okta verify is not installed",
    "your browser is not supported",
    "embedded browsers are not supported",
];

/// A browser's user agent (the IdPs that refuse web views look for these words), per OS.
pub fn browser_user_agent() -> &'static str {
    if cfg!(target_os = "macos") {
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
    } else if cfg!(target_os = "windows") {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
    } else {
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
    }
}

/// A script for every page of the login window: when the page's text says the IdP refuses
/// embedded browsers ([`REFUSAL_PHRASES`]), it navigates to [`REFUSED_SIGNAL_URL`], which the
/// navigation handler turns into [`SsoEvent::RefusedByIdp`]. It needs no IPC: the window has none.
pub fn refusal_probe_script() -> String {
    let phrases = serde_json::to_string(REFUSAL_PHRASES).unwrap_or_else(|_| "[]".into());
    format!(
        r#"(function () {{
  if (window.top !== window) return;
  var phrases = {phrases};
  var told = false;
  function check() {{
    if (told || !document.body) return;
    var text = (document.title + ' ' + document.body.innerText + ' ' + location.href).toLowerCase();
    for (var i = 0; i < phrases.length; i++) {{
      if (text.indexOf(phrases[i]) >= 0) {{
        told = true;
        location.href = {signal:?} + '?phrase=' + i;
        return;
      }}
    }}
  }}
  document.addEventListener('DOMContentLoaded', check);
  window.addEventListener('load', check);
  setInterval(check, 1500);
}})();"#,
        signal = REFUSED_SIGNAL_URL,
    )
}

/// What the login window's navigation handler should do with an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Navigation {
    /// Load it (https; http only to this computer when the cloud is a loopback simulator).
    Allow,
    /// The probe's signal that the IdP refuses embedded browsers: cancel it and give up.
    RefusedByIdp,
    /// Refuse it (`file:`, custom schemes such as an authenticator app's, plain http elsewhere).
    Block,
}

/// What happens in the login window, as the platform reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoEvent {
    /// A page finished loading.
    PageLoaded(Url),
    /// The navigation handler refused an address ([`Navigation::Block`]).
    Blocked(Url),
    /// The page probe saw that the IdP refuses embedded browsers.
    RefusedByIdp,
    /// The window was closed (by the admin, or because it went away).
    Closed,
}

/// Where the platform sends [`SsoEvent`]s.
pub type SsoSender = UnboundedSender<SsoEvent>;
/// Where [`crate::mist::MistState::sign_in_sso`] hears them.
pub type SsoReceiver = UnboundedReceiver<SsoEvent>;

/// A channel for one login window's events.
pub fn event_channel() -> (SsoSender, SsoReceiver) {
    tokio::sync::mpsc::unbounded_channel()
}

/// One cookie as the login window's cookie store has it. Debug is redacted.
pub struct PortalCookie {
    pub name: String,
    pub value: Zeroizing<String>,
    /// The cookie's domain (`.mist.com`, `127.0.0.1`), when the store says.
    pub domain: Option<String>,
}

impl std::fmt::Debug for PortalCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalCookie")
            .field("name", &self.name)
            .field("value", &"[REDACTED]")
            .field("domain", &self.domain)
            .finish()
    }
}

/// The login window, as the core needs it.
pub trait LoginWindow: Send + Sync {
    /// The cookies the window's store holds for `api` (on macOS: all of them; they are filtered
    /// by domain here). Called from async code, never from a window event handler.
    fn cookies(&self, api: Url) -> BoxFuture<'_, Result<Vec<PortalCookie>>>;
    /// Closes the window (nothing of its incognito session stays).
    fn close(&self);
}

/// How far an SSO sign-in got, for "Copy diagnostics" (hosts only, never a URL or a cookie).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoStep {
    /// The login window opened on the IdP at this host.
    WindowOpened { idp_host: String },
    /// A page of this host loaded (the IdP's login pages).
    Page { host: String },
    /// The window reached the Mist portal; reading its session.
    Portal,
    /// Signed in.
    SignedIn,
    /// The admin closed the window.
    Closed,
    /// The IdP said it refuses embedded browsers.
    Refused { host: String },
    /// The login page tried to open an address the window does not allow.
    Blocked { what: String },
    /// The login did not finish in time.
    TimedOut,
    /// The portal loaded without a session cookie.
    NoSession,
    /// Mist did not accept the portal session.
    NotAccepted,
}

impl std::fmt::Display for SsoStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SsoStep::WindowOpened { idp_host } => {
                write!(f, "login window opened on the IdP ({idp_host})")
            }
            SsoStep::Page { host } => write!(f, "a login page of {host} loaded"),
            SsoStep::Portal => f.write_str("reached the Mist portal, reading its session"),
            SsoStep::SignedIn => f.write_str("signed in"),
            SsoStep::Closed => f.write_str("the admin closed the login window"),
            SsoStep::Refused { host } => {
                write!(f, "the IdP ({host}) refused the app's login window")
            }
            SsoStep::Blocked { what } => {
                write!(
                    f,
                    "the login page tried to open {what}, which the window does not allow"
                )
            }
            SsoStep::TimedOut => f.write_str("the login did not finish in time"),
            SsoStep::NoSession => f.write_str("the portal loaded without a session cookie"),
            SsoStep::NotAccepted => f.write_str("Mist did not accept the portal session"),
        }
    }
}

/// One SSO sign-in: the cloud, the IdP address to open, the portal to wait for, the deadline.
#[derive(Clone)]
pub struct SsoPlan {
    pub cloud: Cloud,
    login_url: Url,
    portal: Url,
    api: Url,
    /// The cloud is a simulator on this computer: plain http to loopback addresses may load.
    loopback_cloud: bool,
    pub timeout: Duration,
}

impl std::fmt::Debug for SsoPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The login URL may carry a ticket in its query: its host only.
        f.debug_struct("SsoPlan")
            .field("cloud", &self.cloud.id)
            .field("idp_host", &self.idp_host())
            .field("portal", &self.portal.as_str())
            .finish()
    }
}

fn host_port(u: &Url) -> String {
    match (u.host_str(), u.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => u.scheme().to_string(),
    }
}

fn is_loopback_url(u: &Url) -> bool {
    u.host().is_some_and(|h| is_loopback_host(&h))
}

/// The timeout from [`TIMEOUT_ENV`] (whole seconds, at least 1), else [`DEFAULT_TIMEOUT`].
pub fn timeout_from_env() -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TIMEOUT)
}

impl SsoPlan {
    /// A plan for `cloud`, whose lookup gave `sso_url`. The cloud needs a portal address, and
    /// the IdP address must be one the login window may load.
    pub fn new(cloud: &Cloud, sso_url: &str, timeout: Duration) -> Result<Self> {
        let Some(portal) = cloud.portal_origin() else {
            return Err(Error::SsoFailed(format!(
                "{} has no portal address, so the app cannot tell when the company login is done. \
                 Add \"portal\" to this cloud's entry in the clouds file, or sign in with an API token.",
                cloud.name
            )));
        };
        let bad = |what: &str| {
            Error::SsoFailed(format!(
                "{} gave a company login address that {what}, so the app did not open it. \
                 Sign in with an API token instead, and tell your Mist administrator.",
                cloud.name
            ))
        };
        let portal = Url::parse(&portal).map_err(|_| bad("is not a web address"))?;
        let api = Url::parse(&format!("{}/", cloud.api_url))
            .map_err(|_| Error::invalid("cloud", "This cloud's address is not a web address."))?;
        let login_url = Url::parse(sso_url.trim()).map_err(|_| bad("is not a web address"))?;
        let plan = SsoPlan {
            cloud: cloud.clone(),
            login_url,
            portal,
            loopback_cloud: is_loopback_url(&api) && api.scheme() == "http",
            api,
            timeout,
        };
        if plan.navigation(&plan.login_url) != Navigation::Allow {
            return Err(bad("is not secure (https)"));
        }
        Ok(plan)
    }

    /// The IdP address the login window opens.
    pub fn login_url(&self) -> &Url {
        &self.login_url
    }

    /// The host of the IdP, for messages and the diagnostics.
    pub fn idp_host(&self) -> String {
        host_port(&self.login_url)
    }

    /// The API address whose cookies the session needs (`https://api.eu.mist.com/`).
    pub fn api_url(&self) -> &Url {
        &self.api
    }

    /// What the login window may load: https anywhere; http only to this computer, and only
    /// for a simulator on this computer; `about:blank`; nothing else (no `file:`, no custom
    /// schemes, no `data:`).
    pub fn navigation(&self, url: &Url) -> Navigation {
        if url.as_str().starts_with(REFUSED_SIGNAL_URL) {
            return Navigation::RefusedByIdp;
        }
        match url.scheme() {
            "https" if url.host_str().is_some() => Navigation::Allow,
            "http" if self.loopback_cloud && is_loopback_url(url) => Navigation::Allow,
            "about" if url.as_str() == "about:blank" => Navigation::Allow,
            _ => Navigation::Block,
        }
    }

    /// Whether `url` is the Mist portal after a login: the portal's origin, `/admin/...` or
    /// `/msp/...`.
    pub fn is_portal(&self, url: &Url) -> bool {
        let same_origin = url.scheme() == self.portal.scheme()
            && url.host_str().map(str::to_ascii_lowercase)
                == self.portal.host_str().map(str::to_ascii_lowercase)
            && url.port_or_known_default() == self.portal.port_or_known_default();
        let path = url.path();
        same_origin
            && ["/admin", "/msp"]
                .iter()
                .any(|p| path == *p || path.starts_with(&format!("{p}/")))
    }

    /// The session cookies among what the window's store holds: for the API's host (by domain
    /// suffix), `csrftoken<suffix>` and `sessionid<suffix>` of this cloud (any suffix when the
    /// cloud's is unknown). `None` without a session cookie.
    pub fn session_jar(&self, cookies: Vec<PortalCookie>) -> Option<CookieJar> {
        let host = self.api.host_str().unwrap_or_default().to_ascii_lowercase();
        let jar = CookieJar::new();
        for c in cookies {
            let domain_ok = match c.domain.as_deref() {
                None => true,
                Some(d) => {
                    let d = d.trim_start_matches('.').to_ascii_lowercase();
                    !d.is_empty() && (host == d || host.ends_with(&format!(".{d}")))
                }
            };
            let name_ok = match &self.cloud.cookie_suffix {
                Some(sfx) => {
                    c.name == format!("csrftoken{sfx}") || c.name == format!("sessionid{sfx}")
                }
                None => c.name.starts_with("csrftoken") || c.name.starts_with("sessionid"),
            };
            if domain_ok && name_ok {
                jar.insert(&c.name, c.value);
            }
        }
        jar.has_session().then_some(jar)
    }
}

/// The message when the IdP refuses the app's window.
fn refused_message(host: &str) -> String {
    format!(
        "Your company's login page ({host}) does not allow sign-in from an app's built-in window. \
         Some identity providers refuse them: Google since 2021, Microsoft Entra ID when your \
         company requires a managed device, and Okta FastPass. Sign in with an API token instead: \
         ask a Super User of your organization for an org token."
    )
}

/// Waits for the login window to reach the portal and reads the session off it. Every way out
/// closes the window: the portal (→ the session's cookies), the admin closing it (→
/// [`Error::SsoCancelled`]), the IdP refusing embedded browsers, a refused address or the
/// deadline (→ [`Error::SsoFailed`] with a plain message). `step` hears how far it got.
pub async fn wait_for_session(
    plan: &SsoPlan,
    window: &dyn LoginWindow,
    events: &mut UnboundedReceiver<SsoEvent>,
    step: &(dyn Fn(SsoStep) + Send + Sync),
) -> Result<Arc<CookieJar>> {
    let deadline = tokio::time::Instant::now() + plan.timeout;
    let mut last_host = plan.idp_host();
    step(SsoStep::WindowOpened {
        idp_host: last_host.clone(),
    });
    let result = loop {
        let event = match tokio::time::timeout_at(deadline, events.recv()).await {
            Err(_) => {
                step(SsoStep::TimedOut);
                break Err(Error::SsoFailed(format!(
                    "The company login did not finish within {} minutes, so the app closed its \
                     login window. If the login page kept waiting (for an authenticator app, a \
                     device check or a pop-up), your identity provider may not support the app's \
                     window: sign in with an API token instead.",
                    plan.timeout.as_secs().div_ceil(60)
                )));
            }
            Ok(e) => e.unwrap_or(SsoEvent::Closed),
        };
        match event {
            SsoEvent::Closed => {
                step(SsoStep::Closed);
                break Err(Error::SsoCancelled);
            }
            SsoEvent::RefusedByIdp => {
                step(SsoStep::Refused {
                    host: last_host.clone(),
                });
                break Err(Error::SsoFailed(refused_message(&last_host)));
            }
            SsoEvent::Blocked(url) => {
                let what = match url.scheme() {
                    "http" => format!("an unencrypted address ({})", host_port(&url)),
                    "https" => host_port(&url),
                    s => format!("a “{s}:” address (another app, such as an authenticator)"),
                };
                step(SsoStep::Blocked { what: what.clone() });
                break Err(Error::SsoFailed(format!(
                    "The company login page tried to open {what}, which the app's login window \
                     does not allow, so the sign-in stopped. If your company signs you in with \
                     an authenticator app or device check (such as Okta FastPass), sign in with \
                     an API token instead."
                )));
            }
            SsoEvent::PageLoaded(url) if plan.is_portal(&url) => {
                step(SsoStep::Portal);
                break read_session(plan, window, step).await;
            }
            SsoEvent::PageLoaded(url) => {
                let host = host_port(&url);
                if url.scheme() != "about" && host != last_host {
                    last_host = host.clone();
                    step(SsoStep::Page { host });
                }
            }
        }
    };
    window.close();
    result
}

async fn read_session(
    plan: &SsoPlan,
    window: &dyn LoginWindow,
    step: &(dyn Fn(SsoStep) + Send + Sync),
) -> Result<Arc<CookieJar>> {
    for attempt in 0..COOKIE_READS {
        if attempt > 0 {
            tokio::time::sleep(COOKIE_READ_PAUSE).await;
        }
        let cookies = window.cookies(plan.api_url().clone()).await?;
        if let Some(jar) = plan.session_jar(cookies) {
            return Ok(Arc::new(jar));
        }
    }
    step(SsoStep::NoSession);
    Err(Error::SsoFailed(format!(
        "The company login reached the Mist portal ({}), but the portal gave the app no session. \
         Try again; if it keeps happening, sign in with an API token instead.",
        host_port(&plan.portal)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mist::clouds::{builtin_clouds, parse_clouds_json};

    fn eu_plan() -> SsoPlan {
        let eu = builtin_clouds()
            .into_iter()
            .find(|c| c.id == "emea01")
            .unwrap();
        SsoPlan::new(
            &eu,
            "https://login.microsoftonline.com/tenant/saml2?SAMLRequest=abc",
            DEFAULT_TIMEOUT,
        )
        .unwrap()
    }

    fn sim_plan() -> SsoPlan {
        let c = parse_clouds_json(
            r#"[{"name": "Sim", "api": "http://127.0.0.1:8787", "portal": "http://127.0.0.1:8787"}]"#,
        )
        .unwrap();
        SsoPlan::new(&c[0], "http://127.0.0.1:8787/idp/login", DEFAULT_TIMEOUT).unwrap()
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn cookie(name: &str, value: &str, domain: Option<&str>) -> PortalCookie {
        PortalCookie {
            name: name.into(),
            value: Zeroizing::new(value.into()),
            domain: domain.map(str::to_string),
        }
    }

    #[test]
    fn only_https_loads_and_http_only_for_a_loopback_simulator() {
        let p = eu_plan();
        assert_eq!(
            p.navigation(&url("https://idp.example.com/x")),
            Navigation::Allow
        );
        assert_eq!(p.navigation(&url("about:blank")), Navigation::Allow);
        for refused in [
            "http://idp.example.com/login",
            "http://127.0.0.1:8787/idp/login", // a real cloud never sends the window to loopback http
            "file:///etc/passwd",
            "tauri://localhost/index.html",
            "ipc://localhost/list_clouds",
            "com-okta-authenticator:/deviceChallenge",
            "msauth://x",
            "data:text/html,hi",
            "javascript:alert(1)",
        ] {
            assert_eq!(p.navigation(&url(refused)), Navigation::Block, "{refused}");
        }
        assert_eq!(
            p.navigation(&url(&format!("{REFUSED_SIGNAL_URL}?phrase=1"))),
            Navigation::RefusedByIdp
        );
        let sim = sim_plan();
        assert_eq!(
            sim.navigation(&url("http://127.0.0.1:8787/idp/login")),
            Navigation::Allow
        );
        assert_eq!(
            sim.navigation(&url("http://localhost:9/x")),
            Navigation::Allow
        );
        assert_eq!(
            sim.navigation(&url("http://example.com/x")),
            Navigation::Block
        );
    }

    #[test]
    fn an_insecure_or_strange_idp_address_is_refused_before_a_window_opens() {
        let eu = builtin_clouds()
            .into_iter()
            .find(|c| c.id == "emea01")
            .unwrap();
        for bad in [
            "http://idp.example.com/saml",
            "file:///tmp/x",
            "not a url",
            "custom:x",
        ] {
            let e = SsoPlan::new(&eu, bad, DEFAULT_TIMEOUT).unwrap_err();
            assert_eq!(e.kind(), "sso_failed", "{bad}");
            assert!(e.to_string().contains("EMEA 01"), "{e}");
        }
    }

    #[test]
    fn a_cloud_without_a_portal_address_cannot_use_sso() {
        let c = parse_clouds_json(r#"[{"name": "Lab", "api": "https://api.lab.example.net"}]"#)
            .unwrap();
        let e = SsoPlan::new(&c[0], "https://idp.example.net/x", DEFAULT_TIMEOUT).unwrap_err();
        assert_eq!(e.kind(), "sso_failed");
        assert!(e.to_string().contains("no portal address"), "{e}");
    }

    #[test]
    fn the_portal_is_its_origin_and_admin_or_msp() {
        let p = eu_plan();
        assert!(p.is_portal(&url(
            "https://manage.eu.mist.com/admin/?org_id=x#!dashboard"
        )));
        assert!(p.is_portal(&url("https://manage.eu.mist.com/msp/")));
        assert!(p.is_portal(&url("https://MANAGE.eu.mist.com/admin")));
        assert!(!p.is_portal(&url("https://manage.eu.mist.com/signin/")));
        assert!(!p.is_portal(&url("https://manage.eu.mist.com/administrator")));
        assert!(
            !p.is_portal(&url("https://manage.mist.com/admin/")),
            "another cloud"
        );
        assert!(
            !p.is_portal(&url("http://manage.eu.mist.com/admin/")),
            "not https"
        );
        assert!(!p.is_portal(&url("https://evil.example/admin/")));
        let sim = sim_plan();
        assert!(sim.is_portal(&url("http://127.0.0.1:8787/admin/?org_id=1")));
        assert!(
            !sim.is_portal(&url("http://127.0.0.1:8788/admin/")),
            "another port"
        );
    }

    #[test]
    fn session_cookies_are_this_clouds_for_the_api_host() {
        let p = eu_plan(); // suffix ".eu", api.eu.mist.com
        let jar = p
            .session_jar(vec![
                cookie("csrftoken.eu", "c1", Some(".mist.com")),
                cookie("sessionid.eu", "s1", Some(".mist.com")),
                cookie("sessionid", "other-cloud", Some(".mist.com")),
                cookie("sessionid.eu", "s-evil", Some("evil.example")),
                cookie("_ga", "x", Some(".mist.com")),
            ])
            .unwrap();
        assert!(jar.has_csrf());
        let header = jar.cookie_header().unwrap();
        let header = header.to_str().unwrap();
        assert!(header.contains("sessionid.eu=s1"), "{header}");
        assert!(
            !header.contains("other-cloud")
                && !header.contains("s-evil")
                && !header.contains("_ga")
        );
        // No session cookie (only the CSRF one, or another cloud's): no session.
        assert!(p
            .session_jar(vec![cookie("csrftoken.eu", "c1", Some(".mist.com"))])
            .is_none());
        assert!(p
            .session_jar(vec![cookie("sessionid.gc1", "s", Some(".mist.com"))])
            .is_none());
        assert!(p.session_jar(vec![]).is_none());
        // A custom cloud's suffix is unknown: any csrftoken*/sessionid*, host-only cookies too.
        let sim = sim_plan();
        let jar = sim
            .session_jar(vec![
                cookie("csrftoken.sim", "c", Some("127.0.0.1")),
                cookie("sessionid.sim", "s", None),
            ])
            .unwrap();
        assert!(jar.has_session() && jar.has_csrf());
    }

    #[test]
    fn a_plan_never_shows_the_login_url_query() {
        let p = eu_plan();
        let shown = format!("{p:?}");
        assert!(!shown.contains("SAMLRequest"), "{shown}");
        assert!(shown.contains("login.microsoftonline.com"), "{shown}");
        let c = cookie("sessionid.eu", "s3cr3t-cookie", None);
        assert!(!format!("{c:?}").contains("s3cr3t-cookie"));
    }

    #[test]
    fn the_probe_knows_every_phrase_and_signals_without_ipc() {
        let js = refusal_probe_script();
        assert!(js.contains(REFUSED_SIGNAL_URL));
        for p in REFUSAL_PHRASES {
            assert!(js.contains(p), "{p}");
            assert_eq!(*p, p.to_lowercase(), "phrases are matched in lower case");
        }
        assert!(
            !js.contains("__TAURI"),
            "the probe must not need the app's IPC"
        );
    }
}
