//! The simulated cloud's state: accounts, orgs, tokens, sessions, quotas.
//! Keys and passwords are stored only as SHA-256 hashes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ipnet::IpNet;
use rand::distr::Alphanumeric;
use rand::Rng;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::{Fault, FaultRule, Method, Seed, SimConfig, UserSpec};

pub(crate) const DAY: i64 = 86_400;

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub(crate) fn random_string(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

pub(crate) fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn display_key(key: &str, shown: usize) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 8 {
        return "...".to_string();
    }
    let shown = shown.min(chars.len());
    let first: String = chars[..shown].iter().collect();
    let last: String = chars[chars.len() - shown..].iter().collect();
    format!("{first}...{last}")
}

pub(crate) struct Shared {
    pub cfg: SimConfig,
    pub latency: Mutex<Duration>,
    pub db: Mutex<Db>,
    pub faults: Mutex<Vec<FaultRule>>,
    pub request_count: AtomicU64,
    /// Requests that came over HTTP/2 (h2c, prior knowledge).
    pub http2_request_count: AtomicU64,
    /// TCP connections accepted.
    pub connection_count: AtomicU64,
    /// Requests being handled now, and the most at once since the last reset.
    pub in_flight: AtomicU64,
    pub max_in_flight: AtomicU64,
    pub last_issued_key: Mutex<Option<String>>,
    pub idp_page: Mutex<crate::IdpPage>,
    /// One-time tickets of the simulated company login → email.
    pub sso_tickets: Mutex<std::collections::HashMap<String, String>>,
    pub ipc_reports: Mutex<Vec<String>>,
    pub last_write_referer: Mutex<Option<String>>,
}

impl Shared {
    pub fn new(cfg: SimConfig) -> Self {
        let mut db = Db::default();
        if cfg.seed == Seed::Demo {
            db.seed_demo();
        }
        let cfg_idp_page = cfg.idp_page;
        Shared {
            latency: Mutex::new(cfg.latency),
            cfg,
            db: Mutex::new(db),
            faults: Mutex::new(Vec::new()),
            request_count: AtomicU64::new(0),
            http2_request_count: AtomicU64::new(0),
            connection_count: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            max_in_flight: AtomicU64::new(0),
            last_issued_key: Mutex::new(None),
            idp_page: Mutex::new(cfg_idp_page),
            sso_tickets: Mutex::new(Default::default()),
            ipc_reports: Mutex::new(Vec::new()),
            last_write_referer: Mutex::new(None),
        }
    }

    /// The first matching fault, consuming one of its `times`.
    pub fn take_fault(&self, method: &Method, path: &str) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap();
        let idx = faults.iter().position(|r| {
            r.method.as_ref().is_none_or(|m| m == method)
                && path.contains(&r.path_contains)
                && r.times != Some(0)
        })?;
        let fault = faults[idx].fault.clone();
        if let Some(n) = faults[idx].times.as_mut() {
            *n -= 1;
            if *n == 0 {
                faults.remove(idx);
            }
        }
        Some(fault)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Priv {
    pub scope: String,
    pub role: String,
    pub org_id: Option<String>,
    pub site_id: Option<String>,
    pub msp_id: Option<String>,
    pub sitegroup_ids: Vec<String>,
    pub views: Option<Value>,
}

fn str_field(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

impl Priv {
    fn from_value(v: &Value) -> Priv {
        let mut sitegroup_ids: Vec<String> = v
            .get("sitegroup_ids")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(id) = str_field(v, "sitegroup_id") {
            sitegroup_ids.push(id);
        }
        Priv {
            scope: str_field(v, "scope").unwrap_or_default(),
            role: str_field(v, "role").unwrap_or_default(),
            org_id: str_field(v, "org_id"),
            site_id: str_field(v, "site_id"),
            msp_id: str_field(v, "msp_id"),
            sitegroup_ids,
            views: v.get("views").cloned(),
        }
    }
}

pub(crate) struct User {
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub two_factor_hash: Option<String>,
    pub sso: bool,
    pub privileges: Vec<Priv>,
    pub password_modified_time: i64,
}

pub(crate) struct Msp {
    pub id: String,
    pub name: String,
}

pub(crate) struct Org {
    pub id: String,
    pub name: String,
    pub msp_id: Option<String>,
    pub created_time: i64,
}

pub(crate) struct Site {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_time: i64,
}

pub(crate) struct Sitegroup {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub site_ids: Vec<String>,
    pub created_time: i64,
}

pub(crate) struct UserToken {
    pub id: String,
    pub email: String,
    pub name: String,
    pub key_hash: String,
    pub key_display: String,
    pub created_time: i64,
    pub last_used: Option<i64>,
}

impl UserToken {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "key": self.key_display,
            "created_time": self.created_time,
            "last_used": self.last_used,
        })
    }
}

