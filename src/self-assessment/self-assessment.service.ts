import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode, type FieldProblem } from '../common/domain-error.js';
import { EvidenceService, type StagedFile } from '../evidence/evidence.service.js';
import { PlansService } from '../plans/plans.service.js';
import { ScoresService } from '../scores/scores.service.js';
import {
  brokenLink,
  difference,
  eventHashOf,
  GENESIS,
  itemProblems,
  unscored,
  windowInstants,
  windowState,
  type CarriedIndicator,
  type ItemInput,
  type WindowState,
} from './self-assessment-rules.js';
import { SelfAssessmentRepository, type AssessmentRow, type AssessmentStatus, type ItemRow, type WindowRow } from './self-assessment.repository.js';

export interface WindowView {
  planId: string;
  state: WindowState;
  opensOn: string | null;
  closesOn: string | null;
  opensAt: string | null;
  closesAt: string | null;
  updatedAt: string | null;
}

export interface ItemView {
  indicatorId: string;
  code: string;
  name: string;
  points: number;
  selfScore: number | null;
  note: string | null;
}

export interface AssessmentView {
  planId: string;
  unitId: string;
  unitName: string;
  window: WindowView;
  /** none: nothing entered yet. */
  status: AssessmentStatus | 'none';
  version: number;
  /** Final once the unit's head signed it off (the office treats only that as the unit's self-assessment). */
  final: boolean;
  /** The items: the unit sees its own always; the office only once signed (null before). */
  items: ItemView[] | null;
  selfTotal: number | null;
  pointsTotal: number;
  report: { name: string; size: number; mimeType: string; sha256: string } | null;
  signer: { userId: string; name: string } | null;
  submittedAt: string | null;
  signedAt: string | null;
  returnedReason: string | null;
  /** For the unit: who may be named to sign (its other active department users). */
  signerCandidates?: { userId: string; name: string }[];
  /** What this caller may do now: save, upload, submit, sign, return. */
  allowed: string[];
}

export interface ComparisonLine {
  indicatorId: string;
  code: string;
  name: string;
  points: number;
  selfScore: number | null;
  assessedScore: number | null;
  difference: number | null;
}

export interface ComparisonUnit {
  unitId: string;
  unitName: string;
  status: AssessmentStatus | 'none';
  final: boolean;
  selfTotal: number | null;
  assessedTotal: number | null;
  difference: number | null;
  lines: ComparisonLine[];
}

export interface ComparisonView {
  planId: string;
  /** live or frozen: where the assessed scores came from; null when the plan cannot be scored yet. */
  source: string | null;
  scoresAt: string | null;
  /** Why assessed scores are missing (scoring not set up), in Chinese. */
  note: string | null;
  units: ComparisonUnit[];
}

export interface HistoryEntry {
  seq: number;
  type: string;
  payload: unknown;
  actorUserId: string | null;
  actorRole: string;
  at: string;
  hash: string;
}

const OFFICE_ROLES = new Set(['admin', 'supervisor', 'auditor', 'assessor', 'leader']);
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Self-assessment (自评): the office sets a window per plan; each unit enters a self-score and note per
 * indicator it carries and uploads its report; it submits naming its head, who signs it off (or returns it);
 * after the window closes nothing changes. Every change is an event in the assessment's own hash chain,
 * written in the same transaction as the change, with the version checked (409 on a concurrent edit).
 */
@Injectable()
export class SelfAssessmentService {
  constructor(
    private readonly repo: SelfAssessmentRepository,
    private readonly plans: PlansService,
    private readonly evidence: EvidenceService,
    private readonly scores: ScoresService,
    private readonly clock: Clock,
  ) {}

  // ---- the window ----

  private windowView(planId: string, w: WindowRow | undefined): WindowView {
    return {
      planId,
      state: windowState(w && { opensAt: w.opens_at, closesAt: w.closes_at }, this.clock.nowIso()),
      opensOn: w?.opens_on ?? null,
      closesOn: w?.closes_on ?? null,
      opensAt: w?.opens_at ?? null,
      closesAt: w?.closes_at ?? null,
      updatedAt: w?.updated_at ?? null,
    };
  }

