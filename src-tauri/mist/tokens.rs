//! User and org API tokens: list, create (with recovery when the answer is lost), rename, change
//! access, delete; input validation; the removal-risk arithmetic.

use std::collections::HashSet;

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{json, Value};

use super::auth::{key_hint, Session};
use super::http::{Call, Http};
use super::model::{OrgInfo, PrivilegeInput, RawPrivilege, RawToken, TokenView};
use super::orgs::{privilege_view, role_short};
use crate::{Error, Result};

/// Mist removes a token unused for this many days.
pub const REMOVAL_DAYS: i64 = 90;
/// "soon" when at most this many days are left.
pub const SOON_DAYS: i64 = 14;
const ROLES: [&str; 5] = ["admin", "write", "read", "helpdesk", "installer"];
const MAX_NAME: usize = 128;

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

pub fn removal_risk(days: i64) -> &'static str {
    if days <= 0 {
        "overdue"
    } else if days <= SOON_DAYS {
        "soon"
    } else {
        "ok"
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

pub fn validate_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid("name", "Give the token a name, so you can tell it apart later (for example “backup script”)."));
    }
    if n.chars().count() > MAX_NAME {
        return Err(Error::invalid("name", format!("This name is too long: use at most {MAX_NAME} characters.")));
    }
    if n.chars().any(char::is_control) {
        return Err(Error::invalid("name", "The name contains invisible control characters. Type it again."));
    }
    Ok(n.to_string())
}

/// Checks what the admin chose and turns it into Mist's `privileges` body.
pub fn validate_privileges(privs: &[PrivilegeInput]) -> Result<Vec<Value>> {
    if privs.is_empty() {
        return Err(Error::invalid("privileges", "Choose what the token may access: the whole organization, some sites, or some site groups."));
    }
    if privs.len() > 10 {
        return Err(Error::invalid("privileges", "Mist allows at most 10 access entries per token. Use a site group to cover more sites."));
    }
    privs
        .iter()
        .map(|p| {
            let role = p.role.trim();
            if !ROLES.contains(&role) {
                return Err(Error::invalid("privileges", format!("“{role}” is not an access level Mist knows. Choose admin, write, read, helpdesk or installer.")));
            }
            let id = |v: &Option<String>, what: &str| -> Result<String> {
                match v.as_deref().map(str::trim) {
                    Some(s) if !s.is_empty() => Ok(s.to_string()),
                    _ => Err(Error::invalid("privileges", format!("Choose the {what} this access is for."))),
                }
            };
            Ok(match p.scope.trim() {
                "org" => json!({"scope": "org", "role": role}),
                "site" => json!({"scope": "site", "role": role, "site_id": id(&p.site_id, "site")?}),
                "sitegroup" => json!({"scope": "sitegroup", "role": role, "sitegroup_id": id(&p.sitegroup_id, "site group")?}),
                other => return Err(Error::invalid("privileges", format!("“{other}” is not a place an org token can have access to. Choose the whole organization, sites or site groups."))),
            })
        })
        .collect()
}

/// Source IP limits: at most 10 IPs or CIDRs.
pub fn validate_src_ips(ips: &[String]) -> Result<Vec<String>> {
    let ips: Vec<String> = ips.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if ips.len() > 10 {
        return Err(Error::invalid("src_ips", format!("Mist allows at most 10 source addresses; you entered {}. Use a range (for example 10.0.0.0/8) to cover more.", ips.len())));
    }
    for ip in &ips {
        if ip.parse::<std::net::IpAddr>().is_err() && ip.parse::<ipnet::IpNet>().is_err() {
            return Err(Error::invalid("src_ips", format!("“{ip}” is not an IP address or range. Write it like 203.0.113.7 or 203.0.113.0/24.")));
        }
    }
    Ok(ips)
}

fn privs_json(privs: &[RawPrivilege]) -> Vec<Value> {
    privs
        .iter()
        .map(|p| {
            let mut v = json!({"scope": p.scope, "role": p.role});
            if let Some(s) = &p.site_id {
                v["site_id"] = json!(s);
            }
            if let Some(s) = &p.sitegroup_id {
                v["sitegroup_id"] = json!(s);
            }
            v
        })
        .collect()
}

/// A user token as the UI shows it.
pub(crate) fn user_view(raw: &RawToken, s: &Session, now: i64) -> TokenView {
    let days = days_until_removal(raw.created_time.unwrap_or(now), raw.last_used, now);
    TokenView {
        id: raw.id.clone(),
        kind: "user".into(),
        org_id: None,
        org_name: None,
        name: raw.name.clone(),
        key_hint: raw.key.clone().unwrap_or_default(),
        created_time: raw.created_time.unwrap_or(0),
        created_by: s.info.identity.email.clone(),
        last_used: raw.last_used,
        privileges: s.info.privileges.clone(),
        access_summary: "Same access as you".into(),
        src_ips: Vec::new(),
        days_until_removal: days,
        removal_risk: removal_risk(days).into(),
        is_session_token: s.key_hint.is_some() && raw.key == s.key_hint,
    }
}

