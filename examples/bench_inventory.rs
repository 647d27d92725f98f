//! Benchmark (for `make bench`): the token inventory across 100 orgs at 100 ms injected latency,
//! concurrent vs. one org after another, over HTTP/1.1 (at most `MAX_IN_FLIGHT_HTTP1` connections)
//! and over HTTP/2 (h2c with prior knowledge: one connection), the password sign-in with the
//! connection warmed up first, and cloud auto-detection over 13 simulated clouds. Connection
//! set-ups are counted too: the simulator's latency is per request, a real cloud also charges a
//! TCP and TLS handshake per connection. Prints `key=value` lines.

use std::time::{Duration, Instant};

use mist_sim::{Sim, SimConfig, SimHandle};
use mist_token_manager_lib::mist::http::Protocol;
use mist_token_manager_lib::mist::inventory::{in_flight_bound, MAX_IN_FLIGHT_HTTP1};
use mist_token_manager_lib::mist::{Cloud, MistState, SignInResult};
use secrecy::SecretString;

const LATENCY: Duration = Duration::from_millis(100);

fn cloud(sim: &SimHandle, i: usize) -> Cloud {
    Cloud {
        id: format!("sim{i}"),
        name: format!("Simulated cloud {i}"),
        api_url: sim.url(),
        portal_host: None,
        is_mist: false,
        cookie_suffix: None,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

/// Warm-up, password sign-in and inventory over `protocol`, on a fresh client; prints
/// `{prefix}signin_ms`, `{prefix}inventory_ms`, requests, connection set-ups and the most requests
/// in flight at once.
async fn signin_and_inventory(sim: &SimHandle, protocol: Protocol, prefix: &str) -> usize {
    let state = MistState::with_clouds(vec![cloud(sim, 0)]).with_protocol(protocol);
    sim.reset_connection_count();
    sim.reset_request_count();
    // The warm-up happens while the admin types the password: not part of the sign-in's time.
    state.warm_up("sim0").await.expect("warm-up");
    println!("{prefix}warmup_connections={}", sim.connection_count());
    sim.reset_request_count();
    let t = Instant::now();
    let r = state
        .sign_in_password(
            "sim0",
            "admin@example.com",
            SecretString::from("demo-password".to_string()),
            None,
        )
        .await
        .expect("sign-in");
    assert!(matches!(r, SignInResult::SignedIn { .. }));
    let signin = t.elapsed();
    let signin_requests = sim.request_count();
    sim.reset_request_count();
    sim.reset_max_concurrent_requests();
    let t2 = Instant::now();
    let inv = state.inventory().await.expect("inventory");
    let inventory = t2.elapsed();
    assert!(inv.orgs.iter().all(|o| o.error.is_none()));
    println!("{prefix}signin_ms={}", ms(signin));
    println!("{prefix}signin_requests={signin_requests}");
    println!("{prefix}inventory_ms={}", ms(inventory));
    println!("{prefix}inventory_requests={}", sim.request_count());
    println!(
        "{prefix}inventory_max_in_flight={}",
        sim.max_concurrent_requests()
    );
    println!("{prefix}signin_to_inventory_ms={}", ms(t.elapsed()));
    println!("{prefix}connections={}", sim.connection_count());
    println!("{prefix}http2_requests={}", sim.http2_request_count());
    inv.orgs.len()
}

#[tokio::main]
async fn main() {
    // ---- sign-in and inventory, HTTP/1.1 and HTTP/2
    let sim = Sim::start(SimConfig::default()).await;
    sim.seed_bulk("admin@example.com", 100, 20);
    sim.set_latency(LATENCY);
    let orgs = signin_and_inventory(&sim, Protocol::Negotiated, "http1.").await;
    let requests = orgs + 1;
    println!("http1.bound={MAX_IN_FLIGHT_HTTP1}");
    println!("http1.waves={}", orgs.div_ceil(in_flight_bound(false)));
    println!("http1.requests={requests}");
    signin_and_inventory(&sim, Protocol::Http2PriorKnowledge, "http2.").await;
    println!("http2.waves={}", orgs.div_ceil(in_flight_bound(true)));

    // ---- inventory, concurrent vs one org after another (HTTP/1.1, as before)
    let state = MistState::with_clouds(vec![cloud(&sim, 0)]);
    sim.reset_request_count();
    let t = Instant::now();
    let r = state
        .sign_in_password(
            "sim0",
            "admin@example.com",
            SecretString::from("demo-password".to_string()),
            None,
        )
        .await
        .expect("sign-in");
    assert!(matches!(r, SignInResult::SignedIn { .. }));
    println!("signin_ms={}", ms(t.elapsed()));
    println!("signin_requests={}", sim.request_count());

    sim.reset_request_count();
    let t = Instant::now();
    let inv = state.inventory().await.expect("inventory");
    let wall = t.elapsed();
    let tokens: usize = inv
        .orgs
        .iter()
        .map(|o| o.tokens.as_ref().map_or(0, Vec::len))
        .sum::<usize>()
        + inv.user_tokens.as_ref().map_or(0, Vec::len);
    assert!(inv.orgs.iter().all(|o| o.error.is_none()));
    println!("inventory_orgs={}", inv.orgs.len());
    println!("inventory_tokens={tokens}");
    println!("inventory_concurrent_ms={}", ms(wall));
    println!("inventory_concurrent_requests={}", sim.request_count());

    sim.reset_request_count();
    let t = Instant::now();
    let mut seq_tokens = state.list_user_tokens().await.expect("user tokens").len();
    for org in &inv.orgs {
        seq_tokens += state
            .list_org_tokens(&org.org.id)
            .await
            .expect("org tokens")
            .len();
    }
    let seq = t.elapsed();
    assert_eq!(seq_tokens, tokens);
    println!("inventory_sequential_ms={}", ms(seq));
    println!("inventory_sequential_requests={}", sim.request_count());
    println!(
        "inventory_speedup={:.1}",
        seq.as_secs_f64() / wall.as_secs_f64().max(1e-9)
    );

    // ---- cloud auto-detection over 13 clouds
    let mut sims = Vec::new();
    for _ in 0..13 {
        sims.push(Sim::start(SimConfig::default()).await);
    }
    // The account and the token live in one cloud only: remove them from the others.
    let key = sims[9].add_user_token("admin@example.com", "detect me");
    for (i, s) in sims.iter().enumerate() {
        if i != 9 {
            s.remove_user("admin@example.com");
        }
        s.set_latency(LATENCY);
    }
    let clouds: Vec<Cloud> = sims.iter().enumerate().map(|(i, s)| cloud(s, i)).collect();
    let state = MistState::with_clouds(clouds);
    let t = Instant::now();
    let found = state
        .find_cloud_by_email("admin@example.com")
        .await
        .expect("lookup");
    let email_ms = t.elapsed();
    assert_eq!(found.matches.len(), 1);
    assert_eq!(found.matches[0].cloud.id, "sim9");
    let t = Instant::now();
    let info = state
        .sign_in_token(SecretString::from(key), None)
        .await
        .expect("token sign-in");
    let token_ms = t.elapsed();
    assert_eq!(info.cloud.id, "sim9");
    println!("detect_clouds={}", sims.len());
    println!("detect_email_ms={}", ms(email_ms));
    println!("detect_token_signin_ms={}", ms(token_ms));
}
