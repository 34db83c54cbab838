import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = process.cwd();
const CLI = join(ROOT, 'dist/src/cli.js');
let checked = false;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'web') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The CLI the tests spawn is dist/src/cli.js; a test run after editing src without `npm run build` would
 * exercise stale code. Compare the newest source (src, config, workflows) with the built CLI and rebuild
 * (tsc only, the web bundle is not needed) when the build is older — once per test file.
 */
export function ensureFreshCli(): string {
  if (checked) return CLI;
  let built: number;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    built = 0;
  }
  const source = Math.max(...['src', 'config', 'workflows'].map((d) => newestSource(join(ROOT, d))));
  if (source > built)
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  checked = true;
  return CLI;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `duban <args>` from the current source (see ensureFreshCli) with this environment. */
export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const cli = ensureFreshCli();
  return run(process.execPath, [cli, ...args], { env: env as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout, stderr: e.stderr }),
  );
}