/// An org token as the UI shows it.
pub(crate) fn org_view(raw: &RawToken, org: &OrgInfo, s: &Session, now: i64) -> TokenView {
    let days = days_until_removal(raw.created_time.unwrap_or(now), raw.last_used, now);
    let privs = raw.privileges.clone().unwrap_or_default();
    TokenView {
        id: raw.id.clone(),
        kind: "org".into(),
        org_id: Some(org.id.clone()),
        org_name: Some(org.name.clone()),
        name: raw.name.clone(),
        key_hint: raw.key.clone().unwrap_or_default(),
        created_time: raw.created_time.unwrap_or(0),
        created_by: raw.created_by.clone(),
        last_used: raw.last_used,
        privileges: privs.iter().map(privilege_view).collect(),
        access_summary: access_summary(&privs),
        src_ips: raw.src_ips.clone().unwrap_or_default(),
        days_until_removal: days,
        removal_risk: removal_risk(days).into(),
        is_session_token: s.key_hint.is_some() && raw.key == s.key_hint,
    }
}

fn list_path(org_id: Option<&str>) -> String {
    match org_id {
        Some(o) => format!("/orgs/{o}/apitokens"),
        None => "/self/apitokens".into(),
    }
}

pub(crate) async fn list_raw(http: &Http, s: &Session, org_id: Option<&str>) -> Result<Vec<RawToken>> {
    let action = if org_id.is_some() { "see this organization's API tokens" } else { "see your API tokens" };
    http.json(&Call::get(s.base(), list_path(org_id), s.auth()).action(action)).await
}

/// Sends a create, recovering when its answer is lost: the tokens are listed before and after, and
/// a token that appeared with this name is reported so the admin can delete it (its key is lost).
async fn create_raw(http: &Http, s: &Session, org_id: Option<&str>, name: &str, body: Value) -> Result<(RawToken, SecretString)> {
    let action = if org_id.is_some() { "create API tokens in this organization" } else { "create API tokens" };
    let before: HashSet<String> = list_raw(http, s, org_id).await?.into_iter().map(|t| t.id).collect();
    let call = Call::new(Method::POST, s.base(), list_path(org_id), s.auth()).json(&body).action(action);
    let outcome_unknown = match http.raw_detailed(&call).await {
        Ok(r) if r.is_success() => {
            let mut raw: RawToken = match r.json() {
                Ok(raw) => raw,
                Err(_) => return Err(recover(http, s, org_id, name, &before, None).await),
            };
            return match raw.key.take() {
                Some(k) if !k.is_empty() && !k.contains("...") => {
                    let key = SecretString::from(k);
                    Ok((raw, key))
                }
                _ => Err(recover(http, s, org_id, name, &before, Some(raw.id)).await),
            };
        }
        Ok(r) if matches!(r.status, 502..=504) => r.error(s.auth(), action),
        Ok(r) => return Err(r.error(s.auth(), action)),
        Err(f) if f.maybe_sent => f.error,
        Err(f) => return Err(f.error),
    };
    match find_new(http, s, org_id, name, &before).await {
        Ok(Some(id)) => Err(unconfirmed(name, Some(id))),
        Ok(None) => Err(outcome_unknown),
        Err(_) => Err(unconfirmed(name, None)),
    }
}

async fn find_new(http: &Http, s: &Session, org_id: Option<&str>, name: &str, before: &HashSet<String>) -> Result<Option<String>> {
    let cutoff = now() - 120;
    let after = list_raw(http, s, org_id).await?;
    Ok(after
        .into_iter()
        .filter(|t| !before.contains(&t.id) && t.name == name && t.created_time.is_none_or(|c| c >= cutoff))
        .max_by_key(|t| t.created_time.unwrap_or(0))
        .map(|t| t.id))
}

async fn recover(http: &Http, s: &Session, org_id: Option<&str>, name: &str, before: &HashSet<String>, id: Option<String>) -> Error {
    let id = match id.filter(|i| !i.is_empty()) {
        Some(id) => Some(id),
        None => find_new(http, s, org_id, name, before).await.ok().flatten(),
    };
    unconfirmed(name, id)
}

fn unconfirmed(name: &str, token_id: Option<String>) -> Error {
    let message = match &token_id {
        Some(_) => format!("The token “{name}” was created, but the key could not be received (the connection was interrupted). Mist shows a key only once, so this token is of no use: delete it, then create a new one."),
        None => format!("The connection was interrupted while creating “{name}”, so the key could not be received. The token may exist without its key: refresh the list and, if “{name}” appears, delete it and create a new one."),
    };
    Error::CreateUnconfirmed { message, token_id }
}

