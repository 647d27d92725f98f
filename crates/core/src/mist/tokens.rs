//! User and org API tokens: list, create (with recovery when the answer is lost), rename, change
//! access, delete. Input is checked in `validate`, views are built in `views`.

use std::collections::HashSet;

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{json, Value};

use super::auth::Session;
use super::http::{Call, Http};
use super::model::{
    IdentityKind, KeyHint, OrgInfo, PrivilegeInput, RawToken, TokenKind, TokenView,
};
use super::validate::{
    mist_id, privs_json, validate_name, validate_privileges, validate_src_ips, IdOf,
};
use super::views::{now, org_view, user_view};
use crate::{Error, Result};

fn list_path(org_id: Option<&str>) -> String {
    match org_id {
        Some(o) => format!("/orgs/{o}/apitokens"),
        None => "/self/apitokens".into(),
    }
}

pub(crate) async fn list_raw(
    http: &Http,
    s: &Session,
    org_id: Option<&str>,
) -> Result<Vec<RawToken>> {
    let action = if org_id.is_some() {
        "see this organization's API tokens"
    } else {
        "see your API tokens"
    };
    let list: Vec<RawToken> = http
        .json(&Call::get(s.base(), list_path(org_id), s.auth()).action(action))
        .await?;
    s.learn_session_token(&list, org_id.is_none());
    Ok(list)
}

/// Whether a create answer's key is a whole key (not empty, not Mist's truncated display).
fn whole_key(key: &SecretString) -> bool {
    use secrecy::ExposeSecret;
    let k = key.expose_secret();
    !k.is_empty() && !k.contains("...")
}

