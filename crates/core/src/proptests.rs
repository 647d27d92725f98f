//! Property tests (proptest, bounded: they run in `make test`) over everything that reads input
//! the app does not control: every response decoder (token, token list, self, org, sites, error
//! bodies), the cookie parser, the cloud address parser and the `src_ips` validator. The same
//! entry points are fuzzed without bounds by the cargo-fuzz targets in `fuzz/` (`make fuzz`).
//!
//! The properties:
//! 1. Nothing panics, whatever the bytes.
//! 2. An error never echoes the response body: a secret-looking marker placed anywhere in the
//!    body (except the `detail` of a 400/422, which is Mist's message for the admin) never appears
//!    in any error text, for any status, decoder or kind of authentication.
//! 3. Whatever the `src_ips` validator accepts, Mist's rules accept (at most 10 entries, each an
//!    IPv4/IPv6 address or CIDR, checked here by an independent parser).
//! 4. Round trips: a token, a self answer or a site list written as Mist writes them decode to the
//!    same ids and names; a cookie set is sent back as set; a normalized cloud address normalizes
//!    to itself and parses back to the same scheme, host and port.

use proptest::prelude::*;

use crate::fuzzing::{decode_response, mist_accepts_ip_or_cidr, parse_set_cookies, Decoder};
use crate::mist::auth::key_hint;
use crate::mist::clouds::{builtin_clouds, normalize_endpoint, resolve};
use crate::mist::validate::validate_src_ips;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // No persisted failure files in the source tree; a failure prints its minimal input.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn decoder() -> impl Strategy<Value = Decoder> {
    prop::sample::select(Decoder::ALL.to_vec())
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        prop::sample::select(vec![
            200u16, 201, 204, 400, 401, 403, 404, 422, 429, 500, 502, 503
        ]),
        100u16..600,
    ]
}

fn content_type() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("application/json".to_string()),
        Just("text/html; charset=utf-8".to_string()),
        Just(String::new()),
        "[ -~]{0,40}",
    ]
}

/// A secret-looking marker: what a key in a body looks like.
fn marker() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{24,40}".prop_map(|s| format!("SECRET{s}"))
}

/// Arbitrary JSON values (bounded), for bodies Mist might send.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "id",
                    "name",
                    "key",
                    "privileges",
                    "scope",
                    "role",
                    "org_id",
                    "site_id",
                    "email",
                    "created_time",
                    "last_used",
                    "src_ips",
                    "two_factor_required",
                    "x",
                ])
                .prop_map(str::to_string),
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Puts `marker` somewhere in `v` other than a top-level `detail` (a new field, or replacing a
/// string), picked by `at`.
fn plant(v: serde_json::Value, marker: &str, at: usize) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(mut m) => {
            let keys = ["key", "name", "message", "error", "id", "email"];
            m.insert(keys[at % keys.len()].into(), Value::String(marker.into()));
            Value::Object(m)
        }
        Value::Array(mut a) => {
            let i = at % (a.len() + 1);
            a.insert(i, Value::String(marker.into()));
            Value::Array(a)
        }
        _ => serde_json::json!({ "key": marker, "was": v }),
    }
}

/// Bodies holding the marker: valid JSON, cut-off JSON, HTML, plain bytes.
fn body_with_marker() -> impl Strategy<Value = (Vec<u8>, String)> {
    (
        json_value(),
        marker(),
        any::<usize>(),
        0usize..5,
        any::<usize>(),
    )
        .prop_map(|(v, m, at, shape, cut)| {
            let json = plant(v, &m, at).to_string();
            let body = match shape {
                0 => json,
                1 => {
                    // Cut the JSON off somewhere after the marker starts (a truncated answer).
                    let start = json.find(&m).unwrap_or(0);
                    let mut end = (start + m.len() + cut % 8).min(json.len());
                    while !json.is_char_boundary(end) {
                        end += 1;
                    }
                    json[..end].to_string()
                }
                2 => format!("<html><body>Proxy error {m}</body></html>"),
                3 => format!("{{\"detail\": \"refused\", \"key\": \"{m}\"}}"),
                _ => format!("garbage {m} \u{0}\u{7f} {json}"),
            };
            (body.into_bytes(), m)
        })
}

