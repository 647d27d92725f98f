//! The one HTTP client: timeouts, bounded retries for idempotent requests, a size cap on bodies,
//! HTML/garbage detection, the status → `Error` mapping, the sensitive `Authorization` header and
//! the session cookies (with the `X-CSRFToken` header for unsafe calls; the jar is in `cookies`).
//!
//! Nothing here logs a body, a header or a key.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::clouds::host_of;
pub use super::cookies::CookieJar;
use crate::{Error, Result};

/// Largest body we read; anything bigger is refused (read in chunks, stop at the cap).
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// Default whole-request timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Timeout per cloud when detecting which cloud knows an account or a token.
pub const DETECT_TIMEOUT: Duration = Duration::from_secs(3);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const RETRY_DELAYS: [Duration; 2] = [Duration::from_millis(200), Duration::from_millis(600)];

/// How a request authenticates.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    Token(&'a SecretString),
    Cookies(&'a CookieJar),
}

/// One request to a cloud.
pub struct Call<'a> {
    pub method: Method,
    pub base: &'a str,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// The JSON body, built once; it may hold a password or 2FA code, so it lives in one
    /// `Zeroizing` buffer that every attempt shares (no copies) and that is wiped when the last
    /// reference (the call, or reqwest once it sent it) is dropped.
    pub body: Option<bytes::Bytes>,
    pub auth: Auth<'a>,
    /// `None`: the client's request timeout.
    pub timeout: Option<Duration>,
    pub retries: usize,
    /// What we were doing, for a 403 message: "see this organization's tokens".
    pub action: &'a str,
}

impl<'a> Call<'a> {
    pub fn new(method: Method, base: &'a str, path: impl Into<String>, auth: Auth<'a>) -> Self {
        let idempotent = matches!(method, Method::GET | Method::PUT | Method::DELETE);
        Self {
            method,
            base,
            path: path.into(),
            query: Vec::new(),
            body: None,
            auth,
            timeout: None,
            retries: if idempotent { RETRY_DELAYS.len() } else { 0 },
            action: "do this",
        }
    }
    pub fn get(base: &'a str, path: impl Into<String>, auth: Auth<'a>) -> Self {
        Self::new(Method::GET, base, path, auth)
    }
    pub fn json<T: serde::Serialize>(mut self, body: &T) -> Self {
        self.body = Some(json_body(body));
        self
    }
    pub fn action(mut self, action: &'a str) -> Self {
        self.action = action;
        self
    }
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }
    pub fn no_retry(mut self) -> Self {
        self.retries = 0;
        self
    }
    pub fn query(mut self, k: &'static str, v: impl ToString) -> Self {
        self.query.push((k, v.to_string()));
        self
    }
    fn host(&self) -> String {
        host_of(self.base)
    }
}

/// Serializes `body` once into a buffer of exactly its size (measured first, so the buffer never
/// grows and leaves a copy behind), wiped when the last `Bytes` referring to it is dropped.
pub fn json_body<T: serde::Serialize>(body: &T) -> bytes::Bytes {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut n = Count(0);
    if serde_json::to_writer(&mut n, body).is_err() {
        return bytes::Bytes::new();
    }
    let mut buf = Zeroizing::new(Vec::with_capacity(n.0));
    if serde_json::to_writer(&mut *buf, body).is_err() {
        return bytes::Bytes::new();
    }
    bytes::Bytes::from_owner(buf)
}

/// A response body being read: sized once from `Content-Length` (capped at [`MAX_BODY`]);
/// when it must grow after all, the old buffer is wiped, never left behind by a reallocation.
pub struct BodyBuf {
    buf: Zeroizing<Vec<u8>>,
}

/// The answer is larger than [`MAX_BODY`].
#[derive(Debug, PartialEq, Eq)]
pub struct TooBig;

impl BodyBuf {
    /// Bodies without a `Content-Length` start at this size.
    const UNKNOWN_LEN: usize = 16 * 1024;

    pub fn new(content_length: Option<u64>) -> Self {
        let cap = content_length
            .map(|n| usize::try_from(n).unwrap_or(MAX_BODY).min(MAX_BODY))
            .unwrap_or(Self::UNKNOWN_LEN);
        Self {
            buf: Zeroizing::new(Vec::with_capacity(cap)),
        }
    }

