import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';

export interface NoticeRow {
  id: string;
  plan_id: string;
  task_id: string;
  node_seq: number;
  unit_id: string;
  level: string;
  key: string;
  source: 'office' | 'rule';
  number: number;
  text: string;
  reply_by: string | null;
  due_at: string;
  days_overdue: number;
  issued_by: string | null;
  issued_at: string;
  reply_text: string | null;
  replied_by: string | null;
  replied_at: string | null;
}

/** A node an urging may concern, with what the notice prints. */
export interface CandidateNode {
  task_id: string;
  plan_id: string;
  unit_id: string;
  unit_name: string;
  indicator_name: string;
  seq: number;
  due_date: string;
  due_at: string;
  status: string;
  task_state: string;
  last_seq: number;
  assessing_unit_id: string | null;
}

const TERMINAL = `('completed', 'closed', 'scored', 'cancelled')`;
const NODE_SELECT = `SELECT n.task_id, t.plan_id, t.unit_id, u.name AS unit_name, i.name AS indicator_name, n.seq, n.due_date, n.due_at, n.status,
    t.state AS task_state, t.last_seq, i.assessing_unit_id
  FROM nodes n JOIN tasks t ON t.id = n.task_id JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id`;

/**
 * The only SQL on urging_rules and urging_notices. It also reads the task query columns (nodes,
 * tasks) for the escalation's set query and writes the notification outbox row in the notice's
 * transaction — both owned by src/tasks; to move behind TasksRepository / a notifications enqueue.
 */
@Injectable()
export class UrgingRepository {
  constructor(private readonly db: DatabaseService) {}

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    return await this.db.transaction(fn);
  }

  async rules(planId: string): Promise<{ rules: string; updated_by: string | null; updated_at: string } | undefined> {
    return (await this.db.one('SELECT rules, updated_by, updated_at FROM urging_rules WHERE plan_id = ?', planId)) as
      { rules: string; updated_by: string | null; updated_at: string } | undefined;
  }

  async plansWithRules(): Promise<{ plan_id: string; rules: string }[]> {
    return (await this.db.all('SELECT plan_id, rules FROM urging_rules ORDER BY plan_id')) as { plan_id: string; rules: string }[];
  }

  async upsertRules(planId: string, rules: string, by: string | null, at: string): Promise<void> {
    await this.db.run(
      `INSERT INTO urging_rules (plan_id, rules, updated_by, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (plan_id) DO UPDATE SET rules = excluded.rules, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      planId,
      rules,
      by,
      at,
    );
  }

  /** Unsubmitted nodes (pending, open, returned) of the plan's live tasks: what a rule may urge. */
  async unsubmittedNodes(planId: string): Promise<CandidateNode[]> {
    return (await this.db.all(
      `${NODE_SELECT} WHERE t.plan_id = ? AND t.state NOT IN ${TERMINAL} AND n.status IN ('pending', 'open', 'returned') ORDER BY n.task_id, n.seq`,
      planId,
    )) as CandidateNode[];
  }

  async node(taskId: string, seq: number): Promise<CandidateNode | undefined> {
    return (await this.db.one(`${NODE_SELECT} WHERE n.task_id = ? AND n.seq = ?`, taskId, seq)) as CandidateNode | undefined;
  }

  async nextNumber(planId: string, level: string): Promise<number> {
    return (
      (((await this.db.one('SELECT max(number) AS n FROM urging_notices WHERE plan_id = ? AND level = ?', planId, level)) as { n: number | null }).n ?? 0) + 1
    );
  }

  /** Inserts unless a notice with the same (task, node, key) exists: 1 when written, 0 when it was already there. */
  async insertNotice(r: NoticeRow): Promise<number> {
    return (
      await this.db.run(
        `INSERT INTO urging_notices (id, plan_id, task_id, node_seq, unit_id, level, key, source, number, text, reply_by, due_at, days_overdue, issued_by, issued_at, reply_text, replied_by, replied_at)
         VALUES (@id, @plan_id, @task_id, @node_seq, @unit_id, @level, @key, @source, @number, @text, @reply_by, @due_at, @days_overdue, @issued_by, @issued_at, NULL, NULL, NULL)
         ON CONFLICT (task_id, node_seq, key) DO NOTHING`,
        r,
      )
    ).changes;
  }

  async notice(id: string): Promise<NoticeRow | undefined> {
    return (await this.db.one('SELECT * FROM urging_notices WHERE id = ?', id)) as NoticeRow | undefined;
  }

  async notices(q: { planId?: string; unitId?: string; taskId?: string }): Promise<NoticeRow[]> {
    const conds: string[] = [];
    if (q.planId) conds.push('plan_id = @planId');
    if (q.unitId) conds.push('unit_id = @unitId');
    if (q.taskId) conds.push('task_id = @taskId');
    return (await this.db.all(`SELECT * FROM urging_notices ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''} ORDER BY issued_at DESC, id LIMIT 1000`, {
      planId: q.planId,
      unitId: q.unitId,
      taskId: q.taskId,
    })) as NoticeRow[];
  }

  async reply(id: string, text: string, by: string | null, at: string): Promise<number> {
    return (await this.db.run('UPDATE urging_notices SET reply_text = ?, replied_by = ?, replied_at = ? WHERE id = ? AND replied_at IS NULL', text, by, at, id))
      .changes;
  }

  async countsByUnit(planId: string): Promise<{ unit_id: string; level: string; n: number; replied: number }[]> {
    return (await this.db.all(
      `SELECT unit_id, level, count(*) AS n, count(replied_at) AS replied FROM urging_notices WHERE plan_id = ? GROUP BY unit_id, level ORDER BY unit_id, level`,
      planId,
    )) as { unit_id: string; level: string; n: number; replied: number }[];
  }

  /** The notice's delivery: an outbox row in the same transaction (SSE, webhooks), like a task's domain events. */
  async enqueue(taskId: string, lastSeq: number, type: string, body: object, unitId: string, at: string): Promise<void> {
    await this.db.run(
      'INSERT INTO outbox (task_id, event_seq, type, body, unit_id, created_at, dispatched_at) VALUES (?, ?, ?, ?, ?, ?, NULL)',
      taskId,
      lastSeq,
      type,
      JSON.stringify(body),
      unitId,
      at,
    );
  }
}
