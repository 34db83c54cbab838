import { Injectable } from '@nestjs/common';
import { scoringFactsSql } from '../tasks/scoring-facts.js';
import { DatabaseService } from '../database/database.service.js';
import type { EnteredFacts } from '../../workflows/task/index.js';
import type { ApprovalValues, GroupRow, IndicatorRowLite, MemberRow, TaskFactRow } from './score-input.js';

export interface PlanRowLite {
  id: string;
  name: string;
  year: number;
  status: string;
}

export interface PlanScoringRow {
  plan_id: string;
  template_id: string;
  group_templates: string;
  indicator_rules: string;
  updated_by: string | null;
  updated_at: string;
}

export interface BallotRow {
  id: string;
  plan_id: string;
  group_id: string;
  evaluator: string;
  evaluator_id: string;
  evaluator_unit_id: string | null;
  entries: string;
  submitted_by: string | null;
  submitted_role: string;
  submitted_at: string;
  superseded_at: string | null;
  superseded_by: string | null;
}

export interface UnitEventRow {
  id: string;
  plan_id: string;
  unit_id: string;
  type: string;
  item: string;
  points: number | null;
  note: string | null;
  recorded_by: string | null;
  recorded_role: string;
  recorded_at: string;
  voided_at: string | null;
  voided_by: string | null;
  void_reason: string | null;
}

export interface RunRow {
  id: number;
  plan_id: string;
  kind: string;
  reason: string | null;
  actor_user_id: string | null;
  actor_role: string;
  actor_username: string | null;
  at: string;
  template_id: string;
  template_version: number;
  provisional: number;
  groups: string;
  issues: string;
  changes: string | null;
}

export interface UnitScoreSummaryRow {
  unit_id: string;
  group_id: string;
  composite: number;
  bonus: number;
  deduction: number;
  negative_list: number;
  final: number;
  rank: number;
  grade: string;
  result: string;
  provisional: number;
}

const SCORED_STATES = `('assigned', 'open', 'submitted', 'returned', 'suspended', 'completed', 'closed', 'scored')`;

/**
 * What scoring needs of tasks (cancelled ones excluded), in one statement, one row per task. Per method,
 * only what it reads:
 * - nodes: a count on the nodes primary key (a suspended task's unapproved nodes are not counted unless already
 *   red, docs/task-machine.md); red lights: the red_count column (machine v2: every node red-lighted);
 *   each red node's deduction only for 直接扣分法 tasks with red lights.
 * - value methods (ratio, efficacy, direct): the facts the write path keeps in tasks.scoring_facts (see
 *   tasks/scoring-facts.ts); for a row without them (written before that column, or by a bulk loader),
 *   SQLite reads a handful of paths from the snapshot in one
 *   multi-path json_extract (the nested call for the current index hits SQLite's JSON parse cache):
 *   currentIndex, completedAt, score, the last node's stage value, and the approval values (reviewed value,
 *   the approved submission's completed value, assessor points) of the last node and of the node before
 *   the current one. Nodes are approved in order: a completed task's latest approved node is its last, a
 *   live or closed task's is the one before the current node.
 * - closed and scored tasks of other methods: currentIndex, completedAt and score only.
 * The JS side never parses a snapshot on this path. `where` selects the tasks (a plan, or some ids).
 */
