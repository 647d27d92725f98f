// The app window runs with Tauri's freezePrototype (Object.prototype frozen before any page script).
// Everything the UI does must still work then: strict-mode assignments that shadow a frozen
// Object.prototype property (toString, constructor, ...) would throw.
import { describe, it, expect, beforeAll } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { fakeSlots, GLOBAL01, inventoryOf, mockCommands, session, token } from './test/ipc';

beforeAll(() => {
  Object.freeze(Object.prototype);
});

describe('with a frozen Object.prototype', () => {
  it('signs in, lists tokens, creates one and reveals its key', async () => {
    expect(Object.isFrozen(Object.prototype)).toBe(true);
    const { default: App } = await import('./App.svelte');
    mockCommands({
      restore_session: null,
      ui_ready: null,
      list_clouds: [GLOBAL01],
      find_cloud_by_email: { matches: [{ cloud: GLOBAL01, sso: false }], unreachable: [] },
      sign_in_password: { status: 'two_factor_required' },
      submit_two_factor: session(),
      inventory: inventoryOf(),
      create_user_token: { token: token({ id: 'n1', name: 'New' }), slot: { slot_id: 's', expires_in_s: 600 } },
      ...fakeSlots('THE-KEY'),
    });
    render(App);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await user.type(await screen.findByLabelText('Two-factor code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await screen.findByRole('heading', { name: 'My tokens' });
    await user.type(screen.getByRole('searchbox', { name: 'Filter tokens' }), 'mon');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await user.type(screen.getByLabelText('Token name'), 'New');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Create token' }));
    const reveal = await screen.findByRole('dialog', { name: 'Your new key for “New”' });
    await user.click(within(reveal).getByRole('button', { name: 'Reveal key' }));
    expect(await within(reveal).findByLabelText('API key')).toHaveTextContent('THE-KEY');
    await user.click(within(reveal).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
