// Source IP list parsing and validation (the backend validates too; this only gives early feedback).
export const MAX_SRC_IPS = 10;

export function splitSrcIps(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0')));
}

function isIPv6(s: string): boolean {
  if (s.length < 2 || !/^[0-9a-fA-F:.]+$/.test(s)) return false;
  let groups = 8;
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    body = s.slice(0, lastColon + 1) + '0';
    groups = 7;
  }
  const dbl = body.split('::');
  if (dbl.length > 2) return false;
  const hex = (g: string) => /^[0-9a-fA-F]{1,4}$/.test(g);
  if (dbl.length === 2) {
    const left = dbl[0] === '' ? [] : dbl[0].split(':');
    const right = dbl[1] === '' ? [] : dbl[1].split(':');
    if (![...left, ...right].every(hex)) return false;
    return left.length + right.length < groups;
  }
  const all = body.split(':');
  return all.length === groups && all.every(hex);
}

/** True for an IPv4/IPv6 address or CIDR range. */
export function isIpOrCidr(s: string): boolean {
  const slash = s.indexOf('/');
  const addr = slash === -1 ? s : s.slice(0, slash);
  const prefix = slash === -1 ? null : s.slice(slash + 1);
  if (prefix !== null && !/^\d{1,3}$/.test(prefix)) return false;
  if (isIPv4(addr)) return prefix === null || Number(prefix) <= 32;
  if (isIPv6(addr)) return prefix === null || Number(prefix) <= 128;
  return false;
}

/** Null when fine, otherwise a plain sentence saying what is wrong. */
export function srcIpsProblem(text: string): string | null {
  const items = splitSrcIps(text);
  const bad = items.filter((s) => !isIpOrCidr(s));
  if (bad.length === 1) {
    return `“${bad[0]}” is not an IP address or range. Use addresses like 203.0.113.5, 203.0.113.0/24 or 2001:db8::/32.`;
  }
  if (bad.length > 1) {
    return `These are not IP addresses or ranges: ${bad.map((b) => `“${b}”`).join(', ')}. Use addresses like 203.0.113.5 or 203.0.113.0/24.`;
  }
  if (items.length > MAX_SRC_IPS) {
    return `At most ${MAX_SRC_IPS} addresses or ranges are allowed; you entered ${items.length}.`;
  }
  return null;
}
