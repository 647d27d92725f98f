//! Serde types: the IPC output types of docs/ipc.md, and the raw shapes Mist answers with.
//! Nothing here holds a secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Error;

/// Whose token it is: the admin's own (a user token) or an organization's.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    User,
    Org,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::User => "user",
            TokenKind::Org => "org",
        }
    }
}

impl std::fmt::Display for TokenKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How close Mist is to removing a token for not being used (90 days after the last use).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum RemovalRisk {
    /// More than 14 days left.
    Ok,
    /// 14 days or fewer left.
    Soon,
    /// Past the 90 days: Mist may remove it any time.
    Overdue,
}

/// How the session was signed in.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    Password,
    Token,
    /// The company's single sign-on, through the app's login window (a portal cookie session).
    Sso,
}

/// Who `/self` says the caller is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    /// A person (a password session or a user token).
    User,
    /// An org token (no person behind it).
    OrgToken,
}

/// A cloud as the UI sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct CloudInfo {
    pub id: String,
    pub name: String,
    pub api_url: String,
    pub portal_host: Option<String>,
    pub is_mist: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct CloudMatch {
    pub cloud: CloudInfo,
    pub sso: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default, TS)]
pub struct EmailLookup {
    pub matches: Vec<CloudMatch>,
    pub unreachable: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct Privilege {
    pub scope: String,
    pub role: String,
    pub org_id: Option<String>,
    pub site_id: Option<String>,
    pub sitegroup_id: Option<String>,
    pub msp_id: Option<String>,
    pub name: Option<String>,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct Identity {
    pub kind: IdentityKind,
    pub email: Option<String>,
    pub name: String,
    pub via_sso: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct OrgInfo {
    pub id: String,
    pub name: String,
    pub role: String,
    pub can_manage_tokens: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct SessionInfo {
    pub cloud: CloudInfo,
    pub identity: Identity,
    pub method: SignInMethod,
    pub privileges: Vec<Privilege>,
    pub orgs: Vec<OrgInfo>,
    pub can_create_user_tokens: bool,
    pub remembered: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // built once per sign-in
pub enum SignInResult {
    SignedIn { session: SessionInfo },
    TwoFactorRequired,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct Site {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct OrgDetails {
    pub org: OrgInfo,
    pub sites: Vec<Site>,
    pub sitegroups: Vec<Site>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct TokenView {
    pub id: String,
    pub kind: TokenKind,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub name: String,
    pub key_hint: KeyHint,
    pub created_time: i64,
    pub created_by: Option<String>,
    pub last_used: Option<i64>,
    pub privileges: Vec<Privilege>,
    pub access_summary: String,
    pub src_ips: Vec<String>,
    pub days_until_removal: i64,
    pub removal_risk: RemovalRisk,
    pub is_session_token: bool,
    /// Why this token needs attention (empty when it does not), in words.
    #[serde(default)]
    pub health: Vec<HealthMark>,
    /// Whether a key of this token is saved in this computer's keychain.
    #[serde(default)]
    pub saved: bool,
    /// Set while this token is one half of a rotation that is not finished.
    #[serde(default)]
    pub rotation: Option<RotationMark>,
}

/// Why a token needs attention.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "snake_case")]
pub enum HealthReason {
    /// Mist has no record of the token ever being used.
    NeverUsed,
    /// Mist removes it within 14 days if it stays unused.
    RemovalSoon,
    /// Past the 90 days unused: Mist may remove it at any time.
    RemovalOverdue,
    /// Super User on a whole organization, usable from any address.
    BroadAdmin,
    /// Mist no longer knows who created it (`created_by` is empty).
    CreatorGone,
    /// Another token in the same place has the same name.
    DuplicateName,
}

/// One reason a token needs attention, with the words the list, the export and a screen reader
/// use.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct HealthMark {
    pub reason: HealthReason,
    pub text: String,
}

/// Which half of a rotation a token is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum RotationRole {
    /// The token being replaced: deleted once the new key is kept and the admin says so.
    Old,
    /// The replacement.
    New,
}

/// A token's part in a pending rotation, as the list shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct RotationMark {
    pub rotation_id: String,
    pub role: RotationRole,
    /// The other token of the pair.
    pub other_id: String,
    /// Whether the new key was kept (copied, saved or revealed): "Delete old token" is allowed.
    pub key_kept: bool,
    /// The last failure to delete the old token, in words.
    pub delete_error: Option<String>,
    /// What is going on, in words.
    pub text: String,
}

/// A saved key's token, as the inventory of this sign-in sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SavedTokenState {
    /// The token exists: days until Mist removes it if unused.
    Exists {
        token_id: String,
        days_until_removal: i64,
        removal_risk: RemovalRisk,
        last_used: Option<i64>,
    },
    /// The token's place was listed in this sign-in and the token is not in it.
    Gone,
    /// Not known in this sign-in (another cloud or account, or its organization's list failed).
    Unknown,
}

/// A saved key (by its id in the saved-keys list) and its token's state.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct SavedKeyToken {
    pub id: String,
    pub label: String,
    pub token: SavedTokenState,
}

/// Whose hourly quota of API calls a session or key spends.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum QuotaOwner {
    /// The user's: shared by all of that user's tokens and their portal login.
    User,
    /// The org token's own.
    OrgToken,
}

/// Calls this hour against Mist's limit (`GET /self/usage`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct ApiUsage {
    pub requests: u64,
    pub limit: u64,
    /// Whole percent of the limit used (may pass 100).
    pub percent: u64,
    /// 80 % or more of the limit used.
    pub near_limit: bool,
    pub owner: QuotaOwner,
    /// Whose quota it is, in plain words.
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct OrgTokens {
    pub org: OrgInfo,
    pub tokens: Option<Vec<TokenView>>,
    #[ts(as = "Option<crate::error::ErrorBody>")]
    pub error: Option<Error>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct Inventory {
    pub user_tokens: Option<Vec<TokenView>>,
    #[ts(as = "Option<crate::error::ErrorBody>")]
    pub user_tokens_error: Option<Error>,
    pub orgs: Vec<OrgTokens>,
    pub fetched_at: i64,
    /// How many tokens have at least one health mark.
    #[serde(default)]
    pub attention: u32,
    /// Every saved key with its token's state in this inventory.
    #[serde(default)]
    pub saved_keys: Vec<SavedKeyToken>,
}

/// What the admin asks for when creating or changing an org token's access.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct PrivilegeInput {
    pub scope: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sitegroup_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct KeyTest {
    pub valid: bool,
    pub identity: Option<Identity>,
    pub privileges: Vec<Privilege>,
    pub message: String,
    /// Set when the list of saved keys names another cloud for this key than the keychain does:
    /// the test used the keychain's cloud only, and this says so.
    #[serde(default)]
    pub warning: Option<String>,
    /// The quota this key spends, when Mist told (`/self/usage` with the key).
    #[serde(default)]
    pub usage: Option<ApiUsage>,
}

// ---- Raw shapes Mist answers with (lenient: unknown fields ignored, most fields optional) ----

/// Epoch seconds: the spec says number, real lists show integers. Accept both.
pub(crate) fn de_epoch<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v: Option<serde_json::Value> = Option::deserialize(d)?;
    Ok(v.and_then(|v| match v {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    }))
}

#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct RawPrivilege {
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub org_id: Option<String>,
    #[serde(default)]
    pub site_id: Option<String>,
    #[serde(default)]
    pub sitegroup_id: Option<String>,
    #[serde(default)]
    pub sitegroup_ids: Option<Vec<String>>,
    #[serde(default)]
    pub msp_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub org_name: Option<String>,
    #[serde(default)]
    pub msp_name: Option<String>,
}

/// `GET /self`: a user (session or user token) or an org token (no email).
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct RawSelf {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub via_sso: Option<bool>,
    #[serde(default)]
    pub two_factor_required: Option<bool>,
    #[serde(default)]
    pub two_factor_passed: Option<bool>,
    #[serde(default)]
    pub privileges: Vec<RawPrivilege>,
}

impl RawSelf {
    /// While 2FA is pending Mist answers 200 with `two_factor_required && !two_factor_passed`.
    pub fn two_factor_pending(&self) -> bool {
        self.two_factor_required == Some(true) && self.two_factor_passed != Some(true)
    }
}

/// A key's hint, the only part of a key the UI ever shows: at most 4 characters + `...` + 4
/// characters, or `...` alone for a key of 16 characters or fewer. It is its own type, so a hint
/// is never taken for a key nor a key for a hint; whatever Mist shows is cut down to this shape
/// as it is read (a list that carried a whole key keeps only its hint).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, TS)]
#[ts(type = "string")]
pub struct KeyHint(String);

impl KeyHint {
    /// The hint of a key this app holds.
    pub fn of_key(key: &str) -> Self {
        KeyHint(super::auth::key_hint(key))
    }
    /// The hint Mist showed, cut down to 4 + `...` + 4 characters.
    pub fn from_mist(shown: &str) -> Self {
        KeyHint(super::auth::hint_from_mist(shown))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `...` alone: too short a key to show any of it.
    pub fn is_blank(&self) -> bool {
        self.0 == "..."
    }
}

/// A hint reads as the text it is (it is no secret).
impl std::ops::Deref for KeyHint {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for KeyHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<&str> for KeyHint {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for KeyHint {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl<'de> Deserialize<'de> for KeyHint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let shown = zeroize::Zeroizing::new(String::deserialize(d)?);
        Ok(KeyHint::from_mist(&shown))
    }
}

/// A token as Mist answers it. `K` is what the `key` field holds: a [`KeyHint`] for lists, GETs
/// and PUTs (Mist shows a truncated key there), a `SecretString` for the POST that creates the
/// token (the one answer with the whole key).
#[derive(Clone, Deserialize)]
pub(crate) struct RawToken<K = KeyHint> {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default = "none")]
    pub key: Option<K>,
    #[serde(default, deserialize_with = "de_epoch")]
    pub created_time: Option<i64>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default, deserialize_with = "de_epoch")]
    pub last_used: Option<i64>,
    #[serde(default)]
    pub privileges: Option<Vec<RawPrivilege>>,
    #[serde(default)]
    pub src_ips: Option<Vec<String>>,
}

fn none<K>() -> Option<K> {
    None
}

impl<K> RawToken<K> {
    /// The same token with another `key` (the created token's hint instead of its key).
    pub fn with_key<L>(self, key: Option<L>) -> RawToken<L> {
        RawToken {
            id: self.id,
            name: self.name,
            key,
            created_time: self.created_time,
            created_by: self.created_by,
            last_used: self.last_used,
            privileges: self.privileges,
            src_ips: self.src_ips,
        }
    }
}

impl<K> std::fmt::Debug for RawToken<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawToken")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("key", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct RawNamed {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}
