#!/usr/bin/env node
// Adds the platform-specific optional packages that npm 11 leaves out of package-lock.json (npm/cli#4828,
// fixed upstream by npm/cli#9083) and without which `npm ci` refuses the lock with "Missing: … from lock file".
// Idempotent: a complete lock is left byte-for-byte unchanged. Usage: node .ci/lockfile-platforms.mjs [--check]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const text = readFileSync(file, 'utf8');
const lock = JSON.parse(text);
const packages = lock.packages;
const missing = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    // Node resolution: nested first, then each ancestor node_modules up to the root.
    const candidates = [];
    let base = path;
    for (;;) {
      candidates.push(`${base ? `${base}/` : ''}node_modules/${name}`);
      const i = base.lastIndexOf('node_modules/');
      if (i < 0) break;
      base = base.slice(0, i).replace(/\/$/, '');
    }
    if (!candidates.some((c) => packages[c])) missing.push({ name, spec, at: `node_modules/${name}` });
  }
}
const unique = [...new Map(missing.map((m) => [m.at, m])).values()];
if (process.argv.includes('--check')) {
  for (const m of unique) console.log(`missing from lock: ${m.name}@${m.spec}`);
  process.exit(unique.length ? 1 : 0);
}
for (const m of unique) {
  const meta = JSON.parse(execFileSync('npm', ['view', `${m.name}@${m.spec}`, '--json'], { encoding: 'utf8' }));
  const v = Array.isArray(meta) ? meta.at(-1) : meta;
  const record = { version: v.version, integrity: v.dist.integrity };
  for (const k of ['cpu', 'os', 'libc', 'license', 'engines']) if (v[k] !== undefined) record[k] = v[k];
  record.optional = true;
  packages[m.at] = record;
  console.log(`added ${m.name}@${v.version}`);
}
if (unique.length) {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
}
