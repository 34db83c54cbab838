import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { OutboxSignal } from '../common/outbox-signal.js';
import { Progress } from '../common/progress.js';
import { DatabaseService } from '../database/database.service.js';
import { PlanStatusHooks } from '../plans/plan-status.hooks.js';
import { eventProblem, type UnitEvent, type UnitEventType } from '../scoring/adjustments.js';
import { assertValidBallot, checkBallotQuota, type Ballot, type EvaluatorConfig } from '../scoring/evaluation.js';
import { validateMethodParams, type MethodSpec } from '../scoring/method-params.js';
import { roundHalfUp } from '../scoring/numeric.js';
import { computePlanScores, type GroupScores, type IndicatorScore, type PlanScores, type ScoringIssue, type UnitScore } from '../scoring/plan-scores.js';
import type { PlanTemplate } from '../scoring/plan-template.js';
import { loadPlanTemplates } from '../scoring/plan-template.loader.js';
import { ScoringError, ScoringErrorCode } from '../scoring/scoring.error.js';
import { canSeeTask } from '../tasks/task-access.js';
import { TaskCommandService } from '../tasks/task-commands.service.js';
import { buildScoringInput, methodOf, needsEarlierApprovals, taskFacts, type BuiltInput, type ScoringConfig, type TaskFactRow } from './score-input.js';
import type { BallotDto, ScoreSource, ScoringConfigDto, UnitEventDto } from './scores.dto.js';
import { ScoresRepository, type BallotRow, type PlanRowLite, type RunRow, type UnitEventRow, type UnitScoreSummaryRow } from './scores.repository.js';

/** Evaluator kinds a department may fill in itself (peer rating, 互评); the others are entered by the office. */
export const PEER_EVALUATORS: ReadonlySet<string> = new Set(['peers']);
/** The evaluator kinds a leader's own ballot may be (a county leader rates as one of the leaders). */
export const LEADER_EVALUATORS: ReadonlySet<string> = new Set(['leaders']);

export const CLOSE_REASON = '考核方案关闭：未完成的任务按现状计分';

// ─── views ──────────────────────────────────────────────────────────────────────────────────────

export interface RunView {
  id: number;
  kind: 'close' | 'rescore';
  at: string;
  reason: string | null;
  actor: { userId: string | null; role: string; username: string | null };
  templateId: string;
  templateVersion: number;
  provisional: boolean;
  changes?: RunChanges | null;
}

export interface UnitChange {
  unitId: string;
  name?: string;
  before: { final: number; rank: number; grade: string; result: string } | null;
  after: { final: number; rank: number; grade: string; result: string } | null;
}

export interface RunChanges {
  previousRunId: number;
  units: UnitChange[];
}

export interface UnitSummary {
  unitId: string;
  name: string;
  groupId: string;
  rank: number;
  grade: string;
  result: 'passed' | 'failed';
  composite: number;
  bonus: number;
  deduction: number;
  negativeList: number;
  final: number;
  finalDisplay: string;
  provisional: boolean;
}

export interface GroupView extends Omit<GroupScores, 'ranking'> {
  units: UnitSummary[];
}

export interface PlanScoresView {
  planId: string;
  planName: string;
  planStatus: string;
  source: ScoreSource;
  /** The frozen run read (source frozen), else null. */
  run: RunView | null;
  /** When the live scores were computed (source live), else the run's time. */
  at: string;
  templateId: string;
  provisional: boolean;
  groups: GroupView[];
  issues: ScoringIssue[];
  /** detail=full: every visible unit's whole breakdown. */
  units?: UnitScore[];
}

export interface ScorecardView {
  planId: string;
  planStatus: string;
  source: ScoreSource;
  run: RunView | null;
  at: string;
  groupName: string | null;
  groupSize: number;
  scorecard: UnitScore;
  issues: ScoringIssue[];
}

export interface TaskScoreView {
  taskId: string;
  planId: string;
  unitId: string;
  indicatorId: string;
  state: string;
  source: ScoreSource;
  run: RunView | null;
  at: string;
  /** The indicator score with its explanation; null when the task is not scored (cancelled, not in a scored group). */
  score: IndicatorScore | null;
  /** The score recorded on the task by its `task.score` event, if any. */
  recorded: { score: number | null; scoredAt: string | null; note: string | null } | null;
  note?: string;
}

export interface ScoringConfigView {
  planId: string;
  templateId: string;
  templateName: string;
  groups: {
    groupId: string;
    name: string;
    kind: string;
    template: string | null;
    templateName: string | null;
    how: 'configured' | 'kind' | 'name' | 'only group' | null;
  }[];
  indicators: { indicatorId: string; tag?: string | null; whenAbsent?: string | null }[];
  updatedBy: string | null;
  updatedAt: string;
}

export interface BallotView {
  id: string;
  planId: string;
  groupId: string;
  evaluator: string;
  evaluatorId: string;
  evaluatorUnitId: string | null;
  entries: { unitId: string; grade?: string | null; score?: number | null }[];
  submittedBy: string | null;
  submittedRole: string;
  submittedAt: string;
  supersededAt: string | null;
  supersededBy: string | null;
  supersedes?: string | null;
  /** When the ballot takes effect: now (live scores) or at the next explicit re-score of a closed plan. */
  countsFrom?: 'live' | 'next re-score';
}

export interface UnitEventView {
  id: string;
  planId: string;
  unitId: string;
  type: string;
  item: string;
  itemName: string | null;
  points: number | null;
  note: string | null;
  recordedBy: string | null;
  recordedRole: string;
  recordedAt: string;
  voidedAt: string | null;
  voidedBy: string | null;
  voidReason: string | null;
  countsFrom?: 'live' | 'next re-score';
}

