import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../v2/fc-seed.js';
import { TaskCreator, TaskInputError, initialTaskTransition, viewOf } from './index.js';
import type { TaskInput, TaskNodeInput } from './index.js';

// Every fc.assert in this file runs on one seed, printed; DUBAN_FC_SEED replays it.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fcSeed('creation.spec.ts') });

const BASE = Date.parse('2025-01-01T00:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A node skeleton (dates, deduction) from a small set, so skeletons repeat across tasks. */
const skeleton = fc.array(
  fc.record({ dueDay: fc.integer({ min: 0, max: 360 }), warnDays: fc.integer({ min: 0, max: 10 }), redDeduction: fc.constantFrom(null, undefined, 0, 0.5, 2) }),
  { minLength: 1, maxLength: 5 },
);
const texts = fc.record({
  stageTarget: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  stageValue: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  requiredEvidence: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
});

function inputOf(
  sk: { dueDay: number; warnDays: number; redDeduction: number | null | undefined }[],
  tx: { stageTarget?: string | undefined; stageValue: number | null; requiredEvidence: string | null }[],
): TaskInput {
  let day = 0;
  const nodes: TaskNodeInput[] = sk.map((s, i) => {
    day += s.dueDay;
    const due = BASE + day * DAY;
    const t = tx[i % tx.length]!;
    return {
      seq: i + 1,
      dueAt: iso(due),
      warnAt: iso(due - s.warnDays * DAY),
      ...(s.redDeduction !== undefined ? { redDeduction: s.redDeduction } : {}),
      ...(t.stageTarget !== undefined ? { stageTarget: t.stageTarget } : {}),
      stageValue: t.stageValue,
      requiredEvidence: t.requiredEvidence,
    };
  });
  return { nodes };
}

describe('TaskCreator (bulk creation for imports)', () => {
  it('gives exactly what initialTaskTransition gives, also when a skeleton repeats with other texts', () => {
    const creator = new TaskCreator();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.array(texts, { minLength: 1, maxLength: 5 })), { minLength: 1, maxLength: 12 }),
        fc.array(skeleton, { minLength: 4, maxLength: 4 }),
        fc.constantFrom('2025-01-01T00:00:00.000Z', '2025-06-01T08:00:00.000Z', '2026-01-01T00:00:00.000Z'),
        (tasks, skeletons, at) => {
          for (const [which, tx] of tasks) {
            const input = inputOf(skeletons[which]!, tx);
            const direct = initialTaskTransition(input, at);
            const bulk = creator.create(input, at);
            expect(bulk.value).toEqual(direct.snapshot.value);
            expect(bulk.context).toEqual(direct.snapshot.context);
            expect(bulk.view).toEqual(viewOf(direct.snapshot));
            expect(bulk.emitted).toEqual(direct.emitted);
            expect(JSON.stringify({ value: bulk.value, context: bulk.context })).toBe(
              JSON.stringify({ value: direct.snapshot.value, context: direct.snapshot.context }),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses what initialTaskTransition refuses', () => {
    const creator = new TaskCreator();
    expect(() => creator.create({ nodes: [] }, '2025-01-01T00:00:00.000Z')).toThrow(TaskInputError);
    const nodes = [{ seq: 1, dueAt: '2025-06-30T15:59:59.000Z', warnAt: '2025-06-25T16:00:00.000Z' }];
    expect(() => creator.create({ nodes }, 'yesterday')).toThrow(TaskInputError);
    expect(() => creator.create({ nodes: [{ ...nodes[0]!, warnAt: '2025-07-30T00:00:00.000Z' }] }, '2025-01-01T00:00:00.000Z')).toThrow(
      /warnAt is after dueAt/,
    );
  });
});
