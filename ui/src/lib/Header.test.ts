import { describe, it, expect } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import Header from './Header.svelte';
import App from '../App.svelte';
import { cmds, fail, inventoryOf, mockCommands, session } from '../test/ipc';
import { axeViolations, describeViolations } from '../test/axeCheck';
import type { ApiUsage } from './api';

const usage = (requests: number, over: Partial<ApiUsage> = {}): ApiUsage => ({
  requests,
  limit: 5000,
  percent: Math.floor((requests * 100) / 5000),
  near_limit: requests * 100 >= 80 * 5000,
  owner: 'user',
  text: `${requests} of 5,000 API calls used this hour. Every API token of ada@example.com and the portal sign-in share this limit.`,
  ...over,
});

function renderHeader(usageRefresh: number) {
  return render(Header, { session: session(), view: 'tokens', onview: () => {}, onsignout: () => {}, usageRefresh });
}

describe('Header: API usage', () => {
  it('shows the calls this hour against the limit, and whose calls they are', async () => {
    const calls = mockCommands({ api_usage: usage(123) });
    renderHeader(1);
    const figures = await screen.findByTestId('api-usage-figures');
    expect(figures).toHaveTextContent(/^API calls this hour: 123 of 5,000$/);
    expect(screen.getByTestId('api-usage')).not.toHaveTextContent('Warning');
    expect(screen.getByTestId('api-usage')).not.toHaveClass('near');
    // The explanation, behind a disclosure.
    const summary = screen.getByText('Whose calls count');
    expect(summary.tagName).toBe('SUMMARY');
    expect(screen.getByText(/Every API token of ada@example\.com and the portal sign-in share this limit\./)).toBeInTheDocument();
    expect(cmds(calls)).toEqual(['api_usage']);
  });

  it('warns in words near the limit', async () => {
    mockCommands({ api_usage: usage(4123) });
    renderHeader(1);
    const figures = await screen.findByTestId('api-usage-figures');
    expect(figures).toHaveTextContent(/^Warning: API calls this hour: 4,123 of 5,000\s\(82 %\)$/);
    expect(screen.getByTestId('api-usage')).toHaveClass('near');
  });

  it('asks nothing before the inventory loaded', () => {
    const calls = mockCommands({});
    renderHeader(0);
    expect(cmds(calls)).toEqual([]);
    expect(screen.queryByTestId('api-usage')).not.toBeInTheDocument();
  });

  it('says plainly when the usage is not known', async () => {
    mockCommands({ api_usage: () => fail({ kind: 'network', message: 'The cloud did not answer.' }) });
    renderHeader(1);
    await waitFor(() => expect(screen.getByTestId('api-usage')).toHaveTextContent('API calls this hour: not known'));
    expect(screen.getByText('The cloud did not answer.')).toBeInTheDocument();
  });

  it('is refreshed after the inventory loads and after each change', async () => {
    let n = 0;
    const calls = mockCommands({
      restore_session: session(),
      ui_ready: null,
      inventory: inventoryOf(),
      current_inventory: inventoryOf(),
      api_usage: () => usage(++n * 100),
      export_inventory: null,
      rename_token: (a: Record<string, unknown>) => ({ ...inventoryOf().user_tokens![0], name: a.name }),
    });
    render(App);
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'My tokens' });
    await waitFor(() => expect(screen.getByTestId('api-usage-figures')).toHaveTextContent('API calls this hour: 100 of 5,000'));
    expect(cmds(calls).filter((c) => c === 'api_usage')).toHaveLength(1);
    // A change (rename): one more call.
    const row = document.querySelector('[data-token-id="tok-1"]') as HTMLElement;
    await user.click(within(row).getByRole('button', { name: 'Rename' }));
    await user.type(screen.getByLabelText('Token name'), ' 2');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Rename' }));
    await waitFor(() => expect(screen.getByTestId('api-usage-figures')).toHaveTextContent('API calls this hour: 200 of 5,000'));
    // Refresh reloads the inventory: one more.
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(screen.getByTestId('api-usage-figures')).toHaveTextContent('API calls this hour: 300 of 5,000'));
    expect(cmds(calls).filter((c) => c === 'api_usage')).toHaveLength(3);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe WCAG 2.1 AA violations near the limit (${theme} theme)`, async () => {
      mockCommands({ api_usage: usage(4500) });
      const { container } = renderHeader(1);
      await screen.findByTestId('api-usage-figures');
      await userEvent.setup().click(screen.getByText('Whose calls count'));
      const v = await axeViolations(container, theme);
      expect(v, describeViolations(v)).toEqual([]);
    });
  }
});
