//! One-time reveal slots. A freshly created key lives here, and only here, until the admin
//! dismisses the dialog, 10 minutes pass, or the app quits. Closing a slot drops (and so
//! zeroizes) its `SecretString`. The rules are enforced here, not in the UI:
//! - `reveal` hands the key out exactly once (then `already_revealed`);
//! - every operation on a closed (dismissed, expired, unknown) slot is `slot_expired`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde::{Serialize, Serializer};

use super::wall::Deadline;
use crate::{Error, Result};

/// The time source of the slots. Tests inject a [`ManualClock`] instead of sleeping.
pub trait Clock: Send + Sync + 'static {
    /// The monotonic clock (stops while the computer sleeps, on Linux and macOS).
    fn now(&self) -> Instant;
    /// The wall clock (keeps going while the computer sleeps).
    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The real monotonic clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to (for tests).
#[derive(Debug)]
pub struct ManualClock {
    base: Instant,
    wall_base: SystemTime,
    offset: Mutex<Duration>,
    /// Time spent asleep: the wall clock moved, the monotonic clock did not.
    slept: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> Self {
        Self {
            base: Instant::now(),
            wall_base: SystemTime::now(),
            offset: Mutex::new(Duration::ZERO),
            slept: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves the clock forward (both clocks, as when the computer is awake).
    pub fn advance(&self, by: Duration) {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }

    /// The computer sleeps for `by`: only the wall clock moves.
    pub fn sleep_computer(&self, by: Duration) {
        *self.slept.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.base + *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn wall(&self) -> SystemTime {
        self.wall_base
            + *self.offset.lock().unwrap_or_else(|e| e.into_inner())
            + *self.slept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What is known about the key in a slot (no secret). Saved with the key when it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SlotMeta {
    pub token_id: String,
    pub token_name: String,
    pub kind: crate::mist::TokenKind,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub cloud_name: String,
    pub cloud_api: String,
}

impl SlotMeta {
    /// The metadata of a token Mist just made on `cloud` (the session's cloud at create time).
    pub fn from_token(token: &crate::mist::TokenView, cloud: &crate::mist::CloudInfo) -> Self {
        Self {
            token_id: token.id.clone(),
            token_name: token.name.clone(),
            kind: token.kind,
            org_id: token.org_id.clone(),
            org_name: token.org_name.clone(),
            cloud_name: cloud.name.clone(),
            cloud_api: cloud.api_url.clone(),
        }
    }
}

/// What a create command returns instead of the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SlotHandle {
    pub slot_id: String,
    pub expires_in_s: u64,
}

/// What the UI needs to warn before a key is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SlotStatus {
    pub slot_id: String,
    pub revealed: bool,
    pub copied: bool,
    pub saved: bool,
    pub expires_in_s: u64,
}

/// The one response that carries a key: `{ "key": "..." }`. Debug is redacted; `Serialize` is
/// written by hand (it exposes the secret), and the generated TypeScript type is checked against
/// it by a test.
#[derive(ts_rs::TS)]
pub struct RevealedKey {
    #[ts(type = "string")]
    pub key: SecretString,
}

impl Serialize for RevealedKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("RevealedKey", 1)?;
        s.serialize_field("key", self.key.expose_secret())?;
        s.end()
    }
}

impl std::fmt::Debug for RevealedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RevealedKey { key: [REDACTED] }")
    }
}

/// Something done with a slot's key, for [`SlotStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotUse {
    Copied,
    Saved,
}

struct Slot {
    /// `SecretString` zeroizes its buffer on drop.
    key: SecretString,
    meta: SlotMeta,
    /// On both clocks, so a computer that slept does not keep the slot open.
    expires_at: Deadline,
    revealed: bool,
    copied: bool,
    saved: bool,
}

struct Inner {
    slots: Mutex<HashMap<String, Slot>>,
    clock: Arc<dyn Clock>,
    ttl: Duration,
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops every slot whose time is up. Dropping zeroizes the key.
    fn sweep_locked(&self, map: &mut HashMap<String, Slot>) {
        let (now, wall) = (self.clock.now(), self.clock.wall());
        map.retain(|_, slot| !slot.expires_at.passed(now, wall));
    }
}

/// The open reveal slots. Cheap to clone (shared).
#[derive(Clone)]
pub struct RevealSlots {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for RevealSlots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealSlots")
            .field("open", &self.open_count())
            .finish()
    }
}

