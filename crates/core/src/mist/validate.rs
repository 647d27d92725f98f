//! Checking what the admin typed before anything is sent, with the form field named.

use serde_json::{json, Value};

use super::model::{PrivilegeInput, RawPrivilege};
use crate::{Error, Result};

/// What a Mist id names, for the message when one is not a Mist id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdOf {
    Token,
    Org,
    Site,
    SiteGroup,
}

impl IdOf {
    fn field(self) -> &'static str {
        match self {
            IdOf::Token => "token_id",
            IdOf::Org => "org_id",
            IdOf::Site | IdOf::SiteGroup => "privileges",
        }
    }
    fn words(self) -> &'static str {
        match self {
            IdOf::Token => "token",
            IdOf::Org => "organization",
            IdOf::Site => "site",
            IdOf::SiteGroup => "site group",
        }
    }
}

/// Accepts only a Mist id: a UUID in its usual written form (8-4-4-4-12 hexadecimal digits).
/// Checked before any URL is built, so nothing like `../` or `%2e%2e` can reach a path.
/// The message never repeats what was given (it could be anything, even a pasted key).
pub fn mist_id(what: IdOf, id: &str) -> Result<&str> {
    let well_formed = id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if well_formed {
        Ok(id)
    } else {
        Err(Error::invalid(
            what.field(),
            format!(
                "This is not a Mist {} id, so nothing was sent. Refresh the list and try again.",
                what.words()
            ),
        ))
    }
}

const ROLES: [&str; 5] = ["admin", "write", "read", "helpdesk", "installer"];
const MAX_NAME: usize = 128;

pub fn validate_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid(
            "name",
            "Give the token a name, so you can tell it apart later (for example “backup script”).",
        ));
    }
    if n.chars().count() > MAX_NAME {
        return Err(Error::invalid(
            "name",
            format!("This name is too long: use at most {MAX_NAME} characters."),
        ));
    }
    if n.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            "The name contains invisible control characters. Type it again.",
        ));
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
            let id = |v: &Option<String>, what: IdOf| -> Result<String> {
                match v.as_deref().map(str::trim) {
                    Some(s) if !s.is_empty() => Ok(mist_id(what, s)?.to_string()),
                    _ => Err(Error::invalid("privileges", format!("Choose the {} this access is for.", what.words()))),
                }
            };
            Ok(match p.scope.trim() {
                "org" => json!({"scope": "org", "role": role}),
                "site" => json!({"scope": "site", "role": role, "site_id": id(&p.site_id, IdOf::Site)?}),
                "sitegroup" => json!({"scope": "sitegroup", "role": role, "sitegroup_id": id(&p.sitegroup_id, IdOf::SiteGroup)?}),
                other => return Err(Error::invalid("privileges", format!("“{other}” is not a place an org token can have access to. Choose the whole organization, sites or site groups."))),
            })
        })
        .collect()
}

/// Source IP limits: at most 10 IPs or CIDRs.
pub fn validate_src_ips(ips: &[String]) -> Result<Vec<String>> {
    let ips: Vec<String> = ips
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if ips.len() > 10 {
        return Err(Error::invalid("src_ips", format!("Mist allows at most 10 source addresses; you entered {}. Use a range (for example 10.0.0.0/8) to cover more.", ips.len())));
    }
    for ip in &ips {
        if !is_ip_or_cidr(ip) {
            return Err(Error::invalid("src_ips", format!("“{ip}” is not an IP address or range. Write it like 203.0.113.7 or 203.0.113.0/24.")));
        }
    }
    Ok(ips)
}

/// An IP address, or a CIDR whose address part is one. The address goes through std's parser,
/// which refuses leading zeros ("63.3.05.0": octal or decimal?), as Mist does; ipnet's parser
/// alone accepts them (found by the `src_ips` fuzz target).
fn is_ip_or_cidr(s: &str) -> bool {
    match s.split_once('/') {
        None => s.parse::<std::net::IpAddr>().is_ok(),
        Some((addr, prefix)) => {
            addr.parse::<std::net::IpAddr>().is_ok()
                && !prefix.is_empty()
                && prefix.bytes().all(|b| b.is_ascii_digit())
                && s.parse::<ipnet::IpNet>().is_ok()
        }
    }
}

/// Privileges as Mist's body wants them (to send back unchanged).
pub(crate) fn privs_json(privs: &[RawPrivilege]) -> Vec<Value> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_src_ips_privileges_and_names() {
        assert!(validate_src_ips(&["10.0.0.0/8".into(), " 2001:db8::1 ".into()]).is_ok());
        let e = validate_src_ips(&["10.0.0.300".into()]).unwrap_err();
        assert_eq!(serde_json::to_value(&e).unwrap()["field"], "src_ips");
        assert!(e.to_string().contains("10.0.0.300"));
        let many: Vec<String> = (0..11).map(|i| format!("10.0.0.{i}")).collect();
        assert!(validate_src_ips(&many).is_err());
        assert!(validate_name("  ").is_err());
        let p = |scope: &str, site: Option<&str>| PrivilegeInput {
            scope: scope.into(),
            role: "read".into(),
            site_id: site.map(Into::into),
            sitegroup_id: None,
        };
        assert!(validate_privileges(&[p("org", None)]).is_ok());
        assert!(validate_privileges(&[p("site", None)]).is_err());
        assert!(validate_privileges(&[p("site", Some("s1"))]).is_err());
        assert!(
            validate_privileges(&[p("site", Some("4f2a9c1e-0b7d-4e5f-9a3c-2d1e0f9b8a7c"))]).is_ok()
        );
        assert!(validate_privileges(&[p("msp", None)]).is_err());
        assert!(validate_privileges(&[]).is_err());
    }
}
