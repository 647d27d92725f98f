//! Helpers shared by the simulator's own tests (real HTTP through reqwest).
#![allow(dead_code)]

use mist_sim::{Sim, SimConfig, SimHandle};
use reqwest::{Client, Method, Response};
use serde_json::{json, Value};

pub const PW: &str = "demo-password";

pub async fn demo() -> SimHandle {
    Sim::start(SimConfig::default()).await
}

pub async fn with(cfg: SimConfig) -> SimHandle {
    Sim::start(cfg).await
}

pub fn client() -> Client {
    Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

pub fn api(sim: &SimHandle, path: &str) -> String {
    format!("{}/api/v1{}", sim.url(), path)
}

/// The value of a Set-Cookie whose name is exactly `name`.
pub fn set_cookie(resp: &Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            let first = c.split(';').next()?;
            let (k, v) = first.split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// A signed-in portal session (cookies handled by hand so the names can be checked).
#[derive(Clone)]
pub struct Session {
    pub base: String,
    pub suffix: String,
    pub csrf: String,
    pub sid: String,
    pub client: Client,
}

impl Session {
    pub fn cookie(&self) -> String {
        format!(
            "csrftoken{0}={1}; sessionid{0}={2}",
            self.suffix, self.csrf, self.sid
        )
    }

    /// The `Referer` a browser on the portal would send (the simulator checks it on writes).
    pub fn referer(&self) -> String {
        format!("{}/", self.base)
    }

    /// A request with the session cookies and, for unsafe methods, the CSRF and Referer headers.
    pub async fn req(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let safe = method == Method::GET;
        let mut rb = self
            .client
            .request(method, format!("{}/api/v1{}", self.base, path))
            .header("cookie", self.cookie());
        if !safe {
            rb = rb
                .header("X-CSRFToken", &self.csrf)
                .header("Referer", self.referer());
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        rb.send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.req(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.req(Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Response {
        self.req(Method::PUT, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> Response {
        self.req(Method::DELETE, path, None).await
    }
}

pub async fn login_raw(sim: &SimHandle, body: Value) -> Response {
    client()
        .post(api(sim, "/login"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Sign in with email + password (no 2FA) and return the session.
pub async fn login(sim: &SimHandle, email: &str) -> Session {
    let suffix = sim.config().cookie_suffix;
    let resp = login_raw(sim, json!({"email": email, "password": PW})).await;
    assert_eq!(resp.status(), 200, "login of {email}");
    let csrf = set_cookie(&resp, &format!("csrftoken{suffix}")).expect("csrftoken cookie");
    let sid = set_cookie(&resp, &format!("sessionid{suffix}")).expect("sessionid cookie");
    Session {
        base: sim.url(),
        suffix,
        csrf,
        sid,
        client: client(),
    }
}

/// A request authenticated with `Authorization: Token <key>`.
pub async fn tok(
    sim: &SimHandle,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut rb = client()
        .request(method, api(sim, path))
        .header("Authorization", format!("Token {key}"));
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    rb.send().await.unwrap()
}

pub async fn tget(sim: &SimHandle, key: &str, path: &str) -> Response {
    tok(sim, key, Method::GET, path, None).await
}

pub async fn body(resp: Response) -> Value {
    let text = resp.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

pub async fn detail(resp: Response) -> String {
    body(resp).await["detail"]
        .as_str()
        .expect("detail string")
        .to_string()
}

pub fn retail(sim: &SimHandle) -> String {
    sim.org_id("Acme Retail").unwrap()
}

pub fn admin_org_privs(org_id: &str) -> Vec<Value> {
    vec![json!({"scope": "org", "role": "admin", "org_id": org_id})]
}
