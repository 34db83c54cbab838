import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { canonicalJson } from '../audit/event-hash.js';
import { HistoryService, resolveMoment } from '../audit/history.service.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import type { OfficialDocument } from '../documents/official-document.js';
import { IndicatorsService } from '../indicators/indicators.service.js';
import { PlansService } from '../plans/plans.service.js';
import { computeBulletin, unitView, type BoardUnitCounts, type BulletinContent, type Measure, type NodeFact, type UnitFacts } from './bulletin-compute.js';
import { bulletinDocument } from './bulletin-document.js';
import { parsePeriod, PERIOD_FORMATS, type Frequency } from './bulletin-periods.js';
import type { CreateBulletinDto, CreateSeriesDto } from './bulletins.dto.js';
import { BulletinsRepository, type BulletinRow, type SeriesRow } from './bulletins.repository.js';

export interface SeriesView {
  id: string;
  planId: string;
  name: string;
  frequency: Frequency;
  measure: Measure;
  topN: number;
  bottomN: number;
  rowsPerPage: number;
  issuer: string;
  createdAt: string;
}

export interface BulletinView {
  id: string;
  seriesId: string;
  planId: string;
  period: string;
  periodLabel: string;
  cutOffAt: string;
  status: 'draft' | 'published';
  /** 第N期, per plan, given at publication. */
  number: number | null;
  numberText: string | null;
  note: string | null;
  seal: string | null;
  prevSeal: string | null;
  createdAt: string;
  publishedAt: string | null;
  publishedBy: string | null;
  /** The office sees everything; a unit sees `unit` (its own lines) instead. */
  content?: BulletinContent;
  unit?: ReturnType<typeof unitView>;
}

/** Who reads a bulletin in full: the office and those who audit it. */
const FULL_VIEW = new Set<Actor['role']>(['admin', 'supervisor', 'auditor', 'leader', 'system']);

const toSeries = (r: SeriesRow): SeriesView => ({
  id: r.id,
  planId: r.plan_id,
  name: r.name,
  frequency: r.frequency as Frequency,
  measure: r.measure as Measure,
  topN: r.top_n,
  bottomN: r.bottom_n,
  rowsPerPage: r.rows_per_page,
  issuer: r.issuer,
  createdAt: r.created_at,
});

/** sha256(previous seal of the plan | id | number | canonical content): the plan's published bulletins form one chain. */
export function sealOf(prevSeal: string | null, id: string, number: number, content: string): string {
  return createHash('sha256')
    .update(`${prevSeal ?? ''}|${id}|${number}|${content}`)
    .digest('hex');
}

/**
 * Bulletins (通报, issue 16): a series per plan; each issue computed from the audit module's board as of
 * its cut-off (the same pass: HistoryService.boardWith), ranked per group by the series' measure, with
 * the honour roll and watch list, each unit's red and yellow nodes, and the change since the previous
 * published issue. Draft → published: the content is recomputed and frozen, numbered per plan, sealed
 * into the plan's chain; publishing twice is refused (409), concurrently too (guarded update).
 */
@Injectable()
export class BulletinsService {
  constructor(
    private readonly repo: BulletinsRepository,
    private readonly history: HistoryService,
    private readonly plans: PlansService,
    private readonly indicators: IndicatorsService,
    private readonly clock: Clock,
  ) {}

  async createSeries(planId: string, dto: CreateSeriesDto, actor: Actor): Promise<SeriesView> {
    await this.plans.get(planId);
    const row: SeriesRow = {
      id: randomUUID(),
      plan_id: planId,
      name: dto.name,
      frequency: dto.frequency,
      measure: dto.measure,
      top_n: dto.topN ?? 3,
      bottom_n: dto.bottomN ?? 3,
      rows_per_page: dto.rowsPerPage ?? 20,
      issuer: dto.issuer ?? '绩效考评办公室',
      created_by: actor.userId,
      created_at: this.clock.nowIso(),
    };
    await this.repo.transaction(async () => await this.repo.insertSeries(row));
    return toSeries(row);
  }

  async listSeries(planId: string): Promise<SeriesView[]> {
    await this.plans.get(planId);
    return (await this.repo.seriesOfPlan(planId)).map(toSeries);
  }

  async getSeries(id: string): Promise<SeriesView> {
    const row = await this.repo.series(id);
    if (!row) throw DomainError.notFound('bulletin series', id);
    return toSeries(row);
  }

