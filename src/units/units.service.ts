import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { containsPattern, pageOf, type Page, likeOperator } from '../common/pagination.js';
import { DatabaseService } from '../database/database.service.js';
import type { CreateUnitDto, UnitQuery, UnitView } from './units.dto.js';

export interface UnitRow {
  id: string;
  name: string;
  kind: string;
  aliases: string;
  created_at: string;
}
const toView = (r: UnitRow): UnitView => ({ id: r.id, name: r.name, kind: r.kind, aliases: JSON.parse(r.aliases), createdAt: r.created_at });

@Injectable()
export class UnitsService {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateUnitDto): Promise<UnitView> {
    const row: UnitRow = {
      id: dto.id ?? randomUUID(),
      name: dto.name,
      kind: dto.kind,
      aliases: JSON.stringify(dto.aliases ?? []),
      created_at: this.clock.nowIso(),
    };
    await this.db.transaction(async () => {
      if (await this.db.one('SELECT 1 FROM units WHERE id = ? OR name = ?', row.id, row.name)) {
        throw new DomainError(ErrorCode.Duplicate, `a unit with id ${row.id} or name ${row.name} exists`, { field: 'name' });
      }
      await this.db.run('INSERT INTO units (id, name, kind, aliases, created_at) VALUES (@id, @name, @kind, @aliases, @created_at)', row);
    });
    return toView(row);
  }

  async get(id: string): Promise<UnitView> {
    const row = (await this.db.one('SELECT * FROM units WHERE id = ?', id)) as UnitRow | undefined;
    if (!row) throw DomainError.notFound('unit', id);
    return toView(row);
  }

  async list(q: UnitQuery): Promise<Page<UnitView>> {
    const { page, pageSize, offset } = pageOf(q);
    const search = containsPattern(q.q);
    const conds: string[] = [];
    if (q.kind) conds.push('kind = @kind');
    if (search)
      conds.push(
        `(name ${likeOperator(this.db.dialect)} @search ESCAPE '\\' OR aliases ${likeOperator(this.db.dialect)} @search ESCAPE '\\' OR id ${likeOperator(this.db.dialect)} @search ESCAPE '\\')`,
      );
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const params = { kind: q.kind, search, limit: pageSize, offset };
    const total = ((await this.db.one(`SELECT count(*) AS n FROM units ${where}`, params)) as { n: number }).n;
    const rows = (await this.db.all(`SELECT * FROM units ${where} ORDER BY name LIMIT @limit OFFSET @offset`, params)) as UnitRow[];
    return { items: rows.map(toView), total, page, pageSize };
  }
}
