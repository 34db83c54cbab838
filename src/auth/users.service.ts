import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { containsPattern, pageOf, type Page, likeOperator } from '../common/pagination.js';
import { DatabaseService } from '../database/database.service.js';
import type { CreateUserDto, UserQuery, UserView } from './auth.dto.js';
import { hashPassword } from './password.js';
import type { User } from './user.entity.js';

const UNIT_ROLES = ['department', 'assessor'];

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: User['role'];
  unit_id: string | null;
  disabled: number;
  created_at: string;
}

export function toUserView(r: UserRow): UserView {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, unitId: r.unit_id, createdAt: r.created_at };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateUserDto): Promise<UserView> {
    if (UNIT_ROLES.includes(dto.role) && !dto.unitId) {
      throw DomainError.validation([{ field: 'unitId', reason: `required for role ${dto.role}` }]);
    }
    const passwordHash = await hashPassword(dto.password);
    const row: UserRow = {
      id: randomUUID(),
      username: dto.username,
      display_name: dto.displayName,
      password_hash: passwordHash,
      role: dto.role,
      unit_id: dto.unitId ?? null,
      disabled: 0,
      created_at: this.clock.nowIso(),
    };
    await this.db.transaction(async () => {
      if (row.unit_id && !await this.db.one('SELECT 1 FROM units WHERE id = ?', row.unit_id)) {
        throw DomainError.validation([{ field: 'unitId', reason: `unit ${row.unit_id} does not exist` }]);
      }
      if (await this.db.one('SELECT 1 FROM users WHERE username = ?', row.username)) {
        throw new DomainError(ErrorCode.Duplicate, `username ${row.username} is taken`, { field: 'username' });
      }
      await this.db
        .run(
          `INSERT INTO users (id, username, display_name, password_hash, role, unit_id, disabled, created_at)
           VALUES (@id, @username, @display_name, @password_hash, @role, @unit_id, @disabled, @created_at)`, row);
    });
    return toUserView(row);
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    return await this.db.one('SELECT * FROM users WHERE username = ?', username) as UserRow | undefined;
  }

  async list(q: UserQuery): Promise<Page<UserView>> {
    const { page, pageSize, offset } = pageOf(q);
    const search = containsPattern(q.q);
    const conds: string[] = [];
    if (search) conds.push(`(username ${likeOperator(this.db.dialect)} @search ESCAPE '\\' OR display_name ${likeOperator(this.db.dialect)} @search ESCAPE '\\')`);
    if (q.role) conds.push('role = @role');
    if (q.unitId) conds.push('unit_id = @unitId');
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const params = { search, role: q.role, unitId: q.unitId, limit: pageSize, offset };
    const total = (await this.db.one(`SELECT count(*) AS n FROM users ${where}`, params) as { n: number }).n;
    const rows = await this.db.all(`SELECT * FROM users ${where} ORDER BY username LIMIT @limit OFFSET @offset`, params) as UserRow[];
    return { items: rows.map(toUserView), total, page, pageSize };
  }
}
