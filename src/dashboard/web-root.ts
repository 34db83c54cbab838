import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Injection token: the folder holding the built pages (index.html + assets/). Tests override it. */
export const DASHBOARD_WEB_ROOT = Symbol('DASHBOARD_WEB_ROOT');

/**
 * Where `vite build` puts the pages: `dist/web` next to the compiled server (`dist/src/dashboard`), or
 * the same `dist/web` when this file runs from source (ts-jest).
 */
export function defaultWebRoot(moduleUrl: string = import.meta.url): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const fromDist = here.includes(`${sep}dist${sep}src${sep}`);
  return fromDist ? join(here, '..', '..', 'web') : join(here, '..', '..', 'dist', 'web');
}

export function hasBuiltPages(webRoot: string): boolean {
  return existsSync(join(webRoot, 'index.html'));
}
