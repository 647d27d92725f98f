// Plain-language formatting helpers (no secrets pass through here).
import type { AppError, TokenView } from './api';

/** The roles Mist gives a token, as the create and access dialogs offer them. */
export type Role = 'admin' | 'write' | 'read' | 'helpdesk' | 'installer';

const MIN = 60;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "just now", "5 minutes ago", "3 days ago", "never". `now` in epoch seconds. */
export function relativeTime(epoch: number | null | undefined, now: number): string {
  if (epoch === null || epoch === undefined) return 'never';
  const d = Math.max(0, now - epoch);
  if (d < MIN) return 'just now';
  if (d < HOUR) return `${plural(Math.floor(d / MIN), 'minute')} ago`;
  if (d < DAY) return `${plural(Math.floor(d / HOUR), 'hour')} ago`;
  if (d < 60 * DAY) return `${plural(Math.floor(d / DAY), 'day')} ago`;
  if (d < 365 * DAY) return `${plural(Math.floor(d / (30 * DAY)), 'month')} ago`;
  return `${plural(Math.floor(d / (365 * DAY)), 'year')} ago`;
}

// Made on first use, not when the module loads: the sign-in screen imports this module, and an
// Intl formatter costs the start-up the locale data it loads.
let dateFmt: Intl.DateTimeFormat | null = null;
let dateTimeFmt: Intl.DateTimeFormat | null = null;

export function formatDate(epoch: number): string {
  dateFmt ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  return dateFmt.format(new Date(epoch * 1000));
}
export function formatDateTime(epoch: number): string {
  dateTimeFmt ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return dateTimeFmt.format(new Date(epoch * 1000));
}

/** Makes the date formatters (their locale data loaded) ahead of the token list, which needs them
 * for its first rows: the sign-in screen calls it while the admin types the password. */
export function prepareDateFormats(): void {
  formatDate(0);
  formatDateTime(0);
}

/** Whether `prepareDateFormats` (or a first date) has made the formatters. */
export function dateFormatsReady(): boolean {
  return dateFmt !== null && dateTimeFmt !== null;
}

/** Text of the removal badge, or null when no badge is due. */
export function removalBadge(t: Pick<TokenView, 'removal_risk' | 'days_until_removal'>): string | null {
  if (t.removal_risk === 'overdue' || t.days_until_removal <= 0) return 'Overdue for removal';
  if (t.removal_risk === 'soon') {
    const n = t.days_until_removal;
    return n === 1 ? 'Removed in 1 day if unused' : `Removed in ${n} days if unused`;
  }
  return null;
}

/** "2 minutes", "45 seconds". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return plural(s, 'second');
  if (s < 90 * MIN) return plural(Math.round(s / MIN), 'minute');
  return plural(Math.round(s / HOUR), 'hour');
}

/** The message to show for an error; for rate limits it always says how long to wait. */
export function errorText(err: AppError): string {
  let text = err.message || 'Something went wrong. Please try again.';
  // The backend's message usually says how long already ("Try again in 45 seconds."); add it only if not.
  const saysWait = /\d/.test(text) && /(try again|wait)/i.test(text);
  if (err.kind === 'rate_limited' && typeof err.retry_after_s === 'number' && !saysWait) {
    text += ` Please wait ${duration(err.retry_after_s)} before trying again.`;
  }
  return text;
}

export const ROLES: { value: Role; label: string; help: string }[] = [
  { value: 'admin', label: 'Super user (admin)', help: 'Can see and change everything, including admins and tokens.' },
  { value: 'write', label: 'Network admin (write)', help: 'Can see and change the network configuration, but not admins or tokens.' },
  { value: 'read', label: 'Observer (read only)', help: 'Can see everything and change nothing. The safest choice for reports and monitoring.' },
  { value: 'helpdesk', label: 'Helpdesk', help: 'Can see the network and do helpdesk tasks such as reconnecting clients.' },
  { value: 'installer', label: 'Installer', help: 'Can claim, assign and place devices during installation.' },
];

export function roleHelp(role: string): string {
  return ROLES.find((r) => r.value === role)?.help ?? '';
}
