//! `mist-sim`: a stateful simulator of the Juniper Mist cloud API (the parts the Mist Token
//! Manager touches), for tests and the demo.
//!
//! ```no_run
//! # async fn demo() {
//! let sim = mist_sim::Sim::start(mist_sim::SimConfig::default()).await; // binds 127.0.0.1:0
//! let base = sim.url(); // "http://127.0.0.1:PORT", API under /api/v1/
//! # let _ = base;
//! # }
//! ```
//!
//! See `docs/sim-api.md` for the contract and `tests/mist-sim/README.md` for the behaviour.
//! The simulator never prints or logs a secret (key or password); only
//! [`SimHandle::last_issued_key`] hands a full key back, to tests.

mod api;
mod idp;
mod server;
mod state;

use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use http::Method;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use state::Shared;

/// Which accounts, orgs and tokens a fresh simulator holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Seed {
    /// The demo accounts (see the README and docs/sim-api.md).
    #[default]
    Demo,
    /// Nothing at all: build the world with the `add_*` helpers.
    Empty,
}

/// Configuration of one simulated cloud.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Session cookie suffix: `csrftoken<suffix>` / `sessionid<suffix>` ("" for Global 01).
    pub cookie_suffix: String,
    pub seed: Seed,
    /// API calls per hour per quota (a user with their tokens and session; each org token).
    pub rate_limit_per_hour: u32,
    /// Wrong passwords for one email before login answers 429.
    pub lockout_failures: u32,
    /// How long login stays locked, in seconds.
    pub lockout_secs: u64,
    /// Added to every request.
    pub latency: Duration,
    /// Status for an org token used from an address outside its `src_ips` (401 or 403).
    pub src_ip_refusal_status: u16,
    /// Whether an org token may create/modify/delete tokens (Mist: unknown; default false → 403).
    pub org_token_may_create_tokens: bool,
    /// Whether the org-token POST response includes `privileges` (Mist may omit them; default false).
    pub org_token_post_includes_privileges: bool,
    /// Where `login/lookup` and the SSO `/login` 400 send SSO accounts: an absolute URL as is,
    /// else a path on this simulator's own host (default `/idp/login`: the simulated company
    /// login, see [`IdpPage`]), with `?login_hint=<email>`.
    pub sso_url: String,
    /// What the simulated company login page does (also [`SimHandle::set_idp_page`]).
    pub idp_page: IdpPage,
    /// Cookie-session writes need a `Referer` of this host, as Django checks on https.
    pub require_referer: bool,
}

/// What the simulated company login page (`GET /idp/login`) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdpPage {
    /// A form with "Sign in", which redirects to the simulated portal.
    #[default]
    SignInForm,
    /// The same form, submitting itself (for tests that cannot reach the login window).
    SelfSubmitting,
    /// A page that refuses embedded browsers, in Google's words.
    RefusesEmbeddedBrowser,
    /// Tries the app's IPC, reports to `POST /idp/ipc-report` ([`SimHandle::ipc_reports`]),
    /// then submits itself.
    IpcProbe,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            cookie_suffix: ".sim".to_string(),
            seed: Seed::Demo,
            rate_limit_per_hour: 5000,
            lockout_failures: 3,
            lockout_secs: 300,
            latency: Duration::ZERO,
            src_ip_refusal_status: 403,
            org_token_may_create_tokens: false,
            org_token_post_includes_privileges: false,
            sso_url: "/idp/login".to_string(),
            idp_page: IdpPage::SignInForm,
            require_referer: true,
        }
    }
}

/// A fault to inject on matching requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status without running the handler; with `html`, an HTML body like a
    /// proxy's error page, else `{"detail": …}`.
    Status { code: u16, html: bool },
    /// Run the handler, then answer its status with a truncated, unparsable JSON body.
    MalformedJson,
    /// Run the handler (its effects happen), then close the connection without a response.
    DropAfterProcessing,
    /// Wait this long before handling the request.
    Delay(Duration),
    /// Answer 429 as Mist's rate limiter does, without running the handler.
    RateLimited { retry_after: Option<u64> },
}

/// Which requests a fault applies to, and how many times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// `None` = any method.
    pub method: Option<Method>,
    /// Matches when the request path contains this string ("" matches everything).
    pub path_contains: String,
    pub fault: Fault,
    /// `None` = forever.
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule for any method, applied forever.
    pub fn new(path_contains: impl Into<String>, fault: Fault) -> Self {
        FaultRule {
            method: None,
            path_contains: path_contains.into(),
            fault,
            times: None,
        }
    }
    /// Restrict to one method.
    pub fn method(mut self, m: Method) -> Self {
        self.method = Some(m);
        self
    }
    /// Apply only `n` times.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }
}

