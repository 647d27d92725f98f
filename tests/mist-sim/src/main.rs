//! `mist-sim` binary: serve a simulated Mist cloud on 127.0.0.1.

use std::io::Write;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use mist_sim::{Fault, FaultRule, Method, Seed, Sim, SimConfig};

const AFTER_HELP: &str = "\
DEMO SEED (--seed demo, the default). Every demo account's password is `demo-password`.
  admin@example.com     org admin of \"Acme Retail\" (sites \"Store 1\", \"Store 2\", \"Warehouse\";
                        site group \"Stores\") and of \"Acme Labs\"
  2fa@example.com       2FA enabled (code 123456), org admin of \"Acme Retail\"
  observer@example.com  read-only on \"Acme Retail\"
  msp@example.com       MSP admin of \"Acme MSP\" (orgs \"Tenant One\", \"Tenant Two\", \"Tenant Three\")
  sso@example.com       SSO account: lookup gives sso_url (the simulated company login
                        at /idp/login), password login refused
Pre-existing tokens: admin@example.com has user tokens \"laptop scripts\" (used today) and
\"old integration\" (last used 80 days ago); \"Acme Retail\" has org tokens \"monitoring\" (read,
never used) and \"ci pipeline\" (write, src_ips [\"10.0.0.0/8\"]); \"Acme Labs\" has \"legacy sync\"
(admin, no src_ips, creator gone, last used 95 days ago) and two tokens named \"backup\". Their keys
are random and never shown; create your own token to get a key.

FAULTS: --fault METHOD:PATH_CONTAINS:KIND (repeatable). METHOD is GET, POST, PUT, DELETE or *
(any). KIND is one of 500, 502, 503, 504 (HTML error page like a proxy's), malformed (truncated
JSON), drop (the request is processed, then the connection is closed without a response),
slow (the answer comes after 120 s), 429 (rate limited, Retry-After: 60).
Example: --fault 'POST:/apitokens:drop'   (a failed rotation: --fault 'DELETE:/apitokens/:502')

The line MIST_SIM_URL=http://127.0.0.1:PORT is printed on stdout once the server listens.

Try:  curl -s -c jar -X POST $URL/api/v1/login -H 'Content-Type: application/json' \\
        -d '{\"email\":\"admin@example.com\",\"password\":\"demo-password\"}'
      curl -s -b jar $URL/api/v1/self";

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SeedArg {
    Empty,
    Demo,
}

/// A simulator of the Juniper Mist cloud API (login, /self, org discovery, API tokens).
#[derive(Debug, Parser)]
#[command(name = "mist-sim", version, after_help = AFTER_HELP)]
struct Args {
    /// TCP port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Session cookie suffix: cookies are csrftoken<SUFFIX> and sessionid<SUFFIX> ("" = Global 01).
    #[arg(long, default_value = ".sim", allow_hyphen_values = true)]
    cookie_suffix: String,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// API calls per hour per quota (a user's session and user tokens share one; each org token has its own).
    #[arg(long, default_value_t = 5000)]
    rate_limit: u32,
    /// Add N orgs "Bulk Org NNN" with admin@example.com (or the first account) as org admin (benchmarks).
    #[arg(long, default_value_t = 0)]
    bulk_orgs: usize,
    /// Org tokens to create in each bulk org.
    #[arg(long, default_value_t = 0)]
    bulk_tokens: usize,
    /// Inject a fault: METHOD:PATH_CONTAINS:KIND (see below). Repeatable.
    #[arg(long = "fault", value_name = "METHOD:PATH_CONTAINS:KIND")]
    faults: Vec<String>,
    /// Initial data.
    #[arg(long, value_enum, default_value = "demo")]
    seed: SeedArg,
    /// Wrong passwords for one email before login answers 429.
    #[arg(long, default_value_t = 3)]
    lockout_failures: u32,
    /// Login lockout cool-down in seconds.
    #[arg(long, default_value_t = 300)]
    lockout_secs: u64,
    /// Status for an org token used outside its src_ips (401 or 403).
    #[arg(long, default_value_t = 403)]
    src_ip_refusal_status: u16,
    /// Let org tokens create, change and delete tokens (default: refused with 403).
    #[arg(long)]
    org_token_may_create_tokens: bool,
}