    pub fn push(&mut self, chunk: &[u8]) -> std::result::Result<(), TooBig> {
        let need = self.buf.len() + chunk.len();
        if need > MAX_BODY {
            return Err(TooBig);
        }
        if need > self.buf.capacity() {
            let cap = need.max(self.buf.capacity() * 2).min(MAX_BODY);
            let mut bigger = Zeroizing::new(Vec::with_capacity(cap));
            bigger.extend_from_slice(&self.buf);
            // The old buffer is wiped as it is dropped here.
            self.buf = bigger;
        }
        self.buf.extend_from_slice(chunk);
        Ok(())
    }

    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    pub fn into_inner(self) -> Zeroizing<Vec<u8>> {
        self.buf
    }
}

/// A response whose body was read (within the size cap).
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    /// Zeroized on drop: a create's answer carries the new key.
    pub body: Zeroizing<Vec<u8>>,
    host: String,
}

impl Response {
    /// A response as if `host` had sent it (property tests and fuzz targets of the decoders).
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn for_fuzzing(status: u16, headers: HeaderMap, body: Vec<u8>, host: &str) -> Self {
        Self {
            status,
            headers,
            body: Zeroizing::new(body),
            host: host.to_string(),
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn looks_like_html(&self) -> bool {
        let ct = self
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let start = self
            .body
            .iter()
            .skip_while(|b| b.is_ascii_whitespace())
            .take(1)
            .next();
        ct.contains("html") || start == Some(&b'<')
    }

    /// Parses the body as JSON; garbage and HTML become clear errors.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|_| {
            if self.looks_like_html() {
                Error::UnexpectedResponse(format!(
                    "{} answered with a web page instead of data. A proxy, firewall or captive portal may be in the way: check your network, then try again.",
                    self.host
                ))
            } else {
                Error::UnexpectedResponse(format!(
                    "{} answered with data this app does not understand. Try again in a minute; if it keeps happening, the address may not be a Mist API.",
                    self.host
                ))
            }
        })
    }

    /// `{"detail": ...}` of an error body, if any.
    pub fn detail(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        v.get("detail").and_then(|d| match d {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        })
    }

    /// The answer's `Retry-After`, in seconds from now (see [`parse_retry_after`]).
    pub fn retry_after(&self) -> Option<u64> {
        let v = self
            .headers
            .get(reqwest::header::RETRY_AFTER)?
            .to_str()
            .ok()?;
        parse_retry_after(v, std::time::SystemTime::now())
    }

    /// The `Error` for a non-2xx answer.
    pub fn error(&self, auth: Auth<'_>, action: &str) -> Error {
        let host = &self.host;
        match self.status {
            400 | 422 => {
                let detail = self
                    .detail()
                    .unwrap_or_else(|| "the request was refused".into());
                Error::invalid(
                    field_from_detail(&detail),
                    format!("Mist did not accept this: {detail}. Check the form and try again."),
                )
            }
            401 => Error::Unauthorized(match auth {
                Auth::Token(_) => "Mist no longer accepts the token you signed in with (it may have been deleted, or removed after 90 days unused). Sign in again.".into(),
                Auth::Cookies(_) => "Your Mist session has ended. Sign in again to continue.".into(),
                Auth::None => "Mist did not accept the sign-in. Check it and try again.".into(),
            }),
            403 => Error::Forbidden(format!(
                "Your account does not have permission to {action}. Ask an org Super User of this organization to do it, or to give you that access."
            )),
            404 => Error::NotFound(format!(
                "{host} says this does not exist (any more). It may have been deleted: refresh the list and try again."
            )),
            429 => rate_limited(self.retry_after()),
            s if s >= 500 => {
                let what = if self.looks_like_html() {
                    " with an error page (often a proxy or load balancer in front of Mist)"
                } else {
                    ""
                };
                Error::Server(format!(
                    "{host} had a problem (HTTP {s}){what}. This is usually temporary: wait a minute, then try again."
                ))
            }
            s => Error::UnexpectedResponse(format!(
                "{host} gave an unexpected answer (HTTP {s}). Try again; if it keeps happening, check the cloud address."
            )),
        }
    }
}

/// A `Retry-After` value in seconds from `now`: either form HTTP allows, delay-seconds (`120`) or
/// an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`; a date in the past is 0). Anything else: `None`.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).map(|d| d.as_secs()).unwrap_or(0))
}

/// The error for a 429 with an optional `Retry-After`.
pub fn rate_limited(retry_after_s: Option<u64>) -> Error {
    let wait = match retry_after_s {
        Some(s) if s < 90 => format!("Try again in {s} seconds."),
        Some(s) => format!("Try again in about {} minutes.", s.div_ceil(60)),
        None => "Wait a few minutes (Mist's limit resets at the top of each hour), then try again."
            .into(),
    };
    Error::RateLimited {
        message: format!("Mist asks this app to slow down: too many requests were made. {wait}"),
        retry_after_s,
    }
}

