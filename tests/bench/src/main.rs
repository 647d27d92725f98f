//! `mist-bench`: the benchmark driver behind `make bench` (scripts/bench.sh).
//!
//! ```text
//! mist-bench startup --app BIN --baseline BIN [--runs 7] [--cloud URL]
//!     cold start (spawn → ready line) and idle PSS/RSS of both, interleaved, one Xvfb
//! mist-bench window [--orgs 100] [--tokens 20] [--runs 5] [--shots DIR] [--css STYLES]
//!     the token list in the app window over WebDriver (the app binary is the one build.rs named)
//! mist-bench report FILE...
//!     the markdown table from the key=value lines of the other commands (and bench.sh's)
//! ```
//! Results are `key=value` lines on stdout; progress goes to stderr.

// The harness keeps its own (private) copy of this module; this one is for the start-up runs.
#![allow(clippy::duplicate_mod)]

#[path = "../../support/display.rs"]
mod display;
#[allow(dead_code)]
#[path = "../../e2e/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "../../e2e/webdriver.rs"]
mod webdriver;

mod procs;
mod report;
mod startup;
mod stats;
mod window;

use std::path::PathBuf;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn usage() -> ! {
    eprintln!("usage: mist-bench startup --app BIN --baseline BIN [--runs N] [--cloud URL]");
    eprintln!("       mist-bench window [--orgs N] [--tokens M] [--runs N] [--shots DIR]");
    eprintln!("       mist-bench report FILE...");
    std::process::exit(64)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |name: &str, default: usize| {
        arg(&args, name)
            .map(|v| v.parse().unwrap_or_else(|_| usage()))
            .unwrap_or(default)
    };
    let tmp =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{}", std::process::id()));
    let mut out = stats::Out;
    match args.first().map(String::as_str) {
        Some("startup") => {
            let app = arg(&args, "--app").unwrap_or_else(|| usage());
            let baseline = arg(&args, "--baseline").unwrap_or_else(|| usage());
            // The sign-in screen needs no cloud to answer; nothing listens on port 9.
            let cloud = arg(&args, "--cloud").unwrap_or_else(|| "http://127.0.0.1:9".into());
            let targets = [
                startup::Target {
                    key: "app",
                    exe: PathBuf::from(app),
                },
                startup::Target {
                    key: "baseline",
                    exe: PathBuf::from(baseline),
                },
            ];
            startup::run(&targets, num("--runs", 7), &cloud, &tmp, &mut out);
            let _ = std::fs::remove_dir_all(&tmp);
        }
        Some("window") => {
            let shots = arg(&args, "--shots")
                .map(PathBuf::from)
                .unwrap_or_else(|| tmp.clone());
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(window::run(
                num("--orgs", 100),
                num("--tokens", 20),
                num("--runs", 5),
                &shots,
                arg(&args, "--css").as_deref(),
                &mut out,
            ));
        }
        Some("report") => report::print(&args[1..]),
        _ => usage(),
    }
}
