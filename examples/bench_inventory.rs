//! Benchmark (for `make bench`): the token inventory across 100 orgs at 100 ms injected latency,
//! concurrent vs. one org after another, and cloud auto-detection over 13 simulated clouds.
//! Prints `key=value` lines.

use std::time::{Duration, Instant};

use mist_sim::{Sim, SimConfig, SimHandle};
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

#[tokio::main]
async fn main() {
    // ---- inventory
    let sim = Sim::start(SimConfig::default()).await;
    sim.seed_bulk("admin@example.com", 100, 20);
    sim.set_latency(LATENCY);
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
