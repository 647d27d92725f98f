//! HTTP routes of the simulated Mist API (`/api/v1/...`).

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::server::ConnKill;
use crate::state::{
    hash, now, org_token_quota_key, parse_ip_or_net, user_quota_key, Db, Shared, Who,
};
use crate::Fault;

type St = State<Arc<Shared>>;
type R = Result<Response, ApiError>;

pub(crate) const DETAIL_401: &str = "Authentication credentials were not provided.";
pub(crate) const DETAIL_403: &str = "You do not have permission to perform this action.";
pub(crate) const DETAIL_404: &str = "Not found.";
pub(crate) const DETAIL_CSRF: &str = "CSRF Failed: CSRF token missing or incorrect.";

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v1/login", post(login))
        .route("/api/v1/login/two_factor", post(two_factor))
        .route("/api/v1/login/lookup", post(lookup))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/self", get(self_get))
        .route("/api/v1/self/usage", get(self_usage))
        .route(
            "/api/v1/self/apitokens",
            get(user_tokens_list).post(user_token_create),
        )
        .route(
            "/api/v1/self/apitokens/{id}",
            get(user_token_get)
                .put(user_token_put)
                .delete(user_token_delete),
        )
        .route("/api/v1/orgs/{org_id}", get(org_get))
        .route("/api/v1/orgs/{org_id}/sites", get(org_sites))
        .route("/api/v1/orgs/{org_id}/sitegroups", get(org_sitegroups))
        .route(
            "/api/v1/orgs/{org_id}/apitokens",
            get(org_tokens_list).post(org_token_create),
        )
        .route(
            "/api/v1/orgs/{org_id}/apitokens/{id}",
            get(org_token_get)
                .put(org_token_put)
                .delete(org_token_delete),
        )
        .route("/api/v1/msps/{msp_id}/orgs", get(msp_orgs))
        .merge(crate::idp::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), controls))
        .with_state(shared)
}

// ---------------------------------------------------------------- errors

#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    body: Value,
    headers: Vec<(HeaderName, String)>,
}

impl ApiError {
    fn new(code: u16, detail: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: json!({ "detail": detail.into() }),
            headers: Vec::new(),
        }
    }
    fn header(mut self, name: HeaderName, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

fn e400(detail: impl Into<String>) -> ApiError {
    ApiError::new(400, detail)
}
fn e401() -> ApiError {
    ApiError::new(401, DETAIL_401)
}
fn e403() -> ApiError {
    ApiError::new(403, DETAIL_403)
}
fn e404() -> ApiError {
    ApiError::new(404, DETAIL_404)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(self.body)).into_response();
        for (k, v) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&v) {
                resp.headers_mut().append(k, v);
            }
        }
        resp
    }
}

fn ok_json(v: Value) -> R {
    Ok(Json(v).into_response())
}

fn seconds_to_next_hour() -> i64 {
    let s = 3600 - now().rem_euclid(3600);
    s.max(1)
}

fn too_many(limit: u32, retry_after: Option<i64>) -> ApiError {
    let e = ApiError::new(
        429,
        format!(
            "Too Many Request. The API Token used for the request reached the {limit} API Calls per hour threshold"
        ),
    );
    match retry_after {
        Some(s) => e.header(header::RETRY_AFTER, s),
        None => e,
    }
}

async fn not_found() -> ApiError {
    e404()
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(405, format!("Method \"{method}\" not allowed."))
}

// ---------------------------------------------------------------- controls (latency, faults)

async fn controls(State(s): St, req: Request, next: Next) -> Response {
    s.request_count.fetch_add(1, Ordering::SeqCst);
    if req.version() == http::Version::HTTP_2 {
        s.http2_request_count.fetch_add(1, Ordering::SeqCst);
    }
    let _in_flight = InFlight::enter(s.clone());
    let latency = *s.latency.lock().unwrap();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let fault = s.take_fault(req.method(), req.uri().path());
    match fault {
        None => next.run(req).await,
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        Some(Fault::Status { code, html }) => fault_status(code, html),
        Some(Fault::RateLimited { retry_after }) => {
            too_many(s.cfg.rate_limit_per_hour, retry_after.map(|r| r as i64)).into_response()
        }
        Some(Fault::MalformedJson) => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let mut broken = bytes[..bytes.len() / 2].to_vec();
            broken.extend_from_slice(b"<<truncated");
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Response::from_parts(parts, Body::from(broken))
        }
        Some(Fault::DropAfterProcessing) => {
            let kill = req.extensions().get::<ConnKill>().cloned();
            let _processed = next.run(req).await;
            if let Some(kill) = kill {
                kill.0.notify_one();
                std::future::pending::<()>().await;
            }
            // No connection handle (cannot happen with our server): fail loudly instead.
            fault_status(502, true)
        }
    }
}

