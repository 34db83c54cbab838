import { clean, fmt2, fmtNum } from './numeric.js';
import { allocateLargestRemainder } from './quota.js';
import { type FieldError, ScoringError, ScoringErrorCode } from './scoring.error.js';

/** One kind of evaluator of the comprehensive evaluation (综合评价), e.g. leaders, the office, peer units. */
export interface EvaluatorConfig {
  /** Stable key referenced by the composition, e.g. "leaders", "office", "peers". */
  key: string;
  /** 中文 name, e.g. "县领导评价". */
  name: string;
  /** score: each entry is a score in [scoreMin, scoreMax]; grade: each entry is a grade from `grades`. */
  ballot: 'score' | 'grade';
  /**
   * Grades for grade ballots, best first, each with the value it is worth on the evaluator's scale
   * [scoreMin, scoreMax]: 优秀 → 95 of 100, or 好/较好/合格/基本合格 → 8/7/6/5 of 8 (`scoreMax: 8`).
   */
  grades?: { grade: string; score: number }[];
  /**
   * For grade ballots: the most units a ballot may give each grade, as a share of the units it rates,
   * allocated by the largest-remainder method. Grades not listed share the rest freely. When the shares
   * of all grades sum to 100%, a strict ballot must match the allocation exactly.
   */
  quota?: { grade: string; percent: number }[];
  /**
   * strict [default]: a ballot above its quota is refused (BallotQuotaExceeded). in_principle (原则上): it is
   * accepted, and the excess is flagged on the ballot's result and in the explanations of the scores it
   * feeds.
   */
  quotaMode?: 'strict' | 'in_principle';
  /** all: a ballot must rate every unit of the group except the evaluator's own; any: a subset will do. */
  coverage: 'all' | 'any';
  /** The scale of a rating: 0–100 by default, or 0–N points. An evaluation part is worth value ÷ scoreMax of its weight or points. */
  scoreMin: number;
  scoreMax: number;
}

export interface BallotEntry {
  unitId: string;
  score?: number | null;
  grade?: string | null;
}

/** One evaluator's ratings of the units of one group. */
export interface Ballot {
  id?: string;
  /** Evaluator kind: an EvaluatorConfig key. */
  evaluator: string;
  /** Who filled it in (a user, a leader, a unit). */
  evaluatorId: string;
  /** The evaluator's own unit, if any: it may not be rated on this ballot. */
  evaluatorUnitId?: string | null;
  groupId: string;
  entries: readonly BallotEntry[];
}

export interface BallotQuotaLine {
  grade: string;
  percent: number;
  allowed: number;
  given: number;
}

function ballotLabel(b: Ballot): string {
  return `ballot${b.id ? ` ${b.id}` : ''} of ${b.evaluator} evaluator ${b.evaluatorId}`;
}

/** What checking a ballot found: the value of each entry, and the quota lines when the evaluator has a quota. */
export interface BallotCheck {
  /** The value each entry is worth, in entry order. */
  values: number[];
  /** Every quota grade with its allowance and count (grade ballots with a quota). */
  quota?: BallotQuotaLine[];
  /** Quota lines given above their allowance: empty for a strict evaluator (it would have thrown). */
  excess: BallotQuotaLine[];
}

/**
 * Checks a ballot against its evaluator's rules and the group's units. Throws ScoringError:
 * InvalidBallot (malformed, unknown units or grades, duplicates, incomplete), BallotSelfRating
 * (rates the evaluator's own unit) or, for a strict quota, BallotQuotaExceeded (naming each grade, its
 * count and its allowance). An `in_principle` quota never throws: the excess is returned.
 */
