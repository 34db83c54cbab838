import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(join(process.cwd(), 'node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core run inside the page (WCAG 2 A/AA rules: contrast, names, ARIA, landmarks). Evaluated over
 * the DevTools protocol, so the pages' CSP (script-src 'self') needs no exception. Returns the serious
 * and critical violations.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`)) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Every request the page makes to one API path (to count requests per list page). */
export function countRequests(page: Page, pathRe: RegExp): { count: () => number; reset: () => void } {
  let n = 0;
  page.on('request', (r) => {
    if (pathRe.test(new URL(r.url()).pathname)) n++;
  });
  return { count: () => n, reset: () => (n = 0) };
}
