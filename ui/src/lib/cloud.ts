import type { CloudInfo } from './api';

export const OTHER_CLOUD = '__other__';

/** "api.mist.com" from "https://api.mist.com"; the input itself when it is not a URL. */
export function apiHost(cloud: Pick<CloudInfo, 'api_url'>): string {
  try {
    return new URL(cloud.api_url).host || cloud.api_url;
  } catch {
    return cloud.api_url;
  }
}

/** Adds or replaces a cloud (by id) in a list, keeping order. */
export function withCloud(list: CloudInfo[], cloud: CloudInfo): CloudInfo[] {
  const i = list.findIndex((c) => c.id === cloud.id);
  if (i === -1) return [...list, cloud];
  const copy = list.slice();
  copy[i] = cloud;
  return copy;
}
