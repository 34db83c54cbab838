import { describe, expect, it } from '@jest/globals';
import { loadWorkingCalendar } from '../deadlines/calendar/index.js';
import { DEFAULT_RULES, defaultText, fireInstant, replyByInstant, rulesProblems } from './urging-rules.js';

const calendar = loadWorkingCalendar();
const TZ = 'Asia/Shanghai';

describe('escalation rules', () => {
  it('fire at 00:00 Beijing time of the working day −3 / 0 / +2 from the due day, skipping holidays', () => {
    // Due Thursday 2026-10-08 (the first working day after National Day 10-01…10-07; 10-10 is a make-up Saturday).
    expect(DEFAULT_RULES.map((r) => fireInstant(r, '2026-10-08', calendar, TZ))).toEqual([
      '2026-09-27T16:00:00.000Z', // 提醒: Mon 09-28 (09-29, 09-30, then 10-08)
      '2026-10-07T16:00:00.000Z', // 催办: the due day 10-08
      '2026-10-09T16:00:00.000Z', // 督办: 10-09 (Fri), 10-10 (make-up Saturday)
    ]);
  });

  it('give a 督办 until the end of the N-th working day after it was issued', () => {
    expect(replyByInstant('2026-03-16T16:00:00.000Z', 3, calendar, TZ)).toBe('2026-03-20T15:59:59.000Z');
  });

  it('refuse a malformed list naming each field', () => {
    expect(rulesProblems([])).toEqual([expect.objectContaining({ field: 'rules' })]);
    expect(
      rulesProblems([
        { level: 'urge', offsetWorkingDays: 0.5 },
        { level: 'urge', offsetWorkingDays: 1, colour: 'x' },
        { level: 'supervise', offsetWorkingDays: 2, replyWorkingDays: 0 },
      ]).map((p) => p.field),
    ).toEqual(['rules[0].offsetWorkingDays', 'rules[1].colour', 'rules[1].level', 'rules[2].replyWorkingDays']);
    expect(rulesProblems(DEFAULT_RULES)).toEqual([]);
  });

  it('write the standard texts in Chinese', () => {
    expect(defaultText('remind', { indicatorName: '招商引资', seq: 2, dueDate: '2026-06-30', daysOverdue: 0 })).toBe(
      '【提醒】“招商引资”第2个节点将于2026-06-30到期，请按时报送证明材料。',
    );
    expect(defaultText('supervise', { indicatorName: '招商引资', seq: 2, dueDate: '2026-06-30', daysOverdue: 4, replyBy: '2026年7月7日' })).toContain(
      '已逾期4天，请于2026年7月7日前书面说明原因',
    );
  });
});
