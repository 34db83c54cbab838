import { describe, expect, it } from '@jest/globals';
import { Progress } from './progress.js';

describe('Progress', () => {
  it('gives the event loop back once its slice is used up, so work queued meanwhile runs', async () => {
    const p = new Progress(undefined, 0);
    let ran = false;
    setImmediate(() => (ran = true));
    await p.step();
    expect(ran).toBe(true);
  });

  it('never yields with an endless slice (the one-turn baseline), and counts each phase from zero', async () => {
    const seen: string[] = [];
    const p = new Progress((x) => seen.push(`${x.phase}:${x.done}/${x.total}`), Infinity);
    let ran = false;
    setImmediate(() => (ran = true));
    p.begin('closing-tasks', 3);
    for (let i = 0; i < 3; i++) await p.step();
    expect(ran).toBe(false);
    expect([p.phase, p.done, p.total]).toEqual(['closing-tasks', 3, 3]);
    p.begin('scoring-tasks', 2);
    expect([p.done, p.total]).toEqual([0, 2]);
    expect(seen).toEqual(['closing-tasks:0/3', 'scoring-tasks:0/2']);
  });
});
