/**
 * Number handling for scores.
 *
 * Scores are computed in IEEE doubles (about 15–16 significant digits) and never rounded internally.
 * Two things keep binary artefacts (0.1 + 0.2 = 0.30000000000000004) out of what people see and out of
 * the decisions that matter:
 *
 * - `clean()` drops the last, noisy significant digits of a computed value (keeps 15), so a value that is
 *   mathematically a short decimal is stored as that decimal (20.000000000000004 → 20).
 * - `roundHalfUp()` (display only) rounds half away from zero (四舍五入) exactly, on the shortest decimal
 *   representation of the double: the value 88.365 (held as 88.36499999999999…) shows as 88.37, and
 *   1000373.414995 as 1000373.41 (no double rounding).
 * - caps compare with a tiny relative tolerance (`capRange`), so a value that only exceeds its cap by
 *   float noise is not reported as "capped".
 * - sums of many terms use Neumaier compensated summation (`NeumaierSum`), error about one ulp.
 *
 * Why not rationals: per-unit sums over 200 indicators with arbitrary decimal targets make exact
 * denominators explode (hundreds of digits); measured here, BigInt rationals cost 20–30 ms per 10k
 * indicator scores before composition, doubles < 1 ms. The display guarantees above are what matters.
 */

/** Relative tolerance used when comparing a computed value with a bound. */
export const TOLERANCE = 1e-9;

/** 10^0 … 10^22, all exact doubles. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The power of ten p such that |x| × p has exactly `digits` digits before the decimal point,
 * i.e. Math.round(|x| × p) keeps `digits` significant digits; 0 when p would not be an exact double.
 */
function digitScale(abs: number, digits: number): number {
  let e = digits - 1 - Math.floor(Math.log10(abs));
  if (e < 0 || e > 22) return 0;
  // Math.log10 may be off by one next to powers of ten: correct it.
  const hi = POW10[digits];
  const lo = POW10[digits - 1];
  if (abs * POW10[e] >= hi && e > 0) e--;
  else if (abs * POW10[e] < lo && e < 22) e++;
  return POW10[e];
}

/** Drops float noise: keeps 15 significant digits (like Number(x.toPrecision(15)), without strings). Turns -0 into 0. */
export function clean(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  const abs = Math.abs(x);
  const p = digitScale(abs, 15);
  if (p === 0) return x;
  const r = Math.round(abs * p) / p;
  return x < 0 ? -r : r;
}

/**
 * Rounds half away from zero (四舍五入) to `decimals` places (0–10), exactly, on the **shortest decimal
 * representation** of the double (what `String(x)` prints, the decimal a person typed or `clean()` left):
 * 1000373.414995 → 1000373.41 (a 12-significant-digit read first would make it …415 and then .42: double
 * rounding), 1.005 → 1.01 (the double is 1.00499999999999989…, but it *is* the decimal 1.005).
 *
 * Values coming out of a formula carry binary noise (63 + 25.365 might be 88.36499999999999): the scoring
 * code runs `clean()` on every computed value before it is stored, so what is rounded here is the decimal
 * the formula meant. For display only; nothing rounds internally.
 *
 * Fast path: when |x| × 10^decimals < 2^30 and its fractional part is not within 1e-5 of one half, the
 * double product decides the same way as the decimal (its error is below 1e-6); otherwise the shortest
 * decimal is rounded digit by digit.
 */
export function roundHalfUp(x: number, decimals = 2): number {
  if (!Number.isFinite(x) || x === 0) return x === 0 ? 0 : x;
  const abs = Math.abs(x);
  const unit = POW10[decimals];
  const f = abs * unit;
  let out: number;
  if (f < 1073741824) {
    const fl = Math.floor(f);
    const frac = f - fl;
    if (frac < 0.49999 || frac > 0.50001) out = (frac > 0.5 ? fl + 1 : fl) / unit;
    else out = roundDecimalString(String(abs), decimals);
  } else {
    out = roundDecimalString(String(abs), decimals);
  }
  return x < 0 && out !== 0 ? -out : out;
}

/**
 * Rounds a non-negative decimal numeral ("1000373.414995", "1.5e-7", "1.2e+21") half up at `decimals`
 * places, on its digits (exact), and returns the nearest double of the result.
 */
function roundDecimalString(text: string, decimals: number): number {
  let mantissa = text;
  let exp = 0;
  const e = text.indexOf('e');
  if (e >= 0) {
    mantissa = text.slice(0, e);
    exp = Number(text.slice(e + 1));
  }
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // value = digits × 10^(pointExp), pointExp = exp − (number of fraction digits)
  const pointExp = exp - (dot < 0 ? 0 : mantissa.length - dot - 1);
  // keep = how many digits stay when rounding to `decimals` places
  const keep = digits.length + pointExp + decimals;
  if (keep >= digits.length) return Number(text);
  if (keep < 0) return 0;
  const kept = keep === 0 ? 0n : BigInt(digits.slice(0, keep));
  const up = digits.charCodeAt(keep) >= 53; /* '5' */
  const q = up ? kept + 1n : kept;
  return Number(`${q}e-${decimals}`);
}

/** Display text with exactly two decimals: 9 → "9.00", 88.365 → "88.37". */
export function fmt2(x: number): string {
  return roundHalfUp(x, 2).toFixed(2);
}

/** An input value as a person would write it (shortest decimal, noise removed): 11.6 → "11.6". */
export function fmtNum(x: number): string {
  return String(clean(x));
}

/** A fraction shown as a percentage: 0.9 → "90%". */
export function fmtPercent(fraction: number): string {
  return `${clean(fraction * 100)}%`;
}

/** True when a and b are equal up to float noise. */
export function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

export interface Capped {
  from: number;
  to: number;
}

export interface CapOutcome {
  value: number;
  capped?: Capped;
}

/**
 * Clamps `raw` to [lo, hi]. A value outside by more than float noise is reported as capped;
 * a value outside only by noise is snapped to the bound silently.
 */
export function capRange(raw: number, lo: number, hi: number): CapOutcome {
  if (raw > hi) {
    if (nearlyEqual(raw, hi)) return { value: hi };
    return { value: hi, capped: { from: raw, to: hi } };
  }
  if (raw < lo) {
    if (nearlyEqual(raw, lo)) return { value: lo };
    return { value: lo, capped: { from: raw, to: lo } };
  }
  return { value: raw };
}

/** Neumaier compensated summation: add many terms, error about one ulp. */
export class NeumaierSum {
  private s = 0;
  private c = 0;

  add(x: number): this {
    const t = this.s + x;
    if (Math.abs(this.s) >= Math.abs(x)) this.c += this.s - t + x;
    else this.c += x - t + this.s;
    this.s = t;
    return this;
  }

  get value(): number {
    return this.s + this.c;
  }
}

/** Compensated sum of an array of numbers. */
export function sum(values: readonly number[]): number {
  const acc = new NeumaierSum();
  for (let i = 0; i < values.length; i++) acc.add(values[i]);
  return acc.value;
}

/** Number of decimal places of a finite number as written (1.25 → 2, 30 → 0, 1e-7 → 7). */
export function decimalPlaces(x: number): number {
  const s = String(x);
  const e = s.indexOf('e');
  if (e >= 0) {
    const mantissa = s.slice(0, e);
    const exp = Number(s.slice(e + 1));
    const dot = mantissa.indexOf('.');
    const frac = dot < 0 ? 0 : mantissa.length - dot - 1;
    return Math.max(0, frac - exp);
  }
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}
