//! How a token looks to the UI: removal risk, access in words, the `TokenView` conversions.

use super::auth::Session;
use super::model::{OrgInfo, RawPrivilege, RawToken, RemovalRisk, TokenKind, TokenView};
use super::orgs::{privilege_view, role_short};

/// Mist removes a token unused for this many days.
pub const REMOVAL_DAYS: i64 = 90;
/// "soon" when at most this many days are left.
pub const SOON_DAYS: i64 = 14;

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Days until Mist removes a token (90 days after its last use, or creation if never used).
pub fn days_until_removal(created: i64, last_used: Option<i64>, now: i64) -> i64 {
    let base = last_used.unwrap_or(created);
    (base + REMOVAL_DAYS * 86_400 - now).div_euclid(86_400)
}

pub fn removal_risk(days: i64) -> RemovalRisk {
    if days <= 0 {
        RemovalRisk::Overdue
    } else if days <= SOON_DAYS {
        RemovalRisk::Soon
    } else {
        RemovalRisk::Ok
    }
}

/// What a token may do, in words: "Read only · 2 sites".
pub(crate) fn access_summary(privs: &[RawPrivilege]) -> String {
    if privs.is_empty() {
        return "No access listed".into();
    }
    let mut roles: Vec<&str> = privs.iter().map(|p| p.role.as_str()).collect();
    roles.dedup();
    let role_words = if roles.iter().all(|r| *r == roles[0]) {
        role_short(roles[0])
    } else {
        "Mixed access".into()
    };
    let count = |scope: &str| privs.iter().filter(|p| p.scope == scope).count();
    let (org, sites, groups) = (count("org"), count("site"), count("sitegroup"));
    let mut wheres = Vec::new();
    if org > 0 {
        wheres.push("whole organization".to_string());
    }
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if sites > 0 {
        wheres.push(plural(sites, "site", "sites"));
    }
    if groups > 0 {
        wheres.push(plural(groups, "site group", "site groups"));
    }
    if wheres.is_empty() {
        role_words
    } else {
        format!("{role_words} · {}", wheres.join(", "))
    }
}

fn with_own_marks(mut t: TokenView) -> TokenView {
    t.health = super::health::own_marks(&t);
    t
}

/// A user token as the UI shows it.
pub(crate) fn user_view(raw: &RawToken, s: &Session, now: i64) -> TokenView {
    let days = days_until_removal(raw.created_time.unwrap_or(now), raw.last_used, now);
    with_own_marks(TokenView {
        id: raw.id.clone(),
        kind: TokenKind::User,
        org_id: None,
        org_name: None,
        name: raw.name.clone(),
        key_hint: s.hint_for(&raw.id, raw.key.as_ref()),
        created_time: raw.created_time.unwrap_or(0),
        created_by: s.info.identity.email.clone(),
        last_used: raw.last_used,
        privileges: s.info.privileges.clone(),
        access_summary: "Same access as you".into(),
        src_ips: Vec::new(),
        days_until_removal: days,
        removal_risk: removal_risk(days),
        is_session_token: s.is_session_token(&raw.id),
        health: Vec::new(),
        saved: false,
        rotation: None,
    })
}

/// An org token as the UI shows it.
pub(crate) fn org_view(raw: &RawToken, org: &OrgInfo, s: &Session, now: i64) -> TokenView {
    let days = days_until_removal(raw.created_time.unwrap_or(now), raw.last_used, now);
    let privs = raw.privileges.clone().unwrap_or_default();
    with_own_marks(TokenView {
        id: raw.id.clone(),
        kind: TokenKind::Org,
        org_id: Some(org.id.clone()),
        org_name: Some(org.name.clone()),
        name: raw.name.clone(),
        key_hint: s.hint_for(&raw.id, raw.key.as_ref()),
        created_time: raw.created_time.unwrap_or(0),
        created_by: raw.created_by.clone(),
        last_used: raw.last_used,
        privileges: privs.iter().map(privilege_view).collect(),
        access_summary: access_summary(&privs),
        src_ips: raw.src_ips.clone().unwrap_or_default(),
        days_until_removal: days,
        removal_risk: removal_risk(days),
        is_session_token: s.is_session_token(&raw.id),
        health: Vec::new(),
        saved: false,
        rotation: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_arithmetic() {
        let now = 1_000_000_000;
        assert_eq!(days_until_removal(now, None, now), 90);
        assert_eq!(days_until_removal(0, Some(now - 80 * 86_400), now), 10);
        assert_eq!(removal_risk(10), RemovalRisk::Soon);
        assert_eq!(days_until_removal(now - 100 * 86_400, None, now), -10);
        assert_eq!(removal_risk(-10), RemovalRisk::Overdue);
        assert_eq!(removal_risk(0), RemovalRisk::Overdue);
        assert_eq!(removal_risk(15), RemovalRisk::Ok);
        // Half a day past the deadline counts as overdue (floor).
        assert_eq!(
            days_until_removal(now - 90 * 86_400 - 43_200, None, now),
            -1
        );
    }

    #[test]
    fn access_in_words() {
        let p: Vec<RawPrivilege> = serde_json::from_str(r#"[{"scope":"site","role":"read","site_id":"a"},{"scope":"site","role":"read","site_id":"b"}]"#).unwrap();
        assert_eq!(access_summary(&p), "Read only · 2 sites");
        let p: Vec<RawPrivilege> =
            serde_json::from_str(r#"[{"scope":"org","role":"admin"}]"#).unwrap();
        assert_eq!(access_summary(&p), "Full access · whole organization");
    }
}
