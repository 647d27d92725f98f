// Rows for the token list: display strings are computed once per inventory load, not per keystroke.
import type { AppError, Inventory, OrgInfo, TokenView } from './api';
import { formatDate, relativeTime, removalBadge } from './format';

export type Row = {
  t: TokenView;
  lname: string;
  created: string;
  lastUsed: string;
  badge: string | null;
  ips: string;
};

export type Section = {
  key: string;
  title: string;
  kind: 'user' | 'org';
  org: OrgInfo | null;
  rows: Row[] | null;
  error: AppError | null;
};

export type SortKey = 'name' | 'last_used_desc' | 'last_used_asc' | 'created_desc';

export const SORTS: { value: SortKey; label: string }[] = [
  { value: 'name', label: 'Name (A to Z)' },
  { value: 'last_used_desc', label: 'Last used (most recent first)' },
  { value: 'last_used_asc', label: 'Last used (longest ago first)' },
  { value: 'created_desc', label: 'Created (newest first)' },
];

export function toRow(t: TokenView, now: number): Row {
  return {
    t,
    lname: t.name.toLowerCase(),
    created: `${formatDate(t.created_time)} (${relativeTime(t.created_time, now)})`,
    lastUsed: relativeTime(t.last_used, now),
    badge: removalBadge(t),
    ips: t.src_ips.length ? t.src_ips.join(', ') : 'Any address',
  };
}

export function toSections(inv: Inventory, now: number): Section[] {
  const out: Section[] = [];
  if (inv.user_tokens !== null || inv.user_tokens_error) {
    out.push({
      key: 'user',
      title: 'My tokens',
      kind: 'user',
      org: null,
      rows: inv.user_tokens ? inv.user_tokens.map((t) => toRow(t, now)) : null,
      error: inv.user_tokens_error,
    });
  }
  for (const o of inv.orgs) {
    out.push({
      key: `org:${o.org.id}`,
      title: o.org.name,
      kind: 'org',
      org: o.org,
      rows: o.tokens ? o.tokens.map((t) => toRow(t, now)) : null,
      error: o.error,
    });
  }
  return out;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export function sortRows(rows: Row[], key: SortKey): Row[] {
  const copy = rows.slice();
  switch (key) {
    case 'name':
      return copy.sort((a, b) => collator.compare(a.t.name, b.t.name));
    case 'last_used_desc':
      // Most recently used first; never used last.
      return copy.sort((a, b) => (b.t.last_used ?? -1) - (a.t.last_used ?? -1));
    case 'last_used_asc':
      // Never used first, then longest ago.
      return copy.sort((a, b) => (a.t.last_used ?? -1) - (b.t.last_used ?? -1));
    case 'created_desc':
      return copy.sort((a, b) => b.t.created_time - a.t.created_time);
  }
}

export function filterRows(rows: Row[], q: string): Row[] {
  if (!q) return rows;
  const out: Row[] = [];
  for (const r of rows) if (r.lname.includes(q)) out.push(r);
  return out;
}

/** Applies a change to the tokens of one section (user tokens, or one org's), immutably. */
export function patchInventory(
  inv: Inventory,
  orgId: string | null,
  fn: (tokens: TokenView[]) => TokenView[],
): Inventory {
  if (orgId === null) return { ...inv, user_tokens: fn(inv.user_tokens ?? []) };
  return { ...inv, orgs: inv.orgs.map((o) => (o.org.id === orgId ? { ...o, tokens: fn(o.tokens ?? []) } : o)) };
}
