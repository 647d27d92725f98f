import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import RevealDialog from './RevealDialog.svelte';
import { argsOf, cmds, fail, fakeSlots, mockCommands, orgToken } from '../test/ipc';
import { axeViolations, describeViolations } from '../test/axeCheck';
import type { RotationStarted } from './api';

const KEY = 'Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv12Wx34Yz56';
const created = { token: orgToken({ name: 'CI pipeline' }), slot: { slot_id: 'slot-9', expires_in_s: 600 } };

function setup(handlers: Record<string, unknown> = {}) {
  const calls = mockCommands({
    ...fakeSlots(KEY),
    delete_token: null,
    ...handlers,
  });
  const onclose = vi.fn();
  const r = render(RevealDialog, { created, onclose });
  return { calls, onclose, user: userEvent.setup(), dialog: screen.getByRole('dialog'), ...r };
}

describe('Reveal dialog', () => {
  it('says plainly that the key is shown once', () => {
    const { dialog } = setup();
    expect(dialog).toHaveAccessibleName('Your new key for “CI pipeline”');
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveTextContent(/This key is shown only once\./);
    expect(dialog).toHaveTextContent(/Mist never shows it again/);
    expect(screen.queryByLabelText('API key')).not.toBeInTheDocument();
  });

  it('reveals the key once; a second click is impossible', async () => {
    const { calls, user, dialog } = setup();
    const reveal = within(dialog).getByRole('button', { name: 'Reveal key' });
    await user.click(reveal);
    const out = await within(dialog).findByLabelText('API key');
    expect(out).toHaveTextContent(KEY);
    expect(reveal).toBeDisabled();
    expect(reveal).toHaveAccessibleDescription('The key was shown once. It cannot be shown again.');
    await user.click(reveal);
    expect(argsOf(calls, 'reveal_key')).toEqual([{ slotId: 'slot-9' }]);
  });

  it('drops the key and dismisses the slot when closed', async () => {
    const { calls, onclose, user, dialog } = setup();
    await user.click(within(dialog).getByRole('button', { name: 'Reveal key' }));
    await within(dialog).findByLabelText('API key');
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(onclose).toHaveBeenCalledWith({ deleted: false });
    expect(screen.queryByText(KEY)).not.toBeInTheDocument();
    await waitFor(() => expect(argsOf(calls, 'dismiss_key')).toEqual([{ slotId: 'slot-9' }]));
  });

  it('copies through the backend and tells when the clipboard clears', async () => {
    const { calls, user, dialog, onclose } = setup();
    await user.click(within(dialog).getByRole('button', { name: 'Copy key' }));
    expect(await within(dialog).findByText('Copied. The clipboard clears in 30 s')).toBeInTheDocument();
    expect(within(dialog).getByText('Copied. The clipboard clears in 30 s')).toHaveAttribute('role', 'status');
    expect(argsOf(calls, 'copy_key')).toEqual([{ slotId: 'slot-9' }]);
    expect(screen.queryByLabelText('API key')).not.toBeInTheDocument();
    // Copied counts as kept: Done closes without asking.
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(onclose).toHaveBeenCalledWith({ deleted: false });
  });

  it('saves to the keychain under the label, default the token name', async () => {
    const { calls, user, dialog } = setup();
    const label = within(dialog).getByLabelText('Keychain label');
    expect(label).toHaveValue('CI pipeline');
    await user.clear(label);
    await user.type(label, 'CI (prod)');
    await user.click(within(dialog).getByRole('button', { name: 'Save to keychain' }));
    expect(await within(dialog).findByText('Saved in the keychain as “CI (prod)”.')).toBeInTheDocument();
    expect(argsOf(calls, 'save_key')).toEqual([{ slotId: 'slot-9', label: 'CI (prod)' }]);
    expect(within(dialog).getByRole('button', { name: 'Save to keychain' })).toBeDisabled();
  });

  it('shows a keychain failure and still lets the admin copy', async () => {
    const { user, dialog } = setup({
      save_key: () => fail({ kind: 'keychain_unavailable', message: 'The system keychain is locked or missing.' }),
    });
    await user.click(within(dialog).getByRole('button', { name: 'Save to keychain' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The system keychain is locked or missing.');
    expect(within(dialog).getByRole('button', { name: 'Copy key' })).toBeEnabled();
  });

  it('asks before closing when the key was not kept, and offers to delete the token', async () => {
    const { calls, onclose, user, dialog } = setup();
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(onclose).not.toHaveBeenCalled();
    expect(dialog).toHaveTextContent(/The key will be lost/);
    expect(within(dialog).getByRole('button', { name: 'Go back' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Delete token' }));
    await waitFor(() => expect(onclose).toHaveBeenCalledWith({ deleted: true }));
    expect(argsOf(calls, 'delete_token')).toEqual([{ kind: 'org', orgId: 'org-acme', tokenId: 'otok-1' }]);
    expect(cmds(calls)).toContain('dismiss_key');
  });

  it('sends Escape through the same confirmation', async () => {
    const { calls, onclose, user, dialog } = setup();
    await user.keyboard('{Escape}');
    expect(onclose).not.toHaveBeenCalled();
    expect(dialog).toHaveTextContent(/The key will be lost/);
    // Escape again goes back to the key, not out.
    await user.keyboard('{Escape}');
    expect(within(dialog).getByRole('button', { name: 'Reveal key' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await user.click(within(dialog).getByRole('button', { name: 'Close and lose the key' }));
    expect(onclose).toHaveBeenCalledWith({ deleted: false });
    expect(cmds(calls)).not.toContain('delete_token');
    await waitFor(() => expect(cmds(calls)).toContain('dismiss_key'));
  });

  it('disables reveal when the backend says it was already shown', async () => {
    // Shown once already (say, before the window reloaded): the backend's slot says so.
    const slots = fakeSlots(KEY);
    slots.reveal_key({ slotId: 'slot-9' });
    const { user, dialog } = setup({
      ...slots,
      reveal_key: () => fail({ kind: 'already_revealed', message: 'This key was already shown once.' }),
    });
    await user.click(within(dialog).getByRole('button', { name: 'Reveal key' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('This key was already shown once.');
    expect(within(dialog).getByRole('button', { name: 'Reveal key' })).toBeDisabled();
  });

  it('never stores the key in web storage or logs it', async () => {
    const log = vi.spyOn(console, 'log');
    const { user, dialog } = setup();
    await user.click(within(dialog).getByRole('button', { name: 'Reveal key' }));
    await within(dialog).findByLabelText('API key');
    expect(JSON.stringify({ ...localStorage })).not.toContain(KEY);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(KEY);
    expect(log.mock.calls.flat().join(' ')).not.toContain(KEY);
  });

  it('says when the time to keep the key is over and disables the actions', async () => {
    mockCommands({ dismiss_key: null, slot_status: () => fail({ kind: 'slot_expired', message: 'Gone.' }) });
    render(RevealDialog, { created: { ...created, slot: { slot_id: 'slot-x', expires_in_s: 0 } }, onclose: vi.fn() });
    const dialog = screen.getByRole('dialog');
    expect(await within(dialog).findByText(/The time to keep this key is over/)).toBeInTheDocument();
    for (const name of ['Reveal key', 'Copy key', 'Save to keychain']) {
      expect(within(dialog).getByRole('button', { name })).toBeDisabled();
    }
  });
});

describe('Reveal dialog of a rotation', () => {
  const rotation = (over: Partial<RotationStarted> = {}): RotationStarted => ({
    rotation: {
      id: 'rot-1',
      kind: 'org',
      org_id: 'org-acme',
      org_name: 'Acme Retail',
      cloud_api: 'https://api.mist.com',
      account: 'admin@example.com',
      name: 'CI pipeline',
      old_token_id: 'otok-old',
      new_token_id: 'otok-1',
      old_key_hint: 'oooo...oooo',
      new_key_hint: 'abcd...wxyz',
      started_at: 0,
      saved_key_id: 'k1',
      slot_id: 'slot-9',
      key_kept: false,
      delete_error: null,
    },
    created,
    saved_key_label: 'CI prod',
    warning: null,
    ...over,
  });

  function setupRot(r: RotationStarted, handlers: Record<string, unknown> = {}) {
    const calls = mockCommands({ ...fakeSlots(KEY), delete_token: null, ...handlers });
    const onclose = vi.fn();
    const res = render(RevealDialog, { created, rotation: r, onclose });
    return { calls, onclose, user: userEvent.setup(), dialog: screen.getByRole('dialog'), container: res.container };
  }

  it('saves under the old key’s label and says it replaces that saved key', async () => {
    const { calls, user, dialog } = setupRot(rotation());
    expect(within(dialog).getByLabelText('Keychain label')).toHaveValue('CI prod');
    const save = within(dialog).getByRole('button', { name: 'Save to keychain' });
    expect(save).toHaveAccessibleDescription('Replaces the saved key “CI prod” with the new key');
    await user.click(save);
    await within(dialog).findByText('Saved in the keychain as “CI prod”.');
    expect(argsOf(calls, 'save_key')).toEqual([{ slotId: 'slot-9', label: 'CI prod' }]);
  });

  it('offers "Delete old token" only once the new key was kept', async () => {
    const { calls, onclose, user, dialog } = setupRot(rotation({ saved_key_label: null }), {
      finish_rotation: { rotation_id: 'rot-1', deleted_token_id: 'otok-old', message: 'The old token “CI pipeline” (key oooo...oooo) is deleted.' },
    });
    expect(within(dialog).getByLabelText('Keychain label')).toHaveValue('CI pipeline');
    expect(within(dialog).queryByText(/Replaces the saved key/)).not.toBeInTheDocument();
    expect(dialog).toHaveTextContent('The old “CI pipeline” (key oooo...oooo) still exists and keeps working.');
    const del = within(dialog).getByRole('button', { name: 'Delete old token' });
    expect(del).toBeDisabled();
    expect(del).toHaveAccessibleDescription(/Keep the new key first \(reveal, copy or save it\): until then the old token stays\./);
    await user.click(within(dialog).getByRole('button', { name: 'Reveal key' }));
    await within(dialog).findByLabelText('API key');
    await waitFor(() => expect(del).toBeEnabled());
    expect(del).toHaveAccessibleDescription(/Deletes the old token in Mist/);
    await user.click(del);
    await waitFor(() =>
      expect(onclose).toHaveBeenCalledWith({
        deleted: false,
        finished: { rotation_id: 'rot-1', deleted_token_id: 'otok-old', message: 'The old token “CI pipeline” (key oooo...oooo) is deleted.' },
      }),
    );
    expect(argsOf(calls, 'finish_rotation')).toEqual([{ rotationId: 'rot-1' }]);
    expect(cmds(calls)).toContain('dismiss_key');
    expect(cmds(calls)).not.toContain('delete_token');
  });

  it('shows a failed delete plainly and retries', async () => {
    let n = 0;
    const { calls, onclose, user, dialog } = setupRot(rotation(), {
      finish_rotation: () =>
        ++n === 1
          ? fail({ kind: 'network', message: 'The new token works, but the old token “CI pipeline” of Acme Retail (key oooo...oooo) still exists in Mist: deleting it failed.' })
          : { rotation_id: 'rot-1', deleted_token_id: 'otok-old', message: 'Deleted.' },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Copy key' }));
    await within(dialog).findByText('Copied. The clipboard clears in 30 s');
    await user.click(within(dialog).getByRole('button', { name: 'Delete old token' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('the old token “CI pipeline” of Acme Retail (key oooo...oooo) still exists in Mist');
    expect(onclose).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Delete old token' }));
    await waitFor(() => expect(onclose).toHaveBeenCalledWith({ deleted: false, finished: { rotation_id: 'rot-1', deleted_token_id: 'otok-old', message: 'Deleted.' } }));
    expect(argsOf(calls, 'finish_rotation')).toHaveLength(2);
  });

  it('closing without deleting leaves the rotation pending; the warning is shown', async () => {
    const { calls, onclose, user, dialog } = setupRot(rotation({ warning: 'The app could not record the rotation.' }));
    expect(within(dialog).getByText(/The app could not record the rotation\./)).toHaveTextContent(/^Warning:/);
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    // Not kept: the usual question, which says the old token keeps working.
    expect(dialog).toHaveTextContent(/The old token \(key oooo\.\.\.oooo\) keeps working\. Delete the new token instead\?/);
    await user.click(within(dialog).getByRole('button', { name: 'Go back' }));
    await user.click(within(dialog).getByRole('button', { name: 'Copy key' }));
    await within(dialog).findByText('Copied. The clipboard clears in 30 s');
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(onclose).toHaveBeenCalledWith({ deleted: false });
    expect(cmds(calls)).not.toContain('finish_rotation');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe WCAG 2.1 AA violations with the rotation step (${theme} theme)`, async () => {
      const { container, user, dialog } = setupRot(rotation({ warning: 'Not recorded.' }), {
        finish_rotation: () => fail({ kind: 'server', message: 'The old token still exists.' }),
      });
      await user.click(within(dialog).getByRole('button', { name: 'Copy key' }));
      await within(dialog).findByText('Copied. The clipboard clears in 30 s');
      await user.click(within(dialog).getByRole('button', { name: 'Delete old token' }));
      await within(dialog).findByText('The old token still exists.');
      const v = await axeViolations(container, theme);
      expect(v, describeViolations(v)).toEqual([]);
    });
  }
});
