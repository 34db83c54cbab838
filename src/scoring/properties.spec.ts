import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../common/fc-seed.js';

/** Property runs are seeded from FC_SEED (printed in the test names), so a failure can be replayed. */
const SEED = fcSeed('properties.spec.ts');
fc.configureGlobal({ seed: SEED });
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyAdjustments, type UnitEvent } from './adjustments.js';
import { assertValidBallot, type EvaluatorConfig } from './evaluation.js';
import { validateMethodParams } from './method-params.js';
import { scoreIndicator } from './methods/index.js';
import { fmt2, roundHalfUp } from './numeric.js';
import { computePlanScores, type PlanScoringIndicator, type PlanScoringTask } from './plan-scores.js';
import { parsePlanTemplate } from './plan-template.loader.js';
import { allocateLargestRemainder } from './quota.js';
import { competitionRanks, gradeByQuota } from './ranking.js';
import { ScoringError, ScoringErrorCode } from './scoring.error.js';
import type { TaskFacts } from './types.js';

// Decimal-looking numbers, as people type them.
const dec = (min: number, max: number, places = 2) => fc.integer({ min: min * 10 ** places, max: max * 10 ** places }).map((x) => x / 10 ** places);
const points = fc.oneof(fc.constantFrom(2.5, 5, 10, 15, 20, 30), dec(0.1, 100, 1));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

interface Case {
  code: string;
  params: unknown;
  facts: TaskFacts;
}

const ratioCase: fc.Arbitrary<Case> = fc.record({
  code: fc.constant('ratio'),
  params: fc.record({
    direction: fc.constantFrom('higher', 'lower'),
    capAt: fc.constantFrom('ratio', 'total'),
    weightOfRatio: fc.integer({ min: 1, max: 100 }).map((x) => x / 100),
    assessorPoints: fc.boolean(),
    policyAdjustment: fc.boolean(),
  }),
  facts: fc.record({
    actual: maybe(dec(-1000, 100000)),
    target: dec(0.01, 100000),
    assessorPoints: maybe(dec(-50, 150)),
    policyAdjustment: maybe(dec(-100, 100)),
  }),
});

const subRatioCase: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 4 }).chain((k) =>
  fc.record({
    code: fc.constant('ratio'),
    params: fc.record({
      subIndicators: fc.tuple(
        ...Array.from({ length: k }, (_, i) =>
          fc.record({ key: fc.constant(`s${i}`), points: dec(0.5, 20, 1), direction: fc.constantFrom('higher', 'lower') }),
        ),
      ),
    }),
    facts: fc.record({
      subValues: fc.dictionary(fc.constantFrom('s0', 's1', 's2', 's3'), fc.record({ actual: maybe(dec(-100, 1000)), target: maybe(dec(0.01, 1000)) })),
    }),
  }),
);

const directCase: fc.Arbitrary<Case> = fc.oneof(
  fc.record({
    code: fc.constant('direct'),
    params: fc.record({ mode: fc.constant('per_occurrence'), deductionPerOccurrence: dec(0.01, 5) }),
    facts: fc.record({ occurrences: maybe(fc.nat(50)) }),
  }),
  fc.record({
    code: fc.constant('direct'),
    params: fc.record({ mode: fc.constant('per_missed_item'), deductionPerItem: dec(0.01, 5) }),
    facts: fc.record({ missedItems: maybe(fc.nat(20)) }),
  }),
  fc.record({
    code: fc.constant('direct'),
    params: fc.record({
      mode: fc.constant('threshold_linear'),
      threshold: dec(0, 100, 1),
      deductionPerPoint: dec(0.01, 5),
      direction: fc.constantFrom('higher', 'lower'),
      shortfallRounding: fc.constantFrom('none', 'up', 'down'),
    }),
    facts: fc.record({ actual: maybe(dec(0, 100, 2)) }),
  }),
  fc.record({
    code: fc.constant('direct'),
    params: fc.record({
      mode: fc.constant('sub_items'),
      items: fc.constant([
        { key: 'a', points: 2 },
        { key: 'b', points: 3.5 },
        { key: 'c', points: 1 },
      ]),
    }),
    facts: fc.record({ subItems: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(fc.boolean(), dec(-5, 10))) }),
  }),
  fc.record({ code: fc.constant('direct'), params: fc.constant({ mode: 'assessor' }), facts: fc.record({ assessorPoints: maybe(dec(-50, 150)) }) }),
);

const nodeCase: fc.Arbitrary<Case> = fc.oneof(
  fc.nat(100).chain((nodes) =>
    fc.record({
      code: fc.constant('node_platform'),
      params: fc.constant({}),
      facts: fc.record({ nodes: fc.constant(nodes), redNodes: fc.integer({ min: 0, max: nodes }) }),
    }),
  ),
  fc.record({
    code: fc.constant('node_deduction'),
    params: fc.record({ deductionPerRedNode: dec(0, 5) }),
    facts: fc.oneof(fc.record({ redNodes: fc.nat(30) }), fc.record({ redNodeDeductions: fc.array(fc.option(dec(0, 3), { nil: null }), { maxLength: 10 }) })),
  }),
  fc.record({ code: fc.constant('all_or_nothing'), params: fc.constant({}), facts: fc.record({ completed: maybe(fc.boolean()) }) }),
);

