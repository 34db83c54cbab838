import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { capRange, clean, fmt2, roundHalfUp, sum } from './numeric.js';

describe('numeric', () => {
  it('rounds half away from zero on the decimal value, not the binary one', () => {
    expect(fmt2(63 + 25.365)).toBe('88.37');
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

  it('roundHalfUp matches a string-based reference (12 significant digits, then half away from zero)', () => {
    const reference = (x: number): number => {
      const abs = Math.abs(x);
      const r = Number(`${Math.round(Number(`${Number(abs.toPrecision(12))}e2`))}e-2`);
      return x < 0 && r !== 0 ? -r : r;
    };
    const decimal = fc.tuple(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.integer({ min: 0, max: 4 })).map(([k, d]) => k / 10 ** d);
    fc.assert(
      fc.property(decimal, decimal, fc.constantFrom(0.7, 0.3, 0.15, 0.1, 0.75, 0.9, 1), (a, b, w) => {
        for (const x of [a, a + b, a * w, a * w + b * (1 - w), a / 3]) expect(roundHalfUp(x)).toBe(reference(x));
      }),
      { numRuns: 2000 },
    );
  });
});
