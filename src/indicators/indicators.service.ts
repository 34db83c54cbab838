import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { containsPattern, pageOf, type Page, likeOperator } from '../common/pagination.js';
import { DatabaseService } from '../database/database.service.js';
import { validateMethodParams } from '../scoring/method-params.js';
import type { CreateIndicatorDto, IndicatorQuery, IndicatorView } from './indicators.dto.js';

export interface IndicatorRow {
  id: string;
  plan_id: string;
  code: string;
  category_path: string;
  name: string;
  points: number;
  method_code: string;
  method_params: string;
  target_value: number | null;
  target_unit: string | null;
  direction: string;
  target_text: string | null;
  assessing_unit_id: string | null;
  sequential_submission?: number | boolean | null;
  created_at: string;
}

export const toIndicatorView = (r: IndicatorRow): IndicatorView => ({
  id: r.id,
  planId: r.plan_id,
  code: r.code,
  categoryPath: JSON.parse(r.category_path),
  name: r.name,
  points: r.points,
  methodCode: r.method_code,
  methodParams: JSON.parse(r.method_params),
  targetValue: r.target_value,
  targetUnit: r.target_unit,
  direction: r.direction,
  targetText: r.target_text,
  assessingUnitId: r.assessing_unit_id,
  sequentialSubmission:
    r.sequential_submission === undefined || r.sequential_submission === null ? null : r.sequential_submission === 1 || r.sequential_submission === true,
  createdAt: r.created_at,
});

@Injectable()
export class IndicatorsService {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateIndicatorDto): Promise<IndicatorView> {
    checkMethod(dto);
    const row: IndicatorRow = {
      id: randomUUID(),
      plan_id: dto.planId,
      code: dto.code,
      category_path: JSON.stringify(dto.categoryPath ?? []),
      name: dto.name,
      points: dto.points,
      method_code: dto.methodCode,
      method_params: JSON.stringify(dto.methodParams ?? {}),
      target_value: dto.targetValue ?? null,
      target_unit: dto.targetUnit ?? null,
      direction: dto.direction ?? 'higher',
      target_text: dto.targetText ?? null,
      assessing_unit_id: dto.assessingUnitId ?? null,
      sequential_submission: dto.sequentialSubmission === undefined ? null : dto.sequentialSubmission ? 1 : 0,
      created_at: this.clock.nowIso(),
    };
    await this.db.transaction(async () => {
      if (!(await this.db.one('SELECT 1 FROM plans WHERE id = ?', row.plan_id))) {
        throw DomainError.validation([{ field: 'planId', reason: `plan ${row.plan_id} does not exist` }]);
      }
      if (row.assessing_unit_id && !(await this.db.one('SELECT 1 FROM units WHERE id = ?', row.assessing_unit_id))) {
        throw DomainError.validation([{ field: 'assessingUnitId', reason: `unit ${row.assessing_unit_id} does not exist` }]);
      }
      if (await this.db.one('SELECT 1 FROM indicators WHERE plan_id = ? AND code = ?', row.plan_id, row.code)) {
        throw new DomainError(ErrorCode.Duplicate, `indicator ${row.code} exists in plan ${row.plan_id}`, { field: 'code' });
      }
      await this.db.run(
        `INSERT INTO indicators (id, plan_id, code, category_path, name, points, method_code, method_params, target_value,
             target_unit, direction, target_text, assessing_unit_id, sequential_submission, created_at)
           VALUES (@id, @plan_id, @code, @category_path, @name, @points, @method_code, @method_params, @target_value,
             @target_unit, @direction, @target_text, @assessing_unit_id, @sequential_submission, @created_at)`,
        row,
      );
    });
    return toIndicatorView(row);
  }

  async get(id: string): Promise<IndicatorView> {
    const row = (await this.db.one('SELECT * FROM indicators WHERE id = ?', id)) as IndicatorRow | undefined;
    if (!row) throw DomainError.notFound('indicator', id);
    return toIndicatorView(row);
  }

  /** Every indicator name of a plan in one query (a bulletin names thousands). */
  async namesOfPlan(planId: string): Promise<Map<string, string>> {
    const rows = await this.db.rows<[string, string]>('SELECT id, name FROM indicators WHERE plan_id = ?', planId);
    return new Map(rows);
  }

  async list(q: IndicatorQuery): Promise<Page<IndicatorView>> {
    const { page, pageSize, offset } = pageOf(q);
    const conds: string[] = [];
    if (q.planId) conds.push('plan_id = @planId');
    if (q.assessingUnitId) conds.push('assessing_unit_id = @assessingUnitId');
    if (q.methodCode) conds.push('method_code = @methodCode');
    const search = containsPattern(q.q);
    if (search) conds.push(`(name ${likeOperator(this.db.dialect)} @search ESCAPE '\\' OR code ${likeOperator(this.db.dialect)} @search ESCAPE '\\')`);
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const params = { planId: q.planId, assessingUnitId: q.assessingUnitId, methodCode: q.methodCode, search, limit: pageSize, offset };
    const total = ((await this.db.one(`SELECT count(*) AS n FROM indicators ${where}`, params)) as { n: number }).n;
    const rows = (await this.db.all(`SELECT * FROM indicators ${where} ORDER BY plan_id, code LIMIT @limit OFFSET @offset`, params)) as IndicatorRow[];
    return { items: rows.map(toIndicatorView), total, page, pageSize };
  }
}

/**
 * The method parameters must be what the scoring method accepts (src/scoring/method-params.ts), so a bad
 * set-up is refused here with the field named instead of failing at year end. A `direction` in the
 * parameters must agree with the indicator's own `direction` (which is the default when it is absent).
 */
function checkMethod(dto: CreateIndicatorDto): void {
  const params = dto.methodParams ?? {};
  const v = validateMethodParams(dto.methodCode, params, { points: dto.points });
  if (!v.ok) {
    throw DomainError.validation(
      v.errors.map((e) => ({
        field: e.field === 'code' ? 'methodCode' : `methodParams.${e.field}`,
        reason: e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message,
      })),
    );
  }
  const declared = (params as { direction?: unknown }).direction;
  if (declared !== undefined && dto.direction !== undefined && declared !== dto.direction) {
    throw DomainError.validation([{ field: 'methodParams.direction', reason: `is "${String(declared)}" but the indicator's direction is "${dto.direction}"` }]);
  }
}
