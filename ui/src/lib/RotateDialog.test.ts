import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import RotateDialog from './RotateDialog.svelte';
import { ACME, argsOf, cmds, fail, mockCommands, orgToken, token } from '../test/ipc';
import { axeViolations, describeViolations } from '../test/axeCheck';
import type { TokenView } from './api';

const STARTED = { rotation: { id: 'rot-1' }, created: {}, saved_key_label: null, warning: null };

function setup(t: TokenView, handlers: Record<string, unknown> = { start_rotation: STARTED }) {
  const calls = mockCommands(handlers);
  const onstarted = vi.fn();
  const oncancel = vi.fn();
  const r = render(RotateDialog, { token: t, onstarted, oncancel });
  return { calls, onstarted, oncancel, user: userEvent.setup(), dialog: screen.getByRole('dialog'), container: r.container };
}

const ipsToken = () => orgToken({ src_ips: ['127.0.0.0/8', '10.0.0.0/8'] });

describe('Rotate dialog', () => {
  it('names the token and says in plain words what happens', () => {
    const { dialog } = setup(ipsToken());
    expect(dialog).toHaveAccessibleName('Rotate “CI pipeline”');
    expect(dialog).toHaveTextContent(/A new token with the same name, the same access and the same source IPs is created/);
    expect(dialog).toHaveTextContent(/Its key is shown once/);
    expect(dialog).toHaveTextContent(/The old token keeps working until you choose “Delete old token”/);
    expect(dialog).toHaveTextContent(/If the old key is saved in the keychain, saving the new one replaces it there/);
    expect(dialog).toHaveTextContent('Source IPs now: 127.0.0.0/8, 10.0.0.0/8');
    expect(within(dialog).queryByText(/signed in with/)).not.toBeInTheDocument();
  });

  it('keeps the old source IPs unless changed', async () => {
    const { calls, onstarted, user, dialog } = setup(ipsToken());
    await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
    await waitFor(() => expect(onstarted).toHaveBeenCalledWith(STARTED));
    expect(argsOf(calls, 'start_rotation')).toEqual([{ kind: 'org', orgId: ACME.id, tokenId: 'otok-1', srcIps: null }]);
  });

  it('rotates a user token without source IPs', async () => {
    const { calls, user, dialog } = setup(token());
    expect(within(dialog).queryByRole('button', { name: 'Change source IPs' })).not.toBeInTheDocument();
    expect(dialog).toHaveTextContent(/A new token with the same name, the same access is created/);
    await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
    await waitFor(() => expect(argsOf(calls, 'start_rotation')).toEqual([{ kind: 'user', orgId: null, tokenId: 'tok-1', srcIps: null }]));
  });

  it('changes the source IPs, validated as at create', async () => {
    const { calls, user, dialog } = setup(ipsToken());
    await user.click(within(dialog).getByRole('button', { name: 'Change source IPs' }));
    const field = within(dialog).getByLabelText('New source IPs');
    expect(field).toHaveFocus();
    expect(field).toHaveValue('127.0.0.0/8\n10.0.0.0/8');
    await user.clear(field);
    await user.type(field, '127.0.0.1, 300.1.1.1');
    await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('“300.1.1.1” is not an IP address or range.');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(cmds(calls)).not.toContain('start_rotation');
    await user.clear(field);
    await user.type(field, '127.0.0.1, 192.0.2.0/24');
    await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
    await waitFor(() =>
      expect(argsOf(calls, 'start_rotation')).toEqual([{ kind: 'org', orgId: ACME.id, tokenId: 'otok-1', srcIps: ['127.0.0.1', '192.0.2.0/24'] }]),
    );
  });

  it('shows the backend’s source IP error under the field and keeps the text', async () => {
    const { user, dialog } = setup(ipsToken(), {
      start_rotation: () => fail({ kind: 'invalid_input', field: 'src_ips', message: 'Mist refused the source IPs: 0.0.0.0/0 is not allowed.' }),
    });
    await user.click(within(dialog).getByRole('button', { name: 'Change source IPs' }));
    const field = within(dialog).getByLabelText('New source IPs');
    await user.clear(field);
    await user.type(field, '0.0.0.0/0');
    await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription(/Mist refused the source IPs: 0\.0\.0\.0\/0 is not allowed\./));
    expect(field).toHaveValue('0.0.0.0/0');
    // Typing clears the backend's word.
    await user.type(field, '8');
    expect(within(dialog).queryByText(/Mist refused/)).not.toBeInTheDocument();
  });

  it('"Keep the old source IPs" goes back to the old list', async () => {
    const { calls, user, dialog } = setup(ipsToken());
    await user.click(within(dialog).getByRole('button', { name: 'Change source IPs' }));
    await user.type(within(dialog).getByLabelText('New source IPs'), 'nonsense');
    await user.click(within(dialog).getByRole('button', { name: 'Keep the old source IPs' }));
    expect(within(dialog).queryByLabelText('New source IPs')).not.toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Change source IPs' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
    await waitFor(() => expect(argsOf(calls, 'start_rotation')[0]).toMatchObject({ srcIps: null }));
  });

  it('shows a failed create and changes nothing', async () => {
    const { onstarted, user, dialog } = setup(ipsToken(), {
      start_rotation: () => fail({ kind: 'network', message: 'The cloud did not answer. Nothing was changed.' }),
    });
    await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The cloud did not answer. Nothing was changed.');
    expect(onstarted).not.toHaveBeenCalled();
    expect(within(dialog).getByRole('button', { name: 'Create new token' })).toBeEnabled();
  });

  it('warns when the app is signed in with the token', () => {
    const { dialog } = setup(token({ is_session_token: true }));
    expect(dialog).toHaveTextContent(/Warning: This is the token this app is signed in with\. When you delete the old token, you will be signed out/);
  });

  it('is keyboard usable: Cancel has the focus, Escape cancels', async () => {
    const { oncancel, user, dialog } = setup(ipsToken());
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(oncancel).toHaveBeenCalled();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe WCAG 2.1 AA violations (${theme} theme)`, async () => {
      const { container, user, dialog } = setup(ipsToken(), {});
      await user.click(within(dialog).getByRole('button', { name: 'Change source IPs' }));
      await user.type(within(dialog).getByLabelText('New source IPs'), ' bad');
      await user.click(within(dialog).getByRole('button', { name: 'Create new token' }));
      await within(dialog).findByRole('alert');
      const v = await axeViolations(container, theme);
      expect(v, describeViolations(v)).toEqual([]);
    });
  }
});
