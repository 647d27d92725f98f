import { describe, it, expect } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import Support from './Support.svelte';
import { cmds, fail, mockCommands } from '../test/ipc';

const TEXT = 'Mist Token Manager diagnostics\nApp version: 0.1.0\nOS: linux (x86_64)\nCloud: api.mist.com\nLast 2 log lines:\na\nb\n';

describe('Copy diagnostics', () => {
  it('has a labelled button that explains what is copied', () => {
    mockCommands({});
    render(Support);
    const button = screen.getByRole('button', { name: 'Copy diagnostics' });
    expect(button).toHaveAccessibleDescription(/app version, system, cloud, how far a company \(SSO\) login got, and the recent log\. No keys, passwords or cookies\./);
    expect(screen.getByRole('contentinfo', { name: 'Support' })).toBeInTheDocument();
  });

  it('asks the backend to copy, says so, and shows what was copied', async () => {
    const calls = mockCommands({ copy_diagnostics: { text: TEXT, log_lines: 2 } });
    render(Support);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    expect(await screen.findByText('Diagnostics copied (2 log lines). Paste them into your support request.')).toHaveAttribute('role', 'status');
    expect(cmds(calls).filter((c) => c === 'copy_diagnostics')).toHaveLength(1);
    await user.click(screen.getByText('Show what was copied'));
    expect(screen.getByLabelText('Copied diagnostics')).toHaveValue(TEXT);
  });

  it('says plainly when the clipboard failed, and a retry works', async () => {
    let fails = true;
    mockCommands({
      copy_diagnostics: () => {
        if (fails) fail({ kind: 'internal', message: 'The clipboard could not be used. Try again.' });
        return { text: TEXT, log_lines: 1 };
      },
    });
    render(Support);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Diagnostics were not copied. The clipboard could not be used. Try again.');
    fails = false;
    await user.click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    expect(await screen.findByText(/Diagnostics copied \(1 log line\)/)).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
