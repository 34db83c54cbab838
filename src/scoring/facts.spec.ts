import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../common/fc-seed.js';

/** Property runs are seeded from FC_SEED (printed in the test names), so a failure can be replayed. */
const SEED = fcSeed('facts.spec.ts');
fc.configureGlobal({ seed: SEED });
import { factFields, factSources, missingFacts, validateFacts, type FactField } from './facts.js';
import { type MethodSpec, validateMethodParams } from './method-params.js';
import { scoreIndicator } from './methods/index.js';
import type { TaskFacts } from './types.js';

const spec = (code: string, params: unknown = {}, points = 20): MethodSpec => {
  const v = validateMethodParams(code, params, { points });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
};

describe("validateFacts: facts an assessor or the office enters, checked against the indicator's method", () => {
  const withAdjustment = spec('ratio', { policyAdjustment: true });

  it('the policy adjustment of "(完成值 + 减税费降政策影响收入额) / 目标值 × 分值" is accepted where the method reads it, refused where it does not', () => {
    expect(validateFacts(withAdjustment, { policyAdjustment: 0.5, actual: 11.6 }, { points: 20, enteredBy: 'assessor' })).toEqual({
      ok: true,
      value: { policyAdjustment: 0.5, actual: 11.6 },
    });
    const plain = validateFacts(spec('ratio'), { policyAdjustment: 0.5 }, { points: 20 });
    expect(plain).toMatchObject({ ok: false, errors: [{ field: 'policyAdjustment', code: 'not_used' }] });
    expect(validateFacts(withAdjustment, { policyAdjustment: '0.5' }, { points: 20 })).toMatchObject({
      ok: false,
      errors: [{ field: 'policyAdjustment', code: 'type' }],
    });
  });

  it('sub-indicator values and sub-item results name the sub-field', () => {
    const subs = spec(
      'ratio',
      {
        subIndicators: [
          { key: 'gdp', name: '地区生产总值', points: 6 },
          { key: 'tax', name: '税收', points: 4, target: 3 },
        ],
      },
      10,
    );
    expect(validateFacts(subs, { subValues: { gdp: { actual: 5, target: 6 }, tax: { actual: 2.5 } } }, { points: 10 })).toMatchObject({ ok: true });
    const bad = validateFacts(subs, { subValues: { gdp: { actual: 'x', goal: 1 }, land: { actual: 1 }, tax: { target: 0 } } }, { points: 10 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.map((e) => [e.field, e.code])).toEqual([
        ['subValues.gdp.actual', 'type'],
        ['subValues.gdp.goal', 'unknown_field'],
        ['subValues.land', 'unknown'],
        ['subValues.tax.target', 'range'],
      ]);
    }
    const items = spec(
      'direct',
      {
        mode: 'sub_items',
        items: [
          { key: 'plan', name: '编制方案', points: 2 },
          { key: 'done', name: '完成验收', points: 3 },
        ],
      },
      5,
    );
    expect(validateFacts(items, { subItems: { plan: true, done: 2.5 } }, { points: 5, enteredBy: 'office' })).toMatchObject({ ok: true });
    expect(validateFacts(items, { subItems: { plan: 2.5, extra: true } }, { points: 5 })).toMatchObject({
      ok: false,
      errors: [
        { field: 'subItems.plan', code: 'range' },
        { field: 'subItems.extra', code: 'unknown' },
      ],
    });
  });

  it("who may enter what: assessor points are the assessor's; node counts come from the workflow, no one types them", () => {
    const withAssessor = spec('ratio', { weightOfRatio: 0.9, assessorPoints: true, assessorPointsMax: 2 });
    expect(validateFacts(withAssessor, { assessorPoints: 2 }, { points: 20, enteredBy: 'assessor' })).toMatchObject({ ok: true });
    expect(validateFacts(withAssessor, { assessorPoints: 2.5 }, { points: 20, enteredBy: 'assessor' })).toMatchObject({
      ok: false,
      errors: [{ field: 'assessorPoints', code: 'range' }],
    });
    expect(validateFacts(withAssessor, { assessorPoints: 1 }, { points: 20, enteredBy: 'office' })).toMatchObject({
      ok: false,
      errors: [{ field: 'assessorPoints', code: 'not_enterable' }],
    });
    const e = validateFacts(spec('node_platform'), { redNodes: 0 }, { points: 20, enteredBy: 'office' });
    expect(e).toMatchObject({ ok: false, errors: [{ field: 'redNodes', code: 'not_enterable' }] });
    if (!e.ok) expect(e.errors[0].message).toContain("comes from the task's nodes");
    expect(
      validateFacts(spec('direct', { mode: 'per_missed_item', deductionPerItem: 2.5, items: 4 }), { missedItems: 1, completedItems: 2 }, { points: 10 }),
    ).toMatchObject({
      ok: false,
      errors: [{ field: 'missedItems', code: 'conflict' }],
    });
  });

  it('explanations can say which facts were used and who entered them when', () => {
    const sources = factSources(
      withAdjustment,
      20,
      { target: 12.4, actual: 11.6, policyAdjustment: 0.5 },
      {
        actual: { by: 'workflow', at: '2026-12-20T02:00:00.000Z', eventId: 'ev-9' },
        policyAdjustment: { by: 'u-czj-assessor', role: 'assessor', at: '2026-12-28T08:30:00.000Z', eventId: 'ev-12', note: '税务局核定' },
      },
    );
    expect(sources).toEqual([
      { field: 'target', label: '目标值', value: 12.4 },
      { field: 'actual', label: '完成值', value: 11.6, by: 'workflow', at: '2026-12-20T02:00:00.000Z', eventId: 'ev-9' },
      {
        field: 'policyAdjustment',
        label: '政策影响额',
        value: 0.5,
        by: 'u-czj-assessor',
        role: 'assessor',
        at: '2026-12-28T08:30:00.000Z',
        eventId: 'ev-12',
        note: '税务局核定',
      },
    ]);
  });
});

