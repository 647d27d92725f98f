//! Privileges in plain words, the orgs an admin can reach, and each org's sites and site groups.

use std::collections::BTreeMap;

use futures::future::join_all;

use super::http::{Auth, Call, Http};
use super::model::{OrgDetails, OrgInfo, Privilege, RawNamed, RawPrivilege, Site};
use crate::{Error, Result};

/// Page size for paginated lists (Mist's default is 100).
pub const PAGE_LIMIT: usize = 100;

/// Mist's portal names for the roles.
pub fn role_title(role: &str) -> String {
    match role {
        "admin" => "Super User".into(),
        "write" => "Network Admin".into(),
        "read" => "Observer (read only)".into(),
        "helpdesk" => "Helpdesk".into(),
        "installer" => "Installer".into(),
        other => format!("“{other}” role"),
    }
}

/// Short words for a token's access: "Read only", "Full access".
pub fn role_short(role: &str) -> String {
    match role {
        "admin" => "Full access".into(),
        "write" => "Write".into(),
        "read" => "Read only".into(),
        "helpdesk" => "Helpdesk".into(),
        "installer" => "Installer".into(),
        other => other.to_string(),
    }
}

pub fn role_rank(role: &str) -> u8 {
    match role {
        "admin" => 5,
        "write" => 4,
        "helpdesk" => 3,
        "installer" => 2,
        "read" => 1,
        _ => 0,
    }
}

fn better(a: Option<String>, b: &str) -> Option<String> {
    match a {
        Some(a) if role_rank(&a) >= role_rank(b) => Some(a),
        _ => Some(b.to_string()),
    }
}

/// One privilege as the UI shows it, with a summary in words.
pub(crate) fn privilege_view(p: &RawPrivilege) -> Privilege {
    let title = role_title(&p.role);
    let sitegroup_id = p
        .sitegroup_id
        .clone()
        .or_else(|| p.sitegroup_ids.as_ref().and_then(|v| v.first().cloned()));
    let name = match p.scope.as_str() {
        "msp" => p.name.clone().or_else(|| p.msp_name.clone()),
        "org" => p.name.clone().or_else(|| p.org_name.clone()),
        _ => p.name.clone(),
    };
    let named = |what: &str| match &name {
        Some(n) => format!("{what} {n}"),
        None => format!("a {what}"),
    };
    let summary = match p.scope.as_str() {
        "msp" => format!("{title} of {}", named("MSP")),
        "org" => match &name {
            Some(n) => format!("{title} of {n}"),
            None => format!("{title} of the whole organization"),
        },
        "site" => format!("{title} on {}", named("site")),
        "sitegroup" => format!("{title} on {}", named("site group")),
        "orggroup" => format!("{title} of {}", named("org group")),
        other => format!("{title} ({other})"),
    };
    Privilege {
        scope: p.scope.clone(),
        role: p.role.clone(),
        org_id: p.org_id.clone(),
        site_id: p.site_id.clone(),
        sitegroup_id,
        msp_id: p.msp_id.clone(),
        name,
        summary,
    }
}

#[derive(Default)]
struct OrgAcc {
    name: Option<String>,
    org_role: Option<String>,
    msp_role: Option<String>,
    site_role: Option<String>,
}

