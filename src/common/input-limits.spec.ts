import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from './fc-seed.js';
import { BODY_LIMITS, checkShape, findNul, scanJson, type ShapeLimits } from './input-limits.js';

/** Seeded from DUBAN_FC_SEED (printed in the test name) so a failure replays. */
const SEED = fcSeed('input-limits.spec.ts');
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('scanJson bounds a body before it is parsed', () => {
  const small: ShapeLimits = { maxDepth: 4, maxKeys: 3, maxItems: 4, maxNodes: 12 };

  it('passes what is within every limit and names the limit crossed', () => {
    expect(scanJson(bytes({ a: 1, b: [1, 2, { c: 'x:,{[' }] }), small)).toBeNull();
    expect(scanJson(bytes({ a: 1, b: 2, c: 3, d: 4 }), small)).toMatchObject({ limit: 3, reason: expect.stringContaining('keys') });
    expect(scanJson(bytes([1, 2, 3, 4, 5]), small)).toMatchObject({ limit: 4 });
    expect(scanJson(bytes([[[[[1]]]]]), small)).toMatchObject({ limit: 4, reason: expect.stringContaining('deeper') });
    expect(scanJson(Buffer.from('{"a\\":{{{{{":1}'), small)).toBeNull(); // braces inside an escaped string are text
  });

  it('stops early on a 100,000-key body', () => {
    const o: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) o[`k${i}`] = i;
    expect(scanJson(bytes(o), BODY_LIMITS)).toMatchObject({ limit: BODY_LIMITS.maxKeys });
    expect(scanJson(Buffer.from('['.repeat(5000) + ']'.repeat(5000)), BODY_LIMITS)).toMatchObject({ limit: BODY_LIMITS.maxDepth });
  });

  it(`agrees with the walk over the parsed value on any JSON (seed ${SEED}, DUBAN_FC_SEED replays)`, () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const parsed: unknown = JSON.parse(JSON.stringify(v));
        expect(scanJson(bytes(v), small) === null).toBe(checkShape(parsed, small) === null);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });
});

describe('findNul names the first string holding U+0000', () => {
  it('in a value, an array item or a key; null when there is none', () => {
    expect(findNul({ a: 'x', b: [1, 'y', { c: 'z' }] })).toBeNull();
    expect(findNul({ a: { b: ['ok', 'n\u0000'] } })).toMatchObject({ field: 'body.a.b[1]', reason: expect.stringContaining('NUL') });
    expect(findNul({ ['k\u0000']: 1 }, 'query')).toMatchObject({ field: 'query', reason: expect.stringContaining('key') });
    expect(findNul('a\u0000', 'path')).toMatchObject({ field: 'path' });
    expect(findNul({ id: 'x\u0000' }, 'path')).toMatchObject({ field: 'path.id' });
  });
});
