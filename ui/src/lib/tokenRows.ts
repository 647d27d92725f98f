// Rows for the token list: display strings and the lowercase search text are computed once per
// inventory load (the creation date when a row is first rendered), not per render or keystroke;
// filtering derives arrays of references to them.
import type { AppError, Inventory, OrgInfo, TokenView } from './api';
import { formatDate, relativeTime, removalBadge } from './format';

export type Row = {
  t: TokenView;
  /** Lowercase name, key hint and org name, separated by newlines (a query never spans two). */
  search: string;
  /** Formatted on first read (only rendered rows are read): a date format per token is a good
   * part of preparing 2,000 rows. */
  readonly created: string;
  createdBy: string;
  lastUsed: string;
  badge: string | null;
  badgeClass: string;
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

export function toRow(t: TokenView, now: number, orgName: string | null = t.org_name): Row {
  const badge = removalBadge(t);
  let created: string | undefined;
  return {
    t,
    search: `${t.name}\n${t.key_hint}\n${orgName ?? ''}`.toLowerCase(),
    get created() {
      return (created ??= `${formatDate(t.created_time)} (${relativeTime(t.created_time, now)})`);
    },
    createdBy: t.created_by ?? 'unknown',
    lastUsed: relativeTime(t.last_used, now),
    badge,
    badgeClass: badge === null ? '' : t.removal_risk === 'overdue' || t.days_until_removal <= 0 ? 'badge danger' : 'badge warn',
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
      rows: inv.user_tokens ? inv.user_tokens.map((t) => toRow(t, now, null)) : null,
      error: inv.user_tokens_error,
    });
  }
  for (const o of inv.orgs) {
    out.push({
      key: `org:${o.org.id}`,
      title: o.org.name,
      kind: 'org',
      org: o.org,
      rows: o.tokens ? o.tokens.map((t) => toRow(t, now, o.org.name)) : null,
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

/** The rows whose name, key hint or org name contains `q` (already trimmed and lowercase): one
 * `includes` per row; returns `rows` itself when `q` is empty. */
export function filterRows(rows: Row[], q: string): Row[] {
  if (!q) return rows;
  const out: Row[] = [];
  for (const r of rows) if (r.search.includes(q)) out.push(r);
  return out;
}

/** The rows with at least one health mark (the "Needs attention" filter); `rows` itself when off. */
export function filterAttention(rows: Row[], on: boolean): Row[] {
  if (!on) return rows;
  const out: Row[] = [];
  for (const r of rows) if (r.t.health.length > 0) out.push(r);
  return out;
}

/** "1 token needs attention", "3 tokens need attention" */
export function attentionText(n: number): string {
  return `${tokensText(n)} need${n === 1 ? 's' : ''} attention`;
}

/** How far the list grows by itself as the admin scrolls, and how many more rows each "Show more" adds. */
export const ROW_BUDGET = 150;

/** The list renders `firstRows(innerHeight)` rows at first, and again after each keystroke in
 * the filter: a screenful (a row is at least 100 px tall) and 3 more. It grows by GROW_ROWS per
 * frame while its end is within a screen below the viewport, up to the budget. */
export function firstRows(viewportHeight: number): number {
  return Math.min(24, Math.max(8, Math.ceil(viewportHeight / 100) + 3));
}
export const GROW_ROWS = 24;

/** At most this many rendered rows stay in the DOM, hidden, while the filter changes. */
export const KEEP_ROWS = 4 * ROW_BUDGET;

/**
 * The number of rows to render in each section, in display order: sections take rows from one
 * global budget until it is spent; an expanded section renders all its rows (and uses up budget).
 * `counts[i]`: the rows (matches) of section i; `expanded[i]`: whether the admin expanded it.
 */
export function planRows(counts: number[], budget: number, expanded: boolean[]): number[] {
  let left = budget;
  return counts.map((n, i) => {
    const shown = expanded[i] ? n : Math.min(n, left);
    left = Math.max(0, left - shown);
    return shown;
  });
}

/**
 * How many sections to render while the list is still growing: the sections up to the one in
 * which `plan` uses up `limit` rows, when rows are left after it; all of them otherwise. (Once
 * grown to its budget, every section renders, the ones past it as a heading and a button.)
 */
export function sectionsUpTo(counts: number[], plan: number[], limit: number): number {
  let used = 0;
  for (let i = 0; i < counts.length; i++) {
    used += plan[i];
    if (used < limit) continue;
    const left = counts[i] > plan[i] || counts.slice(i + 1).some((n) => n > 0);
    return left ? i + 1 : counts.length;
  }
  return counts.length;
}

const numberFmt = new Intl.NumberFormat('en-US');
/** "2,004" */
export function formatCount(n: number): string {
  return numberFmt.format(n);
}

/** "1 token", "2,004 tokens" */
export function tokensText(n: number): string {
  return `${formatCount(n)} token${n === 1 ? '' : 's'}`;
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