/// Counts a request as being handled until it is dropped (answered, or its connection gone).
struct InFlight(Arc<Shared>);

impl InFlight {
    fn enter(s: Arc<Shared>) -> Self {
        let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        s.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(s)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn fault_status(code: u16, html: bool) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
    let reason = status.canonical_reason().unwrap_or("Error");
    if html {
        let page = format!(
            "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        );
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response()
    } else {
        (status, Json(json!({ "detail": reason }))).into_response()
    }
}

// ---------------------------------------------------------------- request context

pub(crate) struct Ctx {
    method: Method,
    headers: HeaderMap,
    query: Option<String>,
    peer: IpAddr,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Infallible;
    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        Ok(Ctx {
            method: parts.method.clone(),
            headers: parts.headers.clone(),
            query: parts.uri.query().map(str::to_string),
            peer,
        })
    }
}

impl Ctx {
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim().trim_matches('"').to_string())
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    fn unsafe_method(&self) -> bool {
        !matches!(
            self.method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        )
    }
}

fn parse_json(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    let v: Value =
        serde_json::from_slice(body).map_err(|e| e400(format!("JSON parse error - {e}")))?;
    if !v.is_object() {
        let got = match v {
            Value::Array(_) => "list",
            Value::String(_) => "str",
            Value::Number(_) => "int",
            Value::Bool(_) => "bool",
            _ => "NoneType",
        };
        return Err(e400(format!(
            "Invalid data. Expected a dictionary, but got {got}."
        )));
    }
    Ok(v)
}

// ---------------------------------------------------------------- authentication

enum Authed {
    Who(Who),
    /// Session whose 2FA is still pending (only when allowed).
    Pending(String),
}

fn csrf_check(s: &Shared, ctx: &Ctx, session_csrf: &str) -> Result<(), ApiError> {
    if !ctx.unsafe_method() {
        return Ok(());
    }
    let cookie = ctx.cookie(&format!("csrftoken{}", s.cfg.cookie_suffix));
    let header = ctx.header("x-csrftoken");
    match (cookie, header) {
        (None, _) => return Err(ApiError::new(403, "CSRF Failed: CSRF cookie not set.")),
        (Some(c), Some(h)) if c == h && h == session_csrf => {}
        _ => return Err(ApiError::new(403, DETAIL_CSRF)),
    }
    referer_check(s, ctx)
}

/// Django's Referer check of a cookie session's writes (it makes it on https): the Referer
/// must be there and name this host.
fn referer_check(s: &Shared, ctx: &Ctx) -> Result<(), ApiError> {
    let referer = ctx.header("referer");
    *s.last_write_referer.lock().unwrap() = referer.clone();
    if !s.cfg.require_referer {
        return Ok(());
    }
    let Some(referer) = referer else {
        return Err(ApiError::new(
            403,
            "CSRF Failed: Referer checking failed - no Referer.",
        ));
    };
    let host = ctx.header("host").unwrap_or_default();
    let referer_host = referer
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
        .unwrap_or("");
    if host.is_empty() || !referer_host.eq_ignore_ascii_case(&host) {
        return Err(ApiError::new(
            403,
            format!("CSRF Failed: Referer checking failed - {referer} does not match any trusted origins."),
        ));
    }
    Ok(())
}