proptest! {
    #![proptest_config(config())]

    /// 1. No decoder panics on any bytes, status, content type or Retry-After.
    #[test]
    fn decoders_never_panic(
        d in decoder(),
        status in status(),
        ct in content_type(),
        retry in "[ -~]{0,12}",
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let _ = decode_response(d, status, &ct, &retry, &body);
    }

    /// 1. No decoder panics on any JSON shape either (the bytes above are rarely valid JSON).
    #[test]
    fn decoders_never_panic_on_any_json(d in decoder(), status in status(), v in json_value()) {
        let body = v.to_string();
        let _ = decode_response(d, status, "application/json", "", body.as_bytes());
    }

    /// 2. An error never echoes the response body.
    #[test]
    fn decoder_errors_never_echo_the_body(
        d in decoder(),
        status in status(),
        ct in content_type(),
        (body, marker) in body_with_marker(),
    ) {
        let out = decode_response(d, status, &ct, "", &body);
        for e in &out.errors {
            prop_assert!(!e.contains(&marker), "an error echoed the body: {e}");
            // Nor a long slice of it.
            prop_assert!(!e.contains(&marker[..20]), "an error echoed part of the body: {e}");
        }
    }

    /// 4. A token as Mist writes it decodes to the same id and name; the hint of a long key shows
    ///    only its first and last 4 characters.
    #[test]
    fn token_round_trip(
        id in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        name in "[ -~]{1,64}",
        key in "[A-Za-z0-9]{17,80}",
        created in 1_500_000_000i64..2_000_000_000,
    ) {
        let body = serde_json::json!({
            "id": id, "name": name, "key": key, "created_time": created,
            "privileges": [{"scope": "org", "role": "admin", "org_id": id}],
        })
        .to_string();
        let out = decode_response(Decoder::Token, 200, "application/json", "", body.as_bytes());
        prop_assert!(out.errors.is_empty(), "{:?}", out.errors);
        prop_assert_eq!(&out.values[0], &id);
        prop_assert_eq!(&out.values[1], &name);
        let hint = key_hint(&key);
        prop_assert_eq!(&out.values[2], &hint);
        prop_assert_eq!(hint.clone(), format!("{}...{}", &key[..4], &key[key.len() - 4..]));
        prop_assert!(!hint.contains(&key));
        // The list decoder agrees.
        let list = format!("[{body},{body}]");
        let out = decode_response(Decoder::TokenList, 200, "application/json", "", list.as_bytes());
        prop_assert!(out.errors.is_empty());
        prop_assert_eq!(out.values.iter().filter(|v| **v == id).count(), 2 + 2 * usize::from(name == id));
    }

    /// 4. A site list decodes to the same ids and names, in order.
    #[test]
    fn sites_round_trip(sites in prop::collection::vec(("[0-9a-f-]{36}", "[ -~]{0,40}"), 0..20)) {
        let body = serde_json::Value::Array(
            sites.iter().map(|(id, name)| serde_json::json!({"id": id, "name": name})).collect(),
        )
        .to_string();
        let out = decode_response(Decoder::Sites, 200, "application/json", "", body.as_bytes());
        prop_assert!(out.errors.is_empty());
        prop_assert_eq!(out.values.len(), sites.len());
        for (v, (id, name)) in out.values.iter().zip(&sites) {
            prop_assert!(v.contains(&format!("{id:?}")), "{v}");
            prop_assert!(v.contains(&format!("{name:?}")), "{v}");
        }
    }

    /// 1 + 4. The cookie parser: never a panic on any header bytes; a cookie set is sent back
    ///    as set, the CSRF token is found by prefix, and a session exists exactly when a live
    ///    `sessionid*` cookie was set; `Max-Age=0` deletes.
    #[test]
    fn cookie_parser_never_panics(values in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..80), 0..6), each in any::<bool>()) {
        let _ = parse_set_cookies(&values, each);
    }

    #[test]
    fn cookie_round_trip(
        suffix in prop::sample::select(vec!["", ".eu", ".gc1", ".ac2", ".us"]),
        csrf in "[A-Za-z0-9]{16,64}",
        session in "[A-Za-z0-9]{16,64}",
        attrs in prop::sample::select(vec!["", "; Path=/", "; HttpOnly; Secure", "; Max-Age=3600", "; SameSite=Lax; Domain=.mist.com"]),
        delete_session in any::<bool>(),
    ) {
        let mut values = vec![
            format!("csrftoken{suffix}={csrf}{attrs}").into_bytes(),
            format!("sessionid{suffix}=\"{session}\"{attrs}").into_bytes(),
        ];
        if delete_session {
            values.push(format!("sessionid{suffix}=; Max-Age=0").into_bytes());
        }
        let c = parse_set_cookies(&values, true);
        prop_assert_eq!(c.csrf_header.as_deref(), Some(csrf.as_str()));
        prop_assert_eq!(c.has_session, !delete_session);
        let header = c.cookie_header.unwrap_or_default();
        prop_assert!(header.contains(&format!("csrftoken{suffix}={csrf}")), "{}", header);
        prop_assert_eq!(header.contains(&format!("sessionid{suffix}={session}")), !delete_session, "{}", header);
    }

    /// 1 + 4. The cloud address parser: never a panic; what it accepts is https (http only for
    ///    this computer), has a host, no path, query or user info; it normalizes to itself; and
    ///    `resolve` agrees with it.
    #[test]
    fn cloud_address_parser(input in prop_oneof![
        ".{0,60}",
        "(https?://)?(manage|api)\\.[a-z0-9]{1,8}\\.mist\\.com(:[0-9]{1,5})?(/[a-z]{0,8})?",
        "(https?://)?(localhost|127\\.0\\.0\\.1|\\[::1\\]|[a-z]{1,10}(\\.[a-z]{2,5}){0,2})(:[0-9]{1,6})?/?",
    ]) {
        let clouds = builtin_clouds();
        let resolved = resolve(&input, &clouds);
        match normalize_endpoint(&input) {
            Ok(url) => {
                let parsed = url::Url::parse(&url).expect("a normalized address parses");
                let host = parsed.host_str().expect("a host");
                prop_assert!(parsed.scheme() == "https" || (parsed.scheme() == "http" && (host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host.starts_with("127."))), "{}", url);
                prop_assert!(parsed.username().is_empty() && parsed.password().is_none(), "{}", url);
                prop_assert!(parsed.query().is_none() && parsed.fragment().is_none(), "{}", url);
                prop_assert!(!url.ends_with('/'), "{}", url);
                prop_assert_eq!(normalize_endpoint(&url), Ok(url.clone()), "not idempotent");
                if let Ok(cloud) = &resolved {
                    let again = normalize_endpoint(&cloud.api_url);
                    prop_assert_eq!(again.as_deref(), Ok(cloud.api_url.as_str()));
                }
            }
            Err(message) => {
                prop_assert!(!message.is_empty());
                // Unless it named a built-in cloud, resolve refuses it too.
                if let Ok(cloud) = &resolved {
                    prop_assert!(cloud.is_mist, "resolve accepted {:?} as {}", input, cloud.api_url);
                }
            }
        }
    }

    /// 1 + 3. The src_ips validator: never a panic; whatever it accepts, Mist's rules accept.
    #[test]
    fn src_ips_accepted_means_mist_accepts(ips in prop::collection::vec(prop_oneof![
        ".{0,24}",
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(/[0-9]{1,3})?",
        "[0-9a-f:]{2,20}(/[0-9]{1,3})?",
        " *[0-9.]{7,15} *",
    ], 0..14)) {
        if let Ok(accepted) = validate_src_ips(&ips) {
            prop_assert!(accepted.len() <= 10);
            for ip in &accepted {
                prop_assert!(mist_accepts_ip_or_cidr(ip), "accepted {:?}, which Mist refuses", ip);
            }
        }
    }
}

