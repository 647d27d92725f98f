//! Closing the window or quitting while a reveal slot holds a key that was never revealed, copied
//! or saved: the question the app asks first (the app raises it as a native dialog), and the test
//! knob that answers it where nobody can press a native dialog's buttons (WebDriver tests).
//!
//! Test knob (debug builds only, documented in the README next to the clipboard delay):
//! - `MIST_TOKEN_MANAGER_TEST_CLOSE_ANSWERS`: comma-separated answers, used in order, one per
//!   question: `keep` ("Keep the app open") or `close` ("Close and lose the key"). When the list
//!   is used up, the answer is `keep`.
//! - `MIST_TOKEN_MANAGER_TEST_CLOSE_RECORD`: a file each question is appended to (title, message
//!   and buttons, then the answer given), so a test can check that the app asked. Questions hold
//!   token names, never a key.

use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use super::SlotMeta;

/// The button that keeps the app (and the key) alive.
pub const KEEP_LABEL: &str = "Keep the app open";
/// The button that closes anyway, losing the key.
pub const LOSE_LABEL: &str = "Close and lose the key";

/// What to ask before closing, in plain words. No secret in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseQuestion {
    pub title: String,
    pub message: String,
    pub keep_label: &'static str,
    pub lose_label: &'static str,
}

/// The admin's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseAnswer {
    KeepOpen,
    CloseAndLose,
}

impl CloseAnswer {
    /// `keep` or `close` (the test knob's words); anything else is `None`.
    pub fn parse(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "keep" => Some(Self::KeepOpen),
            "close" => Some(Self::CloseAndLose),
            _ => None,
        }
    }

    /// The answer a dialog button stands for: only the "Close and lose the key" button loses
    /// the key; any other outcome (Escape, the dialog's own close box) keeps the app open.
    pub fn from_button(label: &str) -> Self {
        if label == LOSE_LABEL {
            Self::CloseAndLose
        } else {
            Self::KeepOpen
        }
    }

    fn word(self) -> &'static str {
        match self {
            Self::KeepOpen => "keep",
            Self::CloseAndLose => "close",
        }
    }
}

fn quoted_names(unkept: &[SlotMeta]) -> String {
    let names: Vec<String> = unkept
        .iter()
        .map(|m| format!("\u{201c}{}\u{201d}", m.token_name))
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl CloseQuestion {
    /// The question for these unkept keys; `None` when there are none.
    pub fn for_unkept(unkept: &[SlotMeta]) -> Option<Self> {
        if unkept.is_empty() {
            return None;
        }
        let names = quoted_names(unkept);
        let (title, message) = if unkept.len() == 1 {
            (
                "Close without keeping the key?".to_string(),
                format!(
                    "The new key for the token {names} has not been revealed, copied or saved. \
                     If the app closes now the key is lost: nobody can show it again, not even \
                     Mist.\n\nKeep the app open to copy or save the key. If you close anyway, \
                     delete the token {names} in Mist afterwards: it would exist, but nobody \
                     could use it."
                ),
            )
        } else {
            (
                format!("Close without keeping {} keys?", unkept.len()),
                format!(
                    "The new keys for the tokens {names} have not been revealed, copied or \
                     saved. If the app closes now the keys are lost: nobody can show them \
                     again, not even Mist.\n\nKeep the app open to copy or save them. If you \
                     close anyway, delete those tokens in Mist afterwards: they would exist, \
                     but nobody could use them."
                ),
            )
        };
        Some(Self {
            title,
            message,
            keep_label: KEEP_LABEL,
            lose_label: LOSE_LABEL,
        })
    }
}

/// The test knob's answers, if it is set (debug builds only).
pub struct TestAnswers {
    answers: Mutex<VecDeque<CloseAnswer>>,
    record: Option<PathBuf>,
}

impl std::fmt::Debug for TestAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestAnswers")
            .field("record", &self.record)
            .finish()
    }
}

impl TestAnswers {
    /// Reads the knob. `None` in release builds, and when it is not set.
    pub fn from_env() -> Option<Self> {
        if !cfg!(debug_assertions) {
            return None;
        }
        let answers = std::env::var("MIST_TOKEN_MANAGER_TEST_CLOSE_ANSWERS").ok()?;
        let record = std::env::var_os("MIST_TOKEN_MANAGER_TEST_CLOSE_RECORD").map(PathBuf::from);
        Some(Self::new(&answers, record))
    }

    /// `answers`: the knob's comma-separated words; unknown words count as `keep`.
    pub fn new(answers: &str, record: Option<PathBuf>) -> Self {
        let answers = answers
            .split(',')
            .filter(|w| !w.trim().is_empty())
            .map(|w| CloseAnswer::parse(w).unwrap_or(CloseAnswer::KeepOpen))
            .collect();
        Self {
            answers: Mutex::new(answers),
            record,
        }
    }