pub(crate) async fn create_user_token(http: &Http, s: &Session, name: &str) -> Result<(TokenView, SecretString)> {
    if !s.info.can_create_user_tokens {
        return Err(Error::Forbidden(if s.info.identity.kind == "org_token" {
            "An org token cannot have personal tokens. Create an org token in an organization instead.".into()
        } else {
            "Mist does not let SSO accounts create personal tokens. Create an org token in an organization instead (this needs a Super User).".into()
        }));
    }
    let name = validate_name(name)?;
    let (mut raw, key) = create_raw(http, s, None, &name, json!({"name": name})).await?;
    use secrecy::ExposeSecret;
    raw.key = Some(key_hint(key.expose_secret()));
    if raw.created_time.is_none() {
        raw.created_time = Some(now());
    }
    Ok((user_view(&raw, s, now()), key))
}

pub(crate) async fn create_org_token(http: &Http, s: &Session, org_id: &str, name: &str, privileges: &[PrivilegeInput], src_ips: &[String]) -> Result<(TokenView, SecretString)> {
    let org = s.org(org_id).cloned().ok_or_else(unknown_org)?;
    let name = validate_name(name)?;
    let privs = validate_privileges(privileges)?;
    let ips = validate_src_ips(src_ips)?;
    let mut body = json!({"name": name, "privileges": privs});
    if !ips.is_empty() {
        body["src_ips"] = json!(ips);
    }
    let (mut raw, key) = create_raw(http, s, Some(org_id), &name, body).await?;
    use secrecy::ExposeSecret;
    raw.key = Some(key_hint(key.expose_secret()));
    if raw.privileges.as_ref().is_none_or(|p| p.is_empty()) {
        // The POST may omit privileges: read them back (never fail now: we hold the key).
        let path = format!("/orgs/{org_id}/apitokens/{}", raw.id);
        match http.json::<RawToken>(&Call::get(s.base(), path, s.auth())).await {
            Ok(back) => raw.privileges = back.privileges,
            Err(_) => raw.privileges = serde_json::from_value(json!(privs)).ok(),
        }
    }
    if raw.src_ips.is_none() {
        raw.src_ips = Some(ips);
    }
    if raw.created_time.is_none() {
        raw.created_time = Some(now());
    }
    Ok((org_view(&raw, &org, s, now()), key))
}

fn unknown_org() -> Error {
    Error::NotFound("This organization is not among the ones you can reach. Refresh the list, or sign in again if your access changed.".into())
}

async fn get_org_token(http: &Http, s: &Session, org_id: &str, token_id: &str) -> Result<RawToken> {
    let path = format!("/orgs/{org_id}/apitokens/{token_id}");
    http.json(&Call::get(s.base(), path, s.auth()).action("see this organization's API tokens")).await
}

/// PUT for an org token: Mist needs the whole object, so unchanged fields are sent back as they are
/// (`src_ips` can never change; repeating the same list is accepted).
async fn put_org_token(http: &Http, s: &Session, org: &OrgInfo, current: RawToken, name: String, privs: Vec<Value>) -> Result<TokenView> {
    let mut body = json!({"name": name, "privileges": privs});
    if let Some(ips) = current.src_ips.as_ref().filter(|v| !v.is_empty()) {
        body["src_ips"] = json!(ips);
    }
    let path = format!("/orgs/{}/apitokens/{}", org.id, current.id);
    let call = Call::new(Method::PUT, s.base(), path, s.auth()).json(&body).action("change API tokens in this organization");
    let r = http.ok(&call).await?;
    let mut raw: RawToken = r.json().unwrap_or_else(|_| current.clone());
    if raw.id.is_empty() {
        raw.id = current.id.clone();
    }
    if raw.name.is_empty() {
        raw.name = name;
    }
    if raw.privileges.as_ref().is_none_or(|p| p.is_empty()) {
        raw.privileges = serde_json::from_value(json!(privs)).ok();
    }
    if raw.src_ips.is_none() {
        raw.src_ips = current.src_ips.clone();
    }
    raw.key = raw.key.filter(|k| k.contains("...")).or(current.key);
    raw.created_time = raw.created_time.or(current.created_time);
    raw.last_used = raw.last_used.or(current.last_used);
    raw.created_by = raw.created_by.or(current.created_by);
    Ok(org_view(&raw, org, s, now()))
}

