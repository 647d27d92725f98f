import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SignIn from './SignIn.svelte';
import { argsOf, EMEA01, fail, GLOBAL01, mockCommands, session } from '../test/ipc';
import { dateFormatsReady } from './format';

// While the admin types the password, the backend opens a connection to the chosen cloud.
describe('SignIn: connection warm-up', () => {
  it('warms up the detected cloud when the password step opens, and the chosen one after a change', async () => {
    const calls = mockCommands({
      list_clouds: [GLOBAL01, EMEA01],
      find_cloud_by_email: { matches: [{ cloud: EMEA01, sso: false }], unreachable: [] },
      warm_up_cloud: null,
      sign_in_password: { status: 'signed_in', session: session({ cloud: GLOBAL01 }) },
    });
    const onsignedin = vi.fn();
    render(SignIn, { onsignedin });
    const user = userEvent.setup();
    expect(argsOf(calls, 'warm_up_cloud')).toEqual([]);
    expect(dateFormatsReady()).toBe(false);
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByLabelText('Password');
    await waitFor(() => expect(argsOf(calls, 'warm_up_cloud')).toEqual([{ cloudId: 'emea01' }]));
    // The token list's date formats are made meanwhile too.
    expect(dateFormatsReady()).toBe(true);
    await user.selectOptions(screen.getByLabelText('Cloud'), 'global01');
    await waitFor(() => expect(argsOf(calls, 'warm_up_cloud')).toEqual([{ cloudId: 'emea01' }, { cloudId: 'global01' }]));
    // Typing the password warms nothing more up.
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onsignedin).toHaveBeenCalled());
    expect(argsOf(calls, 'warm_up_cloud')).toHaveLength(2);
  });

  it('a failed warm-up shows nothing and the sign-in still works', async () => {
    const s = session({ cloud: EMEA01 });
    const calls = mockCommands({
      list_clouds: [GLOBAL01, EMEA01],
      find_cloud_by_email: { matches: [{ cloud: EMEA01, sso: false }], unreachable: [] },
      warm_up_cloud: () => fail({ kind: 'invalid_input', field: 'cloud', message: 'This app does not know that cloud.' }),
      sign_in_password: { status: 'signed_in', session: s },
    });
    const onsignedin = vi.fn();
    render(SignIn, { onsignedin });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await waitFor(() => expect(argsOf(calls, 'warm_up_cloud')).toHaveLength(1));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(s));
  });
});