  async getWindow(planId: string): Promise<WindowView> {
    await this.plans.get(planId);
    return this.windowView(planId, await this.repo.window(planId));
  }

  async setWindow(planId: string, dto: { opensOn: string; closesOn: string }, actor: Actor): Promise<WindowView> {
    const plan = await this.plans.get(planId);
    const instants = windowInstants(dto.opensOn, dto.closesOn, plan.timezone);
    if (Array.isArray(instants)) throw DomainError.validation(instants);
    const row: WindowRow = {
      plan_id: planId,
      opens_on: dto.opensOn,
      closes_on: dto.closesOn,
      opens_at: instants.opensAt,
      closes_at: instants.closesAt,
      updated_by: actor.userId,
      updated_at: this.clock.nowIso(),
    };
    await this.repo.transaction(() => this.repo.upsertWindow(row));
    return this.windowView(planId, row);
  }

  /** Writes happen only while the window is open: else 409 naming the window (and its deadline). */
  private async assertOpen(planId: string): Promise<WindowView> {
    const w = this.windowView(planId, await this.repo.window(planId));
    if (w.state === 'open') return w;
    const what =
      w.state === 'closed'
        ? `the self-assessment closed at ${w.closesAt}`
        : w.state === 'not_open'
          ? `the self-assessment opens at ${w.opensAt}`
          : 'no self-assessment window is set for this plan';
    throw new DomainError(ErrorCode.SelfAssessmentClosed, what, {
      field: 'window',
      state: w.state,
      opensOn: w.opensOn,
      closesOn: w.closesOn,
      opensAt: w.opensAt,
      closesAt: w.closesAt,
    });
  }

  // ---- who may see and do what ----

  private assertOwnUnit(unitId: string, actor: Actor): void {
    if (actor.role !== 'department' || actor.unitId !== unitId) {
      throw DomainError.forbidden(`only a department user of unit ${unitId} may do this`, { role: actor.role, allowed: ['department'] });
    }
  }

  private assertCanSee(unitId: string, actor: Actor): void {
    if (OFFICE_ROLES.has(actor.role)) return;
    if (actor.role === 'department' && actor.unitId === unitId) return;
    throw DomainError.notFound('self-assessment', unitId);
  }

  private carried(rows: { indicator_id: string; code: string; points: number }[]): CarriedIndicator[] {
    return rows.map((r) => ({ indicatorId: r.indicator_id, code: r.code, points: r.points }));
  }

  /** The unit's own id for `mine`; a department user without a unit has none. */
  ownUnit(actor: Actor): string {
    if (actor.role !== 'department' || !actor.unitId)
      throw DomainError.forbidden('only a department user with a unit has its own self-assessment', { role: actor.role, allowed: ['department'] });
    return actor.unitId;
  }

