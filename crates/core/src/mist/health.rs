//! The health check: which tokens need attention, and why, in words.
//!
//! A token is marked when it was never used, when Mist removes it within 14 days if unused (or
//! it is already past the 90 days), when it is a Super User on a whole organization usable from
//! any address, when its creator is gone (`created_by` empty), or when another token in the same
//! place (the admin's own tokens, or one organization) has the same name. The two tokens of a
//! rotation that is not finished share a name on purpose: that pair does not count.

use std::collections::{HashMap, HashSet};

use super::model::{HealthMark, HealthReason, Inventory, TokenKind, TokenView};
use super::views::SOON_DAYS;

fn mark(reason: HealthReason, text: String) -> HealthMark {
    HealthMark { reason, text }
}

/// Whether a token is Super User on a whole organization with no source IP limit.
fn broad_admin(t: &TokenView) -> bool {
    t.kind == TokenKind::Org
        && t.src_ips.is_empty()
        && t.privileges
            .iter()
            .any(|p| p.scope == "org" && p.role == "admin")
}

/// The marks that depend on the token alone.
pub fn own_marks(t: &TokenView) -> Vec<HealthMark> {
    let mut out = Vec::new();
    if t.last_used.is_none() {
        out.push(mark(
            HealthReason::NeverUsed,
            "Never used: Mist has no record of this token being used.".into(),
        ));
    }
    let days = t.days_until_removal;
    if days <= 0 {
        out.push(mark(
            HealthReason::RemovalOverdue,
            "Unused for more than 90 days: Mist may remove it at any time.".into(),
        ));
    } else if days <= SOON_DAYS {
        out.push(mark(
            HealthReason::RemovalSoon,
            format!(
                "Mist removes it in {days} day{} unless it is used.",
                if days == 1 { "" } else { "s" }
            ),
        ));
    }
    if broad_admin(t) {
        out.push(mark(
            HealthReason::BroadAdmin,
            "Super User on the whole organization, usable from any address: limit it to source IPs, or give it less access.".into(),
        ));
    }
    if t.kind == TokenKind::Org && t.created_by.as_deref().is_none_or(|c| c.trim().is_empty()) {
        out.push(mark(
            HealthReason::CreatorGone,
            "Its creator is gone: Mist no longer names who made it, so nobody may know what uses it.".into(),
        ));
    }
    out
}

/// Sets every token's `health` in `inv` and its `attention` count. `pairs` are the (old, new)
/// token ids of rotations that are not finished: such a pair may share a name.
pub fn mark_inventory(inv: &mut Inventory, pairs: &[(String, String)]) {
    let paired: HashSet<(&str, &str)> = pairs
        .iter()
        .flat_map(|(a, b)| [(a.as_str(), b.as_str()), (b.as_str(), a.as_str())])
        .collect();
    let mut attention = 0u32;
    let places = inv
        .user_tokens
        .iter_mut()
        .chain(inv.orgs.iter_mut().filter_map(|o| o.tokens.as_mut()));
    for tokens in places {
        attention += mark_place(tokens, &paired);
    }
    inv.attention = attention;
}

