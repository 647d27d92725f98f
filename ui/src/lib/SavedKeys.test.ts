import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SavedKeys from './SavedKeys.svelte';
import { argsOf, cmds, fail, inventoryOf, mockCommands, NOW } from '../test/ipc';
import { axeViolations, describeViolations } from '../test/axeCheck';
import type { SavedKey, SavedKeyList } from './api';

function key(over: Partial<SavedKey> = {}): SavedKey {
  return {
    id: 'k1',
    label: 'CI prod',
    token_id: 'otok-1',
    token_name: 'CI pipeline',
    kind: 'org',
    org_id: 'org-acme',
    org_name: 'Acme Retail',
    cloud_name: 'Global 01',
    cloud_api: 'https://api.mist.com',
    saved_at: NOW,
    status: 'ok',
    ...over,
  };
}
const listOf = (keys: SavedKey[], over: Partial<SavedKeyList> = {}): SavedKeyList => ({ keys, orphans: 0, keychain_error: null, index_notice: null, ...over });
const row = (id: string) => document.querySelector(`[data-key-id="${id}"]`) as HTMLElement;

function setup(handlers: Record<string, unknown>, onchanged?: () => void) {
  const calls = mockCommands(handlers);
  const r = render(SavedKeys, onchanged ? { onchanged } : {});
  return { calls, user: userEvent.setup(), container: r.container };
}

