import { allocateLargestRemainder, type QuotaAllocation } from './quota.js';

/**
 * Standard competition ranking ("1224"): sorted by key, best first; equal keys share the best rank and
 * the next distinct key's rank skips the shared places (1, 1, 3). Returns ranks in input order.
 * `keys` should already be what ties are decided on (e.g. scores rounded for display).
 */
export function competitionRanks(keys: readonly number[], order: 'desc' | 'asc' = 'desc'): number[] {
  const n = keys.length;
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort(order === 'desc' ? (a, b) => keys[b] - keys[a] || a - b : (a, b) => keys[a] - keys[b] || a - b);
  const ranks = new Array<number>(n);
  for (let pos = 0; pos < n; pos++) {
    const i = idx[pos];
    ranks[i] = pos > 0 && keys[idx[pos - 1]] === keys[i] ? ranks[idx[pos - 1]] : pos + 1;
  }
  return ranks;
}

export interface QuotaGrade {
  grade: string;
  percent: number;
}

export interface ThresholdGrade {
  grade: string;
  /** Lowest score (inclusive) for this grade. */
  min: number;
}

/**
 * How a group is graded.
 * - quota: seats per grade by the largest-remainder method over the graded (non-vetoed) units; a unit
 *   takes the grade of the seat at its rank. Units tied across a boundary all get the better grade
 *   (that grade then has more units than seats; reported as `overflow`).
 * - thresholds: the first grade (listed best first) whose `min` the score reaches; else `otherwise`.
 * Vetoed (failed) units are not graded by the rule: they get `vetoGrade` (default: the lowest grade).
 */
export type GradingRule =
  { mode: 'quota'; grades: QuotaGrade[]; vetoGrade?: string } | { mode: 'thresholds'; thresholds: ThresholdGrade[]; otherwise: string; vetoGrade?: string };

export interface GradeSeats {
  grade: string;
  percent: number;
  exact: number;
  seats: number;
  extraSeat: boolean;
  /** Units actually given this grade (differs from seats only when ties straddle a boundary). */
  assigned: number;
  /** assigned − seats, when positive. */
  overflow?: number;
}

export interface QuotaGrading {
  /** Grade per unit, in input order. */
  grades: string[];
  seats: GradeSeats[];
}

/** Grades units by quota given their competition ranks (1-based, among the graded units). */
export function gradeByQuota(ranks: readonly number[], grades: readonly QuotaGrade[]): QuotaGrading {
  const n = ranks.length;
  const alloc = allocateLargestRemainder(
    n,
    grades.map((g) => ({ key: g.grade, percent: g.percent })),
  );
  // Rest bucket (percents below 100) goes to the lowest grade.
  const seatsOf = alloc.allocations.map((a: QuotaAllocation) => a.seats);
  if (alloc.rest && seatsOf.length > 0) seatsOf[seatsOf.length - 1] += alloc.rest.seats;
  const byPosition = new Array<number>(n);
  let pos = 0;
  for (let g = 0; g < seatsOf.length; g++) for (let s = 0; s < seatsOf[g]; s++) byPosition[pos++] = g;
  const assigned = new Array<number>(grades.length).fill(0);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const r = ranks[i];
    const g = byPosition[Math.min(Math.max(r, 1), n) - 1];
    assigned[g]++;
    out[i] = grades[g].grade;
  }
  const seats: GradeSeats[] = alloc.allocations.map((a, g) => {
    const s: GradeSeats = { grade: grades[g].grade, percent: a.percent, exact: a.exact, seats: seatsOf[g], extraSeat: a.extraSeat, assigned: assigned[g] };
    if (assigned[g] > seatsOf[g]) s.overflow = assigned[g] - seatsOf[g];
    return s;
  });
  return { grades: out, seats };
}

/** Grades one score by thresholds (listed best first). */
export function gradeByThresholds(score: number, thresholds: readonly ThresholdGrade[], otherwise: string): string {
  for (const t of thresholds) if (score >= t.min) return t.grade;
  return otherwise;
}

/** The grade a vetoed unit gets under a rule. */
export function vetoGradeOf(rule: GradingRule): string {
  if (rule.vetoGrade) return rule.vetoGrade;
  if (rule.mode === 'quota') return rule.grades[rule.grades.length - 1].grade;
  return rule.otherwise;
}
