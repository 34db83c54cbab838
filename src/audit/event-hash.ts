import { hash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

/** prev_hash of a task's first event. */
export const GENESIS_HASH = '0'.repeat(64);

const canonicalize = canonicalizeModule as unknown as (v: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON: sorted keys, no spaces, ECMAScript number formatting. */
export function canonicalJson(value: unknown): string {
  const text = fastCanonical(value);
  if (text === undefined) throw new Error('value cannot be canonicalized');
  return text;
}

/** The `canonicalize` package's own algorithm, kept for reference and for the equality test. */
export const referenceCanonicalize = canonicalize;

/**
 * Byte for byte what `canonicalize` (the package) returns, without its reduce-and-template string building
 * (a third of a bulk import's payload cost). Same rules, same order: NaN/Infinity throw; null and
 * primitives through JSON.stringify; toJSON applied; in arrays undefined/symbols become null; in objects
 * undefined/symbol members are skipped and keys sorted by UTF-16 code units. Checked against the package
 * on random values in canonical-json.spec.ts.
 */
function fastCanonical(value: unknown): string | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (toJSON instanceof Function) return fastCanonical(toJSON.call(value));
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i > 0) out += ',';
      out += `${fastCanonical(v === undefined || typeof v === 'symbol' ? null : v)}`;
    }
    return `${out}]`;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = o[k];
    if (v === undefined || typeof v === 'symbol') continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(k)}:${fastCanonical(v)}`;
  }
  return `${out}}`;
}

export interface HashedFields {
  prevHash: string;
  taskId: string;
  seq: number;
  type: string;
  occurredAt: string;
  /** The stored canonical payload text, exactly as in the database. */
  payload: string;
}

/** Lowercase hex sha256 of a string's UTF-8 bytes (one-shot `crypto.hash`: ~2.5× faster than createHash for short texts). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The chain recipe (README "Audit: the hash recipe"):
 *   hash = hex(sha256(utf8(prev_hash "|" task_id "|" seq "|" type "|" occurred_at "|" payload)))
 * seq in decimal; occurred_at as stored (ISO-8601 UTC with milliseconds); payload the stored text.
 */
export function eventHash(f: HashedFields): string {
  return sha256Hex(`${f.prevHash}|${f.taskId}|${f.seq}|${f.type}|${f.occurredAt}|${f.payload}`);
}
