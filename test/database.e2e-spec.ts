import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The async database seam (src/database/db.ts) on the real SQLite file the app opens. */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await t.db.exec('CREATE TABLE seam_probe (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
});
afterAll(async () => t?.close());

const count = async () => (await t.db.value<number>('SELECT count(*) FROM seam_probe'))!;
const tick = () => new Promise((r) => setImmediate(r));

describe('Db seam on SQLite', () => {
  it('runs with synchronous = FULL by default (an acknowledged write survives power loss)', () => {
    expect(t.db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('reads as objects, arrays, one column or one value; positional and named parameters', async () => {
    await t.db.run('DELETE FROM seam_probe');
    const r = await t.db.run('INSERT INTO seam_probe (v) VALUES (?)', 'a');
    expect(r.changes).toBe(1);
    expect(r.lastInsertRowid).toBeGreaterThan(0);
    await t.db.run('INSERT INTO seam_probe (v) VALUES (@v)', { v: 'b' });
    expect(await t.db.all('SELECT v FROM seam_probe ORDER BY v')).toEqual([{ v: 'a' }, { v: 'b' }]);
    expect(await t.db.one('SELECT v FROM seam_probe WHERE v = ?', 'b')).toEqual({ v: 'b' });
    expect(await t.db.one('SELECT v FROM seam_probe WHERE v = ?', 'zz')).toBeUndefined();
    expect(await t.db.rows('SELECT v, 1 FROM seam_probe ORDER BY v')).toEqual([['a', 1], ['b', 1]]);
    expect(await t.db.column('SELECT v FROM seam_probe ORDER BY v')).toEqual(['a', 'b']);
    expect(await t.db.value('SELECT v FROM seam_probe WHERE v = @v', { v: 'a' })).toBe('a');
    const seen: string[] = [];
    for await (const row of t.db.iterate<{ v: string }>('SELECT v FROM seam_probe ORDER BY v')) seen.push(row.v);
    for await (const [v] of t.db.iterateRows<[string]>('SELECT v FROM seam_probe ORDER BY v DESC')) seen.push(v);
    expect(seen).toEqual(['a', 'b', 'b', 'a']);
  });

  it('a transaction commits all of its writes or none', async () => {
    await t.db.run('DELETE FROM seam_probe');
    await t.db.transaction(async (tx) => {
      await tx.run('INSERT INTO seam_probe (v) VALUES (?)', 'kept-1');
      await tick();
      await t.db.run('INSERT INTO seam_probe (v) VALUES (?)', 'kept-2'); // the service itself, inside the transaction's context
    });
    await expect(
      t.db.transaction(async (tx) => {
        await tx.run('INSERT INTO seam_probe (v) VALUES (?)', 'lost');
        await tick();
        await tx.run('INSERT INTO seam_probe (v) VALUES (?)', 'kept-1'); // unique clash
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(await t.db.column('SELECT v FROM seam_probe ORDER BY v')).toEqual(['kept-1', 'kept-2']);
  });

  it('a nested transaction is a savepoint: its failure rolls back only itself', async () => {
    await t.db.run('DELETE FROM seam_probe');
    const outcome = await t.db.transaction(async (tx) => {
      await tx.run('INSERT INTO seam_probe (v) VALUES (?)', 'outer');
      const inner = await tx
        .transaction(async (sp) => {
          await sp.run('INSERT INTO seam_probe (v) VALUES (?)', 'inner');
          throw new Error('refused');
        })
        .catch((e: Error) => e.message);
      await tx.transaction(async (sp) => sp.run('INSERT INTO seam_probe (v) VALUES (?)', 'inner-ok'));
      return inner;
    });
    expect(outcome).toBe('refused');
    expect(await t.db.column('SELECT v FROM seam_probe ORDER BY v')).toEqual(['inner-ok', 'outer']);
  });

  it('overlapping transactions run one after the other; outside readers never see uncommitted writes', async () => {
    await t.db.run('DELETE FROM seam_probe');
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = t.db.transaction(async (tx) => {
      order.push('first:start');
      await tx.run('INSERT INTO seam_probe (v) VALUES (?)', 'first');
      await gate;
      order.push('first:end');
    });
    await tick();
    const second = t.db.transaction(async (tx) => {
      order.push('second:start');
      await tx.run('INSERT INTO seam_probe (v) VALUES (?)', 'second');
    });
    const outside = count().then((n) => {
      order.push(`read:${n}`);
      return n;
    });
    await tick();
    expect(order).toEqual(['first:start']);
    release();
    await Promise.all([first, second, outside]);
    expect(order[0]).toBe('first:start');
    expect(order[1]).toBe('first:end');
    expect(order).toContain('second:start');
    // the outside read ran after the first commit, never in the middle of it
    expect(['read:1', 'read:2']).toContain(order.find((o) => o.startsWith('read:')));
    expect(await count()).toBe(2);
  });

  it('a failed transaction releases the database for the next one', async () => {
    await t.db.run('DELETE FROM seam_probe');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        t.db.transaction(async (tx) => {
          await tx.run('INSERT INTO seam_probe (v) VALUES (?)', `v${i % 10}`);
          await tick();
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(10);
    expect(await count()).toBe(10);
    expect(t.db.inTransaction).toBe(false);
  });
});
