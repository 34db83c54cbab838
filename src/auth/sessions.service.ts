import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import type { UserRole } from './user.entity.js';

export type RevokeReason = 'logout' | 'password-changed' | 'password-reset' | 'user-disabled' | 'user-deleted' | 'role-changed';

/** What a request's token resolves to: the user as the database has it now. */
export interface LiveSession {
  userId: string;
  username: string;
  role: UserRole;
  unitId: string | null;
  disabled: boolean;
  revokedAt: string | null;
}

/**
 * Issued tokens by jti (table auth_sessions). The guard's per-request check is `check`: one lookup by primary
 * key joined to the user's row by primary key. Token expiry is the JWT's own `exp` (verified by the signature
 * check first); `expires_at` is kept so expired rows can be pruned.
 */
@Injectable()
export class SessionsService {
  constructor(private readonly db: DatabaseService) {}

  async open(jti: string, userId: string, issuedAt: Date, expiresAt: Date): Promise<void> {
    // Rows of tokens that expired more than a day ago are of no use to anyone: prune them as we go (indexed).
    await this.db.run('DELETE FROM auth_sessions WHERE expires_at < ?', new Date(Date.now() - 86_400_000).toISOString());
    await this.db.run(
      'INSERT INTO auth_sessions (jti, user_id, issued_at, expires_at) VALUES (?, ?, ?, ?)',
      jti,
      userId,
      issuedAt.toISOString(),
      expiresAt.toISOString(),
    );
  }

  async check(jti: string, userId: string): Promise<LiveSession | undefined> {
    const row = await this.db.one<{
      id: string;
      username: string;
      role: UserRole;
      unit_id: string | null;
      disabled: number | boolean;
      revoked_at: string | null;
    }>(
      `SELECT u.id, u.username, u.role, u.unit_id, u.disabled, s.revoked_at
         FROM auth_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.jti = ? AND s.user_id = ?`,
      jti,
      userId,
    );
    if (!row) return undefined;
    return { userId: row.id, username: row.username, role: row.role, unitId: row.unit_id, disabled: Boolean(row.disabled), revokedAt: row.revoked_at };
  }

  /** Revoke one token; true when it was live. */
  async revoke(jti: string, reason: RevokeReason, atIso: string): Promise<boolean> {
    const r = await this.db.run('UPDATE auth_sessions SET revoked_at = ?, revoked_reason = ? WHERE jti = ? AND revoked_at IS NULL', atIso, reason, jti);
    return r.changes > 0;
  }

  /** Revoke every live token of a user; returns how many. */
  async revokeAllOf(userId: string, reason: RevokeReason, atIso: string): Promise<number> {
    const r = await this.db.run('UPDATE auth_sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL', atIso, reason, userId);
    return r.changes;
  }
}