const efficacyCase: fc.Arbitrary<Case> = fc
  .tuple(dec(-1000, 1000), dec(0.01, 1000), fc.constantFrom('higher', 'lower'), maybe(dec(-5000, 5000)))
  .map(([a, gap, direction, actual]) => ({
    code: 'efficacy',
    params: direction === 'higher' ? { direction, floor: a, satisfactory: a + gap } : { direction, floor: a + gap, satisfactory: a },
    facts: { actual },
  }));

const anyCase = fc.oneof(ratioCase, subRatioCase, directCase, nodeCase, efficacyCase);

describe(`properties: indicator methods (seed ${SEED})`, () => {
  it('every score lies within [0, points], is finite, and displays as its 2-decimal rounding', () => {
    fc.assert(
      fc.property(anyCase, points, (c, p) => {
        const v = validateMethodParams(c.code, c.params, { points: p });
        if (!v.ok) throw new Error(`params rejected: ${JSON.stringify(v.errors)}`);
        const r = scoreIndicator(v.value, p, c.facts);
        expect(Number.isFinite(r.score)).toBe(true);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(p);
        expect(r.display).toBe(fmt2(r.score));
        expect(r.explanation.result).toBe(roundHalfUp(r.score));
        expect(r.explanation.formula.endsWith(r.display)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('ratio (higher is better) never decreases when the actual value grows', () => {
    fc.assert(
      fc.property(dec(-100, 1000), dec(0, 500), dec(0.01, 1000), points, (a, delta, target, p) => {
        const v = validateMethodParams('ratio', {}, { points: p });
        if (!v.ok) throw new Error('unexpected');
        const lo = scoreIndicator(v.value, p, { actual: a, target }).score;
        const hi = scoreIndicator(v.value, p, { actual: a + delta, target }).score;
        expect(hi).toBeGreaterThanOrEqual(lo);
      }),
    );
  });
});

describe(`properties: ranking and quotas (seed ${SEED})`, () => {
  it('ranks: ties share a rank; rank = 1 + number of strictly better keys', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), (keys) => {
        const ranks = competitionRanks(keys);
        keys.forEach((k, i) => {
          expect(ranks[i]).toBe(1 + keys.filter((o) => o > k).length);
          keys.forEach((o, j) => {
            if (o === k) expect(ranks[j]).toBe(ranks[i]);
            if (o > k) expect(ranks[j]).toBeLessThan(ranks[i]);
          });
        });
      }),
    );
  });

  const percents = fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 0, maxLength: 5 }).map((cuts) => {
    const s = [0, ...cuts.sort((a, b) => a - b), 1000];
    return s.slice(1).map((x, i) => (x - s[i]) / 10);
  });

  it('largest remainder: seats sum to the total and each share gets ⌊exact⌋ or ⌊exact⌋ + 1', () => {
    fc.assert(
      fc.property(fc.nat(500), percents, (total, ps) => {
        const r = allocateLargestRemainder(
          total,
          ps.map((percent, i) => ({ key: `g${i}`, percent })),
        );
        const all = r.rest ? [...r.allocations, r.rest] : r.allocations;
        expect(all.reduce((s, a) => s + a.seats, 0)).toBe(total);
        for (const a of all) {
          expect(a.seats === a.floor || a.seats === a.floor + 1).toBe(true);
          expect(Math.abs(a.seats - a.exact)).toBeLessThan(1);
        }
      }),
    );
  });

  it('grading by quota: every unit gets a grade, tied units the same one, a better rank never a worse grade', () => {
    const grades = [
      { grade: 'A', percent: 30 },
      { grade: 'B', percent: 50 },
      { grade: 'C', percent: 15 },
      { grade: 'D', percent: 5 },
    ];
    const order = new Map(grades.map((g, i) => [g.grade, i]));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 60, max: 100 }), { maxLength: 40 }), (keys) => {
        const ranks = competitionRanks(keys);
        const q = gradeByQuota(ranks, grades);
        expect(q.grades).toHaveLength(keys.length);
        expect(q.seats.reduce((s, x) => s + x.seats, 0)).toBe(keys.length);
        expect(q.seats.reduce((s, x) => s + x.assigned, 0)).toBe(keys.length);
        const distinct = new Set(keys).size === keys.length;
        if (distinct) for (const s of q.seats) expect(s.assigned).toBe(s.seats);
        keys.forEach((_, i) =>
          keys.forEach((__, j) => {
            if (ranks[i] === ranks[j]) expect(q.grades[i]).toBe(q.grades[j]);
            if (ranks[i] < ranks[j]) expect(order.get(q.grades[i])).toBeLessThanOrEqual(order.get(q.grades[j]) as number);
          }),
        );
      }),
    );
  });

  it('a ballot that follows the quota allocation is accepted; one more top grade is refused', () => {
    const config: EvaluatorConfig = {
      key: 'leaders',
      name: '县领导',
      ballot: 'grade',
      grades: [
        { grade: '优秀', score: 95 },
        { grade: '良好', score: 85 },
        { grade: '一般', score: 75 },
        { grade: '较差', score: 60 },
      ],
      quota: [
        { grade: '优秀', percent: 30 },
        { grade: '良好', percent: 50 },
        { grade: '一般', percent: 15 },
        { grade: '较差', percent: 5 },
      ],
      coverage: 'all',
      scoreMin: 0,
      scoreMax: 100,
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const units = Array.from({ length: n }, (_, i) => `u${i}`);
        const seats = allocateLargestRemainder(
          n,
          (config.quota ?? []).map((q) => ({ key: q.grade, percent: q.percent })),
        ).allocations;
        const grades = seats.flatMap((s) => Array.from({ length: s.seats }, () => s.key as string));
        const ballot = { evaluator: 'leaders', evaluatorId: 'l1', groupId: 'g', entries: units.map((unitId, i) => ({ unitId, grade: grades[i] })) };
        expect(assertValidBallot(ballot, config, units)).toHaveLength(n);
        const j = grades.findIndex((g) => g !== '优秀');
        if (j < 0) return;
        const broken = { ...ballot, entries: ballot.entries.map((e, i) => (i === j ? { ...e, grade: '优秀' } : e)) };
        try {
          assertValidBallot(broken, config, units);
          throw new Error('accepted a ballot above quota');
        } catch (e) {
          expect((e as ScoringError).code).toBe(ScoringErrorCode.BallotQuotaExceeded);
        }
      }),
    );
  });
});