fn authenticate(
    s: &Shared,
    db: &mut Db,
    ctx: &Ctx,
    allow_pending: bool,
) -> Result<Authed, ApiError> {
    let limit = s.cfg.rate_limit_per_hour;
    let (who, quota_key) = if let Some(auth) = ctx.header("authorization") {
        let auth = auth.trim();
        let key = match auth.split_once(' ') {
            Some((scheme, key)) if scheme.eq_ignore_ascii_case("token") => key.trim(),
            _ => return Err(e401()),
        };
        let h = hash(key);
        if let Some(t) = db.user_tokens.iter().find(|t| t.key_hash == h) {
            if db.user(&t.email).is_none() {
                return Err(e401());
            }
            let who = Who::User {
                email: t.email.clone(),
                token_id: Some(t.id.clone()),
            };
            (who, user_quota_key(&t.email))
        } else if let Some(t) = db.org_tokens.iter().find(|t| t.key_hash == h) {
            if !t.allows(ctx.peer) {
                return Err(if s.cfg.src_ip_refusal_status == 401 {
                    e401()
                } else {
                    ApiError::new(s.cfg.src_ip_refusal_status, DETAIL_403)
                });
            }
            let who = Who::OrgToken {
                id: t.id.clone(),
                org_id: t.org_id.clone(),
            };
            (who, org_token_quota_key(&t.id))
        } else {
            return Err(e401());
        }
    } else {
        let sid = ctx
            .cookie(&format!("sessionid{}", s.cfg.cookie_suffix))
            .ok_or_else(e401)?;
        let session = db.sessions.get(&sid).ok_or_else(e401)?;
        let email = session.email.clone();
        if db.user(&email).is_none() {
            return Err(e401());
        }
        if !session.two_factor_passed {
            if allow_pending && !ctx.unsafe_method() {
                return Ok(Authed::Pending(email));
            }
            return Err(e401());
        }
        csrf_check(s, ctx, &session.csrf)?;
        let who = Who::User {
            email: email.clone(),
            token_id: None,
        };
        (who, user_quota_key(&email))
    };
    if db.quota_hit(&quota_key, limit).is_err() {
        return Err(too_many(limit, Some(seconds_to_next_hour())));
    }
    let t = now();
    match &who {
        Who::User {
            token_id: Some(id), ..
        } => {
            if let Some(tok) = db.user_tokens.iter_mut().find(|x| &x.id == id) {
                tok.last_used = Some(t);
            }
        }
        Who::OrgToken { id, .. } => {
            if let Some(tok) = db.org_tokens.iter_mut().find(|x| &x.id == id) {
                tok.last_used = Some(t);
            }
        }
        _ => {}
    }
    Ok(Authed::Who(who))
}

fn auth(s: &Shared, db: &mut Db, ctx: &Ctx) -> Result<Who, ApiError> {
    match authenticate(s, db, ctx, false)? {
        Authed::Who(w) => Ok(w),
        Authed::Pending(_) => Err(e401()),
    }
}

// ---------------------------------------------------------------- login

fn session_cookies(suffix: &str, csrf: &str, sid: &str) -> Vec<(HeaderName, String)> {
    vec![
        (
            header::SET_COOKIE,
            format!("csrftoken{suffix}={csrf}; Path=/; Max-Age=31449600; SameSite=Lax"),
        ),
        (
            header::SET_COOKIE,
            format!("sessionid{suffix}={sid}; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax"),
        ),
    ]
}

fn expire_cookies(suffix: &str) -> Vec<(HeaderName, String)> {
    ["csrftoken", "sessionid"]
        .iter()
        .map(|n| {
            (
                header::SET_COOKIE,
                format!(
                    "{n}{suffix}=\"\"; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax"
                ),
            )
        })
        .collect()
}

fn with_headers(v: Value, headers: Vec<(HeaderName, String)>) -> Response {
    let mut resp = Json(v).into_response();
    for (k, v) in headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            resp.headers_mut().append(k, v);
        }
    }
    resp
}

