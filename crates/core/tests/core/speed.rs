//! Issue 16's network mechanisms, against the simulator (not timed; `make bench` times them):
//! the simulator speaks h2c and counts connections, the client speaks HTTP/2 with prior knowledge
//! when told, the inventory's bound per HTTP version (connections over HTTP/1.1, one connection
//! over HTTP/2), and the connection warm-up while the admin types the password.

use std::time::{Duration, Instant};

use crate::support::sim::*;
use mist_sim::SimHandle;
use mist_token_core::error::ErrorKind;
use mist_token_core::mist::http::Protocol;
use mist_token_core::mist::inventory::{in_flight_bound, MAX_IN_FLIGHT_HTTP1, MAX_IN_FLIGHT_HTTP2};
use mist_token_core::mist::MistState;
use mist_token_core::Error;

fn h2_state(sim: &SimHandle) -> MistState {
    state_for(sim).with_protocol(Protocol::Http2PriorKnowledge)
}

/// A demo simulator with `orgs` more orgs (of 2 tokens) for admin@example.com, answering every
/// request 50 ms late so that the inventory's requests overlap.
async fn bulk_sim(orgs: usize) -> SimHandle {
    let sim = demo_sim().await;
    sim.seed_bulk("admin@example.com", orgs, 2);
    sim.set_latency(Duration::from_millis(50));
    sim
}

#[tokio::test]
async fn sim_speaks_h2c_with_prior_knowledge_on_one_connection() {
    let sim = demo_sim().await;
    let state = h2_state(&sim);
    sign_in(&state, "admin@example.com").await;
    let inv = state.inventory().await.unwrap();
    assert!(inv.orgs.iter().all(|o| o.error.is_none()));
    assert!(sim.request_count() >= 4, "login, self, and the inventory");
    assert_eq!(
        sim.http2_request_count(),
        sim.request_count(),
        "every request came over HTTP/2"
    );
    assert_eq!(sim.connection_count(), 1, "one connection carried them all");
}

#[tokio::test]
async fn default_client_speaks_http1_to_a_plain_http_cloud() {
    let (sim, state) = signed_in("admin@example.com").await;
    state.inventory().await.unwrap();
    assert!(sim.request_count() >= 4);
    assert_eq!(sim.http2_request_count(), 0, "no TLS, no ALPN: HTTP/1.1");
}

#[test]
fn the_bound_depends_on_the_http_version() {
    assert_eq!(in_flight_bound(false), MAX_IN_FLIGHT_HTTP1);
    assert_eq!(in_flight_bound(true), MAX_IN_FLIGHT_HTTP2);
    // 102 orgs + the admin's own tokens: 7 waves over HTTP/1.1, one over HTTP/2.
    assert_eq!(103usize.div_ceil(in_flight_bound(false)), 7);
    assert_eq!(103usize.div_ceil(in_flight_bound(true)), 1);
}

#[tokio::test]
async fn http1_inventory_opens_at_most_the_bound_of_connections() {
    let sim = bulk_sim(40).await;
    let state = state_for(&sim);
    sign_in(&state, "admin@example.com").await;
    sim.reset_connection_count();
    sim.reset_request_count();
    sim.reset_max_concurrent_requests();
    let inv = state.inventory().await.unwrap();
    assert!(inv.orgs.len() > 40);
    assert!(sim.request_count() > 40);
    // The orgs' requests, MAX_IN_FLIGHT_HTTP1 at a time, and beside them the admin's own tokens.
    let opened = sim.connection_count() as usize;
    assert!(
        opened <= MAX_IN_FLIGHT_HTTP1 + 1,
        "{opened} connections for {} requests: more than {MAX_IN_FLIGHT_HTTP1} at once",
        sim.request_count()
    );
    assert_eq!(
        sim.max_concurrent_requests() as usize,
        MAX_IN_FLIGHT_HTTP1 + 1
    );
}

