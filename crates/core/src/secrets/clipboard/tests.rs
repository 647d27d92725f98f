//! The clipboard policy's races and its clear on quit, against the in-memory clipboard.

use super::*;
use std::sync::atomic::AtomicBool;

const KEY_A: &str = "AAAA-first-key-0123456789abcdefghijklmnopqrstuvwxyz";
const KEY_B: &str = "BBBB-second-key-0123456789abcdefghijklmnopqrstuvwxy";

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

/// A clipboard whose write of `KEY_A` takes effect at once but returns only after a pause, the
/// way a slow system clipboard can: a second copy can run while the first is still "writing".
#[derive(Default)]
struct SlowFirstWrite {
    inner: MemoryClipboard,
    a_started: AtomicBool,
}

impl Clipboard for SlowFirstWrite {
    fn write_text(&self, text: &str) -> Result<()> {
        self.inner.write_text(text)?;
        if text == KEY_A {
            self.a_started.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(300));
        }
        Ok(())
    }
    fn read_text(&self) -> Result<Option<Zeroizing<String>>> {
        self.inner.read_text()
    }
    fn clear(&self) -> Result<()> {
        self.inner.clear()
    }
}

/// Two copies at once: the first one's write is slow, the second one starts while it runs.
/// Whatever order they end in, the key left on the clipboard must be cleared after the delay.
/// (Before the one lock, the second copy took the older generation while its key stayed on the
/// clipboard, and neither timer cleared it: the key stayed for good.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_copies_leave_no_key_on_the_clipboard() {
    let clip = Arc::new(SlowFirstWrite::default());
    let policy = Arc::new(ClipboardPolicy::new(
        clip.clone(),
        // Longer than the slow write, so that the second copy's timer fires after the first
        // copy has finished.
        Some(Duration::from_millis(500)),
    ));
    let first = {
        let policy = policy.clone();
        tokio::spawn(async move { policy.copy(secret(KEY_A)).await })
    };
    let started = std::time::Instant::now();
    while !clip.a_started.load(Ordering::SeqCst) {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "copy A never ran"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let second = policy.copy(secret(KEY_B)).await.unwrap();
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.clears_in_s, 1, "500 ms rounds up");
    assert_eq!(second.clears_in_s, 1);
    // Both writes are done; every timer has fired well before this.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let left = clip.inner.read_text_for_test();
    assert!(
        left.as_deref() != Some(KEY_A) && left.as_deref() != Some(KEY_B),
        "a copied key stayed on the clipboard after two concurrent copies"
    );
    assert!(!policy.has_pending_clear());
}

/// Many copies of two keys at once, in every interleaving the scheduler picks: the clipboard
/// ends up empty after the delay every time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_copies_many_at_once_all_cleared() {
    for _round in 0..5 {
        let clip = Arc::new(MemoryClipboard::new());
        let policy = Arc::new(ClipboardPolicy::new(
            clip.clone(),
            Some(Duration::from_millis(50)),
        ));
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let policy = policy.clone();
                tokio::spawn(async move {
                    let key = if i % 2 == 0 { KEY_A } else { KEY_B };
                    policy.copy(secret(key)).await
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(clip.read_text_for_test(), None, "a key was left behind");
    }
}

/// Quitting within the delay: the key the app copied is cleared at once.
#[tokio::test]
async fn clipboard_cleared_on_exit_when_the_key_is_still_there() {
    let clip = Arc::new(MemoryClipboard::new());
    let policy = ClipboardPolicy::new(clip.clone(), Some(Duration::from_secs(60)));
    policy.copy(secret(KEY_A)).await.unwrap();
    assert_eq!(clip.read_text_for_test().as_deref(), Some(KEY_A));
    assert!(policy.has_pending_clear());
    assert!(policy.clear_pending_now(), "the key was not cleared");
    assert_eq!(clip.read_text_for_test(), None);
    // Nothing is left to clear, and a second call writes nothing.
    let writes = clip.writes();
    assert!(!policy.clear_pending_now());
    assert_eq!(clip.writes(), writes);
}

/// Quitting after the admin copied something of their own: that is left alone.
#[tokio::test]
async fn clipboard_cleared_on_exit_leaves_the_admins_own_text() {
    let clip = Arc::new(MemoryClipboard::new());
    let policy = ClipboardPolicy::new(clip.clone(), Some(Duration::from_secs(60)));
    policy.copy(secret(KEY_A)).await.unwrap();
    clip.write_text("the admin's own text").unwrap();
    assert!(!policy.clear_pending_now());
    assert_eq!(
        clip.read_text_for_test().as_deref(),
        Some("the admin's own text")
    );
}

/// Only the newest copy counts: after copying A then B, quitting clears B, and A's old timer
/// (if it were still due) finds nothing to do.
#[tokio::test]
async fn clipboard_cleared_on_exit_after_two_copies_clears_the_newest() {
    let clip = Arc::new(MemoryClipboard::new());
    let policy = ClipboardPolicy::new(clip.clone(), Some(Duration::from_millis(200)));
    policy.copy(secret(KEY_A)).await.unwrap();
    policy.copy(secret(KEY_B)).await.unwrap();
    assert!(policy.clear_pending_now());
    assert_eq!(clip.read_text_for_test(), None);
    // The admin copies something after the quit-time clear; no old timer may clear it.
    clip.write_text(KEY_B).unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(clip.read_text_for_test().as_deref(), Some(KEY_B));
}

/// After the timer cleared the key there is nothing left for quitting to clear.
#[tokio::test]
async fn clipboard_cleared_on_exit_nothing_pending_after_the_timer() {
    let clip = Arc::new(MemoryClipboard::new());
    let policy = ClipboardPolicy::new(clip.clone(), Some(Duration::from_millis(30)));
    policy.copy(secret(KEY_A)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(clip.read_text_for_test(), None);
    assert!(!policy.has_pending_clear());
    assert!(!policy.clear_pending_now());
}
