import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { canonicalJson, eventHash, GENESIS_HASH } from './event-hash.js';

describe('event hash recipe', () => {
  it('sorts keys and drops whitespace so the same payload always gives the same text', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
  });
  it('is sha256 over the pipe-joined fields, reproducible by hand', () => {
    const f = { prevHash: GENESIS_HASH, taskId: 't1', seq: 1, type: 'task.created', occurredAt: '2026-01-01T00:00:00.000Z', payload: '{"a":1}' };
    const byHand = createHash('sha256')
      .update(`${'0'.repeat(64)}|t1|1|task.created|2026-01-01T00:00:00.000Z|{"a":1}`)
      .digest('hex');
    expect(eventHash(f)).toBe(byHand);
  });
  it('changes when any hashed field changes', () => {
    const f = { prevHash: GENESIS_HASH, taskId: 't1', seq: 1, type: 'x', occurredAt: 'y', payload: '{}' };
    const h = eventHash(f);
    for (const k of Object.keys(f) as (keyof typeof f)[]) {
      const g = { ...f, [k]: k === 'seq' ? 2 : `${f[k]}!` };
      expect(eventHash(g)).not.toBe(h);
    }
  });
});
