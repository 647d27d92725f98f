//! Waiting that a sleeping laptop cannot stretch. Tokio's timers (and `Instant`) follow the
//! monotonic clock, which on Linux and macOS stops while the computer sleeps: a 10-minute timer
//! started before a night's sleep would fire 10 minutes after waking. So deadlines are also
//! checked against the wall clock, in short steps.

use std::time::{Duration, Instant, SystemTime};

/// How often a waiting task looks at the wall clock.
pub const STEP: Duration = Duration::from_secs(1);

/// Both clocks' view of one deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub monotonic: Instant,
    pub wall: SystemTime,
}

impl Deadline {
    /// `after` from the given moments.
    pub fn after(now: Instant, wall_now: SystemTime, after: Duration) -> Self {
        Self {
            monotonic: now + after,
            wall: wall_now + after,
        }
    }

    /// Passed on either clock. A wall clock set backwards does not extend anything (the
    /// monotonic deadline still holds); one moved forwards, or a sleep, ends it early.
    pub fn passed(&self, now: Instant, wall_now: SystemTime) -> bool {
        now >= self.monotonic || wall_now >= self.wall
    }

    /// Time left: the shorter of the two clocks' views.
    pub fn left(&self, now: Instant, wall_now: SystemTime) -> Duration {
        let mono = self.monotonic.saturating_duration_since(now);
        let wall = self.wall.duration_since(wall_now).unwrap_or(Duration::ZERO);
        mono.min(wall)
    }
}

/// Sleeps until `after` has passed on the monotonic clock or on the wall clock (`wall` gives
/// the wall clock's time; the app passes `SystemTime::now`).
pub async fn sleep(after: Duration, wall: impl Fn() -> SystemTime) {
    let deadline = Deadline::after(Instant::now(), wall(), after);
    loop {
        let left = deadline.left(Instant::now(), wall());
        if left.is_zero() {
            return;
        }
        tokio::time::sleep(left.min(STEP)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    #[test]
    fn either_clock_ends_a_deadline() {
        let (now, wall) = (Instant::now(), SystemTime::now());
        let d = Deadline::after(now, wall, Duration::from_secs(600));
        assert!(!d.passed(now, wall));
        // A sleep: the monotonic clock barely moved, the wall clock moved an hour.
        assert!(d.passed(
            now + Duration::from_secs(1),
            wall + Duration::from_secs(3600)
        ));
        // The wall clock set back a day extends nothing.
        let back = wall - Duration::from_secs(86_400);
        assert!(d.passed(now + Duration::from_secs(600), back));
        assert_eq!(
            d.left(now, wall + Duration::from_secs(540)),
            Duration::from_secs(60)
        );
    }

    #[tokio::test]
    async fn sleep_ends_when_the_wall_clock_jumps() {
        // The wall clock jumps an hour on its second reading, as after waking from sleep.
        let reads = Arc::new(AtomicU64::new(0));
        let base = SystemTime::now();
        let r = reads.clone();
        let wall = move || {
            let n = r.fetch_add(1, Ordering::SeqCst);
            base + Duration::from_secs(if n == 0 { 0 } else { 3600 })
        };
        let started = Instant::now();
        tokio::time::timeout(
            Duration::from_secs(5),
            sleep(Duration::from_secs(600), wall),
        )
        .await
        .expect("a wall-clock jump ends the wait");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