/// The orgs an admin (or org token) can reach: org- and site-scoped privileges, plus every org of
/// the MSPs it administers (`/msps/{id}/orgs`; an org-level privilege overrides the MSP role).
pub(crate) async fn reachable_orgs(
    http: &Http,
    base: &str,
    auth: Auth<'_>,
    privs: &[RawPrivilege],
) -> Result<Vec<OrgInfo>> {
    let mut acc: BTreeMap<String, OrgAcc> = BTreeMap::new();
    let mut msps: Vec<(String, String)> = Vec::new();
    for p in privs {
        match (p.scope.as_str(), &p.org_id, &p.msp_id) {
            ("org", Some(org), _) => {
                let a = acc.entry(org.clone()).or_default();
                a.org_role = better(a.org_role.take(), &p.role);
                if a.name.is_none() {
                    a.name = p.name.clone().or_else(|| p.org_name.clone());
                }
            }
            ("site" | "sitegroup", Some(org), _) => {
                let a = acc.entry(org.clone()).or_default();
                a.site_role = better(a.site_role.take(), &p.role);
                if a.name.is_none() {
                    a.name = p.org_name.clone();
                }
            }
            ("msp", _, Some(msp)) => msps.push((msp.clone(), p.role.clone())),
            _ => {}
        }
    }
    let msp_calls = msps.iter().map(|(msp, role)| async move {
        let call = Call::get(base, format!("/msps/{msp}/orgs"), auth)
            .action("see this MSP's organizations");
        (http.json::<Vec<RawNamed>>(&call).await, role)
    });
    for (res, role) in join_all(msp_calls).await {
        match res {
            Ok(orgs) => {
                for o in orgs.into_iter().filter(|o| !o.id.is_empty()) {
                    let a = acc.entry(o.id).or_default();
                    a.msp_role = better(a.msp_role.take(), role);
                    if a.name.is_none() {
                        a.name = o.name;
                    }
                }
            }
            Err(e @ (Error::Unauthorized(_) | Error::RateLimited { .. })) => return Err(e),
            Err(_) => {} // the MSP's orgs stay unknown; its explicit orgs are still listed
        }
    }
    // Names Mist did not give with the privileges: ask the org itself.
    let missing: Vec<String> = acc
        .iter()
        .filter(|(_, a)| a.name.is_none())
        .map(|(id, _)| id.clone())
        .collect();
    let names = join_all(missing.iter().map(|id| async move {
        let call = Call::get(base, format!("/orgs/{id}"), auth);
        (
            id,
            http.json::<RawNamed>(&call).await.ok().and_then(|o| o.name),
        )
    }))
    .await;
    for (id, name) in names {
        if let (Some(a), Some(n)) = (acc.get_mut(id), name) {
            a.name = Some(n);
        }
    }
    let mut orgs: Vec<OrgInfo> = acc
        .into_iter()
        .map(|(id, a)| {
            let (role, whole_org) = match (&a.org_role, &a.msp_role, &a.site_role) {
                (Some(r), _, _) | (None, Some(r), _) => (r.clone(), true),
                (None, None, Some(r)) => (r.clone(), false),
                _ => ("read".to_string(), false),
            };
            let short: String = id.chars().take(8).collect();
            OrgInfo {
                name: a.name.unwrap_or_else(|| format!("Organization {short}")),
                can_manage_tokens: whole_org && role == "admin",
                role,
                id,
            }
        })
        .collect();
    orgs.sort_by_key(|o| o.name.to_lowercase());
    Ok(orgs)
}

/// Every item of a paginated list (`limit`/`page`, `X-Page-Total`).
pub(crate) async fn paginated(
    http: &Http,
    base: &str,
    auth: Auth<'_>,
    path: &str,
    action: &str,
) -> Result<Vec<RawNamed>> {
    let mut all = Vec::new();
    for page in 1..=1000usize {
        let call = Call::get(base, path, auth)
            .query("limit", PAGE_LIMIT)
            .query("page", page)
            .action(action);
        let resp = http.ok(&call).await?;
        let items: Vec<RawNamed> = resp.json()?;
        let total = resp
            .headers
            .get("X-Page-Total")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<usize>().ok());
        let n = items.len();
        all.extend(items);
        let done = n < PAGE_LIMIT || n == 0 || total.is_some_and(|t| all.len() >= t);
        if done {
            break;
        }
    }
    Ok(all)
}

fn sites(v: Vec<RawNamed>) -> Vec<Site> {
    let mut s: Vec<Site> = v
        .into_iter()
        .filter(|s| !s.id.is_empty())
        .map(|s| Site {
            name: s.name.unwrap_or_else(|| s.id.clone()),
            id: s.id,
        })
        .collect();
    s.sort_by_key(|s| s.name.to_lowercase());
    s
}

/// An org's sites and site groups (all pages), fetched concurrently.
pub(crate) async fn org_details(
    http: &Http,
    base: &str,
    auth: Auth<'_>,
    org: OrgInfo,
) -> Result<OrgDetails> {
    let sites_path = format!("/orgs/{}/sites", org.id);
    let groups_path = format!("/orgs/{}/sitegroups", org.id);
    let (s, g) = futures::join!(
        paginated(
            http,
            base,
            auth,
            &sites_path,
            "see this organization's sites"
        ),
        paginated(
            http,
            base,
            auth,
            &groups_path,
            "see this organization's site groups"
        ),
    );
    Ok(OrgDetails {
        org,
        sites: sites(s?),
        sitegroups: sites(g?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_in_words() {
        let p = RawPrivilege {
            scope: "org".into(),
            role: "admin".into(),
            org_id: Some("o1".into()),
            name: Some("Acme Retail".into()),
            ..Default::default()
        };
        assert_eq!(privilege_view(&p).summary, "Super User of Acme Retail");
        let p = RawPrivilege {
            scope: "site".into(),
            role: "read".into(),
            name: Some("Store 1".into()),
            ..Default::default()
        };
        assert_eq!(
            privilege_view(&p).summary,
            "Observer (read only) on site Store 1"
        );
    }
}
