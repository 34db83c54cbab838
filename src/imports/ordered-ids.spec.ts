import { describe, expect, it } from '@jest/globals';
import { OrderedIds } from './ordered-ids.js';

describe('OrderedIds (ids of what an import creates)', () => {
  it('are version 7 UUIDs that sort in the order they were made, past 4096 per millisecond', () => {
    const g = new OrderedIds(Date.parse('2026-03-02T02:00:00.000Z'));
    const ids = Array.from({ length: 10_000 }, () => g.next());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(parseInt(ids[0]!.replace('-', '').slice(0, 12), 16)).toBe(Date.parse('2026-03-02T02:00:00.000Z'));
  });

  it('two generators started in the same millisecond do not collide', () => {
    const a = new OrderedIds(0);
    const b = new OrderedIds(0);
    const all = new Set(Array.from({ length: 2000 }, () => [a.next(), b.next()]).flat());
    expect(all.size).toBe(4000);
  });
});