pub(crate) struct OrgToken {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub key_hash: String,
    pub key_display: String,
    pub created_time: i64,
    pub last_used: Option<i64>,
    pub created_by: Option<String>,
    pub privileges: Vec<Value>,
    pub src_ips: Vec<String>,
}

impl OrgToken {
    pub fn to_json(&self, with_privileges: bool) -> Value {
        let mut v = json!({
            "id": self.id,
            "org_id": self.org_id,
            "name": self.name,
            "key": self.key_display,
            "created_time": self.created_time,
            "last_used": self.last_used,
            "created_by": self.created_by,
        });
        if with_privileges {
            v["privileges"] = Value::Array(self.privileges.clone());
        }
        if !self.src_ips.is_empty() {
            v["src_ips"] = json!(self.src_ips);
        }
        v
    }

    pub fn allows(&self, peer: IpAddr) -> bool {
        if self.src_ips.is_empty() {
            return true;
        }
        let peer = peer.to_canonical();
        self.src_ips.iter().any(|s| match parse_ip_or_net(s) {
            Some(IpOrNet::Ip(ip)) => ip.to_canonical() == peer,
            Some(IpOrNet::Net(net)) => net.contains(&peer),
            None => false,
        })
    }
}

pub(crate) enum IpOrNet {
    Ip(IpAddr),
    Net(IpNet),
}

pub(crate) fn parse_ip_or_net(s: &str) -> Option<IpOrNet> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(IpOrNet::Ip(ip));
    }
    s.parse::<IpNet>().ok().map(IpOrNet::Net)
}

pub(crate) struct Session {
    pub csrf: String,
    pub email: String,
    pub two_factor_passed: bool,
    /// Made by the simulated company login.
    pub via_sso: bool,
}

#[derive(Default)]
pub(crate) struct LoginFail {
    pub failures: u32,
    pub locked_until: Option<Instant>,
}

/// Who is calling.
#[derive(Debug, Clone)]
pub(crate) enum Who {
    User {
        email: String,
        /// Some(token id) for a user token, None for a session.
        token_id: Option<String>,
    },
    OrgToken {
        id: String,
        org_id: String,
    },
}

#[derive(Default)]
pub(crate) struct Db {
    pub users: Vec<User>,
    pub msps: Vec<Msp>,
    pub orgs: Vec<Org>,
    pub sites: Vec<Site>,
    pub sitegroups: Vec<Sitegroup>,
    pub user_tokens: Vec<UserToken>,
    pub org_tokens: Vec<OrgToken>,
    pub sessions: HashMap<String, Session>,
    pub login_failures: HashMap<String, LoginFail>,
    /// quota key → (hour number, requests in that hour)
    pub quotas: HashMap<String, (i64, u32)>,
    /// (key length, characters shown on each side of `...`) of new keys; `None`: (40, 4).
    pub key_shape: Option<(usize, usize)>,
}

pub(crate) fn user_quota_key(email: &str) -> String {
    format!("user:{}", email.to_ascii_lowercase())
}

pub(crate) fn org_token_quota_key(id: &str) -> String {
    format!("orgtoken:{id}")
}

impl Db {
    /// A new key, and how GET shows it.
    fn new_key(&self) -> (String, String) {
        let (len, shown) = self.key_shape.unwrap_or((40, 4));
        let key = random_string(len);
        let display = display_key(&key, shown);
        (key, display)
    }

    // ----- lookups -----

    pub fn user(&self, email: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    pub fn org(&self, id: &str) -> Option<&Org> {
        self.orgs.iter().find(|o| o.id == id)
    }

    pub fn msp(&self, id: &str) -> Option<&Msp> {
        self.msps.iter().find(|o| o.id == id)
    }

    pub fn site(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|o| o.id == id)
    }

