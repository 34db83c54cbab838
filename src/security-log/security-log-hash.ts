import { canonicalJson, GENESIS_HASH, sha256Hex } from '../audit/event-hash.js';

export { GENESIS_HASH };

/** A security event as stored (snake_case columns). */
export interface SecurityEventRow {
  seq: number;
  kind: string;
  occurred_at: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  subject: string | null;
  address: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/**
 * The recipe (README "Security log"): hex(sha256(utf8(canonicalJson([prev_hash, seq, kind, occurred_at,
 * actor_id, actor_name, actor_role, subject, address, details])))) — every column but the hash itself,
 * nulls as null, details as its stored text. A JSON array, so no value can be confused with a separator.
 */
export function securityEventHash(r: Omit<SecurityEventRow, 'hash'>): string {
  return sha256Hex(canonicalJson([r.prev_hash, r.seq, r.kind, r.occurred_at, r.actor_id, r.actor_name, r.actor_role, r.subject, r.address, r.details]));
}

export interface SecurityChainBreak {
  seq: number;
  kind: 'hash-mismatch' | 'chain-break' | 'seq-gap' | 'prune-record';
  message: string;
}

export interface SecurityChainReport {
  ok: boolean;
  /** Events checked (those still kept). */
  events: number;
  /** The first kept event and the hash it must link to (the last prune's head, or the genesis). */
  startSeq: number;
  startPrevHash: string;
  head: { seq: number; hash: string } | null;
  prunedThroughSeq: number;
  breaks: SecurityChainBreak[];
}

export interface PruneRow {
  id: number;
  through_seq: number;
  through_hash: string;
}

/**
 * Walk the kept events in seq order from the latest prune's head (or seq 1 from the genesis hash): each hash
 * recomputed, each prev_hash the previous hash, no seq skipped. Prune records must move forward. Pure.
 */
export function checkSecurityChain(rows: Iterable<SecurityEventRow>, prunes: PruneRow[], maxBreaks = 100): SecurityChainReport {
  const breaks: SecurityChainBreak[] = [];
  const push = (b: SecurityChainBreak) => {
    if (breaks.length < maxBreaks) breaks.push(b);
  };
  let lastThrough = 0;
  for (const p of prunes) {
    if (p.through_seq < lastThrough)
      push({ seq: p.through_seq, kind: 'prune-record', message: `prune #${p.id} goes back to seq ${p.through_seq} after ${lastThrough}` });
    lastThrough = Math.max(lastThrough, p.through_seq);
  }
  const lastPrune = prunes.length ? prunes.reduce((a, b) => (b.through_seq >= a.through_seq ? b : a)) : undefined;
  const startSeq = lastPrune ? lastPrune.through_seq + 1 : 1;
  const startPrevHash = lastPrune ? lastPrune.through_hash : GENESIS_HASH;
  let expectedSeq = startSeq;
  let prev = startPrevHash;
  let head: SecurityChainReport['head'] = null;
  let events = 0;
  for (const r of rows) {
    events++;
    if (r.seq !== expectedSeq) push({ seq: r.seq, kind: 'seq-gap', message: `expected seq ${expectedSeq}, found ${r.seq}: events are missing` });
    if (r.prev_hash !== prev) push({ seq: r.seq, kind: 'chain-break', message: `prev_hash does not equal the hash before it (${prev.slice(0, 12)}…)` });
    if (securityEventHash(r) !== r.hash) push({ seq: r.seq, kind: 'hash-mismatch', message: 'the stored hash does not match the event: a column was changed' });
    prev = r.hash;
    expectedSeq = r.seq + 1;
    head = { seq: r.seq, hash: r.hash };
  }
  return { ok: breaks.length === 0, events, startSeq, startPrevHash, head, prunedThroughSeq: lastPrune?.through_seq ?? 0, breaks };
}