  /** A draft for one period: computed as of the end of the period's last day in the plan's zone (a past instant). */
  async createDraft(seriesId: string, dto: CreateBulletinDto, actor: Actor): Promise<BulletinView> {
    const series = await this.getSeries(seriesId);
    const plan = await this.plans.get(series.planId);
    const period = parsePeriod(series.frequency, dto.period);
    if (!period)
      throw DomainError.validation([{ field: 'period', reason: `a ${series.frequency} series names its periods ${PERIOD_FORMATS[series.frequency]}` }]);
    const cutOffAt = resolveMoment(period.lastDay, plan.timezone);
    const now = this.clock.nowIso();
    if (cutOffAt > now) {
      throw DomainError.validation([{ field: 'period', reason: `截止时间 ${cutOffAt} 尚未到：通报只能按已过去的时点生成 (the cut-off is in the future)` }]);
    }
    if (await this.repo.bulletinOfPeriod(seriesId, dto.period)) {
      throw new DomainError(ErrorCode.Duplicate, `series ${seriesId} already has a bulletin for ${dto.period}`, { field: 'period', period: dto.period });
    }
    const content = await this.compute(series, cutOffAt);
    const row: BulletinRow = {
      id: randomUUID(),
      series_id: seriesId,
      plan_id: series.planId,
      period: dto.period,
      period_label: period.label,
      cut_off_at: cutOffAt,
      status: 'draft',
      number: null,
      note: dto.note ?? null,
      content: canonicalJson(content),
      seal: null,
      prev_seal: null,
      created_by: actor.userId,
      created_at: now,
      published_by: null,
      published_at: null,
    };
    await this.repo.transaction(async () => {
      if (await this.repo.bulletinOfPeriod(seriesId, dto.period)) {
        throw new DomainError(ErrorCode.Duplicate, `series ${seriesId} already has a bulletin for ${dto.period}`, { field: 'period', period: dto.period });
      }
      await this.repo.insertBulletin(row);
    });
    return this.view(row, actor);
  }

  /** The content as of a cut-off, from one board as-of pass over the plan's histories. */
  async compute(series: SeriesView, cutOffAt: string): Promise<BulletinContent> {
    const plan = await this.plans.get(series.planId);
    const indicatorNames = await this.indicatorNames(series.planId);
    const facts = new Map<string, NodeFact[]>();
    const board = await this.history.boardWith(series.planId, cutOffAt, SYSTEM_ACTOR, (task, at) => {
      let list = facts.get(task.unitId);
      if (!list) facts.set(task.unitId, (list = []));
      if (task.bucket === 'cancelled') return;
      const name = indicatorNames.get(task.indicatorId) ?? task.indicatorId;
      for (const n of task.snapshot.context.nodes) {
        const approvedAt = n.approval && n.approval.at <= at ? n.approval.at : null;
        list.push({
          taskId: task.taskId,
          indicatorName: name,
          seq: n.seq,
          stageTarget: n.stageTarget,
          dueAt: n.dueAt,
          warnAt: n.warnAt,
          approvedAt,
          redLighted: n.redLighted,
        });
      }
    });
    const units: UnitFacts[] = board.units.map((u) => {
      const { unitId, unitName, ...counts } = u;
      return { unitId, unitName, board: counts as BoardUnitCounts, nodes: facts.get(unitId) ?? [] };
    });
    const previousRow = await this.repo.previousPublished(series.id, cutOffAt);
    return computeBulletin({
      at: board.at,
      timezone: plan.timezone,
      measure: series.measure,
      topN: series.topN,
      bottomN: series.bottomN,
      groups: (await this.plans.listGroups(series.planId)).map((g) => ({ id: g.id, name: g.name, unitIds: g.unitIds })),
      units,
      board: { tasks: board.tasks, totals: board.totals, unreplayable: board.unreplayable.length },
      previous: previousRow ? (JSON.parse(previousRow.content) as BulletinContent) : null,
    });
  }

  private async indicatorNames(planId: string): Promise<Map<string, string>> {
    return await this.indicators.namesOfPlan(planId);
  }

  async get(id: string, actor: Actor): Promise<BulletinView> {
    return this.view(await this.visibleRow(id, actor), actor);
  }

  async list(seriesId: string, actor: Actor): Promise<BulletinView[]> {
    await this.getSeries(seriesId);
    const full = FULL_VIEW.has(actor.role);
    return (await this.repo.bulletinsOfSeries(seriesId, !full)).map((r) => {
      const { content: _c, unit: _u, ...header } = this.view(r, actor);
      return header;
    });
  }

  async updateNote(id: string, note: string | null, actor: Actor): Promise<BulletinView> {
    const row = await this.visibleRow(id, actor);
    await this.repo.transaction(async () => {
      if ((await this.repo.updateNote(id, note)) === 0) throw await this.published(row);
    });
    return this.view({ ...row, note }, actor);
  }

