import { describe, it, expect, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Tokens from './Tokens.svelte';
import { KEEP_ROWS, ROW_BUDGET } from './tokenRows';
import { inventoryOf, mockCommands, orgToken, session, token } from '../test/ipc';
import { axeViolations, describeViolations } from '../test/axeCheck';

// Issue 16: a keystroke in the filter re-renders no row that did not change. Rows that stop
// matching stay in the DOM, hidden, and come back as the same elements.

const pad = (n: number) => String(n).padStart(3, '0');
function bulk(orgCount: number, per: number) {
  const orgs = Array.from({ length: orgCount }, (_, o) => {
    const org = { id: `org-${o + 1}`, name: `Bulk Org ${pad(o + 1)}`, role: 'admin', can_manage_tokens: true };
    const tokens = Array.from({ length: per }, (_, j) =>
      orgToken({ id: `o${o + 1}-t${j + 1}`, org_id: org.id, org_name: org.name, name: `bulk token ${pad(j + 1)}` }),
    );
    return { org, tokens, error: null };
  });
  return inventoryOf({ user_tokens: [token({ id: 'u1', name: 'my token 1' })], orgs });
}

const el = (id: string) => document.querySelector(`[data-token-id="${id}"]`) as HTMLElement | null;
const shown = () => document.querySelectorAll('[data-token-id]:not([hidden])').length;
const setFilter = (v: string) => fireEvent.input(screen.getByRole('searchbox', { name: 'Filter tokens' }), { target: { value: v } });

async function setup(inv = bulk(10, 20)) {
  mockCommands({ inventory: inv });
  render(Tokens, { session: session(), onsessionlost: vi.fn() });
  await screen.findByRole('heading', { name: 'Bulk Org 001' });
  // The first rows come at once, the rest of the budget over the next frames.
  const total = inv.orgs.reduce((n, o) => n + (o.tokens?.length ?? 0), inv.user_tokens?.length ?? 0);
  await waitFor(() => expect(shown()).toBe(Math.min(total, ROW_BUDGET)));
}

describe('Filter: rows are kept, not re-created', () => {
  it('a row that stops matching is hidden and comes back as the same element', async () => {
    await setup();
    const before = el('o1-t2');
    expect(before).not.toBeNull();
    const still = el('o1-t15');
    await setFilter('token 015');
    await waitFor(() => expect(shown()).toBe(10));
    // Kept, hidden (and so out of the accessibility tree), not removed.
    expect(el('o1-t2')).toBe(before);
    expect(before).toHaveAttribute('hidden');
    expect(screen.queryByRole('listitem', { name: 'bulk token 002' })).toBeNull();
    // The row that matches all along is the same element too.
    expect(el('o1-t15')).toBe(still);
    await setFilter('');
    await waitFor(() => expect(shown()).toBe(150));
    expect(el('o1-t2')).toBe(before);
    expect(before).not.toHaveAttribute('hidden');
  });

  it('a section without a match is hidden with its rows and comes back as it was', async () => {
    await setup();
    const section = screen.getByRole('region', { name: 'My tokens' });
    const mine = el('u1');
    await setFilter('bulk');
    await waitFor(() => expect(screen.queryByRole('region', { name: 'My tokens' })).toBeNull());
    expect(section).toHaveAttribute('hidden');
    expect(section.isConnected).toBe(true);
    await setFilter('');
    await waitFor(() => expect(screen.getByRole('region', { name: 'My tokens' })).toBe(section));
    expect(el('u1')).toBe(mine);
  });

  it('the hidden rows are let go past KEEP_ROWS, so memory stays bounded', async () => {
    // 60 orgs × 20: typing different filters shows more than KEEP_ROWS distinct rows in turn.
    await setup(bulk(60, 20));
    for (let j = 1; j <= 20; j++) {
      await setFilter(`token ${pad(j)}`);
      await waitFor(() => expect(shown()).toBe(60));
      expect(document.querySelectorAll('[data-token-id]').length).toBeLessThanOrEqual(KEEP_ROWS + 150);
    }
  }, 60_000);

  it('with hidden rows kept, the list has no axe violations', async () => {
    await setup(bulk(3, 20));
    await setFilter('token 01');
    await waitFor(() => expect(shown()).toBe(30));
    // Hidden: the 30 org rows that stopped matching and "my token 1".
    expect(document.querySelectorAll('[data-token-id][hidden]').length).toBe(31);
    for (const theme of ['light', 'dark'] as const) {
      const v = await axeViolations(document.body, theme);
      expect(describeViolations(v)).toBe('');
    }
  }, 30_000);
});
