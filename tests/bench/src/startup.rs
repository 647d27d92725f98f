//! Cold start and idle memory: the app and the baseline, started directly (no WebDriver) under one
//! private Xvfb display, interleaved, each run with fresh XDG data/config/cache dirs.
//!
//! Start-up time is measured from just before spawn until the ready line arrives on stdout (the
//! app prints `mist-token-manager: ui ready after N ms` when MIST_TOKEN_MANAGER_REPORT_READY is
//! set and its sign-in screen is interactive; the baseline prints `baseline: ui ready after N ms`
//! once its page has loaded and its first command has been answered). Memory is summed over the
//! process and its descendants (WebKitWebProcess, WebKitNetworkProcess, ...) 2 s later.

use crate::display::Display;
use crate::procs::{self, Mem};
use crate::stats::{median, Out};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Target {
    /// "app" or "baseline": the key prefix.
    pub key: &'static str,
    pub exe: PathBuf,
}

struct Run {
    ms: f64,
    self_ms: Option<f64>,
    /// The milestones the process printed before ready ("setup", "page loaded", "ui ready"),
    /// in ms since it entered `main`.
    milestones: Vec<(String, f64)>,
    mem: Mem,
}

/// "mist-token-manager: page loaded after 123 ms" → ("page loaded", 123).
fn milestone(line: &str) -> Option<(String, f64)> {
    let (_, rest) = line.split_once(": ")?;
    let (what, n) = rest.rsplit_once(" after ")?;
    Some((
        what.to_string(),
        n.trim_end_matches(" ms").trim().parse().ok()?,
    ))
}

fn one_run(t: &Target, display: &Display, home: &Path, clouds: &Path, settle: Duration) -> Run {
    for d in ["data", "config", "cache"] {
        std::fs::create_dir_all(home.join(d)).unwrap();
    }
    let stderr = std::fs::File::create(home.join("stderr.log")).unwrap();
    let t0 = Instant::now();
    let mut child = Command::new(&t.exe)
        .env("DISPLAY", &display.name)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("MIST_TOKEN_MANAGER_CLOUDS", clouds)
        .env("MIST_TOKEN_MANAGER_REPORT_READY", "1")
        // As in the e2e harness: Xvfb has no GPU.
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", t.exe.display()));
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(m) = milestone(&line) {
                seen.push(m);
            }
            if line.contains("ui ready") {
                let _ = tx.send((Instant::now(), line, std::mem::take(&mut seen)));
            }
        }
    });
    let (t1, line, milestones) = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(v) => v,
        Err(_) => {
            let pids = procs::tree(child.id());
            procs::signal(child.id(), libc::SIGTERM);
            procs::wait_gone(&pids, Duration::from_secs(5));
            let _ = child.wait();
            let log = std::fs::read_to_string(home.join("stderr.log")).unwrap_or_default();
            panic!(
                "{} never reported ready within 60 s; stderr:\n{log}",
                t.exe.display()
            );
        }
    };
    let ms = (t1 - t0).as_secs_f64() * 1000.0;
    let self_ms = line
        .split("after ")
        .nth(1)
        .and_then(|s| s.trim_end_matches(" ms").trim().parse().ok());
    std::thread::sleep(settle);
    let pids = procs::tree(child.id());
    let mem = procs::mem_of(&pids);
    // SIGTERM the app; its WebKit children exit when it is gone (SIGKILL after 5 s otherwise).
    procs::signal(child.id(), libc::SIGTERM);
    procs::wait_gone(&pids, Duration::from_secs(5));
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(home);
    Run {
        ms,
        self_ms,
        milestones,
        mem,
    }
}

/// Runs `runs` measured rounds (after one warm-up round that is not counted), alternating which
/// target goes first, and prints the key=value results.
pub fn run(targets: &[Target], runs: usize, cloud_api: &str, tmp: &Path, out: &mut Out) {
    let display = Display::start();
    std::fs::create_dir_all(tmp).unwrap();
    let clouds = tmp.join("clouds.json");
    std::fs::write(
        &clouds,
        format!(r#"[{{"name":"Bench cloud","api":"{cloud_api}"}}]"#),
    )
    .unwrap();
    let settle = Duration::from_secs(2);
    let mut results: Vec<Vec<Run>> = targets.iter().map(|_| Vec::new()).collect();
    for round in 0..=runs {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..targets.len()).collect()
        } else {
            (0..targets.len()).rev().collect()
        };
        for i in order {
            let t = &targets[i];
            let home = tmp.join(format!("{}-{round}", t.key));
            let r = one_run(t, &display, &home, &clouds, settle);
            eprintln!(
                "bench: {} round {round}{}: ready after {:.0} ms, PSS {:.1} MiB, RSS {:.1} MiB",
                t.key,
                if round == 0 { " (warm-up)" } else { "" },
                r.ms,
                r.mem.pss_kib as f64 / 1024.0,
                r.mem.rss_kib as f64 / 1024.0
            );
            if round > 0 {
                results[i].push(r);
            }
        }
    }
    for (t, rs) in targets.iter().zip(&results) {
        let k = t.key;
        let ms: Vec<f64> = rs.iter().map(|r| r.ms).collect();
        let self_ms: Vec<f64> = rs.iter().filter_map(|r| r.self_ms).collect();
        let pss: Vec<f64> = rs.iter().map(|r| r.mem.pss_kib as f64).collect();
        let rss: Vec<f64> = rs.iter().map(|r| r.mem.rss_kib as f64).collect();
        out.put(&format!("{k}.start_ms"), median(&ms));
        out.list(&format!("{k}.start_ms.runs"), &ms);
        if !self_ms.is_empty() {
            out.put(&format!("{k}.start_self_ms"), median(&self_ms));
            // From spawn to `main`: the loader, before the process can print anything.
            let before_main: Vec<f64> = rs
                .iter()
                .filter_map(|r| r.self_ms.map(|s| r.ms - s))
                .collect();
            out.put(&format!("{k}.start_before_main_ms"), median(&before_main));
        }
        let mut names: Vec<&str> = Vec::new();
        for r in rs {
            for (n, _) in &r.milestones {
                if !names.contains(&n.as_str()) {
                    names.push(n);
                }
            }
        }
        for n in names {
            let v: Vec<f64> = rs
                .iter()
                .filter_map(|r| r.milestones.iter().find(|(m, _)| m == n).map(|(_, v)| *v))
                .collect();
            out.put(
                &format!("{k}.milestone.{}_ms", n.replace(' ', "_")),
                median(&v),
            );
        }
        out.put(&format!("{k}.idle_pss_kib"), median(&pss));
        out.list(&format!("{k}.idle_pss_kib.runs"), &pss);
        out.put(&format!("{k}.idle_rss_kib"), median(&rss));
        out.put(&format!("{k}.runs"), rs.len() as f64);
        if let Some(last) = rs.last() {
            out.text(&format!("{k}.idle_processes"), &last.mem.breakdown());
        }
    }
}
