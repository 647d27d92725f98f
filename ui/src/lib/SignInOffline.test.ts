// offline_sign_in: when no Mist cloud answers the email lookup, the sign-in screen says the app
// cannot reach Mist (not that the email is wrong) and offers Retry; the email is kept.
import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SignIn from './SignIn.svelte';
import { argsOf, EMEA01, fail, GLOBAL01, mockCommands } from '../test/ipc';

const OFFLINE =
  'The app cannot reach Mist: none of the 13 Mist clouds answered. This computer may be offline, or a proxy or firewall may be blocking the connection to Mist. Check your connection, then choose Retry.';

describe('SignIn: offline_sign_in', () => {
  it('says the network, not the email, and Retry asks again', async () => {
    let n = 0;
    const calls = mockCommands({
      list_clouds: [GLOBAL01, EMEA01],
      find_cloud_by_email: () => (++n === 1 ? fail({ kind: 'network', message: OFFLINE }) : { matches: [{ cloud: EMEA01, sso: false }], unreachable: [] }),
    });
    render(SignIn, { onsignedin: vi.fn() });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(/cannot reach Mist/);
    expect(alert).toHaveTextContent(/proxy or firewall/);
    expect(alert).not.toHaveTextContent(/recognised this email/);
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(/Your account is on EMEA 01/)).toBeInTheDocument();
    expect(argsOf(calls, 'find_cloud_by_email')).toEqual([{ email: 'ada@example.com' }, { email: 'ada@example.com' }]);
  });

  it('keeps today’s message when some clouds answer and none knows the email', async () => {
    mockCommands({
      list_clouds: [GLOBAL01, EMEA01],
      find_cloud_by_email: { matches: [], unreachable: ['APAC 01'] },
    });
    render(SignIn, { onsignedin: vi.fn() });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByText(/No Mist cloud recognised this email\. These clouds did not answer: APAC 01/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('offers no Retry for other lookup failures', async () => {
    mockCommands({
      list_clouds: [GLOBAL01],
      find_cloud_by_email: () => fail({ kind: 'internal', message: 'Something went wrong inside the app.' }),
    });
    render(SignIn, { onsignedin: vi.fn() });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(alert).getByRole('button', { name: 'Choose the cloud myself' })).toBeInTheDocument();
  });
});