  async view(planId: string, unitId: string, actor: Actor): Promise<AssessmentView> {
    this.assertCanSee(unitId, actor);
    await this.plans.get(planId);
    const indicators = await this.repo.unitIndicators(planId, unitId);
    const units = await this.repo.unitsOfPlan(planId);
    const unit = units.find((u) => u.unit_id === unitId);
    if (!unit) throw DomainError.notFound('self-assessment', unitId);
    const window = this.windowView(planId, await this.repo.window(planId));
    const a = await this.repo.assessment(planId, unitId);
    const own = actor.role === 'department' && actor.unitId === unitId;
    const items = a ? await this.repo.items(a.id) : [];
    const byId = new Map(items.map((i) => [i.indicator_id, i]));
    const lines: ItemView[] = indicators.map((i) => ({
      indicatorId: i.indicator_id,
      code: i.code,
      name: i.name,
      points: i.points,
      selfScore: byId.get(i.indicator_id)?.self_score ?? null,
      note: byId.get(i.indicator_id)?.note ?? null,
    }));
    const final = a?.status === 'signed';
    const visible = own || final;
    const signer = a?.signer_user_id ? await this.repo.user(a.signer_user_id) : undefined;
    const total = lines.every((l) => l.selfScore == null) ? null : round2(lines.reduce((s, l) => s + (l.selfScore ?? 0), 0));
    const view: AssessmentView = {
      planId,
      unitId,
      unitName: unit.unit_name,
      window,
      status: a?.status ?? 'none',
      version: a?.version ?? 0,
      final,
      items: visible ? lines : null,
      selfTotal: visible ? total : null,
      pointsTotal: round2(indicators.reduce((s, i) => s + i.points, 0)),
      report: a?.report_sha256 && visible ? { name: a.report_name!, size: a.report_size!, mimeType: a.report_mime!, sha256: a.report_sha256 } : null,
      signer: signer ? { userId: signer.id, name: signer.display_name } : null,
      submittedAt: a?.submitted_at ?? null,
      signedAt: a?.signed_at ?? null,
      returnedReason: a?.returned_reason ?? null,
      allowed: this.allowedFor(a, window.state, actor, unitId),
    };
    if (own) {
      view.signerCandidates = (await this.repo.usersOfUnit(unitId)).filter((u) => u.id !== actor.userId).map((u) => ({ userId: u.id, name: u.display_name }));
    }
    return view;
  }

  private allowedFor(a: AssessmentRow | undefined, state: WindowState, actor: Actor, unitId: string): string[] {
    if (state !== 'open' || actor.role !== 'department' || actor.unitId !== unitId) return [];
    const status = a?.status ?? 'draft';
    if (status === 'draft') return ['save', 'upload', 'submit'];
    if (status === 'submitted' && a?.signer_user_id === actor.userId) return ['sign', 'return'];
    return [];
  }

  // ---- the unit's changes ----

  /** Run `change` on the unit's assessment (created as a draft when absent) in one transaction with its event. */
  private async change(
    planId: string,
    unitId: string,
    actor: Actor,
    expectedVersion: number | undefined,
    type: string,
    change: (a: AssessmentRow, at: string) => Promise<Record<string, unknown>>,
  ): Promise<void> {
    await this.repo.transaction(async () => {
      await this.assertOpen(planId);
      const at = this.clock.nowIso();
      let a = await this.repo.assessment(planId, unitId);
      if (!a) {
        a = {
          id: randomUUID(),
          plan_id: planId,
          unit_id: unitId,
          status: 'draft',
          version: 0,
          signer_user_id: null,
          report_sha256: null,
          report_name: null,
          report_size: null,
          report_mime: null,
          submitted_by: null,
          submitted_at: null,
          signed_by: null,
          signed_at: null,
          returned_reason: null,
          last_seq: 0,
          last_hash: GENESIS,
          created_at: at,
          updated_at: at,
        };
        await this.repo.insertAssessment(a);
      }
      if (expectedVersion !== undefined && expectedVersion !== a.version) {
        throw new DomainError(ErrorCode.VersionConflict, `the self-assessment is at version ${a.version}, not ${expectedVersion}`, {
          field: 'version',
          expected: expectedVersion,
          actual: a.version,
        });
      }
      const before = a.version;
      const next: AssessmentRow = { ...a };
      const payload = await change(next, at);
      const seq = a.last_seq + 1;
      const fields = { assessmentId: a.id, seq, type, payload, actorUserId: actor.userId, actorRole: actor.role, at, prevHash: a.last_hash };
      const hash = eventHashOf(fields);
      await this.repo.appendEvent({
        assessment_id: a.id,
        seq,
        type,
        payload: JSON.stringify(payload),
        actor_user_id: actor.userId,
        actor_role: actor.role,
        at,
        prev_hash: a.last_hash,
        hash,
      });
      next.version = before + 1;
      next.last_seq = seq;
      next.last_hash = hash;
      next.updated_at = at;
      if (!(await this.repo.updateAssessment(next, before))) {
        throw new DomainError(ErrorCode.VersionConflict, 'the self-assessment was changed by someone else meanwhile', { field: 'version' });
      }
    });
  }

