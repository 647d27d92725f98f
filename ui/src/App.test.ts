import { describe, it, expect, beforeEach } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { argsOf, cmds, fail, GLOBAL01, inventoryOf, mockCommands, session, SIM } from './test/ipc';

beforeEach(() => {
  delete document.body.dataset.ready;
});

describe('App start-up', () => {
  it('restores nothing, shows the sign-in screen, then reports ready once', async () => {
    const calls = mockCommands({ restore_session: null, ui_ready: null, list_clouds: [GLOBAL01] });
    render(App);
    expect(screen.getByRole('heading', { name: 'Mist Token Manager' })).toBeInTheDocument();
    expect(await screen.findByLabelText('Email')).toBeInTheDocument();
    await waitFor(() => expect(document.body.dataset.ready).toBe('true'));
    expect(cmds(calls)[0]).toBe('restore_session');
    expect(cmds(calls).filter((c) => c === 'ui_ready')).toHaveLength(1);
  });

  it('shows the token list when a remembered token signs in', async () => {
    const calls = mockCommands({
      restore_session: session({ method: 'token', remembered: true }),
      ui_ready: null,
      inventory: inventoryOf(),
    });
    render(App);
    expect(await screen.findByRole('heading', { name: 'My tokens' })).toBeInTheDocument();
    expect(screen.getByTestId('identity')).toHaveTextContent('Ada Lovelace (ada@example.com)');
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
    expect(cmds(calls)).toContain('ui_ready');
  });

  it('explains a failed restore on the sign-in screen', async () => {
    mockCommands({
      restore_session: () => fail({ kind: 'unauthorized', message: 'Mist no longer accepts the remembered token.' }),
      ui_ready: null,
      list_clouds: [],
    });
    render(App);
    expect(await screen.findByRole('alert')).toHaveTextContent('Mist no longer accepts the remembered token.');
    expect(screen.getByLabelText('Email')).toBeInTheDocument();
  });
});

describe('Header', () => {
  it('warns in words when the cloud is not a Mist cloud and shows the host', async () => {
    mockCommands({ restore_session: session({ cloud: SIM }), ui_ready: null, inventory: inventoryOf() });
    render(App);
    const banner = await screen.findByRole('banner');
    expect(within(banner).getByText('Not a Mist cloud')).toBeInTheDocument();
    expect(within(banner).getByTestId('cloud-name')).toHaveTextContent('Demo cloud');
    expect(within(banner).getByTestId('cloud-host')).toHaveTextContent('127.0.0.1:8787');
  });

  it('does not warn on a Mist cloud', async () => {
    mockCommands({ restore_session: session(), ui_ready: null, inventory: inventoryOf() });
    render(App);
    const banner = await screen.findByRole('banner');
    expect(within(banner).getByTestId('cloud-host')).toHaveTextContent('api.mist.com');
    expect(screen.queryByText('Not a Mist cloud')).not.toBeInTheDocument();
  });

  it('signs out directly when nothing is remembered', async () => {
    const calls = mockCommands({ restore_session: session(), ui_ready: null, inventory: inventoryOf(), sign_out: null, list_clouds: [] });
    render(App);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('Email')).toBeInTheDocument();
    expect(argsOf(calls, 'sign_out')).toEqual([{ forgetRemembered: false }]);
  });

  it('asks whether to forget a remembered token when signing out', async () => {
    const calls = mockCommands({
      restore_session: session({ method: 'token', remembered: true }),
      ui_ready: null,
      inventory: inventoryOf(),
      sign_out: null,
      list_clouds: [],
    });
    render(App);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Sign out' });
    expect(argsOf(calls, 'sign_out')).toHaveLength(0);
    await user.click(within(dialog).getByLabelText('Also forget the remembered token'));
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('Email')).toBeInTheDocument();
    expect(argsOf(calls, 'sign_out')).toEqual([{ forgetRemembered: true }]);
  });

  it('switches to the saved keys view', async () => {
    mockCommands({
      restore_session: session(),
      ui_ready: null,
      inventory: inventoryOf(),
      list_saved_keys: { keys: [], orphans: 0, keychain_error: null },
    });
    render(App);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Saved keys' }));
    expect(await screen.findByText(/No saved keys yet/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Saved keys' })).toHaveAttribute('aria-current', 'page');
  });
});

describe('Full sign-in', () => {
  it('goes from email to the token list', async () => {
    const s = session();
    const calls = mockCommands({
      restore_session: null,
      ui_ready: null,
      list_clouds: [GLOBAL01],
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: { status: 'signed_in', session: s },
      inventory: inventoryOf(),
    });
    render(App);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Acme Retail' })).toBeInTheDocument();
    expect(cmds(calls)).toContain('inventory');
  });
});