/// An account to add to a running simulator.
#[derive(Debug, Clone, Default)]
pub struct UserSpec {
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    /// The fixed 2FA code, if 2FA is enabled.
    pub two_factor: Option<String>,
    /// An SSO account: password login refused, lookup gives `sso_url`, no user tokens.
    pub sso: bool,
    /// Privileges as Mist shows them, e.g.
    /// `{"scope": "org", "role": "admin", "org_id": …}`,
    /// `{"scope": "site", "role": "write", "site_id": …}` (org_id filled in),
    /// `{"scope": "msp", "role": "admin", "msp_id": …}`,
    /// `{"scope": "sitegroup", "role": "read", "sitegroup_ids": [...]}`.
    pub privileges: Vec<Value>,
}

/// Starts simulated clouds.
pub struct Sim;

impl Sim {
    /// Start a simulated cloud on 127.0.0.1 with an OS-chosen port.
    pub async fn start(config: SimConfig) -> SimHandle {
        Self::start_on(config, 0)
            .await
            .expect("mist-sim: cannot bind 127.0.0.1:0")
    }

    /// Start on a chosen port (0 = any) of 127.0.0.1.
    pub async fn start_on(config: SimConfig, port: u16) -> std::io::Result<SimHandle> {
        Self::start_bound(config, std::net::SocketAddr::from(([127, 0, 0, 1], port))).await
    }

    /// Start on any address.
    pub async fn start_bound(
        config: SimConfig,
        addr: std::net::SocketAddr,
    ) -> std::io::Result<SimHandle> {
        let shared = Arc::new(Shared::new(config));
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let (tx, rx) = watch::channel(false);
        let app = api::router(shared.clone());
        let join = tokio::spawn(server::serve(listener, app, rx, shared.clone()));
        Ok(SimHandle {
            inner: Arc::new(HandleInner {
                shared,
                url: format!("http://{local}"),
                shutdown: tx,
                join: Mutex::new(Some(join)),
            }),
        })
    }
}

struct HandleInner {
    shared: Arc<Shared>,
    url: String,
    shutdown: watch::Sender<bool>,
    join: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for HandleInner {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// A running simulated cloud. Cheap to clone; dropping the last clone stops it.
#[derive(Clone)]
pub struct SimHandle {
    inner: Arc<HandleInner>,
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle")
            .field("url", &self.inner.url)
            .field("cookie_suffix", &self.inner.shared.cfg.cookie_suffix)
            .finish()
    }
}

impl SimHandle {
    fn s(&self) -> &Shared {
        &self.inner.shared
    }

