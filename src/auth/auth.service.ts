import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app.config.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import type { TokenView } from './auth.dto.js';
import type { TokenClaims } from './auth.guard.js';
import { accountKey, addressKey, LoginLimiter, type Lockout } from './login-limiter.js';
import { passwordProblems } from './password-policy.js';
import { hashPassword, verifyPassword } from './password.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import { SessionsService } from './sessions.service.js';
import { toUserView, UsersService, type UserRow } from './users.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly limiter: LoginLimiter,
    private readonly sessions: SessionsService,
    private readonly clock: Clock,
    private readonly securityLog: SecurityLogService,
    private readonly db: DatabaseService,
  ) {}

  async login(username: string, password: string, address = 'unknown'): Promise<TokenView> {
    const account = accountKey(username);
    const from = addressKey(address);
    const locked = await this.limiter.lockedNow([account, from]);
    if (locked) throw tooMany(locked);
    const row = await this.users.findByUsername(username);
    // Verify against a dummy hash when the user is unknown, so timing does not reveal which names exist.
    const ok = await verifyPassword(row?.password_hash ?? DUMMY_HASH, password);
    if (!row || !ok || row.disabled) {
      const lock = await this.limiter.fail(account, from);
      const why = !row ? 'unknown-user' : !ok ? 'wrong-password' : 'disabled';
      await this.securityLog.record({
        kind: 'login.failed',
        subject: account,
        address,
        details: { username, reason: why },
        actor: row ? { userId: row.id, username: row.username, role: row.role } : null,
      });
      if (lock) {
        await this.securityLog.record({ kind: 'login.locked', subject: lock.key, address, details: { username, retryAfterSeconds: lock.retryAfterSeconds } });
        throw tooMany(lock);
      }
      throw new DomainError(ErrorCode.Unauthenticated, 'Wrong username or password', { field: 'password' });
    }
    await this.limiter.succeed(account);
    const token = await this.issue(row);
    await this.securityLog.record({
      kind: 'login.succeeded',
      actor: { userId: row.id, username: row.username, role: row.role },
      subject: `user:${row.id}`,
      address,
    });
    return token;
  }

  /** A new token (with exp and jti) and its session row. */
  async issue(row: UserRow): Promise<TokenView> {
    const jti = randomUUID();
    const claims: TokenClaims = { sub: row.id, role: row.role, unit: row.unit_id, name: row.username };
    const accessToken = await this.jwt.signAsync(claims, { jwtid: jti });
    const { iat, exp } = this.jwt.decode<{ iat: number; exp: number }>(accessToken);
    await this.sessions.open(jti, row.id, new Date(iat * 1000), new Date(exp * 1000));
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.DUBAN_JWT_TTL_SECONDS, user: toUserView(row) };
  }

  async logout(jti: string, actor: Actor, address?: string): Promise<void> {
    await this.db.transaction(async () => {
      if (await this.sessions.revoke(jti, 'logout', this.clock.nowIso())) {
        await this.securityLog.record({
          kind: 'token.revoked',
          actor,
          subject: `user:${actor.userId}`,
          address,
          details: { reason: 'logout', tokens: 1, jti },
        });
      }
    });
  }

  /** The caller changes their own password: the current one is checked, every token of theirs is revoked, a new one is issued. */
  async changePassword(userId: string, currentPassword: string, newPassword: string, address?: string): Promise<TokenView> {
    const row = await this.users.findById(userId);
    if (!row) throw new DomainError(ErrorCode.Unauthenticated, 'Invalid token: the user no longer exists', { header: 'authorization' });
    if (!(await verifyPassword(row.password_hash, currentPassword))) {
      throw DomainError.validation([{ field: 'currentPassword', reason: 'password: wrong current password' }]);
    }
    const problems = passwordProblems(newPassword, row.username, 'newPassword', this.config.DUBAN_PASSWORD_MIN_LENGTH);
    if (newPassword === currentPassword) problems.push({ field: 'newPassword', reason: 'password: same as the current one' });
    if (problems.length) throw DomainError.validation(problems);
    const hash = await hashPassword(newPassword);
    return await this.db.transaction(async () => {
      const revoked = await this.users.setPasswordHash(row.id, hash, 'password-changed');
      const actor = { userId: row.id, username: row.username, role: row.role };
      await this.securityLog.record({ kind: 'user.password-changed', actor, subject: `user:${row.id}`, address, details: { revokedTokens: revoked } });
      return await this.issue(row);
    });
  }
}

function tooMany(lock: Lockout): DomainError {
  return new DomainError(ErrorCode.TooManyRequests, `too many failed logins; retry after ${lock.retryAfterSeconds} s`, {
    retryAfterSeconds: lock.retryAfterSeconds,
    field: lock.key.startsWith('account:') ? 'username' : 'address',
  });
}

const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$T8d89wbory/4LYyPPjlSJA$zMgnDvzLiNrwirIiLDKFJGDg9qCQg6VqwD89ZRwluc0';
