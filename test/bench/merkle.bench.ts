import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module.js';
import type { Actor } from '../../src/common/actor.js';
import { Clock } from '../../src/common/clock.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { IndicatorsService } from '../../src/indicators/indicators.service.js';
import { PlansService } from '../../src/plans/plans.service.js';
import { TaskCommandService } from '../../src/tasks/task-commands.service.js';
import { TasksService } from '../../src/tasks/tasks.service.js';
import { leafData } from '../../src/translog/leaf.js';
import { inclusionProof, leafHash, MemoryTree, verifyInclusion } from '../../src/translog/merkle-tree.js';
import { TranslogService } from '../../src/translog/translog.service.js';
import { UnitsService } from '../../src/units/units.service.js';
import { UsersService } from '../../src/auth/users.service.js';
import { fmt, line, percentile } from './stats.js';

const LEAVES = Number(process.env.BENCH_MERKLE_LEAVES ?? 1_000_000);
const PROOFS = 10_000;
const WRITE_TASKS = Number(process.env.BENCH_MERKLE_WRITE_TASKS ?? 200);
const NODES = 10;

const us = (ms: number) => `${fmt(ms * 1000, 1)} µs`;

/** Leaf data shaped like the real ones (an event hash, recorded_at, seq, task id). */
function leafDataOf(i: number): string {
  return leafData({
    taskId: `t-${(i % 50_000).toString(36)}-bench`,
    seq: 1 + Math.floor(i / 50_000),
    hash: createHash('sha256').update(String(i)).digest('hex'),
    recordedAt: new Date(1_780_000_000_000 + i * 1000).toISOString(),
  });
}

function p50p99(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  return `p50 ${us(percentile(s, 50))}  p99 ${us(percentile(s, 99))}`;
}

/** The tree in memory: build, then proofs and their verification, beside bare SHA-256 of the same leaves. */
function inMemory(): void {
  const data = Array.from({ length: LEAVES }, (_, i) => Buffer.from(leafDataOf(i), 'utf8'));
  let t0 = performance.now();
  for (const d of data) createHash('sha256').update(d).digest();
  const bare = performance.now() - t0;
  t0 = performance.now();
  const tree = new MemoryTree();
  for (const d of data) tree.append(leafHash(d));
  const build = performance.now() - t0;
  const root = tree.root();
  const gen: number[] = [];
  const ver: number[] = [];
  const one: number[] = [];
  for (let k = 0; k < PROOFS; k++) {
    const i = Math.floor(Math.random() * LEAVES);
    let s = performance.now();
    const proof = inclusionProof(tree, i, LEAVES);
    gen.push(performance.now() - s);
    s = performance.now();
    if (!verifyInclusion(tree.subtree(0, i), i, LEAVES, proof, root)) throw new Error('a proof did not verify');
    ver.push(performance.now() - s);
    s = performance.now();
    createHash('sha256').update(data[i]).digest();
    one.push(performance.now() - s);
  }
  line(`bare SHA-256 of ${fmt(LEAVES, 0)} leaf data (baseline)`, `${fmt(bare / 1000, 2)} s`);
  line(`build the tree of ${fmt(LEAVES, 0)} leaves in memory`, `${fmt(build / 1000, 2)} s (${fmt(build / bare, 2)} × the bare hashing)`);
  line('inclusion proof generation (memory)', p50p99(gen));
  line('inclusion proof verification', `${p50p99(ver)}  (${tree.levels.length - 1} hashes)`);
  line('one bare SHA-256 of a leaf (baseline)', p50p99(one));
}

async function withContext<T>(env: Record<string, string>, fn: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-merkle-'));
  Object.assign(process.env, { DUBAN_DATA_DIR: dir, DUBAN_DEMO: 'false', ...env });
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    return await fn(app);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The tree as the service stores it (SQLite): LEAVES events sequenced, then proofs through the service. */
async function inDatabase(): Promise<void> {
  await withContext({ DUBAN_SQLITE_SYNCHRONOUS: 'NORMAL' }, async (app) => {
    const db = app.get(DatabaseService);
    const log = app.get(TranslogService);
    const raw = db.sqlite;
    raw.pragma('foreign_keys = OFF');
    const ins = raw.prepare(
      `INSERT INTO task_events (task_id, seq, type, payload, actor_role, occurred_at, recorded_at, state_after, machine_version, prev_hash, hash)
       VALUES (?, ?, 'bench', '{}', 'system', ?, ?, '"x"', 2, ?, ?)`,
    );
    let t0 = performance.now();
    raw.transaction(() => {
      for (let i = 0; i < LEAVES; i++) {
        const at = new Date(1_780_000_000_000 + i * 1000).toISOString();
        ins.run(`t-${(i % 50_000).toString(36)}`, 1 + Math.floor(i / 50_000), at, at, '0'.repeat(64), randomBytes(32).toString('hex'));
      }
    })();
    const insert = performance.now() - t0;
    t0 = performance.now();
    const n = await log.sequence({ catchUp: true });
    const seqMs = performance.now() - t0;
    const head = await log.signHead();
    if (n !== LEAVES || head.treeSize !== LEAVES) throw new Error(`sequenced ${n}, head ${head.treeSize}`);
    const gen: number[] = [];
    const ver: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const i = Math.floor(Math.random() * LEAVES);
      let s = performance.now();
      const a = await log.inclusion({ logIndex: i }, LEAVES);
      gen.push(performance.now() - s);
      s = performance.now();
      if (
        !verifyInclusion(
          Buffer.from(a.leafHash, 'hex'),
          i,
          LEAVES,
          a.auditPath.map((h) => Buffer.from(h, 'hex')),
          Buffer.from(a.rootHash, 'hex'),
        )
      )
        throw new Error('a stored proof did not verify');
      ver.push(performance.now() - s);
    }
    line(`insert ${fmt(LEAVES, 0)} bare event rows (SQLite, baseline)`, `${fmt(insert / 1000, 2)} s`);
    line(`sequence them into the log (leaves + subtrees)`, `${fmt(seqMs / 1000, 2)} s (${us(seqMs / LEAVES)} an event)`);
    line('inclusion proof from the database (service)', p50p99(gen));
    line('its verification', p50p99(ver));
  });
}

