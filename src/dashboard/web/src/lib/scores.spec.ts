import { describe, expect, it } from '@jest/globals';
import { estimateTask, rankUnits, type TaskScoreInput } from './scores';

const t = (p: Partial<TaskScoreInput>): TaskScoreInput => ({
  taskId: 't', unitId: 'u1', unitName: '甲局', indicatorCode: '1', indicatorName: '指标', points: 10, nodes: 2, redCount: 0, state: 'open', ...p,
});

describe('provisional score estimate', () => {
  it('scores a task as the node platform method does and shows the formula', () => {
    // DESIGN.md §5 / issue 4: points 30, 67 nodes, 5 red → 27.76.
    const line = estimateTask(t({ points: 30, nodes: 67, redCount: 5 }));
    expect(line.score).toBeCloseTo(27.76, 2);
    expect(line.formula).toBe('30 × (67 − 5) ÷ 67 = 27.76');
  });

  it('ranks by rate within the group, ties share a rank, units without tasks come last unranked', () => {
    const ranked = rankUnits(
      [{ unitId: 'a', unitName: '甲' }, { unitId: 'b', unitName: '乙' }, { unitId: 'c', unitName: '丙' }, { unitId: 'd', unitName: '丁' }],
      [
        t({ unitId: 'a', points: 10, nodes: 2, redCount: 1 }),
        t({ unitId: 'b', points: 20, nodes: 4, redCount: 2 }),
        t({ unitId: 'c', points: 10, nodes: 2, redCount: 0 }),
        t({ unitId: 'c', points: 5, nodes: 1, redCount: 0, state: 'cancelled' }),
      ],
    );
    expect(ranked.map((r) => [r.unitName, r.rank, r.rate])).toEqual([
      ['丙', 1, 100],
      ['甲', 2, 50], // equal rates: in pinyin order (jiǎ before yǐ)
      ['乙', 2, 50],
      ['丁', null, null],
    ]);
    expect(ranked[0]!.points).toBe(10); // the cancelled task carries no points
  });
});