    pub fn sitegroup(&self, id: &str) -> Option<&Sitegroup> {
        self.sitegroups.iter().find(|o| o.id == id)
    }

    // ----- builders -----

    pub fn add_user(&mut self, spec: UserSpec) {
        let privileges = spec
            .privileges
            .iter()
            .map(|v| {
                let mut p = Priv::from_value(v);
                if p.org_id.is_none() {
                    if let Some(site) = p.site_id.as_deref().and_then(|s| self.site(s)) {
                        p.org_id = Some(site.org_id.clone());
                    } else if let Some(sg) = p
                        .sitegroup_ids
                        .first()
                        .and_then(|s| self.sitegroup(s.as_str()))
                    {
                        p.org_id = Some(sg.org_id.clone());
                    }
                }
                p
            })
            .collect();
        self.users
            .retain(|u| !u.email.eq_ignore_ascii_case(&spec.email));
        self.users.push(User {
            email: spec.email,
            password_hash: hash(&spec.password),
            first_name: spec.first_name,
            last_name: spec.last_name,
            two_factor_hash: spec.two_factor.as_deref().map(hash),
            sso: spec.sso,
            privileges,
            password_modified_time: now() - 30 * DAY,
        });
    }

    pub fn remove_user(&mut self, email: &str) -> bool {
        let before = self.users.len();
        self.users.retain(|u| !u.email.eq_ignore_ascii_case(email));
        if self.users.len() == before {
            return false;
        }
        self.sessions
            .retain(|_, s| !s.email.eq_ignore_ascii_case(email));
        self.user_tokens
            .retain(|t| !t.email.eq_ignore_ascii_case(email));
        for t in &mut self.org_tokens {
            if t.created_by
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(email))
            {
                t.created_by = None;
            }
        }
        true
    }

    pub fn add_msp(&mut self, name: &str) -> String {
        let id = new_id();
        self.msps.push(Msp {
            id: id.clone(),
            name: name.to_string(),
        });
        id
    }

    pub fn add_org(&mut self, name: &str, msp_id: Option<String>) -> String {
        let id = new_id();
        self.orgs.push(Org {
            id: id.clone(),
            name: name.to_string(),
            msp_id,
            created_time: now() - 400 * DAY,
        });
        id
    }

    pub fn add_site(&mut self, org_id: &str, name: &str) -> String {
        let id = new_id();
        self.sites.push(Site {
            id: id.clone(),
            org_id: org_id.to_string(),
            name: name.to_string(),
            created_time: now() - 300 * DAY,
        });
        id
    }

    pub fn add_sitegroup(&mut self, org_id: &str, name: &str, site_ids: Vec<String>) -> String {
        let id = new_id();
        self.sitegroups.push(Sitegroup {
            id: id.clone(),
            org_id: org_id.to_string(),
            name: name.to_string(),
            site_ids,
            created_time: now() - 200 * DAY,
        });
        id
    }

    /// Returns the full key.
    pub fn add_user_token(&mut self, email: &str, name: &str) -> String {
        self.insert_user_token(email, name).1
    }

    /// Returns (id, full key).
    pub fn insert_user_token(&mut self, email: &str, name: &str) -> (String, String) {
        let (key, key_display) = self.new_key();
        let id = new_id();
        self.user_tokens.push(UserToken {
            id: id.clone(),
            email: self
                .user(email)
                .map(|u| u.email.clone())
                .unwrap_or_else(|| email.to_string()),
            name: name.to_string(),
            key_hash: hash(&key),
            key_display,
            created_time: now(),
            last_used: None,
        });
        (id, key)
    }

    /// Returns the full key.
    pub fn add_org_token(
        &mut self,
        org_id: &str,
        name: &str,
        privileges: Vec<Value>,
        src_ips: Vec<String>,
        created_by: Option<String>,
    ) -> String {
        let privileges = privileges
            .into_iter()
            .map(|mut p| {
                if p.get("scope").and_then(Value::as_str) == Some("org")
                    && p.get("org_id").is_none()
                {
                    p["org_id"] = json!(org_id);
                }
                p
            })
            .collect();
        self.insert_org_token(org_id, name, privileges, src_ips, created_by)
            .1
    }

    /// Returns (id, full key). Privileges must already be normalised.
    pub fn insert_org_token(
        &mut self,
        org_id: &str,
        name: &str,
        privileges: Vec<Value>,
        src_ips: Vec<String>,
        created_by: Option<String>,
    ) -> (String, String) {
        let (key, key_display) = self.new_key();
        let id = new_id();
        self.org_tokens.push(OrgToken {
            id: id.clone(),
            org_id: org_id.to_string(),
            name: name.to_string(),
            key_hash: hash(&key),
            key_display,
            created_time: now(),
            last_used: None,
            created_by,
            privileges,
            src_ips,
        });
        (id, key)
    }

    pub fn with_token(
        &mut self,
        key_or_id: &str,
        f: impl FnOnce(&mut i64, &mut Option<i64>),
    ) -> bool {
        let h = hash(key_or_id);
        if let Some(t) = self
            .user_tokens
            .iter_mut()
            .find(|t| t.id == key_or_id || t.key_hash == h)
        {
            f(&mut t.created_time, &mut t.last_used);
            return true;
        }
        if let Some(t) = self
            .org_tokens
            .iter_mut()
            .find(|t| t.id == key_or_id || t.key_hash == h)
        {
            f(&mut t.created_time, &mut t.last_used);
            return true;
        }
        false
    }

    pub fn create_session(
        &mut self,
        email: &str,
        two_factor_passed: bool,
    ) -> Option<(String, String)> {
        let email = self.user(email)?.email.clone();
        let csrf = random_string(32);
        let sid = random_string(32);
        self.sessions.insert(
            sid.clone(),
            Session {
                csrf: csrf.clone(),
                email,
                two_factor_passed,
                via_sso: false,
            },
        );
        Some((csrf, sid))
    }

    /// A session made by the simulated company login, for an SSO account only.
    pub fn create_sso_session(&mut self, email: &str) -> Option<(String, String)> {
        if !self.user(email)?.sso {
            return None;
        }
        let (csrf, sid) = self.create_session(email, true)?;
        if let Some(s) = self.sessions.get_mut(&sid) {
            s.via_sso = true;
        }
        Some((csrf, sid))
    }

    // ----- quotas -----

    /// Count one request on a quota; Err(()) when the quota is used up.
    pub fn quota_hit(&mut self, key: &str, limit: u32) -> Result<u32, ()> {
        let hour = now() / 3600;
        let e = self.quotas.entry(key.to_string()).or_insert((hour, 0));
        if e.0 != hour {
            *e = (hour, 0);
        }
        if e.1 >= limit {
            return Err(());
        }
        e.1 += 1;
        Ok(e.1)
    }

    pub fn quota_peek(&self, key: &str) -> u32 {
        let hour = now() / 3600;
        match self.quotas.get(key) {
            Some((h, n)) if *h == hour => *n,
            _ => 0,
        }
    }

    pub fn quota_used(&self, email_or_token_id: &str) -> u32 {
        if email_or_token_id.contains('@') {
            self.quota_peek(&user_quota_key(email_or_token_id))
        } else {
            self.quota_peek(&org_token_quota_key(email_or_token_id))
        }
    }

    pub fn exhaust_quota(&mut self, what: &str, limit: u32) {
        let hour = now() / 3600;
        let mut keys = Vec::new();
        if what.contains('@') {
            keys.push(user_quota_key(what));
        } else {
            let h = hash(what);
            if let Some(t) = self
                .org_tokens
                .iter()
                .find(|t| t.id == what || t.key_hash == h)
            {
                keys.push(org_token_quota_key(&t.id));
            } else if let Some(t) = self
                .user_tokens
                .iter()
                .find(|t| t.id == what || t.key_hash == h)
            {
                keys.push(user_quota_key(&t.email));
            } else {
                for t in self.org_tokens.iter().filter(|t| t.org_id == what) {
                    keys.push(org_token_quota_key(&t.id));
                }
            }
        }
        for k in keys {
            self.quotas.insert(k, (hour, limit));
        }
    }

    // ----- access -----

    /// Privileges of a caller (users: as configured; org tokens: from the token).
    pub fn privs_of(&self, who: &Who) -> Vec<Priv> {
        match who {
            Who::User { email, .. } => self
                .user(email)
                .map(|u| u.privileges.clone())
                .unwrap_or_default(),
            Who::OrgToken { id, org_id } => self
                .org_tokens
                .iter()
                .find(|t| &t.id == id)
                .map(|t| {
                    t.privileges
                        .iter()
                        .map(|v| {
                            let mut p = Priv::from_value(v);
                            p.org_id = Some(org_id.clone());
                            p
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The caller's org-level role on an org (an org privilege overrides an MSP one).
    pub fn org_role(&self, who: &Who, org_id: &str) -> Option<String> {
        let org = self.org(org_id)?;
        if let Who::OrgToken {
            org_id: tok_org, ..
        } = who
        {
            if tok_org != org_id {
                return None;
            }
        }
        let privs = self.privs_of(who);
        if let Some(p) = privs
            .iter()
            .find(|p| p.scope == "org" && p.org_id.as_deref() == Some(org_id))
        {
            return Some(p.role.clone());
        }
        if let Some(msp) = &org.msp_id {
            if let Some(p) = privs
                .iter()
                .find(|p| p.scope == "msp" && p.msp_id.as_deref() == Some(msp.as_str()))
            {
                return Some(p.role.clone());
            }
        }
        None
    }

    /// Site ids reachable through site / sitegroup privileges in this org.
    fn site_level_sites(&self, who: &Who, org_id: &str) -> Option<Vec<String>> {
        let privs = self.privs_of(who);
        let mut any = false;
        let mut out = Vec::new();
        for p in &privs {
            match p.scope.as_str() {
                "site" => {
                    if let Some(site) = p.site_id.as_deref().and_then(|s| self.site(s)) {
                        if site.org_id == org_id {
                            any = true;
                            out.push(site.id.clone());
                        }
                    }
                }
                "sitegroup" => {
                    for sg in p.sitegroup_ids.iter().filter_map(|s| self.sitegroup(s)) {
                        if sg.org_id == org_id {
                            any = true;
                            out.extend(sg.site_ids.iter().cloned());
                        }
                    }
                }
                _ => {}
            }
        }
        if let Who::OrgToken {
            org_id: tok_org, ..
        } = who
        {
            if tok_org != org_id {
                return None;
            }
        }
        any.then_some(out)
    }

    pub fn can_see_org(&self, who: &Who, org_id: &str) -> bool {
        self.org_role(who, org_id).is_some() || self.site_level_sites(who, org_id).is_some()
    }

    /// Site ids of the org the caller may list; None = no access to the org.
    pub fn visible_site_ids(&self, who: &Who, org_id: &str) -> Option<Vec<String>> {
        if self.org_role(who, org_id).is_some() {
            return Some(
                self.sites
                    .iter()
                    .filter(|s| s.org_id == org_id)
                    .map(|s| s.id.clone())
                    .collect(),
            );
        }
        self.site_level_sites(who, org_id)
    }

    pub fn site_groups_of(&self, site_id: &str) -> Vec<String> {
        self.sitegroups
            .iter()
            .filter(|g| g.site_ids.iter().any(|s| s == site_id))
            .map(|g| g.id.clone())
            .collect()
    }

    /// Privileges as GET /self shows them.
    pub fn privileges_json(&self, privs: &[Priv]) -> Vec<Value> {
        privs
            .iter()
            .map(|p| {
                let mut m = Map::new();
                m.insert("scope".into(), json!(p.scope));
                m.insert("role".into(), json!(p.role));
                let mut org_name = None;
                match p.scope.as_str() {
                    "msp" => {
                        if let Some(id) = &p.msp_id {
                            m.insert("msp_id".into(), json!(id));
                            if let Some(msp) = self.msp(id) {
                                m.insert("name".into(), json!(msp.name));
                                m.insert("msp_name".into(), json!(msp.name));
                            }
                        }
                    }
                    "org" => {
                        if let Some(id) = &p.org_id {
                            m.insert("org_id".into(), json!(id));
                            if let Some(org) = self.org(id) {
                                m.insert("name".into(), json!(org.name));
                                org_name = Some(org.name.clone());
                            }
                        }
                    }
                    "site" => {
                        if let Some(id) = &p.site_id {
                            m.insert("site_id".into(), json!(id));
                            if let Some(site) = self.site(id) {
                                m.insert("name".into(), json!(site.name));
                                m.insert("org_id".into(), json!(site.org_id));
                                org_name = self.org(&site.org_id).map(|o| o.name.clone());
                            }
                        }
                    }
                    "sitegroup" => {
                        m.insert("sitegroup_ids".into(), json!(p.sitegroup_ids));
                        if let Some(sg) = p.sitegroup_ids.first().and_then(|s| self.sitegroup(s)) {
                            m.insert("name".into(), json!(sg.name));
                            m.insert("org_id".into(), json!(sg.org_id));
                            org_name = self.org(&sg.org_id).map(|o| o.name.clone());
                        }
                    }
                    _ => {
                        if let Some(id) = &p.org_id {
                            m.insert("org_id".into(), json!(id));
                        }
                    }
                }
                if let Some(n) = org_name {
                    m.insert("org_name".into(), json!(n));
                }
                // the MSP the org belongs to, if any
                if p.scope != "msp" {
                    if let Some(org) = m
                        .get("org_id")
                        .and_then(Value::as_str)
                        .and_then(|id| self.org(id))
                    {
                        if let Some(msp) = org.msp_id.as_deref().and_then(|id| self.msp(id)) {
                            m.insert("msp_id".into(), json!(msp.id));
                            m.insert("msp_name".into(), json!(msp.name));
                        }
                    }
                }
                if let Some(v) = &p.views {
                    m.insert("views".into(), v.clone());
                }
                Value::Object(m)
            })
            .collect()
    }

    pub fn org_json(&self, org: &Org) -> Value {
        let mut v = json!({
            "id": org.id,
            "name": org.name,
            "created_time": org.created_time,
            "modified_time": org.created_time + DAY,
            "allow_mist": true,
            "session_expiry": 1440,
            "orggroup_ids": [],
            "alarmtemplate_id": null,
        });
        if let Some(msp_id) = &org.msp_id {
            v["msp_id"] = json!(msp_id);
            if let Some(msp) = self.msp(msp_id) {
                v["msp_name"] = json!(msp.name);
            }
        }
        v
    }

    pub fn site_json(&self, site: &Site) -> Value {
        json!({
            "id": site.id,
            "org_id": site.org_id,
            "name": site.name,
            "timezone": "America/Los_Angeles",
            "country_code": "US",
            "address": format!("{} Example Street, Sunnyvale, CA", 100 + site.name.len()),
            "latlng": {"lat": 37.368832, "lng": -122.036346},
            "sitegroup_ids": self.site_groups_of(&site.id),
            "notes": null,
            "created_time": site.created_time,
            "modified_time": site.created_time + DAY,
        })
    }

    pub fn sitegroup_json(&self, sg: &Sitegroup) -> Value {
        json!({
            "id": sg.id,
            "org_id": sg.org_id,
            "name": sg.name,
            "site_ids": sg.site_ids,
            "created_time": sg.created_time,
            "modified_time": sg.created_time + DAY,
        })
    }

    // ----- seeds -----

    pub fn seed_demo(&mut self) {
        let t = now();
        let retail = self.add_org("Acme Retail", None);
        let store1 = self.add_site(&retail, "Store 1");
        let store2 = self.add_site(&retail, "Store 2");
        self.add_site(&retail, "Warehouse");
        self.add_sitegroup(&retail, "Stores", vec![store1, store2]);
        let labs = self.add_org("Acme Labs", None);
        self.add_site(&labs, "Lab 1");
        let msp = self.add_msp("Acme MSP");
        for name in ["Tenant One", "Tenant Two", "Tenant Three"] {
            let org = self.add_org(name, Some(msp.clone()));
            self.add_site(&org, &format!("{name} HQ"));
        }
        let pw = "demo-password".to_string();
        let org_admin = |id: &str| json!({"scope": "org", "role": "admin", "org_id": id});
        self.add_user(UserSpec {
            email: "admin@example.com".into(),
            password: pw.clone(),
            first_name: "Ada".into(),
            last_name: "Admin".into(),
            two_factor: None,
            sso: false,
            privileges: vec![org_admin(&retail), org_admin(&labs)],
        });
        self.add_user(UserSpec {
            email: "2fa@example.com".into(),
            password: pw.clone(),
            first_name: "Tess".into(),
            last_name: "Twofactor".into(),
            two_factor: Some("123456".into()),
            sso: false,
            privileges: vec![org_admin(&retail)],
        });
        self.add_user(UserSpec {
            email: "observer@example.com".into(),
            password: pw.clone(),
            first_name: "Oscar".into(),
            last_name: "Observer".into(),
            two_factor: None,
            sso: false,
            privileges: vec![json!({"scope": "org", "role": "read", "org_id": retail})],
        });
        self.add_user(UserSpec {
            email: "msp@example.com".into(),
            password: pw.clone(),
            first_name: "Max".into(),
            last_name: "Provider".into(),
            two_factor: None,
            sso: false,
            privileges: vec![json!({"scope": "msp", "role": "admin", "msp_id": msp})],
        });
        self.add_user(UserSpec {
            email: "sso@example.com".into(),
            password: pw,
            first_name: "Sam".into(),
            last_name: "Single-Sign-On".into(),
            two_factor: None,
            sso: true,
            privileges: vec![org_admin(&retail)],
        });

        let laptop = self.add_user_token("admin@example.com", "laptop scripts");
        self.with_token(&laptop, |c, l| {
            *c = t - 30 * DAY;
            *l = Some(t - 2 * 3600);
        });
        let old = self.add_user_token("admin@example.com", "old integration");
        self.with_token(&old, |c, l| {
            *c = t - 200 * DAY;
            *l = Some(t - 80 * DAY);
        });
        let admin = Some("admin@example.com".to_string());
        let monitoring = self.add_org_token(
            &retail,
            "monitoring",
            vec![json!({"scope": "org", "role": "read"})],
            vec![],
            admin.clone(),
        );
        self.with_token(&monitoring, |c, l| {
            *c = t - 10 * DAY;
            *l = None;
        });
        let ci = self.add_org_token(
            &retail,
            "ci pipeline",
            vec![json!({"scope": "org", "role": "write"})],
            vec!["10.0.0.0/8".into()],
            admin,
        );
        self.with_token(&ci, |c, l| {
            *c = t - 60 * DAY;
            *l = Some(t - 3 * DAY);
        });
        // Acme Labs shows the other health marks: a Super User token usable from anywhere whose
        // creator is gone and that is past the 90 days, and two tokens with the same name.
        let legacy = self.add_org_token(
            &labs,
            "legacy sync",
            vec![json!({"scope": "org", "role": "admin"})],
            vec![],
            None,
        );
        self.with_token(&legacy, |c, l| {
            *c = t - 400 * DAY;
            *l = Some(t - 95 * DAY);
        });
        for (i, days) in [1, 5].into_iter().enumerate() {
            let backup = self.add_org_token(
                &labs,
                "backup",
                vec![json!({"scope": "org", "role": "read"})],
                vec![],
                Some("admin@example.com".to_string()),
            );
            self.with_token(&backup, |c, l| {
                *c = t - (20 + i as i64) * DAY;
                *l = Some(t - days * DAY);
            });
        }
    }

    pub fn seed_bulk(&mut self, admin_email: &str, orgs: usize, tokens_per_org: usize) {
        let start = self
            .orgs
            .iter()
            .filter(|o| o.name.starts_with("Bulk Org "))
            .count();
        let creator = self.user(admin_email).map(|u| u.email.clone());
        let mut new_privs = Vec::new();
        for i in start..start + orgs {
            let org = self.add_org(&format!("Bulk Org {:03}", i + 1), None);
            self.add_site(&org, "Site A");
            self.add_site(&org, "Site B");
            for j in 0..tokens_per_org {
                let role = ["read", "write", "admin"][j % 3];
                self.add_org_token(
                    &org,
                    &format!("bulk token {:03}", j + 1),
                    vec![json!({"scope": "org", "role": role})],
                    vec![],
                    creator.clone(),
                );
            }
            new_privs.push(Priv::from_value(
                &json!({"scope": "org", "role": "admin", "org_id": org}),
            ));
        }
        if let Some(u) = self
            .users
            .iter_mut()
            .find(|u| u.email.eq_ignore_ascii_case(admin_email))
        {
            u.privileges.extend(new_privs);
        }
    }
}