    /// "http://127.0.0.1:PORT" (no trailing slash).
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// The port served.
    pub fn port(&self) -> u16 {
        self.inner
            .url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// The configuration this cloud was started with.
    pub fn config(&self) -> SimConfig {
        self.s().cfg.clone()
    }

    /// Stop serving and wait for the accept loop to end.
    pub async fn shutdown(&self) {
        self.inner.shutdown.send_replace(true);
        let join = self.inner.join.lock().unwrap().take();
        if let Some(j) = join {
            let _ = j.await;
        }
    }

    /// Latency added to every request from now on.
    pub fn set_latency(&self, latency: Duration) {
        *self.s().latency.lock().unwrap() = latency;
    }

    pub fn inject_fault(&self, rule: FaultRule) {
        self.s().faults.lock().unwrap().push(rule);
    }

    pub fn clear_faults(&self) {
        self.s().faults.lock().unwrap().clear();
    }

    /// Requests received (every route, including failed and faulted ones).
    pub fn request_count(&self) -> u64 {
        self.s().request_count.load(Ordering::SeqCst)
    }

    pub fn reset_request_count(&self) {
        self.s().request_count.store(0, Ordering::SeqCst);
        self.s().http2_request_count.store(0, Ordering::SeqCst);
    }

    /// Of [`SimHandle::request_count`], those that came over HTTP/2. The simulator speaks HTTP/1.1
    /// and, on the same port, HTTP/2 without TLS to clients that start with its preface (h2c with
    /// prior knowledge).
    pub fn http2_request_count(&self) -> u64 {
        self.s().http2_request_count.load(Ordering::SeqCst)
    }

    /// TCP connections accepted (each a connection set-up a real cloud would also charge a TLS
    /// handshake for; the latency knob delays requests only).
    pub fn connection_count(&self) -> u64 {
        self.s().connection_count.load(Ordering::SeqCst)
    }

    pub fn reset_connection_count(&self) {
        self.s().connection_count.store(0, Ordering::SeqCst);
    }

    /// The most requests handled at the same time since the last reset (with a latency set, a
    /// client's bound on requests in flight shows here).
    pub fn max_concurrent_requests(&self) -> u64 {
        self.s().max_in_flight.load(Ordering::SeqCst)
    }

    pub fn reset_max_concurrent_requests(&self) {
        self.s().max_in_flight.store(0, Ordering::SeqCst);
    }

    /// Keys made from now on have `key_len` characters, and GET shows `shown` of them on each
    /// side of `...` (default 40 and 4), to test clients against short keys and long hints.
    pub fn set_key_shape(&self, key_len: usize, shown: usize) {
        self.s().db.lock().unwrap().key_shape = Some((key_len, shown));
    }

    /// The full key of the most recent token created through POST …/apitokens (tests only).
    pub fn last_issued_key(&self) -> Option<String> {
        self.s().last_issued_key.lock().unwrap().clone()
    }

    pub fn org_id(&self, name: impl AsRef<str>) -> Option<String> {
        let db = self.s().db.lock().unwrap();
        db.orgs
            .iter()
            .find(|o| o.name == name.as_ref())
            .map(|o| o.id.clone())
    }

    pub fn msp_id(&self, name: impl AsRef<str>) -> Option<String> {
        let db = self.s().db.lock().unwrap();
        db.msps
            .iter()
            .find(|o| o.name == name.as_ref())
            .map(|o| o.id.clone())
    }

    pub fn site_id(&self, org_id: impl AsRef<str>, name: impl AsRef<str>) -> Option<String> {
        let db = self.s().db.lock().unwrap();
        db.sites
            .iter()
            .find(|s| s.org_id == org_id.as_ref() && s.name == name.as_ref())
            .map(|s| s.id.clone())
    }

    pub fn sitegroup_id(&self, org_id: impl AsRef<str>, name: impl AsRef<str>) -> Option<String> {
        let db = self.s().db.lock().unwrap();
        db.sitegroups
            .iter()
            .find(|s| s.org_id == org_id.as_ref() && s.name == name.as_ref())
            .map(|s| s.id.clone())
    }

    /// The user's tokens as GET shows them (key truncated).
    pub fn user_tokens(&self, email: impl AsRef<str>) -> Vec<Value> {
        let db = self.s().db.lock().unwrap();
        db.user_tokens
            .iter()
            .filter(|t| t.email.eq_ignore_ascii_case(email.as_ref()))
            .map(|t| t.to_json())
            .collect()
    }

    /// The org's tokens as GET shows them (key truncated).
    pub fn org_tokens(&self, org_id: impl AsRef<str>) -> Vec<Value> {
        let db = self.s().db.lock().unwrap();
        db.org_tokens
            .iter()
            .filter(|t| t.org_id == org_id.as_ref())
            .map(|t| t.to_json(true))
            .collect()
    }

    /// Add (or replace) an account.
    pub fn add_user(&self, spec: UserSpec) {
        self.s().db.lock().unwrap().add_user(spec);
    }

    /// Remove an account: its sessions and user tokens die, its org tokens show `created_by: null`.
    pub fn remove_user(&self, email: impl AsRef<str>) -> bool {
        self.s().db.lock().unwrap().remove_user(email.as_ref())
    }

    pub fn add_msp(&self, name: impl AsRef<str>) -> String {
        self.s().db.lock().unwrap().add_msp(name.as_ref())
    }

    pub fn add_org(&self, name: impl AsRef<str>) -> String {
        self.s().db.lock().unwrap().add_org(name.as_ref(), None)
    }

    pub fn add_msp_org(&self, msp_id: impl AsRef<str>, name: impl AsRef<str>) -> String {
        self.s()
            .db
            .lock()
            .unwrap()
            .add_org(name.as_ref(), Some(msp_id.as_ref().to_string()))
    }

    pub fn add_site(&self, org_id: impl AsRef<str>, name: impl AsRef<str>) -> String {
        self.s()
            .db
            .lock()
            .unwrap()
            .add_site(org_id.as_ref(), name.as_ref())
    }

    pub fn add_sitegroup(&self, org_id: impl AsRef<str>, name: impl AsRef<str>) -> String {
        self.s()
            .db
            .lock()
            .unwrap()
            .add_sitegroup(org_id.as_ref(), name.as_ref(), vec![])
    }

    /// Add an org token directly (no validation); returns its full key.
    pub fn add_org_token(
        &self,
        org_id: impl AsRef<str>,
        name: impl AsRef<str>,
        privileges: Vec<Value>,
        src_ips: Vec<String>,
    ) -> String {
        self.s().db.lock().unwrap().add_org_token(
            org_id.as_ref(),
            name.as_ref(),
            privileges,
            src_ips,
            None,
        )
    }

    /// Add a user token directly; returns its full key.
    pub fn add_user_token(&self, email: impl AsRef<str>, name: impl AsRef<str>) -> String {
        self.s()
            .db
            .lock()
            .unwrap()
            .add_user_token(email.as_ref(), name.as_ref())
    }

    /// Add `orgs` orgs named "Bulk Org NNN" (admin_email as org admin), each with
    /// `tokens_per_org` org tokens and two sites.
    pub fn seed_bulk(&self, admin_email: impl AsRef<str>, orgs: usize, tokens_per_org: usize) {
        self.s()
            .db
            .lock()
            .unwrap()
            .seed_bulk(admin_email.as_ref(), orgs, tokens_per_org);
    }

    /// Set `last_used` of the token with this id or key. Returns whether it was found.
    pub fn set_token_last_used(&self, key_or_id: impl AsRef<str>, epoch_secs: Option<i64>) -> bool {
        self.s()
            .db
            .lock()
            .unwrap()
            .with_token(key_or_id.as_ref(), |created, last| {
                let _ = created;
                *last = epoch_secs;
            })
    }

    /// Set `created_time` of the token with this id or key. Returns whether it was found.
    pub fn set_token_created(&self, key_or_id: impl AsRef<str>, epoch_secs: i64) -> bool {
        self.s()
            .db
            .lock()
            .unwrap()
            .with_token(key_or_id.as_ref(), |created, _| {
                *created = epoch_secs;
            })
    }

    /// Use up the hourly quota so the next request on it gets 429. Accepts a user email
    /// (session + user tokens), an org token id or key, or an org id (all its org tokens).
    pub fn exhaust_quota_for(&self, email_or_org_id: impl AsRef<str>) {
        let limit = self.s().cfg.rate_limit_per_hour;
        self.s()
            .db
            .lock()
            .unwrap()
            .exhaust_quota(email_or_org_id.as_ref(), limit);
    }

    /// Forget every quota count (a new hour).
    pub fn reset_quotas(&self) {
        self.s().db.lock().unwrap().quotas.clear();
    }

    /// Clear every login lockout and failure count.
    pub fn reset_lockouts(&self) {
        self.s().db.lock().unwrap().login_failures.clear();
    }

    /// Create a signed-in session for an account (also SSO ones, as if the IdP had signed
    /// them in), bypassing password and 2FA. Returns `(csrftoken, sessionid)` values; the
    /// cookie names are `csrftoken<suffix>` and `sessionid<suffix>`.
    pub fn create_session(&self, email: impl AsRef<str>) -> Option<(String, String)> {
        self.s()
            .db
            .lock()
            .unwrap()
            .create_session(email.as_ref(), true)
    }

    /// What the simulated company login page does from now on.
    pub fn set_idp_page(&self, page: IdpPage) {
        *self.s().idp_page.lock().unwrap() = page;
    }

    /// What the [`IdpPage::IpcProbe`] page reported, one entry per visit.
    pub fn ipc_reports(&self) -> Vec<String> {
        self.s().ipc_reports.lock().unwrap().clone()
    }

    /// Live sessions made through the simulated company login (`via_sso`).
    pub fn sso_session_count(&self) -> usize {
        self.s()
            .db
            .lock()
            .unwrap()
            .sessions
            .values()
            .filter(|s| s.via_sso)
            .count()
    }

    /// The `(csrftoken, sessionid)` values of the live `via_sso` sessions (tests search logs and
    /// the diagnostics for them).
    pub fn sso_session_secrets(&self) -> Vec<(String, String)> {
        self.s()
            .db
            .lock()
            .unwrap()
            .sessions
            .iter()
            .filter(|(_, s)| s.via_sso)
            .map(|(sid, s)| (s.csrf.clone(), sid.clone()))
            .collect()
    }

    /// The `Referer` of the last cookie-session write (`None` when it had none).
    pub fn last_write_referer(&self) -> Option<String> {
        self.s().last_write_referer.lock().unwrap().clone()
    }

    /// Number of live sessions.
    pub fn session_count(&self) -> usize {
        self.s().db.lock().unwrap().sessions.len()
    }

    /// Requests counted on a quota in the current hour (same keys as `exhaust_quota_for`,
    /// org token by id).
    pub fn quota_used(&self, email_or_token_id: impl AsRef<str>) -> u32 {
        self.s()
            .db
            .lock()
            .unwrap()
            .quota_used(email_or_token_id.as_ref())
    }
}

// The handle is shared across tasks and threads by tests.
const _: () = {
    const fn assert_handle<T: Send + Sync + Clone + 'static>() {}
    assert_handle::<SimHandle>();
};
