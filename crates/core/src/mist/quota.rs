//! API usage: the calls made this hour against Mist's limit (`GET /self/usage`), and whose quota
//! they are. A user's tokens and their portal login share one quota; each org token has its own.

use serde::Deserialize;

use super::http::{Auth, Call, Http};
use super::model::{ApiUsage, IdentityKind, QuotaOwner};
use crate::Result;

/// At this share of the limit the app warns.
pub const WARN_PERCENT: u64 = 80;

#[derive(Debug, Deserialize)]
struct RawUsage {
    #[serde(default)]
    requests: Option<f64>,
    #[serde(default)]
    request_limit: Option<f64>,
}

fn count(n: u64) -> String {
    // 5000 → "5,000"
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The usage figures in words, for a quota owned by `owner` (`who`: the user's email, if known).
pub fn usage(requests: u64, limit: u64, owner: QuotaOwner, who: Option<&str>) -> ApiUsage {
    let percent = requests.saturating_mul(100).checked_div(limit).unwrap_or(0);
    let near_limit = limit > 0 && percent >= WARN_PERCENT;
    let mut text = match owner {
        QuotaOwner::User => format!(
            "{} of {} API calls used this hour. Every API token of {} and the portal sign-in share this limit, so a busy script can slow down everything else of that account.",
            count(requests),
            count(limit),
            who.unwrap_or("this account"),
        ),
        QuotaOwner::OrgToken => format!(
            "{} of {} API calls used this hour. This org token has a limit of its own, apart from every person's.",
            count(requests),
            count(limit),
        ),
    };
    if near_limit {
        text.push_str(&format!(
            " Warning: {percent} % of the limit is used; at 100 % Mist refuses calls until the hour is over."
        ));
    }
    ApiUsage {
        requests,
        limit,
        percent,
        near_limit,
        owner,
        text,
    }
}

/// `GET /self/usage` with this credential.
pub(crate) async fn fetch(
    http: &Http,
    base: &str,
    auth: Auth<'_>,
    kind: IdentityKind,
    who: Option<&str>,
) -> Result<ApiUsage> {
    let raw: RawUsage = http
        .json(&Call::get(base, "/self/usage", auth).action("see your API usage"))
        .await?;
    let owner = match kind {
        IdentityKind::User => QuotaOwner::User,
        IdentityKind::OrgToken => QuotaOwner::OrgToken,
    };
    let n = |v: Option<f64>| v.filter(|f| f.is_finite() && *f >= 0.0).unwrap_or(0.0) as u64;
    Ok(usage(n(raw.requests), n(raw.request_limit), owner, who))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_in_words_and_the_80_percent_warning() {
        let u = usage(123, 5000, QuotaOwner::User, Some("a@example.com"));
        assert_eq!(u.percent, 2);
        assert!(!u.near_limit);
        assert!(
            u.text.starts_with("123 of 5,000 API calls used this hour."),
            "{}",
            u.text
        );
        assert!(u
            .text
            .contains("a@example.com and the portal sign-in share"));
        let u = usage(4000, 5000, QuotaOwner::OrgToken, None);
        assert_eq!(u.percent, 80);
        assert!(u.near_limit);
        assert!(u.text.contains("limit of its own"));
        assert!(u.text.contains("Warning: 80 %"));
        assert!(!usage(3999, 5000, QuotaOwner::User, None).near_limit);
        assert_eq!(usage(1, 0, QuotaOwner::User, None).percent, 0);
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