fn str_or_num(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn record_login_failure(s: &Shared, db: &mut Db, key: &str) {
    let f = db.login_failures.entry(key.to_string()).or_default();
    f.failures += 1;
    if f.failures >= s.cfg.lockout_failures {
        f.locked_until = Some(Instant::now() + std::time::Duration::from_secs(s.cfg.lockout_secs));
    }
}

async fn login(State(s): St, ctx: Ctx, body: Bytes) -> R {
    let v = parse_json(&body)?;
    let email = v.get("email").and_then(Value::as_str).unwrap_or("").trim();
    let password = v.get("password").and_then(Value::as_str);
    if email.is_empty() || password.is_none() {
        return Err(e400("email and password are required"));
    }
    let password = password.unwrap_or_default();
    let code = str_or_num(&v, "two_factor");
    let key = email.to_ascii_lowercase();
    let mut db = s.db.lock().unwrap();

    if let Some(f) = db.login_failures.get(&key) {
        if let Some(until) = f.locked_until {
            let now_i = Instant::now();
            if until > now_i {
                let secs = (until - now_i).as_secs_f64().ceil().max(1.0) as u64;
                return Err(ApiError::new(
                    429,
                    format!("Request was throttled. Expected available in {secs} seconds."),
                )
                .header(header::RETRY_AFTER, secs));
            }
            db.login_failures.remove(&key);
        }
    }

    let (sso, pw_ok, tf) = match db.user(email) {
        Some(u) => (
            u.sso,
            u.password_hash == hash(password),
            u.two_factor_hash.clone(),
        ),
        None => (false, false, None),
    };
    if sso {
        let mut e = e400("sso admin login needs to be initiated by IdP");
        e.body["forward_url"] = json!(crate::idp::sso_url(&s, &ctx.headers, email));
        return Err(e);
    }
    if !pw_ok {
        record_login_failure(&s, &mut db, &key);
        return Err(e400("Invalid email or password"));
    }
    let (body, passed) = match (&tf, &code) {
        (None, _) => (json!({}), true),
        (Some(h), Some(c)) if *h == hash(c) => (
            json!({"email": email, "two_factor_required": true, "two_factor_passed": true}),
            true,
        ),
        (Some(_), Some(_)) => {
            record_login_failure(&s, &mut db, &key);
            return Err(e400("two_factor code is incorrect"));
        }
        (Some(_), None) => (
            json!({"email": email, "two_factor_required": true, "two_factor_passed": false}),
            false,
        ),
    };
    db.login_failures.remove(&key);
    if let Some(old) = ctx.cookie(&format!("sessionid{}", s.cfg.cookie_suffix)) {
        db.sessions.remove(&old);
    }
    let (csrf, sid) = db.create_session(email, passed).ok_or_else(e401)?;
    Ok(with_headers(
        body,
        session_cookies(&s.cfg.cookie_suffix, &csrf, &sid),
    ))
}

async fn two_factor(State(s): St, ctx: Ctx, body: Bytes) -> R {
    let v = parse_json(&body)?;
    let code =
        str_or_num(&v, "two_factor").ok_or_else(|| e400("two_factor: This field is required."))?;
    let mut db = s.db.lock().unwrap();
    let sid = ctx
        .cookie(&format!("sessionid{}", s.cfg.cookie_suffix))
        .ok_or_else(e401)?;
    let email = db.sessions.get(&sid).ok_or_else(e401)?.email.clone();
    let tf = db.user(&email).ok_or_else(e401)?.two_factor_hash.clone();
    let Some(tf) = tf else {
        return Err(ApiError::new(
            404,
            "two factor authentication is not enabled for this user",
        ));
    };
    if tf != hash(&code) {
        return Err(ApiError::new(401, "two_factor code is incorrect"));
    }
    if let Some(sess) = db.sessions.get_mut(&sid) {
        sess.two_factor_passed = true;
    }
    ok_json(json!({}))
}

async fn lookup(State(s): St, ctx: Ctx, body: Bytes) -> R {
    let v = parse_json(&body)?;
    let email = v
        .get("email")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| e400("email: This field is required."))?;
    let db = s.db.lock().unwrap();
    match db.user(email) {
        Some(u) if u.sso => {
            ok_json(json!({"sso_url": crate::idp::sso_url(&s, &ctx.headers, email)}))
        }
        Some(_) => ok_json(json!({})),
        None => Err(ApiError::new(404, "User does not exist")),
    }
}

async fn logout(State(s): St, ctx: Ctx) -> R {
    let mut db = s.db.lock().unwrap();
    if let Some(sid) = ctx.cookie(&format!("sessionid{}", s.cfg.cookie_suffix)) {
        if let Some(sess) = db.sessions.get(&sid) {
            csrf_check(&s, &ctx, &sess.csrf)?;
            db.sessions.remove(&sid);
        }
    }
    Ok(with_headers(
        json!({}),
        expire_cookies(&s.cfg.cookie_suffix),
    ))
}

// ---------------------------------------------------------------- self

