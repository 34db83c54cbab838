import { Injectable, type OnModuleInit } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { AppConfig } from '../../config/app.config.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { DatabaseService } from '../database/database.service.js';
import { canSeeTask } from '../tasks/task-access.js';
import { checkContent, cleanFileName, SNIFF_BYTES } from './content-check.js';

export interface EvidenceView {
  id: string;
  taskId: string;
  sha256: string;
  size: number;
  originalName: string;
  mimeType: string;
  uploadedBy: string;
  createdAt: string;
}

interface EvidenceRow {
  id: string;
  task_id: string;
  sha256: string;
  size: number;
  original_name: string;
  mime_type: string;
  uploaded_by: string;
  created_at: string;
}

const toView = (r: EvidenceRow): EvidenceView => ({
  id: r.id,
  taskId: r.task_id,
  sha256: r.sha256,
  size: r.size,
  originalName: r.original_name,
  mimeType: r.mime_type,
  uploadedBy: r.uploaded_by,
  createdAt: r.created_at,
});

export interface StagedFile {
  tmp: string;
  sha256: string;
  size: number;
  name: string;
  mime: string;
}

export interface IncomingFile {
  filename: string;
  mimetype: string;
  stream: Readable & { truncated?: boolean };
}

/**
 * Content-addressed evidence store: bytes are written once under DATA_DIR/evidence/ab/cd/<sha256>,
 * each upload gets its own metadata row. A file over the limit or of a type not allowed is refused
 * and leaves nothing behind, neither a row nor bytes.
 */
@Injectable()
export class EvidenceService implements OnModuleInit {
  readonly root: string;

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.root = resolve(config.DUBAN_DATA_DIR, 'evidence');
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Only the task's own department (or a supervisor) uploads evidence for it. */
  async assertCanUpload(taskId: string, actor: Actor): Promise<void> {
    const scope = await this.taskScope(taskId);
    if (!scope || !canSeeTask(actor, scope)) throw DomainError.notFound('task', taskId);
    if (actor.role !== 'department' && actor.role !== 'supervisor') {
      throw DomainError.forbidden(`role ${actor.role} may not upload evidence; allowed: department, supervisor`, { role: actor.role });
    }
  }

  checkType(filename: string): void {
    const ext = extname(filename).slice(1).toLowerCase();
    if (!this.config.DUBAN_UPLOAD_TYPES.includes(ext)) {
      throw new DomainError(ErrorCode.FileTypeNotAllowed, `.${ext || '(none)'} files are not accepted; allowed: ${this.config.DUBAN_UPLOAD_TYPES.join(', ')}`, {
        field: 'file',
        allowed: this.config.DUBAN_UPLOAD_TYPES,
      });
    }
  }

  /** Stage then commit: the one-file case (the controller stages, drains the rest of the request, then commits). */
  async store(taskId: string, file: IncomingFile, actor: Actor): Promise<EvidenceView> {
    const staged = await this.stage(taskId, file, actor);
    return this.commit(taskId, staged, actor);
  }

  /**
   * Stream the upload to a temp file (size capped, sha256 computed on the way), then check its magic bytes
   * against its extension. Refusals leave nothing behind. The staged file is not evidence until commit().
   */
  async stage(taskId: string, file: IncomingFile, actor: Actor): Promise<StagedFile> {
    await this.assertCanUpload(taskId, actor);
    return await this.stageFile(file);
  }

