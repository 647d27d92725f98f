// Building and reading the privileges of an org token (whole org / chosen sites / chosen site groups).
import type { Privilege, PrivilegeInput } from './api';

export type Where = 'org' | 'site' | 'sitegroup';

export type AccessChoice = { role: string; where: Where; siteIds: string[]; groupIds: string[] };

/** Null when the choice is incomplete (with the reason), otherwise the privileges to send. */
export function buildPrivileges(a: AccessChoice): { privileges: PrivilegeInput[] } | { problem: string } {
  if (a.where === 'org') return { privileges: [{ scope: 'org', role: a.role }] };
  if (a.where === 'site') {
    if (a.siteIds.length === 0) return { problem: 'Choose at least one site, or give access to the whole organization.' };
    return { privileges: a.siteIds.map((site_id) => ({ scope: 'site' as const, role: a.role, site_id })) };
  }
  if (a.groupIds.length === 0) return { problem: 'Choose at least one site group, or give access to the whole organization.' };
  return { privileges: a.groupIds.map((sitegroup_id) => ({ scope: 'sitegroup' as const, role: a.role, sitegroup_id })) };
}

/** The current access of a token, as the editor shows it. */
export function accessFromPrivileges(privs: Privilege[]): AccessChoice {
  const role = privs[0]?.role ?? 'read';
  const sites = privs.filter((p) => p.scope === 'site' && p.site_id).map((p) => p.site_id as string);
  const groups = privs.filter((p) => p.scope === 'sitegroup' && p.sitegroup_id).map((p) => p.sitegroup_id as string);
  if (privs.some((p) => p.scope === 'org') || (sites.length === 0 && groups.length === 0)) {
    return { role, where: 'org', siteIds: [], groupIds: [] };
  }
  if (sites.length > 0) return { role, where: 'site', siteIds: sites, groupIds: [] };
  return { role, where: 'sitegroup', siteIds: [], groupIds: groups };
}
