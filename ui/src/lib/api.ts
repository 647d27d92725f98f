// The only module that talks to the backend. Every command of docs/ipc.md has a typed wrapper here.
// Argument keys are camelCase (Tauri maps them to the Rust snake_case parameters); return values
// keep the backend's snake_case field names.
import { invoke } from '@tauri-apps/api/core';

import { ERROR_KINDS } from './bindings';
import type {
  ApiUsage,
  AppError,
  CloudInfo,
  CopyResult,
  CreatedToken,
  EmailLookup,
  ErrorKind,
  ExportSummary,
  Inventory,
  KeepAlive,
  KeyTest,
  OrgDetails,
  OrgTokens,
  PrivilegeInput,
  RevealedKey,
  RotationFinished,
  RotationStarted,
  SavedKey,
  SavedKeyList,
  SessionInfo,
  SignInResult,
  SlotStatus,
  TokenKind,
  TokenView,
  UsageExamples,
  Diagnostics,
  UpdateCheck,
  UpdateInstalled,
  UpdateSettings,
} from './bindings';

// The IPC types are generated from the Rust types (ui/src/lib/bindings.ts); they are re-exported
// here so that the UI imports everything from this one module.
export type * from './bindings';
export { ERROR_KINDS };

/** The inventory's per-organization part (the generated name is OrgTokens). */
export type OrgInventory = OrgTokens;

const KINDS: ReadonlySet<string> = new Set<string>(ERROR_KINDS);

/** Turns whatever a command rejected with into the AppError shape. */
export function asAppError(e: unknown): AppError {
  if (e && typeof e === 'object' && 'kind' in e && 'message' in e) {
    const o = e as Record<string, unknown>;
    if (typeof o.kind === 'string' && typeof o.message === 'string') {
      const err: AppError = {
        kind: (KINDS.has(o.kind) ? o.kind : 'internal') as ErrorKind,
        message: o.message,
      };
      if (typeof o.field === 'string') err.field = o.field;
      if (typeof o.retry_after_s === 'number') err.retry_after_s = o.retry_after_s;
      if (typeof o.token_id === 'string') err.token_id = o.token_id;
      return err;
    }
  }
  let message: string;
  if (typeof e === 'string' && e.trim() !== '') message = e;
  else if (e instanceof Error && e.message) message = e.message;
  else message = 'Something went wrong inside the app. Please try again.';
  return { kind: 'internal', message };
}

/** Calls a command and rejects with an AppError (never anything else). */
async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asAppError(e);
  }
}

// ---- clouds and sign-in ----
export const listClouds = () => call<CloudInfo[]>('list_clouds');
export const resolveCloud = (input: string) => call<CloudInfo>('resolve_cloud', { input });
export const findCloudByEmail = (email: string) => call<EmailLookup>('find_cloud_by_email', { email });
export const warmUpCloud = (cloudId: string) => call<null>('warm_up_cloud', { cloudId });
export const signInPassword = (cloudId: string, email: string, password: string, twoFactor?: string) =>
  call<SignInResult>('sign_in_password', { cloudId, email, password, twoFactor: twoFactor ?? null });
/** Opens the company login window and resolves once it reached the Mist portal (or rejects:
 * `sso_cancelled` when the admin closed it, `sso_failed` when the IdP refused or it timed out). */
export const signInSso = (cloudId: string, email: string) => call<SessionInfo>('sign_in_sso', { cloudId, email });
export const submitTwoFactor = (code: string) => call<SessionInfo>('submit_two_factor', { code });
export const signInToken = (token: string, remember: boolean, cloudId?: string | null) =>
  call<SessionInfo>('sign_in_token', { token, cloudId: cloudId ?? null, remember });
export const restoreSession = () => call<SessionInfo | null>('restore_session');
export const sessionInfo = () => call<SessionInfo | null>('session_info');
export const signOut = (forgetRemembered: boolean) => call<null>('sign_out', { forgetRemembered });

// ---- organizations and tokens ----
export const orgDetails = (orgId: string) => call<OrgDetails>('org_details', { orgId });
export const inventory = () => call<Inventory>('inventory');

// The inventory is asked for as soon as a sign-in succeeds, before the token list is mounted,
// so its requests to Mist overlap with drawing the header and the list; the list's first load
// takes that answer (`takeInventory`). A later load (Refresh, Retry) asks anew.
let early: Promise<Inventory> | null = null;
/** Asks for the inventory now, for the token list's first load. */
export function askInventoryEarly(): void {
  early = inventory();
  early.catch(() => {}); // the list sees the failure when it takes it
}
/** The inventory asked for at sign-in, if not taken yet; otherwise a new request. */
export function takeInventory(): Promise<Inventory> {
  const p = early ?? inventory();
  early = null;
  return p;
}
/** Forgets an inventory asked for early and not taken (signed out meanwhile). */
export function dropEarlyInventory(): void {
  early = null;
}
export const createUserToken = (name: string) => call<CreatedToken>('create_user_token', { name });
export const createOrgToken = (orgId: string, name: string, privileges: PrivilegeInput[], srcIps: string[]) =>
  call<CreatedToken>('create_org_token', { orgId, name, privileges, srcIps });
