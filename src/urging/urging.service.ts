import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { AppConfig } from '../../config/app.config.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { OutboxSignal } from '../common/outbox-signal.js';
import { daysOverdue } from '../deadlines/calendar/index.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import type { OfficialDocument } from '../documents/official-document.js';
import { PlansService } from '../plans/plans.service.js';
import { canSeeTask } from '../tasks/task-access.js';
import {
  DEFAULT_RULES,
  defaultText,
  fireInstant,
  LEVEL_COLOURS,
  LEVEL_LABELS,
  replyByInstant,
  rulesProblems,
  type UrgingLevel,
  type UrgingRule,
} from './urging-rules.js';
import { UrgingRepository, type CandidateNode, type NoticeRow } from './urging.repository.js';

export interface NoticeView {
  id: string;
  planId: string;
  taskId: string;
  nodeSeq: number;
  unitId: string;
  level: UrgingLevel;
  levelLabel: string;
  colour: string;
  source: 'office' | 'rule';
  number: number;
  numberText: string;
  text: string;
  replyBy: string | null;
  dueAt: string;
  daysOverdue: number;
  issuedBy: string | null;
  issuedAt: string;
  reply: { text: string; by: string | null; at: string } | null;
}

export interface UnitUrgingCounts {
  unitId: string;
  remind: number;
  urge: number;
  supervise: number;
  total: number;
  replied: number;
}

const NUMBER_PREFIX: Record<UrgingLevel, string> = { remind: '提', urge: '催', supervise: '督' };
const OFFICE = new Set<Actor['role']>(['admin', 'supervisor', 'auditor', 'leader', 'system']);

/**
 * Urging notices (催办 / 督办, issue 16 item 2): the office issues one on a node, or the plan's escalation
 * rules do (escalate(): once per node and level, idempotent across runs, restarts and instances through
 * the unique key; only for unsubmitted nodes of live tasks, so it stops once the node is submitted or
 * approved). Each notice is delivered through the outbox (SSE, webhooks: `node.urged`) in its own
 * transaction; the unit replies once (`node.urge-replied`). Counts per unit for the board and scoring.
 *
 * Not yet an event in the task's hash-chained history: the task machine has no `node.urge` event yet
 * (see README).
 */
