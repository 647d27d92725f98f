import { describe, it, expect } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import App from './App.svelte';

describe('App', () => {
  it('shows the heading and calls ui_ready', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => { calls.push(cmd); return null; });
    render(App);
    expect(screen.getByRole('heading', { name: 'Mist Token Manager' })).toBeInTheDocument();
    await waitFor(() => expect(calls).toContain('ui_ready'));
  });
});
