// axe-core over a rendered component, with the app's stylesheet applied in the light or the dark
// theme (the dark block of app.css is applied unconditionally for "dark", since jsdom has no
// prefers-color-scheme). Rules: WCAG 2.0/2.1 A and AA. jsdom does not lay out or paint, so axe
// reports colour contrast as "incomplete" rather than checking it; every other rule runs.
import axe from 'axe-core';
import css from '../app.css?raw';

export type Theme = 'light' | 'dark';

export async function axeViolations(root: Element, theme: Theme): Promise<axe.Result[]> {
  const style = document.createElement('style');
  style.textContent = theme === 'dark' ? css.replace(/@media\s*\(prefers-color-scheme:\s*dark\)/g, '@media all') : css;
  document.head.appendChild(style);
  try {
    const result = await axe.run(root, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  } finally {
    style.remove();
  }
}

/** The violations as short text, for a readable failure message. */
export const describeViolations = (v: axe.Result[]) =>
  v.map((x) => `${x.id}: ${x.help} (${x.nodes.map((n) => n.target.join(' ')).join(', ')})`).join('\n');
