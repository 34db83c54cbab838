import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { LEADER_LOCK_KEY, LeaderLock } from '../src/database/leader-lock.js';
import { startTestApp, TEST_DB, type TestApp } from './support/test-app.js';

/**
 * The leader lock on PostgreSQL: of several instances on one database exactly one runs the deadline sweep
 * and the daily checkpoint; when it goes (closed, or its connection killed as by a crash) another takes
 * over within the poll interval. On SQLite the one process always leads.
 */
const describePg = TEST_DB === 'postgres' ? describe : describe.skip;
const POLL = 1;

let apps: TestApp[] = [];

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (TEST_DB !== 'postgres') return;
  const first = await startTestApp({ env: { DUBAN_LEADER_POLL_SECONDS: String(POLL) } });
  apps = [first];
  for (let i = 0; i < 2; i++) apps.push(await startTestApp({ dataDir: first.dataDir, keepData: true, env: { DUBAN_LEADER_POLL_SECONDS: String(POLL) } }));
  for (const a of apps) await a.app.get(LeaderLock).start();
});
afterAll(async () => {
  for (const a of apps.slice(1)) await a.close().catch(() => undefined);
  await apps[0]?.close();
});

const leaders = () => apps.filter((a) => a.app.get(LeaderLock).isLeader);

describePg('the leader lock (three instances on one PostgreSQL database)', () => {
  it('has exactly one leader', async () => {
    await until('one leads', () => leaders().length === 1);
    await new Promise((r) => setTimeout(r, POLL * 1500)); // another round of attempts changes nothing
    expect(leaders()).toHaveLength(1);
  });

  it('hands over when the leader stops: another instance leads within the poll interval', async () => {
    const old = leaders()[0];
    await old.app.get(LeaderLock).stop();
    await until('another leads', () => leaders().length === 1 && leaders()[0] !== old, POLL * 3000);
    expect(leaders()).toHaveLength(1);
  });

  it('has one leader again within the poll interval when the leader’s session dies (as when its process is killed)', async () => {
    const old = leaders()[0];
    const admin = new pg.Client({ connectionString: old.env.DUBAN_DATABASE_URL });
    await admin.connect();
    try {
      // The server's view: which session holds the lock; end that session as a crash would.
      const holder = await admin.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`, [LEADER_LOCK_KEY]);
      expect(holder.rows).toHaveLength(1);
      await admin.query('SELECT pg_terminate_backend($1)', [holder.rows[0].pid]);
    } finally {
      await admin.end();
    }
    await until('a leader again', () => leaders().length === 1 && leaders()[0] !== old, POLL * 5000).catch(async () => {
      // The old leader may retake the lock first (its reconnect can win the race): still exactly one leader.
      await until('a leader again', () => leaders().length === 1, POLL * 5000);
    });
    expect(leaders()).toHaveLength(1);
  });
});