async fn self_get(State(s): St, ctx: Ctx) -> R {
    let mut db = s.db.lock().unwrap();
    let who = match authenticate(&s, &mut db, &ctx, true)? {
        Authed::Pending(email) => {
            return ok_json(json!({
                "email": email,
                "two_factor_required": true,
                "two_factor_passed": false,
            }))
        }
        Authed::Who(w) => w,
    };
    match &who {
        Who::User { email, .. } => {
            let privs = db.privs_of(&who);
            let u = db.user(email).ok_or_else(e401)?;
            let has_2fa = u.two_factor_hash.is_some();
            let mut v = json!({
                "email": u.email,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "phone": "",
                "via_sso": u.sso,
                "enable_two_factor": has_2fa,
                "two_factor_verified": has_2fa,
                "session_expiry": 1440,
                "password_modified_time": u.password_modified_time,
                "tags": [],
                "privileges": db.privileges_json(&privs),
            });
            if has_2fa {
                v["two_factor_required"] = json!(true);
                v["two_factor_passed"] = json!(true);
            }
            ok_json(v)
        }
        Who::OrgToken { id, .. } => {
            let name = db
                .org_tokens
                .iter()
                .find(|t| &t.id == id)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            let privs = db.privs_of(&who);
            ok_json(json!({"name": name, "privileges": db.privileges_json(&privs)}))
        }
    }
}

async fn self_usage(State(s): St, ctx: Ctx) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    let key = match &who {
        Who::User { email, .. } => user_quota_key(email),
        Who::OrgToken { id, .. } => org_token_quota_key(id),
    };
    ok_json(json!({
        "requests": db.quota_peek(&key),
        "request_limit": s.cfg.rate_limit_per_hour,
        "seconds": 3600,
    }))
}

// ---------------------------------------------------------------- user tokens

fn user_of(who: &Who) -> Result<String, ApiError> {
    match who {
        Who::User { email, .. } => Ok(email.clone()),
        Who::OrgToken { .. } => Err(e403()),
    }
}

fn name_field(v: &Value, required: bool) -> Result<Option<String>, ApiError> {
    match v.get("name") {
        None | Some(Value::Null) if required => Err(e400("name: This field is required.")),
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(n)) if n.trim().is_empty() => {
            Err(e400("name: This field may not be blank."))
        }
        Some(Value::String(n)) => Ok(Some(n.clone())),
        Some(_) => Err(e400("name: Not a valid string.")),
    }
}

async fn user_tokens_list(State(s): St, ctx: Ctx) -> R {
    let mut db = s.db.lock().unwrap();
    let email = user_of(&auth(&s, &mut db, &ctx)?)?;
    let list: Vec<Value> = db
        .user_tokens
        .iter()
        .filter(|t| t.email.eq_ignore_ascii_case(&email))
        .map(|t| t.to_json())
        .collect();
    ok_json(Value::Array(list))
}

async fn user_token_create(State(s): St, ctx: Ctx, body: Bytes) -> R {
    let mut db = s.db.lock().unwrap();
    let email = user_of(&auth(&s, &mut db, &ctx)?)?;
    if db.user(&email).is_some_and(|u| u.sso) {
        return Err(ApiError::new(
            403,
            "SSO admins cannot create user API tokens; use an org API token instead.",
        ));
    }
    let v = parse_json(&body)?;
    let name = name_field(&v, true)?.unwrap_or_default();
    let (id, key) = db.insert_user_token(&email, &name);
    *s.last_issued_key.lock().unwrap() = Some(key.clone());
    let mut out = db
        .user_tokens
        .iter()
        .find(|t| t.id == id)
        .map(|t| t.to_json())
        .unwrap_or_default();
    out["key"] = json!(key);
    ok_json(out)
}

fn find_user_token(db: &Db, email: &str, id: &str) -> Result<usize, ApiError> {
    db.user_tokens
        .iter()
        .position(|t| t.id == id && t.email.eq_ignore_ascii_case(email))
        .ok_or_else(e404)
}

async fn user_token_get(State(s): St, ctx: Ctx, Path(id): Path<String>) -> R {
    let mut db = s.db.lock().unwrap();
    let email = user_of(&auth(&s, &mut db, &ctx)?)?;
    let i = find_user_token(&db, &email, &id)?;
    ok_json(db.user_tokens[i].to_json())
}

