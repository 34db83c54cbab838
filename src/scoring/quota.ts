import { decimalPlaces } from './numeric.js';
import { ScoringError, ScoringErrorCode } from './scoring.error.js';

export interface QuotaShare {
  /** What the seats are for, e.g. a grade "优秀". */
  key: string;
  /** Share of the total in percent (30 for 30%); up to 6 decimals. */
  percent: number;
}

export interface QuotaAllocation {
  /** The share's key; null for the implicit rest bucket (shares summing below 100%). */
  key: string | null;
  percent: number;
  /** total × percent / 100, before rounding. */
  exact: number;
  /** ⌊exact⌋ */
  floor: number;
  /** Seats after the largest-remainder pass (floor or floor + 1). */
  seats: number;
  /** True if this share got one of the leftover seats. */
  extraSeat: boolean;
}

export interface QuotaResult {
  total: number;
  /** One allocation per share, in the given order. */
  allocations: QuotaAllocation[];
  /** The implicit bucket for the part not covered by the shares (absent when they sum to 100%). */
  rest?: QuotaAllocation;
}

/**
 * Largest-remainder (Hamilton) method: each share first gets ⌊total × percent / 100⌋ seats; the seats
 * left over go one each to the shares with the largest remainders.
 *
 * Tie rule for equal remainders: the share with the larger percentage wins; between equal percentages,
 * the share listed first wins (grades are listed best first, so the better grade). The implicit rest
 * bucket is listed last.
 *
 * Arithmetic is on integers (percentages scaled to whole numbers), so remainders compare exactly.
 * Seats always sum to `total`. Shares summing above 100% are refused.
 */
export function allocateLargestRemainder(total: number, shares: readonly QuotaShare[]): QuotaResult {
  if (!Number.isInteger(total) || total < 0) {
    throw new ScoringError(ScoringErrorCode.InvalidQuota, `quota total must be a whole number ≥ 0 (got ${total})`);
  }
  let places = 0;
  for (const s of shares) {
    if (!Number.isFinite(s.percent) || s.percent < 0) {
      throw new ScoringError(ScoringErrorCode.InvalidQuota, `quota share "${s.key}" must be a percentage ≥ 0 (got ${s.percent})`);
    }
    places = Math.max(places, decimalPlaces(s.percent));
  }
  if (places > 6) throw new ScoringError(ScoringErrorCode.InvalidQuota, 'quota percentages may have at most 6 decimals');
  const scale = 10 ** places;
  const whole = 100 * scale;
  const scaled = shares.map((s) => Math.round(s.percent * scale));
  let covered = 0;
  for (const p of scaled) covered += p;
  if (covered > whole) {
    throw new ScoringError(
      ScoringErrorCode.InvalidQuota,
      `quota shares sum to ${covered / scale}%, more than 100% (${shares.map((s) => `${s.key} ${s.percent}%`).join(', ')})`,
    );
  }
  const restScaled = whole - covered;
  const n = shares.length + (restScaled > 0 ? 1 : 0);
  const buckets: { p: number; num: number; floor: number; rem: number; index: number }[] = new Array(n);
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    const p = i < shares.length ? scaled[i] : restScaled;
    const num = total * p;
    const rem = num % whole;
    const floor = (num - rem) / whole;
    assigned += floor;
    buckets[i] = { p, num, floor, rem, index: i };
  }
  const order = buckets.slice().sort((a, b) => b.rem - a.rem || b.p - a.p || a.index - b.index);
  const extra = new Array<boolean>(n).fill(false);
  for (let k = 0, left = total - assigned; k < order.length && left > 0; k++, left--) extra[order[k].index] = true;
  const allocations: QuotaAllocation[] = [];
  let rest: QuotaAllocation | undefined;
  for (let i = 0; i < n; i++) {
    const b = buckets[i];
    const a: QuotaAllocation = {
      key: i < shares.length ? shares[i].key : null,
      percent: b.p / scale,
      exact: b.num / whole,
      floor: b.floor,
      seats: b.floor + (extra[i] ? 1 : 0),
      extraSeat: extra[i],
    };
    if (i < shares.length) allocations.push(a);
    else rest = a;
  }
  return rest ? { total, allocations, rest } : { total, allocations };
}
