import { describe, it, expect } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import Updates from './Updates.svelte';
import { argsOf, cmds, fail, mockCommands } from '../test/ipc';
import type { UpdateCheck } from './api';

const settings = { check_at_start: true, last_check: null };
const found = (install: 'in_app' | 'notify_only' = 'in_app'): UpdateCheck => ({
  current_version: '0.1.0',
  available: {
    version: '0.2.0',
    notes: 'Faster token list.\nFixes the EU sign-in.',
    date: '2026-11-30T12:00:00Z',
    install,
    download_page: 'https://github.com/o/r/releases/latest',
  },
});

describe('Updates', () => {
  it('checks on request and says when this is the newest version', async () => {
    const calls = mockCommands({
      update_settings: settings,
      check_for_update_at_start: null,
      check_for_update: { current_version: '0.1.0', available: null },
    });
    render(Updates);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Check for updates' }));
    expect(await screen.findByText('Mist Token Manager 0.1.0 is the newest version.')).toBeInTheDocument();
    expect(cmds(calls)).toContain('check_for_update');
    expect(screen.queryByRole('button', { name: /Install/ })).not.toBeInTheDocument();
  });

  it('shows the start-up find with its notes and installs only when asked', async () => {
    const calls = mockCommands({
      update_settings: settings,
      check_for_update_at_start: found(),
      install_update: { version: '0.2.0', restarting: false },
      restart_app: null,
    });
    render(Updates);
    expect(await screen.findByText(/is available \(you have 0\.1\.0\), published 2026-11-30/)).toBeInTheDocument();
    expect(screen.getByText(/Faster token list\./)).toBeInTheDocument();
    expect(cmds(calls)).not.toContain('install_update');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Install version 0.2.0' }));
    expect(await screen.findByText('Version 0.2.0 is installed.')).toBeInTheDocument();
    expect(cmds(calls).filter((c) => c === 'install_update')).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Restart now' }));
    expect(cmds(calls)).toContain('restart_app');
  });

  it('for a .deb or .rpm says where to get it and offers no install', async () => {
    mockCommands({ update_settings: settings, check_for_update_at_start: null, check_for_update: found('notify_only') });
    render(Updates);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Check for updates' }));
    expect(await screen.findByTestId('download-page')).toHaveTextContent('https://github.com/o/r/releases/latest');
    expect(screen.getByText(/installed from a package, so the app cannot replace it/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Install/ })).not.toBeInTheDocument();
  });

  it('says plainly when a tampered update was refused', async () => {
    mockCommands({
      update_settings: settings,
      check_for_update_at_start: found(),
      install_update: () => fail({ kind: 'internal', message: "The downloaded update is not signed with Mist Token Manager's release key, so it was not installed. Nothing was changed." }),
    });
    render(Updates);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Install version 0.2.0' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/not signed with Mist Token Manager's release key/);
    expect(screen.getByRole('button', { name: 'Install version 0.2.0' })).toBeEnabled();
  });

  it('turns the start-up check off', async () => {
    const calls = mockCommands({
      update_settings: settings,
      check_for_update_at_start: null,
      set_update_check_at_start: ({ enabled }: Record<string, unknown>) => ({ check_at_start: enabled, last_check: null }),
    });
    render(Updates);
    const box = screen.getByRole('checkbox', { name: 'Check at start (once a day)' });
    await waitFor(() => expect(box).toBeChecked());
    await userEvent.setup().click(box);
    await waitFor(() => expect(argsOf(calls, 'set_update_check_at_start')).toEqual([{ enabled: false }]));
    expect(box).not.toBeChecked();
  });

  it('a failed check is reported and the button works again', async () => {
    mockCommands({
      update_settings: settings,
      check_for_update_at_start: null,
      check_for_update: () => fail({ kind: 'network', message: 'The update server could not be reached.' }),
    });
    render(Updates);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Check for updates' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The update server could not be reached.');
    expect(screen.getByRole('button', { name: 'Check for updates' })).toBeEnabled();
  });
});