interface Ctx {
  plan: PlanRowLite;
  template: PlanTemplate;
  config: ScoringConfig;
}

export interface Computed extends Ctx {
  scores: PlanScores;
  built: BuiltInput;
  at: string;
  groupNames: Map<string, string>;
}

/** What a caller may see of scores: everything, one unit, or nothing. */
type Scope = { all: true } | { all: false; unitId: string };

const toRunView = (r: RunRow, withChanges = false): RunView => {
  const v: RunView = {
    id: r.id,
    kind: r.kind as RunView['kind'],
    at: r.at,
    reason: r.reason,
    actor: { userId: r.actor_user_id, role: r.actor_role, username: r.actor_username },
    templateId: r.template_id,
    templateVersion: r.template_version,
    provisional: r.provisional === 1,
  };
  if (withChanges) v.changes = r.changes ? (JSON.parse(r.changes) as RunChanges) : null;
  return v;
};

const toBallotView = (b: BallotRow): BallotView => ({
  id: b.id,
  planId: b.plan_id,
  groupId: b.group_id,
  evaluator: b.evaluator,
  evaluatorId: b.evaluator_id,
  evaluatorUnitId: b.evaluator_unit_id,
  entries: JSON.parse(b.entries) as BallotView['entries'],
  submittedBy: b.submitted_by,
  submittedRole: b.submitted_role,
  submittedAt: b.submitted_at,
  supersededAt: b.superseded_at,
  supersededBy: b.superseded_by,
});

const summaryOf = (u: UnitScore): UnitSummary => ({
  unitId: u.unitId,
  name: u.name ?? u.unitId,
  groupId: u.groupId,
  rank: u.rank,
  grade: u.grade,
  result: u.result,
  composite: u.composite,
  bonus: u.adjustments.bonus.total,
  deduction: u.adjustments.deduction.total,
  negativeList: u.adjustments.negativeList.total,
  final: u.final,
  finalDisplay: u.finalDisplay,
  provisional: u.provisional,
});

/** Strip the "field: " prefix the scoring checkers put on their messages. */
const reasonOf = (field: string, message: string): string => {
  const i = message.indexOf(`${field}: `);
  return i >= 0 ? message.slice(i + field.length + 2) : message;
};

/**
 * The scoring service (issue 4, the database half): feeds the pure `computePlanScores` from the read model,
 * stores comprehensive-evaluation ballots and unit events, freezes a plan's scores when it closes (task
 * events through the one write path plus a `score_runs` row, all in the close's transaction), records
 * explicit re-scores, and serves scores, scorecards and task scores with their explanations.
 */
@Injectable()
export class ScoresService implements OnModuleInit {
  private readonly logger = new Logger('Scores');
  private templates = new Map<string, PlanTemplate>();

