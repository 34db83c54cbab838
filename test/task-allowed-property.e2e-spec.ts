import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../workflows/task/v2/fc-seed.js';
import { DeadlineSweeper } from '../src/deadlines/deadline-sweeper.service.js';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Property over HTTP (issue 10, "what may be sent now"): for random tasks driven through random
 * histories by random callers at random times, every event GET /tasks/{id} lists for the caller (for
 * the task, or for a node) is accepted by POST /tasks/{id}/events (200), and every event it does not
 * list is refused (400/403/409) with nothing written. Seed: DUBAN_FC_SEED (printed).
 */
let t: TestApp;
let f: PlanFixture;
let n = 0;
const HOUR = 3_600_000;
const TASK_TYPES = ['task.acknowledge', 'task.suspend', 'task.resume', 'task.close', 'task.score', 'task.cancel'] as const;
const NODE_TYPES = ['evidence.submit', 'evidence.approve', 'evidence.return', 'extension.request', 'extension.grant', 'extension.deny'] as const;

function payloadFor(type: string, dueDate: string | null, extDays: number): Record<string, unknown> {
  switch (type) {
    case 'evidence.submit':
      return { note: '完成情况' };
    case 'evidence.return':
    case 'extension.deny':
    case 'task.cancel':
    case 'task.suspend':
      return { reason: '理由' };
    case 'extension.request': {
      const d = new Date(`${dueDate}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + extDays);
      return { newDueDate: d.toISOString().slice(0, 10), reason: '延期理由' };
    }
    case 'task.score':
      return { score: 7.5 };
    default:
      return {};
  }
}

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
}, 60_000);
afterAll(async () => t?.close());

describe('listed events succeed, unlisted ones are refused (HTTP)', () => {
  it('for random histories, callers and times', async () => {
    const seed = fcSeed('task-allowed-property');
    const callers = () => [f.dept, f.assessor, f.supervisor];
    let listedSent = 0;
    let unlistedSent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 3, max: 60 }), { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.record({
            hours: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 48 }), fc.integer({ min: 48, max: 24 * 40 })),
            who: fc.nat(2),
            pick: fc.nat(),
            listed: fc.boolean(),
            sweep: fc.boolean(),
            ext: fc.integer({ min: 1, max: 30 }),
          }),
          { minLength: 4, maxLength: 12 },
        ),
        async (gaps, steps) => {
          let now = Date.parse('2026-03-02T02:00:00.000Z');
          t.clock.set(new Date(now).toISOString());
          const ind = await t
            .http()
            .post('/indicators')
            .set('authorization', f.supervisor)
            .send({ planId: f.planId, code: `PA${++n}`, name: `性质${n}`, points: 10, methodCode: 'node_platform', assessingUnitId: 'u-tjj' });
          let due = now;
          const nodes = gaps.map((g, i) => {
            due += g * 24 * HOUR;
            return { seq: i + 1, dueDate: new Date(due + 8 * HOUR).toISOString().slice(0, 10) };
          });
          const created = await t
            .http()
            .post('/tasks')
            .set('authorization', f.supervisor)
            .send({ planId: f.planId, indicatorId: ind.body.id, unitId: 'u-fgw', nodes });
          expect(created.status).toBe(201);
          const id = created.body.id as string;
          for (const s of steps) {
            now += s.hours * HOUR;
            t.clock.set(new Date(now).toISOString());
            if (s.sweep) await t.app.get(DeadlineSweeper).sweep();
            const who = callers()[s.who]!;
            const d = (await t.http().get(`/tasks/${id}`).set('authorization', who)).body;
            const all = [
              ...TASK_TYPES.map((type) => ({ type, nodeSeq: undefined as number | undefined })),
              ...d.nodes.flatMap((x: { seq: number }) => NODE_TYPES.map((type) => ({ type, nodeSeq: x.seq }))),
            ];
            const isListed = (c: { type: string; nodeSeq?: number }) =>
              c.nodeSeq === undefined ? d.allowed.task.includes(c.type) : (d.allowed.nodes[String(c.nodeSeq)] ?? []).includes(c.type);
            const pool = all.filter((c) => isListed(c) === s.listed);
            if (!pool.length) continue;
            const c = pool[s.pick % pool.length]!;
            const node = d.nodes.find((x: { seq: number }) => x.seq === c.nodeSeq) ?? d.nodes[0];
            const body = {
              type: c.type,
              expectedVersion: d.version,
              payload: payloadFor(c.type, node.dueDate, s.ext),
              ...(c.nodeSeq === undefined ? {} : { nodeSeq: c.nodeSeq }),
            };
            const r = await t.http().post(`/tasks/${id}/events`).set('authorization', who).send(body);
            if (s.listed) {
              listedSent++;
              if (r.status !== 200)
                throw new Error(`listed ${c.type}${c.nodeSeq ? ` (node ${c.nodeSeq})` : ''} refused: ${r.status} ${JSON.stringify(r.body)}`);
            } else {
              unlistedSent++;
              expect([400, 403, 409]).toContain(r.status);
              const after = (await t.http().get(`/tasks/${id}`).set('authorization', f.supervisor)).body;
              expect(after.version).toBe(d.version);
            }
          }
        },
      ),
      { numRuns: 25, seed },
    );
    expect(listedSent).toBeGreaterThan(25);
    expect(unlistedSent).toBeGreaterThan(25);
  });
});
