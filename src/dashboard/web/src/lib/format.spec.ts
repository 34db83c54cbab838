import { describe, expect, it } from '@jest/globals';
import { daysBetween, dueText, endOfShanghaiDay, formatDay, formatInstant, nodeDueDay, numberOrNull, shanghaiDate } from './format';

describe('zh-CN dates in Beijing time', () => {
  it('writes calendar dates as 年月日 without shifting them', () => {
    expect(formatDay('2026-06-30')).toBe('2026年6月30日');
    expect(formatDay(null)).toBe('—');
  });

  it('shows instants in Beijing time, not UTC', () => {
    expect(formatInstant('2026-06-30T15:59:59.000Z')).toBe('2026年6月30日 23:59');
    expect(formatInstant('2026-06-30T16:00:00.000Z', { seconds: true })).toBe('2026年7月1日 00:00:00');
    expect(shanghaiDate('2026-06-30T16:30:00Z')).toBe('2026-07-01');
  });

  it('counts days overdue and days left between calendar dates', () => {
    expect(daysBetween('2026-06-30', '2026-07-05')).toBe(5);
    expect(dueText('2026-06-30', '2026-07-05')).toBe('逾期 5 天');
    expect(dueText('2026-07-05', '2026-07-05')).toBe('今天到期');
    expect(dueText('2026-07-08', '2026-07-05')).toBe('剩余 3 天');
  });

  it('reads a node’s due day from its due instant, which an extension moves', () => {
    expect(nodeDueDay({ dueDate: '2026-11-27', dueAt: '2026-12-20T15:59:59.000Z' })).toBe('2026-12-20');
  });

  it('takes the end of a Beijing day for an as-of date', () => {
    expect(endOfShanghaiDay('2026-03-01').toISOString()).toBe('2026-03-01T15:59:59.999Z');
  });

  it('turns form fields into numbers or nothing', () => {
    expect(numberOrNull(6.3)).toBe(6.3);
    expect(numberOrNull(' 4 ')).toBe(4);
    expect(numberOrNull('')).toBeNull();
    expect(numberOrNull('abc')).toBeNull();
  });
});
