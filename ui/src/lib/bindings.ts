// Generated from the Rust types by ts-rs (crates/core/src/bindings.rs). Do not edit:
// run `MTM_UPDATE_BINDINGS=1 cargo test -p mist-token-core bindings` after changing them.

/**
 * The stable word the UI switches on, one per [`Error`] variant. The generated TypeScript has
 * both the type and the runtime list (`ERROR_KINDS`).
 */
export type ErrorKind = "network" | "timeout" | "tls" | "unauthorized" | "forbidden" | "not_found" | "rate_limited" | "invalid_input" | "two_factor_required" | "two_factor_invalid" | "sso_account" | "sso_cancelled" | "sso_failed" | "keychain_unavailable" | "already_revealed" | "slot_expired" | "server" | "unexpected_response" | "create_unconfirmed" | "cloud_unconfirmed" | "not_signed_in" | "internal";

/**
 * What an [`Error`] looks like over IPC: `{kind, message, field?, retry_after_s?, token_id?}`.
 * `Error` serializes through it, so the generated TypeScript type (`AppError`) is its shape.
 */
export type AppError = { kind: ErrorKind, message: string, field?: string, retry_after_s?: number, token_id?: string, };

/**
 * A cloud as the UI sees it.
 */
export type CloudInfo = { id: string, name: string, api_url: string, portal_host: string | null, is_mist: boolean, };

export type CloudMatch = { cloud: CloudInfo, sso: boolean, };

export type EmailLookup = { matches: Array<CloudMatch>, unreachable: Array<string>, };

export type Privilege = { scope: string, role: string, org_id: string | null, site_id: string | null, sitegroup_id: string | null, msp_id: string | null, name: string | null, summary: string, };

/**
 * Who `/self` says the caller is.
 */
export type IdentityKind = "user" | "org_token";

export type Identity = { kind: IdentityKind, email: string | null, name: string, via_sso: boolean, };

export type OrgInfo = { id: string, name: string, role: string, can_manage_tokens: boolean, };

/**
 * How the session was signed in.
 */
export type SignInMethod = "password" | "token" | "sso";

export type SessionInfo = { cloud: CloudInfo, identity: Identity, method: SignInMethod, privileges: Array<Privilege>, orgs: Array<OrgInfo>, can_create_user_tokens: boolean, remembered: boolean, };

export type SignInResult = { "status": "signed_in", session: SessionInfo, } | { "status": "two_factor_required" };

export type Site = { id: string, name: string, };

export type OrgDetails = { org: OrgInfo, sites: Array<Site>, sitegroups: Array<Site>, };

/**
 * Whose token it is: the admin's own (a user token) or an organization's.
 */
export type TokenKind = "user" | "org";

/**
 * How close Mist is to removing a token for not being used (90 days after the last use).
 */
export type RemovalRisk = "ok" | "soon" | "overdue";

/**
 * A key's hint, the only part of a key the UI ever shows: at most 4 characters + `...` + 4
 * characters, or `...` alone for a key of 16 characters or fewer. It is its own type, so a hint
 * is never taken for a key nor a key for a hint; whatever Mist shows is cut down to this shape
 * as it is read (a list that carried a whole key keeps only its hint).
 */
export type KeyHint = string;

/**
 * Why a token needs attention.
 */
export type HealthReason = "never_used" | "removal_soon" | "removal_overdue" | "broad_admin" | "creator_gone" | "duplicate_name";

/**
 * One reason a token needs attention, with the words the list, the export and a screen reader
 * use.
 */
export type HealthMark = { reason: HealthReason, text: string, };

/**
 * Which half of a rotation a token is.
 */
export type RotationRole = "old" | "new";

/**
 * A token's part in a pending rotation, as the list shows it.
 */
export type RotationMark = { rotation_id: string, role: RotationRole, 
/**
 * The other token of the pair.
 */
other_id: string, 
/**
 * Whether the new key was kept (copied, saved or revealed): "Delete old token" is allowed.
 */
key_kept: boolean, 
/**
 * The last failure to delete the old token, in words.
 */
delete_error: string | null, 
/**
 * What is going on, in words.
 */
text: string, };

export type TokenView = { id: string, kind: TokenKind, org_id: string | null, org_name: string | null, name: string, key_hint: KeyHint, created_time: number, created_by: string | null, last_used: number | null, privileges: Array<Privilege>, access_summary: string, src_ips: Array<string>, days_until_removal: number, removal_risk: RemovalRisk, is_session_token: boolean, 
/**
 * Why this token needs attention (empty when it does not), in words.
 */
health: Array<HealthMark>, 
/**
 * Whether a key of this token is saved in this computer's keychain.
 */
saved: boolean, 
/**
 * Set while this token is one half of a rotation that is not finished.
 */
rotation: RotationMark | null, };

