//! The Mist clouds (regions), custom endpoints, and understanding what admins type.

use std::net::IpAddr;

use serde::Deserialize;
use url::Url;

use super::model::CloudInfo;
use crate::{Error, Result};

/// The environment variable naming a JSON file that replaces the built-in cloud list.
pub const CLOUDS_ENV: &str = "MIST_TOKEN_MANAGER_CLOUDS";

/// One cloud: where its API is and what the UI should say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloud {
    pub id: String,
    pub name: String,
    /// Scheme + host (+ port), no trailing slash: `https://api.eu.mist.com`.
    pub api_url: String,
    pub portal_host: Option<String>,
    pub is_mist: bool,
    /// The session cookie suffix (".eu"); `None` when unknown (custom clouds). Informational only:
    /// cookies are always matched by their `csrftoken`/`sessionid` prefix.
    pub cookie_suffix: Option<String>,
}

impl Cloud {
    pub fn info(&self) -> CloudInfo {
        CloudInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            api_url: self.api_url.clone(),
            portal_host: self.portal_host.clone(),
            is_mist: self.is_mist,
        }
    }

    /// "api.eu.mist.com" or "127.0.0.1:8787": for messages.
    pub fn host(&self) -> String {
        host_of(&self.api_url)
    }

    /// The portal's origin (`https://manage.eu.mist.com`), where an SSO login lands; `None` when
    /// the cloud has no portal address (a custom cloud without `"portal"` in the clouds file).
    /// A loopback portal (a simulator) uses the API's scheme; any other portal is https.
    pub fn portal_origin(&self) -> Option<String> {
        let host = self.portal_host.as_deref()?;
        let loopback = Url::parse(&format!("http://{host}"))
            .ok()
            .and_then(|u| u.host().map(|h| is_loopback_host(&h)))
            .unwrap_or(false);
        let scheme = if loopback && self.api_url.starts_with("http://") {
            "http"
        } else {
            "https"
        };
        Some(format!("{scheme}://{host}"))
    }
}

/// `host[:port]` of a URL string, for messages.
pub fn host_of(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => url.to_string(),
        },
        Err(_) => url.to_string(),
    }
}

const BUILTIN: &[(&str, &str, &str, &str)] = &[
    ("global01", "Global 01", "api.mist.com", ""),
    ("global02", "Global 02", "api.gc1.mist.com", ".gc1"),
    ("global03", "Global 03", "api.ac2.mist.com", ".ac2"),
    ("global04", "Global 04", "api.gc2.mist.com", ".gc2"),
    ("global05", "Global 05", "api.gc4.mist.com", ".gc4"),
    ("emea01", "EMEA 01", "api.eu.mist.com", ".eu"),
    ("emea02", "EMEA 02", "api.gc3.mist.com", ".gc3"),
    ("emea03", "EMEA 03", "api.ac6.mist.com", ".ac6"),
    ("emea04", "EMEA 04", "api.gc6.mist.com", ".gc6"),
    ("apac01", "APAC 01", "api.ac5.mist.com", ".ac5"),
    ("apac02", "APAC 02", "api.gc5.mist.com", ".gc5"),
    ("apac03", "APAC 03", "api.gc7.mist.com", ".gc7"),
    ("usgov", "US Government", "api.us.mist-federal.com", ".us"),
];

/// The 13 Mist clouds.
pub fn builtin_clouds() -> Vec<Cloud> {
    BUILTIN
        .iter()
        .map(|(id, name, host, suffix)| Cloud {
            id: id.to_string(),
            name: name.to_string(),
            api_url: format!("https://{host}"),
            portal_host: Some(host.replacen("api.", "manage.", 1)),
            is_mist: true,
            cookie_suffix: Some(suffix.to_string()),
        })
        .collect()
}

#[derive(Deserialize)]
struct CloudEntry {
    name: String,
    api: String,
    /// The portal address (where an SSO login lands), optional: `"https://manage.example.net"`.
    #[serde(default)]
    portal: Option<String>,
}

/// Parses a clouds file (`[{"name": "Demo cloud", "api": "http://127.0.0.1:8787"}]`; an entry may
/// add `"portal": "http://127.0.0.1:8787"`, the address the SSO login lands on).
pub fn parse_clouds_json(text: &str) -> Result<Vec<Cloud>> {
    let entries: Vec<CloudEntry> = serde_json::from_str(text).map_err(|e| {
        Error::invalid(
            "clouds",
            format!(
                "The clouds file ({CLOUDS_ENV}) is not a valid list of {{\"name\", \"api\"}} entries: {e}. Fix the file or unset {CLOUDS_ENV}."
            ),
        )
    })?;
    if entries.is_empty() {
        return Err(Error::invalid(
            "clouds",
            format!("The clouds file ({CLOUDS_ENV}) lists no cloud. Add at least one entry or unset {CLOUDS_ENV}."),
        ));
    }
    entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let api_url = normalize_endpoint(&e.api).map_err(|err| {
                Error::invalid(
                    "clouds",
                    format!("The clouds file ({CLOUDS_ENV}), entry “{}”: {err}", e.name),
                )
            })?;
            let name = if e.name.trim().is_empty() {
                host_of(&api_url)
            } else {
                e.name.trim().to_string()
            };
            let portal_host = match e.portal.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(p) => Some(host_of(&normalize_endpoint(p).map_err(|err| {
                    Error::invalid(
                        "clouds",
                        format!(
                            "The clouds file ({CLOUDS_ENV}), entry “{name}”, portal address: {err}"
                        ),
                    )
                })?)),
            };
            Ok(Cloud {
                id: format!("custom-{i}"),
                name,
                api_url,
                portal_host,
                is_mist: false,
                cookie_suffix: None,
            })
        })
        .collect()
}

