import { describe, expect, it } from '@jest/globals';
import { checkSecurityChain, GENESIS_HASH, securityEventHash, type SecurityEventRow } from './security-log-hash.js';

function chain(n: number, startSeq = 1, prev = GENESIS_HASH): SecurityEventRow[] {
  const rows: SecurityEventRow[] = [];
  for (let seq = startSeq; seq < startSeq + n; seq++) {
    const r = {
      seq,
      kind: 'login.succeeded',
      occurred_at: `2026-03-02T02:00:0${seq % 10}.000Z`,
      actor_id: 'u1',
      actor_name: 'a|b',
      actor_role: 'admin',
      subject: 'user:u1',
      address: '127.0.0.1',
      details: '{}',
      prev_hash: prev,
    };
    const row = { ...r, hash: securityEventHash(r) };
    rows.push(row);
    prev = row.hash;
  }
  return rows;
}

describe('the security log chain', () => {
  it('verifies an intact chain and reports its head', () => {
    const rows = chain(5);
    expect(checkSecurityChain(rows, [])).toMatchObject({ ok: true, events: 5, startSeq: 1, head: { seq: 5, hash: rows[4]!.hash } });
  });

  it.each([
    ['a changed column', (rows: SecurityEventRow[]) => (rows[2] = { ...rows[2]!, address: '10.0.0.1' }), 'hash-mismatch', 3],
    ['a removed event', (rows: SecurityEventRow[]) => rows.splice(2, 1), 'seq-gap', 4],
    ['two swapped events', (rows: SecurityEventRow[]) => ([rows[1], rows[2]] = [rows[2]!, rows[1]!]), 'seq-gap', 3],
  ])('catches %s', (_what, tamper, kind, seq) => {
    const rows = chain(5);
    tamper(rows);
    const r = checkSecurityChain(rows, []);
    expect(r.ok).toBe(false);
    expect(r.breaks[0]).toMatchObject({ kind, seq });
  });

  it('hashes a JSON array, so moving a separator between columns changes the hash', () => {
    const base = {
      seq: 1,
      kind: 'k',
      occurred_at: 't',
      actor_id: null,
      actor_name: 'a|b',
      actor_role: 'c',
      subject: null,
      address: null,
      details: '{}',
      prev_hash: GENESIS_HASH,
    };
    expect(securityEventHash(base)).not.toBe(securityEventHash({ ...base, actor_name: 'a', actor_role: 'b|c' }));
  });

  it('starts after the last prune: the first kept event links to the recorded head', () => {
    const all = chain(6);
    const kept = all.slice(3);
    expect(checkSecurityChain(kept, [{ id: 1, through_seq: 3, through_hash: all[2]!.hash }])).toMatchObject({ ok: true, startSeq: 4, prunedThroughSeq: 3 });
    expect(checkSecurityChain(kept, [{ id: 1, through_seq: 3, through_hash: 'f'.repeat(64) }]).breaks[0]).toMatchObject({ kind: 'chain-break', seq: 4 });
    expect(checkSecurityChain(kept, []).breaks.map((b) => b.kind)).toEqual(['seq-gap', 'chain-break']);
  });
});
