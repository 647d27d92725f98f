//! A private X display for tests that need one (the real window, the clipboard).
//!
//! `Xvfb -displayfd` picks a free display number itself, so parallel tests never collide.
//! The server is stopped when the handle is dropped.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Display {
    child: Child,
    /// The value for `DISPLAY`, e.g. ":99".
    pub name: String,
}

impl Display {
    /// Starts Xvfb (1280×800, 24-bit) and waits until it accepts clients.
    pub fn start() -> Display {
        // `-displayfd 1`: Xvfb writes the display number it picked to its stdout.
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is not installed: run scripts/setup.sh");
        let mut out = child.stdout.take().expect("Xvfb stdout");
        let mut number = String::new();
        let started = Instant::now();
        let mut byte = [0u8; 1];
        while started.elapsed() < Duration::from_secs(20) {
            match out.read(&mut byte) {
                Ok(1) if byte[0] == b'\n' => break,
                Ok(1) => number.push(byte[0] as char),
                _ => break,
            }
        }
        let number = number.trim().to_string();
        if number.is_empty() {
            let _ = child.kill();
            panic!("Xvfb did not report a display number");
        }
        Display {
            child,
            name: format!(":{number}"),
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