  /** Draft → published: recomputed as of the cut-off, frozen, numbered, sealed. A second publish is 409. */
  async publish(id: string, actor: Actor): Promise<BulletinView> {
    const row = await this.visibleRow(id, actor);
    if (row.status === 'published') throw await this.published(row);
    const series = await this.getSeries(row.series_id);
    // Computed outside the write transaction (a long read must not hold the writer); the cut-off is past.
    const content = canonicalJson(await this.compute(series, row.cut_off_at));
    const at = this.clock.nowIso();
    const published = await this.repo.transaction(async () => {
      const head = await this.repo.planHead(row.plan_id);
      const number = (head?.number ?? 0) + 1;
      const prevSeal = head?.seal ?? null;
      const seal = sealOf(prevSeal, id, number, content);
      if ((await this.repo.publish(id, { number, content, seal, prev_seal: prevSeal, published_by: actor.userId, published_at: at })) === 0)
        throw await this.published(row);
      return { ...row, status: 'published' as const, number, content, seal, prev_seal: prevSeal, published_by: actor.userId, published_at: at };
    });
    return this.view(published, actor);
  }

  /** Every published bulletin of the plan re-sealed from its stored content: the chain holds or the first break is named. */
  async verifyChain(planId: string): Promise<{ ok: boolean; bulletins: number; firstBreak: { id: string; number: number } | null }> {
    let prev: string | null = null;
    const rows = await this.repo.publishedOfPlan(planId);
    for (const r of rows) {
      if (r.prev_seal !== prev || sealOf(prev, r.id, r.number!, r.content) !== r.seal)
        return { ok: false, bulletins: rows.length, firstBreak: { id: r.id, number: r.number! } };
      prev = r.seal;
    }
    return { ok: true, bulletins: rows.length, firstBreak: null };
  }

  /** The official document of a bulletin (office only), for .docx / PDF export and the preview. */
  async document(id: string, actor: Actor): Promise<OfficialDocument> {
    if (!FULL_VIEW.has(actor.role))
      throw new DomainError(ErrorCode.Forbidden, 'only the office exports a whole bulletin; a unit reads its own lines', { role: actor.role });
    const row = await this.visibleRow(id, actor);
    const series = await this.getSeries(row.series_id);
    const plan = await this.plans.get(row.plan_id);
    const day = DateTime.fromISO(row.published_at ?? this.clock.nowIso(), { zone: 'utc' })
      .setZone(plan.timezone)
      .toISODate()!;
    return bulletinDocument(
      {
        issuer: series.issuer,
        planName: plan.name,
        seriesName: series.name,
        periodLabel: row.period_label,
        year: Number(day.slice(0, 4)),
        number: row.number,
        date: day,
        timezone: plan.timezone,
        note: row.note,
        seal: row.seal,
        rowsPerPage: series.rowsPerPage,
      },
      JSON.parse(row.content) as BulletinContent,
    );
  }

  private async published(row: BulletinRow): Promise<DomainError> {
    const current = (await this.repo.bulletin(row.id)) ?? row;
    return new DomainError(ErrorCode.EventNotAllowed, `bulletin ${row.id} is already published (第${current.number}期) and frozen`, {
      field: 'status',
      current: 'published',
      number: current.number,
      publishedAt: current.published_at,
    });
  }

  /** Drafts are the office's; a unit sees published issues only (404 otherwise, as for anything it may not see). */
  private async visibleRow(id: string, actor: Actor): Promise<BulletinRow> {
    const row = await this.repo.bulletin(id);
    if (!row || (!FULL_VIEW.has(actor.role) && row.status !== 'published')) throw DomainError.notFound('bulletin', id);
    return row;
  }

  private view(r: BulletinRow, actor: Actor): BulletinView {
    const content = JSON.parse(r.content) as BulletinContent;
    const year = r.published_at ? Number(r.published_at.slice(0, 4)) : null;
    const base: BulletinView = {
      id: r.id,
      seriesId: r.series_id,
      planId: r.plan_id,
      period: r.period,
      periodLabel: r.period_label,
      cutOffAt: r.cut_off_at,
      status: r.status,
      number: r.number,
      numberText: r.number !== null && year !== null ? `〔${year}〕第${r.number}期` : null,
      note: r.note,
      seal: r.seal,
      prevSeal: r.prev_seal,
      createdAt: r.created_at,
      publishedAt: r.published_at,
      publishedBy: r.published_by,
    };
    if (FULL_VIEW.has(actor.role)) return { ...base, content };
    return { ...base, unit: unitView(content, actor.unitId ?? '') };
  }
}
