import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data directory holds the database, evidence, the JWT secret and the signing key: only the service's
 * own user may read it (0700 directories, 0600 files), whatever the process umask.
 */
export function ensurePrivateDir(dir: string): void {
  // Only a directory made here is narrowed: an existing one may be shared (DUBAN_DB=/tmp/x.db) and is left as is.
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Create `file` empty if missing, and make it 0600. SQLite gives its -wal/-shm files the same mode. */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}