/// Marks the tokens of one place; returns how many need attention.
fn mark_place(tokens: &mut [TokenView], paired: &HashSet<(&str, &str)>) -> u32 {
    // Ids by name (case and surrounding spaces do not make two names different to an admin).
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, t) in tokens.iter().enumerate() {
        by_name
            .entry(t.name.trim().to_lowercase())
            .or_default()
            .push(i);
    }
    let mut dup = vec![0usize; tokens.len()];
    for idx in by_name.values().filter(|v| v.len() > 1) {
        for &i in idx {
            // The others with this name, less the one this token is rotating with.
            dup[i] = idx
                .iter()
                .filter(|&&j| {
                    j != i && !paired.contains(&(tokens[i].id.as_str(), tokens[j].id.as_str()))
                })
                .count();
        }
    }
    let mut attention = 0;
    for (i, t) in tokens.iter_mut().enumerate() {
        let mut marks = own_marks(t);
        if dup[i] > 0 {
            marks.push(mark(
                HealthReason::DuplicateName,
                format!(
                    "{} other token{} here {} the same name: it is hard to tell which one an integration uses.",
                    dup[i],
                    if dup[i] == 1 { "" } else { "s" },
                    if dup[i] == 1 { "has" } else { "have" },
                ),
            ));
        }
        if !marks.is_empty() {
            attention += 1;
        }
        t.health = marks;
    }
    attention
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mist::model::{KeyHint, OrgInfo, OrgTokens, Privilege, RemovalRisk};

    fn token(id: &str, name: &str) -> TokenView {
        TokenView {
            id: id.into(),
            kind: TokenKind::Org,
            org_id: Some("o".into()),
            org_name: Some("Org".into()),
            name: name.into(),
            key_hint: KeyHint::default(),
            created_time: 0,
            created_by: Some("a@example.com".into()),
            last_used: Some(1),
            privileges: vec![Privilege {
                scope: "org".into(),
                role: "read".into(),
                org_id: Some("o".into()),
                site_id: None,
                sitegroup_id: None,
                msp_id: None,
                name: None,
                summary: String::new(),
            }],
            access_summary: String::new(),
            src_ips: vec![],
            days_until_removal: 60,
            removal_risk: RemovalRisk::Ok,
            is_session_token: false,
            health: vec![],
            saved: false,
            rotation: None,
        }
    }

    fn reasons(t: &TokenView) -> Vec<HealthReason> {
        t.health.iter().map(|m| m.reason).collect()
    }

    fn inv(tokens: Vec<TokenView>) -> Inventory {
        Inventory {
            user_tokens: None,
            user_tokens_error: None,
            orgs: vec![OrgTokens {
                org: OrgInfo {
                    id: "o".into(),
                    name: "Org".into(),
                    role: "admin".into(),
                    can_manage_tokens: true,
                },
                tokens: Some(tokens),
                error: None,
            }],
            fetched_at: 0,
            attention: 0,
            saved_keys: vec![],
        }
    }

    #[test]
    fn health_marks_each_reason_in_words() {
        let healthy = token("1", "healthy");
        let mut never = token("2", "never");
        never.last_used = None;
        let mut soon = token("3", "soon");
        soon.days_until_removal = 1;
        let mut overdue = token("4", "overdue");
        overdue.days_until_removal = -3;
        let mut admin = token("5", "admin");
        admin.privileges[0].role = "admin".into();
        let mut admin_limited = admin.clone();
        admin_limited.id = "6".into();
        admin_limited.name = "admin limited".into();
        admin_limited.src_ips = vec!["10.0.0.0/8".into()];
        let mut orphan = token("7", "orphan");
        orphan.created_by = None;
        let mut i = inv(vec![
            healthy,
            never,
            soon,
            overdue,
            admin,
            admin_limited,
            orphan,
        ]);
        mark_inventory(&mut i, &[]);
        let t = i.orgs[0].tokens.as_ref().unwrap();
        assert_eq!(reasons(&t[0]), vec![]);
        assert_eq!(reasons(&t[1]), vec![HealthReason::NeverUsed]);
        assert_eq!(reasons(&t[2]), vec![HealthReason::RemovalSoon]);
        assert_eq!(
            t[2].health[0].text,
            "Mist removes it in 1 day unless it is used."
        );
        assert_eq!(reasons(&t[3]), vec![HealthReason::RemovalOverdue]);
        assert_eq!(reasons(&t[4]), vec![HealthReason::BroadAdmin]);
        assert_eq!(
            reasons(&t[5]),
            vec![],
            "a source IP limit makes an admin token fine"
        );
        assert_eq!(reasons(&t[6]), vec![HealthReason::CreatorGone]);
        assert_eq!(i.attention, 5);
    }

    #[test]
    fn health_duplicate_names_but_not_a_rotation_pair() {
        let mut i = inv(vec![
            token("1", "Monitoring"),
            token("2", "monitoring "),
            token("3", "other"),
        ]);
        mark_inventory(&mut i, &[]);
        let t = i.orgs[0].tokens.as_ref().unwrap();
        assert_eq!(reasons(&t[0]), vec![HealthReason::DuplicateName]);
        assert_eq!(reasons(&t[1]), vec![HealthReason::DuplicateName]);
        assert_eq!(reasons(&t[2]), vec![]);
        assert_eq!(i.attention, 2);

        mark_inventory(&mut i, &[("1".into(), "2".into())]);
        assert_eq!(i.attention, 0, "a rotation pair shares its name on purpose");

        // A third token of that name is still a duplicate of both.
        i.orgs[0].tokens.as_mut().unwrap()[2].name = "MONITORING".into();
        mark_inventory(&mut i, &[("1".into(), "2".into())]);
        let t = i.orgs[0].tokens.as_ref().unwrap();
        assert!(t[0].health[0].text.starts_with("1 other token here has"));
        assert!(t[2].health[0].text.starts_with("2 other tokens here have"));
    }

    #[test]
    fn health_user_tokens_are_never_broad_admin_or_orphans() {
        let mut t = token("1", "mine");
        t.kind = TokenKind::User;
        t.created_by = None;
        t.privileges[0].role = "admin".into();
        assert_eq!(own_marks(&t), vec![]);
    }
}
