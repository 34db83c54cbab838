import { describe, expect, it } from '@jest/globals';
import { attentionItems, groupLights, redHeatGrid, totals } from './board';
import type { TaskSummary } from './types';

const task = (p: Partial<TaskSummary>): TaskSummary => ({
  id: 't',
  planId: 'p',
  indicatorId: 'i',
  indicatorCode: '1',
  indicatorName: '指标',
  unitId: 'u1',
  unitName: '甲局',
  assessingUnitId: null,
  isLead: true,
  state: 'open',
  light: 'green',
  currentNodeSeq: 1,
  currentDueDate: '2026-06-30',
  nextDeadlineAt: null,
  redCount: 0,
  version: 1,
  updatedAt: '',
  ...p,
});

describe('light board', () => {
  const tasks = [
    task({ id: 'a', unitId: 'u1', unitName: '甲局', light: 'red', redCount: 2 }),
    task({ id: 'b', unitId: 'u1', unitName: '甲局', light: 'yellow', state: 'submitted' }),
    task({ id: 'c', unitId: 'u2', unitName: '乙局', light: 'green' }),
    task({ id: 'd', unitId: 'u2', unitName: '乙局', light: null, state: 'completed', redCount: 1 }),
    task({ id: 'e', unitId: 'u9', unitName: '丙镇', light: 'red' }),
  ];

  it('counts live tasks by light per unit, finished ones as done, within the plan’s groups', () => {
    const groups = groupLights([{ id: 'g', planId: 'p', name: '部门组', kind: 'department', unitIds: ['u2', 'u1', 'u3'] }], [{ id: 'u3', name: '丁局', kind: 'department', aliases: [] }], tasks);
    expect(groups.map((g) => g.name)).toEqual(['部门组', '未分组']);
    const [dept, rest] = groups;
    expect(dept!.units.map((u) => u.unitName)).toEqual(['甲局', '乙局', '丁局']); // most red first; a unit without tasks shows zeros
    expect(dept!.units[0]).toMatchObject({ red: 1, yellow: 1, green: 0, done: 0, redCount: 2 });
    expect(dept!.units[1]).toMatchObject({ red: 0, yellow: 0, green: 1, done: 1, redCount: 1 });
    expect(dept).toMatchObject({ red: 1, yellow: 1, green: 1, redCount: 3 });
    expect(rest!.units.map((u) => u.unitId)).toEqual(['u9']);
    expect(totals(tasks)).toEqual({ red: 2, yellow: 1, green: 1, done: 1, submitted: 1, redCount: 3 });
  });

  it('places red-lighted nodes in the month of their due day, widening past the plan year', () => {
    const grid = redHeatGrid(
      [
        { unitId: 'u1', unitName: '甲局', nodes: [
          { dueDate: '2026-03-31', dueAt: '2026-03-31T15:59:59Z', redLighted: true },
          { dueDate: '2026-03-15', dueAt: '2026-03-15T15:59:59Z', redLighted: true },
          { dueDate: '2026-06-30', dueAt: '2026-06-30T15:59:59Z', redLighted: false },
        ] },
        { unitId: 'u2', unitName: '乙局', nodes: [{ dueDate: '2027-01-10', dueAt: '2027-01-10T15:59:59Z', redLighted: true }] },
      ],
      [{ unitId: 'u1', unitName: '甲局' }],
      2026,
    );
    expect(grid.months).toHaveLength(13);
    expect(grid.months.at(-1)).toBe('2027-01');
    expect(grid.units.map((u) => u.unitId)).toEqual(['u1', 'u2']);
    expect(grid.counts[0]![2]).toBe(2);
    expect(grid.counts[1]![12]).toBe(1);
    expect(grid.max).toBe(2);
  });

  it('lists red then yellow current nodes, most overdue first, with days overdue', () => {
    const items = attentionItems(
      [
        task({ id: 'y', light: 'yellow', currentDueDate: '2026-07-02' }),
        task({ id: 'r1', light: 'red', currentDueDate: '2026-06-20' }),
        task({ id: 'r2', light: 'red', currentDueDate: '2026-06-01' }),
        task({ id: 'g', light: 'green' }),
        task({ id: 'done', light: 'red', state: 'completed' }),
      ],
      '2026-06-30',
    );
    expect(items.map((i) => [i.taskId, i.daysOverdue])).toEqual([
      ['r2', 29],
      ['r1', 10],
      ['y', -2],
    ]);
  });
});
