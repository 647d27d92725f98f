//! "How to use this token": short, correct examples that call `GET /api/v1/self` on the token's
//! own cloud and print who the token is (curl, PowerShell, Python requests, the mistapi SDK,
//! Ansible, Terraform), and the names the command line puts in a command's environment.
//!
//! The visible text of every example holds [`KEY_PLACEHOLDER`], never the key. "Copy with key"
//! fills the key in on the backend ([`fill_key`]) and hands the result, as a secret, to the
//! clipboard policy, which later clears the clipboard only if it still holds exactly that text.

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use url::Url;

use crate::{Error, Result};

/// What stands for the key in the visible examples.
pub const KEY_PLACEHOLDER: &str = "YOUR-MIST-API-KEY";

/// The environment variables `mist-token run` sets for its command (and the examples read).
pub mod env {
    /// The key, as the mistapi SDK (and newer Terraform provider releases) read it.
    pub const APITOKEN: &str = "MIST_APITOKEN";
    /// The key, as the Juniper Mist Terraform provider reads it.
    pub const API_TOKEN: &str = "MIST_API_TOKEN";
    /// The cloud's API host name (`api.eu.mist.com`), as the SDK and the provider expect.
    pub const HOST: &str = "MIST_HOST";
    /// The full base URL (`https://api.eu.mist.com`), for curl-style scripts.
    pub const API_URL: &str = "MIST_API_URL";
}

/// One example: which tool, and its text with the placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UsageExample {
    /// Stable id: "curl", "powershell", "python_requests", "python_mistapi", "ansible", "terraform".
    pub id: String,
    /// What the UI shows as the example's name.
    pub title: String,
    /// How to run it, in one line.
    pub how_to_run: String,
    /// The example, with [`KEY_PLACEHOLDER`] where the key goes.
    pub text: String,
}

/// Every example for one cloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UsageExamples {
    pub cloud_name: String,
    /// `https://api.eu.mist.com`
    pub api_url: String,
    /// `api.eu.mist.com` (with `:port` for a local simulator)
    pub host: String,
    pub placeholder: String,
    pub examples: Vec<UsageExample>,
}

/// The host name (with a port, if the URL has one) of an API base URL.
pub fn api_host(api_url: &str) -> Result<String> {
    let url = Url::parse(api_url).map_err(|_| unbound_cloud())?;
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => Ok(format!("{h}:{p}")),
        (Some(h), None) => Ok(h.to_string()),
        _ => Err(unbound_cloud()),
    }
}

/// The error for a saved key whose cloud is not known.
pub fn unbound_cloud() -> Error {
    Error::invalid(
        "cloud",
        "The cloud this key belongs to is not known (it was recovered without it), so it cannot \
         be used here. Sign in with the key to find out whose it is, or forget it.",
    )
}

