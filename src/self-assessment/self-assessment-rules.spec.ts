import { describe, expect, it } from '@jest/globals';
import { brokenLink, difference, eventHashOf, GENESIS, itemProblems, unscored, windowInstants, windowState } from './self-assessment-rules.js';

const carried = [
  { indicatorId: 'a', code: 'A1', points: 10 },
  { indicatorId: 'b', code: 'B1', points: 2.5 },
];

describe('windowInstants', () => {
  it('runs from 00:00 of the first day to 24:00 of the last, in the plan zone', () => {
    expect(windowInstants('2026-12-01', '2026-12-15', 'Asia/Shanghai')).toEqual({ opensAt: '2026-11-30T16:00:00.000Z', closesAt: '2026-12-15T16:00:00.000Z' });
  });
  it('takes a one-day window and refuses a closing day before the opening day', () => {
    expect(windowInstants('2026-12-01', '2026-12-01', 'Asia/Shanghai')).toEqual({ opensAt: '2026-11-30T16:00:00.000Z', closesAt: '2026-12-01T16:00:00.000Z' });
    expect(windowInstants('2026-12-02', '2026-12-01', 'Asia/Shanghai')).toEqual([expect.objectContaining({ field: 'closesOn' })]);
  });
});

describe('windowState', () => {
  const w = { opensAt: '2026-11-30T16:00:00.000Z', closesAt: '2026-12-15T16:00:00.000Z' };
  it('is not_set without a window, then not_open, open (from the opening instant) and closed (from the closing instant)', () => {
    expect(windowState(undefined, '2026-12-01T00:00:00.000Z')).toBe('not_set');
    expect(windowState(w, '2026-11-30T15:59:59.999Z')).toBe('not_open');
    expect(windowState(w, '2026-11-30T16:00:00.000Z')).toBe('open');
    expect(windowState(w, '2026-12-15T15:59:59.999Z')).toBe('open');
    expect(windowState(w, '2026-12-15T16:00:00.000Z')).toBe('closed');
  });
});

describe('itemProblems', () => {
  it('accepts scores from 0 to the points with two decimals, and null to clear', () => {
    expect(
      itemProblems(
        [
          { indicatorId: 'a', selfScore: 0 },
          { indicatorId: 'b', selfScore: 2.5 },
        ],
        carried,
      ),
    ).toEqual([]);
    expect(
      itemProblems(
        [
          { indicatorId: 'a', selfScore: 9.99 },
          { indicatorId: 'b', selfScore: null },
        ],
        carried,
      ),
    ).toEqual([]);
  });
  it('names each bad item: unknown indicator, twice, above points, negative, three decimals, long note', () => {
    const p = itemProblems(
      [
        { indicatorId: 'x', selfScore: 1 },
        { indicatorId: 'a', selfScore: 10.01 },
        { indicatorId: 'a', selfScore: -1 },
        { indicatorId: 'b', selfScore: 1.005 },
        { indicatorId: 'b', selfScore: 1, note: 'x'.repeat(2001) },
      ],
      carried,
    );
    expect(p.map((x) => x.field)).toEqual([
      'items[0].indicatorId',
      'items[1].selfScore',
      'items[2].indicatorId',
      'items[2].selfScore',
      'items[3].selfScore',
      'items[4].indicatorId',
      'items[4].note',
    ]);
  });
});

describe('unscored and difference', () => {
  it('lists indicators without a score; difference is self − assessed to two decimals, null when either is missing', () => {
    expect(unscored(carried, new Map([['a', 5]])).map((c) => c.code)).toEqual(['B1']);
    expect(
      unscored(
        carried,
        new Map([
          ['a', 0],
          ['b', null],
        ]),
      ).map((c) => c.code),
    ).toEqual(['B1']);
    expect(difference(9.5, 8.37)).toBe(1.13);
    expect(difference(7, 7.5)).toBe(-0.5);
    expect(difference(null, 3)).toBeNull();
    expect(difference(3, undefined)).toBeNull();
  });
});

describe('the event chain', () => {
  const chain = () => {
    let prev = GENESIS;
    return [1, 2, 3].map((seq) => {
      const e = {
        assessmentId: 'x',
        seq,
        type: 't',
        payload: { seq },
        actorUserId: 'u',
        actorRole: 'department',
        at: `2026-12-0${seq}T00:00:00.000Z`,
        prevHash: prev,
      };
      const hash = eventHashOf(e);
      prev = hash;
      return { ...e, payload: JSON.stringify(e.payload), hash };
    });
  };
  it('holds when untouched and names the first event whose payload, time or link changed', () => {
    expect(brokenLink(chain())).toBeNull();
    const a = chain();
    a[1]!.payload = '{"seq":9}';
    expect(brokenLink(a)).toBe(2);
    const b = chain();
    b[2]!.at = '2026-12-31T00:00:00.000Z';
    expect(brokenLink(b)).toBe(3);
    const c = chain();
    c.splice(1, 1);
    expect(brokenLink(c)).toBe(3);
  });
});
