import { describe, expect, it } from '@jest/globals';
import { DeadlinesService } from './deadlines.service.js';

describe('DeadlinesService', () => {
  const d = new DeadlinesService();
  it('puts a due day at 23:59:59 Beijing time', () => {
    expect(d.dueAt('2026-06-30', 'Asia/Shanghai')).toBe('2026-06-30T15:59:59.000Z');
  });
  it('warns 3 working days before a Monday due day: the previous Wednesday at 00:00 Beijing', () => {
    expect(d.warnAt('2026-03-16', 'Asia/Shanghai', 3)).toBe('2026-03-10T16:00:00.000Z');
  });
  it('skips the National Day holiday and counts the make-up working day (2026-10-10, a Saturday)', () => {
    // Due Monday 2026-10-12. Working days before it: Sat 10-10 (make-up day), then Fri 10-09 → warn at Fri 00:00.
    // Without the make-up day it would be Thu 10-08.
    const warn = d.warnAt('2026-10-12', 'Asia/Shanghai', 2);
    expect(warn).toBe('2026-10-08T16:00:00.000Z');
  });
  it('takes an explicit warn day as the start of that day', () => {
    expect(d.warnAt('2026-06-30', 'Asia/Shanghai', 3, '2026-06-20')).toBe('2026-06-19T16:00:00.000Z');
  });
});
