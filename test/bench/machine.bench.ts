/**
 * `npm run bench -- machine`: the pure task machine's share of a deadline sweep, v2 beside v1 in the same
 * run. 10,000 overdue 4-node tasks, each restored from its stored JSON, ticked past its due date and
 * persisted again (what the write path does per task). v1 lights only the current node (one red light
 * per task); v2 lights every overdue node (four). The bar (sweep ≤ 1.5× before) is for the whole
 * sweep over HTTP/SQL; this is the machine's part of it, until the write path runs v2.
 */
import * as v1 from '../../workflows/task/v1/index.js';
import * as v2 from '../../workflows/task/v2/index.js';
import { fmt, line } from './stats.js';

const TASKS = 10_000;
const CREATED = '2026-01-01T00:00:00.000Z';
const AT = '2026-12-31T00:00:00.000Z';
const DUES = ['2026-03-31T16:00:00.000Z', '2026-06-30T16:00:00.000Z', '2026-09-30T16:00:00.000Z', '2026-12-30T16:00:00.000Z'];
const nodes = DUES.map((dueAt, i) => ({
  seq: i + 1,
  dueAt,
  warnAt: new Date(Date.parse(dueAt) - 5 * 86_400_000).toISOString(),
  redDeduction: 7.5,
  stageTarget: `节点${i + 1}`,
}));

function runV1(stored: string[]): { ms: number; red: number } {
  let red = 0;
  const t0 = performance.now();
  for (const json of stored) {
    const s = v1.restoreOwnedTaskSnapshot(JSON.parse(json));
    const r = v1.applyTaskEvent(s, { type: 'clock.tick', at: AT });
    if (r.ok && r.changed) {
      red += r.emitted.filter((e) => e.type === 'node.red-lighted').length;
      JSON.stringify(v1.persistTaskSnapshot(r.snapshot));
    }
  }
  return { ms: performance.now() - t0, red };
}

function runV2(stored: string[]): { ms: number; red: number } {
  let red = 0;
  const t0 = performance.now();
  for (const json of stored) {
    const s = v2.restoreOwnedTaskSnapshot(JSON.parse(json));
    const r = v2.applyTaskEvent(s, { type: 'clock.tick', at: AT });
    if (r.ok && r.changed) {
      red += r.emitted.filter((e) => e.type === 'node.red-lighted').length;
      JSON.stringify(v2.persistTaskSnapshot(r.snapshot));
    }
  }
  return { ms: performance.now() - t0, red };
}

export async function benchMachine(): Promise<void> {
  console.log(`\n== Task machine (issue 10): ${TASKS.toLocaleString()} overdue 4-node tasks, restore + tick + persist ==`);
  const s1 = JSON.stringify(v1.persistTaskSnapshot(v1.initialTaskSnapshot({ nodes }, CREATED)));
  const s2 = JSON.stringify(v2.persistTaskSnapshot(v2.initialTaskSnapshot({ nodes }, CREATED)));
  const stored1 = Array.from({ length: TASKS }, () => s1);
  const stored2 = Array.from({ length: TASKS }, () => s2);
  runV1(stored1.slice(0, 500));
  runV2(stored2.slice(0, 500)); // warm-up
  const a = [runV1(stored1), runV1(stored1)].sort((x, y) => x.ms - y.ms)[0]!;
  const b = [runV2(stored2), runV2(stored2)].sort((x, y) => x.ms - y.ms)[0]!;
  line('baseline: v1 (current node only)', `${fmt(a.ms, 0)} ms  (${a.red.toLocaleString()} red lights)`);
  line('v2 (every node its own milestone)', `${fmt(b.ms, 0)} ms  (${b.red.toLocaleString()} red lights)  ${fmt(b.ms / a.ms, 2)}× v1`);
  line('stored snapshot size v1 / v2', `${s1.length} / ${s2.length} bytes`);
}
