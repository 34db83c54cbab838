import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { fcSeed } from '../common/fc-seed.js';
import {
  consistencyProof,
  EMPTY_ROOT,
  frontierKeys,
  inclusionProof,
  leafHash,
  MemoryTree,
  nodeHash,
  rootOf,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from './merkle-tree.js';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fcSeed('merkle-tree.spec.ts') });

// Reference: RFC 6962 §2.1 written out literally over the leaf data, no subtree store.
const sha = (...b: Buffer[]) => createHash('sha256').update(Buffer.concat(b)).digest();
function mth(d: Buffer[]): Hash {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.from([0]), d[0]);
  const k = splitPoint(d.length);
  return sha(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: Buffer[]): Hash[] {
  if (d.length <= 1) return [];
  const k = splitPoint(d.length);
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}
function subproof(m: number, d: Buffer[], b: boolean): Hash[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = splitPoint(d.length);
  return m <= k ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))] : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

const data = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i}`));
function treeOf(d: Buffer[]): MemoryTree {
  const t = new MemoryTree();
  for (const x of d) t.append(leafHash(x));
  return t;
}
function flip(b: Buffer, byte: number, bit: number): Buffer {
  const c = Buffer.from(b);
  c[byte % c.length] ^= 1 << bit;
  return c;
}

describe('Merkle tree hashing (RFC 6962 §2.1)', () => {
  it('hashes a leaf as SHA-256(0x00 || data) and a node as SHA-256(0x01 || left || right)', () => {
    const a = Buffer.from('a');
    expect(leafHash(a).toString('hex')).toBe(sha(Buffer.from([0]), a).toString('hex'));
    expect(nodeHash(leafHash(a), leafHash(a)).toString('hex')).toBe(sha(Buffer.from([1]), leafHash(a), leafHash(a)).toString('hex'));
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('gives the RFC 6962 test vectors of the certificate-transparency reference (8 leaves)', () => {
    // Leaves and roots from google/certificate-transparency's merkle_tree_test.cc.
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const t = treeOf(leaves);
    roots.forEach((r, i) => expect(t.root(i + 1).toString('hex')).toBe(r));
  });

  it('computes every root from stored complete subtrees as the literal recursion does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (n) => {
        const d = data(n);
        expect(rootOf(treeOf(d), n).equals(mth(d))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('lists the frontier of a tree as its complete subtrees from the left, largest first', () => {
    expect(frontierKeys(0)).toEqual([]);
    expect(frontierKeys(13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
  });
});

describe('inclusion proofs (RFC 6962 §2.1.1, verified as RFC 9162 §2.1.3.2)', () => {
  it('are the literal PATH(m, D[n]) and verify, for every leaf of random sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (n, m0) => {
        const m = m0 % n;
        const d = data(n);
        const t = treeOf(d);
        const proof = inclusionProof(t, m, n);
        expect(proof.map((h) => h.toString('hex'))).toEqual(path(m, d).map((h) => h.toString('hex')));
        expect(verifyInclusion(leafHash(d[m]), m, n, proof, t.root(n))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('fail when any one byte of the proof, the leaf or the root is flipped, or the index or size is wrong', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (n, m0, which, byte, bit) => {
        const m = m0 % n;
        const t = treeOf(data(n));
        const leaf = t.subtree(0, m);
        const root = t.root(n);
        const proof = inclusionProof(t, m, n);
        const slot = which % (proof.length + 2);
        if (slot < proof.length) {
          const bad = proof.map((p, i) => (i === slot ? flip(p, byte, bit) : p));
          expect(verifyInclusion(leaf, m, n, bad, root)).toBe(false);
        } else if (slot === proof.length) {
          expect(verifyInclusion(flip(leaf, byte, bit), m, n, proof, root)).toBe(false);
        } else {
          expect(verifyInclusion(leaf, m, n, proof, flip(root, byte, bit))).toBe(false);
        }
        expect(verifyInclusion(leaf, (m + 1) % n, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, m, n, proof.slice(0, -1), root)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuse a leaf outside the tree', () => {
    const t = treeOf(data(5));
    expect(() => inclusionProof(t, 5, 5)).toThrow(RangeError);
    expect(verifyInclusion(t.subtree(0, 0), 5, 5, [], t.root())).toBe(false);
  });
});

describe('consistency proofs (RFC 6962 §2.1.2, verified as RFC 9162 §2.1.4.2)', () => {
  it('are the literal PROOF(m, D[n]) and verify, for random sizes m ≤ n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (n, m0) => {
        const m = (m0 % n) + 1;
        const d = data(n);
        const t = treeOf(d);
        const proof = consistencyProof(t, m, n);
        expect(proof.map((h) => h.toString('hex'))).toEqual((m === n ? [] : subproof(m, d, true)).map((h) => h.toString('hex')));
        expect(verifyConsistency(m, n, t.root(m), t.root(n), proof)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('fail when any one byte of the proof or either root is flipped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (n, m0, which, byte, bit) => {
        const m = (m0 % (n - 1)) + 1; // 1 ≤ m < n
        const t = treeOf(data(n));
        const r1 = t.root(m);
        const r2 = t.root(n);
        const proof = consistencyProof(t, m, n);
        const slot = which % (proof.length + 2);
        if (slot < proof.length) {
          expect(
            verifyConsistency(
              m,
              n,
              r1,
              r2,
              proof.map((p, i) => (i === slot ? flip(p, byte, bit) : p)),
            ),
          ).toBe(false);
        } else if (slot === proof.length) {
          expect(verifyConsistency(m, n, flip(r1, byte, bit), r2, proof)).toBe(false);
        } else {
          expect(verifyConsistency(m, n, r1, flip(r2, byte, bit), proof)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fail for a tree whose history was rewritten: the old root is not a prefix of the new tree', () => {
    const d = data(20);
    const old = treeOf(d.slice(0, 11));
    const rewritten = treeOf([...d.slice(0, 4), Buffer.from('forged'), ...d.slice(5)]);
    expect(verifyConsistency(11, 20, old.root(), rewritten.root(), consistencyProof(rewritten, 11, 20))).toBe(false);
    const honest = treeOf(d);
    expect(verifyConsistency(11, 20, old.root(), honest.root(), consistencyProof(honest, 11, 20))).toBe(true);
  });

  it('from the empty tree or to the same size need no proof', () => {
    const t = treeOf(data(6));
    expect(consistencyProof(t, 0, 6)).toEqual([]);
    expect(verifyConsistency(0, 6, EMPTY_ROOT, t.root(), [])).toBe(true);
    expect(verifyConsistency(6, 6, t.root(), t.root(), [])).toBe(true);
    expect(verifyConsistency(6, 6, t.root(), t.root(5), [])).toBe(false);
  });
});