/// The cloud list for this process: the file named by `MIST_TOKEN_MANAGER_CLOUDS`, or the built-ins.
pub fn clouds_from_env() -> Result<Vec<Cloud>> {
    match std::env::var_os(CLOUDS_ENV) {
        Some(path) if !path.is_empty() => {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Error::invalid(
                    "clouds",
                    format!(
                        "Cannot read the clouds file {} named by {CLOUDS_ENV}: {e}. Fix the path or unset {CLOUDS_ENV}.",
                        std::path::Path::new(&path).display()
                    ),
                )
            })?;
            parse_clouds_json(&text)
        }
        _ => Ok(builtin_clouds()),
    }
}

pub(crate) fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// Turns what an admin typed into `scheme://host[:port]`: https required except for loopback.
pub fn normalize_endpoint(input: &str) -> std::result::Result<String, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err("Enter the address of your Mist cloud, for example manage.mist.com.".into());
    }
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| {
        format!("“{t}” is not a web address. Enter it like manage.eu.mist.com or https://api.eu.mist.com.")
    })?;
    let host = url
        .host()
        .ok_or_else(|| format!("“{t}” has no host name. Enter it like manage.eu.mist.com."))?;
    if let url::Host::Domain(d) = &host {
        let d = d.trim_end_matches('.');
        if !d.contains('.') && !d.eq_ignore_ascii_case("localhost") {
            return Err(format!(
                "“{t}” is not a full address: “{d}” has no dot, so it could name any computer on \
                 your network. Enter the whole address, like manage.eu.mist.com, or choose your \
                 cloud from the list."
            ));
        }
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(&host) => {}
        "http" => {
            return Err(format!(
                "“{t}” uses http, which is not encrypted. Use an https address (only this computer's own address may use http)."
            ))
        }
        other => return Err(format!("“{other}” addresses are not supported. Use an https address.")),
    }
    let host_str = match &host {
        url::Host::Ipv6(ip) => format!("[{ip}]"),
        h => h.to_string().to_ascii_lowercase(),
    };
    Ok(match url.port() {
        Some(p) => format!("{}://{host_str}:{p}", url.scheme()),
        None => format!("{}://{host_str}", url.scheme()),
    })
}

/// The cloud for an API address bound to a secret in the keychain (a remembered sign-in, a saved
/// key): one of `clouds` when its address matches, else a custom cloud for exactly that address.
/// The address still has to pass [`normalize_endpoint`] (https, a full host name).
pub fn bound(api_url: &str, clouds: &[Cloud]) -> Result<Cloud> {
    let api_url = normalize_endpoint(api_url).map_err(|m| Error::invalid("cloud", m))?;
    if let Some(c) = clouds
        .iter()
        .find(|c| c.api_url.eq_ignore_ascii_case(&api_url))
    {
        return Ok(c.clone());
    }
    Ok(custom_cloud(api_url))
}

/// Finds the cloud for what an admin typed: an `api.*` host, a `manage.*` portal URL, a full URL,
/// or a cloud's name/id. Unknown hosts become a custom (not Mist) cloud with id "custom".
pub fn resolve(input: &str, clouds: &[Cloud]) -> Result<Cloud> {
    let t = input.trim();
    if let Some(c) = clouds
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(t) || c.name.eq_ignore_ascii_case(t))
    {
        return Ok(c.clone());
    }
    let api_url = normalize_endpoint(t).map_err(|m| Error::invalid("cloud", m))?;
    let url = Url::parse(&api_url).map_err(|_| Error::invalid("cloud", "Not a web address."))?;
    let host = url.host_str().unwrap_or_default().to_string();
    // The portal (manage.*) and bare region (eu.mist.com) forms map to the api.* host.
    let mut candidates = vec![host.clone()];
    if let Some(rest) = host.strip_prefix("manage.") {
        candidates.push(format!("api.{rest}"));
    } else if !host.starts_with("api.") {
        candidates.push(format!("api.{host}"));
    }
    for cand in &candidates {
        let cand_url = match url.port() {
            Some(p) => format!("{}://{cand}:{p}", url.scheme()),
            None => format!("{}://{cand}", url.scheme()),
        };
        if let Some(c) = clouds
            .iter()
            .find(|c| c.api_url.eq_ignore_ascii_case(&cand_url))
        {
            return Ok(c.clone());
        }
        if let Some(c) = clouds
            .iter()
            .find(|c| c.portal_host.as_deref() == Some(cand.as_str()))
        {
            return Ok(c.clone());
        }
    }
    Ok(custom_cloud(api_url))
}