pub(crate) async fn rename_token(http: &Http, s: &Session, kind: &str, org_id: Option<&str>, token_id: &str, name: &str) -> Result<TokenView> {
    let name = validate_name(name)?;
    match (kind, org_id) {
        ("user", _) => {
            let path = format!("/self/apitokens/{token_id}");
            let call = Call::new(Method::PUT, s.base(), &path, s.auth()).json(&json!({"name": name})).action("rename your API tokens");
            let r = http.ok(&call).await?;
            let raw = match r.json::<RawToken>() {
                Ok(raw) if !raw.id.is_empty() && raw.created_time.is_some() => raw,
                _ => http.json(&Call::get(s.base(), &path, s.auth())).await?,
            };
            Ok(user_view(&raw, s, now()))
        }
        ("org", Some(org_id)) => {
            let org = s.org(org_id).cloned().ok_or_else(unknown_org)?;
            let current = get_org_token(http, s, org_id, token_id).await?;
            let privs = privs_json(current.privileges.as_deref().unwrap_or_default());
            put_org_token(http, s, &org, current, name, privs).await
        }
        ("org", None) => Err(Error::invalid("org_id", "Choose the organization this token belongs to.")),
        _ => Err(Error::invalid("kind", "The token kind must be “user” or “org”.")),
    }
}

pub(crate) async fn update_org_token_access(http: &Http, s: &Session, org_id: &str, token_id: &str, privileges: &[PrivilegeInput]) -> Result<TokenView> {
    let org = s.org(org_id).cloned().ok_or_else(unknown_org)?;
    let privs = validate_privileges(privileges)?;
    let current = get_org_token(http, s, org_id, token_id).await?;
    let name = current.name.clone();
    put_org_token(http, s, &org, current, name, privs).await
}

/// Deletes a token; one that is already gone counts as deleted.
pub(crate) async fn delete_token(http: &Http, s: &Session, kind: &str, org_id: Option<&str>, token_id: &str) -> Result<()> {
    let path = match (kind, org_id) {
        ("user", _) => format!("/self/apitokens/{token_id}"),
        ("org", Some(o)) => format!("/orgs/{o}/apitokens/{token_id}"),
        ("org", None) => return Err(Error::invalid("org_id", "Choose the organization this token belongs to.")),
        _ => return Err(Error::invalid("kind", "The token kind must be “user” or “org”.")),
    };
    let action = if kind == "org" { "delete API tokens in this organization" } else { "delete your API tokens" };
    let call = Call::new(Method::DELETE, s.base(), path, s.auth()).action(action);
    let r = http.raw(&call).await?;
    match r.status {
        200..=299 | 404 => Ok(()),
        _ => Err(r.error(s.auth(), action)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_arithmetic() {
        let now = 1_000_000_000;
        assert_eq!(days_until_removal(now, None, now), 90);
        assert_eq!(days_until_removal(0, Some(now - 80 * 86_400), now), 10);
        assert_eq!(removal_risk(10), "soon");
        assert_eq!(days_until_removal(now - 100 * 86_400, None, now), -10);
        assert_eq!(removal_risk(-10), "overdue");
        assert_eq!(removal_risk(0), "overdue");
        assert_eq!(removal_risk(15), "ok");
        // Half a day past the deadline counts as overdue (floor).
        assert_eq!(days_until_removal(now - 90 * 86_400 - 43_200, None, now), -1);
    }

    #[test]
    fn validates_src_ips_privileges_and_names() {
        assert!(validate_src_ips(&["10.0.0.0/8".into(), " 2001:db8::1 ".into()]).is_ok());
        let e = validate_src_ips(&["10.0.0.300".into()]).unwrap_err();
        assert_eq!(serde_json::to_value(&e).unwrap()["field"], "src_ips");
        assert!(e.to_string().contains("10.0.0.300"));
        let many: Vec<String> = (0..11).map(|i| format!("10.0.0.{i}")).collect();
        assert!(validate_src_ips(&many).is_err());
        assert!(validate_name("  ").is_err());
        let p = |scope: &str, site: Option<&str>| PrivilegeInput { scope: scope.into(), role: "read".into(), site_id: site.map(Into::into), sitegroup_id: None };
        assert!(validate_privileges(&[p("org", None)]).is_ok());
        assert!(validate_privileges(&[p("site", None)]).is_err());
        assert!(validate_privileges(&[p("site", Some("s1"))]).is_ok());
        assert!(validate_privileges(&[p("msp", None)]).is_err());
        assert!(validate_privileges(&[]).is_err());
    }

    #[test]
    fn access_in_words() {
        let p: Vec<RawPrivilege> = serde_json::from_str(r#"[{"scope":"site","role":"read","site_id":"a"},{"scope":"site","role":"read","site_id":"b"}]"#).unwrap();
        assert_eq!(access_summary(&p), "Read only · 2 sites");
        let p: Vec<RawPrivilege> = serde_json::from_str(r#"[{"scope":"org","role":"admin"}]"#).unwrap();
        assert_eq!(access_summary(&p), "Full access · whole organization");
    }
}
