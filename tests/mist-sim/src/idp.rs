//! The simulated company login (IdP) and the simulated Mist portal, on the simulator's own host.
//!
//! `login/lookup` and the SSO `/login` 400 point SSO accounts at `GET /idp/login?login_hint=…`.
//! What that page does is the [`IdpPage`] knob: a form whose "Sign in" posts to `/idp/login`
//! (which redirects to the portal), the same form submitting itself, a page that refuses embedded
//! browsers (Google's words), or a probe that tries the app's IPC, reports what happened to
//! `POST /idp/ipc-report`, then submits itself. The portal (`/admin/`, `/msp/`) takes the one-time
//! ticket of the redirect, creates a session `via_sso` and sets `csrftoken<suffix>` /
//! `sessionid<suffix>` for the simulator's host, as the real portal does for its cloud.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::state::{random_string, Shared};
use crate::IdpPage;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/idp/login", get(idp_page).post(idp_sign_in))
        .route("/idp/ipc-report", post(ipc_report))
        .route("/idp/submit-now", get(submit_now))
        .route("/admin", get(portal))
        .route("/admin/", get(portal))
        .route("/msp/", get(portal))
}

/// The address SSO accounts are sent to: `cfg.sso_url` when absolute, else that path on the
/// host the request came to, with the email as `login_hint`.
pub(crate) fn sso_url(s: &Shared, headers: &HeaderMap, email: &str) -> String {
    let configured = s.cfg.sso_url.trim();
    if configured.starts_with("http://") || configured.starts_with("https://") {
        return configured.to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let path = if configured.is_empty() {
        "/idp/login"
    } else {
        configured
    };
    format!("http://{host}{path}?login_hint={}", encode(email))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `key=value&…` (a query string or a form body) → the value of `key`.
fn param(pairs: &str, key: &str) -> Option<String> {
    pairs
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| decode(k) == key)
        .map(|(_, v)| decode(v))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> Response {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>"
    ))
    .into_response()
}

fn form(hint: &str, note: &str) -> String {
    format!(
        r#"<h1>Simulated company login</h1>{note}
<form method="post" action="/idp/login">
<p><label for="email">Email</label> <input id="email" name="email" type="email" value="{hint}"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" value="simulated"></p>
<p><button type="submit">Sign in</button></p>
</form>"#,
        hint = escape(hint),
    )
}

const SUBMIT_SOON: &str =
    "<script>setTimeout(function () { document.forms[0].submit(); }, 300);</script>";

/// The form waits for its button, unless the knob turns to [`IdpPage::SelfSubmitting`] while it
/// is open (a test that cannot reach the login window then lets the page go on by itself).
const SUBMIT_WHEN_TOLD: &str = r#"<script>
setInterval(function () {
  fetch('/idp/submit-now').then(function (r) { return r.text(); }).then(function (t) {
    if (t === 'yes') document.forms[0].submit();
  }).catch(function () {});
}, 500);
</script>"#;

/// Tries the app's IPC from this (remote) page, reports each outcome (`<what>: ANSWERED …`,
/// `<what>: refused …` or `no-ipc`), then signs in.
const IPC_PROBE: &str = r#"<script>
(async function () {
  function withTimeout(p) {
    return Promise.race([p, new Promise(function (_, reject) { setTimeout(function () { reject('no answer in 5 s'); }, 5000); })]);
  }
  function why(e) { return typeof e === 'string' ? e : (e && e.message) || JSON.stringify(e); }
  var lines = [];
  var t = window.__TAURI_INTERNALS__;
  if (!t || typeof t.invoke !== 'function') {
    lines.push('session_info: no-ipc (window.__TAURI_INTERNALS__ is ' + typeof t + ')');
  } else {
    for (var cmd of ['session_info', 'list_clouds']) {
      try { var v = await withTimeout(t.invoke(cmd)); lines.push(cmd + ': ANSWERED ' + JSON.stringify(v)); }
      catch (e) { lines.push(cmd + ': refused ' + why(e)); }
    }
  }
  try {
    var r = await withTimeout(fetch('ipc://localhost/list_clouds', { method: 'POST', body: '{}' }));
    lines.push('ipc-fetch: ANSWERED HTTP ' + r.status);
  } catch (e) { lines.push('ipc-fetch: refused ' + why(e)); }
  try { await fetch('/idp/ipc-report', { method: 'POST', body: lines.join('\n') }); } catch (e) {}
  document.forms[0].submit();
})();
</script>"#;