/// Which form field a 400's detail is about, when it can be told.
fn field_from_detail(detail: &str) -> &'static str {
    let d = detail.to_ascii_lowercase();
    if d.contains("src_ip") {
        "src_ips"
    } else if d.contains("privilege") || d.contains("role") || d.contains("scope") {
        "privileges"
    } else if d.contains("email") {
        "email"
    } else if d.contains("password") {
        "password"
    } else if d.contains("name") {
        "name"
    } else {
        "form"
    }
}

/// A failed attempt: the error, and whether the request may have reached the server.
pub struct Failure {
    pub error: Error,
    pub maybe_sent: bool,
    retryable: bool,
}

/// Whether a transport failure came from TLS (an untrusted certificate, a handshake a proxy broke,
/// a server that does not speak TLS): rustls's own error type somewhere in the source chain,
/// directly or inside (nested) `io::Error`s, as hyper-util and tokio-rustls wrap it. No message
/// text is read.
fn is_tls(e: &reqwest::Error) -> bool {
    fn holds_rustls(mut e: &(dyn std::error::Error + 'static)) -> bool {
        loop {
            if e.downcast_ref::<rustls::Error>().is_some() {
                return true;
            }
            // `io::Error::source` skips the error it wraps, so look inside it by hand.
            match e
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
            {
                Some(inner) => e = inner,
                None => return false,
            }
        }
    }
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if holds_rustls(s) {
            return true;
        }
        src = s.source();
    }
    false
}

fn transport_error(e: &reqwest::Error, host: &str) -> Failure {
    let tls = is_tls(e);
    let maybe_sent = !e.is_connect();
    if e.is_timeout() {
        Failure {
            error: Error::Timeout(format!(
                "{host} did not answer in time. Check your internet connection, then try again."
            )),
            maybe_sent,
            retryable: true,
        }
    } else if tls {
        Failure {
            error: Error::Tls(format!(
                "The secure connection to {host} failed: its certificate is not trusted. If your company uses a proxy that inspects encrypted traffic, its certificate must be in this computer's trust store: ask your IT team."
            )),
            maybe_sent: false,
            retryable: false,
        }
    } else {
        Failure {
            error: Error::Network(format!(
                "Could not reach {host}. Check your internet connection or proxy settings, then try again."
            )),
            maybe_sent,
            retryable: true,
        }
    }
}

fn is_timeout(f: &Failure) -> bool {
    matches!(f.error, Error::Timeout(_))
}

/// Which HTTP versions the client speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// HTTP/2 where the server offers it in the TLS handshake (ALPN), else HTTP/1.1: what Mist's
    /// clouds get.
    #[default]
    Negotiated,
    /// HTTP/2 from the first byte, also without TLS (h2c with prior knowledge): for the benchmark
    /// against the simulator on loopback (`MIST_TOKEN_MANAGER_HTTP2_PRIOR_KNOWLEDGE=1`).
    Http2PriorKnowledge,
}

impl Protocol {
    /// `MIST_TOKEN_MANAGER_HTTP2_PRIOR_KNOWLEDGE=1`: [`Protocol::Http2PriorKnowledge`].
    pub fn from_env() -> Self {
        match std::env::var("MIST_TOKEN_MANAGER_HTTP2_PRIOR_KNOWLEDGE").as_deref() {
            Ok("1") => Self::Http2PriorKnowledge,
            _ => Self::Negotiated,
        }
    }
}

/// The shared client. The reqwest client itself is built on first use (or by [`Http::prepare`]
/// from a thread of its own at start-up): building it reads and parses the OS trust store
/// (hundreds of certificate files on Linux), which must not delay the window.
#[derive(Clone, Debug)]
pub struct Http {
    client: std::sync::Arc<std::sync::OnceLock<std::result::Result<reqwest::Client, String>>>,
    request_timeout: Duration,
    protocol: Protocol,
    /// Hosts whose last answer came over HTTP/2 (one connection carries many requests at once).
    multiplexed: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

impl Http {
    /// rustls with the OS trust store; proxy variables honoured (reqwest's default); no redirects
    /// (an auth header must never follow one to another host). Nothing is built yet: a client
    /// that cannot be set up fails its first request (`internal`).
    pub fn new() -> Self {
        Self::with_timeout(REQUEST_TIMEOUT)
    }

    /// A client whose whole-request timeout is `request_timeout` (tests use a short one).
    pub fn with_timeout(request_timeout: Duration) -> Self {
        Self::with_options(request_timeout, Protocol::Negotiated)
    }

