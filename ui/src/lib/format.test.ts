import { describe, it, expect } from 'vitest';
import { errorText, relativeTime, removalBadge } from './format';
import { isIpOrCidr, splitSrcIps, srcIpsProblem } from './ip';
import { buildPrivileges, accessFromPrivileges } from './access';

describe('relativeTime', () => {
  const now = 1_700_000_000;
  it('speaks plainly', () => {
    expect(relativeTime(null, now)).toBe('never');
    expect(relativeTime(now - 10, now)).toBe('just now');
    expect(relativeTime(now - 5 * 60, now)).toBe('5 minutes ago');
    expect(relativeTime(now - 3600, now)).toBe('1 hour ago');
    expect(relativeTime(now - 3 * 86400, now)).toBe('3 days ago');
    expect(relativeTime(now - 1 * 86400, now)).toBe('1 day ago');
    expect(relativeTime(now - 400 * 86400, now)).toBe('1 year ago');
  });
});

describe('removalBadge', () => {
  it('says days left or overdue in words', () => {
    expect(removalBadge({ removal_risk: 'soon', days_until_removal: 6 })).toBe('Removed in 6 days if unused');
    expect(removalBadge({ removal_risk: 'soon', days_until_removal: 1 })).toBe('Removed in 1 day if unused');
    expect(removalBadge({ removal_risk: 'overdue', days_until_removal: -2 })).toBe('Overdue for removal');
    expect(removalBadge({ removal_risk: 'ok', days_until_removal: 60 })).toBeNull();
  });
});

describe('errorText', () => {
  it('adds the wait to rate limits', () => {
    expect(errorText({ kind: 'rate_limited', message: 'Mist is busy.', retry_after_s: 120 })).toBe(
      'Mist is busy. Please wait 2 minutes before trying again.',
    );
    expect(errorText({ kind: 'network', message: 'No network.' })).toBe('No network.');
    // Not twice when the backend already says it.
    const m = 'Mist asks this app to slow down: too many requests were made. Try again in 45 seconds.';
    expect(errorText({ kind: 'rate_limited', message: m, retry_after_s: 45 })).toBe(m);
  });
});

describe('source IPs', () => {
  it('accepts IPv4, IPv6 and CIDR', () => {
    for (const ok of ['10.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::1', '2001:db8::/32', '::1', '::', 'fe80::1:2:3:4', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8'])
      expect(isIpOrCidr(ok), ok).toBe(true);
  });
  it('rejects the rest', () => {
    for (const bad of ['10.0.0', '256.1.1.1', '10.0.0.1/33', '2001:db8::/129', 'example.com', '1:2:3:4:5:6:7:8:9', '1::2::3', '01.2.3.4', '10.0.0.1/'])
      expect(isIpOrCidr(bad), bad).toBe(false);
  });
  it('splits on commas and new lines and counts at most 10', () => {
    expect(splitSrcIps('10.0.0.1, 10.0.0.2\n\n10.0.0.3')).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    const eleven = Array.from({ length: 11 }, (_, i) => `10.0.0.${i}`).join(',');
    expect(srcIpsProblem(eleven)).toMatch(/At most 10/);
    expect(srcIpsProblem('10.0.0.1, nope')).toMatch(/“nope” is not an IP address/);
    expect(srcIpsProblem('')).toBeNull();
  });
});

describe('privileges', () => {
  it('builds per scope and round-trips', () => {
    expect(buildPrivileges({ role: 'read', where: 'org', siteIds: [], groupIds: [] })).toEqual({ privileges: [{ scope: 'org', role: 'read' }] });
    expect(buildPrivileges({ role: 'write', where: 'site', siteIds: [], groupIds: [] })).toHaveProperty('problem');
    const sites = buildPrivileges({ role: 'write', where: 'site', siteIds: ['s1', 's2'], groupIds: [] });
    expect(sites).toEqual({ privileges: [{ scope: 'site', role: 'write', site_id: 's1' }, { scope: 'site', role: 'write', site_id: 's2' }] });
    expect(accessFromPrivileges([{ scope: 'site', role: 'write', site_id: 's1', org_id: null, sitegroup_id: null, msp_id: null, name: null, summary: '' }])).toEqual({ role: 'write', where: 'site', siteIds: ['s1'], groupIds: [] });
  });
});
