import { describe, expect, it } from '@jest/globals';
import { assertValidBallot, type Ballot, checkBallotQuota, type EvaluatorConfig, tallyFormula } from './evaluation.js';
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

describe('ballot rules', () => {
  it('an evaluator cannot rate its own unit', () => {
    const b: Ballot = { evaluator: 'peers', evaluatorId: 'u2', evaluatorUnitId: 'u2', groupId: 'towns', entries: [{ unitId: 'u1', grade: '优秀' }, { unitId: 'u2', grade: '优秀' }] };
    const e = caught(() => assertValidBallot(b, peers, ['u1', 'u2', 'u3']));
    expect(e.code).toBe(ScoringErrorCode.BallotSelfRating);
    expect(e.message).toContain('rates its own unit u2');
    expect(e.details[0].field).toBe('entries[1].unitId');
  });

  it('refuses unknown units, duplicates, unknown grades, incomplete ballots and out-of-range scores', () => {
    const e = caught(() =>
      assertValidBallot(
        { evaluator: 'leaders', evaluatorId: 'l', groupId: 'towns', entries: [{ unitId: 'u1', grade: '优' }, { unitId: 'u1', grade: '良好' }, { unitId: 'x9', grade: '良好' }] },
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
