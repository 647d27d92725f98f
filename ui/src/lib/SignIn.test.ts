import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SignIn from './SignIn.svelte';
import { argsOf, cmds, EMEA01, fail, GLOBAL01, mockCommands, session, SIM } from '../test/ipc';

function setup(handlers: Record<string, unknown>) {
  const calls = mockCommands({ list_clouds: [GLOBAL01, EMEA01], ...handlers });
  const onsignedin = vi.fn();
  render(SignIn, { onsignedin });
  return { calls, onsignedin, user: userEvent.setup() };
}

async function enterEmail(user: ReturnType<typeof userEvent.setup>, email = 'ada@example.com') {
  await user.type(screen.getByLabelText('Email'), email);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
}

describe('SignIn: password', () => {
  it('finds the cloud by email, preselects it, signs in and clears the password', async () => {
    const s = session({ cloud: EMEA01 });
    const { calls, onsignedin, user } = setup({
      find_cloud_by_email: { matches: [{ cloud: EMEA01, sso: false }], unreachable: [] },
      sign_in_password: { status: 'signed_in', session: s },
    });
    await enterEmail(user);
    expect(await screen.findByText(/Your account is on EMEA 01 \(api\.eu\.mist\.com\)/)).toBeInTheDocument();
    expect(screen.getByLabelText('Cloud')).toHaveValue('emea01');
    await user.type(screen.getByLabelText('Password'), 'hunter2');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(s));
    expect(argsOf(calls, 'find_cloud_by_email')).toEqual([{ email: 'ada@example.com' }]);
    expect(argsOf(calls, 'sign_in_password')).toEqual([
      { cloudId: 'emea01', email: 'ada@example.com', password: 'hunter2', twoFactor: null },
    ]);
    expect(screen.getByLabelText('Password')).toHaveValue('');
  });

  it('lets the admin change the cloud', async () => {
    const { calls, user } = setup({
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: { status: 'signed_in', session: session() },
    });
    await enterEmail(user);
    await screen.findByLabelText('Password');
    await user.selectOptions(screen.getByLabelText('Cloud'), 'emea01');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(argsOf(calls, 'sign_in_password')[0]).toMatchObject({ cloudId: 'emea01' }));
  });

  it('resolves a typed portal URL and warns when it is not a Mist cloud', async () => {
    const { calls, user } = setup({
      find_cloud_by_email: { matches: [], unreachable: ['APAC 01'] },
      resolve_cloud: { ...SIM, id: 'custom' },
      sign_in_password: { status: 'signed_in', session: session() },
    });
    await enterEmail(user);
    expect(await screen.findByText(/No Mist cloud recognised this email\. These clouds did not answer: APAC 01/)).toBeInTheDocument();
    // No cloud chosen: signing in asks for one, beside the Cloud field.
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText('Cloud')).toHaveAccessibleDescription(/Choose the cloud/);
    await user.selectOptions(screen.getByLabelText('Cloud'), '__other__');
    await user.type(screen.getByLabelText('Portal URL or API host'), 'http://127.0.0.1:8787');
    await user.click(screen.getByRole('button', { name: 'Use this address' }));
    expect(await screen.findByText('Not a Mist cloud')).toBeInTheDocument();
    expect(argsOf(calls, 'resolve_cloud')).toEqual([{ input: 'http://127.0.0.1:8787' }]);
    expect(screen.getByLabelText('Cloud')).toHaveValue('custom');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(argsOf(calls, 'sign_in_password')[0]).toMatchObject({ cloudId: 'custom', password: 'pw' }));
  });

  it('shows a wrong password beside the Password field and keeps the email and password', async () => {
    const { user } = setup({
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: () => fail({ kind: 'unauthorized', message: 'The email or password is wrong.', field: 'password' }),
    });
    await enterEmail(user);
    await user.type(await screen.findByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const pw = screen.getByLabelText('Password');
    await waitFor(() => expect(pw).toHaveAccessibleDescription('The email or password is wrong.'));
    expect(pw).toHaveAttribute('aria-invalid', 'true');
    expect(pw).toHaveValue('wrong');
    expect(screen.getByText('ada@example.com')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('puts an unauthorized error without a field beside the password too', async () => {
    const { user } = setup({
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: () => fail({ kind: 'unauthorized', message: 'Wrong password.' }),
    });
    await enterEmail(user);
    await user.type(await screen.findByLabelText('Password'), 'x');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Wrong password.'));
  });

  it('shows progress while signing in', async () => {
    let release!: (v: unknown) => void;
    const { user } = setup({
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: () => new Promise((r) => (release = r)),
    });
    await enterEmail(user);
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const button = screen.getByRole('button', { name: 'Sign in' });
    expect(button).toBeDisabled();
    expect(screen.getByText('Signing in…')).toBeInTheDocument();
    expect(button.closest('form')).toHaveAttribute('aria-busy', 'true');
    release({ status: 'signed_in', session: session() });
    await waitFor(() => expect(screen.queryByText('Signing in…')).not.toBeInTheDocument());
  });

  it('says how long to wait when rate limited', async () => {
    const { user } = setup({
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: () => fail({ kind: 'rate_limited', message: 'Mist received too many sign-ins.', retry_after_s: 45 }),
    });
    await enterEmail(user);
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Mist received too many sign-ins. Please wait 45 seconds before trying again.');
    expect(screen.getByLabelText('Password')).toHaveValue('pw');
  });

  it('validates the email before asking the clouds', async () => {
    const { calls, user } = setup({});
    await enterEmail(user, 'not-an-email');
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(/does not look like an email/);
    expect(cmds(calls)).not.toContain('find_cloud_by_email');
  });

  it('keeps the email when the lookup fails and lets the admin pick the cloud', async () => {
    const { user } = setup({ find_cloud_by_email: () => fail({ kind: 'network', message: 'No network connection.' }) });
    await enterEmail(user);
    expect(await screen.findByRole('alert')).toHaveTextContent('No network connection.');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Choose the cloud myself' }));
    expect(screen.getByLabelText('Cloud')).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toBeInTheDocument();
  });
});

describe('SignIn: several clouds', () => {
  it('lists the clouds that know the email and preselects the first', async () => {
    const { user } = setup({
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }, { cloud: EMEA01, sso: false }], unreachable: [] },
    });
    await enterEmail(user);
    expect(await screen.findByText(/Your email is known on several clouds: Global 01, EMEA 01\./)).toBeInTheDocument();
    expect(screen.getByLabelText('Cloud')).toHaveValue('global01');
  });
});