/// A cloud the admin typed (or that a keychain item is bound to): not one of the known list.
fn custom_cloud(api_url: String) -> Cloud {
    Cloud {
        id: "custom".into(),
        name: host_of(&api_url),
        api_url,
        portal_host: None,
        is_mist: false,
        cookie_suffix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_clouds_with_portals() {
        let c = builtin_clouds();
        assert_eq!(c.len(), 13);
        assert!(c.iter().all(|c| c.is_mist && c.portal_host.is_some()));
        let eu = c.iter().find(|c| c.id == "emea01").unwrap();
        assert_eq!(eu.api_url, "https://api.eu.mist.com");
        assert_eq!(eu.portal_host.as_deref(), Some("manage.eu.mist.com"));
        assert_eq!(eu.cookie_suffix.as_deref(), Some(".eu"));
    }

    #[test]
    fn resolves_what_admins_type() {
        let c = builtin_clouds();
        for input in [
            "manage.eu.mist.com",
            "https://manage.eu.mist.com/admin/?org_id=abc#!dashboard",
            "api.eu.mist.com",
            "https://api.eu.mist.com/api/v1/self",
            "  API.EU.MIST.COM ",
            "eu.mist.com",
            "EMEA 01",
        ] {
            assert_eq!(resolve(input, &c).unwrap().id, "emea01", "{input}");
        }
        assert_eq!(resolve("manage.mist.com", &c).unwrap().id, "global01");
        assert_eq!(
            resolve("https://manage.us.mist-federal.com", &c)
                .unwrap()
                .id,
            "usgov"
        );
    }

    #[test]
    fn custom_endpoints_need_https_except_loopback() {
        let c = builtin_clouds();
        let x = resolve("https://mist.example.net:8443/x", &c).unwrap();
        assert_eq!(x.id, "custom");
        assert!(!x.is_mist);
        assert_eq!(x.api_url, "https://mist.example.net:8443");
        let e = resolve("http://mist.example.net", &c).unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert!(resolve("http://127.0.0.1:8787", &c).is_ok());
        assert!(resolve("http://localhost:1", &c).is_ok());
        assert!(resolve("http://[::1]:8080", &c).is_ok());
        assert!(resolve("ftp://x", &c).is_err());
        for single_label in ["https://emea1", "emea1", "https://intranet:8443/"] {
            let e = resolve(single_label, &c).unwrap_err();
            assert_eq!(e.kind(), "invalid_input", "{single_label}");
            assert!(e.to_string().contains("not a full address"), "{e}");
        }
        assert!(resolve("", &c).is_err());
    }

    #[test]
    fn clouds_file() {
        let c = parse_clouds_json(r#"[{"name": "Demo cloud", "api": "http://127.0.0.1:8787/"}]"#)
            .unwrap();
        assert_eq!(c[0].id, "custom-0");
        assert_eq!(c[0].api_url, "http://127.0.0.1:8787");
        assert!(!c[0].is_mist);
        assert!(parse_clouds_json("{").is_err());
        assert!(parse_clouds_json("[]").is_err());
        let e = parse_clouds_json(r#"[{"name": "x", "api": "http://evil.example"}]"#).unwrap_err();
        assert!(e.to_string().contains("https"), "{e}");
        assert_eq!(
            c[0].portal_origin(),
            None,
            "no portal unless the file names one"
        );
    }

    #[test]
    fn clouds_file_portal_address() {
        let c = parse_clouds_json(
            r#"[{"name": "Sim", "api": "http://127.0.0.1:8787", "portal": "http://127.0.0.1:8787/admin/"},
                {"name": "Lab", "api": "https://api.lab.example.net", "portal": "manage.lab.example.net"}]"#,
        )
        .unwrap();
        assert_eq!(c[0].portal_host.as_deref(), Some("127.0.0.1:8787"));
        assert_eq!(
            c[0].portal_origin().as_deref(),
            Some("http://127.0.0.1:8787")
        );
        assert_eq!(
            c[1].portal_origin().as_deref(),
            Some("https://manage.lab.example.net")
        );
        // A portal that is not https (and not this computer) is refused, like an API address.
        let e = parse_clouds_json(
            r#"[{"name": "x", "api": "https://api.x.example", "portal": "http://manage.x.example"}]"#,
        )
        .unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert!(e.to_string().contains("portal address"), "{e}");
        let eu = builtin_clouds()
            .into_iter()
            .find(|c| c.id == "emea01")
            .unwrap();
        assert_eq!(
            eu.portal_origin().as_deref(),
            Some("https://manage.eu.mist.com")
        );
    }
}