/// Found by the `src_ips` fuzz target: an octet with a leading zero was accepted (ipnet's parser
/// allows it; Mist's does not, since "05" could be octal).
#[test]
fn src_ips_refuses_leading_zeros() {
    for bad in ["63.3.05.0/24", "010.0.0.1", "10.0.0.1/+8"] {
        assert!(validate_src_ips(&[bad.to_string()]).is_err(), "{bad}");
        assert!(!mist_accepts_ip_or_cidr(bad), "{bad}");
    }
    let ok = validate_src_ips(&["63.3.5.0/24".into(), " 2001:db8::/32 ".into()]).unwrap();
    assert_eq!(ok, ["63.3.5.0/24", "2001:db8::/32"]);
}

/// The oracle itself, on the examples Mist documents and a few it refuses.
#[test]
fn src_ips_oracle_examples() {
    for ok in ["63.3.56.0/24", "63.3.55.4", "2001:db8::/32", "::1"] {
        assert!(mist_accepts_ip_or_cidr(ok), "{ok}");
    }
    for bad in [
        "",
        "63.3.56.0/33",
        "::1/129",
        "1.2.3",
        "1.2.3.4/",
        "a.b.c.d",
        "1.2.3.4 /8",
    ] {
        assert!(!mist_accepts_ip_or_cidr(bad), "{bad}");
    }
}
