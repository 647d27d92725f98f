// The SSO step of the sign-in screen: "Sign in with your company login" opens the login window
// (sign_in_sso) and waits; a refused or timed-out login is explained and the token sign-in
// offered; closing the window comes back here. Each state has no axe violations in both themes.
import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SignIn from './SignIn.svelte';
import { argsOf, EMEA01, fail, GLOBAL01, mockCommands, session } from '../test/ipc';
import { axeViolations, describeViolations } from '../test/axeCheck';

function setup(handlers: Record<string, unknown>) {
  const calls = mockCommands({
    list_clouds: [GLOBAL01, EMEA01],
    find_cloud_by_email: { matches: [{ cloud: EMEA01, sso: true }], unreachable: [] },
    ...handlers,
  });
  const onsignedin = vi.fn();
  const { container } = render(SignIn, { onsignedin });
  return { calls, onsignedin, container, user: userEvent.setup() };
}

async function toSsoStep(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Email'), 'sso@example.com');
  await user.click(screen.getByRole('button', { name: 'Continue' }));
  await screen.findByRole('heading', { name: 'Your account uses single sign-on' });
}

async function expectNoAxeViolations(container: Element) {
  for (const theme of ['light', 'dark'] as const) {
    const v = await axeViolations(container, theme);
    expect(v, `${theme} theme:\n${describeViolations(v)}`).toEqual([]);
  }
}

describe('SignIn: company login (SSO)', () => {
  it('opens the company login for the cloud that knows the account, waits, then signs in', async () => {
    const s = session({ cloud: EMEA01, method: 'sso', can_create_user_tokens: false });
    let finish!: (v: unknown) => void;
    const { calls, onsignedin, container, user } = setup({ sign_in_sso: () => new Promise((r) => (finish = r)) });
    await toSsoStep(user);
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Sign in with your company login' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/Waiting for the company login window/);
    expect(screen.getByRole('button', { name: 'Sign in with your company login' })).toBeDisabled();
    await expectNoAxeViolations(container);
    expect(argsOf(calls, 'sign_in_sso')).toEqual([{ cloudId: 'emea01', email: 'sso@example.com' }]);
    finish(s);
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(s));
  });

  it('explains a refused company login and offers the token sign-in', async () => {
    const why =
      "Your company's login page (accounts.example.com) does not allow sign-in from an app's built-in window.";
    const { container, user } = setup({ sign_in_sso: () => fail({ kind: 'sso_failed', message: why }) });
    await toSsoStep(user);
    await user.click(screen.getByRole('button', { name: 'Sign in with your company login' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(why);
    // The token sign-in is now the main way on.
    const token = screen.getByRole('button', { name: 'Sign in with an API token' });
    expect(token).toHaveClass('primary');
    expect(token).toBeEnabled();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    await expectNoAxeViolations(container);
    await user.click(token);
    expect(screen.getByLabelText('API token')).toBeInTheDocument();
  });

  it('comes back to the SSO step when the login window is closed, and can try again', async () => {
    let attempt = 0;
    const s = session({ method: 'sso' });
    const { calls, onsignedin, container, user } = setup({
      sign_in_sso: () => (++attempt === 1 ? fail({ kind: 'sso_cancelled', message: 'closed' }) : s),
    });
    await toSsoStep(user);
    await user.click(screen.getByRole('button', { name: 'Sign in with your company login' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/login window was closed before the sign-in finished/);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Your account uses single sign-on' })).toBeInTheDocument();
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Sign in with your company login' }));
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(s));
    expect(argsOf(calls, 'sign_in_sso')).toHaveLength(2);
  });

  it('offers the company login after a password sign-in says the account uses SSO', async () => {
    const s = session({ method: 'sso' });
    const { calls, onsignedin, user } = setup({
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: () => fail({ kind: 'sso_account', message: 'This account signs in with SSO.' }),
      sign_in_sso: s,
    });
    await user.type(screen.getByLabelText('Email'), 'sso@example.com');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await user.click(await screen.findByRole('button', { name: 'Sign in with your company login' }));
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(s));
    expect(argsOf(calls, 'sign_in_sso')).toEqual([{ cloudId: 'global01', email: 'sso@example.com' }]);
  });
});
