/** zh-CN labels and Asia/Shanghai dates. Pure: no DOM, no Vue (unit-tested in format.spec.ts). */
import { EVENT_ZH, METHOD_ZH, NODE_STATUS_ZH, PLAN_STATUS_ZH, ROLE_ZH, TASK_STATE_ZH, UNIT_KIND_ZH } from '../../../../common/zh-labels';

export const TIME_ZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;

export const LIGHT_LABEL: Record<string, string> = { green: '绿灯', yellow: '黄灯', red: '红灯' };

// The names of states, events and roles come from the server's own table (src/common/zh-labels.ts),
// which its error messages use too: a page and an error say the same word for the same thing.
export const STATE_LABEL: Record<string, string> = TASK_STATE_ZH;
export const NODE_STATUS_LABEL: Record<string, string> = NODE_STATUS_ZH;
export const ROLE_LABEL: Record<string, string> = ROLE_ZH;
export const EVENT_LABEL: Record<string, string> = EVENT_ZH;
export const PLAN_STATUS_LABEL: Record<string, string> = PLAN_STATUS_ZH;
export const UNIT_KIND_LABEL: Record<string, string> = UNIT_KIND_ZH;
export const METHOD_LABEL: Record<string, string> = METHOD_ZH;

export const PROGRESS_LABEL: Record<string, string> = { ...STATE_LABEL };
export const EXTENSION_LABEL: Record<string, string> = { none: '无延期申请', requested: '延期待审批' };

const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const partsFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** "2026年6月30日" for a calendar date (YYYY-MM-DD, already in the plan's zone). */
export function formatDay(isoDate: string | null | undefined): string {
  if (!isoDate) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return isoDate;
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

const dateTimeSecondsFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** "2026年6月30日 23:59" (or with seconds, for the audit trail) for an instant, in Beijing time. */
export function formatInstant(iso: string | null | undefined, opts: { seconds?: boolean } = {}): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (opts.seconds ? dateTimeSecondsFmt : dateTimeFmt).format(d);
}

/** "2026年6月30日" for an instant, in Beijing time. */
export function formatInstantDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFmt.format(d);
}

/** The calendar date (YYYY-MM-DD) of an instant in Beijing time. */
export function shanghaiDate(at: Date | string): string {
  return partsFmt.format(typeof at === 'string' ? new Date(at) : at);
}

/** Whole days from calendar date `from` to calendar date `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** "逾期 5 天" / "今天到期" / "剩余 3 天" for a due date seen from `today` (both calendar dates). */
export function dueText(dueDate: string | null, today: string): string {
  if (!dueDate) return '—';
  const left = daysBetween(today, dueDate);
  if (left < 0) return `逾期 ${-left} 天`;
  if (left === 0) return '今天到期';
  return `剩余 ${left} 天`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatScore(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(2);
}

/** Calendar date input ("YYYY-MM-DD") → the end of that day in Beijing time as an instant. */
export function endOfShanghaiDay(isoDate: string): Date {
  return new Date(Date.parse(`${isoDate}T23:59:59.999+08:00`));
}

/**
 * A node's due day in Beijing time, read from its due instant: the instant is what the machine uses
 * and what an extension moves (the stored calendar date has lagged behind a granted extension).
 */
export function nodeDueDay(node: { dueAt: string; dueDate: string }): string {
  return node.dueAt ? shanghaiDate(node.dueAt) : node.dueDate;
}

/** A form field's number ('' or not a number → null); number inputs give numbers or ''. */
export function numberOrNull(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const t = v.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** The file name the server gives in Content-Disposition (filename*=UTF-8'' wins over filename=), else `fallback`. */
export function dispositionFilename(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      /* a malformed escape: try the plain name */
    }
  }
  const plain = /filename="([^"]*)"/i.exec(header) ?? /filename=([^;]+)/i.exec(header);
  return plain ? plain[1]!.trim() : fallback;
}