/// The examples for the cloud at `api_url` (an API base URL such as `https://api.eu.mist.com`).
pub fn examples(cloud_name: &str, api_url: &str) -> Result<UsageExamples> {
    if api_url.is_empty() {
        return Err(unbound_cloud());
    }
    let api_url = api_url.trim_end_matches('/').to_string();
    let host = api_host(&api_url)?;
    // Only values we generated go into the examples; refuse anything that could break quoting.
    if !api_url
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".:/-[]".contains(c))
    {
        return Err(unbound_cloud());
    }
    let k = KEY_PLACEHOLDER;
    let examples = vec![
        UsageExample {
            id: "curl".into(),
            title: "curl".into(),
            how_to_run: "Paste into a terminal (bash, zsh or sh).".into(),
            text: format!(
                "curl -sS -f -H \"Authorization: Token {k}\" \\\n  \"{api_url}/api/v1/self\"\n"
            ),
        },
        UsageExample {
            id: "powershell".into(),
            title: "PowerShell (Invoke-RestMethod)".into(),
            how_to_run: "Paste into PowerShell 5.1 or 7.".into(),
            text: format!(
                "$headers = @{{ Authorization = \"Token {k}\" }}\n\
                 $me = Invoke-RestMethod -Uri \"{api_url}/api/v1/self\" -Headers $headers\n\
                 if ($me.email) {{ \"User token of $($me.email)\" }} else {{ \"Org token $($me.name)\" }}\n"
            ),
        },
        UsageExample {
            id: "python_requests".into(),
            title: "Python (requests)".into(),
            how_to_run: "Save as whoami.py, then: pip install requests && python whoami.py".into(),
            text: format!(
                "import requests\n\
                 \n\
                 API_URL = \"{api_url}\"\n\
                 API_KEY = \"{k}\"\n\
                 \n\
                 resp = requests.get(\n\
                 \x20   f\"{{API_URL}}/api/v1/self\",\n\
                 \x20   headers={{\"Authorization\": f\"Token {{API_KEY}}\"}},\n\
                 \x20   timeout=30,\n\
                 )\n\
                 resp.raise_for_status()\n\
                 me = resp.json()\n\
                 if me.get(\"email\"):\n\
                 \x20   print(\"User token of\", me[\"email\"])\n\
                 else:\n\
                 \x20   print(\"Org token\", me.get(\"name\"))\n"
            ),
        },
        UsageExample {
            id: "python_mistapi".into(),
            title: "Python (mistapi SDK)".into(),
            how_to_run: format!(
                "Save as whoami_sdk.py, then: pip install mistapi && python whoami_sdk.py. \
                 The SDK reads {} and {} from the environment.",
                env::HOST,
                env::APITOKEN
            ),
            text: format!(
                "import os\n\
                 \n\
                 import mistapi\n\
                 \n\
                 # The SDK reads these two variables (mist-token run sets them for you).\n\
                 os.environ.setdefault(\"{host_var}\", \"{host}\")\n\
                 os.environ.setdefault(\"{token_var}\", \"{k}\")\n\
                 \n\
                 session = mistapi.APISession(show_cli_notif=False)\n\
                 session.login()\n\
                 me = mistapi.api.v1.self.self.getSelf(session).data\n\
                 if me.get(\"email\"):\n\
                 \x20   print(\"User token of\", me[\"email\"])\n\
                 else:\n\
                 \x20   print(\"Org token\", me.get(\"name\"))\n",
                host_var = env::HOST,
                token_var = env::APITOKEN,
            ),
        },
        UsageExample {
            id: "ansible".into(),
            title: "Ansible (ansible.builtin.uri)".into(),
            how_to_run: "Save as whoami.yml, then: ansible-playbook whoami.yml".into(),
            text: format!(
                "- name: Who is this Mist API token?\n\
                 \x20 hosts: localhost\n\
                 \x20 connection: local\n\
                 \x20 gather_facts: false\n\
                 \x20 vars:\n\
                 \x20   mist_api_url: \"{api_url}\"\n\
                 \x20   mist_api_token: \"{k}\"\n\
                 \x20 tasks:\n\
                 \x20   - name: GET /api/v1/self\n\
                 \x20     ansible.builtin.uri:\n\
                 \x20       url: \"{{{{ mist_api_url }}}}/api/v1/self\"\n\
                 \x20       headers:\n\
                 \x20         Authorization: \"Token {{{{ mist_api_token }}}}\"\n\
                 \x20       return_content: true\n\
                 \x20     register: mist_self\n\
                 \x20     no_log: true # keeps the key out of Ansible's output\n\
                 \x20   - name: Show who the token is\n\
                 \x20     ansible.builtin.debug:\n\
                 \x20       msg: \"{{{{ 'User token of ' ~ mist_self.json.email if mist_self.json.email is defined \
                 else 'Org token ' ~ mist_self.json.name }}}}\"\n"
            ),
        },
        UsageExample {
            id: "terraform".into(),
            title: "Terraform (Juniper Mist provider)".into(),
            how_to_run: format!(
                "Save as main.tf, then: terraform init && terraform apply. The provider also \
                 reads {} and {} (older releases) or {} (newer releases) from the environment.",
                env::HOST,
                env::API_TOKEN,
                env::APITOKEN
            ),
            text: format!(
                "terraform {{\n\
                 \x20 required_providers {{\n\
                 \x20   mist = {{\n\
                 \x20     source = \"Juniper/mist\"\n\
                 \x20   }}\n\
                 \x20   http = {{\n\
                 \x20     source = \"hashicorp/http\"\n\
                 \x20   }}\n\
                 \x20 }}\n\
                 }}\n\
                 \n\
                 variable \"mist_host\" {{\n\
                 \x20 type    = string\n\
                 \x20 default = \"{host}\"\n\
                 }}\n\
                 \n\
                 variable \"mist_apitoken\" {{\n\
                 \x20 type      = string\n\
                 \x20 sensitive = true\n\
                 \x20 default   = \"{k}\"\n\
                 }}\n\
                 \n\
                 provider \"mist\" {{\n\
                 \x20 host     = var.mist_host\n\
                 \x20 apitoken = var.mist_apitoken\n\
                 }}\n\
                 \n\
                 data \"http\" \"mist_self\" {{\n\
                 \x20 url             = \"https://${{var.mist_host}}/api/v1/self\"\n\
                 \x20 request_headers = {{ Authorization = \"Token ${{var.mist_apitoken}}\" }}\n\
                 }}\n\
                 \n\
                 locals {{\n\
                 \x20 me = jsondecode(data.http.mist_self.response_body)\n\
                 }}\n\
                 \n\
                 output \"who\" {{\n\
                 \x20 value = try(\"User token of ${{local.me.email}}\", \"Org token ${{local.me.name}}\")\n\
                 }}\n"
            ),
        },
    ];
    Ok(UsageExamples {
        cloud_name: cloud_name.to_string(),
        api_url,
        host,
        placeholder: KEY_PLACEHOLDER.to_string(),
        examples,
    })
}