describe('SignIn: two-factor', () => {
  it('asks for the code and verifies it', async () => {
    const s = session();
    const { calls, onsignedin, user } = setup({
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: { status: 'two_factor_required' },
      submit_two_factor: ({ code }: Record<string, unknown>) =>
        code === '123456' ? s : fail({ kind: 'two_factor_invalid', message: 'That code is not right.' }),
    });
    await enterEmail(user);
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const field = await screen.findByLabelText('Two-factor code');
    await user.type(field, '000000');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription('That code is not right.'));
    expect(field).toHaveValue('000000');
    await user.clear(field);
    await user.type(field, '123 456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(s));
    expect(argsOf(calls, 'submit_two_factor')).toEqual([{ code: '000000' }, { code: '123456' }]);
  });
});

describe('SignIn: SSO', () => {
  it('explains SSO from the lookup and leads to token sign-in', async () => {
    const { user } = setup({ find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: true }], unreachable: [] } });
    await enterEmail(user);
    expect(await screen.findByRole('heading', { name: 'Your account uses single sign-on' })).toBeInTheDocument();
    expect(screen.getByText(/does not let\s+SSO accounts sign in with a password/)).toBeInTheDocument();
    // SSO admins cannot create user tokens: the way in is an org token from a Super User.
    expect(screen.getByText(/ask a Super User of your organization to create an org token/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sign in with an API token' }));
    expect(screen.getByLabelText('API token')).toBeInTheDocument();
  });

  it('explains SSO when the sign-in says sso_account', async () => {
    const { user } = setup({
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: () => fail({ kind: 'sso_account', message: 'This account signs in with SSO.' }),
    });
    await enterEmail(user);
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('This account signs in with SSO.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in with an API token' })).toBeInTheDocument();
  });
});

describe('SignIn: API token', () => {
  it('signs in with a token and remembers it', async () => {
    const s = session({ method: 'token', remembered: true });
    const { calls, onsignedin, user } = setup({ sign_in_token: s });
    await user.click(screen.getByRole('button', { name: 'Sign in with an API token' }));
    // Only one form is visible at a time: no password form now.
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Sign in' })).toHaveLength(1);
    await user.type(screen.getByLabelText('API token'), '  tok_secret  ');
    await user.click(screen.getByLabelText('Remember this token in the system keychain'));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(s, null));
    expect(argsOf(calls, 'sign_in_token')).toEqual([{ token: 'tok_secret', cloudId: null, remember: true }]);
    expect(screen.getByLabelText('API token')).toHaveValue('');
  });

  it('shows a refused token beside the field and keeps it', async () => {
    const { calls, user } = setup({
      sign_in_token: () => fail({ kind: 'unauthorized', message: 'No Mist cloud accepted this token.' }),
    });
    await user.click(screen.getByRole('button', { name: 'Sign in with an API token' }));
    await user.type(screen.getByLabelText('API token'), 'bad');
    await user.selectOptions(await screen.findByLabelText('Cloud'), 'global01');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const field = screen.getByLabelText('API token');
    await waitFor(() => expect(field).toHaveAccessibleDescription('No Mist cloud accepted this token.'));
    expect(field).toHaveValue('bad');
    expect(argsOf(calls, 'sign_in_token')[0]).toEqual({ token: 'bad', cloudId: 'global01', remember: false });
  });

  it('says so when the keychain could not keep the token', async () => {
    const s = session({ method: 'token', remembered: false });
    const { onsignedin, user } = setup({ sign_in_token: s });
    await user.click(screen.getByRole('button', { name: 'Sign in with an API token' }));
    await user.type(screen.getByLabelText('API token'), 'tok');
    await user.click(screen.getByLabelText('Remember this token in the system keychain'));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(s, expect.stringMatching(/could not be kept in the system keychain/)));
  });
});
