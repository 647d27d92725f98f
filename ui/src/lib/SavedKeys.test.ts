import { describe, it, expect } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SavedKeys from './SavedKeys.svelte';
import { argsOf, cmds, fail, mockCommands, NOW } from '../test/ipc';
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

function setup(handlers: Record<string, unknown>) {
  const calls = mockCommands(handlers);
  render(SavedKeys);
  return { calls, user: userEvent.setup() };
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
    expect(within(row('k1')).getByRole('button', { name: 'Copy' })).toBeEnabled();
    await user.click(screen.getByRole('button', { name: 'Repair' }));
    await waitFor(() => expect(row('k2')).toBeNull());
    expect(cmds(calls)).toEqual(['list_saved_keys', 'repair_saved_keys']);
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
