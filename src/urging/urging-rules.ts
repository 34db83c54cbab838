/**
 * Escalation rules (催办规则) as data, and when each fires (pure). A rule says: at 00:00 of the working
 * day `offsetWorkingDays` from a node's due day (negative: before; 0: the due day; positive: after), a
 * node that is still unsubmitted gets a notice of `level`; a 督办 asks for a reply within
 * `replyWorkingDays` working days. Each rule fires once per node (the notice's key is `rule:<level>`).
 */
import { dueInstant, type WorkingCalendar } from '../deadlines/calendar/index.js';
import { DateTime } from 'luxon';

export const LEVELS = ['remind', 'urge', 'supervise'] as const;
export type UrgingLevel = (typeof LEVELS)[number];
export const LEVEL_LABELS: Record<UrgingLevel, string> = { remind: '提醒', urge: '催办', supervise: '督办' };
/** How pages show them: blue → orange → red. */
export const LEVEL_COLOURS: Record<UrgingLevel, string> = { remind: 'blue', urge: 'orange', supervise: 'red' };

export interface UrgingRule {
  level: UrgingLevel;
  offsetWorkingDays: number;
  /** 督办 only: working days to reply, from the day it is issued (default 3). */
  replyWorkingDays?: number;
}

/** The usual rules: 提醒 three working days before, 催办 on the due day, 督办 two working days after. */
export const DEFAULT_RULES: UrgingRule[] = [
  { level: 'remind', offsetWorkingDays: -3 },
  { level: 'urge', offsetWorkingDays: 0 },
  { level: 'supervise', offsetWorkingDays: 2, replyWorkingDays: 3 },
];

/** Every problem with a rule list, each naming `rules[i].field`. */
export function rulesProblems(rules: unknown): { field: string; reason: string }[] {
  if (!Array.isArray(rules) || rules.length === 0)
    return [{ field: 'rules', reason: 'must be a non-empty array of { level, offsetWorkingDays, replyWorkingDays? }' }];
  const problems: { field: string; reason: string }[] = [];
  const seen = new Set<string>();
  rules.forEach((r: unknown, i) => {
    const at = `rules[${i}]`;
    if (typeof r !== 'object' || r === null) return void problems.push({ field: at, reason: 'must be an object' });
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!['level', 'offsetWorkingDays', 'replyWorkingDays'].includes(k)) problems.push({ field: `${at}.${k}`, reason: 'unknown field' });
    if (!LEVELS.includes(o.level as UrgingLevel)) problems.push({ field: `${at}.level`, reason: `must be one of ${LEVELS.join(', ')}` });
    else if (seen.has(o.level as string)) problems.push({ field: `${at}.level`, reason: `${String(o.level)} is given twice: each level fires once per node` });
    else seen.add(o.level as string);
    if (!Number.isInteger(o.offsetWorkingDays) || Math.abs(o.offsetWorkingDays as number) > 60)
      problems.push({ field: `${at}.offsetWorkingDays`, reason: 'must be a whole number of working days within ±60' });
    if (
      o.replyWorkingDays !== undefined &&
      (!Number.isInteger(o.replyWorkingDays) || (o.replyWorkingDays as number) < 1 || (o.replyWorkingDays as number) > 30)
    ) {
      problems.push({ field: `${at}.replyWorkingDays`, reason: 'must be a whole number of working days from 1 to 30' });
    }
  });
  return problems;
}

/** The instant a rule fires for a node due on `dueDate` (civil date in the plan's zone): 00:00 of that working day. */
export function fireInstant(rule: UrgingRule, dueDate: string, calendar: WorkingCalendar, timezone: string): string {
  const day = rule.offsetWorkingDays === 0 ? dueDate : calendar.addWorkingDays(dueDate, rule.offsetWorkingDays);
  return DateTime.fromISO(day, { zone: timezone }).startOf('day').toUTC().toISO()!;
}

/** A 督办's reply-by instant: the end of the N-th working day after the day it was issued. */
export function replyByInstant(issuedAt: string, workingDays: number, calendar: WorkingCalendar, timezone: string): string {
  const day = DateTime.fromISO(issuedAt, { zone: 'utc' }).setZone(timezone).toISODate()!;
  return dueInstant(calendar.addWorkingDays(day, workingDays), timezone);
}

export function defaultText(
  level: UrgingLevel,
  p: { indicatorName: string; seq: number; dueDate: string; daysOverdue: number; replyBy?: string | null },
): string {
  const node = `“${p.indicatorName}”第${p.seq}个节点`;
  if (level === 'remind') return `【提醒】${node}将于${p.dueDate}到期，请按时报送证明材料。`;
  if (level === 'urge')
    return p.daysOverdue > 0
      ? `【催办】${node}已逾期${p.daysOverdue}天，尚未报送证明材料，请抓紧办理。`
      : `【催办】${node}今日到期，尚未报送证明材料，请抓紧办理。`;
  return `【督办】${node}已逾期${p.daysOverdue}天，请于${p.replyBy ?? '规定时间'}前书面说明原因并报送整改情况。`;
}
