import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One issued token (by its `jti`): every request looks its row up by primary key, joined to the user, so a
 * revoked token, a disabled user or a deleted user is refused at once. No foreign key to users: a deleted
 * user's sessions stay, and their tokens find no user (401).
 */
@Entity({ name: 'auth_sessions' })
@Index('ix_auth_sessions_user', ['userId'])
@Index('ix_auth_sessions_expires', ['expiresAt'])
export class AuthSession {
  @PrimaryColumn({ type: 'text' }) jti: string;
  @Column({ name: 'user_id', type: 'text' }) userId: string;
  @Column({ name: 'issued_at', type: 'text' }) issuedAt: string;
  @Column({ name: 'expires_at', type: 'text' }) expiresAt: string;
  @Column({ name: 'revoked_at', type: 'text', nullable: true }) revokedAt: string | null;
  /** logout, password-changed, user-disabled, user-deleted, role-changed. */
  @Column({ name: 'revoked_reason', type: 'text', nullable: true }) revokedReason: string | null;
}

/**
 * Failed logins counted per key (`account:<username>`, `address:<ip>`), shared by every instance through the
 * database. `locked_until` set: refused with 429 until then.
 */
@Entity({ name: 'login_attempts' })
export class LoginAttempt {
  @PrimaryColumn({ type: 'text' }) key: string;
  @Column({ type: 'integer' }) failures: number;
  @Column({ name: 'window_started_at', type: 'text' }) windowStartedAt: string;
  @Column({ name: 'locked_until', type: 'text', nullable: true }) lockedUntil: string | null;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt: string;
}

/** Secrets the instances share when configuration gives none (the JWT signing secret): the first instance's insert wins. */
@Entity({ name: 'auth_secrets' })
export class AuthSecret {
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ type: 'text' }) secret: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}

export const AUTH_ENTITIES = [AuthSession, LoginAttempt, AuthSecret];
