// Start-up helpers: whether to wait for the remembered sign-in before showing anything, and the
// page's start-up milestones for the benchmark.

const HINT_KEY = 'mtm.rememberedSignIn';

/**
 * Whether the last run left a remembered sign-in in the keychain. Only a hint, kept in this
 * window's local storage (a yes or no, never a token): with it the app restores the session before
 * showing anything; without it the sign-in screen comes up at once and the keychain is asked right
 * after (a token remembered by an older version, or with the storage cleared, still signs in).
 */
export function rememberedHint(): boolean {
  try {
    return localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return false;
  }
}

export function setRememberedHint(remembered: boolean): void {
  try {
    if (remembered) localStorage.setItem(HINT_KEY, '1');
    else localStorage.removeItem(HINT_KEY);
  } catch {
    // No storage: every start shows the sign-in screen first, then restores.
  }
}

/** The page's start-up milestones as [name, ms since the Unix epoch], for `ui_ready`. */
export function pageMarks(): Array<[string, number]> {
  const at = (t: number): number => Math.round((performance.timeOrigin + t) * 10) / 10;
  const marks: Array<[string, number]> = [['page navigation start', at(0)]];
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (nav) {
    marks.push(['page document received', at(nav.responseEnd)]);
    marks.push(['page dom interactive', at(nav.domInteractive)]);
  }
  for (const name of ['mtm:bundle-run', 'mtm:mounted', 'mtm:rendered', 'mtm:ready']) {
    const m = performance.getEntriesByName(name, 'mark')[0];
    if (m) marks.push([`page ${name.slice(4).replace('-', ' ')}`, at(m.startTime)]);
  }
  return marks;
}
