// Issue 11 in the Saved keys screen: a key with no cloud bound to it in the keychain is tested only
// after the admin confirms its cloud; a list that names another cloud than the keychain is
// reported; a damaged list that was moved aside is reported with what to do.
import { describe, it, expect } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SavedKeys from './SavedKeys.svelte';
import { argsOf, cmds, EMEA01, fail, GLOBAL01, mockCommands, NOW } from '../test/ipc';
import type { SavedKey, SavedKeyList } from './api';

function key(over: Partial<SavedKey> = {}): SavedKey {
  return {
    id: 'k1',
    label: 'Old laptop key',
    token_id: null,
    token_name: null,
    kind: 'user',
    org_id: null,
    org_name: null,
    cloud_name: 'EMEA 01',
    cloud_api: 'https://api.eu.mist.com',
    saved_at: NOW,
    status: 'ok',
    ...over,
  };
}
const listOf = (keys: SavedKey[], over: Partial<SavedKeyList> = {}): SavedKeyList => ({ keys, orphans: 0, keychain_error: null, index_notice: null, ...over });
const row = (id: string) => document.querySelector(`[data-key-id="${id}"]`) as HTMLElement;
const works = { valid: true, identity: null, privileges: [], message: 'Works. User token of ada@example.com, with the same access as that account.' };

describe('Saved keys: tampered_index', () => {
  it('asks the admin to confirm an unbound key’s cloud before anything is sent, then tests it', async () => {
    let bound = false;
    const calls = mockCommands({
      list_saved_keys: listOf([key()]),
      list_clouds: [GLOBAL01, EMEA01],
      test_saved_key: () => (bound ? works : fail({ kind: 'cloud_unconfirmed', message: 'Confirm its cloud.' })),
      confirm_saved_key_cloud: ({ cloudId }: Record<string, unknown>) => {
        bound = true;
        return key({ cloud_api: cloudId === 'global01' ? GLOBAL01.api_url : EMEA01.api_url, cloud_name: 'Global 01' });
      },
    });
    render(SavedKeys);
    const user = userEvent.setup();
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Test' }));

    const step = await within(row('k1')).findByRole('group', { name: 'Confirm the cloud of “Old laptop key”' });
    expect(step).toHaveTextContent(/Before the key is sent anywhere, confirm the Mist cloud it belongs to/);
    expect(step).toHaveTextContent(/The list names EMEA 01 \(https:\/\/api\.eu\.mist\.com\)/);
    // The cloud the list names is chosen, but the admin decides.
    const select = within(step).getByLabelText('Cloud');
    expect(select).toHaveValue('emea01');
    await user.selectOptions(select, 'global01');
    await user.click(within(step).getByRole('button', { name: 'Confirm and test' }));

    expect(await within(row('k1')).findByText(/User token of ada@example\.com/)).toBeInTheDocument();
    expect(within(row('k1')).queryByRole('group')).toBeNull();
    expect(argsOf(calls, 'confirm_saved_key_cloud')).toEqual([{ id: 'k1', cloudId: 'global01' }]);
    // current_inventory: the token states, from the app's inventory (no key is sent).
    expect(cmds(calls)).toEqual(['list_saved_keys', 'current_inventory', 'test_saved_key', 'list_clouds', 'confirm_saved_key_cloud', 'test_saved_key']);
    expect(within(row('k1')).getByText(/Global 01/)).toBeInTheDocument();
  });

  it('cancelling the step sends nothing', async () => {
    const calls = mockCommands({
      list_saved_keys: listOf([key()]),
      list_clouds: [GLOBAL01, EMEA01],
      test_saved_key: () => fail({ kind: 'cloud_unconfirmed', message: 'Confirm its cloud.' }),
    });
    render(SavedKeys);
    const user = userEvent.setup();
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Test' }));
    const step = await within(row('k1')).findByRole('group');
    await user.click(within(step).getByRole('button', { name: 'Cancel' }));
    expect(within(row('k1')).queryByRole('group')).toBeNull();
    // current_inventory: the token states, from the app's inventory (no key is sent).
    expect(cmds(calls)).toEqual(['list_saved_keys', 'current_inventory', 'test_saved_key', 'list_clouds']);
  });

  it('offers a custom cloud the list names, resolved without sending anything', async () => {
    const calls = mockCommands({
      list_saved_keys: listOf([key({ cloud_name: 'mist.example.net', cloud_api: 'https://mist.example.net' })]),
      list_clouds: [GLOBAL01],
      resolve_cloud: { id: 'custom', name: 'mist.example.net', api_url: 'https://mist.example.net', portal_host: null, is_mist: false },
      test_saved_key: () => fail({ kind: 'cloud_unconfirmed', message: 'Confirm its cloud.' }),
      confirm_saved_key_cloud: () => fail({ kind: 'invalid_input', field: 'cloud', message: 'This app does not know that cloud.' }),
    });
    render(SavedKeys);
    const user = userEvent.setup();
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Test' }));
    const step = await within(row('k1')).findByRole('group');
    expect(within(step).getByLabelText('Cloud')).toHaveValue('custom');
    expect(step).toHaveTextContent(/Not a Mist cloud/);
    await user.click(within(step).getByRole('button', { name: 'Confirm and test' }));
    expect(await within(step).findByRole('alert')).toHaveTextContent('This app does not know that cloud.');
    expect(argsOf(calls, 'resolve_cloud')).toEqual([{ input: 'https://mist.example.net' }]);
  });

  it('reports a list that names another cloud than the keychain', async () => {
    mockCommands({
      list_saved_keys: listOf([key()]),
      test_saved_key: {
        ...works,
        warning: 'The list of saved keys names evil.example for this key, but the keychain keeps it for api.eu.mist.com. The app used api.eu.mist.com only and sent nothing to evil.example.',
      },
    });
    render(SavedKeys);
    const user = userEvent.setup();
    await waitFor(() => expect(row('k1')).toBeInTheDocument());
    await user.click(within(row('k1')).getByRole('button', { name: 'Test' }));
    const alert = await within(row('k1')).findByRole('alert');
    expect(alert).toHaveTextContent(/List changed\?/);
    expect(alert).toHaveTextContent(/sent nothing to evil\.example/);
  });
});

