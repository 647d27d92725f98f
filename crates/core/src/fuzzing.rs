//! Entry points into the parsers that read what a network or an admin hands the app, for the
//! cargo-fuzz targets in `fuzz/` (feature `fuzzing`) and the property tests (`proptests.rs`).
//! Each runs the real code path on arbitrary input and returns what came out, so the callers can
//! check their properties: no panic, no part of the response body in an error, validator answers
//! that Mist's rules accept, round trips.

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER, SET_COOKIE};
use secrecy::SecretString;

use crate::mist::auth::identity;
use crate::mist::cookies::CookieJar;
use crate::mist::http::{Auth, Response};
use crate::mist::model::{RawNamed, RawSelf, RawToken};
use crate::mist::orgs::privilege_view;
use crate::mist::validate::privs_json;
use crate::mist::views::access_summary;
use crate::Error;

/// The response decoders of the Mist client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// A token (`POST`/`PUT`/`GET .../apitokens/<id>`): `RawToken`, its hint and access summary.
    Token,
    /// A token list (`GET .../apitokens`).
    TokenList,
    /// `GET /self`: `RawSelf`, the identity and every privilege's view.
    SelfInfo,
    /// An org (`GET /orgs/<id>`): `RawNamed`.
    Org,
    /// A site or site group list (`GET /orgs/<id>/sites`, `.../sitegroups`): `Vec<RawNamed>`.
    Sites,
}

impl Decoder {
    pub const ALL: [Decoder; 5] = [
        Decoder::Token,
        Decoder::TokenList,
        Decoder::SelfInfo,
        Decoder::Org,
        Decoder::Sites,
    ];
}

/// What one decode gave: the user-facing error texts (of the decode and of the status) and the
/// decoded values' texts that reach the UI.
#[derive(Debug, Default)]
pub struct Decoded {
    /// Every error message produced (`Display` and the IPC JSON).
    pub errors: Vec<String>,
    /// Texts derived from a successful decode (names, hints, summaries, identity).
    pub values: Vec<String>,
}

fn error_texts(e: &Error, out: &mut Vec<String>) {
    out.push(e.to_string());
    if let Ok(json) = serde_json::to_string(e) {
        out.push(json);
    }
}

/// Decodes `body` as Mist's answer with `status`, as each step of the client does: the JSON
/// decode (garbage and HTML become errors), and for a non-2xx status the error for each kind of
/// authentication.
pub fn decode_response(
    decoder: Decoder,
    status: u16,
    content_type: &str,
    retry_after: &str,
    body: &[u8],
) -> Decoded {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(retry_after) {
        headers.insert(RETRY_AFTER, v);
    }
    let r = Response::for_fuzzing(status, headers, body.to_vec(), "api.example.test");
    let mut out = Decoded::default();
    match decoder {
        Decoder::Token => match r.json::<RawToken>() {
            Ok(t) => token_values(&t, &mut out.values),
            Err(e) => error_texts(&e, &mut out.errors),
        },
        Decoder::TokenList => match r.json::<Vec<RawToken>>() {
            Ok(list) => list.iter().for_each(|t| token_values(t, &mut out.values)),
            Err(e) => error_texts(&e, &mut out.errors),
        },
        Decoder::SelfInfo => match r.json::<RawSelf>() {
            Ok(me) => {
                let id = identity(&me);
                out.values.push(format!("{id:?}"));
                out.values.push(format!("{}", me.two_factor_pending()));
                for p in &me.privileges {
                    out.values.push(format!("{:?}", privilege_view(p)));
                }
            }
            Err(e) => error_texts(&e, &mut out.errors),
        },
        Decoder::Org => match r.json::<RawNamed>() {
            Ok(o) => out.values.push(format!("{o:?}")),
            Err(e) => error_texts(&e, &mut out.errors),
        },
        Decoder::Sites => match r.json::<Vec<RawNamed>>() {
            Ok(list) => list.iter().for_each(|o| out.values.push(format!("{o:?}"))),
            Err(e) => error_texts(&e, &mut out.errors),
        },
    }
    if !r.is_success() {
        let token = SecretString::from("fuzz-token-not-a-key".to_string());
        let jar = CookieJar::new();
        for auth in [Auth::None, Auth::Token(&token), Auth::Cookies(&jar)] {
            error_texts(&r.error(auth, "do this"), &mut out.errors);
        }
        out.values.extend(r.detail());
    }
    out
}

fn token_values(t: &RawToken, out: &mut Vec<String>) {
    out.push(t.id.clone());
    out.push(t.name.clone());
    if let Some(hint) = &t.key {
        // Already cut to a hint as it was read (`KeyHint`).
        out.push(hint.to_string());
    }
    if let Some(privs) = &t.privileges {
        out.push(access_summary(privs));
        out.push(serde_json::Value::Array(privs_json(privs)).to_string());
    }
}

/// What the cookie jar made of these `Set-Cookie` header values (in order, one response each
/// when `one_response_each`, else all in one response).
#[derive(Debug, Default)]
pub struct Cookies {
    pub cookie_header: Option<String>,
    pub csrf_header: Option<String>,
    pub has_session: bool,
}

pub fn parse_set_cookies(values: &[Vec<u8>], one_response_each: bool) -> Cookies {
    let jar = CookieJar::new();
    let mut headers = HeaderMap::new();
    for v in values {
        let Ok(value) = HeaderValue::from_bytes(v) else {
            continue;
        };
        headers.append(SET_COOKIE, value);
        if one_response_each {
            jar.store(&headers);
            headers.clear();
        }
    }
    jar.store(&headers);
    let text = |h: Option<HeaderValue>| h.and_then(|h| h.to_str().ok().map(str::to_string));
    Cookies {
        cookie_header: text(jar.cookie_header()),
        csrf_header: text(jar.csrf_header()),
        has_session: jar.has_session(),
    }
}

/// Mist's rule for one `src_ips` entry, written independently of the validator: an IPv4 or IPv6
/// address, optionally with a prefix length no longer than the address.
pub fn mist_accepts_ip_or_cidr(s: &str) -> bool {
    use std::net::IpAddr;
    if s.is_empty() || s.chars().any(char::is_whitespace) {
        return false;
    }
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Ok(ip) = addr.parse::<IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    match prefix {
        None => true,
        Some(p) => {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n <= max)
        }
    }
}
