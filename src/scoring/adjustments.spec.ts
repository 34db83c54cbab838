import { describe, expect, it } from '@jest/globals';
import { type AdjustmentCatalog, applyAdjustments, type UnitEvent } from './adjustments.js';

const catalog: AdjustmentCatalog = {
  bonuses: {
    totalCap: 3,
    items: [
      { key: 'national', name: '国家级综合性表彰', points: 1 },
      { key: 'provincial', name: '省级综合性表彰', points: 0.5 },
      { key: 'leader_praise', name: '国家级领导肯定性批示', points: 0.3, cap: 0.6 },
    ],
  },
  deductions: { items: [{ key: 'criticism', name: '被上级督查通报批评', points: 1 }] },
  negativeList: {
    items: [
      { key: 'accident', name: '发生较大安全生产责任事故', points: 5 },
      { key: 'variable', name: '按通报扣分' },
    ],
  },
  vetoes: { items: [{ key: 'major_accident', name: '发生重大安全生产责任事故' }] },
};

const ev = (type: UnitEvent['type'], item: string, n = 1, extra: Partial<UnitEvent> = {}): UnitEvent[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${item}-${i}`, unitId: 'u1', type, item, ...extra }));

describe('applyAdjustments', () => {
  it('one national (+1), two provincial (+0.5 each), four national leader praises (+0.3 each, kind capped at 0.6) → +2.60', () => {
    const { adjustments: a, rejected } = applyAdjustments(catalog, [
      ...ev('bonus', 'national'),
      ...ev('bonus', 'provincial', 2),
      ...ev('bonus', 'leader_praise', 4),
    ]);
    expect(rejected).toEqual([]);
    expect(a.bonus.total).toBe(2.6);
    expect(a.bonus.capped).toBeUndefined();
    expect(a.bonus.lines.map((l) => [l.item, l.count, l.points])).toEqual([
      ['national', 1, 1],
      ['provincial', 2, 1],
      ['leader_praise', 4, 0.6],
    ]);
    expect(a.bonus.lines[2].capped).toEqual({ from: 1.2, to: 0.6 });
    expect(a.bonus.lines[2].formula).toBe('4 × 0.3 = 1.20 > 0.6 → 0.60');
    expect(a.bonus.formula).toBe('1.00 + 1.00 + 0.60 = 2.60');
    expect(a.net).toBe(2.6);
  });

  it('two more national commendations → the total cap holds it at +3.00', () => {
    const { adjustments: a } = applyAdjustments(catalog, [...ev('bonus', 'national', 3), ...ev('bonus', 'provincial', 2), ...ev('bonus', 'leader_praise', 4)]);
    expect(a.bonus.raw).toBe(4.6);
    expect(a.bonus.total).toBe(3);
    expect(a.bonus.capped).toEqual({ from: 4.6, to: 3 });
    expect(a.bonus.formula).toBe('3.00 + 1.00 + 0.60 = 4.60 > 3 → 3.00');
  });

  it('deductions and the negative list are subtracted without a cap; an event may carry its own points', () => {
    const { adjustments: a } = applyAdjustments(catalog, [
      ...ev('deduction', 'criticism', 7),
      ...ev('negative_list', 'accident', 3),
      ...ev('negative_list', 'variable', 1, { points: 1.5 }),
    ]);
    expect(a.deduction.total).toBe(7);
    expect(a.negativeList.total).toBe(16.5);
    expect(a.net).toBe(-23.5);
  });

  it('a veto item fails the unit; unknown items and missing points are rejected, not applied', () => {
    const { adjustments: a, rejected } = applyAdjustments(catalog, [
      ...ev('veto', 'major_accident', 1, { note: '3·15 事故' }),
      ...ev('bonus', 'nobel'),
      ...ev('negative_list', 'variable'),
      ...ev('bonus', 'national', 1, { points: -1 }),
    ]);
    expect(a.veto).toEqual({
      failed: true,
      items: [{ item: 'major_accident', name: '发生重大安全生产责任事故', note: '3·15 事故', eventId: 'major_accident-0' }],
    });
    expect(rejected.map((r) => r.reason)).toEqual([
      'unknown bonus item "nobel" (known: national, provincial, leader_praise)',
      'negative_list item "variable" has no default points: the event must give its points',
      'points must be a number ≥ 0 (got -1)',
    ]);
    expect(a.net).toBe(0);
  });

  it("deductions may have a section cap; the negative list is uncapped unless it says so; a range item takes the event's points within it", () => {
    const capped: AdjustmentCatalog = {
      ...catalog,
      deductions: {
        totalCap: 1.5,
        items: [
          { key: 'criticism', name: '被上级督查通报批评', points: 1 },
          { key: 'delay', name: '推进滞后', range: { min: 0.5, max: 1 } },
        ],
      },
    };
    const { adjustments: a, rejected } = applyAdjustments(capped, [
      ...ev('deduction', 'criticism', 2),
      ...ev('deduction', 'delay', 1, { points: 0.8 }),
      ...ev('deduction', 'delay', 1, { id: 'too-much', points: 1.2 }),
      ...ev('deduction', 'delay', 1, { id: 'no-points' }),
      ...ev('negative_list', 'accident', 3),
    ]);
    expect(a.deduction).toMatchObject({ raw: 2.8, total: 1.5, display: '1.50', capped: { from: 2.8, to: 1.5 } });
    expect(a.deduction.formula).toBe('2.00 + 0.80 = 2.80 > 1.5 → 1.50');
    expect(a.negativeList).toMatchObject({ total: 15, display: '15.00' });
    expect(a.negativeList.capped).toBeUndefined();
    expect(a.netDisplay).toBe('-16.50');
    expect(rejected.map((r) => [r.event.id, r.reason])).toEqual([
      ['too-much', 'points 1.2 outside 0.5–1 for deduction item "delay"'],
      ['no-points', 'deduction item "delay" gives 0.5–1 points: the event must give its points'],
    ]);
  });
});
