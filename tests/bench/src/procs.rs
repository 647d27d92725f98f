//! Processes and their memory, from /proc: the process tree (by parent pid) and proportional set
//! size (PSS) / resident set size (RSS) from /proc/PID/smaps_rollup.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// State letter and parent pid of a process, from /proc/PID/stat.
fn stat(pid: u32) -> Option<(char, u32)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: parse after the last ')'.
    let rest = &s[s.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Every live descendant of `root` (not `root` itself).
pub fn descendants(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for pid in all_pids() {
        if let Some((state, ppid)) = stat(pid) {
            if state != 'Z' && state != 'X' {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        for &c in children.get(&p).map(Vec::as_slice).unwrap_or(&[]) {
            out.push(c);
            stack.push(c);
        }
    }
    out
}

/// `root` and all its live descendants.
pub fn tree(root: u32) -> Vec<u32> {
    let mut v = vec![root];
    v.extend(descendants(root));
    v
}

pub fn alive(pid: u32) -> bool {
    matches!(stat(pid), Some((s, _)) if s != 'Z' && s != 'X')
}

pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}

/// The first descendant of `root` whose executable's file name starts with `name` (the e2e
/// harness runs a hard-linked copy named `mist-token-manager-PID`).
pub fn find_descendant_by_exe_name(root: u32, name: &str) -> Option<u32> {
    descendants(root).into_iter().find(|&p| {
        std::fs::read_link(format!("/proc/{p}/exe"))
            .ok()
            .and_then(|e| e.file_name().map(|n| n.to_string_lossy().starts_with(name)))
            .unwrap_or(false)
    })
}

/// Memory of a set of processes, in KiB.
#[derive(Clone, Debug, Default)]
pub struct Mem {
    pub pss_kib: u64,
    pub rss_kib: u64,
    /// (command name, PSS KiB, RSS KiB) per process.
    pub per_process: Vec<(String, u64, u64)>,
}

impl Mem {
    /// "mist-token-manager 30.1, WebKitWebProcess 150.2, ..." (PSS in MiB).
    pub fn breakdown(&self) -> String {
        let mut by_name: Vec<(String, u64)> = Vec::new();
        for (name, pss, _) in &self.per_process {
            match by_name.iter_mut().find(|(n, _)| n == name) {
                Some(e) => e.1 += pss,
                None => by_name.push((name.clone(), *pss)),
            }
        }
        by_name
            .iter()
            .map(|(n, k)| format!("{n} {:.1}", *k as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn rollup(pid: u32) -> Option<(u64, u64)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some((field("Pss:")?, field("Rss:")?))
}

/// Sums PSS and RSS over `pids` (processes that vanished in between are skipped).
pub fn mem_of(pids: &[u32]) -> Mem {
    let mut m = Mem::default();
    for &p in pids {
        if let Some((pss, rss)) = rollup(p) {
            m.pss_kib += pss;
            m.rss_kib += rss;
            m.per_process.push((comm(p), pss, rss));
        }
    }
    m
}

pub fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) with a pid we started (or a descendant of one) and a valid signal.
    unsafe {
        libc::kill(pid as libc::pid_t, sig);
    }
}

/// Waits until none of `pids` is alive; SIGKILLs whatever is left after `grace`.
pub fn wait_gone(pids: &[u32], grace: Duration) {
    let started = Instant::now();
    while started.elapsed() < grace {
        if pids.iter().all(|&p| !alive(p)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    for &p in pids {
        if alive(p) {
            signal(p, libc::SIGKILL);
        }
    }
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) && pids.iter().any(|&p| alive(p)) {
        std::thread::sleep(Duration::from_millis(20));
    }
}