describe('Saved keys: index_permissions (a damaged list moved aside)', () => {
  it('says so, which keys it affects and what to do, and Repair clears it', async () => {
    const notice = {
      moved_to: ['/data/saved-keys.json.broken-1'],
      labels: ['Prod CI'],
      unlisted: 2,
      message:
        'The list of saved keys was damaged and could not be read, so the app set it aside (/data/saved-keys.json.broken-1) and started a new one. It listed: “Prod CI”. 2 keys in the keychain are not in the list now, but safe there. Choose Repair to list the keys again as “Recovered key”, then Test each one, confirm its cloud and rename it.',
    };
    const calls = mockCommands({
      list_saved_keys: listOf([], { orphans: 2, index_notice: notice }),
      repair_saved_keys: listOf([key({ id: 'r1', label: 'Recovered key 1' }), key({ id: 'r2', label: 'Recovered key 2' })]),
    });
    render(SavedKeys);
    const user = userEvent.setup();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(/“Prod CI”/);
    expect(alert).toHaveTextContent(/2 keys in the keychain are not in the list now/);
    await user.click(within(alert).getByRole('button', { name: 'Repair' }));
    await waitFor(() => expect(row('r2')).toBeInTheDocument());
    expect(screen.queryByText(/was damaged/)).toBeNull();
    // current_inventory: the token states, from the app's inventory (no key is sent).
    expect(cmds(calls)).toEqual(['list_saved_keys', 'current_inventory', 'repair_saved_keys']);
  });
});