describe('Saved keys', () => {
  it('lists saved keys with what they belong to', async () => {
    setup({ list_saved_keys: listOf([key(), key({ id: 'k2', label: 'My laptop', kind: 'user', org_name: null, token_name: 'laptop' })]) });
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    expect(row('k1')).toHaveAccessibleName('CI prod');
    expect(row('k1')).toHaveTextContent('Org token of Acme Retail “CI pipeline” · Global 01 (https://api.mist.com)');
    expect(row('k2')).toHaveTextContent('User token “laptop”');
  });

  it('says what to do when there are none', async () => {
    setup({ list_saved_keys: listOf([]) });
    expect(await screen.findByText(/No saved keys yet\. After you create a token, choose “Save to keychain”/)).toBeInTheDocument();
  });

  it('copies a saved key through the backend', async () => {
    const { calls, user } = setup({ list_saved_keys: listOf([key()]), copy_saved_key: { clears_in_s: 30 } });
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Copy' }));
    expect(await within(row('k1')).findByText('Copied. The clipboard clears in 30 s')).toBeInTheDocument();
    expect(argsOf(calls, 'copy_saved_key')).toEqual([{ id: 'k1' }]);
  });

  it('tests a key and says who it belongs to and whether it works', async () => {
    const { calls, user } = setup({
      list_saved_keys: listOf([key(), key({ id: 'k2', label: 'Old' })]),
      test_saved_key: ({ id }: Record<string, unknown>) =>
        id === 'k1'
          ? { valid: true, identity: { kind: 'org_token', email: null, name: 'CI pipeline', via_sso: false }, privileges: [], message: 'Works. Org token “CI pipeline” with read access to Acme Retail.' }
          : { valid: false, identity: null, privileges: [], message: 'Mist refused this key: it was deleted or removed after 90 days unused.' },
    });
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    const test1 = within(row('k1')).getByRole('button', { name: 'Test' });
    expect(test1).toHaveAccessibleDescription('CI prod');
    await user.click(test1);
    expect(await within(row('k1')).findByText(/Org token “CI pipeline” with read access to Acme Retail\./)).toHaveTextContent(/^Works\./);
    // The backend's message already starts with "Works."; the UI does not say it twice.
    expect(within(row('k1')).queryByText(/Works\.\s*Works\./)).not.toBeInTheDocument();
    await user.click(within(row('k2')).getByRole('button', { name: 'Test' }));
    expect(await within(row('k2')).findByText(/Mist refused this key/)).toHaveTextContent(/^Does not work\./);
    expect(argsOf(calls, 'test_saved_key')).toEqual([{ id: 'k1' }, { id: 'k2' }]);
  });

  it('shows a test failure in words', async () => {
    const { user } = setup({
      list_saved_keys: listOf([key()]),
      test_saved_key: () => fail({ kind: 'rate_limited', message: 'Mist is limiting requests.', retry_after_s: 60 }),
    });
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Test' }));
    expect(await within(row('k1')).findByRole('alert')).toHaveTextContent('Mist is limiting requests. Please wait 60 seconds before trying again.');
  });

  it('forgets a key after a confirmation naming it', async () => {
    const { calls, user } = setup({ list_saved_keys: listOf([key()]), forget_saved_key: null });
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Forget' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Forget “CI prod”?' });
    expect(dialog).toHaveTextContent(/The token itself stays in Mist/);
    await user.click(within(dialog).getByRole('button', { name: 'Forget' }));
    await waitFor(() => expect(row('k1')).toBeNull());
    expect(argsOf(calls, 'forget_saved_key')).toEqual([{ id: 'k1' }]);
  });

  it('renames a key', async () => {
    const { calls, user } = setup({
      list_saved_keys: listOf([key()]),
      rename_saved_key: ({ label }: Record<string, unknown>) => key({ label: label as string }),
    });
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Rename' }));
    const field = screen.getByLabelText('Label');
    await user.clear(field);
    await user.type(field, 'CI production');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Rename' }));
    await waitFor(() => expect(row('k1')).toHaveAccessibleName('CI production'));
    expect(argsOf(calls, 'rename_saved_key')).toEqual([{ id: 'k1', label: 'CI production' }]);
  });

  it('shows a missing secret in words and repairs', async () => {
    const { calls, user } = setup({
      list_saved_keys: listOf([key(), key({ id: 'k2', label: 'Gone', status: 'missing_secret' })]),
      repair_saved_keys: listOf([key()]),
    });
    await waitFor(() => expect(row('k2')).toBeInTheDocument());
    expect(within(row('k2')).getByText('Missing from the keychain')).toBeInTheDocument();
    expect(within(row('k2')).getByRole('button', { name: 'Copy' })).toBeDisabled();
    expect(within(row('k2')).getByRole('button', { name: 'Test' })).toBeDisabled();
    expect(within(row('k2')).getByRole('button', { name: 'Keep alive' })).toBeDisabled();
    expect(within(row('k1')).getByRole('button', { name: 'Copy' })).toBeEnabled();
    await user.click(screen.getByRole('button', { name: 'Repair' }));
    await waitFor(() => expect(row('k2')).toBeNull());
    expect(within(row('k1')).queryByRole('button', { name: 'Keep alive' })).toBeEnabled();
    // The token states come from the current inventory (not mocked here: none are shown).
    expect(cmds(calls)).toEqual(['list_saved_keys', 'current_inventory', 'repair_saved_keys']);
  });

  it('shows a keychain error and says reveal and copy still work', async () => {
    setup({
      list_saved_keys: listOf([], { keychain_error: { kind: 'keychain_unavailable', message: 'No system keychain is available (Secret Service is not running).' } }),
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No system keychain is available (Secret Service is not running).');
    expect(alert).toHaveTextContent(/You can still reveal and copy new keys/);
  });

  it('shows a list failure with a retry', async () => {
    let n = 0;
    const { user } = setup({
      list_saved_keys: () => (++n === 1 ? fail({ kind: 'internal', message: 'The saved keys index could not be read.' }) : listOf([key()])),
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The saved keys index could not be read.');
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
  });
});

const exists = (days: number, risk: 'ok' | 'soon' | 'overdue' = 'soon') => ({
  state: 'exists' as const,
  token_id: 'otok-1',
  days_until_removal: days,
  removal_risk: risk,
  last_used: NOW - (90 - days) * 86400,
});

describe('Saved keys: token state, keep alive, usage', () => {
  const keys = [key(), key({ id: 'k2', label: 'Laptop' }), key({ id: 'k3', label: 'Other cloud' }), key({ id: 'k4', label: 'Overdue' })];

  it('shows each key’s token state from the current inventory', async () => {
    setup({
      list_saved_keys: listOf(keys),
      current_inventory: inventoryOf({
        saved_keys: [
          { id: 'k1', label: 'CI prod', token: exists(12) },
          { id: 'k2', label: 'Laptop', token: { state: 'gone' } },
          { id: 'k3', label: 'Other cloud', token: { state: 'unknown' } },
          { id: 'k4', label: 'Overdue', token: exists(-1, 'overdue') },
        ],
      }),
    });
    await waitFor(() => expect(within(row('k1')).getByText('Removed by Mist in 12 days')).toBeInTheDocument());
    expect(within(row('k2')).getByText('Token no longer exists')).toBeInTheDocument();
    expect(row('k3')).not.toHaveTextContent(/Token in Mist/);
    expect(within(row('k4')).getByText(/Past Mist’s 90 days/)).toBeInTheDocument();
  });

  it('"Keep alive" calls Mist with that key only, shows the message and the new state', async () => {
    let kept = false;
    const onchanged = vi.fn();
    const { calls, user } = setup(
      {
        list_saved_keys: listOf(keys.slice(0, 2)),
        current_inventory: () => inventoryOf({ saved_keys: [{ id: 'k1', label: 'CI prod', token: kept ? exists(90, 'ok') : exists(3) }] }),
        keep_alive: ({ ids }: Record<string, unknown>) => {
          kept = true;
          return (ids as string[]).map((id) => ({ id, label: 'CI prod', ok: true, token: null, message: 'Mist accepted “CI prod”. It now reports the token as last used 2026-12-01 18:40 UTC.' }));
        },
      },
      onchanged,
    );
    await waitFor(() => expect(within(row('k1')).getByText('Removed by Mist in 3 days')).toBeInTheDocument());
    const btn = within(row('k1')).getByRole('button', { name: 'Keep alive' });
    expect(btn).toHaveAccessibleDescription('CI prod');
    await user.click(btn);
    expect(await within(row('k1')).findByText(/Mist accepted “CI prod”\. It now reports the token as last used/)).toBeInTheDocument();
    await waitFor(() => expect(within(row('k1')).getByText('Removed by Mist in 90 days')).toBeInTheDocument());
    expect(argsOf(calls, 'keep_alive')).toEqual([{ ids: ['k1'] }]);
    expect(onchanged).toHaveBeenCalled();
  });

  it('shows a refused key’s keep-alive as an error', async () => {
    const { user } = setup({
      list_saved_keys: listOf([key()]),
      current_inventory: inventoryOf(),
      keep_alive: [{ id: 'k1', label: 'CI prod', ok: false, token: null, message: 'Mist refused “CI prod”: the key no longer works.' }],
    });
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Keep alive' }));
    expect(await within(row('k1')).findByRole('alert')).toHaveTextContent('Mist refused “CI prod”: the key no longer works.');
  });

  it('a test shows whose quota the key spends, with a warning near the limit', async () => {
    const usage = (requests: number) => ({
      requests,
      limit: 5000,
      percent: Math.floor((requests * 100) / 5000),
      near_limit: requests >= 4000,
      owner: 'org_token' as const,
      text: `${requests} of 5,000 API calls used this hour. This org token has a limit of its own, apart from every person's.`,
    });
    const { user } = setup({
      list_saved_keys: listOf([key(), key({ id: 'k2', label: 'Busy' })]),
      current_inventory: inventoryOf(),
      test_saved_key: ({ id }: Record<string, unknown>) => ({
        valid: true,
        identity: null,
        privileges: [],
        message: 'Works.',
        warning: null,
        usage: id === 'k1' ? usage(12) : usage(4200),
      }),
    });
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Test' }));
    const calm = await within(row('k1')).findByTestId('key-usage');
    expect(calm).toHaveTextContent("12 of 5,000 API calls used this hour. This org token has a limit of its own, apart from every person's.");
    expect(calm).not.toHaveTextContent('Warning');
    await user.click(within(row('k2')).getByRole('button', { name: 'Test' }));
    const busy = await within(row('k2')).findByTestId('key-usage');
    expect(busy).toHaveTextContent(/^Warning: 4200 of 5,000/);
    expect(busy).toHaveClass('warning');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe WCAG 2.1 AA violations with states and results (${theme} theme)`, async () => {
      const { container, user } = setup({
        list_saved_keys: listOf(keys.slice(0, 2)),
        current_inventory: inventoryOf({ saved_keys: [{ id: 'k1', label: 'CI prod', token: exists(5) }, { id: 'k2', label: 'Laptop', token: { state: 'gone' } }] }),
        keep_alive: [{ id: 'k2', label: 'Laptop', ok: false, token: null, message: 'Refused.' }],
        test_saved_key: { valid: true, identity: null, privileges: [], message: 'Works.', warning: null, usage: { requests: 4500, limit: 5000, percent: 90, near_limit: true, owner: 'user', text: 'Shared. Warning: 90 %.' } },
      });
      await waitFor(() => expect(within(row('k1')).getByText('Removed by Mist in 5 days')).toBeInTheDocument());
      await user.click(within(row('k1')).getByRole('button', { name: 'Test' }));
      await within(row('k1')).findByTestId('key-usage');
      await user.click(within(row('k2')).getByRole('button', { name: 'Keep alive' }));
      await within(row('k2')).findByText('Refused.');
      const v = await axeViolations(container, theme);
      expect(v, describeViolations(v)).toEqual([]);
    });
  }
});
