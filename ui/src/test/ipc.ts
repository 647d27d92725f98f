// Test helpers: a mockIPC router that records every call, and builders for backend data.
import { mockIPC } from '@tauri-apps/api/mocks';
import type { AppError, CloudInfo, Inventory, OrgInfo, SessionInfo, TokenView } from '../lib/api';

export type Call = { cmd: string; args: Record<string, unknown> };
type Handler = (args: Record<string, unknown>) => unknown;

/** Routes commands to handlers; an unknown command fails the test loudly. Returns the call log. */
export function mockCommands(handlers: Record<string, Handler | unknown>): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    if (!(cmd in handlers)) throw new Error(`unexpected command in test: ${cmd}`);
    const h = handlers[cmd];
    return typeof h === 'function' ? (h as Handler)(args) : h;
  });
  return calls;
}

export const argsOf = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
export const cmds = (calls: Call[]) => calls.map((c) => c.cmd);

export function fail(e: Partial<AppError> & { kind: AppError['kind'] }): never {
  throw { message: 'Something failed.', ...e };
}

export const GLOBAL01: CloudInfo = {
  id: 'global01',
  name: 'Global 01',
  api_url: 'https://api.mist.com',
  portal_host: 'manage.mist.com',
  is_mist: true,
};
export const EMEA01: CloudInfo = {
  id: 'emea01',
  name: 'EMEA 01',
  api_url: 'https://api.eu.mist.com',
  portal_host: 'manage.eu.mist.com',
  is_mist: true,
};
export const SIM: CloudInfo = {
  id: 'custom-0',
  name: 'Demo cloud',
  api_url: 'http://127.0.0.1:8787',
  portal_host: null,
  is_mist: false,
};

export const ACME: OrgInfo = { id: 'org-acme', name: 'Acme Retail', role: 'admin', can_manage_tokens: true };
export const BETA: OrgInfo = { id: 'org-beta', name: 'Beta Labs', role: 'read', can_manage_tokens: false };

export function session(over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    cloud: GLOBAL01,
    identity: { kind: 'user', email: 'ada@example.com', name: 'Ada Lovelace', via_sso: false },
    method: 'password',
    privileges: [],
    orgs: [ACME, BETA],
    can_create_user_tokens: true,
    remembered: false,
    ...over,
  };
}

export const NOW = Math.floor(Date.now() / 1000);
const DAY = 86400;

export function token(over: Partial<TokenView> = {}): TokenView {
  return {
    id: 'tok-1',
    kind: 'user',
    org_id: null,
    org_name: null,
    name: 'Monitoring script',
    key_hint: 'abcd...wxyz',
    created_time: NOW - 30 * DAY,
    created_by: 'ada@example.com',
    last_used: NOW - 3 * DAY,
    privileges: [],
    access_summary: 'Same access as you',
    src_ips: [],
    days_until_removal: 87,
    removal_risk: 'ok',
    is_session_token: false,
    health: [],
    saved: false,
    rotation: null,
    ...over,
  };
}

export function orgToken(over: Partial<TokenView> = {}): TokenView {
  return token({
    id: 'otok-1',
    kind: 'org',
    org_id: ACME.id,
    org_name: ACME.name,
    name: 'CI pipeline',
    privileges: [{ scope: 'org', role: 'read', org_id: ACME.id, site_id: null, sitegroup_id: null, msp_id: null, name: null, summary: 'Read only on Acme Retail' }],
    access_summary: 'Read only · whole organization',
    ...over,
  });
}

export function inventoryOf(over: Partial<Inventory> = {}): Inventory {
  return {
    user_tokens: [token()],
    user_tokens_error: null,
    orgs: [
      { org: ACME, tokens: [orgToken()], error: null },
      { org: BETA, tokens: [], error: null },
    ],
    fetched_at: NOW,
    attention: 0,
    saved_keys: [],
    ...over,
  };
}

/**
 * The backend's view of reveal slots, as `slot_status` reports it: reveal, copy and save mark the
 * slot, and a second reveal fails as the backend does. Spread into `mockCommands`; any handler
 * given after it (a failing `save_key`, say) replaces that one command.
 */
export function fakeSlots(key = 'THE-KEY') {
  const state = new Map<string, { revealed: boolean; copied: boolean; saved: boolean }>();
  const of = (a: Record<string, unknown>) => {
    const id = String(a.slotId);
    if (!state.has(id)) state.set(id, { revealed: false, copied: false, saved: false });
    return state.get(id)!;
  };
  return {
    reveal_key: (a: Record<string, unknown>) => {
      const s = of(a);
      if (s.revealed) fail({ kind: 'already_revealed', message: 'The key was already shown.' });
      s.revealed = true;
      return { key };
    },
    copy_key: (a: Record<string, unknown>) => {
      of(a).copied = true;
      return { clears_in_s: 30 };
    },
    save_key: (a: Record<string, unknown>) => {
      of(a).saved = true;
      return { id: 'k1', label: a.label };
    },
    slot_status: (a: Record<string, unknown>) => ({ slot_id: a.slotId, expires_in_s: 600, ...of(a) }),
    dismiss_key: null,
  };
}