async fn user_token_put(State(s): St, ctx: Ctx, Path(id): Path<String>, body: Bytes) -> R {
    let mut db = s.db.lock().unwrap();
    let email = user_of(&auth(&s, &mut db, &ctx)?)?;
    let i = find_user_token(&db, &email, &id)?;
    let v = parse_json(&body)?;
    if let Some(name) = name_field(&v, false)? {
        db.user_tokens[i].name = name;
    }
    ok_json(db.user_tokens[i].to_json())
}

async fn user_token_delete(State(s): St, ctx: Ctx, Path(id): Path<String>) -> R {
    let mut db = s.db.lock().unwrap();
    let email = user_of(&auth(&s, &mut db, &ctx)?)?;
    let i = find_user_token(&db, &email, &id)?;
    db.user_tokens.remove(i);
    Ok(StatusCode::OK.into_response())
}

// ---------------------------------------------------------------- org tokens

/// Who may manage the org's tokens: an org admin ("Super User") of that org (or an MSP
/// admin over it); org tokens only read, unless configured otherwise.
fn org_token_guard(
    s: &Shared,
    db: &Db,
    who: &Who,
    org_id: &str,
    write: bool,
) -> Result<(), ApiError> {
    if db.org(org_id).is_none() {
        return Err(e403());
    }
    if let Who::OrgToken { .. } = who {
        if write && !s.cfg.org_token_may_create_tokens {
            return Err(e403());
        }
    }
    match db.org_role(who, org_id).as_deref() {
        Some("admin") => Ok(()),
        _ => Err(e403()),
    }
}

const SCOPES: [&str; 3] = ["org", "site", "sitegroup"];
const ROLES: [&str; 5] = ["admin", "write", "read", "helpdesk", "installer"];
const VIEWS: [&str; 8] = [
    "lobby_admin",
    "location",
    "marketing",
    "mxedge_admin",
    "reporting",
    "security",
    "super_observer",
    "switch_admin",
];

fn validate_privileges(db: &Db, org_id: &str, v: &Value) -> Result<Vec<Value>, ApiError> {
    let arr = v
        .as_array()
        .ok_or_else(|| e400("privileges: Expected a list of items."))?;
    if arr.is_empty() {
        return Err(e400("privileges: at least 1 privilege is required."));
    }
    if arr.len() > 10 {
        return Err(e400("privileges: at most 10 privileges are allowed."));
    }
    let mut out: Vec<Value> = Vec::new();
    for (i, p) in arr.iter().enumerate() {
        let obj = p
            .as_object()
            .ok_or_else(|| e400(format!("privileges[{i}]: Expected a dictionary.")))?;
        let scope = obj
            .get("scope")
            .and_then(Value::as_str)
            .ok_or_else(|| e400(format!("privileges[{i}].scope: This field is required.")))?;
        if !SCOPES.contains(&scope) {
            return Err(e400(format!(
                "privileges[{i}].scope: \"{scope}\" is not a valid choice (org, site, sitegroup)."
            )));
        }
        let role = obj
            .get("role")
            .and_then(Value::as_str)
            .ok_or_else(|| e400(format!("privileges[{i}].role: This field is required.")))?;
        if !ROLES.contains(&role) {
            return Err(e400(format!(
                "privileges[{i}].role: \"{role}\" is not a valid choice (admin, write, read, helpdesk, installer)."
            )));
        }
        let mut n = json!({"scope": scope, "role": role});
        match scope {
            "org" => {
                if let Some(o) = obj.get("org_id").filter(|x| !x.is_null()) {
                    if o.as_str() != Some(org_id) {
                        return Err(e400(format!(
                            "privileges[{i}].org_id: must be the id of this org."
                        )));
                    }
                }
                n["org_id"] = json!(org_id);
            }
            "site" => {
                let site_id = obj.get("site_id").and_then(Value::as_str).ok_or_else(|| {
                    e400(format!(
                        "privileges[{i}].site_id: required when scope is site."
                    ))
                })?;
                if !db
                    .sites
                    .iter()
                    .any(|x| x.id == site_id && x.org_id == org_id)
                {
                    return Err(e400(format!(
                        "privileges[{i}].site_id: site {site_id} does not exist in this org."
                    )));
                }
                n["site_id"] = json!(site_id);
            }
            _ => {
                let sg = obj
                    .get("sitegroup_id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        e400(format!(
                            "privileges[{i}].sitegroup_id: required when scope is sitegroup."
                        ))
                    })?;
                if !db
                    .sitegroups
                    .iter()
                    .any(|x| x.id == sg && x.org_id == org_id)
                {
                    return Err(e400(format!(
                        "privileges[{i}].sitegroup_id: site group {sg} does not exist in this org."
                    )));
                }
                n["sitegroup_id"] = json!(sg);
            }
        }
        if let Some(views) = obj.get("views").filter(|x| !x.is_null()) {
            let items: Vec<&Value> = match views {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            for view in items {
                match view.as_str() {
                    Some(x) if VIEWS.contains(&x) => {}
                    _ => {
                        return Err(e400(format!(
                            "privileges[{i}].views: {view} is not a valid choice ({}).",
                            VIEWS.join(", ")
                        )))
                    }
                }
            }
            n["views"] = views.clone();
        }
        if out.contains(&n) {
            return Err(e400(format!("privileges[{i}]: duplicate privilege.")));
        }
        out.push(n);
    }
    Ok(out)
}