fn parse_fault(spec: &str) -> Result<FaultRule, String> {
    let (method, rest) = spec
        .split_once(':')
        .ok_or_else(|| format!("bad --fault {spec:?}: expected METHOD:PATH_CONTAINS:KIND"))?;
    let (path, kind) = rest
        .rsplit_once(':')
        .ok_or_else(|| format!("bad --fault {spec:?}: expected METHOD:PATH_CONTAINS:KIND"))?;
    let method = match method.trim() {
        "" | "*" | "ANY" | "any" => None,
        m => Some(
            Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                .map_err(|_| format!("bad method in --fault {spec:?}"))?,
        ),
    };
    let fault = match kind.trim().to_ascii_lowercase().as_str() {
        "malformed" => Fault::MalformedJson,
        "drop" => Fault::DropAfterProcessing,
        "slow" => Fault::Delay(Duration::from_secs(120)),
        "429" => Fault::RateLimited {
            retry_after: Some(60),
        },
        k => match k.parse::<u16>() {
            Ok(code) if (400..600).contains(&code) => Fault::Status { code, html: true },
            _ => return Err(format!("bad kind in --fault {spec:?}")),
        },
    };
    Ok(FaultRule {
        method,
        path_contains: path.to_string(),
        fault,
        times: None,
    })
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let rules: Vec<FaultRule> = match args.faults.iter().map(|f| parse_fault(f)).collect() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mist-sim: {e}");
            std::process::exit(2);
        }
    };
    let config = SimConfig {
        cookie_suffix: args.cookie_suffix.clone(),
        seed: match args.seed {
            SeedArg::Empty => Seed::Empty,
            SeedArg::Demo => Seed::Demo,
        },
        rate_limit_per_hour: args.rate_limit,
        lockout_failures: args.lockout_failures,
        lockout_secs: args.lockout_secs,
        latency: Duration::from_millis(args.latency_ms),
        src_ip_refusal_status: args.src_ip_refusal_status,
        org_token_may_create_tokens: args.org_token_may_create_tokens,
        ..SimConfig::default()
    };
    let sim = match Sim::start_on(config, args.port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mist-sim: cannot listen on 127.0.0.1:{}: {e}", args.port);
            std::process::exit(1);
        }
    };
    if args.bulk_orgs > 0 {
        sim.seed_bulk("admin@example.com", args.bulk_orgs, args.bulk_tokens);
    }
    for r in rules {
        sim.inject_fault(r);
    }
    let url = sim.url();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "MIST_SIM_URL={url}");
    let _ = writeln!(out, "mist-sim: simulated Mist cloud at {url}/api/v1/");
    let _ = writeln!(
        out,
        "  session cookies: csrftoken{0} / sessionid{0}",
        args.cookie_suffix
    );
    if matches!(args.seed, SeedArg::Demo) {
        let _ = writeln!(
            out,
            "  demo accounts (password: see --help or README.md):\n    admin@example.com     org admin of Acme Retail and Acme Labs\n    2fa@example.com       2FA, org admin of Acme Retail\n    observer@example.com  read-only on Acme Retail\n    msp@example.com       MSP admin of Acme MSP (3 tenant orgs)\n    sso@example.com       SSO account (company login at /idp/login; password login refused)"
        );
    } else {
        let _ = writeln!(out, "  empty seed: no accounts");
    }
    if args.bulk_orgs > 0 {
        let _ = writeln!(
            out,
            "  bulk: {} orgs x {} org tokens for admin@example.com",
            args.bulk_orgs, args.bulk_tokens
        );
    }
    let _ = writeln!(out, "  press Ctrl-C to stop");
    let _ = out.flush();
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
}