#[tokio::test]
async fn http2_inventory_sends_every_request_at_once_over_the_sign_in_connection() {
    let sim = bulk_sim(40).await;
    let state = h2_state(&sim);
    sign_in(&state, "admin@example.com").await;
    sim.reset_connection_count();
    sim.reset_request_count();
    sim.reset_max_concurrent_requests();
    let inv = state.inventory().await.unwrap();
    assert!(inv.orgs.len() > 40);
    assert_eq!(sim.connection_count(), 0, "no new connection");
    assert_eq!(sim.http2_request_count(), sim.request_count());
    // One wave: every request (the orgs' and the admin's own tokens) in flight at once.
    assert_eq!(sim.max_concurrent_requests(), sim.request_count());
}

#[tokio::test]
async fn warm_up_opens_one_connection_that_the_sign_in_then_uses() {
    for protocol in [Protocol::Negotiated, Protocol::Http2PriorKnowledge] {
        let sim = demo_sim().await;
        let state = state_for(&sim).with_protocol(protocol);
        state.warm_up("sim").await.unwrap();
        assert_eq!(sim.connection_count(), 1, "{protocol:?}");
        assert_eq!(sim.request_count(), 1, "one request, {protocol:?}");
        // Without credentials: no session, no quota used.
        assert_eq!(sim.session_count(), 0);
        assert_eq!(sim.quota_used("admin@example.com"), 0);
        sign_in(&state, "admin@example.com").await;
        assert_eq!(
            sim.connection_count(),
            1,
            "the sign-in used the warm connection ({protocol:?})"
        );
    }
}

#[tokio::test]
async fn without_warm_up_the_sign_in_sets_up_its_own_connection() {
    let sim = demo_sim().await;
    let state = state_for(&sim);
    assert_eq!(sim.connection_count(), 0);
    sign_in(&state, "admin@example.com").await;
    assert_eq!(sim.connection_count(), 1);
}

#[tokio::test]
async fn warm_up_refuses_an_unknown_cloud() {
    let sim = demo_sim().await;
    let state = state_for(&sim);
    let e: Error = state.warm_up("api.evil.example").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("does not know that cloud"), "{e}");
    assert_eq!(sim.connection_count(), 0);
}

#[tokio::test]
async fn warm_up_of_a_cloud_that_does_not_answer_is_quiet_and_short() {
    let sim = demo_sim().await;
    let mut dead = cloud(&sim, "dead", "Dead cloud");
    dead.api_url = "http://127.0.0.1:9".into();
    let state = MistState::with_clouds(vec![dead]);
    let started = Instant::now();
    state.warm_up("dead").await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(4));
}

/// Start-up: making the state reads no trust store (the HTTP client is built later, off the main
/// thread); the first screen's `ui_ready` starts that preparation, and a request made before it
/// has finished still works (it builds the client itself).
#[tokio::test]
async fn the_http_client_is_built_after_the_first_screen_not_with_the_state() {
    let sim = demo_sim().await;
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (state, _clip) = crate::support::secrets::app_over(state_for(&sim), &store, dir.path());
    assert!(!state.mist.http().is_ready(), "built with the state");
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    state.mark_ui_ready(&[("page ready".into(), 1.7e12)], move || {
        let _ = done_tx.send(());
    });
    let t0 = Instant::now();
    while !state.mist.http().is_ready() {
        assert!(t0.elapsed() < Duration::from_secs(20), "never prepared");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // `then` runs once the preparation is done.
    done_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the hook after the preparation ran");
    // A second ready call starts nothing new (its hook never runs) and the client keeps working.
    let (again_tx, again_rx) = std::sync::mpsc::channel::<()>();
    state.mark_ui_ready(&[], move || {
        let _ = again_tx.send(());
    });
    assert!(again_rx.recv_timeout(Duration::from_millis(300)).is_err());
    sign_in(&state.mist, "admin@example.com").await;

    // Without the preparation: the first request builds the client.
    let cold = state_for(&sim);
    assert!(!cold.http().is_ready());
    sign_in(&cold, "admin@example.com").await;
    assert!(cold.http().is_ready());
}