  constructor(
    private readonly repo: ScoresRepository,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly commands: TaskCommandService,
    private readonly hooks: PlanStatusHooks,
    private readonly signal: OutboxSignal,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      this.templates = await loadPlanTemplates();
    } catch (e) {
      if ((e as ScoringError).code === ScoringErrorCode.InvalidTemplate && /not found|ENOENT/.test((e as Error).message)) {
        this.logger.warn(`no plan templates loaded: ${(e as Error).message}`);
      } else if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.logger.warn('config/plan-templates not found: no plan templates loaded');
      } else {
        throw e;
      }
    }
    this.hooks.register({
      // A plan without a usable scoring set-up is refused before its close job is written.
      check: async (planId, to) => {
        if (to === 'closed') await this.context(planId);
      },
      inTransaction: async (c) => {
        if (c.to === 'closed') await this.freezeInTransaction(c.planId, c.actor, c.at, 'close', null, c.progress);
      },
      afterCommit: (c) => {
        if (c.to === 'closed') this.signal.notify();
      },
    });
  }

  /** For tests and the benchmark: use these templates instead of config/plan-templates. */
  useTemplates(templates: Iterable<PlanTemplate>): void {
    for (const t of templates) this.templates.set(t.id, t);
  }

  listTemplates(): PlanTemplate[] {
    return [...this.templates.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  template(id: string): PlanTemplate {
    const t = this.templates.get(id);
    if (!t) throw DomainError.notFound('plan template', id);
    return t;
  }

  // ─── configuration ────────────────────────────────────────────────────────────────────────────

  async configure(planId: string, dto: ScoringConfigDto, actor: Actor): Promise<ScoringConfigView> {
    const plan = await this.plan(planId);
    const template = this.templates.get(dto.templateId);
    if (!template) {
      throw DomainError.validation([
        { field: 'templateId', reason: `unknown plan template "${dto.templateId}" (known: ${[...this.templates.keys()].join(', ') || 'none'})` },
      ]);
    }
    const groups = await this.repo.groups(planId);
    const problems: { field: string; reason: string }[] = [];
    const groupTemplates: Record<string, string> = {};
    (dto.groups ?? []).forEach((g, i) => {
      if (!groups.some((x) => x.id === g.groupId)) problems.push({ field: `groups[${i}].groupId`, reason: `plan ${planId} has no group ${g.groupId}` });
      else if (groupTemplates[g.groupId] !== undefined) problems.push({ field: `groups[${i}].groupId`, reason: `group ${g.groupId} is listed twice` });
      if (!template.groups.some((t) => t.key === g.template)) {
        problems.push({
          field: `groups[${i}].template`,
          reason: `template "${template.id}" has no group "${g.template}" (has: ${template.groups.map((t) => t.key).join(', ')})`,
        });
      }
      groupTemplates[g.groupId] = g.template;
    });
    const indicatorIds = await this.repo.indicatorIds(planId);
    const indicatorRules: ScoringConfig['indicatorRules'] = {};
    (dto.indicators ?? []).forEach((r, i) => {
      if (!indicatorIds.has(r.indicatorId))
        problems.push({ field: `indicators[${i}].indicatorId`, reason: `plan ${planId} has no indicator ${r.indicatorId}` });
      else if (indicatorRules[r.indicatorId]) problems.push({ field: `indicators[${i}].indicatorId`, reason: `indicator ${r.indicatorId} is listed twice` });
      const rule: ScoringConfig['indicatorRules'][string] = {};
      if (r.tag !== undefined) rule.tag = r.tag;
      if (r.whenAbsent !== undefined) rule.whenAbsent = r.whenAbsent;
      indicatorRules[r.indicatorId] = rule;
    });
    const config: ScoringConfig = { templateId: template.id, groupTemplates, indicatorRules };
    const unresolved = groups.filter((g) => this.resolveGroup(g, config, template).key === null);
    if (unresolved.length) {
      problems.push({
        field: 'groups',
        reason: `no template group for ${unresolved.map((g) => `${g.name} (${g.id}, kind ${g.kind})`).join(', ')}: name one of ${template.groups.map((t) => t.key).join(', ')}`,
      });
    }
    if (problems.length) throw DomainError.validation(problems);
    await this.db.transaction(
      async () =>
        await this.repo.upsertScoring({
          plan_id: plan.id,
          template_id: template.id,
          group_templates: JSON.stringify(groupTemplates),
          indicator_rules: JSON.stringify(indicatorRules),
          updated_by: actor.userId,
          updated_at: this.clock.nowIso(),
        }),
    );
    return await this.getConfig(planId);
  }

  async getConfig(planId: string): Promise<ScoringConfigView> {
    const { plan, template, config } = await this.context(planId);
    const row = (await this.repo.scoring(planId))!;
    return {
      planId: plan.id,
      templateId: template.id,
      templateName: template.name,
      groups: (await this.repo.groups(planId)).map((g) => {
        const r = this.resolveGroup(g, config, template);
        return {
          groupId: g.id,
          name: g.name,
          kind: g.kind,
          template: r.key,
          templateName: r.key ? template.groups.find((t) => t.key === r.key)!.name : null,
          how: r.how,
        };
      }),
      indicators: Object.entries(config.indicatorRules).map(([indicatorId, r]) => ({ indicatorId, ...r })),
      updatedBy: row.updated_by,
      updatedAt: row.updated_at,
    };
  }

  private resolveGroup(
    g: { id: string; name: string; kind: string },
    config: ScoringConfig,
    template: PlanTemplate,
  ): { key: string | null; how: ScoringConfigView['groups'][number]['how'] } {
    const explicit = config.groupTemplates[g.id];
    if (explicit !== undefined) return template.groups.some((t) => t.key === explicit) ? { key: explicit, how: 'configured' } : { key: null, how: null };
    if (template.groups.some((t) => t.key === g.kind)) return { key: g.kind, how: 'kind' };
    const byName = template.groups.find((t) => t.name === g.name);
    if (byName) return { key: byName.key, how: 'name' };
    if (template.groups.length === 1) return { key: template.groups[0].key, how: 'only group' };
    return { key: null, how: null };
  }

  // ─── computing ────────────────────────────────────────────────────────────────────────────────

  private async plan(planId: string): Promise<PlanRowLite> {
    const plan = await this.repo.plan(planId);
    if (!plan) throw DomainError.notFound('plan', planId);
    return plan;
  }

  private async context(planId: string): Promise<Ctx> {
    const plan = await this.plan(planId);
    const row = await this.repo.scoring(planId);
    if (!row) {
      throw new DomainError(ErrorCode.ScoringNotConfigured, `plan ${planId} has no scoring set-up yet: PUT /plans/${planId}/scoring with a templateId first`, {
        planId,
        templates: [...this.templates.keys()],
      });
    }
    const template = this.templates.get(row.template_id);
    if (!template) {
      throw new DomainError(ErrorCode.ScoringNotConfigured, `plan ${planId} uses plan template "${row.template_id}", which is not loaded`, {
        planId,
        templateId: row.template_id,
        templates: [...this.templates.keys()],
      });
    }
    const config: ScoringConfig = {
      templateId: template.id,
      groupTemplates: JSON.parse(row.group_templates) as ScoringConfig['groupTemplates'],
      indicatorRules: JSON.parse(row.indicator_rules) as ScoringConfig['indicatorRules'],
    };
    return { plan, template, config };
  }

  /** Scores of the plan as its read model stands now (provisional while the plan is open). */
  async computeLive(planId: string): Promise<Computed> {
    return await this.computeWith(await this.context(planId));
  }

  /**
   * `cache: false` inside a write transaction: facts read there may be rolled back, and a cached row must
   * never carry a version that a rollback could hand out again for different data.
   */
  private async computeWith(ctx: Ctx, opts: { cache?: boolean } = {}): Promise<Computed> {
    const planId = ctx.plan.id;
    const groups = await this.repo.groups(planId);
    const indicators = await this.repo.indicators(planId);
    const tasks = await this.repo.taskFacts(planId, new Map(indicators.map((i) => [i.id, i.method_code])), { cache: opts.cache });
    const specs = new Map<string, MethodSpec | undefined>();
    for (const ind of indicators) {
      const m = methodOf(ind);
      const v = validateMethodParams(m.code, m.params, { points: ind.points });
      specs.set(ind.id, v.ok ? v.value : undefined);
    }
    // The rare path, batched: tasks whose latest approved node carries no value the method needs.
    const rare: TaskFactRow[] = [];
    for (const t of tasks) {
      const spec = specs.get(t.indicator_id);
      if (spec && needsEarlierApprovals(t, spec)) rare.push(t);
    }
    const earlier = await this.repo.approvals(rare);
    const built = buildScoringInput({
      template: ctx.template,
      config: ctx.config,
      groups,
      members: await this.repo.members(planId),
      indicators,
      tasks,
      specOf: (ind) => specs.get(ind.id),
      facts: (row, spec, target) => taskFacts(row, spec, target, () => earlier.get(row.id) ?? []),
      ballots: (await this.repo.activeBallots(planId)).map(ballotOf),
      events: (await this.repo.activeUnitEvents(planId)).map(unitEventOf),
    });
    if (built.unresolvedGroups.length) {
      throw new DomainError(
        ErrorCode.ScoringNotConfigured,
        `no template group for plan group(s) ${built.unresolvedGroups.map((g) => g.name).join(', ')}: PUT /plans/${planId}/scoring with groups`,
        { planId, groups: built.unresolvedGroups.map((g) => g.id), templateGroups: ctx.template.groups.map((t) => t.key) },
      );
    }
    let scores: PlanScores;
    try {
      scores = computePlanScores(built.input);
    } catch (e) {
      if (e instanceof ScoringError) {
        throw new DomainError(ErrorCode.ScoringNotConfigured, `plan ${planId} cannot be scored as set up: ${e.message}`, {
          planId,
          problems: e.details.map((d) => ({ field: d.field, reason: d.message })),
        });
      }
      throw e;
    }
    if (built.issues.length) scores.issues.unshift(...built.issues);
    // A score recorded on a task (a supervisor's task.score) that differs from what its method gives.
    const recorded = new Map<string, number>();
    for (const t of tasks) if (t.recorded_score !== null) recorded.set(t.id, t.recorded_score);
    if (recorded.size) {
      for (const u of scores.units) {
        for (const s of u.indicators) {
          const r = s.taskId === undefined ? undefined : recorded.get(s.taskId);
          if (r !== undefined && roundHalfUp(r) !== roundHalfUp(s.score)) {
            scores.issues.push({
              level: 'warning',
              code: 'recorded_score_differs',
              message: `task ${s.taskId} was scored ${r} on the task itself; its method gives ${s.display} (the method's score counts)`,
              unitId: u.unitId,
              indicatorId: s.indicatorId,
              taskId: s.taskId,
            });
          }
        }
      }
    }
    return { ...ctx, scores, built, at: this.clock.nowIso(), groupNames: new Map(groups.map((g) => [g.id, g.name])) };
  }

  // ─── reading ──────────────────────────────────────────────────────────────────────────────────

  private scopeOf(actor: Actor): Scope {
    switch (actor.role) {
      case 'admin':
      case 'supervisor':
      case 'auditor':
      case 'leader':
      case 'system':
        return { all: true };
      case 'department':
        if (!actor.unitId) throw DomainError.forbidden('a department account without a unit sees no scores');
        return { all: false, unitId: actor.unitId };
      default:
        throw DomainError.forbidden(
          `role ${actor.role} may not read unit scores; an assessor reads the scores of the tasks it assesses (GET /tasks/{id}/score)`,
          { role: actor.role },
        );
    }
  }

  /** The frozen run to read, or null for live scores. */
  private async runFor(planId: string, q: { source?: ScoreSource; runId?: number }): Promise<RunRow | null> {
    if (q.runId !== undefined) {
      const r = await this.repo.run(planId, q.runId);
      if (!r) throw DomainError.notFound(`score run of plan ${planId}`, q.runId);
      return r;
    }
    if (q.source === 'live') return null;
    const latest = (await this.repo.latestRun(planId)) ?? null;
    if (q.source === 'frozen' && !latest)
      throw new DomainError(ErrorCode.NotFound, `plan ${planId} has no frozen scores yet (they are frozen when the plan closes)`, {
        resource: 'score run',
        planId,
      });
    return latest;
  }

  async planScores(planId: string, q: { source?: ScoreSource; runId?: number; detail?: 'summary' | 'full' }, actor: Actor): Promise<PlanScoresView> {
    const scope = this.scopeOf(actor);
    const plan = await this.plan(planId);
    const run = await this.runFor(planId, q);
    const full = q.detail === 'full';
    let view: PlanScoresView;
    if (run) {
      const summaries = await this.repo.unitScoreSummaries(run.id);
      const names = await this.repo.unitNames(summaries.map((s) => s.unit_id));
      const groups = (JSON.parse(run.groups) as GroupScores[]).map(({ ranking: _r, ...g }) => ({
        ...g,
        units: summaries.filter((s) => s.group_id === g.groupId).map((s) => frozenSummary(s, names.get(s.unit_id) ?? s.unit_id)),
      }));
      view = {
        planId,
        planName: plan.name,
        planStatus: plan.status,
        source: 'frozen',
        run: toRunView(run),
        at: run.at,
        templateId: run.template_id,
        provisional: run.provisional === 1,
        groups,
        issues: JSON.parse(run.issues) as ScoringIssue[],
      };
      if (full) {
        const breakdowns = scope.all
          ? await this.repo.unitBreakdowns(run.id)
          : [await this.repo.unitBreakdown(run.id, scope.unitId)].filter((b): b is string => b !== undefined);
        view.units = breakdowns.map((b) => JSON.parse(b) as UnitScore);
      }
    } else {
      const c = await this.computeLive(planId);
      view = {
        planId,
        planName: plan.name,
        planStatus: plan.status,
        source: 'live',
        run: null,
        at: c.at,
        templateId: c.template.id,
        provisional: plan.status !== 'closed' || c.scores.provisional,
        groups: groupViews(c.scores),
        issues: c.scores.issues,
      };
      if (full) view.units = c.scores.units;
    }
    if (!scope.all) {
      // A department: its own unit only while scores are live; the published (frozen) rankings of every
      // group once the plan has closed — but never another unit's breakdown or issues.
      const own = scope.unitId;
      if (view.source === 'live') {
        view.groups = view.groups.filter((g) => g.units.some((u) => u.unitId === own)).map((g) => ({ ...g, units: g.units.filter((u) => u.unitId === own) }));
      }
      view.issues = view.issues.filter((i) => i.unitId === own);
      if (view.units) view.units = view.units.filter((u) => u.unitId === own);
    }
    return view;
  }

  async scorecard(planId: string, unitId: string, q: { source?: ScoreSource; runId?: number }, actor: Actor): Promise<ScorecardView> {
    const scope = this.scopeOf(actor);
    if (!scope.all && scope.unitId !== unitId) throw DomainError.notFound(`scorecard of unit ${unitId} in plan`, planId);
    const plan = await this.plan(planId);
    const run = await this.runFor(planId, q);
    if (run) {
      const b = await this.repo.unitBreakdown(run.id, unitId);
      if (!b) throw DomainError.notFound(`scorecard of unit ${unitId} in plan`, planId);
      const scorecard = JSON.parse(b) as UnitScore;
      const groups = JSON.parse(run.groups) as GroupScores[];
      const g = groups.find((x) => x.groupId === scorecard.groupId);
      return {
        planId,
        planStatus: plan.status,
        source: 'frozen',
        run: toRunView(run),
        at: run.at,
        groupName: g?.name ?? null,
        groupSize: g?.ranking.length ?? 0,
        scorecard,
        issues: (JSON.parse(run.issues) as ScoringIssue[]).filter((i) => i.unitId === unitId),
      };
    }
    const c = await this.computeLive(planId);
    const scorecard = c.scores.units.find((u) => u.unitId === unitId);
    if (!scorecard) throw DomainError.notFound(`scorecard of unit ${unitId} in plan`, planId);
    const g = c.scores.groups.find((x) => x.groupId === scorecard.groupId);
    return {
      planId,
      planStatus: plan.status,
      source: 'live',
      run: null,
      at: c.at,
      groupName: g?.name ?? null,
      groupSize: g?.ranking.length ?? 0,
      scorecard,
      issues: c.scores.issues.filter((i) => i.unitId === unitId),
    };
  }

  async taskScore(taskId: string, q: { source?: ScoreSource; runId?: number }, actor: Actor): Promise<TaskScoreView> {
    const task = await this.repo.task(taskId);
    if (!task || !canSeeTask(actor, { unitId: task.unit_id, assessingUnitId: task.assessing_unit_id })) throw DomainError.notFound('task', taskId);
    const run = await this.runFor(task.plan_id, q);
    const recordedRaw = task.state === 'scored' ? await this.repo.recordedScore(taskId) : null;
    const base = { taskId, planId: task.plan_id, unitId: task.unit_id, indicatorId: task.indicator_id, state: task.state, recorded: recordedRaw };
    let score: IndicatorScore | null = null;
    let view: TaskScoreView;
    if (run) {
      const b = await this.repo.unitBreakdown(run.id, task.unit_id);
      if (b) score = (JSON.parse(b) as UnitScore).indicators.find((s) => s.taskId === taskId) ?? null;
      view = { ...base, source: 'frozen', run: toRunView(run), at: run.at, score };
    } else {
      const c = await this.computeLive(task.plan_id);
      const u = c.scores.units.find((x) => x.unitId === task.unit_id);
      score = u?.indicators.find((s) => s.taskId === taskId) ?? null;
      view = { ...base, source: 'live', run: null, at: c.at, score };
    }
    if (!score)
      view.note =
        task.state === 'cancelled'
          ? 'the task was cancelled: it is not scored'
          : `unit ${task.unit_id} is in no scored group of the plan, or the indicator is not scored (see the plan's issues)`;
    return view;
  }

  async runs(planId: string): Promise<RunView[]> {
    await this.plan(planId);
    const rows = await this.repo.runs(planId);
    const names = new Map<string, string>();
    const out = rows.map((r) => toRunView(r, true));
    for (const r of out) {
      for (const u of r.changes?.units ?? []) {
        if (!names.has(u.unitId)) names.set(u.unitId, (await this.repo.unitNames([u.unitId])).get(u.unitId)!);
        u.name = names.get(u.unitId);
      }
    }
    return out;
  }

  // ─── comprehensive evaluation ─────────────────────────────────────────────────────────────────

  async submitBallot(planId: string, dto: BallotDto, actor: Actor): Promise<BallotView> {
    const { plan, template } = await this.context(planId);
    const group = (await this.repo.groups(planId)).find((g) => g.id === dto.groupId);
    if (!group) throw DomainError.validation([{ field: 'groupId', reason: `plan ${planId} has no group ${dto.groupId}` }]);
    const config = template.evaluators.find((e) => e.key === dto.evaluator) as EvaluatorConfig | undefined;
    if (!config) {
      throw DomainError.validation([
        {
          field: 'evaluator',
          reason: `plan template "${template.id}" has no evaluator "${dto.evaluator}" (has: ${template.evaluators.map((e) => e.key).join(', ')})`,
        },
      ]);
    }
    let evaluatorId: string;
    let evaluatorUnitId: string | null;
    if (actor.role === 'department') {
      if (!actor.unitId) throw DomainError.forbidden('a department account without a unit cannot rate');
      if (!PEER_EVALUATORS.has(config.key)) {
        throw DomainError.forbidden(
          `a department may only cast a peer ballot (${[...PEER_EVALUATORS].join(', ')}); "${config.key}" ballots are entered by the office`,
          { field: 'evaluator' },
        );
      }
      if (dto.evaluatorId !== undefined && dto.evaluatorId !== actor.unitId) {
        throw DomainError.forbidden(`a department rates as its own unit ${actor.unitId}, not as ${dto.evaluatorId}`, { field: 'evaluatorId' });
      }
      if (dto.evaluatorUnitId !== undefined && dto.evaluatorUnitId !== actor.unitId) {
        throw DomainError.forbidden(`a department rates as its own unit ${actor.unitId}, not as ${dto.evaluatorUnitId}`, { field: 'evaluatorUnitId' });
      }
      evaluatorId = actor.unitId;
      evaluatorUnitId = actor.unitId;
    } else if (actor.role === 'leader') {
      // A leader casts its own ballot, as itself: the office no longer types it in (it still may, naming the leader).
      if (!LEADER_EVALUATORS.has(config.key)) {
        throw DomainError.forbidden(`a leader casts a leaders' ballot (${[...LEADER_EVALUATORS].join(', ')}), not "${config.key}"`, { field: 'evaluator' });
      }
      if (dto.evaluatorId !== undefined && dto.evaluatorId !== actor.userId) {
        throw DomainError.forbidden(`a leader rates as itself, not as ${dto.evaluatorId}`, { field: 'evaluatorId' });
      }
      if (!actor.userId) throw DomainError.forbidden('a leader casts its ballot from its own account', { field: 'evaluatorId' });
      evaluatorId = actor.userId;
      evaluatorUnitId = null;
    } else {
      if (dto.evaluatorId === undefined)
        throw DomainError.validation([{ field: 'evaluatorId', reason: 'name who rated (a leader, the office, a unit) when entering a ballot for them' }]);
      if (dto.evaluatorUnitId !== undefined && !(await this.repo.unitExists(dto.evaluatorUnitId))) {
        throw DomainError.validation([{ field: 'evaluatorUnitId', reason: `unit ${dto.evaluatorUnitId} does not exist` }]);
      }
      evaluatorId = dto.evaluatorId;
      evaluatorUnitId = dto.evaluatorUnitId ?? null;
    }
    const unitIds = (await this.repo.members(planId)).filter((m) => m.group_id === group.id).map((m) => m.unit_id);
    const entries = dto.entries.map((e) => {
      const out: { unitId: string; grade?: string; score?: number } = { unitId: e.unitId };
      if (e.grade !== undefined) out.grade = e.grade;
      if (e.score !== undefined) out.score = e.score;
      return out;
    });
    const id = randomUUID();
    const ballot: Ballot = { id, evaluator: config.key, evaluatorId, evaluatorUnitId, groupId: group.id, entries };
    try {
      assertValidBallot(ballot, config, unitIds);
    } catch (e) {
      throw ballotRefusal(e, ballot, config);
    }
    const at = this.clock.nowIso();
    const row: BallotRow = {
      id,
      plan_id: planId,
      group_id: group.id,
      evaluator: config.key,
      evaluator_id: evaluatorId,
      evaluator_unit_id: evaluatorUnitId,
      entries: JSON.stringify(entries),
      submitted_by: actor.userId,
      submitted_role: actor.role,
      submitted_at: at,
      superseded_at: null,
      superseded_by: null,
    };
    const prior = await this.db.transaction(async () => {
      const p = await this.repo.activeBallotOf(planId, group.id, config.key, evaluatorId);
      if (p) await this.repo.supersede(p.id, at, id);
      await this.repo.insertBallot(row);
      return p;
    });
    return { ...toBallotView(row), supersedes: prior?.id ?? null, countsFrom: plan.status === 'closed' ? 'next re-score' : 'live' };
  }

  async ballots(planId: string, all: boolean, actor: Actor): Promise<BallotView[]> {
    const scope = this.scopeOf(actor);
    await this.plan(planId);
    const opts: { evaluatorUnitId?: string; includeSuperseded: boolean } = { includeSuperseded: all };
    if (!scope.all) opts.evaluatorUnitId = scope.unitId;
    return (await this.repo.ballots(planId, opts)).map(toBallotView);
  }

  // ─── bonuses, deductions, negative list, vetoes ───────────────────────────────────────────────

  async recordUnitEvent(planId: string, dto: UnitEventDto, actor: Actor): Promise<UnitEventView> {
    const { plan, template } = await this.context(planId);
    if (!(await this.repo.members(planId)).some((m) => m.unit_id === dto.unitId)) {
      throw DomainError.validation([{ field: 'unitId', reason: `unit ${dto.unitId} is in no group of plan ${planId}` }]);
    }
    const ev: UnitEvent = { unitId: dto.unitId, type: dto.type, item: dto.item, points: dto.points ?? null };
    const problem = eventProblem(template.adjustments, ev);
    if (problem) throw DomainError.validation([{ field: /^points|has no default points/.test(problem) ? 'points' : 'item', reason: problem }]);
    const row: UnitEventRow = {
      id: randomUUID(),
      plan_id: planId,
      unit_id: dto.unitId,
      type: dto.type,
      item: dto.item,
      points: dto.points ?? null,
      note: dto.note ?? null,
      recorded_by: actor.userId,
      recorded_role: actor.role,
      recorded_at: this.clock.nowIso(),
      voided_at: null,
      voided_by: null,
      void_reason: null,
    };
    await this.db.transaction(async () => await this.repo.insertUnitEvent(row));
    return { ...this.unitEventView(row, template), countsFrom: plan.status === 'closed' ? 'next re-score' : 'live' };
  }

  async voidUnitEvent(planId: string, eventId: string, reason: string, actor: Actor): Promise<UnitEventView> {
    const { template } = await this.context(planId);
    return await this.db.transaction(async () => {
      const row = await this.repo.unitEvent(eventId);
      if (!row || row.plan_id !== planId) throw DomainError.notFound('unit event', eventId);
      if (row.voided_at)
        throw new DomainError(ErrorCode.EventNotAllowed, `unit event ${eventId} was already voided at ${row.voided_at}`, { voidedAt: row.voided_at });
      await this.repo.voidUnitEvent(eventId, this.clock.nowIso(), actor.userId, reason);
      return this.unitEventView((await this.repo.unitEvent(eventId))!, template);
    });
  }

  async unitEvents(planId: string, unitId: string | undefined, actor: Actor): Promise<UnitEventView[]> {
    const scope = this.scopeOf(actor);
    await this.plan(planId);
    if (!scope.all) {
      if (unitId !== undefined && unitId !== scope.unitId) return [];
      unitId = scope.unitId;
    }
    const template = this.templates.get((await this.repo.scoring(planId))?.template_id ?? '');
    return (await this.repo.unitEvents(planId, unitId)).map((r) => this.unitEventView(r, template));
  }

  private unitEventView(r: UnitEventRow, template: PlanTemplate | undefined): UnitEventView {
    const a = template?.adjustments;
    const list = !a
      ? []
      : r.type === 'bonus'
        ? a.bonuses.items
        : r.type === 'deduction'
          ? a.deductions.items
          : r.type === 'negative_list'
            ? a.negativeList.items
            : a.vetoes.items;
    return {
      id: r.id,
      planId: r.plan_id,
      unitId: r.unit_id,
      type: r.type,
      item: r.item,
      itemName: list.find((i) => i.key === r.item)?.name ?? null,
      points: r.points,
      note: r.note,
      recordedBy: r.recorded_by,
      recordedRole: r.recorded_role,
      recordedAt: r.recorded_at,
      voidedAt: r.voided_at,
      voidedBy: r.voided_by,
      voidReason: r.void_reason,
    };
  }

  // ─── freezing ─────────────────────────────────────────────────────────────────────────────────

  /** An explicit, recorded re-score of a closed plan: a new frozen run with who, why and what changed. */
  async rescore(planId: string, reason: string, actor: Actor): Promise<RunView> {
    const run = await this.db.transaction(async () => {
      const plan = await this.plan(planId);
      if (plan.status !== 'closed') {
        throw new DomainError(
          ErrorCode.EventNotAllowed,
          `plan ${planId} is ${plan.status}: its scores are live until it closes; only a closed plan is re-scored`,
          {
            field: 'status',
            current: plan.status,
          },
        );
      }
      return await this.freezeInTransaction(planId, actor, this.clock.nowIso(), 'rescore', reason);
    });
    this.signal.notify();
    return run;
  }

  /**
   * Freeze the plan's scores; must run inside a transaction (the plan's close, or a re-score). Unfinished
   * live tasks get `task.close`, then every completed or closed task gets `task.score { score, note }`,
   * through the one write path (TaskCommandService), so each task's history shows its frozen score. The
   * unit totals and breakdowns go to `score_runs` / `unit_scores`. Anything refused throws and nothing of
   * the close is written. Between steps it yields to the event loop through `progress` (phases
   * closing-tasks, scoring-tasks, writing-run), so a close of 10,000 tasks does not stall the service.
   */
  async freezeInTransaction(
    planId: string,
    actor: Actor,
    at: string,
    kind: 'close' | 'rescore',
    reason: string | null,
    progress: Progress = new Progress(),
  ): Promise<RunView> {
    const ctx = await this.context(planId);
    progress.begin('computing', 1);
    const before = await this.computeWith(ctx, { cache: false });
    await progress.step();
    const ungrouped = before.scores.issues.filter((i) => i.code === 'unit_not_in_group');
    if (ungrouped.length) {
      throw new DomainError(
        ErrorCode.ScoringNotConfigured,
        `cannot freeze plan ${planId}: ${ungrouped.map((i) => i.message).join('; ')}. Put every unit with tasks in a group first`,
        {
          planId,
          units: ungrouped.map((i) => i.unitId),
        },
      );
    }
    const taskActor: Actor = actor.role === 'supervisor' ? actor : SYSTEM_ACTOR;
    const live = await this.repo.liveTaskIds(planId);
    progress.begin('closing-tasks', live.length);
    for (const id of live) {
      await this.commands.applyInTransaction(id, { type: 'task.close', at, reason: CLOSE_REASON }, taskActor);
      await progress.step();
    }
    const c = live.length ? await this.computeWith(ctx, { cache: false }) : before;

    const states = await this.repo.taskStates(planId);
    progress.begin('scoring-tasks', [...states.values()].filter((s) => s === 'completed' || s === 'closed').length);
    const needsScore = (id: string) => {
      const s = states.get(id);
      return s === 'completed' || s === 'closed';
    };
    for (const u of c.scores.units) {
      for (const s of u.indicators) {
        if (s.taskId === undefined || !needsScore(s.taskId)) continue;
        const note = `${s.explanation.method.name}：${s.explanation.formula}${s.missing ? `（缺少：${s.missing.join('、')}，按 0 / 未完成计）` : ''}`;
        await this.commands.applyInTransaction(s.taskId, { type: 'task.score', at, score: s.score, note: note.slice(0, 1000) }, taskActor);
        states.set(s.taskId, 'scored');
        await progress.step();
      }
    }
    for (const [id] of states) {
      if (needsScore(id)) {
        await this.commands.applyInTransaction(
          id,
          { type: 'task.score', at, score: 0, note: '指标未计分（分值为 0 或单位不在计分分组中），记 0 分' },
          taskActor,
        );
        await progress.step();
      }
    }
    progress.begin('writing-run', c.scores.units.length);

    const previous = await this.repo.latestRun(planId);
    const changes = previous ? diffRuns(previous.id, await this.repo.unitScoreSummaries(previous.id), c.scores.units) : null;
    const runId = await this.repo.insertRun({
      plan_id: planId,
      kind,
      reason,
      actor_user_id: actor.userId,
      actor_role: actor.role,
      actor_username: actor.username ?? null,
      at,
      template_id: c.template.id,
      template_version: c.template.version,
      provisional: c.scores.provisional ? 1 : 0,
      groups: JSON.stringify(c.scores.groups),
      issues: JSON.stringify(c.scores.issues),
      changes: changes ? JSON.stringify(changes) : null,
    });
    for (const u of c.scores.units) {
      await this.repo.insertUnitScore({
        run_id: runId,
        unit_id: u.unitId,
        group_id: u.groupId,
        composite: u.composite,
        bonus: u.adjustments.bonus.total,
        deduction: u.adjustments.deduction.total,
        negative_list: u.adjustments.negativeList.total,
        final: u.final,
        rank: u.rank,
        grade: u.grade,
        result: u.result,
        provisional: u.provisional ? 1 : 0,
        breakdown: JSON.stringify(u),
      });
      await progress.step();
    }
    return toRunView((await this.repo.run(planId, runId))!, true);
  }

  // ─── exports ──────────────────────────────────────────────────────────────────────────────────

  /** Everything a score sheet needs, live or frozen (supervisors, auditors, admins). */
  async sheetData(planId: string, q: { source?: ScoreSource; runId?: number }): Promise<SheetData> {
    const plan = await this.plan(planId);
    const run = await this.runFor(planId, q);
    if (run) {
      const groups = JSON.parse(run.groups) as GroupScores[];
      const units = (await this.repo.unitBreakdowns(run.id)).map((b) => JSON.parse(b) as UnitScore);
      return { plan, source: 'frozen', run: toRunView(run), at: run.at, groups, units };
    }
    const c = await this.computeLive(planId);
    return { plan, source: 'live', run: null, at: c.at, groups: c.scores.groups, units: c.scores.units };
  }
}

export interface SheetData {
  plan: PlanRowLite;
  source: ScoreSource;
  run: RunView | null;
  at: string;
  groups: GroupScores[];
  units: UnitScore[];
}

function ballotOf(b: BallotRow): Ballot {
  return {
    id: b.id,
    evaluator: b.evaluator,
    evaluatorId: b.evaluator_id,
    evaluatorUnitId: b.evaluator_unit_id,
    groupId: b.group_id,
    entries: JSON.parse(b.entries) as Ballot['entries'],
  };
}

function unitEventOf(r: UnitEventRow): UnitEvent {
  const e: UnitEvent = { id: r.id, unitId: r.unit_id, type: r.type as UnitEventType, item: r.item };
  if (r.points !== null) e.points = r.points;
  if (r.note !== null) e.note = r.note;
  return e;
}

function frozenSummary(s: UnitScoreSummaryRow, name: string): UnitSummary {
  return {
    unitId: s.unit_id,
    name,
    groupId: s.group_id,
    rank: s.rank,
    grade: s.grade,
    result: s.result as UnitSummary['result'],
    composite: s.composite,
    bonus: s.bonus,
    deduction: s.deduction,
    negativeList: s.negative_list,
    final: s.final,
    finalDisplay: roundHalfUp(s.final).toFixed(2),
    provisional: s.provisional === 1,
  };
}

export function groupViews(scores: PlanScores): GroupView[] {
  const byId = new Map(scores.units.map((u) => [u.unitId, u]));
  return scores.groups.map(({ ranking, ...g }) => ({ ...g, units: ranking.map((id) => summaryOf(byId.get(id)!)) }));
}

function diffRuns(previousRunId: number, before: UnitScoreSummaryRow[], after: UnitScore[]): RunChanges {
  const prev = new Map(before.map((b) => [b.unit_id, b]));
  const units: UnitChange[] = [];
  const seen = new Set<string>();
  for (const a of after) {
    seen.add(a.unitId);
    const b = prev.get(a.unitId);
    const now = { final: a.final, rank: a.rank, grade: a.grade, result: a.result };
    if (!b) {
      units.push({ unitId: a.unitId, before: null, after: now });
      continue;
    }
    if (roundHalfUp(b.final) !== roundHalfUp(a.final) || b.rank !== a.rank || b.grade !== a.grade || b.result !== a.result) {
      units.push({ unitId: a.unitId, before: { final: b.final, rank: b.rank, grade: b.grade, result: b.result }, after: now });
    }
  }
  for (const b of before)
    if (!seen.has(b.unit_id)) units.push({ unitId: b.unit_id, before: { final: b.final, rank: b.rank, grade: b.grade, result: b.result }, after: null });
  return { previousRunId, units };
}

/** A ballot the scoring rules refuse → the domain error the filter maps (quota 422, self-rating 403, else 400). */
function ballotRefusal(e: unknown, ballot: Ballot, config: EvaluatorConfig): Error {
  if (!(e instanceof ScoringError)) return e as Error;
  const fields = e.details.map((d) => ({ field: d.field, reason: reasonOf(d.field, d.message) }));
  switch (e.code) {
    case ScoringErrorCode.BallotQuotaExceeded: {
      const counts = new Map<string, number>();
      for (const en of ballot.entries) if (en.grade) counts.set(en.grade, (counts.get(en.grade) ?? 0) + 1);
      const quota = checkBallotQuota(ballot.entries.length, config.quota ?? [], counts);
      return new DomainError(ErrorCode.BallotQuotaExceeded, e.message, { fields, quota, rated: ballot.entries.length });
    }
    case ScoringErrorCode.BallotSelfRating:
      return new DomainError(ErrorCode.BallotSelfRating, e.message, { fields, evaluatorUnitId: ballot.evaluatorUnitId });
    default:
      return DomainError.validation(fields.length ? fields : [{ field: 'entries', reason: e.message }]);
  }
}
