import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toBool = ({ value }: { value: unknown }) => (value === undefined ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase()));
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toList = ({ value }: { value: unknown }) =>
  value === undefined
    ? undefined
    : String(value)
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);

/**
 * Every setting Duban reads, with its default. Read from the environment once at boot, validated,
 * then passed around typed. An invalid value stops the process with the variable's name and reason.
 */
export class AppConfig {
  /** Address the HTTP server binds to. */
  @IsString() @IsOptional() DUBAN_HOST = '127.0.0.1';
  /** TCP port. */
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) DUBAN_PORT = 3000;
  /** Folder for the database, the evidence store and generated secrets. */
  @IsString() @MinLength(1) DUBAN_DATA_DIR = 'data';
  /**
   * A PostgreSQL database (`postgres://user@host:port/dbname`, libpq parameters such as `?sslmode=` allowed)
   * instead of the embedded SQLite file: set, every instance pointed at it serves the same data. Unset (the
   * default): SQLite in DUBAN_DATA_DIR/DUBAN_DB.
   */
  @IsString()
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DUBAN_DATABASE_URL must be a postgres:// URL' })
  DUBAN_DATABASE_URL?: string;
  /**
   * PostgreSQL only: seconds between an instance's attempts to become the leader (the one instance that
   * runs the deadline sweep and the daily checkpoint); a dead leader is replaced within this time.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(30) DUBAN_LEADER_POLL_SECONDS = 10;
  /** PostgreSQL only: connections each instance keeps in its pool (one per concurrent transaction). */
  @Transform(toInt) @IsInt() @Min(1) @Max(200) DUBAN_PG_POOL_SIZE = 10;
  /** SQLite file; relative paths are inside DUBAN_DATA_DIR. ':memory:' for throwaway runs. */
  @IsString() @MinLength(1) DUBAN_DB = 'duban.db';
  /**
   * SQLite `synchronous` pragma. FULL (default): an acknowledged write survives power loss or an OS crash.
   * NORMAL: survives a process crash only (faster commits). OFF is for throwaway benchmarks.
   */
  @Transform(({ value }: { value: unknown }) => (value === undefined ? undefined : String(value).toUpperCase()))
  @IsIn(['OFF', 'NORMAL', 'FULL', 'EXTRA'])
  DUBAN_SQLITE_SYNCHRONOUS: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' = 'FULL';
  /**
   * JWT signing secret (HS256), shared by every instance. Unset: a random one is generated once and kept in
   * the database (table auth_secrets), so instances on one database agree; never in a file of one instance.
   */
  @IsString()
  @IsOptional()
  @MinLength(32, { message: 'DUBAN_JWT_SECRET must be at least 32 characters' })
  DUBAN_JWT_SECRET?: string;
  /** Token lifetime in seconds. */
  @Transform(toInt) @IsInt() @Min(60) DUBAN_JWT_TTL_SECONDS = 8 * 3600;
  /** Wrong passwords in a row for one account before it is locked (429 with Retry-After). */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) DUBAN_LOGIN_MAX_FAILURES = 20;
  /** Failed logins from one address within DUBAN_LOGIN_LOCKOUT_SECONDS before the address is locked. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100000) DUBAN_LOGIN_MAX_FAILURES_PER_ADDRESS = 100;
  /** How long a lockout lasts, and the window the per-address count covers (seconds). */
  @Transform(toInt) @IsInt() @Min(1) @Max(7 * 86400) DUBAN_LOGIN_LOCKOUT_SECONDS = 900;
  /** Shortest new password (creating a user, changing or resetting a password). */
  @Transform(toInt) @IsInt() @Min(8) @Max(128) DUBAN_PASSWORD_MIN_LENGTH = 10;
  /** Days the security log keeps an event; older ones are pruned daily (the pruned head is recorded, so the rest verifies). 等保: at least 180. */
  @Transform(toInt) @IsInt() @Min(1) @Max(36500) DUBAN_SECURITY_LOG_RETENTION_DAYS = 180;
  /** Seed a demo plan and one user per role when the database has no plan yet. */
  @Transform(toBool) @IsBoolean() DUBAN_DEMO = true;
  /** Largest evidence file accepted, in bytes. */
  @Transform(toInt) @IsInt() @Min(1) DUBAN_UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
  /** Allowed evidence file extensions (comma-separated). */
  @Transform(toList)
  @IsString({ each: true })
  DUBAN_UPLOAD_TYPES: string[] = ['pdf', 'ofd', 'jpg', 'jpeg', 'png', 'doc', 'docx', 'xls', 'xlsx', 'wps', 'txt', 'zip'];
  /** Default working days between the yellow (warn) time and a node's due day. */
  @Transform(toInt) @IsInt() @Min(0) @Max(60) DUBAN_WARN_WORKING_DAYS = 3;
  /** Working days an assessor has to review a submission before it is flagged overdue. */
  @Transform(toInt) @IsInt() @Min(1) @Max(60) DUBAN_REVIEW_WORKING_DAYS = 5;
  /**
   * Ed25519 key signing checkpoints and the transparency log's tree heads, shared by every instance: PKCS#8
   * PEM or its base64 DER. Unset: one is generated once into the database (auth_secrets, name
   * `audit-signing-key`; an older DATA_DIR/audit-signing-key.pem is imported there once). Set it so that
   * someone who can write the database still cannot sign.
   */
  @IsString() @IsOptional() DUBAN_AUDIT_SIGNING_KEY?: string;
  /** Milliseconds between transparency-log sequencing rounds (commits also trigger one at once); 0 = only on demand. */
  @Transform(toInt) @IsInt() @Min(0) DUBAN_LOG_SEQUENCE_MS = 1000;
  /** Seconds between signed tree heads while the log grows (a head is also signed on demand: GET /audit/log/head). */
  @Transform(toInt) @IsInt() @Min(1) DUBAN_LOG_HEAD_SECONDS = 60;
  /** Seconds between deadline sweeps in the running service; 0 turns the scheduled sweep off. */
  @Transform(toInt) @IsInt() @Min(0) DUBAN_SWEEP_INTERVAL_SECONDS = 60;
  /** Milliseconds between outbox/webhook delivery rounds (commits also trigger a round at once); 0 = off. */
  @Transform(toInt) @IsInt() @Min(0) DUBAN_NOTIFY_INTERVAL_MS = 1000;
  /** Webhook delivery attempts before a delivery is marked failed. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100) DUBAN_WEBHOOK_MAX_ATTEMPTS = 12;
  /** First retry delay; doubles each attempt (capped at one hour). */
  @Transform(toInt) @IsInt() @Min(1) DUBAN_WEBHOOK_BACKOFF_MS = 2000;
  /** Per-attempt HTTP timeout. */
  @Transform(toInt) @IsInt() @Min(100) DUBAN_WEBHOOK_TIMEOUT_MS = 5000;
  /**
   * Webhook hosts exempt from the SSRF policy (comma-separated names or addresses, as written in the URL):
   * otherwise a webhook may not target loopback, link-local, private or reserved addresses.
   */
  @Transform(toList) @IsString({ each: true }) DUBAN_WEBHOOK_ALLOW_HOSTS: string[] = [];
  /** `system` (the default): the server's clock. `manual`: the drill clock (演练时钟), moved forward by an admin (POST /clock). */
  @IsIn(['system', 'manual']) DUBAN_CLOCK: 'system' | 'manual' = 'system';
  /** Log level for the request log. */
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose']) DUBAN_LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export class ConfigError extends Error {}

/** Build the typed config from an environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('DUBAN_') && v !== undefined) raw[k] = v;
  }
  const unknown = Object.keys(raw).filter(
    (k) => !known.includes(k) && k !== 'DUBAN_JWT_SECRET' && k !== 'DUBAN_AUDIT_SIGNING_KEY' && k !== 'DUBAN_DATABASE_URL',
  );
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false });
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));
  if (unknown.length) problems.push(...unknown.map((k) => `${k}: unknown setting`));
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
