/**
 * The Merkle tree of the transparency log, RFC 6962 §2.1 / RFC 9162 §2.1. Pure: no database, no clock.
 *
 *   leaf hash  = SHA-256(0x00 || leaf data)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256()                                   (the empty tree)
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n
 *
 * Every range the recursion visits starts at a multiple of its own largest power of two, so it is either a
 * complete, aligned subtree (2^level leaves starting at index·2^level) or splits into one. A `SubtreeSource`
 * hands out the hashes of complete subtrees; roots and proofs then need O(log² n) of them at most and never
 * read every leaf. `MemoryTree` keeps every level in memory; the log's repository keeps them in a table.
 *
 * Proofs: inclusion PATH(m, D[n]) (RFC 6962 §2.1.1) and consistency PROOF(m, D[n]) (§2.1.2), verified with the
 * algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 (which are what docs/verify-log-proofs.sh does in shell).
 */
import { createHash } from 'node:crypto';

export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

export function sha256(...parts: Buffer[]): Hash {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function leafHash(data: Buffer | string): Hash {
  return sha256(LEAF_PREFIX, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return sha256(NODE_PREFIX, left, right);
}

export const EMPTY_ROOT: Hash = sha256();

/** The largest power of two strictly less than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** Hashes of complete subtrees: level 0 are the leaf hashes; (level, index) covers leaves [index·2^level, (index+1)·2^level). */
export interface SubtreeSource {
  subtree(level: number, index: number): Hash;
}

export interface SubtreeKey {
  level: number;
  index: number;
}

/** A range [start, start+size) of a tree, as the complete subtrees whose hashes give its MTH. */
function rangeKeys(start: number, size: number, out: SubtreeKey[]): void {
  if (isPowerOfTwo(size)) {
    const level = Math.log2(size);
    out.push({ level, index: start / size });
    return;
  }
  const k = splitPoint(size);
  rangeKeys(start, k, out);
  rangeKeys(start + k, size - k, out);
}

/** Fold the complete subtrees of a range (in rangeKeys order) into its MTH. */
function foldRange(size: number, hashes: Hash[], at: { i: number }): Hash {
  if (isPowerOfTwo(size)) return hashes[at.i++];
  const k = splitPoint(size);
  const left = foldRange(k, hashes, at);
  const right = foldRange(size - k, hashes, at);
  return nodeHash(left, right);
}

/** MTH(D[start:start+size]) from complete subtrees. */
export function rangeHash(src: SubtreeSource, start: number, size: number): Hash {
  if (size === 0) return EMPTY_ROOT;
  const keys: SubtreeKey[] = [];
  rangeKeys(start, size, keys);
  return foldRange(
    size,
    keys.map((k) => src.subtree(k.level, k.index)),
    { i: 0 },
  );
}

export function rootOf(src: SubtreeSource, size: number): Hash {
  return rangeHash(src, 0, size);
}

/**
 * A proof as a plan: the ranges whose MTHs make up the proof, in proof order. Resolving the plan against a
 * source gives the proof; the plan alone tells which subtrees to fetch (one query on the database).
 */
export type ProofPlan = { start: number; size: number }[];

/** RFC 6962 §2.1.1 PATH(m, D[start:start+n]) as ranges. */
function pathPlan(m: number, start: number, n: number, out: ProofPlan): void {
  if (n <= 1) return;
  const k = splitPoint(n);
  if (m < k) {
    pathPlan(m, start, k, out);
    out.push({ start: start + k, size: n - k });
  } else {
    pathPlan(m - k, start + k, n - k, out);
    out.push({ start, size: k });
  }
}

/** RFC 6962 §2.1.2 SUBPROOF(m, D[start:start+n], b) as ranges. */
function subproofPlan(m: number, start: number, n: number, b: boolean, out: ProofPlan): void {
  if (m === n) {
    if (!b) out.push({ start, size: n });
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproofPlan(m, start, k, b, out);
    out.push({ start: start + k, size: n - k });
  } else {
    subproofPlan(m - k, start + k, n - k, false, out);
    out.push({ start, size: k });
  }
}

export function inclusionPlan(index: number, size: number): ProofPlan {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) throw new RangeError(`no leaf ${index} in a tree of size ${size}`);
  const out: ProofPlan = [];
  pathPlan(index, 0, size, out);
  return out;
}

export function consistencyPlan(first: number, second: number): ProofPlan {
  if (!Number.isInteger(first) || !Number.isInteger(second) || first < 0 || first > second)
    throw new RangeError(`no consistency proof from size ${first} to ${second}`);
  const out: ProofPlan = [];
  if (first === 0 || first === second) return out;
  subproofPlan(first, 0, second, true, out);
  return out;
}

/** The complete subtrees a plan needs (deduplicated, in first-use order). */
export function planKeys(plan: ProofPlan): SubtreeKey[] {
  const keys: SubtreeKey[] = [];
  for (const r of plan) rangeKeys(r.start, r.size, keys);
  return keys;
}

/** Resolve a plan with the hashes of planKeys(plan), in that order. */
export function resolvePlan(plan: ProofPlan, hashes: Hash[]): Hash[] {
  const at = { i: 0 };
  return plan.map((r) => foldRange(r.size, hashes, at));
}

export function inclusionProof(src: SubtreeSource, index: number, size: number): Hash[] {
  const plan = inclusionPlan(index, size);
  return resolvePlan(
    plan,
    planKeys(plan).map((k) => src.subtree(k.level, k.index)),
  );
}

export function consistencyProof(src: SubtreeSource, first: number, second: number): Hash[] {
  const plan = consistencyPlan(first, second);
  return resolvePlan(
    plan,
    planKeys(plan).map((k) => src.subtree(k.level, k.index)),
  );
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf with hash `leaf` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (first, firstRoot) is a prefix of (second, secondRoot)? */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: readonly Hash[]): boolean {
  if (!Number.isInteger(first) || !Number.isInteger(second) || first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0 && firstRoot.equals(EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = [...proof];
  if (isPowerOfTwo(first)) path.unshift(firstRoot);
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/**
 * Append-only tree in memory: every complete subtree of every level. Appending a leaf computes the
 * subtrees it completes (on average one node hash per leaf). `completed` tells a store what to persist.
 */
export class MemoryTree implements SubtreeSource {
  readonly levels: Hash[][] = [[]];

  get size(): number {
    return this.levels[0].length;
  }

  /** Append a leaf hash; returns the complete subtrees it finished, level 0 (the leaf) first. */
  append(leaf: Hash): { level: number; index: number; hash: Hash }[] {
    const done = [{ level: 0, index: this.levels[0].length, hash: leaf }];
    this.levels[0].push(leaf);
    let level = 0;
    let index = this.levels[0].length - 1;
    let h = leaf;
    while (index % 2 === 1) {
      h = nodeHash(this.levels[level][index - 1], h);
      level++;
      index = (index - 1) / 2;
      (this.levels[level] ??= []).push(h);
      done.push({ level, index, hash: h });
    }
    return done;
  }

  subtree(level: number, index: number): Hash {
    const h = this.levels[level]?.[index];
    if (!h) throw new RangeError(`no complete subtree at level ${level}, index ${index}`);
    return h;
  }

  root(size = this.size): Hash {
    return rootOf(this, size);
  }
}

/**
 * The right-edge ("frontier") of a tree: the roots of its complete subtrees from the left, largest first.
 * What an appender needs to know to continue a tree: each new leaf combines with the frontier's tail.
 */
export function frontierKeys(size: number): SubtreeKey[] {
  const keys: SubtreeKey[] = [];
  let start = 0;
  for (let level = 52; level >= 0; level--) {
    const w = 2 ** level;
    if (size - start >= w) {
      keys.push({ level, index: start / w });
      start += w;
    }
  }
  return keys;
}
