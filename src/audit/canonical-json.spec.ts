import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../common/fc-seed.js';
import { canonicalJson, referenceCanonicalize } from './event-hash.js';

// Every fc.assert in this file runs on one seed, printed; DUBAN_FC_SEED replays it.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fcSeed('canonical-json.spec.ts') });

describe('canonicalJson (the hash recipe’s canonical payload text)', () => {
  it('is byte for byte what the canonicalize package returns, for any JSON-like value', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'grapheme' }),
        fc.constant(undefined),
        fc.array(tie('any'), { maxLength: 5 }),
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('any'), { maxKeys: 6 }),
        fc.date({ noInvalidDate: true }),
      ),
    })).any;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v === undefined ? null : v)).toBe(referenceCanonicalize(v === undefined ? null : v));
      }),
      { numRuns: 3000 },
    );
  });

  it('throws on NaN and Infinity like the package', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(/Infinity/);
  });
});
