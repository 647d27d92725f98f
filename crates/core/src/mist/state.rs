//! `MistState`: the clouds, the shared client and the one session. The commands call only this.

use std::sync::{Arc, Mutex};

use futures::stream::{FuturesUnordered, StreamExt};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::RwLock;

use super::auth::{self, Credential, LoginOutcome, Pending, Session};
use super::clouds::{self, Cloud};
use super::http::{Auth, CookieJar, Http, Protocol, DETECT_TIMEOUT};
use super::inventory;
use super::model::{
    ApiUsage, CloudInfo, CloudMatch, EmailLookup, IdentityKind, Inventory, KeyTest, OrgDetails,
    PrivilegeInput, SessionInfo, SignInResult, TokenKind, TokenView,
};
use super::orgs;
use super::quota;
use super::sso::{LoginWindow, SsoEvent, SsoPlan, SsoStep};
use super::tokens;
use super::validate::{mist_id, IdOf};
use super::views;
use crate::{Error, Result};

/// The Mist side of the app's state. No Tauri types.
pub struct MistState {
    clouds: Vec<Cloud>,
    http: Http,
    session: RwLock<Option<Arc<Session>>>,
    pending: Mutex<Option<Pending>>,
    /// The last custom endpoint the admin typed (`resolve_cloud`), reachable as id "custom".
    custom: Mutex<Option<Cloud>>,
    /// How far the last SSO sign-in got (hosts only), for "Copy diagnostics".
    sso_step: Mutex<Option<super::sso::SsoStep>>,
    /// The last inventory of the current session, kept up to date by every change made through
    /// the app, so marks (health, saved, rotation) and the export need no new requests.
    cache: Mutex<Option<CachedInventory>>,
}

struct CachedInventory {
    session: std::sync::Weak<Session>,
    inventory: Inventory,
}

/// The tokens of one place of an inventory (the user's, or one org's), if that list was read.
pub(crate) fn place_mut<'a>(
    inv: &'a mut Inventory,
    kind: TokenKind,
    org_id: Option<&str>,
) -> Option<&'a mut Vec<TokenView>> {
    match kind {
        TokenKind::User => inv.user_tokens.as_mut(),
        TokenKind::Org => inv
            .orgs
            .iter_mut()
            .find(|o| Some(o.org.id.as_str()) == org_id)
            .and_then(|o| o.tokens.as_mut()),
    }
}

impl std::fmt::Debug for MistState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MistState")
            .field("clouds", &self.clouds.len())
            .finish_non_exhaustive()
    }
}

fn clean_token(token: &SecretString) -> Result<SecretString> {
    let t = token.expose_secret().trim();
    let t = t
        .strip_prefix("Token ")
        .or_else(|| t.strip_prefix("token "))
        .unwrap_or(t)
        .trim();
    if t.is_empty() {
        return Err(Error::invalid(
            "token",
            "Paste the API token you want to sign in with.",
        ));
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            "token",
            "This does not look like a Mist API token (it contains spaces). Copy it again, the whole token only.",
        ));
    }
    Ok(SecretString::from(t.to_string()))
}

fn not_accepted(cloud: &Cloud) -> Error {
    Error::Unauthorized(format!(
        "{} did not accept this token. Check that you copied the whole token and chose the right cloud; a token unused for 90 days is removed by Mist.",
        cloud.name
    ))
}

impl MistState {
    /// The built-in clouds, or those of `MIST_TOKEN_MANAGER_CLOUDS` (an invalid file is an error).
    /// `MIST_TOKEN_MANAGER_HTTP2_PRIOR_KNOWLEDGE=1` (the benchmark): HTTP/2 without TLS too.
    pub fn from_env() -> Result<Self> {
        let state = Self::with_clouds(clouds::clouds_from_env()?);
        Ok(match Protocol::from_env() {
            Protocol::Negotiated => state,
            p => state.with_protocol(p),
        })
    }

    pub fn with_clouds(clouds: Vec<Cloud>) -> Self {
        Self {
            clouds,
            http: Http::new(),
            session: RwLock::new(None),
            pending: Mutex::new(None),
            custom: Mutex::new(None),
            cache: Mutex::new(None),
            sso_step: Mutex::new(None),
        }
    }