/// Sends a create, recovering when its answer is lost: the tokens are listed before and after, and
/// a token that appeared with this name is reported so the admin can delete it (its key is lost).
async fn create_raw(
    http: &Http,
    s: &Session,
    org_id: Option<&str>,
    name: &str,
    body: Value,
) -> Result<(RawToken, SecretString)> {
    let action = if org_id.is_some() {
        "create API tokens in this organization"
    } else {
        "create API tokens"
    };
    let before: HashSet<String> = list_raw(http, s, org_id)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let call = Call::new(Method::POST, s.base(), list_path(org_id), s.auth())
        .json(&body)
        .action(action);
    let outcome_unknown = match http.raw_detailed(&call).await {
        Ok(r) if r.is_success() => {
            // The create answer is the one place the whole key comes: it is read straight into a
            // secret. A missing, empty or truncated key leaves the token without a usable key.
            let mut raw: RawToken<SecretString> = match r.json() {
                Ok(raw) => raw,
                Err(_) => return Err(recover(http, s, org_id, name, &before, None).await),
            };
            return match raw.key.take() {
                Some(key) if whole_key(&key) => Ok((raw.with_key(None), key)),
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

async fn find_new(
    http: &Http,
    s: &Session,
    org_id: Option<&str>,
    name: &str,
    before: &HashSet<String>,
) -> Result<Option<String>> {
    let cutoff = now() - 120;
    let after = list_raw(http, s, org_id).await?;
    Ok(after
        .into_iter()
        .filter(|t| {
            !before.contains(&t.id) && t.name == name && t.created_time.is_none_or(|c| c >= cutoff)
        })
        .max_by_key(|t| t.created_time.unwrap_or(0))
        .map(|t| t.id))
}

async fn recover(
    http: &Http,
    s: &Session,
    org_id: Option<&str>,
    name: &str,
    before: &HashSet<String>,
    id: Option<String>,
) -> Error {
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

pub(crate) async fn create_user_token(
    http: &Http,
    s: &Session,
    name: &str,
) -> Result<(TokenView, SecretString)> {
    if !s.info.can_create_user_tokens {
        return Err(Error::Forbidden(
            if s.info.identity.kind == IdentityKind::OrgToken {
                "An org token cannot have personal tokens. Create an org token in an organization instead.".into()
            } else {
                "Mist does not let SSO accounts create personal tokens. Create an org token in an organization instead (this needs a Super User).".into()
            },
        ));
    }
    let name = validate_name(name)?;
    let (mut raw, key) = create_raw(http, s, None, &name, json!({"name": name})).await?;
    use secrecy::ExposeSecret;
    s.know_hint(&raw.id, key.expose_secret());
    raw.key = Some(KeyHint::of_key(key.expose_secret()));
    if raw.created_time.is_none() {
        raw.created_time = Some(now());
    }
    Ok((user_view(&raw, s, now()), key))
}

pub(crate) async fn create_org_token(
    http: &Http,
    s: &Session,
    org_id: &str,
    name: &str,
    privileges: &[PrivilegeInput],
    src_ips: &[String],
) -> Result<(TokenView, SecretString)> {
    mist_id(IdOf::Org, org_id)?;
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
    s.know_hint(&raw.id, key.expose_secret());
    raw.key = Some(KeyHint::of_key(key.expose_secret()));
    if raw.privileges.as_ref().is_none_or(|p| p.is_empty()) {
        // The POST may omit privileges: read them back (never fail now: we hold the key).
        let path = format!("/orgs/{org_id}/apitokens/{}", raw.id);
        match http
            .json::<RawToken>(&Call::get(s.base(), path, s.auth()))
            .await
        {
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
    http.json(&Call::get(s.base(), path, s.auth()).action("see this organization's API tokens"))
        .await
}

/// PUT for an org token: Mist needs the whole object, so unchanged fields are sent back as they are
/// (`src_ips` can never change; repeating the same list is accepted).
async fn put_org_token(
    http: &Http,
    s: &Session,
    org: &OrgInfo,
    current: RawToken,
    name: String,
    privs: Vec<Value>,
) -> Result<TokenView> {
    let mut body = json!({"name": name, "privileges": privs});
    if let Some(ips) = current.src_ips.as_ref().filter(|v| !v.is_empty()) {
        body["src_ips"] = json!(ips);
    }
    let path = format!("/orgs/{}/apitokens/{}", org.id, current.id);
    let call = Call::new(Method::PUT, s.base(), path, s.auth())
        .json(&body)
        .action("change API tokens in this organization");
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
    raw.key = raw.key.or(current.key);
    raw.created_time = raw.created_time.or(current.created_time);
    raw.last_used = raw.last_used.or(current.last_used);
    raw.created_by = raw.created_by.or(current.created_by);
    Ok(org_view(&raw, org, s, now()))
}

pub(crate) async fn rename_token(
    http: &Http,
    s: &Session,
    kind: TokenKind,
    org_id: Option<&str>,
    token_id: &str,
    name: &str,
) -> Result<TokenView> {
    let name = validate_name(name)?;
    mist_id(IdOf::Token, token_id)?;
    if let Some(o) = org_id.filter(|_| kind == TokenKind::Org) {
        mist_id(IdOf::Org, o)?;
    }
    match (kind, org_id) {
        (TokenKind::User, _) => {
            let path = format!("/self/apitokens/{token_id}");
            let call = Call::new(Method::PUT, s.base(), &path, s.auth())
                .json(&json!({"name": name}))
                .action("rename your API tokens");
            let r = http.ok(&call).await?;
            let raw = match r.json::<RawToken>() {
                Ok(raw) if !raw.id.is_empty() && raw.created_time.is_some() => raw,
                _ => http.json(&Call::get(s.base(), &path, s.auth())).await?,
            };
            Ok(user_view(&raw, s, now()))
        }
        (TokenKind::Org, Some(org_id)) => {
            let org = s.org(org_id).cloned().ok_or_else(unknown_org)?;
            let current = get_org_token(http, s, org_id, token_id).await?;
            let privs = privs_json(current.privileges.as_deref().unwrap_or_default());
            put_org_token(http, s, &org, current, name, privs).await
        }
        (TokenKind::Org, None) => Err(Error::invalid(
            "org_id",
            "Choose the organization this token belongs to.",
        )),
    }
}

pub(crate) async fn update_org_token_access(
    http: &Http,
    s: &Session,
    org_id: &str,
    token_id: &str,
    privileges: &[PrivilegeInput],
) -> Result<TokenView> {
    mist_id(IdOf::Org, org_id)?;
    mist_id(IdOf::Token, token_id)?;
    let org = s.org(org_id).cloned().ok_or_else(unknown_org)?;
    let privs = validate_privileges(privileges)?;
    let current = get_org_token(http, s, org_id, token_id).await?;
    let name = current.name.clone();
    put_org_token(http, s, &org, current, name, privs).await
}

/// Deletes a token; one that is already gone counts as deleted.
pub(crate) async fn delete_token(
    http: &Http,
    s: &Session,
    kind: TokenKind,
    org_id: Option<&str>,
    token_id: &str,
) -> Result<()> {
    // Both ids are checked before any URL is built, and the org must be one of the session's
    // (as for every other org call): a 404 from somewhere else must never read as "deleted".
    let path = match (kind, org_id) {
        (TokenKind::User, _) => format!("/self/apitokens/{}", mist_id(IdOf::Token, token_id)?),
        (TokenKind::Org, Some(o)) => {
            mist_id(IdOf::Org, o)?;
            mist_id(IdOf::Token, token_id)?;
            let org = s.org(o).ok_or_else(unknown_org)?;
            format!("/orgs/{}/apitokens/{token_id}", org.id)
        }
        (TokenKind::Org, None) => {
            return Err(Error::invalid(
                "org_id",
                "Choose the organization this token belongs to.",
            ))
        }
    };
    let action = if kind == TokenKind::Org {
        "delete API tokens in this organization"
    } else {
        "delete your API tokens"
    };
    let call = Call::new(Method::DELETE, s.base(), path, s.auth()).action(action);
    let r = http.raw(&call).await?;
    match r.status {
        200..=299 | 404 => Ok(()),
        _ => Err(r.error(s.auth(), action)),
    }
}

/// One token as Mist shows it now (for its `last_used` after a keep-alive call).
pub(crate) async fn get_token(
    http: &Http,
    s: &Session,
    kind: TokenKind,
    org_id: Option<&str>,
    token_id: &str,
) -> Result<TokenView> {
    mist_id(IdOf::Token, token_id)?;
    match (kind, org_id) {
        (TokenKind::User, _) => {
            let path = format!("/self/apitokens/{token_id}");
            let raw: RawToken = http
                .json(&Call::get(s.base(), path, s.auth()).action("see your API tokens"))
                .await?;
            Ok(user_view(&raw, s, now()))
        }
        (TokenKind::Org, Some(o)) => {
            mist_id(IdOf::Org, o)?;
            let org = s.org(o).cloned().ok_or_else(unknown_org)?;
            let raw = get_org_token(http, s, o, token_id).await?;
            Ok(org_view(&raw, &org, s, now()))
        }
        (TokenKind::Org, None) => Err(Error::invalid(
            "org_id",
            "Choose the organization this token belongs to.",
        )),
    }
}

/// A token's replacement: a new token with the same name, the same privileges and the same
/// source IPs (or `src_ips`, when the admin changes them, validated as at create). Returns the
/// old token as Mist shows it now, and the new one with its key. Nothing is deleted here.
pub(crate) async fn create_replacement(
    http: &Http,
    s: &Session,
    kind: TokenKind,
    org_id: Option<&str>,
    token_id: &str,
    src_ips: Option<&[String]>,
) -> Result<(TokenView, TokenView, SecretString)> {
    mist_id(IdOf::Token, token_id)?;
    match (kind, org_id) {
        (TokenKind::User, _) => {
            if src_ips.is_some_and(|ips| !ips.is_empty()) {
                return Err(Error::invalid(
                    "src_ips",
                    "Personal (user) tokens cannot be limited to source IPs in Mist; only org tokens can.",
                ));
            }
            let old = get_token(http, s, kind, None, token_id).await?;
            let (new, key) = create_user_token(http, s, &old.name).await?;
            Ok((old, new, key))
        }
        (TokenKind::Org, Some(o)) => {
            mist_id(IdOf::Org, o)?;
            let org = s.org(o).cloned().ok_or_else(unknown_org)?;
            let raw = get_org_token(http, s, o, token_id).await?;
            let privileges: Vec<PrivilegeInput> = raw
                .privileges
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|p| PrivilegeInput {
                    scope: p.scope.clone(),
                    role: p.role.clone(),
                    site_id: p.site_id.clone(),
                    sitegroup_id: p
                        .sitegroup_id
                        .clone()
                        .or_else(|| p.sitegroup_ids.as_ref().and_then(|v| v.first().cloned())),
                })
                .collect();
            let ips = match src_ips {
                Some(ips) => ips.to_vec(),
                None => raw.src_ips.clone().unwrap_or_default(),
            };
            let old = org_view(&raw, &org, s, now());
            let (new, key) = create_org_token(http, s, o, &raw.name, &privileges, &ips).await?;
            Ok((old, new, key))
        }
        (TokenKind::Org, None) => Err(Error::invalid(
            "org_id",
            "Choose the organization this token belongs to.",
        )),
    }
}