export type OrgTokens = { org: OrgInfo, tokens: Array<TokenView> | null, error: AppError | null, };

/**
 * A saved key's token, as the inventory of this sign-in sees it.
 */
export type SavedTokenState = { "state": "exists", token_id: string, days_until_removal: number, removal_risk: RemovalRisk, last_used: number | null, } | { "state": "gone" } | { "state": "unknown" };

/**
 * A saved key (by its id in the saved-keys list) and its token's state.
 */
export type SavedKeyToken = { id: string, label: string, token: SavedTokenState, };

export type Inventory = { user_tokens: Array<TokenView> | null, user_tokens_error: AppError | null, orgs: Array<OrgTokens>, fetched_at: number, 
/**
 * How many tokens have at least one health mark.
 */
attention: number, 
/**
 * Every saved key with its token's state in this inventory.
 */
saved_keys: Array<SavedKeyToken>, };

/**
 * Whose hourly quota of API calls a session or key spends.
 */
export type QuotaOwner = "user" | "org_token";

/**
 * Calls this hour against Mist's limit (`GET /self/usage`).
 */
export type ApiUsage = { requests: number, limit: number, 
/**
 * Whole percent of the limit used (may pass 100).
 */
percent: number, 
/**
 * 80 % or more of the limit used.
 */
near_limit: boolean, owner: QuotaOwner, 
/**
 * Whose quota it is, in plain words.
 */
text: string, };

/**
 * What the admin asks for when creating or changing an org token's access.
 */
export type PrivilegeInput = { scope: string, role: string, site_id?: string | null, sitegroup_id?: string | null, };

export type KeyTest = { valid: boolean, identity: Identity | null, privileges: Array<Privilege>, message: string, 
/**
 * Set when the list of saved keys names another cloud for this key than the keychain does:
 * the test used the keychain's cloud only, and this says so.
 */
warning: string | null, 
/**
 * The quota this key spends, when Mist told (`/self/usage` with the key).
 */
usage: ApiUsage | null, };

/**
 * What a create command returns instead of the key.
 */
export type SlotHandle = { slot_id: string, expires_in_s: number, };

/**
 * What the UI needs to warn before a key is lost.
 */
export type SlotStatus = { slot_id: string, revealed: boolean, copied: boolean, saved: boolean, expires_in_s: number, };

/**
 * The one response that carries a key: `{ "key": "..." }`. Debug is redacted; `Serialize` is
 * written by hand (it exposes the secret), and the generated TypeScript type is checked against
 * it by a test.
 */
export type RevealedKey = { key: string, };

/**
 * What a create returns: the token's metadata and the slot holding its key (never the key).
 */
export type CreatedToken = { token: TokenView, slot: SlotHandle, };

/**
 * What a copy command returns.
 */
export type CopyResult = { 
/**
 * Seconds until the clipboard is cleared (0: it will not be cleared).
 */
clears_in_s: number, };

/**
 * Whether the keychain still holds a saved key.
 */
export type KeyStatus = "ok" | "missing_secret";

/**
 * One saved key (no secret). `id` is also the keychain entry's user name.
 */
export type IndexRow = { id: string, label: string, token_id: string | null, token_name: string | null, kind: TokenKind, org_id: string | null, org_name: string | null, cloud_name: string, cloud_api: string, 
/**
 * Epoch seconds.
 */
saved_at: number, };

/**
 * One saved key as the UI sees it (no secret).
 */
export type SavedKey = { status: KeyStatus, id: string, label: string, token_id: string | null, token_name: string | null, kind: TokenKind, org_id: string | null, org_name: string | null, cloud_name: string, cloud_api: string, 
/**
 * Epoch seconds.
 */
saved_at: number, };

/**
 * What the admin is told after a damaged list of saved keys was moved aside: where it went,
 * which keys it named (as far as it could still be read), and what to do.
 */
export type IndexNotice = { 
/**
 * Where the damaged files are now.
 */
moved_to: Array<string>, 
/**
 * Labels still readable in them.
 */
labels: Array<string>, 
/**
 * Keys in the keychain that the list does not show now (they are safe there).
 */
unlisted: number, message: string, };

/**
 * `list_saved_keys`' answer.
 */
export type SavedKeyList = { keys: Array<SavedKey>, 
/**
 * Keychain entries of this app with no row in the index (0 if the store cannot search).
 */
orphans: number, 
/**
 * Set when the keychain could not be asked; statuses are then "ok" (unknown).
 */
keychain_error: AppError | null, 
/**
 * Set when a damaged list of saved keys was moved aside and not yet seen to (Repair).
 */
index_notice: IndexNotice | null, };

/**
 * One example: which tool, and its text with the placeholder.
 */
