//! The cookie jar of one password session (Mist's `csrftoken<suffix>` / `sessionid<suffix>`).
//! Cookies are matched by prefix, never by exact name, so every cloud's suffix works.

use std::sync::Mutex;

use reqwest::header::{HeaderMap, HeaderValue};
use zeroize::Zeroizing;

/// The cookies of one password session. Bound to one cloud by its owner; never shared.
#[derive(Default)]
pub struct CookieJar {
    cookies: Mutex<Vec<(String, Zeroizing<String>)>>,
}

impl std::fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CookieJar([REDACTED])")
    }
}

impl CookieJar {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes in every `Set-Cookie` of a response (deleted/expired cookies are dropped).
    pub fn store(&self, headers: &HeaderMap) {
        let mut jar = self.cookies.lock().unwrap_or_else(|p| p.into_inner());
        for v in headers.get_all(reqwest::header::SET_COOKIE) {
            let Ok(s) = v.to_str() else { continue };
            let mut parts = s.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let name = name.trim().to_string();
            let value = value.trim().trim_matches('"');
            let expired = parts.any(|a| {
                let a = a.trim().to_ascii_lowercase();
                a.strip_prefix("max-age=")
                    .and_then(|n| n.trim().parse::<i64>().ok())
                    .is_some_and(|n| n <= 0)
                    || (a.starts_with("expires=") && a.contains("1970"))
            });
            jar.retain(|(n, _)| n != &name);
            if !expired && !value.is_empty() {
                jar.push((name, Zeroizing::new(value.to_string())));
            }
        }
    }

    /// Takes in one cookie read from elsewhere (the SSO login window's cookie store), replacing
    /// any cookie of that name. Empty values are dropped.
    pub fn insert(&self, name: &str, value: Zeroizing<String>) {
        let mut jar = self.cookies.lock().unwrap_or_else(|p| p.into_inner());
        jar.retain(|(n, _)| n != name);
        if !value.is_empty() {
            jar.push((name.to_string(), value));
        }
    }

    /// True when the jar has the CSRF token a write needs (`csrftoken<suffix>`).
    pub fn has_csrf(&self) -> bool {
        let jar = self.cookies.lock().unwrap_or_else(|p| p.into_inner());
        jar.iter().any(|(n, _)| n.starts_with("csrftoken"))
    }

    pub(crate) fn cookie_header(&self) -> Option<HeaderValue> {
        let jar = self.cookies.lock().unwrap_or_else(|p| p.into_inner());
        if jar.is_empty() {
            return None;
        }
        let joined = Zeroizing::new(
            jar.iter()
                .map(|(n, v)| format!("{n}={}", v.as_str()))
                .collect::<Vec<_>>()
                .join("; "),
        );
        let mut h = HeaderValue::from_str(&joined).ok()?;
        h.set_sensitive(true);
        Some(h)
    }

    /// The CSRF token: the cookie whose name starts with `csrftoken` (`csrftoken.eu`, ...).
    pub(crate) fn csrf_header(&self) -> Option<HeaderValue> {
        let jar = self.cookies.lock().unwrap_or_else(|p| p.into_inner());
        let (_, v) = jar.iter().find(|(n, _)| n.starts_with("csrftoken"))?;
        let mut h = HeaderValue::from_str(v).ok()?;
        h.set_sensitive(true);
        Some(h)
    }

    /// True when Mist gave us a session cookie (`sessionid<suffix>`).
    pub fn has_session(&self) -> bool {
        let jar = self.cookies.lock().unwrap_or_else(|p| p.into_inner());
        jar.iter().any(|(n, _)| n.starts_with("sessionid"))
    }

    pub fn clear(&self) {
        self.cookies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_jar_matches_by_prefix_and_forgets_expired() {
        let jar = CookieJar::new();
        let mut h = HeaderMap::new();
        h.append(
            reqwest::header::SET_COOKIE,
            HeaderValue::from_static("csrftoken.eu=abc; Path=/; SameSite=Lax"),
        );
        h.append(
            reqwest::header::SET_COOKIE,
            HeaderValue::from_static("sessionid.eu=s3cr3t; HttpOnly; Path=/"),
        );
        jar.store(&h);
        assert!(jar.has_session());
        assert_eq!(jar.csrf_header().unwrap().to_str().unwrap(), "abc");
        assert!(jar.cookie_header().unwrap().is_sensitive());
        let mut h = HeaderMap::new();
        h.append(
            reqwest::header::SET_COOKIE,
            HeaderValue::from_static("sessionid.eu=; Max-Age=0; Path=/"),
        );
        jar.store(&h);
        assert!(!jar.has_session());
        assert_eq!(format!("{jar:?}"), "CookieJar([REDACTED])");
    }
}
