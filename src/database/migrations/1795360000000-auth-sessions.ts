import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Token sessions (revocation by jti), login failure counters (lockout) and shared secrets (src/auth, issue 12). */
export class AuthSessions1795360000000 implements MigrationInterface {
  name = 'AuthSessions1795360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "auth_sessions" ("jti" text PRIMARY KEY NOT NULL, "user_id" text NOT NULL, "issued_at" text NOT NULL, "expires_at" text NOT NULL, "revoked_at" text, "revoked_reason" text)`,
    );
    await q.query(`CREATE INDEX "ix_auth_sessions_expires" ON "auth_sessions" ("expires_at") `);
    await q.query(`CREATE INDEX "ix_auth_sessions_user" ON "auth_sessions" ("user_id") `);
    await q.query(
      `CREATE TABLE "login_attempts" ("key" text PRIMARY KEY NOT NULL, "failures" integer NOT NULL, "window_started_at" text NOT NULL, "locked_until" text, "updated_at" text NOT NULL)`,
    );
    await q.query(`CREATE TABLE "auth_secrets" ("name" text PRIMARY KEY NOT NULL, "secret" text NOT NULL, "created_at" text NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "auth_secrets"`);
    await q.query(`DROP TABLE "login_attempts"`);
    await q.query(`DROP TABLE "auth_sessions"`);
  }
}
