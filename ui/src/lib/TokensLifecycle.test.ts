// The token list's lifecycle parts (issue 13): health marks and the "Needs attention" filter,
// "Saved", rotation marks and "Delete old token", Rotate from a row, Export, and the keep-alive banner.
import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import Tokens from './Tokens.svelte';
import { live } from './announce.svelte';
import { ACME, argsOf, BETA, cmds, fail, fakeSlots, inventoryOf, mockCommands, NOW, orgToken, session, token } from '../test/ipc';
import { axeViolations, describeViolations } from '../test/axeCheck';
import type { Inventory, RotationMark, RotationStarted, SavedKeyToken, SessionInfo, TokenView } from './api';

function setup(handlers: Record<string, unknown>, s: SessionInfo = session()) {
  const calls = mockCommands(handlers);
  const onsessionlost = vi.fn();
  const onchanged = vi.fn();
  const r = render(Tokens, { session: s, onsessionlost, onchanged });
  return { calls, onsessionlost, onchanged, user: userEvent.setup(), container: r.container };
}

const row = (id: string) => document.querySelector(`[data-token-id="${id}"]`) as HTMLElement;
// Rows that stop matching stay in the DOM, hidden (as do sections without a match): count the shown ones.
const names = () =>
  Array.from(document.querySelectorAll('.token-section:not([hidden]) [data-token-id]:not([hidden]) .token-name')).map(
    (e) => e.textContent,
  );

const NEVER = { reason: 'never_used' as const, text: 'Never used.' };
const BROAD = { reason: 'broad_admin' as const, text: 'Super User on the whole organization with no source IP limit.' };

function mark(over: Partial<RotationMark> = {}): RotationMark {
  return {
    rotation_id: 'rot-1',
    role: 'old',
    other_id: 'otok-new',
    key_kept: true,
    delete_error: null,
    text: 'Being replaced by a new token of the same name (key nnnn...nnnn). The new key is kept.',
    ...over,
  };
}

/** Acme: the old token of a rotation and its replacement; the user tokens carry marks. */
function marked(over: { old?: Partial<TokenView>; rotation?: Partial<RotationMark> | null } = {}): Inventory {
  const old = orgToken({
    id: 'otok-1',
    saved: true,
    rotation: over.rotation === null ? null : mark(over.rotation),
    ...over.old,
  });
  const repl = orgToken({
    id: 'otok-new',
    key_hint: 'nnnn...nnnn',
    rotation: over.rotation === null ? null : mark({ role: 'new', other_id: 'otok-1', text: 'Replaces the token of the same name with key abcd...wxyz, which still exists.' }),
  });
  return inventoryOf({
    user_tokens: [
      token({ id: 'u1', name: 'Alpha', health: [NEVER], last_used: null }),
      token({ id: 'u2', name: 'Beta' }),
      token({ id: 'u3', name: 'Gamma admin', health: [NEVER, BROAD] }),
    ],
    orgs: [
      { org: ACME, tokens: over.rotation === null ? [old] : [old, repl], error: null },
      { org: BETA, tokens: [], error: null },
    ],
    attention: 2,
  });
}