  private refuse(status: AssessmentStatus, what: string, zh: string): DomainError {
    return new DomainError(ErrorCode.EventNotAllowed, `a ${status} self-assessment cannot be ${what}`, { field: 'status', state: status, messageZh: zh });
  }

  async save(planId: string, unitId: string, dto: { items: ItemInput[]; version?: number }, actor: Actor): Promise<AssessmentView> {
    this.assertOwnUnit(unitId, actor);
    const carried = this.carried(await this.repo.unitIndicators(planId, unitId));
    const problems = itemProblems(dto.items, carried);
    if (problems.length) throw DomainError.validation(problems);
    await this.change(planId, unitId, actor, dto.version, 'self-assessment.saved', async (a) => {
      if (a.status !== 'draft')
        throw this.refuse(
          a.status,
          'edited',
          a.status === 'signed' ? '自评已由负责人签认，不能再修改' : '自评已提交，正等待负责人签认；如需修改，请负责人退回',
        );
      const current = new Map((await this.repo.items(a.id)).map((i) => [i.indicator_id, i]));
      for (const it of dto.items) current.set(it.indicatorId, { indicator_id: it.indicatorId, self_score: it.selfScore, note: it.note?.trim() || null });
      await this.repo.replaceItems(a.id, [...current.values()]);
      return { items: dto.items.map((i) => ({ indicatorId: i.indicatorId, selfScore: i.selfScore, note: i.note ?? null })) };
    });
    return this.view(planId, unitId, actor);
  }

  /** The upload is staged (size, type and magic bytes checked) before anything is written; the window and status are checked first. */
  async stageReport(
    planId: string,
    unitId: string,
    file: { filename: string; mimetype: string; stream: Readable & { truncated?: boolean } },
    actor: Actor,
  ): Promise<StagedFile> {
    this.assertOwnUnit(unitId, actor);
    await this.assertOpen(planId);
    const a = await this.repo.assessment(planId, unitId);
    if (a && a.status !== 'draft') throw this.refuse(a.status, 'given a new report', '自评已提交或已签认，不能再更换自评报告');
    return await this.evidence.stageFile(file);
  }

  discard(staged: StagedFile): void {
    this.evidence.discard(staged);
  }

  async attachReport(planId: string, unitId: string, staged: StagedFile, actor: Actor): Promise<AssessmentView> {
    // Bytes first (content-addressed), then the row: a crash between leaves unreferenced bytes, never a row without bytes.
    const fresh = this.evidence.place(staged);
    try {
      await this.change(planId, unitId, actor, undefined, 'self-assessment.report-uploaded', async (a) => {
        if (a.status !== 'draft') throw this.refuse(a.status, 'given a new report', '自评已提交或已签认，不能再更换自评报告');
        a.report_sha256 = staged.sha256;
        a.report_size = staged.size;
        a.report_name = staged.name;
        a.report_mime = staged.mime;
        return { sha256: staged.sha256, size: staged.size, name: staged.name, mimeType: staged.mime };
      });
    } catch (e) {
      if (fresh) this.evidence.unplace(staged);
      throw e;
    }
    return this.view(planId, unitId, actor);
  }

  async openReport(planId: string, unitId: string, actor: Actor): Promise<{ name: string; mimeType: string; size: number; stream: Readable }> {
    const v = await this.view(planId, unitId, actor);
    if (!v.report) throw DomainError.notFound('self-assessment report', unitId);
    return { name: v.report.name, mimeType: v.report.mimeType, size: v.report.size, stream: this.evidence.openBytes(v.report.sha256, v.report.size) };
  }