/// Whole seconds left, rounded up, so a live slot never reports 0.
fn secs_left(expires_at: Deadline, now: Instant, wall: SystemTime) -> u64 {
    let left = expires_at.left(now, wall);
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

impl RevealSlots {
    /// The default lifetime of a slot.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(600);

    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner: Arc::new(Inner {
                slots: Mutex::new(HashMap::new()),
                clock,
                ttl,
            }),
        }
    }

    /// Puts a new key in a fresh slot and returns its handle (never the key).
    ///
    /// When called inside a Tokio runtime, a timer also closes the slot when its time is up;
    /// either way every operation checks the clock first.
    pub fn open(&self, key: SecretString, meta: SlotMeta) -> SlotHandle {
        let slot_id = uuid::Uuid::new_v4().to_string();
        let (now, wall) = (self.inner.clock.now(), self.inner.clock.wall());
        let expires_at = Deadline::after(now, wall, self.inner.ttl);
        {
            let mut map = self.inner.lock();
            self.inner.sweep_locked(&mut map);
            map.insert(
                slot_id.clone(),
                Slot {
                    key,
                    meta,
                    expires_at,
                    revealed: false,
                    copied: false,
                    saved: false,
                },
            );
        }
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let weak: Weak<Inner> = Arc::downgrade(&self.inner);
            let ttl = self.inner.ttl;
            let clock = self.inner.clock.clone();
            rt.spawn(async move {
                // Ends early when the wall clock says the time is up (the computer slept).
                super::wall::sleep(ttl + Duration::from_millis(50), move || clock.wall()).await;
                if let Some(inner) = weak.upgrade() {
                    let mut map = inner.lock();
                    inner.sweep_locked(&mut map);
                }
            });
        }
        SlotHandle {
            slot_id,
            expires_in_s: secs_left(expires_at, now, wall),
        }
    }

    /// Runs `f` on a live slot; a closed or expired slot is `slot_expired` (and is dropped).
    fn with_slot<T>(
        &self,
        slot_id: &str,
        f: impl FnOnce(&mut Slot, (Instant, SystemTime)) -> T,
    ) -> Result<T> {
        let mut map = self.inner.lock();
        self.inner.sweep_locked(&mut map);
        let now = (self.inner.clock.now(), self.inner.clock.wall());
        match map.get_mut(slot_id) {
            Some(slot) => Ok(f(slot, now)),
            None => Err(Error::SlotExpired),
        }
    }

    /// Hands the key out, once. The slot stays open for copy and save.
    pub fn reveal(&self, slot_id: &str) -> Result<RevealedKey> {
        self.with_slot(slot_id, |slot, _| {
            if slot.revealed {
                return Err(Error::AlreadyRevealed);
            }
            slot.revealed = true;
            Ok(RevealedKey {
                key: slot.key.clone(),
            })
        })?
    }

    /// A copy of the key (and its metadata) for the backend's own use: the clipboard or the
    /// keychain. Never send this to the web view; call [`RevealSlots::mark`] once it worked.
    pub fn key_for_backend(&self, slot_id: &str) -> Result<(SecretString, SlotMeta)> {
        self.with_slot(slot_id, |slot, _| (slot.key.clone(), slot.meta.clone()))
    }

    /// The slot's metadata (no key), e.g. for the "How to use" examples.
    pub fn meta(&self, slot_id: &str) -> Result<SlotMeta> {
        self.with_slot(slot_id, |slot, _| slot.meta.clone())
    }

    /// Records that the key was copied or saved.
    pub fn mark(&self, slot_id: &str, used: SlotUse) -> Result<()> {
        self.with_slot(slot_id, |slot, _| match used {
            SlotUse::Copied => slot.copied = true,
            SlotUse::Saved => slot.saved = true,
        })
    }

    /// What has been done with the key so far, and how long the slot stays open.
    pub fn status(&self, slot_id: &str) -> Result<SlotStatus> {
        self.with_slot(slot_id, |slot, now| SlotStatus {
            slot_id: slot_id.to_string(),
            revealed: slot.revealed,
            copied: slot.copied,
            saved: slot.saved,
            expires_in_s: secs_left(slot.expires_at, now.0, now.1),
        })
    }

    /// Closes the slot and zeroizes the key. A closed slot cannot be dismissed again.
    pub fn dismiss(&self, slot_id: &str) -> Result<()> {
        let mut map = self.inner.lock();
        self.inner.sweep_locked(&mut map);
        match map.remove(slot_id) {
            Some(slot) => {
                drop(slot); // SecretString zeroizes on drop
                Ok(())
            }
            None => Err(Error::SlotExpired),
        }
    }

    /// Closes every slot (on quit). Returns how many were open.
    pub fn close_all(&self) -> usize {
        let mut map = self.inner.lock();
        let n = map.len();
        map.clear();
        n
    }

    /// Closes the slots whose time is up.
    pub fn sweep(&self) {
        let mut map = self.inner.lock();
        self.inner.sweep_locked(&mut map);
    }

    /// How many slots hold a key right now (expired ones are not counted).
    pub fn open_count(&self) -> usize {
        let mut map = self.inner.lock();
        self.inner.sweep_locked(&mut map);
        map.len()
    }

    /// The live slots whose key was never revealed, copied or saved: closing the app now would
    /// lose them (the app asks first). Metadata only, oldest first.
    pub fn unkept(&self) -> Vec<SlotMeta> {
        let mut map = self.inner.lock();
        self.inner.sweep_locked(&mut map);
        let mut open: Vec<(Instant, &SlotMeta)> = map
            .values()
            .filter(|s| !s.revealed && !s.copied && !s.saved)
            .map(|s| (s.expires_at.monotonic, &s.meta))
            .collect();
        open.sort_by_key(|(at, _)| *at);
        open.into_iter().map(|(_, meta)| meta.clone()).collect()
    }

    /// Whether the map still holds this slot (expired or not): for tests of "closing drops it".
    pub fn holds(&self, slot_id: &str) -> bool {
        self.inner.lock().contains_key(slot_id)
    }
}

impl Default for RevealSlots {
    fn default() -> Self {
        Self::new(Self::DEFAULT_TTL, Arc::new(SystemClock))
    }
}
