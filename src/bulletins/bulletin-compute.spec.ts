import { describe, expect, it } from '@jest/globals';
import { computeBulletin, type BoardUnitCounts, type NodeFact, type UnitFacts } from './bulletin-compute.js';
import { parsePeriod } from './bulletin-periods.js';

const counts = (redLights = 0): BoardUnitCounts => ({ green: 0, yellow: 0, red: 0, completed: 0, closed: 0, scored: 0, cancelled: 0, total: 1, redLights });
const node = (over: Partial<NodeFact>): NodeFact => ({
  taskId: 't',
  indicatorName: '指标',
  seq: 1,
  stageTarget: null,
  dueAt: '2026-03-10T15:59:59.000Z',
  warnAt: '2026-03-05T16:00:00.000Z',
  approvedAt: null,
  redLighted: false,
  ...over,
});
const unit = (unitId: string, nodes: NodeFact[]): UnitFacts => ({ unitId, unitName: unitId, board: counts(nodes.filter((n) => n.redLighted).length), nodes });
const AT = '2026-03-31T15:59:59.999Z';
const base = { at: AT, timezone: 'Asia/Shanghai', topN: 1, bottomN: 1, board: { tasks: 0, totals: counts(), unreplayable: 0 } };

describe('computeBulletin', () => {
  const units = [
    unit('a', [node({ redLighted: true }), node({ seq: 2, redLighted: true })]),
    unit('b', [node({ redLighted: true })]),
    unit('c', [node({ approvedAt: '2026-03-09T00:00:00.000Z' })]),
    unit('d', [node({ dueAt: '2026-12-31T15:59:59.000Z', warnAt: '2026-12-25T16:00:00.000Z' })]),
  ];

  it('ranks by red nodes with shared ranks for ties; the watch list holds only units with red nodes', () => {
    const c = computeBulletin({ ...base, measure: 'red-nodes', groups: [{ id: 'g', name: 'G', unitIds: ['a', 'b', 'c', 'd'] }], units });
    expect(c.groups[0]!.ranking.map((r) => [r.unitId, r.rank, r.value])).toEqual([
      ['c', 1, 0],
      ['d', 1, 0],
      ['b', 3, 1],
      ['a', 4, 2],
    ]);
    expect(c.groups[0]!.honourRoll).toEqual(['c', 'd']);
    expect(c.groups[0]!.watchList).toEqual(['a']);
  });

  it('rates on-time and completion among due nodes; a unit with nothing due yet is unranked and on no list', () => {
    const c = computeBulletin({ ...base, measure: 'on-time-rate', groups: [{ id: 'g', name: 'G', unitIds: ['a', 'c', 'd'] }], units });
    expect(c.groups[0]!.ranking.map((r) => [r.unitId, r.rank, r.display])).toEqual([
      ['c', 1, '100.0%'],
      ['a', 2, '0.0%'],
      ['d', null, '—'],
    ]);
    expect(c.groups[0]!.watchList).toEqual(['a']);
  });

  it('puts units of no group under 未分组, and counts a late approval as red, late-completed, with its days late', () => {
    const late = unit('e', [node({ redLighted: true, approvedAt: '2026-03-13T02:00:00.000Z' })]);
    const c = computeBulletin({ ...base, measure: 'red-nodes', groups: [], units: [late] });
    expect(c.groups.map((g) => g.name)).toEqual(['未分组']);
    expect(c.nodes.e!.red).toEqual([expect.objectContaining({ lateCompleted: true, daysOverdue: 3 })]);
  });

  it('compares with the previous issue: rank moved, value and red nodes changed', () => {
    const groups = [{ id: 'g', name: 'G', unitIds: ['a', 'b'] }];
    const before = computeBulletin({ ...base, measure: 'red-nodes', groups, units: [unit('a', []), unit('b', [node({ redLighted: true })])] });
    const now = computeBulletin({ ...base, measure: 'red-nodes', groups, units, previous: before });
    expect(now.groups[0]!.ranking.map((r) => [r.unitId, r.change])).toEqual([
      ['b', { rank: 1, value: 0, redNodes: 0 }],
      ['a', { rank: -1, value: 2, redNodes: 2 }],
    ]);
  });
});

describe('parsePeriod', () => {
  it.each([
    ['monthly', '2026-02', '2026-02-28', '2026年2月'],
    ['quarterly', '2026-Q2', '2026-06-30', '2026年第二季度'],
    ['half-year', '2026-H1', '2026-06-30', '2026年上半年'],
    ['year-end', '2026', '2026-12-31', '2026年度'],
    ['weekly', '2026-W23', '2026-06-07', '2026年第23周'],
  ] as const)('%s %s ends on %s (%s)', (frequency, period, lastDay, label) => {
    expect(parsePeriod(frequency, period)).toEqual({ period, lastDay, label });
  });

  it.each([
    ['monthly', '2026-13'],
    ['monthly', '2026-Q1'],
    ['weekly', '2026-W54'],
    ['quarterly', '2026-Q5'],
    ['year-end', '26'],
  ] as const)('%s refuses %s', (frequency, period) => {
    expect(parsePeriod(frequency, period)).toBeNull();
  });
});
