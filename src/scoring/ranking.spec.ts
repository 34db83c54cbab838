import { describe, expect, it } from '@jest/globals';
import { allocateLargestRemainder } from './quota.js';
import { competitionRanks, gradeByQuota, gradeByThresholds, vetoGradeOf } from './ranking.js';
import { ScoringError } from './scoring.error.js';

const GRADES = [
  { grade: '优秀', percent: 30 },
  { grade: '良好', percent: 50 },
  { grade: '一般', percent: 15 },
  { grade: '较差', percent: 5 },
];

describe('allocateLargestRemainder', () => {
  it('a 13-unit group at 30/50/15/5% gets 4/6/2/1', () => {
    const r = allocateLargestRemainder(
      13,
      GRADES.map((g) => ({ key: g.grade, percent: g.percent })),
    );
    expect(r.allocations.map((a) => a.seats)).toEqual([4, 6, 2, 1]);
    expect(r.allocations.map((a) => a.floor)).toEqual([3, 6, 1, 0]);
    expect(r.allocations.map((a) => a.exact)).toEqual([3.9, 6.5, 1.95, 0.65]);
    expect(r.allocations.map((a) => a.extraSeat)).toEqual([true, false, true, true]);
    expect(r.rest).toBeUndefined();
  });

  it('equal remainders: the larger share wins, then the share listed first', () => {
    // 10 × 25% = 2.5 each: two leftover seats go to the first two listed
    const even = allocateLargestRemainder(
      10,
      ['A', 'B', 'C', 'D'].map((key) => ({ key, percent: 25 })),
    );
    expect(even.allocations.map((a) => a.seats)).toEqual([3, 3, 2, 2]);
    // 3 units at 20/40/40: exact 0.6, 1.2, 1.2 → the one leftover seat goes to the largest remainder (A)
    const r = allocateLargestRemainder(3, [
      { key: 'A', percent: 20 },
      { key: 'B', percent: 40 },
      { key: 'C', percent: 40 },
    ]);
    expect(r.allocations.map((a) => a.seats)).toEqual([1, 1, 1]);
    // 5 units at 10/30/60: exact 0.5, 1.5, 3 → remainders 0.5, 0.5, 0 → one leftover: equal remainders, larger share (30%) wins
    const s = allocateLargestRemainder(5, [
      { key: 'A', percent: 10 },
      { key: 'B', percent: 30 },
      { key: 'C', percent: 60 },
    ]);
    expect(s.allocations.map((a) => a.seats)).toEqual([0, 2, 3]);
  });

  it('compares remainders exactly (no float artefacts) and handles decimal percents', () => {
    // 7 × 14.3 = 100.1% → refused; 7 × 12.5% etc. are exact
    const r = allocateLargestRemainder(7, [
      { key: 'A', percent: 12.5 },
      { key: 'B', percent: 37.5 },
      { key: 'C', percent: 50 },
    ]);
    expect(r.allocations.map((a) => a.seats)).toEqual([1, 3, 3]);
    expect(() =>
      allocateLargestRemainder(7, [
        { key: 'A', percent: 60 },
        { key: 'B', percent: 40.1 },
      ]),
    ).toThrow(ScoringError);
  });

  it('shares below 100% leave an implicit rest bucket', () => {
    const r = allocateLargestRemainder(11, [
      { key: '优秀', percent: 30 },
      { key: '良好', percent: 50 },
    ]);
    expect(r.allocations.map((a) => a.seats)).toEqual([3, 6]);
    expect(r.rest?.seats).toBe(2);
  });
});

describe('competitionRanks', () => {
  it('ties share a rank and the next rank skips: 1, 1, 3', () => {
    expect(competitionRanks([90, 95, 95, 80])).toEqual([3, 1, 1, 4]);
    expect(competitionRanks([88.37, 88.37, 88.37])).toEqual([1, 1, 1]);
    expect(competitionRanks([])).toEqual([]);
    expect(competitionRanks([3, 1, 2], 'asc')).toEqual([3, 1, 2]);
  });
});

describe('grading', () => {
  it('by quota: 13 distinct scores → 4/6/2/1', () => {
    const ranks = competitionRanks(Array.from({ length: 13 }, (_, i) => 100 - i));
    const g = gradeByQuota(ranks, GRADES);
    expect(g.grades).toEqual(['优秀', '优秀', '优秀', '优秀', '良好', '良好', '良好', '良好', '良好', '良好', '一般', '一般', '较差']);
    expect(g.seats.map((s) => [s.grade, s.seats, s.assigned])).toEqual([
      ['优秀', 4, 4],
      ['良好', 6, 6],
      ['一般', 2, 2],
      ['较差', 1, 1],
    ]);
  });

  it('by quota: units tied across a boundary all get the better grade, reported as overflow', () => {
    const scores = [99, 98, 97, 96, 96, 90, 89, 88, 87, 86, 85, 84, 83];
    const g = gradeByQuota(competitionRanks(scores), GRADES);
    expect(g.grades.slice(0, 6)).toEqual(['优秀', '优秀', '优秀', '优秀', '优秀', '良好']);
    expect(g.seats[0]).toMatchObject({ grade: '优秀', seats: 4, assigned: 5, overflow: 1 });
    expect(g.seats[1]).toMatchObject({ grade: '良好', seats: 6, assigned: 5 });
  });

  it('by thresholds, best first; vetoed units get the veto grade', () => {
    const t = [
      { grade: '优秀', min: 90 },
      { grade: '良好', min: 80 },
    ];
    expect(gradeByThresholds(90, t, '一般')).toBe('优秀');
    expect(gradeByThresholds(89.99, t, '一般')).toBe('良好');
    expect(gradeByThresholds(10, t, '一般')).toBe('一般');
    expect(vetoGradeOf({ mode: 'thresholds', thresholds: t, otherwise: '一般' })).toBe('一般');
    expect(vetoGradeOf({ mode: 'quota', grades: GRADES })).toBe('较差');
    expect(vetoGradeOf({ mode: 'quota', grades: GRADES, vetoGrade: '不合格' })).toBe('不合格');
  });
});
