import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../common/fc-seed.js';
import { capRange, clean, fmt2, roundHalfUp, sum } from './numeric.js';

describe('numeric', () => {
  it('rounds half away from zero on the decimal value, not the binary one', () => {
    expect(fmt2(63 + 25.365)).toBe('88.37');
    expect(fmt2(clean(88.36499999999999))).toBe('88.37'); // a formula's noisy result, once cleaned
    expect(fmt2(1.005)).toBe('1.01');
    expect(fmt2(2.675)).toBe('2.68');
    expect(fmt2(0.1 + 0.2)).toBe('0.30');
    expect(fmt2(-1.005)).toBe('-1.01');
    expect(fmt2(-0.001)).toBe('0.00');
    expect(roundHalfUp(19.516129032258064)).toBe(19.52);
    expect(fmt2(1e-9)).toBe('0.00');
  });

  it('clean drops float noise only', () => {
    expect(clean(0.1 + 0.2)).toBe(0.3);
    expect(clean(4 * 0.3)).toBe(1.2);
    expect(clean(-0)).toBe(0);
    expect(clean(19.516129032258064)).toBe(19.5161290322581);
  });

  it('capRange reports real caps and ignores float noise at the bound', () => {
    expect(capRange(20.000000000000004, 0, 20)).toEqual({ value: 20 });
    expect(capRange(25.25, 0, 20)).toEqual({ value: 20, capped: { from: 25.25, to: 20 } });
    expect(capRange(-1, 0, 20)).toEqual({ value: 0, capped: { from: -1, to: 0 } });
  });

  it('sum is compensated', () => {
    expect(sum(Array.from({ length: 10 }, () => 0.1))).toBe(1);
  });

  it('rounds exactly from the shortest decimal, not after a 12-digit read (no double rounding)', () => {
    expect(roundHalfUp(1000373.414995)).toBe(1000373.41);
    expect(fmt2(1000373.414995)).toBe('1000373.41');
    expect(roundHalfUp(1000373.415)).toBe(1000373.42);
    expect(roundHalfUp(0.125)).toBe(0.13);
    expect(roundHalfUp(0.12499999999999999)).toBe(0.12); // a double of its own, just below 0.125
    expect(roundHalfUp(5e-3)).toBe(0.01);
    expect(roundHalfUp(4.9e-3)).toBe(0);
    expect(roundHalfUp(1.2e21)).toBe(1.2e21);
    expect(roundHalfUp(123456789012.345)).toBe(123456789012.35);
    expect(roundHalfUp(2.5, 0)).toBe(3);
    expect(roundHalfUp(-2.5, 0)).toBe(-3);
    expect(roundHalfUp(1.0005, 3)).toBe(1.001);
  });

  // Oracle: the shortest decimal (String(x)) rounded half away from zero with BigInt arithmetic.
  const oracle = (x: number, decimals: number): number => {
    const text = String(Math.abs(x));
    const [mant, expText] = text.split('e');
    const [int, frac = ''] = mant.split('.');
    const exp = Number(expText ?? 0) - frac.length; // value = BigInt(int + frac) × 10^exp
    let m = BigInt(int + frac);
    const shift = exp + decimals; // value × 10^decimals = m × 10^shift
    let q: bigint;
    if (shift >= 0) q = m * 10n ** BigInt(shift);
    else {
      const d = 10n ** BigInt(-shift);
      q = m / d;
      if ((m % d) * 2n >= d) q += 1n;
    }
    m = q;
    const r = Number(`${m}e-${decimals}`);
    return x < 0 && r !== 0 ? -r : r;
  };
  const SEED = fcSeed('numeric.spec.ts');

  it(`roundHalfUp equals the BigInt oracle on typed decimals, halves, formula results and any double (seed ${SEED}, FC_SEED replays)`, () => {
    const decimal = fc.tuple(fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }), fc.integer({ min: 0, max: 7 })).map(([k, d]) => k / 10 ** d);
    const half = fc.tuple(fc.integer({ min: -100_000_000, max: 100_000_000 }), fc.integer({ min: 1, max: 6 })).map(([k, d]) => (k * 10 + 5) / 10 ** (d + 1));
    const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e16, max: 1e16 });
    const places = fc.integer({ min: 0, max: 4 });
    fc.assert(
      fc.property(fc.oneof(decimal, half, anyDouble), decimal, places, (a, b, d) => {
        for (const x of [a, a + b, a * 0.7, a * 0.3 + b * 0.7, a / 3, clean(a / 3)]) expect(roundHalfUp(x, d)).toBe(oracle(x, d));
      }),
      { numRuns: 3000, seed: SEED },
    );
  });
});
