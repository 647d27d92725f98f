//! Medians and the key=value lines the driver prints (scripts/bench.sh collects them).

use std::io::Write;

pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

pub fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NAN, f64::max)
}

/// Prints `key=value` lines on stdout as results come in.
#[derive(Default)]
pub struct Out;

impl Out {
    fn line(&mut self, key: &str, value: &str) {
        let mut o = std::io::stdout().lock();
        let _ = writeln!(o, "{key}={value}");
        let _ = o.flush();
    }
    pub fn put(&mut self, key: &str, v: f64) {
        self.line(key, &format!("{v:.1}"));
    }
    pub fn list(&mut self, key: &str, v: &[f64]) {
        let s: Vec<String> = v.iter().map(|x| format!("{x:.1}")).collect();
        self.line(key, &s.join(","));
    }
    pub fn text(&mut self, key: &str, v: &str) {
        self.line(key, &v.replace('\n', " "));
    }
}