// ─── Properties: every provisional score can be completed ─────────────────────────────────────────

const dec = (min: number, max: number) => fc.integer({ min: min * 100, max: max * 100 }).map((x) => x / 100);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const methodCase: fc.Arbitrary<{ method: MethodSpec; points: number }> = fc
  .oneof(
    fc.record({
      code: fc.constant('ratio'),
      params: fc.record({
        direction: fc.constantFrom('higher', 'lower'),
        policyAdjustment: fc.boolean(),
        assessorPoints: fc.boolean(),
        target: maybe(dec(1, 100)),
      }),
    }),
    fc.record({
      code: fc.constant('ratio'),
      params: fc.record({
        subIndicators: fc.constant([
          { key: 'a', points: 3 },
          { key: 'b', points: 2, target: 5 },
        ]),
      }),
    }),
    fc.record({ code: fc.constant('all_or_nothing'), params: fc.constant({}) }),
    fc.record({
      code: fc.constant('direct'),
      params: fc.record({ mode: fc.constant('per_missed_item'), deductionPerItem: dec(0.1, 3), items: maybe(fc.integer({ min: 1, max: 6 })) }),
    }),
    fc.record({ code: fc.constant('direct'), params: fc.record({ mode: fc.constant('per_occurrence'), deductionPerOccurrence: dec(0.1, 3) }) }),
    fc.record({
      code: fc.constant('direct'),
      params: fc.record({ mode: fc.constant('threshold_linear'), threshold: dec(0, 100), deductionPerPoint: dec(0.1, 3) }),
    }),
    fc.record({
      code: fc.constant('direct'),
      params: fc.constant({
        mode: 'sub_items',
        items: [
          { key: 'x', points: 2 },
          { key: 'y', points: 3 },
        ],
      }),
    }),
    fc.record({ code: fc.constant('direct'), params: fc.constant({ mode: 'assessor' }) }),
    fc.record({ code: fc.constant('node_platform'), params: fc.constant({}) }),
    fc.record({ code: fc.constant('node_deduction'), params: fc.record({ deductionPerRedNode: dec(0, 2) }) }),
    fc.record({ code: fc.constant('efficacy'), params: fc.constant({ floor: 0, satisfactory: 10 }) }),
  )
  .map((c) => ({ method: spec(c.code, c.params, 10), points: 10 }));

