// One polite live region for status messages (rendered by App.svelte).
export const live = $state({ text: '', seq: 0 });

export function announce(text: string): void {
  live.text = text;
  live.seq += 1;
}