export const taskFactsSql = (where: string, dialect: 'sqlite' | 'postgres' = 'sqlite'): string =>
  dialect === 'postgres'
    ? `
SELECT t.id, t.indicator_id, t.unit_id, t.state, t.red_count AS red_nodes,
  (SELECT count(*) FROM nodes n WHERE n.task_id = t.id) AS nodes,
  CASE WHEN t.red_count > 0 AND i.method_code = 'node_deduction' THEN
    (SELECT json_agg(n.red_deduction ORDER BY n.seq)::text FROM nodes n WHERE n.task_id = t.id AND n.red_lighted = 1)
  END AS red_deductions,
  CASE WHEN i.method_code IN ('ratio', 'efficacy', 'direct') THEN coalesce(t.scoring_facts, ${scoringFactsSql('t.snapshot', 'postgres')})
  WHEN t.state IN ('closed', 'scored') THEN
    CASE WHEN t.scoring_facts IS NOT NULL THEN jsonb_build_array(t.scoring_facts::jsonb -> 0, t.scoring_facts::jsonb -> 1, t.scoring_facts::jsonb -> 2)::text
    ELSE jsonb_build_array(t.snapshot::jsonb #> '{context,currentIndex}', t.snapshot::jsonb #> '{context,completedAt}', t.snapshot::jsonb #> '{context,score}')::text END
  END AS ctx,
  t.version, i.method_code
FROM tasks t JOIN indicators i ON i.id = t.indicator_id
WHERE ${where} AND t.state IN ${SCORED_STATES}`
    : `
SELECT t.id, t.indicator_id, t.unit_id, t.state, t.red_count AS red_nodes,
  (SELECT count(*) FROM nodes n WHERE n.task_id = t.id AND (t.state != 'suspended' OR n.status = 'approved' OR n.red_lighted = 1)) AS nodes,
  CASE WHEN t.red_count > 0 AND i.method_code = 'node_deduction' THEN
    (SELECT json_group_array(n.red_deduction) FROM nodes n WHERE n.task_id = t.id AND n.red_lighted = 1)
  END AS red_deductions,
  CASE WHEN i.method_code IN ('ratio', 'efficacy', 'direct') THEN coalesce(t.scoring_facts, ${scoringFactsSql('t.snapshot')})
  WHEN t.state IN ('closed', 'scored') THEN
    CASE WHEN t.scoring_facts IS NOT NULL THEN json_extract(t.scoring_facts, '$[0]', '$[1]', '$[2]')
    ELSE json_extract(t.snapshot, '$.context.currentIndex', '$.context.completedAt', '$.context.score') END
  END AS ctx,
  t.version, i.method_code
FROM tasks t JOIN indicators i ON i.id = t.indicator_id
WHERE ${where} AND t.state IN ${SCORED_STATES}`;

/** Every task of a plan (`@planId`), per database. */
export const TASK_FACTS_SQL = { sqlite: taskFactsSql('t.plan_id = @planId'), postgres: taskFactsSql('t.plan_id = @planId', 'postgres') };
/** The tasks whose ids `@ids` (a JSON array) lists. */
const TASK_FACTS_BY_IDS_SQL = {
  sqlite: taskFactsSql('t.id IN (SELECT value FROM json_each(@ids))'),
  postgres: taskFactsSql('t.id IN (SELECT jsonb_array_elements_text(@ids::jsonb))', 'postgres'),
};
/** `id IN` the ids of a JSON array parameter (`?`). */
const IDS_IN_JSON = { sqlite: 'IN (SELECT value FROM json_each(?))', postgres: 'IN (SELECT jsonb_array_elements_text(?::jsonb))' };
/** The version of every task of a plan: all the facts cache needs to know what changed. */
const TASK_HEADS_SQL = `SELECT t.id, t.version, t.indicator_id FROM tasks t WHERE t.plan_id = @planId AND t.state IN ${SCORED_STATES} /* scores */`;

/** [currentIndex, completedAt, score, last stage value, last node's rv, cv, ap, previous node's rv, cv, ap]; completedAt is text */
type Ctx = (number | null)[];

/** A row of the facts statement in raw (array) mode: no per-row key objects. */
type RawFactRow = [
  id: string,
  indicatorId: string,
  unitId: string,
  state: string,
  redNodes: number,
  nodes: number,
  redDeductions: string | null,
  ctx: string | null,
  version: number,
  methodCode: string,
];

interface CachedFacts {
  version: number;
  method: string;
  row: TaskFactRow;
}

function toFactRow(r: RawFactRow): TaskFactRow {
  const [id, indicatorId, unitId, state, redNodes, nodes, redDeductions, ctx] = r;
  const row: TaskFactRow = {
    id,
    indicator_id: indicatorId,
    unit_id: unitId,
    state,
    nodes,
    red_nodes: redNodes,
    approved_nodes: state === 'completed' ? nodes : 0,
    red_deductions: redDeductions,
    last_stage_value: null,
    reviewed_value: null,
    completed_value: null,
    assessor_points: null,
    recorded_score: null,
    entered: null,
  };
  if (ctx !== null) {
    const c = JSON.parse(ctx) as Ctx;
    if (c.length > 13) row.entered = (c[13] as unknown as EnteredFacts | null) ?? null;
    const completed = state === 'completed' || c[1] !== null;
    row.approved_nodes = completed ? nodes : (c[0] ?? 0);
    if (state === 'scored') row.recorded_score = c[2];
    if (c.length > 3) {
      row.last_stage_value = c[3] ?? null;
      const at = completed ? 4 : 7;
      if (row.approved_nodes > 0) {
        row.reviewed_value = c[at] ?? null;
        row.completed_value = c[at + 1] ?? null;
        row.assessor_points = c[at + 2] ?? null;
      }
    }
  }
  return row;
}