describe('Token rows: marks', () => {
  it('shows "Saved", the health reasons in words under "Needs attention", and a Rotate button', async () => {
    setup({ inventory: marked({ rotation: null }) });
    await screen.findByRole('heading', { name: 'My tokens' });
    expect(within(row('otok-1')).getByText('Saved')).toBeInTheDocument();
    expect(within(row('u2')).queryByText('Saved')).not.toBeInTheDocument();
    const health = within(row('u3')).getByRole('group', { name: 'Needs attention' });
    expect(within(health).getAllByRole('listitem').map((li) => li.textContent)).toEqual([NEVER.text, BROAD.text]);
    expect(within(row('u2')).queryByRole('group', { name: 'Needs attention' })).not.toBeInTheDocument();
    const rotate = within(row('otok-1')).getByRole('button', { name: 'Rotate' });
    expect(rotate).toHaveAccessibleDescription('CI pipeline');
    expect(within(row('u1')).getByRole('button', { name: 'Rotate' })).toBeInTheDocument();
  });

  it('offers no Rotate for user tokens when the session cannot create them (SSO)', async () => {
    setup({ inventory: inventoryOf() }, session({ can_create_user_tokens: false, identity: { kind: 'user', email: 'a@b.c', name: 'A', via_sso: true } }));
    await screen.findByRole('heading', { name: 'My tokens' });
    expect(within(row('tok-1')).queryByRole('button', { name: 'Rotate' })).not.toBeInTheDocument();
    expect(within(row('tok-1')).getByRole('button', { name: 'Rename' })).toBeInTheDocument();
    expect(within(row('otok-1')).getByRole('button', { name: 'Rotate' })).toBeInTheDocument();
  });

  it('offers no Rotate where the admin cannot manage tokens', async () => {
    setup({ inventory: inventoryOf({ orgs: [{ org: BETA, tokens: [orgToken({ id: 'b1', org_id: BETA.id })], error: null }] }) });
    await screen.findByRole('heading', { name: 'Beta Labs' });
    expect(within(row('b1')).queryByRole('button', { name: 'Rotate' })).not.toBeInTheDocument();
  });

  it('shows both halves of a pending rotation; "Delete old token" only on the old one', async () => {
    setup({ inventory: marked() });
    await screen.findByRole('heading', { name: 'Acme Retail' });
    expect(row('otok-1')).toHaveTextContent('Being replaced by a new token of the same name (key nnnn...nnnn).');
    expect(row('otok-new')).toHaveTextContent('Replaces the token of the same name with key abcd...wxyz, which still exists.');
    const del = within(row('otok-1')).getByRole('button', { name: 'Delete old token' });
    expect(del).toBeEnabled();
    expect(within(row('otok-new')).queryByRole('button', { name: 'Delete old token' })).not.toBeInTheDocument();
  });

  it('keeps "Delete old token" disabled until the new key was kept, and shows the last delete failure', async () => {
    setup({
      inventory: marked({
        rotation: { key_kept: false, delete_error: 'Mist did not answer.', text: 'Being replaced by a new token of the same name (key nnnn...nnnn).' },
      }),
    });
    await screen.findByRole('heading', { name: 'Acme Retail' });
    expect(within(row('otok-1')).getByRole('button', { name: 'Delete old token' })).toBeDisabled();
    expect(within(row('otok-1')).getByText('Mist did not answer.')).toBeInTheDocument();
  });
});

describe('"Saved" after a create', () => {
  it('marks the new token "Saved" once its key was saved and the key window closed', async () => {
    let savedNow = false;
    const fresh = token({ id: 'new-1', name: 'Fresh' });
    const slots = fakeSlots();
    const { user } = setup({
      inventory: inventoryOf(),
      create_user_token: { token: fresh, slot: { slot_id: 's-new', expires_in_s: 600 } },
      current_inventory: () => inventoryOf({ user_tokens: [token(), { ...fresh, saved: savedNow }] }),
      ...slots,
      save_key: (a: Record<string, unknown>) => {
        savedNow = true;
        return slots.save_key(a);
      },
    });
    await screen.findByRole('heading', { name: 'My tokens' });
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await user.type(screen.getByLabelText('Token name'), 'Fresh');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Create token' }));
    const reveal = await screen.findByRole('dialog', { name: 'Your new key for “Fresh”' });
    await user.click(within(reveal).getByRole('button', { name: 'Save to keychain' }));
    await within(reveal).findByText('Saved in the keychain as “Fresh”.');
    expect(within(row('new-1')).queryByText('Saved')).not.toBeInTheDocument();
    await user.click(within(reveal).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(within(row('new-1')).getByText('Saved')).toBeInTheDocument());
  });
});