export function checkBallot(ballot: Ballot, config: EvaluatorConfig, groupUnitIds: ReadonlySet<string> | readonly string[]): BallotCheck {
  const units = groupUnitIds instanceof Set ? groupUnitIds : new Set(groupUnitIds as readonly string[]);
  const label = ballotLabel(ballot);
  const errors: FieldError[] = [];
  if (ballot.evaluator !== config.key) {
    errors.push({ field: 'evaluator', code: 'mismatch', message: `evaluator "${ballot.evaluator}" is not "${config.key}"` });
  }
  if (!Array.isArray(ballot.entries) || ballot.entries.length === 0) {
    throw new ScoringError(ScoringErrorCode.InvalidBallot, `${label} has no entries`, [
      { field: 'entries', code: 'required', message: 'entries: at least one rating is required' },
    ]);
  }
  const own = ballot.evaluatorUnitId ?? undefined;
  const selfRated = ballot.entries.findIndex((e) => own !== undefined && e.unitId === own);
  if (selfRated >= 0) {
    throw new ScoringError(ScoringErrorCode.BallotSelfRating, `${label} rates its own unit ${own}; an evaluator cannot rate its own unit`, [
      { field: `entries[${selfRated}].unitId`, code: 'self_rating', message: `entries[${selfRated}].unitId: ${own} is the evaluator's own unit` },
    ]);
  }
  const gradeScore = new Map<string, number>();
  for (const g of config.grades ?? []) gradeScore.set(g.grade, g.score);
  const seen = new Set<string>();
  const scores: number[] = [];
  const counts = new Map<string, number>();
  ballot.entries.forEach((e, i) => {
    const f = `entries[${i}]`;
    if (!units.has(e.unitId))
      errors.push({ field: `${f}.unitId`, code: 'unknown_unit', message: `${f}.unitId: ${e.unitId} is not a unit of group ${ballot.groupId}` });
    if (seen.has(e.unitId)) errors.push({ field: `${f}.unitId`, code: 'duplicate', message: `${f}.unitId: ${e.unitId} is rated twice` });
    seen.add(e.unitId);
    if (config.ballot === 'grade') {
      const grade = e.grade ?? undefined;
      const s = grade === undefined ? undefined : gradeScore.get(grade);
      if (e.score !== undefined && e.score !== null)
        errors.push({ field: `${f}.score`, code: 'unexpected', message: `${f}.score: this evaluator gives grades, not scores` });
      if (grade === undefined || s === undefined) {
        errors.push({
          field: `${f}.grade`,
          code: 'enum',
          message: `${f}.grade: must be one of ${[...gradeScore.keys()].join('、')} (got ${JSON.stringify(e.grade ?? null)})`,
        });
        scores.push(0);
      } else {
        counts.set(grade, (counts.get(grade) ?? 0) + 1);
        scores.push(s);
      }
    } else {
      const s = e.score;
      if (e.grade !== undefined && e.grade !== null)
        errors.push({ field: `${f}.grade`, code: 'unexpected', message: `${f}.grade: this evaluator gives scores, not grades` });
      if (typeof s !== 'number' || !Number.isFinite(s) || s < config.scoreMin || s > config.scoreMax) {
        errors.push({
          field: `${f}.score`,
          code: 'range',
          message: `${f}.score: must be a number in [${config.scoreMin}, ${config.scoreMax}] (got ${JSON.stringify(s ?? null)})`,
        });
        scores.push(0);
      } else {
        scores.push(s);
      }
    }
  });
  if (config.coverage === 'all') {
    const missing = [...units].filter((u) => u !== own && !seen.has(u));
    if (missing.length > 0) {
      errors.push({
        field: 'entries',
        code: 'incomplete',
        message: `entries: ${missing.length} unit(s) of group ${ballot.groupId} not rated: ${missing.join(', ')}`,
      });
    }
  }
  if (errors.length > 0) {
    throw new ScoringError(ScoringErrorCode.InvalidBallot, `${label} is invalid: ${errors.map((e) => e.message).join('; ')}`, errors);
  }
  if (config.ballot === 'grade' && config.quota && config.quota.length > 0) {
    const lines = checkBallotQuota(ballot.entries.length, config.quota, counts);
    const broken = lines.filter((l) => l.given > l.allowed);
    if (broken.length > 0 && config.quotaMode === 'in_principle') return { values: scores, quota: lines, excess: broken };
    if (broken.length > 0) {
      const rated = ballot.entries.length;
      const details = broken.map((l) => ({
        field: 'entries',
        code: 'quota_exceeded',
        message: `grade "${l.grade}" given to ${l.given} unit(s), at most ${l.allowed} allowed (${fmtNum(l.percent)}% of ${rated} rated units, largest-remainder method)`,
      }));
      throw new ScoringError(ScoringErrorCode.BallotQuotaExceeded, `${label} breaks its quota: ${details.map((d) => d.message).join('; ')}`, details);
    }
    return { values: scores, quota: lines, excess: [] };
  }
  return { values: scores, excess: [] };
}

/**
 * checkBallot, returning only the value of each entry (in entry order). A ballot above an `in_principle`
 * quota is accepted: use checkBallot to see its excess.
 */
export function assertValidBallot(ballot: Ballot, config: EvaluatorConfig, groupUnitIds: ReadonlySet<string> | readonly string[]): number[] {
  return checkBallot(ballot, config, groupUnitIds).values;
}

/** "「良好」7 个，原则上至多 6 个" for each grade above its allowance. */
export function excessText(excess: readonly BallotQuotaLine[]): string {
  return excess.map((l) => `「${l.grade}」${l.given} 个，原则上至多 ${l.allowed} 个（${fmtNum(l.percent)}%）`).join('；');
}

/** The seats each quota grade allows on a ballot rating `rated` units, and how many the ballot gave. */
export function checkBallotQuota(rated: number, quota: readonly { grade: string; percent: number }[], counts: ReadonlyMap<string, number>): BallotQuotaLine[] {
  const alloc = allocateLargestRemainder(
    rated,
    quota.map((q) => ({ key: q.grade, percent: q.percent })),
  );
  return alloc.allocations.map((a, i) => ({ grade: quota[i].grade, percent: quota[i].percent, allowed: a.seats, given: counts.get(quota[i].grade) ?? 0 }));
}

/** Mean of the ratings a unit got from one kind of evaluator. */
export interface EvaluationTally {
  evaluator: string;
  count: number;
  total: number;
  mean: number;
}

/** Formula text for a tally, e.g. "(95 + 85 + 75) ÷ 3 = 85.00". */
export function tallyFormula(scores: readonly number[]): string {
  if (scores.length === 0) return '暂无评价 → 0';
  let total = 0;
  for (const s of scores) total += s;
  const mean = clean(total / scores.length);
  if (scores.length === 1) return `${fmtNum(scores[0])} = ${fmt2(mean)}`;
  if (scores.length <= 12) return `(${scores.map(fmtNum).join(' + ')}) ÷ ${scores.length} = ${fmt2(mean)}`;
  return `${fmtNum(clean(total))} ÷ ${scores.length} = ${fmt2(mean)}`;
}
