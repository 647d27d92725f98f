import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import CreateTokenDialog from './CreateTokenDialog.svelte';
import { ACME, argsOf, BETA, cmds, fail, mockCommands, orgToken, session, token } from '../test/ipc';
import type { OrgInfo, SessionInfo } from './api';

const GAMMA: OrgInfo = { id: 'org-gamma', name: 'Gamma Hotels', role: 'admin', can_manage_tokens: true };
const created = (t = token()) => ({ token: t, slot: { slot_id: 'slot-1', expires_in_s: 600 } });

function setup(handlers: Record<string, unknown>, s: SessionInfo = session()) {
  const calls = mockCommands(handlers);
  const oncreated = vi.fn();
  const onclose = vi.fn();
  render(CreateTokenDialog, { session: s, oncreated, onclose });
  return { calls, oncreated, onclose, user: userEvent.setup(), dialog: screen.getByRole('dialog', { name: 'Create token' }) };
}

describe('Create token', () => {
  it('creates a user token with the typed name', async () => {
    const { calls, oncreated, user, dialog } = setup({ create_user_token: created() });
    expect(within(dialog).getByLabelText('My user token')).toBeChecked();
    expect(within(dialog).getByLabelText('Token name')).toHaveFocus();
    await user.type(within(dialog).getByLabelText('Token name'), 'Backup job');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await waitFor(() => expect(oncreated).toHaveBeenCalledWith(created()));
    expect(argsOf(calls, 'create_user_token')).toEqual([{ name: 'Backup job' }]);
  });

  it('asks for a name beside the field', async () => {
    const { calls, user, dialog } = setup({});
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    expect(within(dialog).getByLabelText('Token name')).toHaveAccessibleDescription(/Give the token a name/);
    expect(calls).toHaveLength(0);
  });

  it('creates an org token for the whole org with read access by default', async () => {
    const t = orgToken();
    const { calls, oncreated, user, dialog } = setup({ create_org_token: created(t) }, session({ orgs: [BETA, ACME, GAMMA] }));
    await user.click(within(dialog).getByLabelText('Organization token'));
    const org = within(dialog).getByLabelText('Organization');
    // Only organizations where the admin can manage tokens.
    expect(within(org).getAllByRole('option').map((o) => o.textContent)).toEqual(['Acme Retail', 'Gamma Hotels']);
    expect(within(dialog).getByLabelText('Access level')).toHaveValue('read');
    expect(within(dialog).getByLabelText('Access level')).toHaveAccessibleDescription(/change nothing/);
    await user.type(within(dialog).getByLabelText('Token name'), 'CI pipeline');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await waitFor(() => expect(oncreated).toHaveBeenCalled());
    expect(argsOf(calls, 'create_org_token')).toEqual([
      { orgId: ACME.id, name: 'CI pipeline', privileges: [{ scope: 'org', role: 'read' }], srcIps: [] },
    ]);
    expect(cmds(calls)).not.toContain('org_details');
  });

  it('picks sites by name and sends their ids with source IPs', async () => {
    const { calls, user, dialog } = setup({
      org_details: { org: ACME, sites: [{ id: 's1', name: 'Store 1' }, { id: 's2', name: 'Store 2' }], sitegroups: [{ id: 'g1', name: 'East' }] },
      create_org_token: created(orgToken()),
    });
    await user.click(within(dialog).getByLabelText('Organization token'));
    await user.type(within(dialog).getByLabelText('Token name'), 'Stores');
    await user.selectOptions(within(dialog).getByLabelText('Access level'), 'write');
    await user.click(within(dialog).getByLabelText('Chosen sites'));
    await user.click(await within(dialog).findByLabelText('Store 2'));
    await user.type(within(dialog).getByLabelText('Source IPs'), '203.0.113.5,\n2001:db8::/32');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await waitFor(() => expect(argsOf(calls, 'create_org_token')).toHaveLength(1));
    expect(argsOf(calls, 'org_details')).toEqual([{ orgId: ACME.id }]);
    expect(argsOf(calls, 'create_org_token')[0]).toEqual({
      orgId: ACME.id,
      name: 'Stores',
      privileges: [{ scope: 'site', role: 'write', site_id: 's2' }],
      srcIps: ['203.0.113.5', '2001:db8::/32'],
    });
  });

  it('picks site groups by name', async () => {
    const { calls, user, dialog } = setup({
      org_details: { org: ACME, sites: [], sitegroups: [{ id: 'g1', name: 'East' }, { id: 'g2', name: 'West' }] },
      create_org_token: created(orgToken()),
    });
    await user.click(within(dialog).getByLabelText('Organization token'));
    await user.type(within(dialog).getByLabelText('Token name'), 'Groups');
    await user.click(within(dialog).getByLabelText('Chosen site groups'));
    // Nothing chosen yet: explain beside the choice, do not call the backend.
    await within(dialog).findByLabelText('West');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    expect(within(dialog).getByText(/Choose at least one site group/)).toBeInTheDocument();
    await user.click(within(dialog).getByLabelText('West'));
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await waitFor(() => expect(argsOf(calls, 'create_org_token')).toHaveLength(1));
    expect(argsOf(calls, 'create_org_token')[0].privileges).toEqual([{ scope: 'sitegroup', role: 'read', sitegroup_id: 'g2' }]);
  });

  it('validates source IPs inline and does not send bad ones', async () => {
    const { calls, user, dialog } = setup({});
    await user.click(within(dialog).getByLabelText('Organization token'));
    await user.type(within(dialog).getByLabelText('Token name'), 'X');
    const ips = within(dialog).getByLabelText('Source IPs');
    await user.type(ips, '10.0.0.1, 10.0.0.300');
    await user.tab();
    expect(ips).toHaveAccessibleDescription(/“10\.0\.0\.300” is not an IP address or range/);
    expect(ips).toHaveAttribute('aria-invalid', 'true');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    expect(cmds(calls)).not.toContain('create_org_token');
    await user.clear(ips);
    await user.type(ips, Array.from({ length: 11 }, (_, i) => `10.0.0.${i}`).join('\n'));
    expect(ips).toHaveAccessibleDescription(/At most 10 addresses or ranges are allowed; you entered 11/);
    await user.clear(ips);
    await user.type(ips, '10.0.0.0/8');
    expect(ips).not.toHaveAttribute('aria-invalid');
  });

  it('shows the backend src_ips error beside the field', async () => {
    const { user, dialog } = setup({
      create_org_token: () => fail({ kind: 'invalid_input', message: 'Mist refused 10.0.0.0/1: too wide.', field: 'src_ips' }),
    });
    await user.click(within(dialog).getByLabelText('Organization token'));
    await user.type(within(dialog).getByLabelText('Token name'), 'X');
    await user.type(within(dialog).getByLabelText('Source IPs'), '10.0.0.0/1');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await waitFor(() => expect(within(dialog).getByLabelText('Source IPs')).toHaveAccessibleDescription(/Mist refused 10\.0\.0\.0\/1: too wide\./));
    expect(within(dialog).getByLabelText('Token name')).toHaveValue('X');
  });

  it('disables user tokens when the session cannot create them and says why', async () => {
    const { dialog } = setup(
      {},
      session({ identity: { kind: 'user', email: 'sso@example.com', name: 'Sam', via_sso: true }, can_create_user_tokens: false }),
    );
    expect(within(dialog).getByLabelText('My user token')).toBeDisabled();
    expect(within(dialog).getByLabelText('Organization token')).toBeChecked();
    expect(within(dialog).getByLabelText('My user token')).toHaveAccessibleDescription(/single sign-on \(SSO\) admins cannot create user tokens/);
  });

  it('explains an org-token session', async () => {
    const { dialog } = setup(
      {},
      session({ identity: { kind: 'org_token', email: null, name: 'ci', via_sso: false }, can_create_user_tokens: false, orgs: [ACME] }),
    );
    expect(within(dialog).getByLabelText('My user token')).toHaveAccessibleDescription(/signed in with an org token/);
  });

  it('offers to delete a token whose creation was not confirmed', async () => {
    const { calls, onclose, user, dialog } = setup({
      create_user_token: () =>
        fail({ kind: 'create_unconfirmed', message: 'Mist did not confirm the new token.', token_id: 'tok-maybe' }),
      delete_token: null,
    });
    await user.type(within(dialog).getByLabelText('Token name'), 'Flaky');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    expect(await within(dialog).findByText('Mist did not confirm the new token.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Delete that token' }));
    expect(await within(dialog).findByText(/The token was deleted/)).toBeInTheDocument();
    expect(argsOf(calls, 'delete_token')).toEqual([{ kind: 'user', orgId: null, tokenId: 'tok-maybe' }]);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onclose).toHaveBeenCalledWith(true);
  });

  it('closes on Escape', async () => {
    const { onclose, user } = setup({});
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalledWith(false);
  });

  it('keeps keyboard focus inside the dialog', async () => {
    const { user, dialog } = setup({});
    for (let i = 0; i < 12; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
  });
});