  async submit(planId: string, unitId: string, dto: { signerUserId: string; version?: number }, actor: Actor): Promise<AssessmentView> {
    this.assertOwnUnit(unitId, actor);
    const carried = this.carried(await this.repo.unitIndicators(planId, unitId));
    const signer = await this.repo.user(dto.signerUserId);
    await this.change(planId, unitId, actor, dto.version, 'self-assessment.submitted', async (a, at) => {
      if (a.status !== 'draft') throw this.refuse(a.status, 'submitted', a.status === 'signed' ? '自评已签认，无需再次提交' : '自评已提交，正等待负责人签认');
      const scores = new Map((await this.repo.items(a.id)).map((i) => [i.indicator_id, i.self_score]));
      const problems: FieldProblem[] = unscored(carried, scores).map((c) => ({ field: `items.${c.code}`, reason: `indicator ${c.code}: no self-score yet` }));
      if (!a.report_sha256) problems.push({ field: 'report', reason: 'upload the self-assessment report first' });
      if (!signer || signer.role !== 'department' || signer.unit_id !== unitId || signer.disabled || signer.id === actor.userId) {
        problems.push({ field: 'signerUserId', reason: 'must be another active department user of this unit (its head)' });
      }
      if (problems.length) throw DomainError.validation(problems);
      a.status = 'submitted';
      a.signer_user_id = dto.signerUserId;
      a.submitted_by = actor.userId;
      a.submitted_at = at;
      a.returned_reason = null;
      return { signerUserId: dto.signerUserId };
    });
    return this.view(planId, unitId, actor);
  }

  async signOff(planId: string, unitId: string, dto: { version?: number }, actor: Actor): Promise<AssessmentView> {
    this.assertOwnUnit(unitId, actor);
    await this.change(planId, unitId, actor, dto.version, 'self-assessment.signed', async (a, at) => {
      if (a.status !== 'submitted') throw this.refuse(a.status, 'signed', a.status === 'signed' ? '自评已签认' : '自评尚未提交，不能签认');
      if (a.signer_user_id !== actor.userId) throw DomainError.forbidden('only the head named on submission may sign it off', { field: 'signerUserId' });
      a.status = 'signed';
      a.signed_by = actor.userId;
      a.signed_at = at;
      return {};
    });
    return this.view(planId, unitId, actor);
  }

  async returnToDraft(planId: string, unitId: string, dto: { reason: string; version?: number }, actor: Actor): Promise<AssessmentView> {
    this.assertOwnUnit(unitId, actor);
    await this.change(planId, unitId, actor, dto.version, 'self-assessment.returned', async (a) => {
      if (a.status !== 'submitted') throw this.refuse(a.status, 'returned', a.status === 'signed' ? '自评已签认，不能退回' : '自评尚未提交，无需退回');
      if (a.signer_user_id !== actor.userId) throw DomainError.forbidden('only the head named on submission may return it', { field: 'signerUserId' });
      a.status = 'draft';
      a.returned_reason = dto.reason;
      a.submitted_at = null;
      a.submitted_by = null;
      return { reason: dto.reason };
    });
    return this.view(planId, unitId, actor);
  }

  // ---- the office's views ----

  async list(planId: string): Promise<Omit<AssessmentView, 'items' | 'window' | 'allowed' | 'signerCandidates' | 'report'>[]> {
    await this.plans.get(planId);
    const units = await this.repo.unitsOfPlan(planId);
    const rows = new Map((await this.repo.assessmentsOfPlan(planId)).map((a) => [a.unit_id, a]));
    const totals = new Map<string, number>();
    for (const it of await this.repo.itemsOfPlan(planId)) totals.set(it.unit_id, round2((totals.get(it.unit_id) ?? 0) + (it.self_score ?? 0)));
    const points = new Map<string, number>();
    for (const u of units) points.set(u.unit_id, round2((await this.repo.unitIndicators(planId, u.unit_id)).reduce((s, i) => s + i.points, 0)));
    return units.map((u) => {
      const a = rows.get(u.unit_id);
      const final = a?.status === 'signed';
      return {
        planId,
        unitId: u.unit_id,
        unitName: u.unit_name,
        status: a?.status ?? 'none',
        version: a?.version ?? 0,
        final,
        selfTotal: final ? (totals.get(u.unit_id) ?? 0) : null,
        pointsTotal: points.get(u.unit_id) ?? 0,
        signer: null,
        submittedAt: a?.submitted_at ?? null,
        signedAt: a?.signed_at ?? null,
        returnedReason: a?.returned_reason ?? null,
      };
    });
  }

