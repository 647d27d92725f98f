//! Backend integration tests against the simulator: robust HTTP and the error mapping (429 with
//! the wait, HTML 502, retries, malformed JSON, timeouts, dead hosts, POST never retried).

use std::time::{Duration, Instant};

use crate::support::sim::*;
use mist_sim::{Fault, FaultRule, Method};
use mist_token_core::mist::MistState;
use mist_token_core::Error;

#[tokio::test]
async fn rate_limited_reports_the_wait_without_sleeping() {
    let (sim, state) = signed_in("admin@example.com").await;
    let org = sim.org_id("Acme Retail").unwrap();
    sim.inject_fault(FaultRule::new(
        "/sites",
        Fault::RateLimited {
            retry_after: Some(120),
        },
    ));
    let t = Instant::now();
    let e = state.org_details(&org).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(1), "no long sleep on 429");
    match &e {
        Error::RateLimited {
            retry_after_s: Some(120),
            message,
        } => assert!(message.contains("2 minutes"), "{message}"),
        other => panic!("expected rate_limited, got {other:?}"),
    }
    assert_eq!(serde_json::to_value(&e).unwrap()["retry_after_s"], 120);
    sim.clear_faults();

    // The real quota: Mist's own 429 (Retry-After until the hour turns, when the simulator sends it).
    sim.exhaust_quota_for("admin@example.com");
    let e = state.inventory().await.unwrap_err_or_rate_limited();
    assert_eq!(e.kind(), "rate_limited");
}

trait InventoryOutcome {
    fn unwrap_err_or_rate_limited(self) -> Error;
}

impl InventoryOutcome for mist_token_core::Result<mist_token_core::mist::Inventory> {
    /// The inventory keeps per-list errors inside: take the user tokens' error.
    fn unwrap_err_or_rate_limited(self) -> Error {
        match self {
            Err(e) => e,
            Ok(inv) => inv.user_tokens_error.expect("the user tokens failed"),
        }
    }
}

#[tokio::test]
async fn html_502_is_retried_then_reported_as_a_server_error() {
    let (sim, state) = signed_in("admin@example.com").await;
    let org = sim.org_id("Acme Retail").unwrap();

    // Twice: the bounded retries (200 ms, 600 ms) get through.
    sim.inject_fault(
        FaultRule::new(
            "/sites",
            Fault::Status {
                code: 502,
                html: true,
            },
        )
        .times(2),
    );
    let t = Instant::now();
    let d = state.org_details(&org).await.unwrap();
    assert_eq!(d.sites.len(), 3);
    assert!(t.elapsed() >= Duration::from_millis(750), "backed off");

    // Always: a clear server error after three tries.
    sim.inject_fault(FaultRule::new(
        "/sites",
        Fault::Status {
            code: 502,
            html: true,
        },
    ));
    sim.reset_request_count();
    let e = state.org_details(&org).await.unwrap_err();
    assert_eq!(e.kind(), "server");
    assert!(e.to_string().contains("502"), "{e}");
    assert!(e.to_string().contains("error page"), "{e}");
    assert!(!e.to_string().contains("<html"), "{e}");
    assert_eq!(
        sim.request_count(),
        3 + 1,
        "three tries of sites + one site groups"
    );
}

#[tokio::test]
async fn a_post_is_never_retried() {
    let (sim, state) = signed_in("admin@example.com").await;
    sim.inject_fault(
        FaultRule::new(
            "/self/apitokens",
            Fault::Status {
                code: 503,
                html: true,
            },
        )
        .method(Method::POST),
    );
    let before = sim.user_tokens("admin@example.com").len();
    sim.reset_request_count();
    let e = state.create_user_token("flaky").await.unwrap_err();
    assert_eq!(e.kind(), "server");
    // list before + one POST + list after (to see whether it was created anyway)
    assert_eq!(sim.request_count(), 3);
    assert_eq!(sim.user_tokens("admin@example.com").len(), before);
}

#[tokio::test]
async fn malformed_json_is_an_unexpected_response() {
    let (sim, state) = signed_in("admin@example.com").await;
    let org = sim.org_id("Acme Retail").unwrap();
    sim.inject_fault(FaultRule::new("/sitegroups", Fault::MalformedJson));
    let e = state.org_details(&org).await.unwrap_err();
    assert_eq!(e.kind(), "unexpected_response");
    assert!(e.to_string().contains("does not understand"), "{e}");
}

#[tokio::test]
async fn a_slow_cloud_times_out() {
    let sim = demo_sim().await;
    let state = MistState::with_clouds(vec![cloud(&sim, "sim", "Simulated cloud")])
        .with_request_timeout(Duration::from_millis(500));
    sign_in(&state, "admin@example.com").await;
    let org = sim.org_id("Acme Retail").unwrap();
    sim.inject_fault(FaultRule::new(
        "/sites",
        Fault::Delay(Duration::from_secs(5)),
    ));
    let t = Instant::now();
    let e = state.org_details(&org).await.unwrap_err();
    assert_eq!(e.kind(), "timeout");
    assert!(e.to_string().contains("did not answer in time"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
}

#[tokio::test]
async fn an_unreachable_cloud_is_a_network_error_naming_the_host() {
    let sim = demo_sim().await;
    let c = cloud(&sim, "sim", "Simulated cloud");
    let host = c.api_url.trim_start_matches("http://").to_string();
    sim.shutdown().await;
    let state = MistState::with_clouds(vec![c]);
    let e = state
        .sign_in_password("sim", "admin@example.com", secret(PASSWORD), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "network");
    assert!(e.to_string().contains(&host), "{e}");
    assert!(e.to_string().contains("proxy"), "{e}");
}

#[tokio::test]
async fn saved_key_test_says_plainly_when_mist_refuses_it() {
    let sim = demo_sim().await;
    let state = state_for(&sim);
    let org = sim.org_id("Acme Retail").unwrap();
    let key = sim.add_org_token(
        &org,
        "ci",
        vec![serde_json::json!({"scope": "org", "role": "read"})],
        vec![],
    );
    let t = state.test_key(&sim.url(), &secret(&key)).await.unwrap();
    assert!(t.valid);
    assert!(t.message.contains("ci"), "{}", t.message);
    assert!(t.message.contains("Acme Retail"), "{}", t.message);
    let t = state
        .test_key(&sim.url(), &secret("deleted-key-1234567890"))
        .await
        .unwrap();
    assert!(!t.valid);
    assert!(t.message.contains("90 days"), "{}", t.message);
    assert!(!t.message.contains("deleted-key"), "never echo the key");
}

/// A server that answers every request with a 9 MiB body: the read stops at the 8 MiB cap.
#[tokio::test]
async fn huge_bodies_are_refused_at_the_cap() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let size = 9 * 1024 * 1024;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let chunk = vec![b' '; 64 * 1024];
                for _ in 0..(size / chunk.len()) {
                    if sock.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let state = MistState::with_clouds(vec![]);
    let e = state
        .test_key(&url, &secret("some-key-123456"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "unexpected_response");
    assert!(e.to_string().contains("larger"), "{e}");
}

/// https to a plain-http server fails the TLS handshake: reported as `tls`, naming proxies.
#[tokio::test]
async fn a_failed_tls_handshake_mentions_corporate_proxies() {
    let sim = demo_sim().await;
    let https = sim.url().replace("http://", "https://");
    let state = MistState::with_clouds(vec![]);
    let e = state
        .test_key(&https, &secret("some-key-123456"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "tls", "{e:?}");
    assert!(e.to_string().contains("proxy"), "{e}");
}
