import { describe, expect, it } from '@jest/globals';
import { attentionList, groupBoard, redHeatGrid } from './board';
import type { BoardLights, BoardNode, BoardUnitLights } from './types';

const unit = (unitId: string, unitName: string, p: Partial<BoardUnitLights> = {}): BoardUnitLights => ({
  unitId,
  unitName,
  groupName: null,
  tasks: 0,
  green: 0,
  yellow: 0,
  red: 0,
  done: 0,
  redNodes: 0,
  yellowNodes: 0,
  lateCompleted: 0,
  signForOverdue: 0,
  overdueReviews: 0,
  ...p,
});
const node = (taskId: string, p: Partial<BoardNode>): BoardNode => ({
  taskId,
  unitId: 'u',
  unitName: '甲局',
  indicatorCode: '1',
  indicatorName: '指标',
  state: 'open',
  light: 'red',
  version: 1,
  nodeSeq: 1,
  dueDate: '2026-06-30',
  dueAt: '2026-06-30T15:59:59Z',
  stageTarget: null,
  daysOverdue: 0,
  daysLeft: null,
  ...p,
});

describe('light board layout', () => {
  const board: BoardLights = {
    at: '2026-07-01T00:00:00Z',
    units: [
      unit('u2', '乙局', { tasks: 2, green: 1, done: 1, redNodes: 1 }),
      unit('u1', '甲局', { tasks: 2, red: 1, yellow: 1, redNodes: 2, overdueReviews: 1 }),
      unit('u9', '丙镇', { tasks: 1, red: 1 }),
    ],
    groups: [],
    total: { tasks: 5, green: 1, yellow: 1, red: 2, done: 1, redNodes: 3, yellowNodes: 0, lateCompleted: 0, signForOverdue: 0, overdueReviews: 1 },
  };

  it('places units in the plan’s groups, most red first, zeros for units without tasks, the rest as 未分组', () => {
    const groups = groupBoard(
      [{ id: 'g', planId: 'p', name: '部门组', kind: 'department', unitIds: ['u2', 'u1', 'u3'] }],
      [{ id: 'u3', name: '丁局', kind: 'department', aliases: [] }],
      board,
    );
    expect(groups.map((g) => g.name)).toEqual(['部门组', '未分组']);
    expect(groups[0]!.units.map((u) => u.unitName)).toEqual(['甲局', '乙局', '丁局']);
    expect(groups[0]!.units[2]).toMatchObject({ unitId: 'u3', tasks: 0, red: 0 });
    expect(groups[0]).toMatchObject({ red: 1, yellow: 1, green: 1, done: 1, redNodes: 3, overdueReviews: 1, tasks: 4 });
    expect(groups[1]!.units.map((u) => u.unitId)).toEqual(['u9']);
  });

  it('lists red nodes most overdue first, then yellow ones fewest days left first', () => {
    const list = attentionList(
      [node('r1', { daysOverdue: 3 }), node('r2', { daysOverdue: 20 })],
      [node('y1', { light: 'yellow', daysLeft: 2 }), node('y2', { light: 'yellow', daysLeft: 0 })],
    );
    expect(list.map((n) => n.taskId)).toEqual(['r2', 'r1', 'y2', 'y1']);
  });

  it('lays out the server’s red lights per unit and month, board order first, widening past the plan year', () => {
    const grid = redHeatGrid(
      [
        { unitId: 'u2', unitName: '乙局', groupName: null, month: '2027-01', red: 1 },
        { unitId: 'u1', unitName: '甲局', groupName: '部门组', month: '2026-03', red: 2 },
        { unitId: 'u1', unitName: '甲局', groupName: '部门组', month: '2026-06', red: 1 },
      ],
      [
        { unitId: 'u1', unitName: '甲局' },
        { unitId: 'u3', unitName: '丙局' },
      ],
      2026,
    );
    expect(grid.months).toHaveLength(13);
    expect(grid.months[0]).toBe('2026-01');
    expect(grid.months.at(-1)).toBe('2027-01');
    expect(grid.units.map((u) => u.unitId)).toEqual(['u1', 'u3', 'u2']); // a unit without red lights keeps its row
    expect(grid.counts[0]![2]).toBe(2);
    expect(grid.counts[0]![5]).toBe(1);
    expect(grid.counts[1]!.every((c) => c === 0)).toBe(true);
    expect(grid.counts[2]![12]).toBe(1);
    expect(grid.max).toBe(2);
  });

  it('gives an empty year when nothing has been red', () => {
    const grid = redHeatGrid([], [{ unitId: 'u1', unitName: '甲局' }], 2026);
    expect(grid.months).toHaveLength(12);
    expect(grid.counts).toEqual([new Array(12).fill(0)]);
    expect(grid.max).toBe(0);
  });
});