  /** Self vs assessed, per unit and indicator: signed self-assessments only (others show status, no self scores). */
  async comparison(planId: string, actor: Actor): Promise<ComparisonView> {
    await this.plans.get(planId);
    const own = actor.role === 'department' ? actor.unitId : null;
    if (!OFFICE_ROLES.has(actor.role) && !own) throw DomainError.forbidden('only the office or a unit may compare self-assessments', { role: actor.role });
    let assessed: Map<string, Map<string, number>> | null = null;
    let source: string | null = null;
    let scoresAt: string | null = null;
    let note: string | null = null;
    try {
      const s = await this.scores.planScores(planId, { detail: 'full' }, actor);
      source = s.source;
      scoresAt = s.at;
      assessed = new Map(
        (s.units ?? []).map((u) => [u.unitId, new Map(u.indicators.filter((i) => i.status !== 'group_average').map((i) => [i.indicatorId, i.score]))]),
      );
    } catch (e) {
      if (!(e instanceof DomainError) || e.code !== ErrorCode.ScoringNotConfigured) throw e;
      note = '该考核方案尚未完成计分设置，暂无考核得分可对照';
    }
    const rows = new Map((await this.repo.assessmentsOfPlan(planId)).map((a) => [a.unit_id, a]));
    const units = (await this.repo.unitsOfPlan(planId)).filter((u) => !own || u.unit_id === own);
    const out: ComparisonUnit[] = [];
    for (const u of units) {
      const a = rows.get(u.unit_id);
      const visible = a?.status === 'signed' || own === u.unit_id;
      const items: ItemRow[] = a && visible ? await this.repo.items(a.id) : [];
      const self = new Map(items.map((i) => [i.indicator_id, i.self_score]));
      const scored = assessed?.get(u.unit_id);
      const lines: ComparisonLine[] = (await this.repo.unitIndicators(planId, u.unit_id)).map((i) => {
        const selfScore = self.get(i.indicator_id) ?? null;
        const assessedScore = scored?.get(i.indicator_id) ?? null;
        return {
          indicatorId: i.indicator_id,
          code: i.code,
          name: i.name,
          points: i.points,
          selfScore,
          assessedScore,
          difference: difference(selfScore, assessedScore),
        };
      });
      const sum = (xs: (number | null)[]) => (xs.every((x) => x == null) ? null : round2(xs.reduce<number>((s, x) => s + (x ?? 0), 0)));
      const selfTotal = sum(lines.map((l) => l.selfScore));
      const assessedTotal = sum(lines.map((l) => l.assessedScore));
      out.push({
        unitId: u.unit_id,
        unitName: u.unit_name,
        status: a?.status ?? 'none',
        final: a?.status === 'signed',
        selfTotal,
        assessedTotal,
        difference: difference(selfTotal, assessedTotal),
        lines,
      });
    }
    return { planId, source, scoresAt, note, units: out };
  }

  async history(planId: string, unitId: string, actor: Actor): Promise<{ entries: HistoryEntry[]; chainIntact: boolean; brokenAtSeq: number | null }> {
    this.assertCanSee(unitId, actor);
    const a = await this.repo.assessment(planId, unitId);
    if (!a) return { entries: [], chainIntact: true, brokenAtSeq: null };
    const events = await this.repo.events(a.id);
    const broken = brokenLink(
      events.map((e) => ({
        assessmentId: e.assessment_id,
        seq: e.seq,
        type: e.type,
        payload: e.payload,
        actorUserId: e.actor_user_id,
        actorRole: e.actor_role,
        at: e.at,
        prevHash: e.prev_hash,
        hash: e.hash,
      })),
    );
    return {
      entries: events.map((e) => ({
        seq: e.seq,
        type: e.type,
        payload: JSON.parse(e.payload) as unknown,
        actorUserId: e.actor_user_id,
        actorRole: e.actor_role,
        at: e.at,
        hash: e.hash,
      })),
      chainIntact: broken === null,
      brokenAtSeq: broken,
    };
  }
}