@Injectable()
export class UrgingService implements OnApplicationShutdown {
  private readonly logger = new Logger('Urging');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: UrgingRepository,
    private readonly plans: PlansService,
    private readonly deadlines: DeadlinesService,
    private readonly clock: Clock,
    private readonly signal: OutboxSignal,
    private readonly config: AppConfig,
  ) {}

  async getRules(planId: string): Promise<{ planId: string; rules: UrgingRule[]; isDefault: boolean; updatedAt: string | null }> {
    await this.plans.get(planId);
    const row = await this.repo.rules(planId);
    return row
      ? { planId, rules: JSON.parse(row.rules) as UrgingRule[], isDefault: false, updatedAt: row.updated_at }
      : { planId, rules: DEFAULT_RULES, isDefault: true, updatedAt: null };
  }

  async setRules(planId: string, rules: unknown, actor: Actor) {
    await this.plans.get(planId);
    const problems = rulesProblems(rules);
    if (problems.length) throw DomainError.validation(problems);
    const clean = (rules as UrgingRule[]).map((r) => ({
      level: r.level,
      offsetWorkingDays: r.offsetWorkingDays,
      ...(r.replyWorkingDays !== undefined ? { replyWorkingDays: r.replyWorkingDays } : {}),
    }));
    await this.repo.transaction(async () => await this.repo.upsertRules(planId, JSON.stringify(clean), actor.userId, this.clock.nowIso()));
    return await this.getRules(planId);
  }

  /** The office urges a node by hand (any level, as often as it decides; each notice numbered). */
  async issue(taskId: string, nodeSeq: number, dto: { level: UrgingLevel; text?: string; replyBy?: string }, actor: Actor): Promise<NoticeView> {
    const node = await this.repo.node(taskId, nodeSeq);
    if (!node) throw DomainError.notFound('node', `${taskId}#${nodeSeq}`);
    if (['completed', 'closed', 'scored', 'cancelled'].includes(node.task_state) || node.status === 'approved') {
      throw new DomainError(
        ErrorCode.EventNotAllowed,
        `node ${nodeSeq} of task ${taskId} is ${node.status === 'approved' ? 'approved' : node.task_state}: nothing to urge`,
        { field: 'nodeSeq', status: node.status, taskState: node.task_state },
      );
    }
    const now = this.clock.nowIso();
    if (dto.replyBy !== undefined && dto.replyBy <= now) throw DomainError.validation([{ field: 'replyBy', reason: 'must be in the future' }]);
    const plan = await this.plans.get(node.plan_id);
    const replyBy = dto.level === 'supervise' ? (dto.replyBy ?? replyByInstant(now, 3, this.deadlines.calendar, plan.timezone)) : null;
    const row = await this.write(node, dto.level, `office:${randomUUID()}`, 'office', dto.text, replyBy, actor, now, plan.timezone);
    return toView(row!);
  }

  /**
   * Run every plan's rules at `now`: each rule whose fire instant has passed issues its notice on every
   * unsubmitted node that has none of that level yet. Returns how many were issued.
   */
  async escalate(): Promise<{ issued: number; plans: number }> {
    const now = this.clock.nowIso();
    let issued = 0;
    const planIds = new Set((await this.repo.plansWithRules()).map((p) => p.plan_id));
    for (const planId of planIds) {
      const plan = await this.plans.get(planId);
      const { rules } = await this.getRules(planId);
      for (const node of await this.repo.unsubmittedNodes(planId)) {
        for (const rule of rules) {
          if (fireInstant(rule, node.due_date, this.deadlines.calendar, plan.timezone) > now) continue;
          const replyBy = rule.level === 'supervise' ? replyByInstant(now, rule.replyWorkingDays ?? 3, this.deadlines.calendar, plan.timezone) : null;
          if (await this.write(node, rule.level, `rule:${rule.level}`, 'rule', undefined, replyBy, null, now, plan.timezone)) issued++;
        }
      }
    }
    if (issued) this.signal.notify();
    return { issued, plans: planIds.size };
  }

  private async write(
    node: CandidateNode,
    level: UrgingLevel,
    key: string,
    source: 'office' | 'rule',
    text: string | undefined,
    replyBy: string | null,
    actor: Actor | null,
    now: string,
    timezone: string,
  ): Promise<NoticeRow | null> {
    const overdue = daysOverdue(node.due_at, now, timezone);
    const replyByDay = replyBy ? DateTime.fromISO(replyBy, { zone: 'utc' }).setZone(timezone).toFormat('yyyy年M月d日') : null;
    const written = await this.repo.transaction(async () => {
      const row: NoticeRow = {
        id: randomUUID(),
        plan_id: node.plan_id,
        task_id: node.task_id,
        node_seq: node.seq,
        unit_id: node.unit_id,
        level,
        key,
        source,
        number: await this.repo.nextNumber(node.plan_id, level),
        text:
          text ?? defaultText(level, { indicatorName: node.indicator_name, seq: node.seq, dueDate: node.due_date, daysOverdue: overdue, replyBy: replyByDay }),
        reply_by: replyBy,
        due_at: node.due_at,
        days_overdue: overdue,
        issued_by: actor?.userId ?? null,
        issued_at: now,
        reply_text: null,
        replied_by: null,
        replied_at: null,
      };
      if ((await this.repo.insertNotice(row)) === 0) return null;
      await this.repo.enqueue(
        node.task_id,
        node.last_seq,
        'node.urged',
        {
          type: 'node.urged',
          taskId: node.task_id,
          planId: node.plan_id,
          unitId: node.unit_id,
          assessingUnitId: node.assessing_unit_id,
          seq: node.last_seq,
          at: now,
          noticeId: row.id,
          nodeSeq: node.seq,
          level,
          levelLabel: LEVEL_LABELS[level],
          text: row.text,
          replyBy,
        },
        node.unit_id,
        now,
      );
      return row;
    });
    if (written && source === 'office') this.signal.notify();
    return written;
  }

  /** The unit's inbox, or the office's view of a plan / task. */
  async list(q: { planId?: string; unitId?: string; taskId?: string }, actor: Actor): Promise<NoticeView[]> {
    if (!OFFICE.has(actor.role)) {
      if (!actor.unitId) return [];
      return (await this.repo.notices({ ...q, unitId: actor.unitId })).map(toView);
    }
    return (await this.repo.notices(q)).map(toView);
  }

  async get(id: string, actor: Actor): Promise<NoticeView> {
    return toView(await this.visible(id, actor));
  }

  /** The unit answers a notice (once): delivered like the notice. */
  async reply(id: string, text: string, actor: Actor): Promise<NoticeView> {
    const row = await this.visible(id, actor);
    if (actor.role !== 'department' || actor.unitId !== row.unit_id)
      throw DomainError.forbidden('only the urged unit replies to its notice', { field: 'role' });
    const now = this.clock.nowIso();
    const node = (await this.repo.node(row.task_id, row.node_seq))!;
    await this.repo.transaction(async () => {
      if ((await this.repo.reply(id, text, actor.userId, now)) === 0) {
        throw new DomainError(ErrorCode.EventNotAllowed, `notice ${id} was already answered`, {
          field: 'text',
          repliedAt: (await this.repo.notice(id))?.replied_at,
        });
      }
      await this.repo.enqueue(
        row.task_id,
        node.last_seq,
        'node.urge-replied',
        {
          type: 'node.urge-replied',
          taskId: row.task_id,
          planId: row.plan_id,
          unitId: row.unit_id,
          assessingUnitId: node.assessing_unit_id,
          seq: node.last_seq,
          at: now,
          noticeId: id,
          nodeSeq: row.node_seq,
          text,
        },
        row.unit_id,
        now,
      );
    });
    this.signal.notify();
    return toView((await this.repo.notice(id))!);
  }

  /** Notices per unit and level: for the board and as a scoring fact (a deduction per 督办 where a plan says so). */
  async counts(planId: string): Promise<UnitUrgingCounts[]> {
    await this.plans.get(planId);
    const byUnit = new Map<string, UnitUrgingCounts>();
    for (const r of await this.repo.countsByUnit(planId)) {
      let c = byUnit.get(r.unit_id);
      if (!c) byUnit.set(r.unit_id, (c = { unitId: r.unit_id, remind: 0, urge: 0, supervise: 0, total: 0, replied: 0 }));
      c[r.level as UrgingLevel] += r.n;
      c.total += r.n;
      c.replied += r.replied;
    }
    return [...byUnit.values()];
  }

  /** The 催办单 / 督办通知单 as an official document. */
  async document(id: string, actor: Actor): Promise<OfficialDocument> {
    const row = await this.visible(id, actor);
    const node = (await this.repo.node(row.task_id, row.node_seq))!;
    const plan = await this.plans.get(row.plan_id);
    const local = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(plan.timezone);
    const level = row.level as UrgingLevel;
    const title = level === 'supervise' ? '督办通知单' : level === 'urge' ? '催办单' : '工作提醒单';
    return {
      issuer: '绩效考评办公室',
      title,
      number: `${NUMBER_PREFIX[level]}〔${local(row.issued_at).year}〕${row.number}号`,
      date: local(row.issued_at).toISODate()!,
      rowsPerPage: 10,
      blocks: [
        { kind: 'paragraph', text: `${node.unit_name}：` },
        { kind: 'paragraph', text: row.text },
        {
          kind: 'table',
          table: {
            columns: ['考核方案', '指标', '节点', '截止时间', '逾期天数', row.reply_by ? '回复期限' : '级别'],
            widths: [3, 4, 1, 2.5, 1.2, 2.5],
            rows: [
              [
                plan.name,
                node.indicator_name,
                `节点${row.node_seq}`,
                local(row.due_at).toFormat('yyyy-MM-dd HH:mm'),
                String(row.days_overdue),
                row.reply_by ? local(row.reply_by).toFormat('yyyy-MM-dd HH:mm') : LEVEL_LABELS[level],
              ],
            ],
          },
        },
        ...(row.reply_text
          ? [{ kind: 'paragraph' as const, text: `单位回复（${local(row.replied_at!).toFormat('yyyy-MM-dd HH:mm')}）：${row.reply_text}` }]
          : []),
        { kind: 'paragraph', text: '联系人：绩效考评办公室（请登录督办系统查看并回复）。' },
      ],
    };
  }

  private async visible(id: string, actor: Actor): Promise<NoticeRow> {
    const row = await this.repo.notice(id);
    if (!row) throw DomainError.notFound('urging notice', id);
    if (!OFFICE.has(actor.role)) {
      const node = await this.repo.node(row.task_id, row.node_seq);
      if (!node || !canSeeTask(actor, { unitId: node.unit_id, assessingUnitId: node.assessing_unit_id })) throw DomainError.notFound('urging notice', id);
    }
    return row;
  }

  /** Escalate every DUBAN_SWEEP_INTERVAL_SECONDS in the service (main.ts calls it; not in tests or the CLI). */
  start(): void {
    const seconds = this.config.DUBAN_SWEEP_INTERVAL_SECONDS;
    if (!seconds || this.timer) return;
    this.timer = setInterval(async () => {
      try {
        const r = await this.escalate();
        if (r.issued) this.logger.log(`escalation: ${r.issued} notice(s) issued`);
      } catch (e) {
        this.logger.error(`escalation failed: ${(e as Error).message}`);
      }
    }, seconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

function toView(r: NoticeRow): NoticeView {
  const level = r.level as UrgingLevel;
  return {
    id: r.id,
    planId: r.plan_id,
    taskId: r.task_id,
    nodeSeq: r.node_seq,
    unitId: r.unit_id,
    level,
    levelLabel: LEVEL_LABELS[level],
    colour: LEVEL_COLOURS[level],
    source: r.source,
    number: r.number,
    numberText: `${NUMBER_PREFIX[level]}〔${r.issued_at.slice(0, 4)}〕${r.number}号`,
    text: r.text,
    replyBy: r.reply_by,
    dueAt: r.due_at,
    daysOverdue: r.days_overdue,
    issuedBy: r.issued_by,
    issuedAt: r.issued_at,
    reply: r.replied_at ? { text: r.reply_text!, by: r.replied_by, at: r.replied_at } : null,
  };
}