    pub fn with_options(request_timeout: Duration, protocol: Protocol) -> Self {
        Self {
            client: Default::default(),
            request_timeout,
            protocol,
            multiplexed: Default::default(),
        }
    }

    /// Whether the reqwest client has been built (by [`Http::prepare`] or a first request).
    pub fn is_ready(&self) -> bool {
        self.client.get().is_some()
    }

    /// Builds the reqwest client now if nobody has yet (blocking: the OS trust store is read).
    /// The app calls it from a thread of its own once the first screen is drawn
    /// ([`crate::AppState::prepare_in_background`]).
    pub fn prepare(&self) {
        let _ = self.client();
    }

    fn client(&self) -> std::result::Result<&reqwest::Client, Failure> {
        let built = self.client.get_or_init(|| {
            let mut builder = reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("mist-token-manager/", env!("CARGO_PKG_VERSION")));
            if self.protocol == Protocol::Http2PriorKnowledge {
                builder = builder.http2_prior_knowledge();
            }
            builder.build().map_err(|e| e.to_string())
        });
        built.as_ref().map_err(|e| Failure {
            error: Error::Internal(format!("Cannot set up the network client ({e}).")),
            maybe_sent: false,
            retryable: false,
        })
    }

    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Whether the last answer from `base`'s host came over HTTP/2 (so requests to it share one
    /// connection instead of needing one connection each).
    pub fn multiplexes(&self, base: &str) -> bool {
        self.multiplexed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&host_of(base))
    }

    fn learn_version(&self, host: &str, version: reqwest::Version) {
        let mut set = self.multiplexed.lock().unwrap_or_else(|p| p.into_inner());
        if version == reqwest::Version::HTTP_2 {
            if !set.contains(host) {
                set.insert(host.to_string());
            }
        } else {
            set.remove(host);
        }
    }

    /// Opens a connection to `base` ahead of the requests that will need it (the sign-in, while
    /// the admin types the password), or keeps the pooled one alive: one `GET /self` without any
    /// credential (no account, no quota, nothing changes; Mist answers 401, which is ignored),
    /// 3 s at most, no retry. Failures are ignored too: the real request reports them.
    pub async fn warm_up(&self, base: &str) {
        let call = Call::get(base, "/self", Auth::None)
            .timeout(DETECT_TIMEOUT)
            .no_retry();
        if let Err(f) = self.attempt(&call).await {
            log::debug!("warming up {} failed: {:?}", call.host(), f.error.kind());
        }
    }

    async fn attempt(&self, call: &Call<'_>) -> std::result::Result<Response, Failure> {
        let host = call.host();
        let url = format!("{}/api/v1{}", call.base, call.path);
        let mut req = self
            .client()?
            .request(call.method.clone(), &url)
            .timeout(call.timeout.unwrap_or(self.request_timeout))
            .header(reqwest::header::ACCEPT, "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        let unsafe_method = !matches!(call.method, Method::GET | Method::HEAD | Method::OPTIONS);
        match call.auth {
            Auth::None => {}
            Auth::Token(key) => {
                let value = Zeroizing::new(format!("Token {}", key.expose_secret()));
                let mut h = HeaderValue::from_str(&value).map_err(|_| Failure {
                    error: Error::invalid(
                        "token",
                        "This token contains characters a Mist token never has. Paste it again.",
                    ),
                    maybe_sent: false,
                    retryable: false,
                })?;
                h.set_sensitive(true);
                req = req.header(reqwest::header::AUTHORIZATION, h);
            }
            Auth::Cookies(jar) => {
                if let Some(c) = jar.cookie_header() {
                    req = req.header(reqwest::header::COOKIE, c);
                }
                // Django (Mist) checks the Referer of a cookie session's writes on https.
                req = req.header(reqwest::header::REFERER, format!("{}/", call.base));
                if unsafe_method {
                    if let Some(csrf) = jar.csrf_header() {
                        req = req.header("X-CSRFToken", csrf);
                    }
                }
            }
        }
        if let Some(body) = &call.body {
            // A reference to the one buffer, not a copy.
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let started = std::time::Instant::now();
        let mut resp = req.send().await.map_err(|e| {
            log::debug!("{} {host}{} failed: {e}", call.method, call.path);
            transport_error(&e, &host)
        })?;
        let status = resp.status().as_u16();
        self.learn_version(&host, resp.version());
        // Method, host, path and status only: never headers, query values or bodies.
        log::debug!(
            "{} {host}{} -> {status} in {} ms",
            call.method,
            call.path,
            started.elapsed().as_millis()
        );
        let headers = resp.headers().clone();
        if let Auth::Cookies(jar) = call.auth {
            jar.store(&headers);
        }
        let mut body = BodyBuf::new(resp.content_length());
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.push(&chunk).is_err() {
                        return Err(Failure {
                            error: Error::UnexpectedResponse(format!(
                                "{host} sent a far larger answer than expected, so it was not read. Try again; if it keeps happening, check the cloud address."
                            )),
                            maybe_sent: true,
                            retryable: false,
                        });
                    }
                }
                Ok(None) => break,
                Err(e) => return Err(transport_error(&e, &host)),
            }
        }
        Ok(Response {
            status,
            headers,
            body: body.into_inner(),
            host,
        })
    }

    /// Sends with retries (idempotent calls only) on 5xx, timeouts and connection errors.
    /// Any HTTP status is returned; a 429 is never waited on here.
    pub async fn raw(&self, call: &Call<'_>) -> Result<Response> {
        self.raw_detailed(call).await.map_err(|f| f.error)
    }

    /// Like [`Http::raw`], but tells whether a failed request may have reached the server.
    pub async fn raw_detailed(&self, call: &Call<'_>) -> std::result::Result<Response, Failure> {
        let mut attempt = 0;
        let mut timed_out = false;
        loop {
            let more = attempt < call.retries;
            match self.attempt(call).await {
                Ok(r) if r.status >= 500 && more => {}
                Ok(r) => return Ok(r),
                // A timeout is retried once at most, so the admin waits 40 s at worst, not 60.
                Err(f) if f.retryable && more && !(timed_out && is_timeout(&f)) => {
                    timed_out |= is_timeout(&f);
                }
                Err(f) => return Err(f),
            }
            tokio::time::sleep(RETRY_DELAYS[attempt.min(RETRY_DELAYS.len() - 1)]).await;
            attempt += 1;
        }
    }

    /// Sends and maps any non-2xx answer to an `Error`.
    pub async fn ok(&self, call: &Call<'_>) -> Result<Response> {
        let r = self.raw(call).await?;
        if r.is_success() {
            Ok(r)
        } else {
            Err(r.error(call.auth, call.action))
        }
    }

    /// Sends and parses the JSON answer.
    pub async fn json<T: DeserializeOwned>(&self, call: &Call<'_>) -> Result<T> {
        self.ok(call).await?.json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Tue, 01 Dec 2026 15:00:00 GMT").unwrap();
        assert_eq!(parse_retry_after("120", now), Some(120));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0));
        assert_eq!(
            parse_retry_after("Tue, 01 Dec 2026 15:02:30 GMT", now),
            Some(150)
        );
        // A date already past means "now".
        assert_eq!(
            parse_retry_after("Tue, 01 Dec 2026 14:00:00 GMT", now),
            Some(0)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn request_body_is_built_once_and_shared_by_every_attempt() {
        let call = Call::new(Method::POST, "https://x", "/login", Auth::None)
            .json(&serde_json::json!({"email": "a@example.com", "password": "pw-123"}));
        let body = call.body.clone().unwrap();
        assert_eq!(
            &body[..],
            br#"{"email":"a@example.com","password":"pw-123"}"#
        );
        // What each attempt hands reqwest refers to the same buffer: no copy is made.
        let again = call.body.clone().unwrap();
        assert_eq!(body.as_ptr(), again.as_ptr());
    }

    #[test]
    fn response_buffer_is_sized_once_from_content_length_capped() {
        let mut b = BodyBuf::new(Some(10));
        assert_eq!(b.capacity(), 10);
        b.push(b"01234").unwrap();
        b.push(b"56789").unwrap();
        assert_eq!(
            b.capacity(),
            10,
            "no reallocation when the length was announced"
        );
        assert_eq!(&b.into_inner()[..], b"0123456789");
        assert_eq!(BodyBuf::new(Some(u64::MAX)).capacity(), MAX_BODY);
        // A server that sends more than it announced: the buffer grows (the old one is wiped).
        let mut b = BodyBuf::new(Some(2));
        b.push(b"abc").unwrap();
        assert_eq!(&b.into_inner()[..], b"abc");
        let mut b = BodyBuf::new(None);
        assert_eq!(b.push(&vec![0u8; MAX_BODY + 1]), Err(TooBig));
    }

    #[test]
    fn rate_limit_messages() {
        let e = rate_limited(Some(30));
        assert!(e.to_string().contains("30 seconds"));
        let e = rate_limited(Some(300));
        assert!(e.to_string().contains("5 minutes"));
        assert_eq!(field_from_detail("src_ips: bad"), "src_ips");
    }
}
