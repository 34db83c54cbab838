import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app.config.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { containsPattern, pageOf, type Page, likeOperator } from '../common/pagination.js';
import { DatabaseService } from '../database/database.service.js';
import type { CreateUserDto, UpdateUserDto, UserQuery, UserView } from './auth.dto.js';
import { passwordProblems } from './password-policy.js';
import { hashPassword } from './password.js';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import { SessionsService, type RevokeReason } from './sessions.service.js';
import type { User } from './user.entity.js';

const UNIT_ROLES = ['department', 'assessor'];

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: User['role'];
  unit_id: string | null;
  disabled: number | boolean;
  created_at: string;
}

export function toUserView(r: UserRow): UserView {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    unitId: r.unit_id,
    disabled: Boolean(r.disabled),
    createdAt: r.created_at,
  };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly securityLog: SecurityLogService,
  ) {}

  /** `by`: who creates it (the CLI and the demo seeder: the system). */
  async create(dto: CreateUserDto, by: Actor = SYSTEM_ACTOR): Promise<UserView> {
    const problems = passwordProblems(dto.password, dto.username, 'password', this.config.DUBAN_PASSWORD_MIN_LENGTH);
    if (UNIT_ROLES.includes(dto.role) && !dto.unitId) problems.unshift({ field: 'unitId', reason: `required for role ${dto.role}` });
    if (problems.length) throw DomainError.validation(problems);
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
      if (row.unit_id && !(await this.db.one('SELECT 1 FROM units WHERE id = ?', row.unit_id))) {
        throw DomainError.validation([{ field: 'unitId', reason: `unit ${row.unit_id} does not exist` }]);
      }
      if (await this.db.one('SELECT 1 FROM users WHERE username = ?', row.username)) {
        throw new DomainError(ErrorCode.Duplicate, `username ${row.username} is taken`, { field: 'username' });
      }
      await this.db.run(
        `INSERT INTO users (id, username, display_name, password_hash, role, unit_id, disabled, created_at)
           VALUES (@id, @username, @display_name, @password_hash, @role, @unit_id, @disabled, @created_at)`,
        row,
      );
      await this.securityLog.record({
        kind: 'user.created',
        actor: by,
        subject: `user:${row.id}`,
        details: { username: row.username, role: row.role, unitId: row.unit_id },
      });
    });
    return toUserView(row);
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    return (await this.db.one('SELECT * FROM users WHERE username = ?', username)) as UserRow | undefined;
  }

  async findById(id: string): Promise<UserRow | undefined> {
    return (await this.db.one('SELECT * FROM users WHERE id = ?', id)) as UserRow | undefined;
  }

  async get(id: string): Promise<UserView> {
    const row = await this.findById(id);
    if (!row) throw DomainError.notFound('user', id);
    return toUserView(row);
  }

  /**
   * An admin changes a user: name, role, unit, disabled. Disabling, or changing the role or unit, revokes every
   * token of theirs in the same transaction (the next request with one is 401; they log in again).
   */
  async update(id: string, dto: UpdateUserDto, by: Actor): Promise<{ before: UserView; after: UserView; revoked: number }> {
    return await this.db.transaction(async () => {
      const row = await this.findById(id);
      if (!row) throw DomainError.notFound('user', id);
      if (by.userId === id && (dto.disabled === true || (dto.role !== undefined && dto.role !== row.role))) {
        throw DomainError.validation([{ field: dto.disabled === true ? 'disabled' : 'role', reason: 'an admin may not disable or demote their own account' }]);
      }
      const next: UserRow = {
        ...row,
        display_name: dto.displayName ?? row.display_name,
        role: dto.role ?? row.role,
        unit_id: dto.unitId !== undefined ? dto.unitId : dto.role && !UNIT_ROLES.includes(dto.role) ? null : row.unit_id,
        disabled: dto.disabled === undefined ? row.disabled : dto.disabled ? 1 : 0,
      };
      if (UNIT_ROLES.includes(next.role) && !next.unit_id) throw DomainError.validation([{ field: 'unitId', reason: `required for role ${next.role}` }]);
      if (next.unit_id && next.unit_id !== row.unit_id && !(await this.db.one('SELECT 1 FROM units WHERE id = ?', next.unit_id))) {
        throw DomainError.validation([{ field: 'unitId', reason: `unit ${next.unit_id} does not exist` }]);
      }
      await this.db.run(
        'UPDATE users SET display_name = ?, role = ?, unit_id = ?, disabled = ? WHERE id = ?',
        next.display_name,
        next.role,
        next.unit_id,
        next.disabled,
        id,
      );
      let reason: RevokeReason | undefined;
      if (Boolean(next.disabled) && !row.disabled) reason = 'user-disabled';
      else if (next.role !== row.role || next.unit_id !== row.unit_id) reason = 'role-changed';
      const revoked = reason ? await this.sessions.revokeAllOf(id, reason, this.clock.nowIso()) : 0;
      const before = toUserView(row);
      const after = toUserView(next);
      const changes = Object.fromEntries(
        (['displayName', 'role', 'unitId', 'disabled'] as const).filter((k) => before[k] !== after[k]).map((k) => [k, { from: before[k], to: after[k] }]),
      );
      if (Object.keys(changes).length) {
        const kind =
          reason === 'user-disabled'
            ? 'user.disabled'
            : changes['disabled']
              ? 'user.enabled'
              : reason === 'role-changed'
                ? 'user.role-changed'
                : 'user.updated';
        await this.securityLog.record({ kind, actor: by, subject: `user:${id}`, details: { username: row.username, changes, revokedTokens: revoked } });
      }
      return { before, after, revoked };
    });
  }

  /** An admin deletes a user: the row goes, and every token of theirs is revoked (and would find no user anyway). */
  async remove(id: string, by: Actor): Promise<{ user: UserView; revoked: number }> {
    if (by.userId === id) throw DomainError.validation([{ field: 'id', reason: 'an admin may not delete their own account' }]);
    return await this.db.transaction(async () => {
      const row = await this.findById(id);
      if (!row) throw DomainError.notFound('user', id);
      await this.db.run('DELETE FROM users WHERE id = ?', id);
      const revoked = await this.sessions.revokeAllOf(id, 'user-deleted', this.clock.nowIso());
      await this.securityLog.record({
        kind: 'user.deleted',
        actor: by,
        subject: `user:${id}`,
        details: { username: row.username, role: row.role, revokedTokens: revoked },
      });
      return { user: toUserView(row), revoked };
    });
  }

  /** An admin sets a new password for a user (policy checked); every token of theirs is revoked. */
  async resetPassword(id: string, newPassword: string, by: Actor = SYSTEM_ACTOR): Promise<{ user: UserView; revoked: number }> {
    const row = await this.findById(id);
    if (!row) throw DomainError.notFound('user', id);
    const problems = passwordProblems(newPassword, row.username, 'newPassword', this.config.DUBAN_PASSWORD_MIN_LENGTH);
    if (problems.length) throw DomainError.validation(problems);
    const hash = await hashPassword(newPassword);
    const revoked = await this.db.transaction(async () => {
      const n = await this.setPasswordHash(id, hash, 'password-reset');
      await this.securityLog.record({ kind: 'user.password-reset', actor: by, subject: `user:${id}`, details: { username: row.username, revokedTokens: n } });
      return n;
    });
    return { user: toUserView(row), revoked };
  }

  /** Store a new password hash and revoke every token of the user, in one transaction. */
  async setPasswordHash(id: string, passwordHash: string, reason: RevokeReason): Promise<number> {
    return await this.db.transaction(async () => {
      await this.db.run('UPDATE users SET password_hash = ? WHERE id = ?', passwordHash, id);
      return await this.sessions.revokeAllOf(id, reason, this.clock.nowIso());
    });
  }

  async list(q: UserQuery): Promise<Page<UserView>> {
    const { page, pageSize, offset } = pageOf(q);
    const search = containsPattern(q.q);
    const conds: string[] = [];
    if (search)
      conds.push(`(username ${likeOperator(this.db.dialect)} @search ESCAPE '\\' OR display_name ${likeOperator(this.db.dialect)} @search ESCAPE '\\')`);
    if (q.role) conds.push('role = @role');
    if (q.unitId) conds.push('unit_id = @unitId');
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const params = { search, role: q.role, unitId: q.unitId, limit: pageSize, offset };
    const total = ((await this.db.one(`SELECT count(*) AS n FROM users ${where}`, params)) as { n: number }).n;
    const rows = (await this.db.all(`SELECT * FROM users ${where} ORDER BY username LIMIT @limit OFFSET @offset`, params)) as UserRow[];
    return { items: rows.map(toUserView), total, page, pageSize };
  }
}