    /// Answers `question` with the next answer in the list (`keep` once it is used up) and
    /// appends both to the record file, if one is set.
    pub fn answer(&self, question: &CloseQuestion) -> CloseAnswer {
        let answer = self
            .answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .unwrap_or(CloseAnswer::KeepOpen);
        if let Some(path) = &self.record {
            let entry = format!(
                "question: {}\n{}\nbuttons: {} | {}\nanswer: {}\n\n",
                question.title,
                question.message,
                question.keep_label,
                question.lose_label,
                answer.word()
            );
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(entry.as_bytes()));
            if let Err(e) = written {
                log::warn!("the close-question record could not be written: {e}");
            }
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(name: &str) -> SlotMeta {
        SlotMeta {
            token_id: "11111111-2222-3333-4444-555555555555".into(),
            token_name: name.into(),
            kind: crate::mist::TokenKind::User,
            org_id: None,
            org_name: None,
            cloud_name: "Global 01".into(),
            cloud_api: "https://api.mist.com".into(),
        }
    }

    #[test]
    fn unkept_key_on_close_question_names_the_token_and_advises_deleting_it() {
        assert_eq!(CloseQuestion::for_unkept(&[]), None);
        let q = CloseQuestion::for_unkept(&[meta("ci pipeline")]).unwrap();
        assert_eq!(q.title, "Close without keeping the key?");
        assert!(
            q.message.contains("\u{201c}ci pipeline\u{201d}"),
            "{}",
            q.message
        );
        assert!(q.message.contains("delete the token"), "{}", q.message);
        assert_eq!(q.keep_label, "Keep the app open");
        assert_eq!(q.lose_label, "Close and lose the key");

        let q = CloseQuestion::for_unkept(&[meta("a"), meta("b"), meta("c")]).unwrap();
        assert_eq!(q.title, "Close without keeping 3 keys?");
        assert!(
            q.message
                .contains("\u{201c}a\u{201d}, \u{201c}b\u{201d} and \u{201c}c\u{201d}"),
            "{}",
            q.message
        );
    }

    #[test]
    fn unkept_key_on_close_only_keys_never_revealed_copied_or_saved_count() {
        use crate::secrets::{RevealSlots, SlotUse};
        use secrecy::SecretString;
        let slots = RevealSlots::default();
        let key = || SecretString::from("k3y-0123456789abcdefghijklmnop".to_string());
        let unkept = slots.open(key(), meta("never touched"));
        let revealed = slots.open(key(), meta("revealed"));
        let copied = slots.open(key(), meta("copied"));
        let saved = slots.open(key(), meta("saved"));
        let dismissed = slots.open(key(), meta("dismissed"));
        slots.reveal(&revealed.slot_id).unwrap();
        slots.mark(&copied.slot_id, SlotUse::Copied).unwrap();
        slots.mark(&saved.slot_id, SlotUse::Saved).unwrap();
        slots.dismiss(&dismissed.slot_id).unwrap();
        let names: Vec<String> = slots.unkept().into_iter().map(|m| m.token_name).collect();
        assert_eq!(names, ["never touched"]);
        slots.dismiss(&unkept.slot_id).unwrap();
        assert!(slots.unkept().is_empty());
    }

    #[test]
    fn unkept_key_on_close_only_the_lose_button_loses_the_key() {
        assert_eq!(
            CloseAnswer::from_button(LOSE_LABEL),
            CloseAnswer::CloseAndLose
        );
        for other in [KEEP_LABEL, "", "Cancel", "Ok", "close and lose the key"] {
            assert_eq!(CloseAnswer::from_button(other), CloseAnswer::KeepOpen);
        }
    }

    #[test]
    fn unkept_key_on_close_test_knob_answers_in_order_and_records() {
        let dir = std::env::temp_dir().join(format!("mtm-exit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let record = dir.join("asked.txt");
        let knob = TestAnswers::new("keep, close,,bogus", Some(record.clone()));
        let q = CloseQuestion::for_unkept(&[meta("ci pipeline")]).unwrap();
        assert_eq!(knob.answer(&q), CloseAnswer::KeepOpen);
        assert_eq!(knob.answer(&q), CloseAnswer::CloseAndLose);
        assert_eq!(knob.answer(&q), CloseAnswer::KeepOpen, "unknown word");
        assert_eq!(knob.answer(&q), CloseAnswer::KeepOpen, "list used up");
        let text = std::fs::read_to_string(&record).unwrap();
        assert_eq!(text.matches("question: Close without keeping").count(), 4);
        assert_eq!(text.matches("answer: close").count(), 1);
        assert!(text.contains("buttons: Keep the app open | Close and lose the key"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
