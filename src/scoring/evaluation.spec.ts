import { describe, expect, it } from '@jest/globals';
import { assertValidBallot, type Ballot, checkBallot, checkBallotQuota, type EvaluatorConfig, excessText, tallyFormula } from './evaluation.js';
import { ScoringError, ScoringErrorCode } from './scoring.error.js';

const leaders: EvaluatorConfig = {
  key: 'leaders',
  name: '县领导评价',
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
const peers: EvaluatorConfig = { ...leaders, key: 'peers', name: '互评', quota: [{ grade: '优秀', percent: 30 }] };
const office: EvaluatorConfig = { key: 'office', name: '绩效办评价', ballot: 'score', coverage: 'all', scoreMin: 0, scoreMax: 100 };

const UNITS = Array.from({ length: 13 }, (_, i) => `u${i + 1}`);
const gradesBallot = (grades: string[], extra: Partial<Ballot> = {}): Ballot => ({
  id: 'b1',
  evaluator: 'leaders',
  evaluatorId: 'leader-1',
  groupId: 'towns',
  entries: grades.map((grade, i) => ({ unitId: UNITS[i], grade })),
  ...extra,
});
const QUOTA_OK = ['优秀', '优秀', '优秀', '优秀', '良好', '良好', '良好', '良好', '良好', '良好', '一般', '一般', '较差'];

function caught(f: () => unknown): ScoringError {
  try {
    f();
  } catch (e) {
    return e as ScoringError;
  }
  throw new Error('expected a ScoringError');
}

describe('grade ballots with a quota', () => {
  it('accepts a ballot that fits 4/6/2/1 for 13 units and returns the score of each entry', () => {
    const scores = assertValidBallot(gradesBallot(QUOTA_OK), leaders, UNITS);
    expect(scores).toEqual([95, 95, 95, 95, 85, 85, 85, 85, 85, 85, 75, 75, 60]);
  });

  it('refuses a ballot that breaks its quota, naming the grade and the counts', () => {
    const tooMany = ['优秀', ...QUOTA_OK.slice(0, 12)]; // 5 优秀, 5 良好 …
    const e = caught(() => assertValidBallot(gradesBallot(tooMany), leaders, UNITS));
    expect(e.code).toBe(ScoringErrorCode.BallotQuotaExceeded);
    expect(e.message).toContain('grade "优秀" given to 5 unit(s), at most 4 allowed (30% of 13 rated units, largest-remainder method)');
    expect(e.details).toHaveLength(1);
  });

  it('with quota only on the top grade, the other grades are free', () => {
    const peerUnits = UNITS.slice(0, 11);
    const ok = assertValidBallot(
      { ...gradesBallot(['优秀', '优秀', '优秀', '良好', '良好', '一般', '一般', '一般', '较差', '较差']), evaluator: 'peers', evaluatorUnitId: 'u11' },
      peers,
      peerUnits,
    );
    expect(ok).toHaveLength(10);
    const e = caught(() =>
      assertValidBallot(
        { ...gradesBallot(['优秀', '优秀', '优秀', '优秀', '良好', '一般', '一般', '一般', '较差', '较差']), evaluator: 'peers', evaluatorUnitId: 'u11' },
        peers,
        peerUnits,
      ),
    );
    expect(e.code).toBe(ScoringErrorCode.BallotQuotaExceeded);
    expect(e.message).toContain('grade "优秀" given to 4 unit(s), at most 3 allowed (30% of 10 rated units');
  });

  it('checkBallotQuota reports allowed and given per grade', () => {
    expect(checkBallotQuota(13, leaders.quota ?? [], new Map([['优秀', 5]]))).toEqual([
      { grade: '优秀', percent: 30, allowed: 4, given: 5 },
      { grade: '良好', percent: 50, allowed: 6, given: 0 },
      { grade: '一般', percent: 15, allowed: 2, given: 0 },
      { grade: '较差', percent: 5, allowed: 1, given: 0 },
    ]);
  });
});

describe('quota mode in_principle (原则上): accepted, the excess flagged', () => {
  const inPrinciple: EvaluatorConfig = {
    ...leaders,
    grades: [
      { grade: '好', score: 8 },
      { grade: '较好', score: 7 },
      { grade: '合格', score: 6 },
      { grade: '基本合格', score: 5 },
    ],
    quota: [
      { grade: '好', percent: 30 },
      { grade: '较好', percent: 50 },
      { grade: '合格', percent: 15 },
      { grade: '基本合格', percent: 5 },
    ],
    quotaMode: 'in_principle',
    scoreMax: 8,
  };
  const g3721 = ['好', '好', '好', '较好', '较好', '较好', '较好', '较好', '较好', '较好', '合格', '合格', '基本合格'];

  it('a 3/7/2/1 ballot over 13 towns (allowance 4/6/2/1) is accepted, 较好 flagged one above its allowance', () => {
    const r = checkBallot(gradesBallot(g3721), inPrinciple, UNITS);
    expect(r.values).toEqual([8, 8, 8, 7, 7, 7, 7, 7, 7, 7, 6, 6, 5]);
    expect(r.excess).toEqual([{ grade: '较好', percent: 50, allowed: 6, given: 7 }]);
    expect(r.quota?.map((l) => [l.grade, l.allowed, l.given])).toEqual([
      ['好', 4, 3],
      ['较好', 6, 7],
      ['合格', 2, 2],
      ['基本合格', 1, 1],
    ]);
    expect(excessText(r.excess)).toBe('「较好」7 个，原则上至多 6 个（50%）');
    expect(assertValidBallot(gradesBallot(g3721), inPrinciple, UNITS)).toHaveLength(13);
  });

  it('the same ballot under a strict quota is refused; other rules still refuse in principle', () => {
    expect(caught(() => assertValidBallot(gradesBallot(g3721), { ...inPrinciple, quotaMode: 'strict' }, UNITS)).code).toBe(
      ScoringErrorCode.BallotQuotaExceeded,
    );
    expect(caught(() => checkBallot(gradesBallot(['优秀', ...g3721.slice(1)]), inPrinciple, UNITS)).code).toBe(ScoringErrorCode.InvalidBallot);
    const fits = checkBallot(
      gradesBallot(['好', '好', '好', '好', '较好', '较好', '较好', '较好', '较好', '较好', '合格', '合格', '基本合格']),
      inPrinciple,
      UNITS,
    );
    expect(fits.excess).toEqual([]);
  });
});

describe('ballot rules', () => {
  it('an evaluator cannot rate its own unit', () => {
    const b: Ballot = {
      evaluator: 'peers',
      evaluatorId: 'u2',
      evaluatorUnitId: 'u2',
      groupId: 'towns',
      entries: [
        { unitId: 'u1', grade: '优秀' },
        { unitId: 'u2', grade: '优秀' },
      ],
    };
    const e = caught(() => assertValidBallot(b, peers, ['u1', 'u2', 'u3']));
    expect(e.code).toBe(ScoringErrorCode.BallotSelfRating);
    expect(e.message).toContain('rates its own unit u2');
    expect(e.details[0].field).toBe('entries[1].unitId');
  });

  it('refuses unknown units, duplicates, unknown grades, incomplete ballots and out-of-range scores', () => {
    const e = caught(() =>
      assertValidBallot(
        {
          evaluator: 'leaders',
          evaluatorId: 'l',
          groupId: 'towns',
          entries: [
            { unitId: 'u1', grade: '优' },
            { unitId: 'u1', grade: '良好' },
            { unitId: 'x9', grade: '良好' },
          ],
        },
        { ...leaders, quota: undefined },
        ['u1', 'u2'],
      ),
    );
    expect(e.code).toBe(ScoringErrorCode.InvalidBallot);
    expect(e.details.map((d) => [d.field, d.code])).toEqual([
      ['entries[0].grade', 'enum'],
      ['entries[1].unitId', 'duplicate'],
      ['entries[2].unitId', 'unknown_unit'],
      ['entries', 'incomplete'],
    ]);
    const s = caught(() => assertValidBallot({ evaluator: 'office', evaluatorId: 'o', groupId: 'g', entries: [{ unitId: 'u1', score: 101 }] }, office, ['u1']));
    expect(s.details[0]).toMatchObject({ field: 'entries[0].score', code: 'range' });
    expect(assertValidBallot({ evaluator: 'office', evaluatorId: 'o', groupId: 'g', entries: [{ unitId: 'u1', score: 80 }] }, office, ['u1'])).toEqual([80]);
  });

  it('tallyFormula shows the mean', () => {
    expect(tallyFormula([95, 85, 85])).toBe('(95 + 85 + 85) ÷ 3 = 88.33');
    expect(tallyFormula([80])).toBe('80 = 80.00');
    expect(tallyFormula([])).toBe('暂无评价 → 0');
  });
});