    /// Replaces the whole-request timeout (default 30 s); for tests and slow links.
    pub fn with_request_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.http = Http::with_options(timeout, self.http.protocol());
        self
    }

    /// Which HTTP versions the client speaks (keeps the request timeout).
    pub fn with_protocol(mut self, protocol: Protocol) -> Self {
        self.http = Http::with_options(self.http.request_timeout(), protocol);
        self
    }

    /// The shared HTTP client (cheap to clone); [`Http::prepare`] builds it ahead of first use.
    pub fn http(&self) -> &Http {
        &self.http
    }

    pub fn clouds(&self) -> &[Cloud] {
        &self.clouds
    }

    /// Opens (or keeps alive) a connection to the cloud `cloud_id` while the admin types the
    /// password, so the sign-in does not wait for a connection set-up (TCP, TLS) on top of its
    /// round trips: one request without credentials ([`Http::warm_up`]). An unknown cloud is
    /// refused like a sign-in to it would be; a cloud that does not answer is not an error here.
    pub async fn warm_up(&self, cloud_id: &str) -> Result<()> {
        let cloud = self.cloud(cloud_id)?;
        self.http.warm_up(&cloud.api_url).await;
        Ok(())
    }

    pub fn list_clouds(&self) -> Vec<CloudInfo> {
        self.clouds.iter().map(Cloud::info).collect()
    }

    /// Understands an `api.*` host, a `manage.*` portal URL or a full URL.
    pub fn resolve_cloud(&self, input: &str) -> Result<CloudInfo> {
        let c = clouds::resolve(input, &self.clouds)?;
        if c.id == "custom" {
            *self.custom.lock().unwrap_or_else(|p| p.into_inner()) = Some(c.clone());
        }
        Ok(c.info())
    }

    /// A cloud by id, as the UI sends it: one of the known clouds ("emea01", "custom-0"), or
    /// "custom", the one address resolved with [`MistState::resolve_cloud`] in this session.
    /// Anything else is refused: a typed id never becomes a host.
    pub fn cloud(&self, id: &str) -> Result<Cloud> {
        if id == "custom" {
            if let Some(c) = self
                .custom
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
            {
                return Ok(c);
            }
        }
        if let Some(c) = self.clouds.iter().find(|c| c.id == id) {
            return Ok(c.clone());
        }
        Err(Error::invalid(
            "cloud",
            "This app does not know that cloud. Choose your cloud from the list, or type its \
             address and choose “Use this address”.",
        ))
    }

    /// The cloud of an API address kept in the keychain with a secret (a remembered sign-in, a
    /// saved key). Custom addresses keep working after a restart.
    pub fn bound_cloud(&self, api_url: &str) -> Result<Cloud> {
        clouds::bound(api_url, &self.clouds)
    }

    /// Asks every cloud's `/login/lookup` in parallel (3 s each at most).
    pub async fn find_cloud_by_email(&self, email: &str) -> Result<EmailLookup> {
        let email = email.trim();
        if !email.contains('@') || email.len() < 3 {
            return Err(Error::invalid(
                "email",
                "Enter your email address, like ada@example.com.",
            ));
        }
        let asks = self.clouds.iter().map(|c| async move {
            let r = tokio::time::timeout(DETECT_TIMEOUT, auth::lookup_email(&self.http, c, email))
                .await;
            (c, r)
        });
        let mut out = EmailLookup::default();
        for (cloud, r) in futures::future::join_all(asks).await {
            match r {
                Ok(Ok(Some(sso))) => out.matches.push(CloudMatch {
                    cloud: cloud.info(),
                    sso,
                }),
                Ok(Ok(None)) => {}
                _ => out.unreachable.push(cloud.name.clone()),
            }
        }
        // No cloud answered at all: that is the network, not the email.
        if out.matches.is_empty()
            && !out.unreachable.is_empty()
            && out.unreachable.len() == self.clouds.len()
        {
            return Err(self.cannot_reach_mist());
        }
        Ok(out)
    }

    /// No cloud answered at all: the network (offline, a proxy, a firewall), not the input.
    fn cannot_reach_mist(&self) -> Error {
        Error::Network(format!(
            "The app cannot reach Mist: none of the {} Mist clouds answered. This computer may be \
             offline, or a proxy or firewall may be blocking the connection to Mist. Check your \
             connection, then choose Retry.",
            self.clouds.len()
        ))
    }

    /// Asks every cloud's `/self` with this token in parallel; the first that accepts it wins.
    async fn find_cloud_by_token(
        &self,
        token: &SecretString,
    ) -> Result<(Cloud, crate::mist::model::RawSelf)> {
        let mut asks: FuturesUnordered<_> = self
            .clouds
            .iter()
            .map(|c| async move {
                let r = tokio::time::timeout(
                    DETECT_TIMEOUT,
                    auth::fetch_self(
                        &self.http,
                        &c.api_url,
                        Auth::Token(token),
                        Some(DETECT_TIMEOUT),
                    ),
                )
                .await;
                (c, r)
            })
            .collect();
        let mut unreachable = Vec::new();
        while let Some((cloud, r)) = asks.next().await {
            match r {
                Ok(Ok(me)) => return Ok((cloud.clone(), me)),
                Ok(Err(Error::Unauthorized(_) | Error::Forbidden(_))) => {}
                _ => unreachable.push(cloud.name.clone()),
            }
        }
        if !unreachable.is_empty() && unreachable.len() == self.clouds.len() {
            return Err(self.cannot_reach_mist());
        }
        Err(Error::Unauthorized(if unreachable.is_empty() {
            "No Mist cloud accepts this token. Check that you copied the whole token; a token unused for 90 days is removed by Mist.".into()
        } else {
            format!(
                "No reachable Mist cloud accepts this token ({} did not answer). Check the token and your connection, or choose the cloud yourself.",
                unreachable.join(", ")
            )
        }))
    }

    async fn install(&self, session: Session) -> SessionInfo {
        let info = session.view();
        *self.session.write().await = Some(Arc::new(session));
        info
    }

    /// The current session, or `NotSignedIn`.
    pub(crate) async fn current(&self) -> Result<Arc<Session>> {
        self.session.read().await.clone().ok_or(Error::NotSignedIn)
    }

    /// Forgets the session when Mist says it has ended (401).
    async fn check<T>(&self, s: &Arc<Session>, r: Result<T>) -> Result<T> {
        if let Err(Error::Unauthorized(_)) = &r {
            let mut guard = self.session.write().await;
            if guard.as_ref().is_some_and(|cur| Arc::ptr_eq(cur, s)) {
                *guard = None;
            }
        }
        r
    }

    /// Email + password (+ the 2FA code when given up front).
    pub async fn sign_in_password(
        &self,
        cloud_id: &str,
        email: &str,
        password: SecretString,
        two_factor: Option<SecretString>,
    ) -> Result<SignInResult> {
        let cloud = self.cloud(cloud_id)?;
        if email.trim().is_empty() {
            return Err(Error::invalid("email", "Enter your email address."));
        }
        if password.expose_secret().is_empty() {
            return Err(Error::invalid("password", "Enter your password."));
        }
        let two_factor = two_factor.filter(|c| !c.expose_secret().trim().is_empty());
        let jar = Arc::new(CookieJar::new());
        let outcome = auth::login(
            &self.http,
            &cloud,
            &jar,
            email,
            &password,
            two_factor.as_ref(),
        )
        .await?;
        drop(password);
        // Signed in, unless Mist still wants a code (login said so, or /self says 2FA is pending).
        match outcome {
            LoginOutcome::NeedsTwoFactor => {}
            LoginOutcome::Done => {
                let me =
                    auth::fetch_self(&self.http, &cloud.api_url, Auth::Cookies(&jar), None).await?;
                if !me.two_factor_pending() {
                    let s = auth::build_session(&self.http, cloud, Credential::Password(jar), me)
                        .await?;
                    return Ok(SignInResult::SignedIn {
                        session: self.install(s).await,
                    });
                }
            }
        }
        *self.pending.lock().unwrap_or_else(|p| p.into_inner()) = Some(Pending { cloud, jar });
        match two_factor {
            Some(code) => Ok(SignInResult::SignedIn {
                session: self.submit_two_factor(code).await?,
            }),
            None => Ok(SignInResult::TwoFactorRequired),
        }
    }

    /// The 2FA code for the pending password sign-in. A wrong code keeps it pending.
    pub async fn submit_two_factor(&self, code: SecretString) -> Result<SessionInfo> {
        if code.expose_secret().trim().is_empty() {
            return Err(Error::invalid(
                "code",
                "Enter the six-digit code from your authenticator app.",
            ));
        }
        let (cloud, jar) = {
            let p = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            match p.as_ref() {
                Some(p) => (p.cloud.clone(), p.jar.clone()),
                None => return Err(Error::NotSignedIn),
            }
        };
        auth::two_factor(&self.http, &cloud, &jar, &code).await?;
        drop(code);
        let me = auth::fetch_self(&self.http, &cloud.api_url, Auth::Cookies(&jar), None).await?;
        if me.two_factor_pending() {
            return Err(Error::TwoFactorInvalid(
                "Mist did not accept the code. Enter the current six-digit code from your authenticator app.".into(),
            ));
        }
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let s = auth::build_session(&self.http, cloud, Credential::Password(jar), me).await?;
        Ok(self.install(s).await)
    }

    /// Signs in with an existing user or org token; the cloud is found by `/self` when not given.
    pub async fn sign_in_token(
        &self,
        token: SecretString,
        cloud_id: Option<&str>,
    ) -> Result<SessionInfo> {
        let token = clean_token(&token)?;
        let cloud = match cloud_id.filter(|c| !c.trim().is_empty()) {
            Some(id) => Some(self.cloud(id)?),
            None => None,
        };
        self.sign_in_token_on(token, cloud).await
    }

    /// Signs in with the remembered token on the cloud bound to it in the keychain.
    pub async fn sign_in_token_bound(
        &self,
        token: SecretString,
        api_url: &str,
    ) -> Result<SessionInfo> {
        let token = clean_token(&token)?;
        let cloud = self.bound_cloud(api_url)?;
        self.sign_in_token_on(token, Some(cloud)).await
    }

    async fn sign_in_token_on(
        &self,
        token: SecretString,
        cloud: Option<Cloud>,
    ) -> Result<SessionInfo> {
        let (cloud, me) = match cloud {
            Some(cloud) => {
                match auth::fetch_self(&self.http, &cloud.api_url, Auth::Token(&token), None).await
                {
                    Ok(me) => (cloud, me),
                    Err(Error::Unauthorized(_)) => return Err(not_accepted(&cloud)),
                    Err(e) => return Err(e),
                }
            }
            None => self.find_cloud_by_token(&token).await?,
        };
        let s = auth::build_session(&self.http, cloud, Credential::Token(token), me).await?;
        Ok(self.install(s).await)
    }

    /// The plan of an SSO sign-in for `email` on `cloud_id`: the cloud's `login/lookup` gives the
    /// company login address (never shown to the web view), checked before any window opens.
    pub async fn sso_plan(&self, cloud_id: &str, email: &str) -> Result<SsoPlan> {
        let cloud = self.cloud(cloud_id)?;
        let email = email.trim();
        if !email.contains('@') {
            return Err(Error::invalid(
                "email",
                "Enter your email address, like ada@example.com.",
            ));
        }
        let found = auth::lookup(&self.http, &cloud, email, DETECT_TIMEOUT * 3).await?;
        let sso_url = match found {
            Some(Some(url)) => url,
            Some(None) => {
                return Err(Error::invalid(
                    "email",
                    format!(
                        "{} says this account signs in with a password, not with a company login. Sign in with your password.",
                        cloud.name
                    ),
                ))
            }
            None => {
                return Err(Error::invalid(
                    "email",
                    format!(
                        "{} does not know this email. Check it, or choose another cloud.",
                        cloud.name
                    ),
                ))
            }
        };
        let plan = SsoPlan::new(&cloud, &sso_url, super::sso::timeout_from_env())?;
        log::info!(
            "SSO sign-in on {}: opening the company login ({})",
            cloud.host(),
            plan.idp_host()
        );
        Ok(plan)
    }

    /// Runs an SSO sign-in in the login window the platform opened for `plan`: waits for the
    /// portal (see [`super::sso::wait_for_session`]), then signs in with its session cookies
    /// like a password session (`/self`, the orgs), `method: sso`.
    pub async fn sign_in_sso(
        &self,
        plan: SsoPlan,
        window: &dyn LoginWindow,
        mut events: tokio::sync::mpsc::UnboundedReceiver<SsoEvent>,
    ) -> Result<SessionInfo> {
        let record = |step: SsoStep| {
            log::info!("SSO sign-in: {step}");
            *self.sso_step.lock().unwrap_or_else(|p| p.into_inner()) = Some(step);
        };
        let jar = super::sso::wait_for_session(&plan, window, &mut events, &record).await?;
        let cloud = plan.cloud.clone();
        let me = match auth::fetch_self(&self.http, &cloud.api_url, Auth::Cookies(&jar), None).await
        {
            Ok(me) if me.email.is_some() && !me.two_factor_pending() => me,
            Ok(_) | Err(Error::Unauthorized(_)) | Err(Error::Forbidden(_)) => {
                jar.clear();
                record(SsoStep::NotAccepted);
                return Err(Error::SsoFailed(format!(
                    "The company login finished, but {} did not accept the session it gave. Try again; if it keeps happening, sign in with an API token instead.",
                    cloud.name
                )));
            }
            Err(e) => {
                jar.clear();
                return Err(e);
            }
        };
        let s = auth::build_session(&self.http, cloud, Credential::Sso(jar), me).await?;
        record(SsoStep::SignedIn);
        Ok(self.install(s).await)
    }

    /// How far the last SSO sign-in got, for the diagnostics.
    pub fn sso_step(&self) -> Option<String> {
        self.sso_step
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|s| s.to_string())
    }

    /// Marks the session as signed in with a token kept in the keychain.
    pub async fn set_remembered(&self, remembered: bool) -> Option<SessionInfo> {
        let guard = self.session.read().await;
        let s = guard.as_ref()?;
        s.remembered
            .store(remembered, std::sync::atomic::Ordering::SeqCst);
        Some(s.view())
    }

    /// The token a token session is signed in with (as cleaned up), for "remember me".
    pub async fn session_token(&self) -> Option<SecretString> {
        match &self.session.read().await.as_ref()?.cred {
            Credential::Token(t) => Some(t.clone()),
            Credential::Password(_) | Credential::Sso(_) => None,
        }
    }

    pub async fn session_info(&self) -> Option<SessionInfo> {
        self.session.read().await.as_ref().map(|s| s.view())
    }

    /// Calls `/logout` (password sessions) and forgets the session and any pending 2FA sign-in.
    pub async fn sign_out(&self) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let s = self.session.write().await.take();
        if let Some(s) = s {
            auth::logout(&self.http, &s).await;
        }
    }

    pub async fn org_details(&self, org_id: &str) -> Result<OrgDetails> {
        let s = self.current().await?;
        mist_id(IdOf::Org, org_id)?;
        let org = s.org(org_id).cloned().ok_or_else(|| {
            Error::NotFound("This organization is not among the ones you can reach. Refresh, or sign in again if your access changed.".into())
        })?;
        let r = orgs::org_details(&self.http, s.base(), s.auth(), org).await;
        self.check(&s, r).await
    }

    pub async fn inventory(&self) -> Result<Inventory> {
        let s = self.current().await?;
        let r = inventory::inventory(&self.http, &s).await;
        let inv = self.check(&s, r).await?;
        *self.cache.lock().unwrap_or_else(|e| e.into_inner()) = Some(CachedInventory {
            session: Arc::downgrade(&s),
            inventory: inv.clone(),
        });
        Ok(inv)
    }

    /// The last inventory of the current session with every change made since, without a
    /// request; `None` before the first inventory of this session.
    pub async fn cached_inventory(&self) -> Option<Inventory> {
        let s = self.current().await.ok()?;
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .as_ref()
            .filter(|c| c.session.upgrade().is_some_and(|c| Arc::ptr_eq(&c, &s)))
            .map(|c| c.inventory.clone())
    }

    /// Applies a change to the cached inventory of session `s` (nothing if it is another's).
    fn edit_cache(&self, s: &Arc<Session>, f: impl FnOnce(&mut Inventory)) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache
            .as_mut()
            .filter(|c| c.session.upgrade().is_some_and(|c| Arc::ptr_eq(&c, s)))
        {
            f(&mut c.inventory);
        }
    }

    /// Puts a token into the cache, replacing the one with its id.
    fn cache_token(&self, s: &Arc<Session>, t: &TokenView) {
        self.edit_cache(s, |inv| {
            if let Some(list) = place_mut(inv, t.kind, t.org_id.as_deref()) {
                match list.iter_mut().find(|x| x.id == t.id) {
                    Some(x) => *x = t.clone(),
                    None => list.push(t.clone()),
                }
            }
        });
    }

    /// One token as Mist shows it now; the cache takes it.
    pub async fn token(
        &self,
        kind: TokenKind,
        org_id: Option<&str>,
        token_id: &str,
    ) -> Result<TokenView> {
        let s = self.current().await?;
        let r = tokens::get_token(&self.http, &s, kind, org_id, token_id).await;
        let t = self.check(&s, r).await?;
        self.cache_token(&s, &t);
        Ok(t)
    }

    /// Creates a token to replace `token_id` (same name, privileges and source IPs, or the
    /// `src_ips` given). Returns the old token as Mist shows it now, and the new one.
    pub async fn create_replacement(
        &self,
        kind: TokenKind,
        org_id: Option<&str>,
        token_id: &str,
        src_ips: Option<&[String]>,
    ) -> Result<(TokenView, Created)> {
        let s = self.current().await?;
        let r = tokens::create_replacement(&self.http, &s, kind, org_id, token_id, src_ips).await;
        let (old, token, key) = self.check(&s, r).await?;
        self.cache_token(&s, &old);
        self.cache_token(&s, &token);
        Ok((
            old,
            Created {
                token,
                key,
                cloud: s.info.cloud.clone(),
            },
        ))
    }

    /// The signed-in account's calls this hour against Mist's limit.
    pub async fn api_usage(&self) -> Result<ApiUsage> {
        let s = self.current().await?;
        let id = &s.info.identity;
        let r = quota::fetch(&self.http, s.base(), s.auth(), id.kind, id.email.as_deref()).await;
        self.check(&s, r).await
    }

    /// The quota a key spends (`/self/usage` with the key, on its bound cloud).
    pub async fn key_usage(
        &self,
        cloud: &Cloud,
        key: &SecretString,
        test: &KeyTest,
    ) -> Result<ApiUsage> {
        let (kind, who) = match &test.identity {
            Some(i) => (i.kind, i.email.as_deref()),
            None => (IdentityKind::OrgToken, None),
        };
        quota::fetch(&self.http, &cloud.api_url, Auth::Token(key), kind, who).await
    }

    /// The signed-in admin's own user tokens (one request).
    pub async fn list_user_tokens(&self) -> Result<Vec<TokenView>> {
        let s = self.current().await?;
        let r = tokens::list_raw(&self.http, &s, None).await;
        let now = views::now();
        let r = r.map(|l| l.iter().map(|t| views::user_view(t, &s, now)).collect());
        self.check(&s, r).await
    }

    /// One org's tokens (one request), e.g. to refresh a single org.
    pub async fn list_org_tokens(&self, org_id: &str) -> Result<Vec<TokenView>> {
        let s = self.current().await?;
        mist_id(IdOf::Org, org_id)?;
        let org = s.org(org_id).cloned().ok_or_else(|| {
            Error::NotFound("This organization is not among the ones you can reach. Refresh, or sign in again if your access changed.".into())
        })?;
        let r = tokens::list_raw(&self.http, &s, Some(org_id)).await;
        let now = views::now();
        let r = r.map(|l| {
            l.iter()
                .map(|t| views::org_view(t, &org, &s, now))
                .collect()
        });
        self.check(&s, r).await
    }

    /// Creates a user token. The key is returned as a secret only, for a reveal slot, with the
    /// cloud of the session that made it (a second sign-in during the create cannot re-tag it).
    pub async fn create_user_token(&self, name: &str) -> Result<Created> {
        let s = self.current().await?;
        let r = tokens::create_user_token(&self.http, &s, name).await;
        let (token, key) = self.check(&s, r).await?;
        self.cache_token(&s, &token);
        Ok(Created {
            token,
            key,
            cloud: s.info.cloud.clone(),
        })
    }

    pub async fn create_org_token(
        &self,
        org_id: &str,
        name: &str,
        privileges: &[PrivilegeInput],
        src_ips: &[String],
    ) -> Result<Created> {
        let s = self.current().await?;
        let r = tokens::create_org_token(&self.http, &s, org_id, name, privileges, src_ips).await;
        let (token, key) = self.check(&s, r).await?;
        self.cache_token(&s, &token);
        Ok(Created {
            token,
            key,
            cloud: s.info.cloud.clone(),
        })
    }

    pub async fn rename_token(
        &self,
        kind: TokenKind,
        org_id: Option<&str>,
        token_id: &str,
        name: &str,
    ) -> Result<TokenView> {
        let s = self.current().await?;
        let r = tokens::rename_token(&self.http, &s, kind, org_id, token_id, name).await;
        let t = self.check(&s, r).await?;
        self.cache_token(&s, &t);
        Ok(t)
    }

    /// Changes an org token's privileges (its name stays). There is no `src_ips` argument: Mist
    /// never lets source IP limits change, so the existing list is sent back unchanged.
    pub async fn update_org_token_access(
        &self,
        org_id: &str,
        token_id: &str,
        privileges: &[PrivilegeInput],
    ) -> Result<TokenView> {
        let s = self.current().await?;
        let r = tokens::update_org_token_access(&self.http, &s, org_id, token_id, privileges).await;
        let t = self.check(&s, r).await?;
        self.cache_token(&s, &t);
        Ok(t)
    }

    pub async fn delete_token(
        &self,
        kind: TokenKind,
        org_id: Option<&str>,
        token_id: &str,
    ) -> Result<()> {
        let s = self.current().await?;
        let r = tokens::delete_token(&self.http, &s, kind, org_id, token_id).await;
        self.check(&s, r).await?;
        self.edit_cache(&s, |inv| {
            if let Some(list) = place_mut(inv, kind, org_id) {
                list.retain(|t| t.id != token_id);
            }
        });
        Ok(())
    }

    /// Who is this key, and does it still work? (For saved keys.) A refused key is `valid: false`.
    pub async fn test_key(&self, cloud_api: &str, key: &SecretString) -> Result<KeyTest> {
        let cloud = self.bound_cloud(cloud_api)?;
        auth::test_key(&self.http, &cloud, key).await
    }

    /// Like [`MistState::test_key`], on a cloud already resolved (the one bound to the key).
    pub async fn test_key_on(&self, cloud: &Cloud, key: &SecretString) -> Result<KeyTest> {
        auth::test_key(&self.http, cloud, key).await
    }

    /// Like [`MistState::test_key`], and also says why a key that does not work was refused.
    /// `cloud_api` is the address bound to the key in its keychain item.
    pub async fn check_key(
        &self,
        cloud_api: &str,
        key: &SecretString,
    ) -> Result<(KeyTest, Option<auth::KeyRefusal>)> {
        let cloud = self.bound_cloud(cloud_api)?;
        auth::check_key(&self.http, &cloud, key).await
    }
}

/// A token Mist just made: its metadata, its key (a secret, for a reveal slot only) and the cloud
/// of the session that made it.
pub struct Created {
    pub token: TokenView,
    pub key: SecretString,
    pub cloud: CloudInfo,
}

impl std::fmt::Debug for Created {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Created")
            .field("token", &self.token.id)
            .field("key", &"[REDACTED]")
            .field("cloud", &self.cloud.id)
            .finish()
    }
}