/** Plans whose task facts are kept between reads (least recently used dropped). */
const FACT_CACHE_PLANS = 8;

/** Earlier approved nodes read with fixed paths (3 per node) up to this many; json_each beyond. */
const EARLIER_PATHS_MAX = 40;

/** The read-model queries and the writes of scoring (prepared statements, no ORM hydration). */
@Injectable()
export class ScoresRepository {
  /** Per plan: each task's facts row with the version and indicator method it was read at (see taskFacts). */
  private readonly factCache = new Map<string, Map<string, CachedFacts>>();

  constructor(readonly db: DatabaseService) {}

  async plan(planId: string): Promise<PlanRowLite | undefined> {
    return (await this.db.one('SELECT id, name, year, status FROM plans WHERE id = ?', planId)) as PlanRowLite | undefined;
  }

  async scoring(planId: string): Promise<PlanScoringRow | undefined> {
    return (await this.db.one('SELECT * FROM plan_scoring WHERE plan_id = ?', planId)) as PlanScoringRow | undefined;
  }

  async upsertScoring(row: PlanScoringRow): Promise<void> {
    await this.db.run(
      `INSERT INTO plan_scoring (plan_id, template_id, group_templates, indicator_rules, updated_by, updated_at)
         VALUES (@plan_id, @template_id, @group_templates, @indicator_rules, @updated_by, @updated_at)
         ON CONFLICT (plan_id) DO UPDATE SET template_id = excluded.template_id, group_templates = excluded.group_templates,
           indicator_rules = excluded.indicator_rules, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      row,
    );
  }

  async groups(planId: string): Promise<GroupRow[]> {
    return (await this.db.all('SELECT id, name, kind FROM plan_groups WHERE plan_id = ? ORDER BY name, id', planId)) as GroupRow[];
  }

  async members(planId: string): Promise<MemberRow[]> {
    return (await this.db.all(
      `SELECT m.group_id, m.unit_id, u.name AS unit_name FROM group_members m
         JOIN plan_groups g ON g.id = m.group_id JOIN units u ON u.id = m.unit_id
         WHERE g.plan_id = ? ORDER BY g.name, g.id, u.name, u.id`,
      planId,
    )) as MemberRow[];
  }

  async indicators(planId: string): Promise<IndicatorRowLite[]> {
    return (await this.db.all(
      'SELECT id, code, name, points, method_code, method_params, target_value, direction FROM indicators WHERE plan_id = ? ORDER BY code, id',
      planId,
    )) as IndicatorRowLite[];
  }

  async indicatorIds(planId: string): Promise<Set<string>> {
    return new Set((await this.db.column('SELECT id FROM indicators WHERE plan_id = ? /* scores */', planId)) as string[]);
  }

  /**
   * The facts rows of every task of a plan. Each call reads every task's version from the database (one
   * light statement) and re-reads the facts only of tasks whose version (every write path event bumps it)
   * or indicator method changed since the last call — all of them the first time. `cache: false` reads
   * everything. Both statements run in one read transaction, so they see the same state.
   */
  async taskFacts(planId: string, methods: ReadonlyMap<string, string>, opts: { cache?: boolean } = {}): Promise<TaskFactRow[]> {
    return await this.db.transaction(
      async () => {
        const cache = opts.cache === false ? undefined : this.factCache.get(planId);
        const next = new Map<string, CachedFacts>();
        const out: TaskFactRow[] = [];
        const keep = (r: RawFactRow) => {
          const row = toFactRow(r);
          next.set(row.id, { version: r[8], method: r[9], row });
          out.push(row);
        };
        if (!cache) {
          for (const r of (await this.db.rows(TASK_FACTS_SQL[this.db.dialect], { planId })) as RawFactRow[]) keep(r);
        } else {
          const heads = (await this.db.rows(TASK_HEADS_SQL, { planId })) as [string, number, string][];
          const stale: string[] = [];
          for (const [id, version, indicatorId] of heads) {
            const c = cache.get(id);
            if (c && c.version === version && c.method === methods.get(indicatorId)) {
              next.set(id, c);
              out.push(c.row);
            } else {
              stale.push(id);
            }
          }
          if (stale.length > heads.length / 2) {
            next.clear();
            out.length = 0;
            for (const r of (await this.db.rows(TASK_FACTS_SQL[this.db.dialect], { planId })) as RawFactRow[]) keep(r);
          } else if (stale.length > 0) {
            for (const r of (await this.db.rows(TASK_FACTS_BY_IDS_SQL[this.db.dialect], { ids: JSON.stringify(stale) })) as RawFactRow[]) keep(r);
          }
        }
        if (opts.cache !== false) {
          // Most recently used last; a few plans at most.
          this.factCache.delete(planId);
          this.factCache.set(planId, next);
          if (this.factCache.size > FACT_CACHE_PLANS) this.factCache.delete(this.factCache.keys().next().value as string);
        }
        return out;
      },
      { readOnly: true },
    );
  }

  /** Forget the cached facts (the benchmark measures the cold read with it). */
  clearFactCache(): void {
    this.factCache.clear();
  }

  /**
   * The approvals of the earlier approved nodes (all but the latest, latest first) of the given tasks: the
   * rare path of taskFacts, when the latest approved node carries no value. One statement per number of
   * approved nodes, each reading fixed paths of the snapshot (one parse per task); json_each beyond 40 nodes.
   */
  async approvals(tasks: readonly { id: string; approved_nodes: number }[]): Promise<Map<string, ApprovalValues[]>> {
    const out = new Map<string, ApprovalValues[]>();
    const byCount = new Map<number, string[]>();
    for (const t of tasks) {
      const ids = byCount.get(t.approved_nodes);
      if (ids) ids.push(t.id);
      else byCount.set(t.approved_nodes, [t.id]);
    }
    for (const [k, ids] of byCount) {
      if (k - 1 > EARLIER_PATHS_MAX) {
        const rows = (await this.db.all(
          this.db.dialect === 'postgres'
            ? `SELECT t.id AS taskId, j.value #> '{approval,reviewedValue}' AS reviewedValue,
               j.value #> '{submissions,-1,completedValue}' AS completedValue,
               j.value #> '{approval,assessorPoints}' AS assessorPoints
             FROM tasks t, jsonb_array_elements(t.snapshot::jsonb #> '{context,nodes}') WITH ORDINALITY j(value, key)
             WHERE t.id ${IDS_IN_JSON.postgres} AND j.value #>> '{status}' = 'approved'
             ORDER BY t.id, j.key DESC`
            : `SELECT t.id AS taskId, json_extract(j.value, '$.approval.reviewedValue') AS reviewedValue,
               json_extract(j.value, '$.submissions[#-1].completedValue') AS completedValue,
               json_extract(j.value, '$.approval.assessorPoints') AS assessorPoints
             FROM tasks t, json_each(t.snapshot, '$.context.nodes') j
             WHERE t.id ${IDS_IN_JSON.sqlite} AND json_extract(j.value, '$.status') = 'approved'
             ORDER BY t.id, j.key DESC`,
          JSON.stringify(ids),
        )) as (ApprovalValues & { taskId: string })[];
        for (const { taskId, ...a } of rows) {
          const list = out.get(taskId);
          if (list) list.push(a);
          else out.set(taskId, [a]);
        }
        continue;
      }
      const pg = this.db.dialect === 'postgres';
      const paths: string[] = [];
      for (let i = k - 2; i >= 0; i--) {
        if (pg)
          paths.push(
            `s #> '{context,nodes,${i},approval,reviewedValue}'`,
            `s #> '{context,nodes,${i},submissions,-1,completedValue}'`,
            `s #> '{context,nodes,${i},approval,assessorPoints}'`,
          );
        else
          paths.push(
            `'$.context.nodes[${i}].approval.reviewedValue'`,
            `'$.context.nodes[${i}].submissions[#-1].completedValue'`,
            `'$.context.nodes[${i}].approval.assessorPoints'`,
          );
      }
      const rows = (await this.db.rows(
        pg
          ? `SELECT id, jsonb_build_array(${paths.join(', ')})::text AS v FROM (SELECT id, snapshot::jsonb AS s FROM tasks WHERE id ${IDS_IN_JSON.postgres}) x /* scores */`
          : `SELECT id, json_extract(snapshot, ${paths.join(', ')}) AS v FROM tasks WHERE id ${IDS_IN_JSON.sqlite} /* scores */`,
        JSON.stringify(ids),
      )) as [string, string][];
      for (const [id, v] of rows) {
        const flat = JSON.parse(v) as (number | null)[];
        const list: ApprovalValues[] = [];
        for (let i = 0; i < flat.length; i += 3) list.push({ reviewedValue: flat[i], completedValue: flat[i + 1], assessorPoints: flat[i + 2] });
        out.set(id, list);
      }
    }
    return out;
  }

  async liveTaskIds(planId: string): Promise<string[]> {
    return (await this.db.column(
      `SELECT id FROM tasks WHERE plan_id = ? AND state IN ('assigned', 'open', 'submitted', 'returned') ORDER BY id /* scores */`,
      planId,
    )) as string[];
  }

  async taskStates(planId: string): Promise<Map<string, string>> {
    const rows = (await this.db.rows('SELECT id, state FROM tasks WHERE plan_id = ? /* scores */', planId)) as [string, string][];
    return new Map(rows);
  }

  async task(
    taskId: string,
  ): Promise<{ id: string; plan_id: string; unit_id: string; indicator_id: string; state: string; assessing_unit_id: string | null } | undefined> {
    return (await this.db.one(
      'SELECT t.id, t.plan_id, t.unit_id, t.indicator_id, t.state, i.assessing_unit_id FROM tasks t JOIN indicators i ON i.id = t.indicator_id WHERE t.id = ?',
      taskId,
    )) as Awaited<ReturnType<ScoresRepository['task']>>;
  }

  async recordedScore(taskId: string): Promise<{ score: number | null; scoredAt: string | null; note: string | null }> {
    const r = (await this.db.one(
      this.db.dialect === 'postgres'
        ? `SELECT s #> '{context,score}' AS score, s #>> '{context,scoredAt}' AS scoredAt, s #>> '{context,scoreNote}' AS note
           FROM (SELECT snapshot::jsonb AS s FROM tasks WHERE id = ?) x`
        : `SELECT json_extract(snapshot, '$.context.score') AS score, json_extract(snapshot, '$.context.scoredAt') AS scoredAt,
               json_extract(snapshot, '$.context.scoreNote') AS note FROM tasks WHERE id = ?`,
      taskId,
    )) as { score: number | null; scoredAt: string | null; note: string | null };
    return r;
  }

  // ─── ballots ────────────────────────────────────────────────────────────────────────────────────

  async activeBallots(planId: string): Promise<BallotRow[]> {
    return (await this.db.all('SELECT * FROM score_ballots WHERE plan_id = ? AND superseded_at IS NULL ORDER BY submitted_at, id', planId)) as BallotRow[];
  }

  async ballots(planId: string, opts: { evaluatorUnitId?: string; includeSuperseded: boolean }): Promise<BallotRow[]> {
    return (await this.db.all(
      `SELECT * FROM score_ballots WHERE plan_id = @planId AND (CAST(@unit AS TEXT) IS NULL OR evaluator_unit_id = @unit)
           AND (@all = 1 OR superseded_at IS NULL) ORDER BY submitted_at, id`,
      { planId, unit: opts.evaluatorUnitId ?? null, all: opts.includeSuperseded ? 1 : 0 },
    )) as BallotRow[];
  }

  async activeBallotOf(planId: string, groupId: string, evaluator: string, evaluatorId: string): Promise<BallotRow | undefined> {
    return (await this.db.one(
      'SELECT * FROM score_ballots WHERE plan_id = ? AND group_id = ? AND evaluator = ? AND evaluator_id = ? AND superseded_at IS NULL',
      planId,
      groupId,
      evaluator,
      evaluatorId,
    )) as BallotRow | undefined;
  }

  async supersede(id: string, at: string, by: string): Promise<void> {
    await this.db.run('UPDATE score_ballots SET superseded_at = ?, superseded_by = ? WHERE id = ? AND superseded_at IS NULL', at, by, id);
  }

  async insertBallot(row: BallotRow): Promise<void> {
    await this.db.run(
      `INSERT INTO score_ballots (id, plan_id, group_id, evaluator, evaluator_id, evaluator_unit_id, entries, submitted_by, submitted_role,
           submitted_at, superseded_at, superseded_by)
         VALUES (@id, @plan_id, @group_id, @evaluator, @evaluator_id, @evaluator_unit_id, @entries, @submitted_by, @submitted_role,
           @submitted_at, @superseded_at, @superseded_by)`,
      row,
    );
  }

  // ─── unit events ────────────────────────────────────────────────────────────────────────────────

  async activeUnitEvents(planId: string): Promise<UnitEventRow[]> {
    return (await this.db.all('SELECT * FROM unit_score_events WHERE plan_id = ? AND voided_at IS NULL ORDER BY recorded_at, id', planId)) as UnitEventRow[];
  }

  async unitEvents(planId: string, unitId: string | undefined): Promise<UnitEventRow[]> {
    return (await this.db.all(
      'SELECT * FROM unit_score_events WHERE plan_id = @planId AND (CAST(@unitId AS TEXT) IS NULL OR unit_id = @unitId) ORDER BY recorded_at, id',
      { planId, unitId: unitId ?? null },
    )) as UnitEventRow[];
  }

  async unitEvent(id: string): Promise<UnitEventRow | undefined> {
    return (await this.db.one('SELECT * FROM unit_score_events WHERE id = ?', id)) as UnitEventRow | undefined;
  }

  async insertUnitEvent(row: UnitEventRow): Promise<void> {
    await this.db.run(
      `INSERT INTO unit_score_events (id, plan_id, unit_id, type, item, points, note, recorded_by, recorded_role, recorded_at, voided_at, voided_by, void_reason)
         VALUES (@id, @plan_id, @unit_id, @type, @item, @points, @note, @recorded_by, @recorded_role, @recorded_at, @voided_at, @voided_by, @void_reason)`,
      row,
    );
  }

  async voidUnitEvent(id: string, at: string, by: string | null, reason: string): Promise<number> {
    return (
      await this.db.run('UPDATE unit_score_events SET voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ? AND voided_at IS NULL', at, by, reason, id)
    ).changes;
  }

  // ─── frozen runs ────────────────────────────────────────────────────────────────────────────────

  async latestRun(planId: string): Promise<RunRow | undefined> {
    return (await this.db.one('SELECT * FROM score_runs WHERE plan_id = ? ORDER BY id DESC LIMIT 1', planId)) as RunRow | undefined;
  }

  async run(planId: string, runId: number): Promise<RunRow | undefined> {
    return (await this.db.one('SELECT * FROM score_runs WHERE plan_id = ? AND id = ?', planId, runId)) as RunRow | undefined;
  }

  async runs(planId: string): Promise<RunRow[]> {
    return (await this.db.all('SELECT * FROM score_runs WHERE plan_id = ? ORDER BY id DESC', planId)) as RunRow[];
  }

  async insertRun(row: Omit<RunRow, 'id'>): Promise<number> {
    const id = await this.db.value<number>(
      `INSERT INTO score_runs (plan_id, kind, reason, actor_user_id, actor_role, actor_username, at, template_id, template_version, provisional,
           groups, issues, changes)
         VALUES (@plan_id, @kind, @reason, @actor_user_id, @actor_role, @actor_username, @at, @template_id, @template_version, @provisional,
           @groups, @issues, @changes) RETURNING id`,
      row,
    );
    return Number(id);
  }

  async insertUnitScore(row: UnitScoreSummaryRow & { run_id: number; breakdown: string }): Promise<void> {
    await this.db.run(
      `INSERT INTO unit_scores (run_id, unit_id, group_id, composite, bonus, deduction, negative_list, final, rank, grade, result, provisional, breakdown)
         VALUES (@run_id, @unit_id, @group_id, @composite, @bonus, @deduction, @negative_list, @final, @rank, @grade, @result, @provisional, @breakdown)`,
      row,
    );
  }

  async unitScoreSummaries(runId: number): Promise<UnitScoreSummaryRow[]> {
    return (await this.db.all(
      `SELECT unit_id, group_id, composite, bonus, deduction, negative_list, final, rank, grade, result, provisional
         FROM unit_scores WHERE run_id = ? ORDER BY group_id, rank, unit_id`,
      runId,
    )) as UnitScoreSummaryRow[];
  }

  async unitBreakdowns(runId: number): Promise<string[]> {
    return (await this.db.column('SELECT breakdown FROM unit_scores WHERE run_id = ? ORDER BY group_id, rank, unit_id /* scores */', runId)) as string[];
  }

  async unitBreakdown(runId: number, unitId: string): Promise<string | undefined> {
    return (await this.db.value('SELECT breakdown FROM unit_scores WHERE run_id = ? AND unit_id = ? /* scores */', runId, unitId)) as string | undefined;
  }

  async unitNames(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of ids) out.set(id, (await this.db.value<string>('SELECT name FROM units WHERE id = ? /* scores */', id)) ?? id);
    return out;
  }

  async unitExists(unitId: string): Promise<boolean> {
    return (await this.db.one('SELECT 1 FROM units WHERE id = ?', unitId)) !== undefined;
  }
}
