import { randomBytes } from 'node:crypto';
import type { Db } from '../database/db.js';

/**
 * The configured secret (DUBAN_JWT_SECRET), or the one kept in the database (table auth_secrets): the first
 * instance to start inserts a random one, every later instance (and the CLI) reads the same row, so several
 * instances on one database accept each other's tokens. Never a file one instance generated for itself.
 */
export async function resolveJwtSecret(configured: string | undefined, db: Db, nowIso: string): Promise<string> {
  if (configured) return configured;
  await db.run(
    'INSERT INTO auth_secrets (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
    'jwt',
    randomBytes(48).toString('base64url'),
    nowIso,
  );
  const secret = await db.value<string>('SELECT secret FROM auth_secrets WHERE name = ?', 'jwt');
  if (!secret) throw new Error('auth_secrets has no jwt row after inserting one');
  return secret;
}
