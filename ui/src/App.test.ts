import { describe, it, expect, beforeEach } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { argsOf, cmds, fail, GLOBAL01, inventoryOf, mockCommands, session, SIM } from './test/ipc';

beforeEach(() => {
  delete document.body.dataset.ready;
});

describe('App start-up', () => {
  beforeEach(() => localStorage.clear());

  it('shows the sign-in screen at once, reports ready once with its milestones, then asks the keychain', async () => {
    let answer: (v: null) => void = () => {};
    const calls = mockCommands({
      restore_session: () => new Promise((r) => (answer = r)),
      ui_ready: null,
      list_clouds: [GLOBAL01],
      update_settings: { check_at_start: false },
      check_for_update_at_start: null,
    });
    render(App);
    // No wait for the keychain: the form is there before restore_session has answered.
    expect(screen.getByRole('heading', { name: 'Mist Token Manager' })).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toBeInTheDocument();
    expect(screen.queryByText('Starting…')).not.toBeInTheDocument();
    await waitFor(() => expect(document.body.dataset.ready).toBe('true'));
    await waitFor(() => expect(cmds(calls)).toContain('restore_session'));
    answer(null);
    expect(cmds(calls).filter((c) => c === 'ui_ready')).toHaveLength(1);
    const [{ marks }] = argsOf(calls, 'ui_ready') as [{ marks: Array<[string, number]> }];
    const names = marks.map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(['page navigation start', 'page rendered', 'page ready']));
    for (const [, at] of marks) expect(at).toBeGreaterThan(1.6e12); // ms since the Unix epoch
    // The footer (diagnostics, updates) comes after the first screen.
    expect(await screen.findByRole('button', { name: 'Copy diagnostics' })).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toBeInTheDocument();
    expect(localStorage.getItem('mtm.rememberedSignIn')).toBeNull();
  });

  it('signs in with a token the keychain remembers even without the hint (older version), and keeps the hint', async () => {
    const calls = mockCommands({
      restore_session: session({ method: 'token', remembered: true }),
      ui_ready: null,
      list_clouds: [],
      inventory: inventoryOf(),
    });
    render(App);
    expect(screen.getByLabelText('Email')).toBeInTheDocument();
    // The list's chunk is imported on first use here (vitest transforms it then): allow for that.
    expect(await screen.findByRole('heading', { name: 'My tokens' }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId('identity')).toHaveTextContent('Ada Lovelace (ada@example.com)');
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
    expect(cmds(calls)).toContain('ui_ready');
    expect(localStorage.getItem('mtm.rememberedSignIn')).toBe('1');
  });

  it('with the hint, restores the remembered sign-in before showing anything', async () => {
    localStorage.setItem('mtm.rememberedSignIn', '1');
    const calls = mockCommands({
      restore_session: session({ method: 'token', remembered: true }),
      ui_ready: null,
      inventory: inventoryOf(),
    });
    render(App);
    expect(screen.getByText('Starting…')).toBeInTheDocument();
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'My tokens' })).toBeInTheDocument();
    expect(cmds(calls).slice(0, 2)).toEqual(['restore_session', 'inventory']);
    await waitFor(() => expect(cmds(calls)).toContain('ui_ready'));
    expect(cmds(calls).filter((c) => c === 'restore_session')).toHaveLength(1);
    // Asked for right after the restore, taken by the list: one request.
    expect(cmds(calls).filter((c) => c === 'inventory')).toHaveLength(1);
  });

  it('forgets the hint when the keychain has nothing', async () => {
    localStorage.setItem('mtm.rememberedSignIn', '1');
    mockCommands({ restore_session: null, ui_ready: null, list_clouds: [] });
    render(App);
    expect(await screen.findByLabelText('Email')).toBeInTheDocument();
    expect(localStorage.getItem('mtm.rememberedSignIn')).toBeNull();
  });

  it('explains a failed restore on the sign-in screen', async () => {
    localStorage.setItem('mtm.rememberedSignIn', '1');
    mockCommands({
      restore_session: () => fail({ kind: 'unauthorized', message: 'Mist no longer accepts the remembered token.' }),
      ui_ready: null,
      list_clouds: [],
    });
    render(App);
    expect(await screen.findByRole('alert')).toHaveTextContent('Mist no longer accepts the remembered token.');
    expect(screen.getByLabelText('Email')).toBeInTheDocument();
    // Mist refused it, so the backend forgot it: the next start shows the sign-in screen at once.
    expect(localStorage.getItem('mtm.rememberedSignIn')).toBeNull();
  });

  it('keeps the hint when the remembered token could not be checked (no network)', async () => {
    localStorage.setItem('mtm.rememberedSignIn', '1');
    mockCommands({
      restore_session: () => fail({ kind: 'network', message: 'The cloud could not be reached.' }),
      ui_ready: null,
      list_clouds: [],
    });
    render(App);
    expect(await screen.findByRole('alert')).toHaveTextContent('The cloud could not be reached.');
    expect(localStorage.getItem('mtm.rememberedSignIn')).toBe('1');
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
    // Forgotten: the next start shows the sign-in screen without waiting for the keychain.
    expect(localStorage.getItem('mtm.rememberedSignIn')).toBeNull();
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
    // The inventory is asked for as soon as the sign-in succeeds (before the list is mounted),
    // and the list takes that answer: one request.
    const order = cmds(calls);
    expect(order.filter((c) => c === 'inventory')).toHaveLength(1);
    expect(order[order.indexOf('sign_in_password') + 1]).toBe('inventory');
    // Refresh asks again.
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(cmds(calls).filter((c) => c === 'inventory')).toHaveLength(2));
  });
});