/** A valid value for a field (within its range), to "enter" it. */
function valueFor(f: FactField, seed: number): number | boolean {
  if (f.type === 'boolean') return seed % 2 === 0;
  if (f.type === 'result') return seed % 3 === 0 ? true : ((f.max ?? 1) * (seed % 5)) / 5;
  if (f.type === 'count') return Math.min(seed % 7, f.max ?? Infinity);
  const lo = f.min ?? -50;
  const hi = f.max ?? 100;
  const v = lo + ((hi - lo) * ((seed % 97) + 1)) / 98;
  return f.minExclusive && v <= (f.min ?? 0) ? (f.min ?? 0) + 1 : Math.round(v * 100) / 100;
}

function setFact(facts: Record<string, unknown>, field: string, v: unknown): void {
  const parts = field.split('.');
  if (parts.length === 1) facts[field] = v;
  else if (parts[0] === 'subItems') facts.subItems = { ...((facts.subItems as object) ?? {}), [parts[1]]: v };
  else {
    const sv = { ...((facts.subValues as Record<string, object>) ?? {}) };
    sv[parts[1]] = { ...(sv[parts[1]] ?? {}), [parts[2]]: v };
    facts.subValues = sv;
  }
}

describe(`properties: no provisional score that no one can complete (seed ${SEED})`, () => {
  it('missingFacts names exactly what scoreIndicator reports missing; every missing fact has a supplier; supplying them completes the score', () => {
    fc.assert(
      fc.property(
        methodCase,
        fc.array(fc.nat(1000), { minLength: 12, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        ({ method, points }, seeds, given) => {
          const fields = factFields(method, points);
          // start with a random subset of the facts already known
          const facts: Record<string, unknown> = {};
          fields.forEach((f, i) => {
            if (given[i % 12]) setFact(facts, f.field, valueFor(f, seeds[i % 12]));
          });
          if (method.code === 'node_platform' && typeof facts.nodes === 'number' && typeof facts.redNodes === 'number')
            facts.redNodes = Math.min(facts.redNodes, facts.nodes);
          if (method.code === 'direct' && method.params.mode === 'per_missed_item' && typeof facts.completedItems === 'number') delete facts.missedItems;
          const before = scoreIndicator(method, points, facts as TaskFacts);
          const missing = missingFacts(method, points, facts as TaskFacts);
          expect(new Set(missing.map((m) => m.field))).toEqual(new Set(before.missing ?? []));
          for (const m of missing) expect(m.by.length).toBeGreaterThan(0);

          // the people who can: enter each missing fact (workflow facts arrive with the task's events)
          const entered: Record<string, unknown> = {};
          const fromWorkflow: Record<string, unknown> = {};
          missing.forEach((m, i) => {
            const f = fields.find((x) => x.field === m.field) as FactField;
            setFact(m.by.includes('workflow') && m.by.length === 1 ? fromWorkflow : entered, m.field, valueFor(f, seeds[i % 12] + 1));
          });
          for (const who of ['assessor', 'office'] as const) {
            const mine: Record<string, unknown> = {};
            for (const m of missing) {
              if (!m.by.includes(who) || (m.by.length === 1 && m.by[0] === 'workflow')) continue;
              const f = fields.find((x) => x.field === m.field) as FactField;
              setFact(mine, m.field, valueFor(f, 3));
            }
            const v = validateFacts(method, mine, { points, enteredBy: who });
            expect(v.ok).toBe(true);
          }
          const v = validateFacts(method, entered, { points });
          if (!v.ok) throw new Error(JSON.stringify(v.errors));
          const merged = { ...facts, ...fromWorkflow } as Record<string, unknown>;
          for (const [k, x] of Object.entries(v.value)) {
            if ((k === 'subValues' || k === 'subItems') && x && typeof x === 'object') {
              for (const [sk, sx] of Object.entries(x)) {
                if (k === 'subItems') setFact(merged, `subItems.${sk}`, sx);
                else for (const [leaf, lx] of Object.entries(sx as object)) setFact(merged, `subValues.${sk}.${leaf}`, lx);
              }
            } else merged[k] = x;
          }
          if (method.code === 'node_platform' && typeof merged.redNodes === 'number') merged.nodes = Math.max(merged.nodes as number, merged.redNodes); // the workflow's counts agree
          const after = scoreIndicator(method, points, merged as TaskFacts);
          expect(after.missing).toBeUndefined();
          expect(missingFacts(method, points, merged as TaskFacts)).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });
});