describe(`properties: adjustments and whole plans (seed ${SEED})`, () => {
  it("bonuses never exceed a kind's cap or the total cap, and are never negative", () => {
    const catalog = {
      bonuses: {
        totalCap: 3,
        items: [
          { key: 'n', name: 'n', points: 1 },
          { key: 'p', name: 'p', points: 0.5 },
          { key: 'l', name: 'l', points: 0.3, cap: 0.6 },
        ],
      },
      deductions: { items: [] },
      negativeList: { items: [] },
      vetoes: { items: [] },
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom('n', 'p', 'l'), { maxLength: 20 }), (items) => {
        const events: UnitEvent[] = items.map((item) => ({ unitId: 'u', type: 'bonus', item }));
        const { adjustments: a } = applyAdjustments(catalog, events);
        expect(a.bonus.total).toBeGreaterThanOrEqual(0);
        expect(a.bonus.total).toBeLessThanOrEqual(3);
        for (const l of a.bonus.lines) if (l.cap !== undefined) expect(l.points).toBeLessThanOrEqual(l.cap);
        expect(a.bonus.total).toBe(Math.min(3, a.bonus.raw));
      }),
    );
  });

  const template = parsePlanTemplate(readFileSync(resolve(process.cwd(), 'config/plan-templates/county-towns.json'), 'utf8'));

  it('computePlanScores: scores within bounds, ranks consistent with finals, grades fill the quota', () => {
    const plan = fc.record({
      cases: fc.array(anyCase, { minLength: 1, maxLength: 6 }),
      units: fc.integer({ min: 1, max: 15 }),
      seed: fc.array(fc.boolean(), { minLength: 90, maxLength: 90 }),
    });
    fc.assert(
      fc.property(plan, points, ({ cases, units, seed }, p) => {
        const indicators: PlanScoringIndicator[] = cases.map((c, i) => ({ id: `i${i}`, points: p, method: { code: c.code, params: c.params } }));
        const unitIds = Array.from({ length: units }, (_, u) => `u${u}`);
        const tasks: PlanScoringTask[] = [];
        unitIds.forEach((unitId, u) =>
          cases.forEach((c, i) => {
            if (seed[(u * 6 + i) % 90] || u === 0) tasks.push({ indicatorId: `i${i}`, unitId, facts: c.facts });
          }),
        );
        const r = computePlanScores({
          template,
          groups: [{ id: 'g', template: 'towns' }],
          units: unitIds.map((id) => ({ id, groupId: 'g' })),
          indicators,
          tasks,
        });
        for (const u of r.units) {
          for (const s of u.indicators) {
            expect(s.score).toBeGreaterThanOrEqual(0);
            expect(s.score).toBeLessThanOrEqual(s.points);
          }
          expect(u.composite).toBeGreaterThanOrEqual(0);
          expect(u.composite).toBeLessThanOrEqual(100);
        }
        for (const a of r.units)
          for (const b of r.units) {
            const ka = roundHalfUp(a.final);
            const kb = roundHalfUp(b.final);
            if (ka === kb) expect(a.rank).toBe(b.rank);
            if (ka > kb) expect(a.rank).toBeLessThan(b.rank);
          }
        const g = r.groups[0];
        expect(g.ranking).toHaveLength(units);
        if (g.grading.mode === 'quota') expect(g.grading.seats.reduce((s, x) => s + x.assigned, 0)).toBe(units);
      }),
      { numRuns: 150 },
    );
  });
});
