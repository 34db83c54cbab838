import { describe, expect, it } from '@jest/globals';
import { validateMethodParams, type MethodSpec } from '../scoring/method-params.js';
import { scoreIndicator } from '../scoring/methods/index.js';
import { provenanceOf, taskFacts, type TaskFactRow } from '../scores/score-input.js';
import { checkEnteredFacts, pickFacts } from './entered-facts.js';

const ind = (method_code: string, params: object, points = 20) => ({ method_code, method_params: JSON.stringify(params), direction: 'higher', points });
const TAX = ind('ratio', { target: 12.4, policyAdjustment: true });
const PLAIN = ind('ratio', { target: 20 }, 10);
const SUBS = ind(
  'ratio',
  {
    subIndicators: [
      { key: 'gdp', name: '地区生产总值', points: 6, direction: 'higher' },
      { key: 'inv', name: '固定资产投资', points: 4, direction: 'higher', target: 8 },
    ],
  },
  10,
);
const ITEMS = ind(
  'direct',
  {
    mode: 'sub_items',
    items: [
      { key: 'k1', name: '制度建设', points: 2 },
      { key: 'k2', name: '台账管理', points: 4 },
    ],
  },
  6,
);
const fieldsOf = (r: ReturnType<typeof checkEnteredFacts>) => (r.ok ? [] : r.problems.map((p) => p.field));

describe('entered scoring facts are checked against the indicator’s method', () => {
  it('takes the facts the method reads', () => {
    expect(checkEnteredFacts(TAX, { policyAdjustment: 0.5 }, 'assessor')).toEqual({ ok: true, facts: { policyAdjustment: 0.5 } });
    expect(checkEnteredFacts(SUBS, { subValues: { gdp: { actual: 5.2 } } }, 'assessor')).toEqual({ ok: true, facts: { subValues: { gdp: { actual: 5.2 } } } });
    expect(checkEnteredFacts(ITEMS, { subItems: { k1: true, k2: 3.5 } }, 'office')).toEqual({ ok: true, facts: { subItems: { k1: true, k2: 3.5 } } });
    expect(checkEnteredFacts(TAX, { policyAdjustment: null }, 'office')).toEqual({ ok: true, facts: { policyAdjustment: null } });
  });

  it('refuses a fact the method does not use, naming it with the prefix', () => {
    const r = checkEnteredFacts(PLAIN, { policyAdjustment: 0.5 }, 'assessor', 'payload');
    expect(fieldsOf(r)).toEqual(['payload.policyAdjustment']);
    expect(fieldsOf(checkEnteredFacts(TAX, { subItems: { k1: true } }, 'assessor'))).toEqual(['subItems']);
    expect(fieldsOf(checkEnteredFacts(ITEMS, { subValues: { gdp: { actual: 1 } } }, 'office'))).toEqual(['subValues']);
  });

  it('refuses unknown sub-keys, wrong types and out-of-range values naming the field', () => {
    expect(fieldsOf(checkEnteredFacts(ITEMS, { subItems: { k9: true } }, 'office'))).toEqual(['subItems.k9']);
    expect(fieldsOf(checkEnteredFacts(ITEMS, { subItems: { k2: 4.5 } }, 'office'))).toEqual(['subItems.k2']);
    expect(fieldsOf(checkEnteredFacts(ITEMS, { subItems: { k1: 'yes' } }, 'office'))).toEqual(['subItems.k1']);
    expect(fieldsOf(checkEnteredFacts(SUBS, { subValues: { gdp: { actual: 'x' } } }, 'assessor'))).toEqual(['subValues.gdp.actual']);
    expect(fieldsOf(checkEnteredFacts(SUBS, { subValues: { gdp: { weight: 1 } } }, 'assessor'))).toEqual(['subValues.gdp.weight']);
    expect(fieldsOf(checkEnteredFacts(TAX, { policyAdjustment: Number.NaN }, 'assessor'))).toEqual(['policyAdjustment']);
  });

  it('a sub-indicator target is the office’s, not the assessor’s', () => {
    expect(fieldsOf(checkEnteredFacts(SUBS, { subValues: { gdp: { target: 6 } } }, 'assessor'))).toEqual(['subValues.gdp.target']);
    expect(checkEnteredFacts(SUBS, { subValues: { gdp: { target: 6 } } }, 'office').ok).toBe(true);
  });

  it('pickFacts keeps only the entered-fact fields that are given', () => {
    expect(pickFacts({ reviewedValue: 3, comment: 'x', policyAdjustment: 0.5, subItems: undefined })).toEqual({ policyAdjustment: 0.5 });
  });
});

describe('the read model takes entered facts, and the score names their source', () => {
  const spec = (i: { method_code: string; method_params: string; points: number }): MethodSpec => {
    const v = validateMethodParams(i.method_code, JSON.parse(i.method_params), { points: i.points });
    if (!v.ok) throw new Error('bad');
    return v.value;
  };
  const row: TaskFactRow = {
    id: 't',
    indicator_id: 'i',
    unit_id: 'u',
    state: 'completed',
    nodes: 1,
    red_nodes: 0,
    approved_nodes: 1,
    red_deductions: null,
    last_stage_value: null,
    reviewed_value: null,
    completed_value: 11.6,
    assessor_points: null,
    recorded_score: null,
    entered: {
      values: { policyAdjustment: 0.5, subItems: { k1: true } },
      sources: {
        policyAdjustment: { at: '2026-07-02T02:00:00.000Z', via: 'evidence.approve', nodeSeq: 1, userId: 'u1', role: 'assessor', name: 'tjj', reason: null },
      },
    },
  };

  it('(11.6 + 0.5) / 12.4 × 20 → 19.52, not provisional', () => {
    const facts = taskFacts(row, spec(TAX), 12.4, () => []);
    expect(facts).toMatchObject({ actual: 11.6, policyAdjustment: 0.5, target: 12.4 });
    expect(facts).not.toHaveProperty('subItems'); // a fact the method does not read is not taken
    const r = scoreIndicator(spec(TAX), 20, facts);
    expect(r.display).toBe('19.52');
    expect(r.missing ?? []).toEqual([]);
  });

  it('without the entered fact the score stays provisional, missing policyAdjustment', () => {
    const facts = taskFacts({ ...row, entered: null }, spec(TAX), 12.4, () => []);
    expect(scoreIndicator(spec(TAX), 20, facts).missing).toEqual(['policyAdjustment']);
  });

  it('provenance names who entered each fact, when and how', () => {
    expect(provenanceOf(row)).toEqual({ policyAdjustment: { by: 'tjj', role: 'assessor', at: '2026-07-02T02:00:00.000Z', note: '审核通过节点 1 时录入' } });
    expect(provenanceOf({ ...row, entered: null })).toBeNull();
  });
});
