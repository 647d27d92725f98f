import { describe, it, expect, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import UsageDialog from './UsageDialog.svelte';
import RevealDialog from './RevealDialog.svelte';
import SavedKeys from './SavedKeys.svelte';
import { argsOf, fail, fakeSlots, mockCommands, NOW, orgToken } from '../test/ipc';
import { axeViolations, describeViolations } from '../test/axeCheck';
import type { SavedKey, UsageExamples } from './api';

const PLACEHOLDER = 'YOUR-MIST-API-KEY';
const EXAMPLES: UsageExamples = {
  cloud_name: 'EMEA 01',
  api_url: 'https://api.eu.mist.com',
  host: 'api.eu.mist.com',
  placeholder: PLACEHOLDER,
  examples: [
    {
      id: 'curl',
      title: 'curl',
      how_to_run: 'Paste into a terminal (bash, zsh or sh).',
      text: `curl -sS -f -H "Authorization: Token ${PLACEHOLDER}" \\\n  "https://api.eu.mist.com/api/v1/self"\n`,
    },
    {
      id: 'python_mistapi',
      title: 'Python (mistapi SDK)',
      how_to_run: 'Save as whoami_sdk.py, then: pip install mistapi && python whoami_sdk.py.',
      text: `os.environ.setdefault("MIST_HOST", "api.eu.mist.com")\nos.environ.setdefault("MIST_APITOKEN", "${PLACEHOLDER}")\n`,
    },
  ],
};

async function findRow(id: string): Promise<HTMLElement> {
  return waitFor(() => {
    const el = document.querySelector<HTMLElement>(`[data-key-id="${id}"]`);
    if (!el) throw new Error(`no row ${id} yet`);
    return el;
  });
}

const savedKey: SavedKey = {
  id: 'k1',
  label: 'CI prod',
  token_id: 'otok-1',
  token_name: 'CI pipeline',
  kind: 'org',
  org_id: 'org-acme',
  org_name: 'Acme Retail',
  cloud_name: 'EMEA 01',
  cloud_api: 'https://api.eu.mist.com',
  saved_at: NOW,
  status: 'ok',
};

describe('How to use dialog', () => {
  it('shows the cloud host and the examples with the placeholder, and copies through the backend', async () => {
    const calls = mockCommands({
      usage_examples_for_saved_key: EXAMPLES,
      copy_usage_with_saved_key: { clears_in_s: 30 },
    });
    const onclose = vi.fn();
    render(UsageDialog, { source: { kind: 'saved', id: 'k1', label: 'CI prod' }, onclose });
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveAccessibleName('How to use “CI prod”');
    const code = await within(dialog).findByRole('region', { name: 'curl example' });
    expect(code).toHaveTextContent('https://api.eu.mist.com/api/v1/self');
    expect(code).toHaveTextContent(PLACEHOLDER);
    expect(code).toHaveAccessibleDescription('Paste into a terminal (bash, zsh or sh).');
    expect(within(dialog).getByText('api.eu.mist.com')).toBeInTheDocument();
    expect(argsOf(calls, 'usage_examples_for_saved_key')).toEqual([{ id: 'k1' }]);

    const user = userEvent.setup();
    await user.selectOptions(within(dialog).getByLabelText('Example'), 'Python (mistapi SDK)');
    expect(within(dialog).getByRole('region', { name: 'Python (mistapi SDK) example' })).toHaveTextContent('MIST_APITOKEN');
    await user.click(within(dialog).getByRole('button', { name: 'Copy with key' }));
    const status = await within(dialog).findByText('Copied the Python (mistapi SDK) example with the key. The clipboard clears in 30 s');
    expect(status).toHaveAttribute('role', 'status');
    expect(argsOf(calls, 'copy_usage_with_saved_key')).toEqual([{ id: 'k1', example: 'python_mistapi' }]);

    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(onclose).toHaveBeenCalled();
  });

  it('says plainly when a key has no cloud, and when the copy fails', async () => {
    mockCommands({
      usage_examples_for_saved_key: () =>
        fail({ kind: 'invalid_input', field: 'cloud', message: 'The cloud this key belongs to is not known.' }),
    });
    render(UsageDialog, { source: { kind: 'saved', id: 'k9', label: 'Recovered key 1' }, onclose: () => {} });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The cloud this key belongs to is not known.');
    expect(screen.queryByRole('button', { name: 'Copy with key' })).not.toBeInTheDocument();
  });

  it('shows a failed copy as an alert', async () => {
    mockCommands({
      usage_examples_for_slot: EXAMPLES,
      copy_usage_with_slot_key: () => fail({ kind: 'slot_expired', message: 'This key is no longer available.' }),
    });
    render(UsageDialog, { source: { kind: 'slot', slotId: 's1', name: 'CI' }, onclose: () => {} });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Copy with key' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This key is no longer available.');
  });

  it('is keyboard usable: Escape closes it', async () => {
    mockCommands({ usage_examples_for_slot: EXAMPLES });
    const onclose = vi.fn();
    render(UsageDialog, { source: { kind: 'slot', slotId: 's1', name: 'CI' }, onclose });
    await screen.findByRole('region', { name: 'curl example' });
    const user = userEvent.setup();
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalled();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe WCAG 2.1 AA violations (${theme} theme)`, async () => {
      mockCommands({ usage_examples_for_saved_key: EXAMPLES, copy_usage_with_saved_key: { clears_in_s: 30 } });
      const { container } = render(UsageDialog, { source: { kind: 'saved', id: 'k1', label: 'CI prod' }, onclose: () => {} });
      await screen.findByRole('region', { name: 'curl example' });
      await userEvent.setup().click(screen.getByRole('button', { name: 'Copy with key' }));
      await screen.findByText(/Copied the curl example with the key/);
      const v = await axeViolations(container, theme);
      expect(v, describeViolations(v)).toEqual([]);
    });
  }
});

describe('How to use, from the reveal dialog and the saved keys', () => {
  it('opens from the reveal dialog for the slot, and Copy with key counts as kept', async () => {
    // The backend marks the slot copied when an example is copied with its key.
    const slots = fakeSlots();
    const calls = mockCommands({
      ...slots,
      usage_examples_for_slot: EXAMPLES,
      copy_usage_with_slot_key: (a: Record<string, unknown>) => slots.copy_key(a),
    });
    const onclose = vi.fn();
    const created = { token: orgToken({ name: 'CI pipeline' }), slot: { slot_id: 'slot-9', expires_in_s: 600 } };
    render(RevealDialog, { created, onclose });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'How to use' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveAccessibleName('How to use the key for “CI pipeline”');
    await user.click(await within(dialog).findByRole('button', { name: 'Copy with key' }));
    await within(dialog).findByText(/Copied the curl example with the key/);
    expect(argsOf(calls, 'copy_usage_with_slot_key')).toEqual([{ slotId: 'slot-9', example: 'curl' }]);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    // Back in the reveal dialog; the copy counts as kept, so Done closes without asking.
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(onclose).toHaveBeenCalledWith({ deleted: false });
  });

  it('opens from a saved key', async () => {
    const calls = mockCommands({
      list_saved_keys: { keys: [savedKey], orphans: 0, keychain_error: null },
      usage_examples_for_saved_key: EXAMPLES,
    });
    render(SavedKeys);
    const user = userEvent.setup();
    const row = await findRow('k1');
    const button = within(row).getByRole('button', { name: 'How to use' });
    expect(button).toHaveAccessibleDescription('CI prod');
    await user.click(button);
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveAccessibleName('How to use “CI prod”');
    await within(dialog).findByRole('region', { name: 'curl example' });
    expect(dialog).toHaveTextContent('mist-token run --key "CI prod" -- your-command');
    expect(argsOf(calls, 'usage_examples_for_saved_key')).toEqual([{ id: 'k1' }]);
  });

  it('is not offered for a saved key missing from the keychain', async () => {
    mockCommands({ list_saved_keys: { keys: [{ ...savedKey, status: 'missing_secret' }], orphans: 0, keychain_error: null } });
    render(SavedKeys);
    const row = await findRow('k1');
    expect(within(row).getByRole('button', { name: 'How to use' })).toBeDisabled();
  });
});