/// The text of example `id` with the key filled in, as a secret (for the clipboard only).
pub fn fill_key(examples: &UsageExamples, id: &str, key: &SecretString) -> Result<SecretString> {
    let example = examples
        .examples
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| {
            Error::invalid(
                "example",
                "There is no such example. Choose one of the examples shown.",
            )
        })?;
    let k = key.expose_secret();
    // Mist keys are letters and digits; anything else could break the example's quoting.
    if k.is_empty()
        || !k
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::invalid(
            "key",
            "This key has characters a Mist API key never has, so it was not put into the example. \
             Copy the key by itself instead.",
        ));
    }
    Ok(SecretString::from(example.text.replace(KEY_PLACEHOLDER, k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Zk9pQ2xVnewkey0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

    fn eu() -> UsageExamples {
        examples("EMEA 01", "https://api.eu.mist.com").unwrap()
    }

    #[test]
    fn every_example_calls_self_on_the_cloud_and_shows_only_the_placeholder() {
        let ex = eu();
        assert_eq!(ex.host, "api.eu.mist.com");
        let ids: Vec<_> = ex.examples.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "curl",
                "powershell",
                "python_requests",
                "python_mistapi",
                "ansible",
                "terraform"
            ]
        );
        for e in &ex.examples {
            assert!(e.text.contains(KEY_PLACEHOLDER), "{}", e.id);
            assert!(
                e.text.contains("https://api.eu.mist.com/api/v1/self")
                    || e.text.contains("/api/v1/self")
                    || e.id == "python_mistapi",
                "{}",
                e.id
            );
            assert!(e.text.contains("api.eu.mist.com"), "{}", e.id);
            assert!(!e.text.contains("api.mist.com/"), "{}: wrong cloud", e.id);
        }
    }

    #[test]
    fn powershell_uses_invoke_restmethod_with_a_token_header() {
        let ex = eu();
        let ps = &ex.examples[1].text;
        assert!(ps.contains("Invoke-RestMethod -Uri \"https://api.eu.mist.com/api/v1/self\""));
        assert!(ps.contains("Authorization = \"Token YOUR-MIST-API-KEY\""));
        assert!(ps.contains("-Headers $headers"));
        // Balanced braces: a hashtable and two script blocks.
        assert_eq!(ps.matches('{').count(), ps.matches('}').count());
    }

    #[test]
    fn mistapi_uses_the_sdk_variable_names_and_a_host_name() {
        let ex = eu();
        let py = &ex.examples[3].text;
        assert!(py.contains("os.environ.setdefault(\"MIST_HOST\", \"api.eu.mist.com\")"));
        assert!(py.contains("os.environ.setdefault(\"MIST_APITOKEN\", \"YOUR-MIST-API-KEY\")"));
        assert!(
            !py.contains("https://"),
            "the SDK wants a host name, not a URL"
        );
        assert!(py.contains("getSelf(session)"));
    }

    #[test]
    fn terraform_configures_the_provider_with_host_and_apitoken() {
        let ex = eu();
        let tf = &ex.examples[5].text;
        assert!(tf.contains("source = \"Juniper/mist\""));
        assert!(tf.contains("host     = var.mist_host"));
        assert!(tf.contains("apitoken = var.mist_apitoken"));
        assert!(tf.contains("default = \"api.eu.mist.com\""));
        assert!(tf.contains("url             = \"https://${var.mist_host}/api/v1/self\""));
        assert!(tf.contains("sensitive = true"));
        assert!(ex.examples[5].how_to_run.contains("MIST_API_TOKEN"));
        assert!(ex.examples[5].how_to_run.contains("MIST_HOST"));
        assert_eq!(tf.matches('{').count(), tf.matches('}').count());
    }

    #[test]
    fn fill_key_replaces_every_placeholder_and_nothing_else() {
        let ex = eu();
        for e in &ex.examples {
            let filled = fill_key(&ex, &e.id, &SecretString::from(KEY)).unwrap();
            let text = filled.expose_secret();
            assert!(!text.contains(KEY_PLACEHOLDER), "{}", e.id);
            assert!(text.contains(KEY), "{}", e.id);
            assert_eq!(text.replace(KEY, KEY_PLACEHOLDER), e.text, "{}", e.id);
        }
    }

    #[test]
    fn fill_key_refuses_unknown_examples_and_odd_keys() {
        let ex = eu();
        let e = fill_key(&ex, "cobol", &SecretString::from(KEY)).unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert!(e.to_string().contains("no such example"));
        let e = fill_key(&ex, "curl", &SecretString::from("abc\"; rm -rf ~")).unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert!(!e.to_string().contains("rm -rf"), "the key is not echoed");
    }

    #[test]
    fn a_key_without_a_cloud_has_no_examples() {
        let e = examples("Unknown cloud", "").unwrap_err();
        assert!(matches!(&e, Error::InvalidInput { field, .. } if field == "cloud"));
        let e = examples("x", "not a url").unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
    }

    #[test]
    fn a_local_simulator_keeps_its_port() {
        let ex = examples("Demo", "http://127.0.0.1:8787/").unwrap();
        assert_eq!(ex.api_url, "http://127.0.0.1:8787");
        assert_eq!(ex.host, "127.0.0.1:8787");
        assert!(ex.examples[0]
            .text
            .contains("\"http://127.0.0.1:8787/api/v1/self\""));
    }
}