async fn idp_page(State(s): State<Arc<Shared>>, uri: Uri) -> Response {
    let hint = uri
        .query()
        .and_then(|q| param(q, "login_hint"))
        .unwrap_or_default();
    let mode = *s.idp_page.lock().unwrap();
    match mode {
        IdpPage::SignInForm => page(
            "Simulated company login",
            &format!("{}{SUBMIT_WHEN_TOLD}", form(&hint, "")),
        ),
        IdpPage::SelfSubmitting => page(
            "Simulated company login",
            &format!("{}{SUBMIT_SOON}", form(&hint, "")),
        ),
        IdpPage::IpcProbe => page(
            "Simulated company login",
            &format!("{}{IPC_PROBE}", form(&hint, "")),
        ),
        IdpPage::RefusesEmbeddedBrowser => page(
            "Sign in - Simulated Accounts",
            "<h1>Couldn't sign you in</h1><p>This browser or app may not be secure. \
             Try using a different browser. If you're already using a supported browser, \
             you can try again to sign in.</p><p>Error 403: disallowed_useragent</p>",
        ),
    }
}

async fn idp_sign_in(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body);
    let email = param(&body, "email").unwrap_or_default();
    let known_sso = {
        let db = s.db.lock().unwrap();
        db.user(email.trim()).is_some_and(|u| u.sso)
    };
    if !known_sso {
        return (
            StatusCode::OK,
            page(
                "Simulated company login",
                &form(
                    &email,
                    "<p role=\"alert\">This company login does not know that account.</p>",
                ),
            ),
        )
            .into_response();
    }
    let ticket = random_string(32);
    s.sso_tickets
        .lock()
        .unwrap()
        .insert(ticket.clone(), email.trim().to_string());
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/admin/?sso_ticket={ticket}"))],
    )
        .into_response()
}

async fn submit_now(State(s): State<Arc<Shared>>) -> &'static str {
    if *s.idp_page.lock().unwrap() == IdpPage::SelfSubmitting {
        "yes"
    } else {
        "no"
    }
}

async fn ipc_report(State(s): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    s.ipc_reports
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&body).into_owned());
    StatusCode::NO_CONTENT
}

async fn portal(State(s): State<Arc<Shared>>, uri: Uri) -> Response {
    let ticket = uri.query().and_then(|q| param(q, "sso_ticket"));
    let email = ticket.and_then(|t| s.sso_tickets.lock().unwrap().remove(&t));
    let Some(email) = email else {
        return page(
            "Mist (simulated portal)",
            "<h1>Mist</h1><p>Not signed in.</p>",
        );
    };
    let created = s.db.lock().unwrap().create_sso_session(&email);
    let Some((csrf, sid)) = created else {
        return page(
            "Mist (simulated portal)",
            "<h1>Mist</h1><p>Not signed in.</p>",
        );
    };
    let suffix = &s.cfg.cookie_suffix;
    let mut resp = page(
        "Mist (simulated portal)",
        "<h1>Mist</h1><p>Signed in through your company login.</p>",
    );
    for c in [
        format!("csrftoken{suffix}={csrf}; Path=/; Max-Age=31449600; SameSite=Lax"),
        format!("sessionid{suffix}={sid}; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax"),
    ] {
        if let Ok(v) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_decoded() {
        assert_eq!(
            param("email=sso%40example.com&password=a+b", "email").as_deref(),
            Some("sso@example.com")
        );
        assert_eq!(
            param("email=sso%40example.com&password=a+b", "password").as_deref(),
            Some("a b")
        );
        assert_eq!(decode("100%"), "100%");
        assert_eq!(encode("sso@example.com"), "sso%40example.com");
    }
}