describe('Needs attention', () => {
  it('says how many tokens need attention and filters to them, with the text filter too', async () => {
    const { user } = setup({ inventory: marked({ rotation: null }) });
    await screen.findByRole('heading', { name: 'My tokens' });
    expect(screen.getByText('2 tokens need attention')).toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: 'Needs attention' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(names()).toEqual(['Alpha', 'Gamma admin']);
    // Acme has no marked token: its section is left out while filtering.
    expect(screen.queryByRole('region', { name: 'Acme Retail' })).not.toBeInTheDocument();
    expect(document.querySelector('.match-count')).toHaveTextContent('2 tokens match');
    await user.type(screen.getByRole('searchbox', { name: 'Filter tokens' }), 'gam');
    expect(names()).toEqual(['Gamma admin']);
    await user.clear(screen.getByRole('searchbox', { name: 'Filter tokens' }));
    await user.type(screen.getByRole('searchbox', { name: 'Filter tokens' }), 'beta');
    expect(names()).toEqual([]);
    expect(screen.getByText(/No tokens that need attention match “beta”/)).toBeInTheDocument();
    await user.click(toggle);
    expect(names()).toEqual(['Beta']);
  });

  it('hides the count when no token needs attention, and says so when filtering to them', async () => {
    const { user } = setup({ inventory: inventoryOf() });
    await screen.findByRole('heading', { name: 'My tokens' });
    expect(screen.queryByText(/need attention$/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Needs attention' }));
    expect(names()).toEqual([]);
    expect(screen.getByText(/No tokens need attention\./)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show all tokens' }));
    expect(names()).toHaveLength(2);
  });

  it('uses the singular for one token', async () => {
    setup({ inventory: inventoryOf({ user_tokens: [token({ health: [NEVER] })], attention: 1 }) });
    expect(await screen.findByText('1 token needs attention')).toBeInTheDocument();
  });
});

describe('"Delete old token" on a row', () => {
  it('shows which token still exists when the delete fails, and a retry works', async () => {
    let n = 0;
    const failed = marked({ rotation: { delete_error: 'Mist refused.', text: 'Being replaced. Deleting the old token failed: Mist refused. Choose “Delete old token” to try again.' } });
    const done = inventoryOf({ user_tokens: marked().user_tokens, orgs: [{ org: ACME, tokens: [orgToken({ id: 'otok-new', key_hint: 'nnnn...nnnn' })], error: null }] });
    const { calls, user } = setup({
      inventory: marked(),
      finish_rotation: () =>
        ++n === 1
          ? fail({ kind: 'server', message: 'The new token works, but the old token “CI pipeline” of Acme Retail (key abcd...wxyz) still exists in Mist: deleting it failed.' })
          : { rotation_id: 'rot-1', deleted_token_id: 'otok-1', message: 'The old token “CI pipeline” (key abcd...wxyz) is deleted. The new one (key nnnn...nnnn) replaces it.' },
      current_inventory: () => (n === 1 ? failed : done),
    });
    await screen.findByRole('heading', { name: 'Acme Retail' });
    await user.click(within(row('otok-1')).getByRole('button', { name: 'Delete old token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the old token “CI pipeline” of Acme Retail (key abcd...wxyz) still exists in Mist');
    await waitFor(() => expect(within(row('otok-1')).getByText(/Deleting the old token failed: Mist refused\./)).toBeInTheDocument());
    // Still listed, still offered.
    await user.click(within(row('otok-1')).getByRole('button', { name: 'Delete old token' }));
    await waitFor(() => expect(row('otok-1')).toBeNull());
    expect(screen.getByText('The old token “CI pipeline” (key abcd...wxyz) is deleted. The new one (key nnnn...nnnn) replaces it.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(row('otok-new')).toBeInTheDocument();
    expect(argsOf(calls, 'finish_rotation')).toEqual([{ rotationId: 'rot-1' }, { rotationId: 'rot-1' }]);
    expect(cmds(calls).filter((c) => c === 'current_inventory').length).toBeGreaterThanOrEqual(2);
  });
});

describe('"Delete old token" of the token the app is signed in with', () => {
  it('signs out after deleting it, and says to sign in with the new key', async () => {
    const { calls, onsessionlost, user } = setup(
      {
        inventory: marked({ old: { is_session_token: true } }),
        finish_rotation: { rotation_id: 'rot-1', deleted_token_id: 'otok-1', message: 'The old token “CI pipeline” is deleted.' },
        sign_out: null,
      },
      session({ method: 'token', remembered: true }),
    );
    await screen.findByRole('heading', { name: 'Acme Retail' });
    await user.click(within(row('otok-1')).getByRole('button', { name: 'Delete old token' }));
    await waitFor(() => expect(onsessionlost).toHaveBeenCalledWith(expect.stringMatching(/^The old token “CI pipeline” is deleted\. .*sign in again with the new key\.$/)));
    expect(argsOf(calls, 'sign_out')).toEqual([{ forgetRemembered: true }]);
  });
});

describe('Rotate from the list', () => {
  const started = (over: Partial<RotationStarted> = {}): RotationStarted => ({
    rotation: {
      id: 'rot-9',
      kind: 'org',
      org_id: ACME.id,
      org_name: ACME.name,
      cloud_api: 'https://api.mist.com',
      account: 'admin@example.com',
      name: 'CI pipeline',
      old_token_id: 'otok-1',
      new_token_id: 'otok-new',
      old_key_hint: 'abcd...wxyz',
      new_key_hint: 'nnnn...nnnn',
      started_at: NOW,
      saved_key_id: 'k1',
      slot_id: 'slot-r',
      key_kept: false,
      delete_error: null,
    },
    created: { token: orgToken({ id: 'otok-new', key_hint: 'nnnn...nnnn' }), slot: { slot_id: 'slot-r', expires_in_s: 600 } },
    saved_key_label: 'CI prod',
    warning: null,
    ...over,
  });

  it('creates the replacement, keeps the key, deletes the old token from the key window', async () => {
    let finished = false;
    const { calls, user } = setup({
      inventory: inventoryOf({ orgs: [{ org: ACME, tokens: [orgToken({ saved: true })], error: null }] }),
      start_rotation: started(),
      current_inventory: () =>
        finished ? inventoryOf({ orgs: [{ org: ACME, tokens: [orgToken({ id: 'otok-new' })], error: null }] }) : marked({ rotation: { key_kept: false } }),
      finish_rotation: () => {
        finished = true;
        return { rotation_id: 'rot-9', deleted_token_id: 'otok-1', message: 'The old token “CI pipeline” (key abcd...wxyz) is deleted.' };
      },
      ...fakeSlots(),
    });
    await screen.findByRole('heading', { name: 'Acme Retail' });
    await user.click(within(row('otok-1')).getByRole('button', { name: 'Rotate' }));
    const dialog = screen.getByRole('dialog', { name: 'Rotate “CI pipeline”' });
    await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
    const reveal = await screen.findByRole('dialog', { name: 'Your new key for “CI pipeline”' });
    expect(argsOf(calls, 'start_rotation')).toEqual([{ kind: 'org', orgId: ACME.id, tokenId: 'otok-1', srcIps: null }]);
    // The list now holds both (from the backend's current inventory).
    await waitFor(() => expect(row('otok-new')).toBeInTheDocument());
    expect(within(reveal).getByLabelText('Keychain label')).toHaveValue('CI prod');
    const del = within(reveal).getByRole('button', { name: 'Delete old token' });
    expect(del).toBeDisabled();
    await user.click(within(reveal).getByRole('button', { name: 'Save to keychain' }));
    await waitFor(() => expect(del).toBeEnabled());
    await user.click(del);
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(argsOf(calls, 'save_key')).toEqual([{ slotId: 'slot-r', label: 'CI prod' }]);
    expect(argsOf(calls, 'finish_rotation')).toEqual([{ rotationId: 'rot-9' }]);
    expect(screen.getByText('The old token “CI pipeline” (key abcd...wxyz) is deleted.')).toBeInTheDocument();
    expect(live.text).toBe('The old token “CI pipeline” (key abcd...wxyz) is deleted.');
    await waitFor(() => expect(row('otok-1')).toBeNull());
    expect(argsOf(calls, 'dismiss_key')).toEqual([{ slotId: 'slot-r' }]);
  });

  it('closing the key window without deleting leaves the rotation pending in the list', async () => {
    const { user } = setup({
      inventory: inventoryOf({ orgs: [{ org: ACME, tokens: [orgToken()], error: null }] }),
      start_rotation: started({ saved_key_label: null }),
      current_inventory: () => marked(),
      ...fakeSlots(),
    });
    await screen.findByRole('heading', { name: 'Acme Retail' });
    await user.click(within(row('otok-1')).getByRole('button', { name: 'Rotate' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Create new token' }));
    const reveal = await screen.findByRole('dialog', { name: 'Your new key for “CI pipeline”' });
    await user.click(within(reveal).getByRole('button', { name: 'Copy key' }));
    await within(reveal).findByText('Copied. The clipboard clears in 30 s');
    await user.click(within(reveal).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(within(row('otok-1')).getByRole('button', { name: 'Delete old token' })).toBeInTheDocument();
    expect(row('otok-new')).toHaveTextContent('Replaces the token of the same name');
    // Keyboard users are back where they started.
    expect(within(row('otok-1')).getByRole('button', { name: 'Rotate' })).toHaveFocus();
  });

  it('keeps the list unchanged when the create fails', async () => {
    const { calls, user } = setup({
      inventory: inventoryOf(),
      start_rotation: () => fail({ kind: 'forbidden', message: 'You cannot create tokens in Acme Retail.' }),
    });
    await screen.findByRole('heading', { name: 'Acme Retail' });
    await user.click(within(row('otok-1')).getByRole('button', { name: 'Rotate' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('You cannot create tokens in Acme Retail.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(names()).toEqual(['Monitoring script', 'CI pipeline']);
    expect(cmds(calls)).not.toContain('current_inventory');
  });
});

describe('Export', () => {
  it('announces how many tokens went where', async () => {
    const { calls, user } = setup({ inventory: inventoryOf(), export_inventory: { path: '/home/ada/tokens.csv', format: 'csv', rows: 2 } });
    await screen.findByRole('heading', { name: 'My tokens' });
    await user.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByText('Exported 2 tokens to /home/ada/tokens.csv.')).toBeInTheDocument();
    expect(live.text).toBe('Exported 2 tokens to /home/ada/tokens.csv.');
    expect(argsOf(calls, 'export_inventory')).toEqual([{}]);
  });

  it('says nothing when the admin cancels the save dialog', async () => {
    const { calls, user } = setup({ inventory: inventoryOf(), export_inventory: null });
    await screen.findByRole('heading', { name: 'My tokens' });
    live.text = '';
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Export' })).toBeEnabled());
    expect(cmds(calls)).toContain('export_inventory');
    expect(screen.queryByText(/Exported/)).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(live.text).toBe('');
  });

  it('shows a failed export in an alert', async () => {
    const { user } = setup({ inventory: inventoryOf(), export_inventory: () => fail({ kind: 'internal', message: 'The file could not be written: permission denied.' }) });
    await screen.findByRole('heading', { name: 'My tokens' });
    await user.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The file could not be written: permission denied.');
  });
});

const saved = (id: string, label: string, token: SavedKeyToken['token']): SavedKeyToken => ({ id, label, token });
const exists = (days: number) => ({ state: 'exists' as const, token_id: 't', days_until_removal: days, removal_risk: days <= 0 ? ('overdue' as const) : ('soon' as const), last_used: NOW - 80 * 86400 });

describe('Keep-alive banner', () => {
  const keys = [
    saved('k1', 'CI prod', exists(5)),
    saved('k2', 'Laptop', exists(-2)),
    saved('k3', 'Fresh', { ...exists(60), removal_risk: 'ok' }),
    saved('k4', 'Gone one', { state: 'gone' }),
    saved('k5', 'Other cloud', { state: 'unknown' }),
  ];

  it('lists only the saved keys Mist removes within 14 days and keeps them alive on request', async () => {
    const { calls, user } = setup({
      inventory: inventoryOf({ saved_keys: keys }),
      keep_alive: [
        { id: 'k1', label: 'CI prod', ok: true, token: null, message: 'Mist accepted “CI prod”. It now reports the token as last used 2026-12-01 18:00 UTC.' },
        { id: 'k2', label: 'Laptop', ok: false, token: null, message: 'Mist refused the key “Laptop”: it no longer works.' },
      ],
      current_inventory: inventoryOf({ saved_keys: [saved('k1', 'CI prod', { ...exists(90), removal_risk: 'ok' }), keys[1]] }),
    });
    const banner = await screen.findByRole('region', { name: 'Saved keys that Mist will remove soon' });
    const items = within(banner).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['“CI prod”: removed by Mist in 5 days unless used', '“Laptop”: past Mist’s 90 days: Mist may remove it at any time']);
    // Never automatic.
    expect(cmds(calls)).not.toContain('keep_alive');
    await user.click(within(banner).getByRole('button', { name: 'Keep them all alive' }));
    expect(await within(banner).findByText(/Mist accepted “CI prod”/)).toBeInTheDocument();
    expect(within(banner).getByText(/Mist refused the key “Laptop”/)).toBeInTheDocument();
    expect(within(banner).getByText(/Mist refused the key “Laptop”/).closest('li')).toHaveTextContent(/^Failed:/);
    expect(argsOf(calls, 'keep_alive')).toEqual([{ ids: ['k1', 'k2'] }]);
    await waitFor(() => expect(cmds(calls)).toContain('current_inventory'));
    // The refreshed inventory: only the refused key is still due.
    await waitFor(() => expect(within(banner).queryByText(/“CI prod”: removed/)).not.toBeInTheDocument());
    expect(within(banner).getByText(/“Laptop”: past/)).toBeInTheDocument();
  });

  it('shows no banner when no saved key is due', async () => {
    setup({ inventory: inventoryOf({ saved_keys: [keys[2], keys[3], keys[4]] }) });
    await screen.findByRole('heading', { name: 'My tokens' });
    expect(screen.queryByRole('region', { name: 'Saved keys that Mist will remove soon' })).not.toBeInTheDocument();
  });

  it('shows a failed keep-alive call plainly', async () => {
    const { user } = setup({
      inventory: inventoryOf({ saved_keys: [keys[0]] }),
      keep_alive: () => fail({ kind: 'keychain_unavailable', message: 'The system keychain is locked.' }),
    });
    const banner = await screen.findByRole('region', { name: 'Saved keys that Mist will remove soon' });
    await user.click(within(banner).getByRole('button', { name: 'Keep them all alive' }));
    expect(await within(banner).findByRole('alert')).toHaveTextContent('The system keychain is locked.');
  });
});

describe('Lifecycle list accessibility', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe WCAG 2.1 AA violations with marks, a rotation and the banner (${theme} theme)`, async () => {
      const inv = { ...marked({ rotation: { key_kept: false, delete_error: 'Mist refused.' } }), saved_keys: [saved('k1', 'CI prod', exists(5))] };
      const { container, user } = setup({ inventory: inv, export_inventory: { path: '/tmp/t.json', format: 'json', rows: 5 } });
      await screen.findByRole('heading', { name: 'Acme Retail' });
      await user.click(screen.getByRole('button', { name: 'Export' }));
      await screen.findByText('Exported 5 tokens to /tmp/t.json.');
      await user.click(screen.getByRole('button', { name: 'Needs attention' }));
      await user.click(screen.getByRole('button', { name: 'Needs attention' }));
      const v = await axeViolations(container, theme);
      expect(v, describeViolations(v)).toEqual([]);
    });
  }
});