fn validate_src_ips(v: &Value) -> Result<Vec<String>, ApiError> {
    if v.is_null() {
        return Ok(Vec::new());
    }
    let arr = v
        .as_array()
        .ok_or_else(|| e400("src_ips: Expected a list of items."))?;
    if arr.len() > 10 {
        return Err(e400(
            "src_ips: at most 10 IP addresses or CIDRs are allowed.",
        ));
    }
    let mut out = Vec::new();
    for item in arr {
        let s = item
            .as_str()
            .ok_or_else(|| e400("src_ips: each item must be a string."))?
            .trim();
        if parse_ip_or_net(s).is_none() {
            return Err(e400(format!(
                "src_ips: \"{s}\" is not a valid IP address or CIDR."
            )));
        }
        out.push(s.to_string());
    }
    Ok(out)
}

fn normalised_ip_set(list: &[String]) -> HashSet<String> {
    list.iter()
        .map(|s| match parse_ip_or_net(s) {
            Some(crate::state::IpOrNet::Ip(ip)) => ip.to_string(),
            Some(crate::state::IpOrNet::Net(n)) => n.to_string(),
            None => s.clone(),
        })
        .collect()
}

async fn org_tokens_list(State(s): St, ctx: Ctx, Path(org_id): Path<String>) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    org_token_guard(&s, &db, &who, &org_id, false)?;
    let list: Vec<Value> = db
        .org_tokens
        .iter()
        .filter(|t| t.org_id == org_id)
        .map(|t| t.to_json(true))
        .collect();
    ok_json(Value::Array(list))
}

async fn org_token_create(State(s): St, ctx: Ctx, Path(org_id): Path<String>, body: Bytes) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    org_token_guard(&s, &db, &who, &org_id, true)?;
    let v = parse_json(&body)?;
    let name = name_field(&v, true)?.unwrap_or_default();
    let privileges = match v.get("privileges") {
        None | Some(Value::Null) => return Err(e400("privileges: This field is required.")),
        Some(p) => validate_privileges(&db, &org_id, p)?,
    };
    let src_ips = validate_src_ips(v.get("src_ips").unwrap_or(&Value::Null))?;
    let created_by = match &who {
        Who::User { email, .. } => Some(email.clone()),
        Who::OrgToken { .. } => None,
    };
    let (id, key) = db.insert_org_token(&org_id, &name, privileges, src_ips, created_by);
    *s.last_issued_key.lock().unwrap() = Some(key.clone());
    let mut out = db
        .org_tokens
        .iter()
        .find(|t| t.id == id)
        .map(|t| t.to_json(s.cfg.org_token_post_includes_privileges))
        .unwrap_or_default();
    out["key"] = json!(key);
    ok_json(out)
}

fn find_org_token(db: &Db, org_id: &str, id: &str) -> Result<usize, ApiError> {
    db.org_tokens
        .iter()
        .position(|t| t.id == id && t.org_id == org_id)
        .ok_or_else(e404)
}

async fn org_token_get(State(s): St, ctx: Ctx, Path((org_id, id)): Path<(String, String)>) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    org_token_guard(&s, &db, &who, &org_id, false)?;
    let i = find_org_token(&db, &org_id, &id)?;
    ok_json(db.org_tokens[i].to_json(true))
}