/** Events/s through the command handler with the log's sequencer running (after each commit) and without. */
async function writePath(withLog: boolean): Promise<{ perSecond: number; events: number; sequenceMs: number }> {
  return await withContext({ DUBAN_LOG_SEQUENCE_MS: withLog ? '1000' : '0', DUBAN_SQLITE_SYNCHRONOUS: 'FULL' }, async (app) => {
    await app.get(UnitsService).create({ id: 'u-dept', name: '县发改局', kind: 'department' });
    await app.get(UnitsService).create({ id: 'u-assess', name: '县统计局', kind: 'department' });
    const plan = await app.get(PlansService).create({ id: 'bench', year: 2026, name: 'bench' });
    const users = app.get(UsersService);
    const dept = await users.create({ username: 'dept', displayName: 'dept', password: 'bench-password-123', role: 'department', unitId: 'u-dept' });
    const assessor = await users.create({
      username: 'assessor',
      displayName: 'assessor',
      password: 'bench-password-123',
      role: 'assessor',
      unitId: 'u-assess',
    });
    const sup: Actor = { userId: null, role: 'supervisor', unitId: null };
    const ids: string[] = [];
    for (let i = 0; i < WRITE_TASKS; i++) {
      const ind = await app
        .get(IndicatorsService)
        .create({ planId: plan.id, code: `I${i}`, name: `指标${i}`, points: 10, methodCode: 'node_platform', assessingUnitId: 'u-assess' });
      const nodes = Array.from({ length: NODES }, (_, n) => ({ seq: n + 1, dueDate: `2027-${String(1 + n).padStart(2, '0')}-28` }));
      ids.push((await app.get(TasksService).create({ planId: plan.id, indicatorId: ind.id, unitId: 'u-dept', nodes }, sup)).id);
    }
    const log = app.get(TranslogService);
    await log.sequence({ catchUp: true }); // the set-up's events, out of the measurement
    if (withLog) log.start();
    const commands = app.get(TaskCommandService);
    const clock = app.get(Clock);
    const da: Actor = { userId: dept.id, role: 'department', unitId: 'u-dept' };
    const aa: Actor = { userId: assessor.id, role: 'assessor', unitId: 'u-assess' };
    let events = 0;
    const t0 = performance.now();
    for (const id of ids) {
      let v = 1;
      await commands.apply(id, { type: 'task.acknowledge', at: clock.nowIso() } as never, da, v++);
      for (let n = 0; n < NODES; n++) {
        await commands.apply(id, { type: 'evidence.submit', at: clock.nowIso(), completedValue: n, note: `节点${n + 1}` } as never, da, v++);
        await commands.apply(id, { type: 'evidence.approve', at: clock.nowIso(), reviewedValue: n } as never, aa, v++);
      }
      events += 1 + 2 * NODES;
    }
    // With the log: the run ends when every event is in it.
    const s0 = performance.now();
    if (withLog) await log.sequence();
    const wall = performance.now() - t0;
    return { perSecond: (events / wall) * 1000, events, sequenceMs: performance.now() - s0 };
  });
}

export async function benchMerkle(): Promise<void> {
  console.log(`\nTransparency log (issue 12 item 6): ${fmt(LEAVES, 0)} leaves`);
  if (process.env.BENCH_MERKLE_WRITE_ONLY !== '1') {
    inMemory();
    await inDatabase();
  }
  // Alternating runs, best of each: on a loaded machine one run can take twice another of the same kind.
  const offs: number[] = [];
  const ons: number[] = [];
  let events = 0;
  for (let r = 0; r < 3; r++) {
    const a = await writePath(false);
    offs.push(a.perSecond);
    events = a.events;
    ons.push((await writePath(true)).perSecond);
  }
  const off = Math.max(...offs);
  const on = Math.max(...ons);
  const runs = (xs: number[]) => xs.map((x) => fmt(x, 0)).join(', ');
  line(`write path, log off (${events} events, best of 3)`, `${fmt(off, 0)} events/s  (runs: ${runs(offs)})`);
  line('write path, log on (sequenced after commits)', `${fmt(on, 0)} events/s  (runs: ${runs(ons)})`);
  line('cost the log adds to an event', `${fmt((off / on - 1) * 100, 1)} %  (bar ≤ 10 %)`);
}