export type UsageExample = { 
/**
 * Stable id: "curl", "powershell", "python_requests", "python_mistapi", "ansible", "terraform".
 */
id: string, 
/**
 * What the UI shows as the example's name.
 */
title: string, 
/**
 * How to run it, in one line.
 */
how_to_run: string, 
/**
 * The example, with [`KEY_PLACEHOLDER`] where the key goes.
 */
text: string, };

/**
 * Every example for one cloud.
 */
export type UsageExamples = { cloud_name: string, 
/**
 * `https://api.eu.mist.com`
 */
api_url: string, 
/**
 * `api.eu.mist.com` (with `:port` for a local simulator)
 */
host: string, placeholder: string, examples: Array<UsageExample>, };

/**
 * What `copy_diagnostics` returns: the text that was put on the clipboard (it holds no secret,
 * so the UI may show it) and how many log lines it has.
 */
export type Diagnostics = { text: string, log_lines: number, };

/**
 * What the app may do with an update it found.
 */
export type InstallKind = "in_app" | "notify_only";

/**
 * The admin's update settings and when the app last checked.
 */
export type UpdateSettings = { 
/**
 * Check at start (once a day). On unless the admin turns it off.
 */
check_at_start: boolean, 
/**
 * When the last check ran (epoch seconds), at start or on request.
 */
last_check: number | null, };

/**
 * A new version and what the app can do with it.
 */
export type AvailableUpdate = { version: string, 
/**
 * The release notes, as published.
 */
notes: string | null, 
/**
 * RFC 3339, when published.
 */
date: string | null, install: InstallKind, 
/**
 * Where to download it by hand (always given; the only way for .deb and .rpm).
 */
download_page: string, };

/**
 * What a check found.
 */
export type UpdateCheck = { current_version: string, 
/**
 * `None`: this is the newest version.
 */
available: AvailableUpdate | null, };

/**
 * What `install_update` did.
 */
export type UpdateInstalled = { version: string, 
/**
 * The app restarts by itself (Windows installers do); otherwise the UI offers a restart.
 */
restarting: boolean, };

/**
 * One rotation that is not finished: the new token exists, the old one is not deleted yet.
 */
export type PendingRotation = { id: string, kind: TokenKind, org_id: string | null, org_name: string | null, 
/**
 * The API address of the cloud both tokens live in.
 */
cloud_api: string, 
/**
 * The email of the account that started it (user tokens belong to it), if any.
 */
account: string | null, 
/**
 * Both tokens' name (the new one is made with the old one's name).
 */
name: string, old_token_id: string, new_token_id: string, old_key_hint: string, new_key_hint: string, 
/**
 * Epoch seconds.
 */
started_at: number, 
/**
 * The saved key (by its id in the saved-keys list) that held the old token's key, if any:
 * "Save to keychain" replaces it with the new key.
 */
saved_key_id: string | null, 
/**
 * The reveal slot of the new key while it is open (an id, not a secret; meaningless after
 * a restart).
 */
slot_id: string | null, 
/**
 * Whether the new key was kept (copied, saved or revealed).
 */
key_kept: boolean, 
/**
 * The last failure to delete the old token, in words.
 */
delete_error: string | null, };

/**
 * What "Rotate" returns: the pending rotation and the new key's slot (never the key).
 */
export type RotationStarted = { rotation: PendingRotation, created: CreatedToken, 
/**
 * The label of the saved key that "Save to keychain" replaces, if the old key was saved.
 */
saved_key_label: string | null, 
/**
 * Set when the rotation could not be recorded on disk: it works now, but a restart forgets
 * which token replaces which.
 */
warning: string | null, };

/**
 * What "Delete old token" returns.
 */
export type RotationFinished = { rotation_id: string, deleted_token_id: string, message: string, };

/**
 * The outcome of one "Keep alive".
 */
export type KeepAlive = { 
/**
 * The saved key's id.
 */
id: string, label: string, 
/**
 * Whether Mist accepted the key.
 */
ok: boolean, 
/**
 * The token as Mist shows it after the call (its new `last_used`), when this sign-in can
 * see it.
 */
token: TokenView | null, message: string, };

export type ExportFormat = "csv" | "json";

/**
 * What an export wrote.
 */
export type ExportSummary = { path: string, format: ExportFormat, rows: number, };

/** Every error kind, in the backend's order. */
export const ERROR_KINDS: readonly ErrorKind[] = [
  'network',
  'timeout',
  'tls',
  'unauthorized',
  'forbidden',
  'not_found',
  'rate_limited',
  'invalid_input',
  'two_factor_required',
  'two_factor_invalid',
  'sso_account',
  'sso_cancelled',
  'sso_failed',
  'keychain_unavailable',
  'already_revealed',
  'slot_expired',
  'server',
  'unexpected_response',
  'create_unconfirmed',
  'cloud_unconfirmed',
  'not_signed_in',
  'internal',
] as const;