  /** Stage a file for any owner (evidence, a self-assessment report): size, type and magic bytes checked. */
  async stageFile(file: IncomingFile): Promise<StagedFile> {
    const name = cleanFileName(file.filename);
    this.checkType(name);
    const tmpDir = join(this.root, 'tmp');
    mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = join(tmpDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const head: Buffer[] = [];
    let headLen = 0;
    const max = this.config.DUBAN_UPLOAD_MAX_BYTES;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > max) return done(new DomainError(ErrorCode.FileTooLarge, `file is larger than ${max} bytes`, { field: 'file', maxBytes: max }));
        if (headLen < SNIFF_BYTES) {
          head.push(chunk.subarray(0, SNIFF_BYTES - headLen));
          headLen += Math.min(chunk.length, SNIFF_BYTES - headLen);
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const out = createWriteStream(tmp, { mode: 0o600 });
    try {
      await pipeline(file.stream, meter, out);
      if (file.stream.truncated) throw new DomainError(ErrorCode.FileTooLarge, `file is larger than ${max} bytes`, { field: 'file', maxBytes: max });
      if (size === 0) throw DomainError.validation([{ field: 'file', reason: 'the file is empty' }]);
      const verdict = await checkContent(Buffer.concat(head), extname(name).slice(1).toLowerCase());
      if (!verdict.ok) {
        throw new DomainError(ErrorCode.FileTypeNotAllowed, `${name}: ${verdict.reason}; allowed: ${this.config.DUBAN_UPLOAD_TYPES.join(', ')}`, {
          field: 'file',
          reason: verdict.reason,
          allowed: this.config.DUBAN_UPLOAD_TYPES,
        });
      }
      return { tmp, sha256: hash.digest('hex'), size, name, mime: verdict.mime };
    } catch (e) {
      // A stream that failed while the temp file was still opening closes (and creates the file) after the
      // pipeline rejects: wait for that, or the file would be left behind.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      rmSync(tmp, { force: true });
      throw e;
    }
  }

  /** Drop a staged file (a later part of the request was refused). */
  discard(staged: StagedFile): void {
    rmSync(staged.tmp, { force: true });
  }

  /** Move the staged bytes to their content address and write the metadata row. */
  async commit(taskId: string, staged: StagedFile, actor: Actor): Promise<EvidenceView> {
    const { sha256, size } = staged;
    this.place(staged);
    const row: EvidenceRow = {
      id: randomUUID(),
      task_id: taskId,
      sha256,
      size,
      original_name: staged.name,
      mime_type: staged.mime,
      uploaded_by: actor.userId ?? 'system',
      created_at: this.clock.nowIso(),
    };
    await this.db.transaction(async () => {
      await this.db.run(
        `INSERT INTO evidence_files (id, task_id, sha256, size, original_name, mime_type, uploaded_by, created_at)
           VALUES (@id, @task_id, @sha256, @size, @original_name, @mime_type, @uploaded_by, @created_at)`,
        row,
      );
    });
    return toView(row);
  }

  /** Move staged bytes to their content address (once: the same bytes are stored once). */
  /** Returns true when these bytes were new (so a caller whose write then fails may remove them again with `unplace`). */
  place(staged: StagedFile): boolean {
    const target = this.pathOf(staged.sha256);
    if (existsSync(target)) {
      rmSync(staged.tmp, { force: true });
      return false;
    }
    mkdirSync(join(target, '..'), { recursive: true, mode: 0o700 });
    renameSync(staged.tmp, target);
    return true;
  }

  /** Remove bytes `place` just stored, when the row that was to name them was refused. */
  unplace(staged: StagedFile): void {
    rmSync(this.pathOf(staged.sha256), { force: true });
  }

  /** A stream of stored bytes by content address, refused when they are missing or not the recorded size. */
  openBytes(sha256: string, size: number): Readable {
    const path = this.pathOf(sha256);
    if (!existsSync(path) || statSync(path).size !== size) {
      throw new DomainError(ErrorCode.NotFound, `the stored file ${sha256} is missing or damaged on disk`, { resource: 'file', sha256 });
    }
    return createReadStream(path);
  }

  /** Temp files left by a crash mid-upload are never evidence: removed at start. */
  onModuleInit(): void {
    rmSync(join(this.root, 'tmp'), { recursive: true, force: true });
  }

  /**
   * Every id must be a file uploaded for this very task. Returns each file's sha256 and size, in the order
   * given: the submission's event records them (hashed into its chain and the transparency log).
   */
  async assertFilesOfTask(taskId: string, fileIds: string[]): Promise<{ id: string; sha256: string; size: number }[]> {
    const problems: { field: string; reason: string }[] = [];
    const files: { id: string; sha256: string; size: number }[] = [];
    for (const [i, id] of fileIds.entries()) {
      const row = (await this.db.one('SELECT task_id, sha256, size FROM evidence_files WHERE id = ?', id)) as
        { task_id: string; sha256: string; size: number } | undefined;
      if (!row) problems.push({ field: `payload.fileIds[${i}]`, reason: `no uploaded file ${id}` });
      else if (row.task_id !== taskId) problems.push({ field: `payload.fileIds[${i}]`, reason: `file ${id} belongs to another task` });
      else files.push({ id, sha256: row.sha256, size: Number(row.size) });
    }
    if (problems.length) throw DomainError.validation(problems);
    return files;
  }

  async listForTask(taskId: string, actor: Actor): Promise<EvidenceView[]> {
    const scope = await this.taskScope(taskId);
    if (!scope || !canSeeTask(actor, scope)) throw DomainError.notFound('task', taskId);
    return ((await this.db.all('SELECT * FROM evidence_files WHERE task_id = ? ORDER BY created_at, id', taskId)) as EvidenceRow[]).map(toView);
  }

  /** The file's metadata and a stream of its bytes, if the actor may see its task. */
  async open(id: string, actor: Actor): Promise<{ meta: EvidenceView; stream: Readable }> {
    const row = (await this.db.one('SELECT * FROM evidence_files WHERE id = ?', id)) as EvidenceRow | undefined;
    const scope = row && (await this.taskScope(row.task_id));
    if (!row || !scope || !canSeeTask(actor, scope)) throw DomainError.notFound('evidence file', id);
    const path = this.pathOf(row.sha256);
    if (!existsSync(path) || statSync(path).size !== row.size) {
      throw new DomainError(ErrorCode.NotFound, `the bytes of evidence file ${id} are missing or damaged on disk`, { sha256: row.sha256 });
    }
    return { meta: toView(row), stream: createReadStream(path) };
  }

  private async taskScope(taskId: string): Promise<{ unitId: string; assessingUnitId: string | null } | undefined> {
    const r = (await this.db.one('SELECT t.unit_id, i.assessing_unit_id FROM tasks t JOIN indicators i ON i.id = t.indicator_id WHERE t.id = ?', taskId)) as
      { unit_id: string; assessing_unit_id: string | null } | undefined;
    return r && { unitId: r.unit_id, assessingUnitId: r.assessing_unit_id };
  }
}