export const renameToken = (kind: TokenKind, orgId: string | null, tokenId: string, name: string) =>
  call<TokenView>('rename_token', { kind, orgId, tokenId, name });
export const updateOrgTokenAccess = (orgId: string, tokenId: string, privileges: PrivilegeInput[]) =>
  call<TokenView>('update_org_token_access', { orgId, tokenId, privileges });
export const deleteToken = (kind: TokenKind, orgId: string | null, tokenId: string) =>
  call<null>('delete_token', { kind, orgId, tokenId });
/** The inventory as changed in the app since it was fetched, marked again, without a request to Mist. */
export const currentInventory = () => call<Inventory>('current_inventory');

// ---- token lifecycle ----
/** Rotate, step one: creates the replacement (`srcIps` null = keep the old token's). Nothing is deleted. */
export const startRotation = (kind: TokenKind, orgId: string | null, tokenId: string, srcIps: string[] | null) =>
  call<RotationStarted>('start_rotation', { kind, orgId, tokenId, srcIps });
/** Rotate, step two ("Delete old token"): refused until the new key was kept. */
export const finishRotation = (rotationId: string) => call<RotationFinished>('finish_rotation', { rotationId });
/** Writes the inventory where the admin chooses (native dialog); null when cancelled. */
export const exportInventory = () => call<ExportSummary | null>('export_inventory');
/** The signed-in account's API calls this hour against Mist's limit. */
export const apiUsage = () => call<ApiUsage>('api_usage');
/** One `GET /self` with each saved key, then its token's new last use. */
export const keepAlive = (ids: string[]) => call<KeepAlive[]>('keep_alive', { ids });

// ---- the one-time reveal slot ----
export const revealKey = (slotId: string) => call<RevealedKey>('reveal_key', { slotId });
export const copyKey = (slotId: string) => call<CopyResult>('copy_key', { slotId });
export const saveKey = (slotId: string, label: string) => call<SavedKey>('save_key', { slotId, label });
export const slotStatus = (slotId: string) => call<SlotStatus>('slot_status', { slotId });
export const dismissKey = (slotId: string) => call<null>('dismiss_key', { slotId });

// ---- saved keys (keychain) ----
export const listSavedKeys = () => call<SavedKeyList>('list_saved_keys');
export const copySavedKey = (id: string) => call<CopyResult>('copy_saved_key', { id });
export const testSavedKey = (id: string) => call<KeyTest>('test_saved_key', { id });
export const confirmSavedKeyCloud = (id: string, cloudId: string) =>
  call<SavedKey>('confirm_saved_key_cloud', { id, cloudId });
export const renameSavedKey = (id: string, label: string) => call<SavedKey>('rename_saved_key', { id, label });
export const forgetSavedKey = (id: string) => call<null>('forget_saved_key', { id });
export const repairSavedKeys = () => call<SavedKeyList>('repair_saved_keys');

// ---- how to use a key (the backend fills the key in; the web view never sees it) ----
export const usageExamplesForSlot = (slotId: string) => call<UsageExamples>('usage_examples_for_slot', { slotId });
export const usageExamplesForSavedKey = (id: string) => call<UsageExamples>('usage_examples_for_saved_key', { id });
export const copyUsageWithSlotKey = (slotId: string, example: string) =>
  call<CopyResult>('copy_usage_with_slot_key', { slotId, example });
export const copyUsageWithSavedKey = (id: string, example: string) =>
  call<CopyResult>('copy_usage_with_saved_key', { id, example });

// ---- start-up probe ----
/** The sign-in screen (or the token list) is up; `marks`: the page's start-up milestones. */
export const uiReady = (marks: Array<[string, number]> = []) => call<null>('ui_ready', { marks });

// ---- support ----
/** What "Copy diagnostics" put on the clipboard (no secret in it), and how many log lines. */
export const copyDiagnostics = () => call<Diagnostics>('copy_diagnostics');

// ---- updates (checked and installed by the backend; the web view has no updater permission) ----
export const checkForUpdate = () => call<UpdateCheck>('check_for_update');
export const checkForUpdateAtStart = () => call<UpdateCheck | null>('check_for_update_at_start');
export const installUpdate = () => call<UpdateInstalled>('install_update');
export const updateSettings = () => call<UpdateSettings>('update_settings');
export const setUpdateCheckAtStart = (enabled: boolean) => call<UpdateSettings>('set_update_check_at_start', { enabled });
export const restartApp = () => call<null>('restart_app');
