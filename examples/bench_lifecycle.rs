//! Benchmark (for `make bench`): the token lifecycle's CPU work on 100 orgs × 20 tokens from the
//! simulator: the health marks (`mist::health::mark_inventory`), the whole marking of the app's
//! inventory (health, "Saved", rotations, saved keys' states: `AppState::current_inventory`), and
//! the export of the 2,000 rows as CSV and as JSON. Medians of 21 runs; prints `key=value` lines.

use std::time::Instant;

use mist_sim::{Sim, SimConfig};
use mist_token_manager_lib::mist::health::mark_inventory;
use mist_token_manager_lib::mist::{Cloud, MistState};
use mist_token_manager_lib::{export, AppState};
use secrecy::SecretString;

const RUNS: usize = 21;

fn median_ms(mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[RUNS / 2]
}

#[tokio::main]
async fn main() {
    let sim = Sim::start(SimConfig::default()).await;
    sim.seed_bulk("admin@example.com", 100, 20);
    let cloud = Cloud {
        id: "sim".into(),
        name: "Simulated cloud".into(),
        api_url: sim.url(),
        portal_host: None,
        is_mist: false,
        cookie_suffix: None,
    };
    let dir = std::env::temp_dir().join(format!("mtm-bench-lifecycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = AppState::new(MistState::with_clouds(vec![cloud]));
    state.secrets.vault.set_data_dir(dir.clone());
    state
        .mist
        .sign_in_password(
            "sim",
            "admin@example.com",
            SecretString::from("demo-password".to_string()),
            None,
        )
        .await
        .expect("sign-in");
    let inv = state.inventory().await.expect("inventory");
    let tokens: usize = inv
        .orgs
        .iter()
        .filter_map(|o| o.tokens.as_ref())
        .map(Vec::len)
        .sum::<usize>()
        + inv.user_tokens.as_ref().map_or(0, Vec::len);
    println!("orgs={}", inv.orgs.len());
    println!("tokens={tokens}");

    let health = median_ms(|| {
        let mut copy = inv.clone();
        mark_inventory(&mut copy, &[]);
        std::hint::black_box(copy.attention);
    });
    // The clone is part of what was timed; time it alone to report the marking only.
    let clone = median_ms(|| {
        std::hint::black_box(inv.clone());
    });
    println!("health_ms={:.2}", (health - clone).max(0.0));

    let mut marked = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        let v = state.current_inventory().await.unwrap();
        marked.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(v.attention);
    }
    marked.sort_by(f64::total_cmp);
    println!("marked_ms={:.2}", marked[RUNS / 2]);

    for (key, file) in [
        ("export_csv_ms", "tokens.csv"),
        ("export_json_ms", "tokens.json"),
    ] {
        let path = dir.join(file);
        let ms = median_ms(|| {
            export::write(&inv, &path).unwrap();
        });
        println!("{key}={ms:.2}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