async fn org_token_put(
    State(s): St,
    ctx: Ctx,
    Path((org_id, id)): Path<(String, String)>,
    body: Bytes,
) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    org_token_guard(&s, &db, &who, &org_id, true)?;
    let i = find_org_token(&db, &org_id, &id)?;
    let v = parse_json(&body)?;
    let name = name_field(&v, false)?;
    let privileges = match v.get("privileges") {
        None | Some(Value::Null) => None,
        Some(p) => Some(validate_privileges(&db, &org_id, p)?),
    };
    if let Some(ips) = v.get("src_ips") {
        let ips = validate_src_ips(ips)?;
        if normalised_ip_set(&ips) != normalised_ip_set(&db.org_tokens[i].src_ips) {
            return Err(e400(
                "src_ips cannot be changed once the API token is created.",
            ));
        }
    }
    let t = &mut db.org_tokens[i];
    if let Some(n) = name {
        t.name = n;
    }
    if let Some(p) = privileges {
        t.privileges = p;
    }
    ok_json(t.to_json(true))
}

async fn org_token_delete(State(s): St, ctx: Ctx, Path((org_id, id)): Path<(String, String)>) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    org_token_guard(&s, &db, &who, &org_id, true)?;
    let i = find_org_token(&db, &org_id, &id)?;
    db.org_tokens.remove(i);
    Ok(StatusCode::OK.into_response())
}

// ---------------------------------------------------------------- orgs, sites, MSPs

fn paginate(items: Vec<Value>, query: Option<&str>) -> R {
    let mut limit: usize = 100;
    let mut page: usize = 1;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "limit" => {
                limit = v
                    .parse()
                    .map_err(|_| e400("limit: A valid integer is required."))?;
            }
            "page" => {
                page = v
                    .parse()
                    .map_err(|_| e400("page: A valid integer is required."))?;
                if page < 1 {
                    return Err(e400(
                        "page: Ensure this value is greater than or equal to 1.",
                    ));
                }
            }
            _ => {}
        }
    }
    if limit == 0 {
        limit = 100;
    }
    let limit = limit.min(1000);
    let total = items.len();
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1).saturating_mul(limit))
        .take(limit)
        .collect();
    let mut resp = Json(Value::Array(slice)).into_response();
    let h = resp.headers_mut();
    h.insert("x-page-limit", HeaderValue::from(limit));
    h.insert("x-page-page", HeaderValue::from(page));
    h.insert("x-page-total", HeaderValue::from(total));
    Ok(resp)
}

async fn org_get(State(s): St, ctx: Ctx, Path(org_id): Path<String>) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    if !db.can_see_org(&who, &org_id) {
        return Err(e403());
    }
    let org = db.org(&org_id).ok_or_else(e404)?;
    ok_json(db.org_json(org))
}

async fn org_sites(State(s): St, ctx: Ctx, Path(org_id): Path<String>) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    let ids = db.visible_site_ids(&who, &org_id).ok_or_else(e403)?;
    let items: Vec<Value> = db
        .sites
        .iter()
        .filter(|x| x.org_id == org_id && ids.contains(&x.id))
        .map(|x| db.site_json(x))
        .collect();
    paginate(items, ctx.query.as_deref())
}

async fn org_sitegroups(State(s): St, ctx: Ctx, Path(org_id): Path<String>) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    let full = db.org_role(&who, &org_id).is_some();
    let ids = db.visible_site_ids(&who, &org_id).ok_or_else(e403)?;
    let items: Vec<Value> = db
        .sitegroups
        .iter()
        .filter(|g| g.org_id == org_id && (full || g.site_ids.iter().any(|x| ids.contains(x))))
        .map(|g| db.sitegroup_json(g))
        .collect();
    paginate(items, ctx.query.as_deref())
}

async fn msp_orgs(State(s): St, ctx: Ctx, Path(msp_id): Path<String>) -> R {
    let mut db = s.db.lock().unwrap();
    let who = auth(&s, &mut db, &ctx)?;
    let is_msp_admin = db
        .privs_of(&who)
        .iter()
        .any(|p| p.scope == "msp" && p.msp_id.as_deref() == Some(msp_id.as_str()));
    if !is_msp_admin || db.msp(&msp_id).is_none() {
        return Err(e403());
    }
    let items: Vec<Value> = db
        .orgs
        .iter()
        .filter(|o| o.msp_id.as_deref() == Some(msp_id.as_str()))
        .map(|o| db.org_json(o))
        .collect();
    paginate(items, ctx.query.as_deref())
}
