import { describe, it, expect, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import Tokens from './Tokens.svelte';
import { filterRows, firstRows, GROW_ROWS, planRows, ROW_BUDGET, sectionsUpTo, sortRows, toRow } from './tokenRows';
import { ACME, argsOf, BETA, cmds, fail, fakeSlots, inventoryOf, mockCommands, NOW, orgToken, session, token } from '../test/ipc';
import type { SessionInfo } from './api';

const DAY = 86400;

function setup(handlers: Record<string, unknown>, s: SessionInfo = session()) {
  const calls = mockCommands(handlers);
  const onsessionlost = vi.fn();
  render(Tokens, { session: s, onsessionlost });
  return { calls, onsessionlost, user: userEvent.setup() };
}

// Shown rows: rows that stopped matching the filter stay in the DOM, hidden.
const row = (id: string) => document.querySelector(`[data-token-id="${id}"]:not([hidden])`) as HTMLElement;
const names = () => Array.from(document.querySelectorAll('[data-token-id]:not([hidden]) .token-name')).map((e) => e.textContent);

describe('Tokens list', () => {
  it('groups user tokens and each org, with plain facts per token', async () => {
    setup({
      inventory: inventoryOf({
        user_tokens: [
          token({ id: 'u1', name: 'Laptop script', last_used: null, removal_risk: 'soon', days_until_removal: 6, src_ips: ['10.0.0.0/8', '192.0.2.1'] }),
          token({ id: 'u2', name: 'Old thing', removal_risk: 'overdue', days_until_removal: -3, last_used: NOW - 100 * DAY }),
        ],
      }),
    });
    const sections = await screen.findAllByRole('region');
    expect(sections.map((s) => within(s).getByRole('heading', { level: 2 }).textContent)).toEqual(['My tokens', 'Acme Retail', 'Beta Labs']);
    const r1 = row('u1');
    expect(r1).toHaveAccessibleName('Laptop script');
    expect(within(r1).getByText('never')).toBeInTheDocument();
    expect(within(r1).getByText('Removed in 6 days if unused')).toBeInTheDocument();
    expect(within(r1).getByText('10.0.0.0/8, 192.0.2.1')).toBeInTheDocument();
    expect(within(r1).getByText('ada@example.com')).toBeInTheDocument();
    expect(within(r1).getByText('Same access as you')).toBeInTheDocument();
    expect(within(row('u2')).getByText('Overdue for removal')).toBeInTheDocument();
    expect(within(row('otok-1')).getByText('3 days ago')).toBeInTheDocument();
    expect(within(row('otok-1')).getByText('Read only · whole organization')).toBeInTheDocument();
    expect(within(row('otok-1')).getByText('Any address')).toBeInTheDocument();
    // Per-row buttons are named exactly, described by the token name.
    const del = within(r1).getByRole('button', { name: 'Delete' });
    expect(del).toHaveAccessibleDescription('Laptop script');
    expect(within(row('otok-1')).getByRole('button', { name: 'Change access' })).toBeInTheDocument();
    expect(within(r1).queryByRole('button', { name: 'Change access' })).not.toBeInTheDocument();
  });

  it('says what to do when a section is empty', async () => {
    setup({ inventory: inventoryOf({ user_tokens: [], orgs: [{ org: ACME, tokens: [], error: null }, { org: BETA, tokens: [], error: null }] }) });
    expect(await screen.findByText(/You have no user tokens yet\.\s+Choose “Create token” to make one\./)).toBeInTheDocument();
    expect(screen.getByText(/This organization has no API tokens yet\. Choose “Create token”/)).toBeInTheDocument();
    expect(screen.getByText(/Only its Super Users can create them/)).toBeInTheDocument();
  });

  it('filters by name and says when nothing matches', async () => {
    const { user } = setup({
      inventory: inventoryOf({ user_tokens: [token({ id: 'a', name: 'Alpha' }), token({ id: 'b', name: 'Beta report' })] }),
    });
    await screen.findByRole('heading', { name: 'My tokens' });
    const filter = screen.getByRole('searchbox', { name: 'Filter tokens' });
    await user.type(filter, 'BETA');
    expect(names()).toEqual(['Beta report']);
    expect(screen.getByText('1 of 2 tokens')).toBeInTheDocument();
    await user.clear(filter);
    await user.type(filter, 'zzz');
    expect(names()).toEqual([]);
    expect(screen.getByText(/No tokens match “zzz”/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear the filter' }));
    expect(names()).toHaveLength(3);
  });

  it('sorts by last used', async () => {
    const { user } = setup({
      inventory: inventoryOf({
        user_tokens: [
          token({ id: 'a', name: 'A week', last_used: NOW - 7 * DAY }),
          token({ id: 'b', name: 'B never', last_used: null }),
          token({ id: 'c', name: 'C today', last_used: NOW - 60 }),
        ],
        orgs: [],
      }),
    });
    await screen.findByRole('heading', { name: 'My tokens' });
    expect(names()).toEqual(['A week', 'B never', 'C today']);
    await user.selectOptions(screen.getByLabelText('Sort by'), 'last_used_desc');
    expect(names()).toEqual(['C today', 'A week', 'B never']);
    await user.selectOptions(screen.getByLabelText('Sort by'), 'last_used_asc');
    expect(names()).toEqual(['B never', 'A week', 'C today']);
  });

  it('shows a section error plainly and retries', async () => {
    let n = 0;
    const { calls, user } = setup({
      inventory: () =>
        ++n === 1
          ? inventoryOf({
              orgs: [{ org: BETA, tokens: null, error: { kind: 'forbidden', message: 'Your role in Beta Labs (read only) cannot see its API tokens.' } }],
            })
          : inventoryOf({ orgs: [{ org: BETA, tokens: [orgToken({ id: 'bt', org_id: BETA.id, name: 'Beta token' })], error: null }] }),
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Your role in Beta Labs (read only) cannot see its API tokens.');
    expect(row('tok-1')).toBeInTheDocument();
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(row('bt')).toBeInTheDocument());
    expect(cmds(calls).filter((c) => c === 'inventory')).toHaveLength(2);
  });

  it('shows a whole-list error with a retry', async () => {
    setup({ inventory: () => fail({ kind: 'network', message: 'The cloud did not answer.' }) });
    expect(await screen.findByRole('alert')).toHaveTextContent('The cloud did not answer.');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('explains the missing user tokens of an org-token session', async () => {
    setup({ inventory: inventoryOf({ user_tokens: null }) }, session({ can_create_user_tokens: false }));
    await screen.findByRole('heading', { name: 'Acme Retail' });
    expect(screen.queryByRole('heading', { name: 'My tokens' })).not.toBeInTheDocument();
  });
});

describe('Rename and delete', () => {
  it('renames with a dialog naming the token', async () => {
    const { calls, user } = setup({
      inventory: inventoryOf(),
      rename_token: (a: Record<string, unknown>) => orgToken({ name: a.name as string }),
    });
    await screen.findByRole('heading', { name: 'Acme Retail' });
    await user.click(within(row('otok-1')).getByRole('button', { name: 'Rename' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename “CI pipeline”' });
    const field = within(dialog).getByLabelText('Token name');
    expect(field).toHaveValue('CI pipeline');
    expect(field).toHaveFocus();
    await user.clear(field);
    await user.type(field, 'CI deploy');
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(argsOf(calls, 'rename_token')).toEqual([{ kind: 'org', orgId: ACME.id, tokenId: 'otok-1', name: 'CI deploy' }]);
    expect(within(row('otok-1')).getByText('CI deploy')).toBeInTheDocument();
  });

  it('shows a rename error beside the field and keeps the text', async () => {
    const { user } = setup({
      inventory: inventoryOf(),
      rename_token: () => fail({ kind: 'invalid_input', message: 'A token with this name already exists.', field: 'name' }),
    });
    await screen.findByRole('heading', { name: 'My tokens' });
    await user.click(within(row('tok-1')).getByRole('button', { name: 'Rename' }));
    const field = screen.getByLabelText('Token name');
    await user.type(field, ' 2');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Rename' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription('A token with this name already exists.'));
    expect(field).toHaveValue('Monitoring script 2');
  });

  it('deletes after a confirmation naming the token; Cancel does nothing; Escape closes', async () => {
    const { calls, user } = setup({ inventory: inventoryOf(), delete_token: null });
    await screen.findByRole('heading', { name: 'My tokens' });
    await user.click(within(row('tok-1')).getByRole('button', { name: 'Delete' }));
    let dialog = screen.getByRole('alertdialog', { name: 'Delete “Monitoring script”?' });
    expect(within(dialog).queryByText(/you will be signed out/)).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    await user.click(within(row('tok-1')).getByRole('button', { name: 'Delete' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(argsOf(calls, 'delete_token')).toHaveLength(0);
    await user.click(within(row('tok-1')).getByRole('button', { name: 'Delete' }));
    dialog = screen.getByRole('alertdialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(row('tok-1')).toBeNull());
    expect(argsOf(calls, 'delete_token')).toEqual([{ kind: 'user', orgId: null, tokenId: 'tok-1' }]);
  });

  it('warns before deleting the session token and signs out after', async () => {
    const { calls, onsessionlost, user } = setup(
      { inventory: inventoryOf({ user_tokens: [token({ is_session_token: true })] }), delete_token: null, sign_out: null },
      session({ method: 'token', remembered: true }),
    );
    await screen.findByRole('heading', { name: 'My tokens' });
    expect(within(row('tok-1')).getByText('This app is signed in with it')).toBeInTheDocument();
    await user.click(within(row('tok-1')).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('This is the token this app is signed in with; you will be signed out');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(onsessionlost).toHaveBeenCalled());
    expect(argsOf(calls, 'sign_out')).toEqual([{ forgetRemembered: true }]);
  });

  it('keeps the dialog open with the error when delete fails', async () => {
    const { user } = setup({ inventory: inventoryOf(), delete_token: () => fail({ kind: 'forbidden', message: 'You cannot delete this token.' }) });
    await screen.findByRole('heading', { name: 'My tokens' });
    await user.click(within(row('tok-1')).getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    expect(await within(screen.getByRole('alertdialog')).findByRole('alert')).toHaveTextContent('You cannot delete this token.');
    expect(row('tok-1')).toBeInTheDocument();
  });
});

describe('Change access', () => {
  it('prefills the current access, says source IPs cannot change, and saves', async () => {
    const t = orgToken({
      src_ips: ['10.1.0.0/16'],
      privileges: [{ scope: 'site', role: 'write', site_id: 's2', org_id: null, sitegroup_id: null, msp_id: null, name: null, summary: 'Write on Store 2' }],
    });
    const { calls, user } = setup({
      inventory: inventoryOf({ orgs: [{ org: ACME, tokens: [t], error: null }] }),
      org_details: { org: ACME, sites: [{ id: 's1', name: 'Store 1' }, { id: 's2', name: 'Store 2' }], sitegroups: [] },
      update_org_token_access: { ...t, access_summary: 'Read only · 2 sites' },
    });
    await screen.findByRole('heading', { name: 'Acme Retail' });
    await user.click(within(row('otok-1')).getByRole('button', { name: 'Change access' }));
    const dialog = screen.getByRole('dialog', { name: 'Change access of “CI pipeline”' });
    expect(dialog).toHaveTextContent(/Source IPs cannot be changed here/);
    expect(dialog).toHaveTextContent(/10\.1\.0\.0\/16/);
    expect(within(dialog).getByLabelText('Access level')).toHaveValue('write');
    expect(await within(dialog).findByLabelText('Store 2')).toBeChecked();
    await user.click(within(dialog).getByLabelText('Store 1'));
    await user.selectOptions(within(dialog).getByLabelText('Access level'), 'read');
    await user.click(within(dialog).getByRole('button', { name: 'Save access' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(argsOf(calls, 'update_org_token_access')).toEqual([
      {
        orgId: ACME.id,
        tokenId: 'otok-1',
        privileges: [
          { scope: 'site', role: 'read', site_id: 's2' },
          { scope: 'site', role: 'read', site_id: 's1' },
        ],
      },
    ]);
    expect(within(row('otok-1')).getByText('Read only · 2 sites')).toBeInTheDocument();
  });
});

const pad = (n: number) => String(n).padStart(3, '0');

/** `mine` user tokens, then `orgCount` orgs ("Bulk Org 001"…) of `per` tokens ("bulk token 001"…), as the bench seeds. */
function bulk(orgCount = 100, per = 20, mine = 4) {
  const orgs = Array.from({ length: orgCount }, (_, o) => {
    const org = { id: `org-${o + 1}`, name: `Bulk Org ${pad(o + 1)}`, role: 'admin', can_manage_tokens: true };
    const tokens = Array.from({ length: per }, (_, j) =>
      orgToken({ id: `o${o + 1}-t${j + 1}`, org_id: org.id, org_name: org.name, name: `bulk token ${pad(j + 1)}`, key_hint: `K${o + 1}x${j + 1}...wxyz` }),
    );
    return { org, tokens, error: null };
  });
  const user_tokens = Array.from({ length: mine }, (_, j) => token({ id: `u${j + 1}`, name: `my token ${j + 1}` }));
  return inventoryOf({ user_tokens, orgs });
}

/** The rows a list renders at first in jsdom's 768 px tall window. */
const FIRST_ROWS = firstRows(window.innerHeight);
const rowCount = () => document.querySelectorAll('[data-token-id]:not([hidden])').length;
const sectionOf = (name: string) => screen.getByRole('region', { name });
const rowsIn = (el: HTMLElement) => el.querySelectorAll('[data-token-id]:not([hidden])').length;
// Direct look-ups: role queries over a 2,000-token page are slow in jsdom.
const summary = () => document.querySelector('.list-summary') as HTMLElement | null;
const showMore = () => within(summary()!).getByRole('button', { name: 'Show more' });
/** Lays out the end of the list (the "Showing … of …" line) `top` pixels down the viewport
 * (jsdom lays nothing out: everything is at 0, always near). */
function endOfList() {
  const at = { top: 10_000, restore: () => spy.mockRestore() };
  const spy = vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    const top = this.classList.contains('list-summary') ? at.top : 0;
    return { top, bottom: top, left: 0, right: 0, width: 0, height: 0, x: 0, y: top, toJSON: () => ({}) } as DOMRect;
  });
  return at;
}
const setFilter = (v: string) => fireEvent.input(screen.getByRole('searchbox', { name: 'Filter tokens' }), { target: { value: v } });

describe('Row budget with 2,004 tokens in 101 sections', () => {
  it('filters and sorts the rows quickly', () => {
    const rows = Array.from({ length: 2000 }, (_, i) =>
      toRow(token({ id: `t${i}`, name: `Token ${i} ${i % 7 === 0 ? 'backup' : 'ops'}`, last_used: i % 5 ? NOW - i * 60 : null }), NOW),
    );
    const sorted = sortRows(rows, 'last_used_desc');
    const t0 = performance.now();
    for (const q of ['b', 'ba', 'bac', 'back', 'backu', 'backup', 'token 1']) filterRows(sorted, q);
    const per = (performance.now() - t0) / 7;
    expect(filterRows(sorted, 'backup')).toHaveLength(286);
    // References to the same row objects, not copies.
    expect(filterRows(sorted, 'backup')[0]).toBe(sorted.find((r) => r.t.name.includes('backup')));
    expect(filterRows(sorted, '')).toBe(sorted);
    expect(per).toBeLessThan(16);
  });

  it('plans one global budget in display order', () => {
    expect(planRows([4, 20, 20, 20], 30, [false, false, false, false])).toEqual([4, 20, 6, 0]);
    expect(planRows([4, 20, 20, 20], 30, [false, false, false, true])).toEqual([4, 20, 6, 20]);
    expect(planRows([4, 20, 20, 20], 30, [false, false, true, false])).toEqual([4, 20, 20, 0]);
    expect(planRows([0, 5], 150, [false, false])).toEqual([0, 5]);
  });

  it('renders a screenful of rows at first, whatever the screen', () => {
    expect(FIRST_ROWS).toBe(11);
    expect(firstRows(1440)).toBe(18);
    expect(firstRows(300)).toBe(8);
    expect(firstRows(4000)).toBe(24);
  });

  it('renders the sections up to the last planned row while the list grows', () => {
    // 30 rows end in the third section, which has rows left: three sections.
    expect(sectionsUpTo([4, 20, 20, 20], [4, 20, 6, 0], 30)).toBe(3);
    // They end exactly with the second; the third has rows: two sections, the rest wait.
    expect(sectionsUpTo([4, 20, 20, 20], [4, 20, 0, 0], 24)).toBe(2);
    // Nothing left after the limit (an empty or failed section may follow): all of them.
    expect(sectionsUpTo([4, 20, 0, 0], [4, 20, 0, 0], 24)).toBe(4);
    // The limit is not reached: all of them.
    expect(sectionsUpTo([4, 5, 0], [4, 5, 0], 150)).toBe(3);
  });

  it('searches the name, key hint and org name, lowercase, precomputed once', () => {
    const r = toRow(orgToken({ name: 'CI Pipeline', key_hint: 'AbCd...WxYz' }), NOW, 'Acme Retail');
    expect(r.search).toBe('ci pipeline\nabcd...wxyz\nacme retail');
    expect(filterRows([r], 'wxyz')).toHaveLength(1);
    expect(filterRows([r], 'acme')).toHaveLength(1);
    expect(filterRows([r], 'pipeline\nabcd')).toHaveLength(1);
    expect(filterRows([r], 'line abcd')).toHaveLength(0);
  });

  it('renders at most 150 rows across all sections, with a button per cut section and a summary', async () => {
    const t0 = performance.now();
    setup({ inventory: bulk() });
    await screen.findByRole('heading', { name: 'My tokens' });
    const tRender = performance.now() - t0;
    // The first frame gets the first rows; the list grows frame by frame while its end is near
    // the screen (always in jsdom, which lays nothing out), up to the budget.
    expect(rowCount()).toBe(FIRST_ROWS);
    await waitFor(() => expect(rowCount()).toBe(ROW_BUDGET));
    await waitFor(() => expect(document.querySelector('.tokens')).not.toHaveAttribute('data-rows-growing'));
    // Display order: My tokens (4), then orgs of 20: 7 whole orgs (144 rows), 6 rows of the 8th.
    expect(rowsIn(sectionOf('My tokens'))).toBe(4);
    expect(rowsIn(sectionOf('Bulk Org 007'))).toBe(20);
    const partial = sectionOf('Bulk Org 008');
    expect(rowsIn(partial)).toBe(6);
    expect(within(partial).getByRole('button', { name: 'Show all 20 tokens' })).toHaveAccessibleDescription('Bulk Org 008');
    // Sections past the budget: heading, count and a button naming the org.
    const cut = sectionOf('Bulk Org 050');
    expect(rowsIn(cut)).toBe(0);
    expect(within(cut).getByText('20 tokens')).toBeInTheDocument();
    expect(within(cut).getByRole('button', { name: 'Show 20 tokens' })).toHaveAccessibleDescription('Bulk Org 050');
    expect(screen.getAllByRole('heading', { level: 2 })).toHaveLength(101);
    expect(summary()).toHaveTextContent('Showing 150 of 2,004 tokens. Type in “Filter tokens” to find one, or show more.');
    expect(showMore()).toBeInTheDocument();
    // The benchmark reads these.
    const list = document.querySelector('.tokens') as HTMLElement;
    expect(list.dataset).toMatchObject({ rowsShown: '150', rowsMatching: '2004', rowsTotal: '2004' });
    console.info(`jsdom: render of 2,004 tokens (150 rows) ${tRender.toFixed(0)} ms`);
  }, 30000);

  it('"Show more" renders 150 more rows and moves the focus to the first new one', async () => {
    const { user } = setup({ inventory: bulk() });
    await screen.findByRole('heading', { name: 'My tokens' });
    await waitFor(() => expect(rowCount()).toBe(ROW_BUDGET));
    await user.click(showMore());
    expect(rowCount()).toBe(300);
    // Rows 151…: the 7th token of Bulk Org 008 comes next.
    await waitFor(() => expect(row('o8-t7')).toHaveFocus());
    expect(row('o8-t7')).toHaveAccessibleName('bulk token 007');
    expect(summary()).toHaveTextContent(/^Showing 300 of 2,004 tokens\./);
  }, 30000);

  it('"Show more" before the list has grown shows 150 more than are shown, at once', async () => {
    const rect = endOfList();
    const { user } = setup({ inventory: bulk() });
    await screen.findByRole('heading', { name: 'My tokens' });
    await waitFor(() => expect(document.querySelector('.tokens')).not.toHaveAttribute('data-rows-growing'));
    expect(rowCount()).toBe(FIRST_ROWS);
    rect.restore();
    await user.click(showMore());
    expect(rowCount()).toBe(FIRST_ROWS + ROW_BUDGET);
    expect(summary()).toHaveTextContent(`Showing ${FIRST_ROWS + ROW_BUDGET} of 2,004 tokens.`);
    // The next row after the first ones (4 of "My tokens", the rest of Bulk Org 001).
    await waitFor(() => expect(row(`o1-t${FIRST_ROWS - 4 + 1}`)).toHaveFocus());
    // Every section renders again: the ones past the rows as a heading and a button.
    expect(screen.getAllByRole('heading', { level: 2 })).toHaveLength(101);
  }, 30000);

  it('renders a screenful of rows and grows as the admin scrolls toward the end', async () => {
    const rect = endOfList();
    try {
      setup({ inventory: bulk() });
      await screen.findByRole('heading', { name: 'My tokens' });
      const list = document.querySelector('.tokens') as HTMLElement;
      await waitFor(() => expect(list).not.toHaveAttribute('data-rows-growing'));
      // Far below the screen: the first rows only, and no section after the one they end in.
      expect(rowCount()).toBe(FIRST_ROWS);
      expect(list.dataset.rowsShown).toBe(String(FIRST_ROWS));
      expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual(['My tokens', 'Bulk Org 001']);
      expect(summary()).toHaveTextContent(`Showing ${FIRST_ROWS} of 2,004 tokens.`);
      expect(showMore()).toBeInTheDocument();
      // A keystroke renders at most the first rows too.
      await setFilter('bulk token 00');
      await waitFor(() => expect(list).not.toHaveAttribute('data-rows-growing'));
      expect(rowCount()).toBe(FIRST_ROWS);
      expect(list.dataset.rowsMatching).toBe('900');
      // Scrolled near the end: one step of GROW_ROWS per frame while it stays near.
      rect.top = window.innerHeight;
      document.dispatchEvent(new Event('scroll'));
      await waitFor(() => expect(rowCount()).toBe(FIRST_ROWS + GROW_ROWS));
      rect.top = 10_000;
      await waitFor(() => expect(list).not.toHaveAttribute('data-rows-growing'));
      expect(rowCount()).toBe(FIRST_ROWS + GROW_ROWS);
      // Near again (a scroll inside any container counts): it grows up to the budget and stops.
      rect.top = 0;
      list.dispatchEvent(new Event('scroll'));
      await waitFor(() => expect(rowCount()).toBe(ROW_BUDGET));
      await waitFor(() => expect(list).not.toHaveAttribute('data-rows-growing'));
      expect(rowCount()).toBe(ROW_BUDGET);
      // Every org is there once grown, the ones past the budget as a heading and a button ("My
      // tokens" has no match).
      expect(screen.getAllByRole('heading', { level: 2 })).toHaveLength(100);
    } finally {
      rect.restore();
    }
  }, 30000);

  it('a keystroke after scrolling keeps the rows shown before that still lead the list', async () => {
    setup({ inventory: bulk() });
    await screen.findByRole('heading', { name: 'My tokens' });
    await waitFor(() => expect(rowCount()).toBe(ROW_BUDGET));
    const rect = endOfList();
    try {
      // "bulk": every org token matches, "My tokens" (4) not: the other 146 shown rows stay.
      await setFilter('bulk');
      expect(rowCount()).toBe(ROW_BUDGET - 4);
      // "bulk token 01": 10 rows of each of the 7 whole orgs shown; Bulk Org 008 had 6 rows shown,
      // none of them a match, so the list goes on from there as it grows.
      await setFilter('bulk token 01');
      expect(rowCount()).toBe(70);
      expect(rowsIn(sectionOf('Bulk Org 007'))).toBe(10);
      expect(screen.queryByRole('region', { name: 'Bulk Org 008' })).not.toBeInTheDocument();
      // Something new at the top: a screenful from the start.
      await setFilter('my token');
      expect(rowCount()).toBe(4);
      await setFilter('bulk token 0');
      expect(rowCount()).toBe(FIRST_ROWS);
    } finally {
      rect.restore();
    }
  }, 30000);

  it('"Show more" until all rows are shown removes the summary', async () => {
    const { user } = setup({ inventory: bulk(10, 20, 4) });
    await screen.findByRole('heading', { name: 'My tokens' });
    await waitFor(() => expect(rowCount()).toBe(150));
    expect(summary()).toHaveTextContent(/^Showing 150 of 204 tokens\./);
    await user.click(showMore());
    expect(rowCount()).toBe(204);
    expect(summary()).toBeNull();
  }, 30000);

  it('expands one section past the budget and focuses its first row', async () => {
    const { user } = setup({ inventory: bulk() });
    await screen.findByRole('heading', { name: 'My tokens' });
    await waitFor(() => expect(rowCount()).toBe(ROW_BUDGET));
    const sec = sectionOf('Bulk Org 090');
    await user.click(within(sec).getByRole('button', { name: 'Show 20 tokens' }));
    expect(rowsIn(sec)).toBe(20);
    expect(rowCount()).toBe(170);
    await waitFor(() => expect(row('o90-t1')).toHaveFocus());
    expect(within(sec).queryByRole('button', { name: /^Show/ })).not.toBeInTheDocument();
    // A partly cut section: the rest, focus on the first row it adds.
    const partial = sectionOf('Bulk Org 008');
    await user.click(within(partial).getByRole('button', { name: 'Show all 20 tokens' }));
    expect(rowsIn(partial)).toBe(20);
    await waitFor(() => expect(row('o8-t7')).toHaveFocus());
    expect(summary()).toHaveTextContent(/^Showing 184 of 2,004 tokens\./);
  }, 30000);

  it('filters all tokens, not only the rendered ones, and says how many match', async () => {
    setup({ inventory: bulk() });
    await screen.findByRole('heading', { name: 'My tokens' });
    const status = document.querySelector('.match-count') as HTMLElement;
    expect(status).toHaveAttribute('role', 'status');
    expect(status).toHaveTextContent('');
    // Org 100 is far past the budget; its org name matches.
    await setFilter('Bulk Org 100');
    expect(status).toHaveTextContent('20 tokens match');
    expect(rowCount()).toBe(FIRST_ROWS);
    await waitFor(() => expect(rowCount()).toBe(20));
    expect(rowsIn(sectionOf('Bulk Org 100'))).toBe(20);
    expect(screen.queryByRole('region', { name: 'Bulk Org 001' })).not.toBeInTheDocument();
    // A key hint.
    await setFilter('k99x17.');
    expect(status).toHaveTextContent('1 token matches');
    expect(names()).toEqual(['bulk token 017']);
    expect(row('o99-t17')).toBeInTheDocument();
    expect(within(sectionOf('Bulk Org 099')).getByText('1 of 20 tokens')).toBeInTheDocument();
    // 100 matches (one per org): all rendered, no summary.
    await setFilter('token 015');
    expect(status).toHaveTextContent('100 tokens match');
    await waitFor(() => expect(rowCount()).toBe(100));
    expect(summary()).toBeNull();
    // Wider than the budget: 150 of the matches, in display order.
    await setFilter('token 0');
    expect(status).toHaveTextContent('2,000 tokens match');
    await waitFor(() => expect(rowCount()).toBe(150));
    expect(summary()).toHaveTextContent(/^Showing 150 of 2,000 matching tokens\./);
    expect(rowsIn(sectionOf('Bulk Org 008'))).toBe(10);
    // Cleared: back to the budget.
    await setFilter('');
    await waitFor(() => expect(rowCount()).toBe(150));
    expect(status).toHaveTextContent('');
  }, 30000);

  it('types in the filter quickly with 2,004 tokens', async () => {
    setup({ inventory: bulk() });
    await screen.findByRole('heading', { name: 'My tokens' });
    const filter = screen.getByRole('searchbox', { name: 'Filter tokens' }) as HTMLInputElement;
    const times: number[] = [];
    for (const v of ['t', 'to', 'token 01', 'token 015', 'token 01', 'token 0', '']) {
      const t0 = performance.now();
      await fireEvent.input(filter, { target: { value: v } });
      times.push(performance.now() - t0);
      // A keystroke renders the first rows; the list grows after the frame.
      expect(rowCount()).toBeLessThanOrEqual(FIRST_ROWS);
    }
    await waitFor(() => expect(rowCount()).toBe(150));
    console.info(`jsdom: filter keystrokes ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  }, 30000);

  it('sorts before applying the budget', async () => {
    // 200 user tokens: name order is "Token 000"…, last-used order is the reverse.
    const many = Array.from({ length: 200 }, (_, i) => token({ id: `t${i}`, name: `Token ${pad(i)}`, last_used: NOW - (200 - i) * 60 }));
    const { user } = setup({ inventory: inventoryOf({ user_tokens: many }) });
    await screen.findByRole('heading', { name: 'My tokens' });
    await waitFor(() => expect(names()).toHaveLength(150));
    expect(names()[0]).toBe('Token 000');
    expect(names()[149]).toBe('Token 149');
    await user.selectOptions(screen.getByLabelText('Sort by'), 'last_used_desc');
    await waitFor(() => expect(names()).toHaveLength(150));
    expect(names()[0]).toBe('Token 199');
    expect(names()[149]).toBe('Token 050');
    // The orgs after it are cut, whatever the sort.
    expect(rowsIn(sectionOf('Acme Retail'))).toBe(0);
    expect(within(sectionOf('My tokens')).getByRole('button', { name: 'Show all 200 tokens' })).toBeInTheDocument();
  }, 30000);

  it('renders small lists fully, without budget buttons or summary', async () => {
    setup({ inventory: inventoryOf() });
    await screen.findByRole('heading', { name: 'My tokens' });
    expect(rowCount()).toBe(2);
    expect(screen.queryByRole('button', { name: /^Show/ })).not.toBeInTheDocument();
    expect(screen.queryByText(/Showing/)).not.toBeInTheDocument();
  });
});

describe('Create from the list', () => {
  it('opens the dialog, creates, shows the reveal dialog, and lists the new token', async () => {
    const newTok = token({ id: 'new-1', name: 'Fresh' });
    const { calls, user } = setup({
      inventory: inventoryOf(),
      create_user_token: { token: newTok, slot: { slot_id: 's-new', expires_in_s: 600 } },
      // The backend's marked inventory after the create replaces the local one.
      current_inventory: inventoryOf({ user_tokens: [token(), { ...newTok, health: [{ reason: 'never_used', text: 'Never used.' }] }], attention: 1 }),
      ...fakeSlots(),
    });
    await screen.findByRole('heading', { name: 'My tokens' });
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = screen.getByRole('dialog', { name: 'Create token' });
    await user.type(within(dialog).getByLabelText('Token name'), 'Fresh');
    // The dialog's own button comes first in the document while it is open.
    expect(screen.getAllByRole('button', { name: 'Create token' })[0]).toBe(within(dialog).getByRole('button', { name: 'Create token' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    const reveal = await screen.findByRole('dialog', { name: 'Your new key for “Fresh”' });
    expect(row('new-1')).toBeInTheDocument();
    await user.click(within(reveal).getByRole('button', { name: 'Copy key' }));
    await within(reveal).findByText('Copied. The clipboard clears in 30 s');
    await user.click(within(reveal).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    // Copy, then the backend's word on the slot (after the copy, and again before closing).
    // The backend's marked inventory after the create and after the window closed (a saved key is marked "Saved").
    expect(cmds(calls)).toEqual(['inventory', 'create_user_token', 'current_inventory', 'copy_key', 'slot_status', 'slot_status', 'dismiss_key', 'current_inventory']);
    expect(within(row('new-1')).getByText('Never used.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create token' })).toHaveFocus();
  });

  it('removes the new token from the list when deleted instead of kept', async () => {
    const newTok = token({ id: 'new-2', name: 'Oops' });
    const { user } = setup({
      inventory: inventoryOf(),
      create_user_token: { token: newTok, slot: { slot_id: 's-2', expires_in_s: 600 } },
      delete_token: null,
      ...fakeSlots(),
    });
    await screen.findByRole('heading', { name: 'My tokens' });
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await user.type(screen.getByLabelText('Token name'), 'Oops');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Create token' }));
    const reveal = await screen.findByRole('dialog', { name: 'Your new key for “Oops”' });
    await user.click(within(reveal).getByRole('button', { name: 'Done' }));
    await user.click(within(reveal).getByRole('button', { name: 'Delete token' }));
    await waitFor(() => expect(row('new-2')).toBeNull());
  });
});
