import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Actor } from '../../common/actor.js';
import { Clock } from '../../common/clock.js';
import { DomainError, ErrorCode } from '../../common/domain-error.js';
import type { AdjustmentCatalog, AdjustmentItem, VetoItem } from '../../scoring/adjustments.js';
import { parseCatalogueLines, parseCatalogueText, type CatalogueKind, type CatalogueParse } from '../../scoring/catalogue-text.js';
import { validatePlanTemplate, type PlanTemplate } from '../../scoring/plan-template.js';
import { loadPlanTemplates } from '../../scoring/plan-template.loader.js';
import type { FieldError } from '../../scoring/scoring.error.js';
import { diffTemplates, type TemplateChange } from '../../scoring/template-diff.js';
import { TemplatesRepository, type TemplateHeadRow, type TemplateVersionRow } from './templates.repository.js';

export type TemplateStatus = 'active' | 'retired';
export type TemplateSource = 'shipped' | 'office';

/** Who made a version, when and why. */
export interface TemplateVersionMeta {
  id: string;
  version: number;
  name: string;
  status: TemplateStatus;
  source: TemplateSource;
  copiedFrom: string | null;
  note: string | null;
  createdAt: string;
  createdBy: { userId: string | null; role: string; username: string | null };
}

/** A template version as the API shows it: the rules and who made them. */
export interface TemplateView extends TemplateVersionMeta {
  template: PlanTemplate;
  /** Edit answers only: false when the body equals the current version (nothing written). */
  changed?: boolean;
  /** Edit answers only: what this version changed. */
  changes?: TemplateChange[];
}

export interface TemplateHistoryEntry extends TemplateVersionMeta {
  /** What changed against the version before (empty for version 1 and for a retirement). */
  changes: TemplateChange[];
}

export const CATALOGUE_SECTIONS: Readonly<Record<CatalogueKind, 'bonuses' | 'deductions' | 'negativeList' | 'vetoes'>> = {
  bonus: 'bonuses',
  deduction: 'deductions',
  negative_list: 'negativeList',
  veto: 'vetoes',
};

const ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

const metaOf = (r: TemplateHeadRow): TemplateVersionMeta => ({
  id: r.id,
  version: r.version,
  name: r.name,
  status: r.status as TemplateStatus,
  source: r.source as TemplateSource,
  copiedFrom: r.copied_from,
  note: r.note,
  createdAt: r.created_at,
  createdBy: { userId: r.created_by, role: r.created_role, username: r.created_username },
});

/** Strip the "field: " prefix the scoring checkers put on their messages. */
const reasonOf = (e: FieldError): string => (e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message);

/** The template body without its version, as comparable text. */
const bodyKey = (t: PlanTemplate): string => JSON.stringify({ ...t, version: 0 });

/**
 * Assessment templates as data (issue 13 item 1): create, copy, edit, retire, read a version and the
 * history. Every change is validated by `validatePlanTemplate` (400 naming `template.<path>`) and stored as
 * a new append-only version with `diffTemplates(previous, next)`, who and when. Versions never change, so a
 * plan that keeps `templateId@version` keeps its rules; parsed versions are cached by id@version.
 */
@Injectable()
export class TemplatesService implements OnModuleInit {
  private readonly logger = new Logger('Templates');
  private readonly parsed = new Map<string, PlanTemplate>();

  constructor(
    private readonly repo: TemplatesRepository,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    let shipped: Map<string, PlanTemplate>;
    try {
      shipped = await loadPlanTemplates();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || /not found|ENOENT/.test((e as Error).message)) {
        this.logger.warn(`no shipped plan templates loaded: ${(e as Error).message}`);
        return;
      }
      throw e;
    }
    for (const t of shipped.values()) await this.seed(t);
  }

  /**
   * A shipped template becomes version 1 of its id once; when the file changed since (a new release), its
   * body is appended as the next shipped version. An id the office owns is left alone.
   */
  async seed(t: PlanTemplate, source: TemplateSource = 'shipped'): Promise<void> {
    const latest = await this.repo.latest(t.id);
    if (latest) {
      if (latest.source !== source) {
        this.logger.warn(`template ${t.id} exists as an office template: the shipped file is not loaded`);
        return;
      }
      if (bodyKey(this.parse(latest)) === bodyKey(t)) return;
      const next = { ...t, version: latest.version + 1 };
      await this.repo.insert(this.row(next, latest.status as TemplateStatus, source, null, '随程序发布更新', diffTemplates(this.parse(latest), next), null));
      return;
    }
    await this.repo.insert(this.row({ ...t, version: 1 }, 'active', source, null, source === 'shipped' ? '随程序发布的初始模板' : null, null, null));
  }

  // ─── reading ──────────────────────────────────────────────────────────────────────────────────

  async list(opts: { includeRetired?: boolean } = {}): Promise<TemplateView[]> {
    const heads = await this.repo.heads();
    const out: TemplateView[] = [];
    for (const h of heads) {
      if (h.status === 'retired' && !opts.includeRetired) continue;
      out.push({ ...metaOf(h), template: await this.get(h.id, h.version) });
    }
    return out;
  }

  /** One version's rules (the newest when no version is given); 404 when absent. */
  async get(id: string, version?: number): Promise<PlanTemplate> {
    if (version !== undefined) {
      const hit = this.parsed.get(`${id}@${version}`);
      if (hit) return hit;
    }
    const row = version === undefined ? await this.repo.latest(id) : await this.repo.version(id, version);
    if (!row) throw DomainError.notFound(version === undefined ? 'plan template' : `plan template ${id} version`, version ?? id);
    return this.parse(row);
  }

  async view(id: string, version?: number): Promise<TemplateView> {
    const row = version === undefined ? await this.repo.latest(id) : await this.repo.version(id, version);
    if (!row) throw DomainError.notFound(version === undefined ? 'plan template' : `plan template ${id} version`, version ?? id);
    return { ...metaOf(row), template: this.parse(row) };
  }

  /** The newest version's row meta (status, source), or undefined. */
  async head(id: string): Promise<TemplateVersionMeta | undefined> {
    const row = await this.repo.latest(id);
    return row ? metaOf(row) : undefined;
  }

  async history(id: string): Promise<TemplateHistoryEntry[]> {
    const rows = await this.repo.history(id);
    if (!rows.length) throw DomainError.notFound('plan template', id);
    return rows.map((r) => ({ ...metaOf(r), changes: r.diff ? (JSON.parse(r.diff) as TemplateChange[]) : [] }));
  }

  // ─── writing ──────────────────────────────────────────────────────────────────────────────────

  /** A new template (version 1). 409 DUPLICATE when the id exists (retired ones too: ids are never reused). */
  async create(raw: unknown, note: string | null, actor: Actor): Promise<TemplateView> {
    const id = this.idOf(raw);
    if (await this.repo.latest(id))
      throw new DomainError(ErrorCode.Duplicate, `plan template ${id} exists already: edit it (PUT) or copy it under a new id`, { field: 'template.id', id });
    const t = this.validate({ ...(raw as object), version: 1 });
    if (!(await this.repo.insert(this.row(t, 'active', 'office', null, note, null, actor)))) {
      throw new DomainError(ErrorCode.Duplicate, `plan template ${id} was created by someone else meanwhile`, { field: 'template.id', id });
    }
    return { ...(await this.view(id, 1)), changed: true, changes: [] };
  }

  /** A copy of a version (the newest by default) under a new id, as version 1 of its own history. */
  async copy(id: string, opts: { newId: string; name?: string; version?: number; note?: string | null }, actor: Actor): Promise<TemplateView> {
    const from = await this.get(id, opts.version);
    if (!ID_RE.test(opts.newId))
      throw DomainError.validation([{ field: 'newId', reason: 'letters, digits, ".", "_" or "-" (at most 64), starting with a letter or digit' }]);
    if (await this.repo.latest(opts.newId))
      throw new DomainError(ErrorCode.Duplicate, `plan template ${opts.newId} exists already`, { field: 'newId', id: opts.newId });
    const t = this.validate({ ...from, id: opts.newId, name: opts.name ?? `${from.name}（副本）`, version: 1 });
    const copiedFrom = `${from.id}@${from.version}`;
    if (!(await this.repo.insert(this.row(t, 'active', 'office', copiedFrom, opts.note ?? `复制自 ${copiedFrom}`, null, actor)))) {
      throw new DomainError(ErrorCode.Duplicate, `plan template ${opts.newId} was created by someone else meanwhile`, { field: 'newId', id: opts.newId });
    }
    return { ...(await this.view(opts.newId, 1)), changed: true, changes: [] };
  }

  /**
   * A new version with the whole body given. Refused: shipped (409 TEMPLATE_READ_ONLY: copy it), retired
   * (409 TEMPLATE_RETIRED), a stale `expectedVersion` or a concurrent edit (409 VERSION_CONFLICT), an
   * invalid body (400 naming `template.<path>`). The same body again writes nothing (`changed: false`).
   */
  async update(id: string, raw: unknown, opts: { note?: string | null; expectedVersion?: number }, actor: Actor): Promise<TemplateView> {
    const latest = await this.writable(id, opts.expectedVersion);
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'id' in raw && (raw as { id: unknown }).id !== id) {
      throw DomainError.validation([{ field: 'template.id', reason: `the id is ${id} (copy the template to use another id)` }]);
    }
    const next = this.validate({ ...(raw as object), id, version: latest.version + 1 });
    return this.append(latest, next, opts.note ?? null, actor);
  }

  /** Retire: a new version with the same rules, status retired. Plans set up with it keep scoring; new set-ups refuse it. */
  async retire(id: string, reason: string, actor: Actor): Promise<TemplateView> {
    const latest = await this.writable(id);
    const prev = this.parse(latest);
    const next = { ...prev, version: latest.version + 1 };
    const change: TemplateChange = { path: 'status', change: 'changed', before: 'active', after: 'retired', label: '状态：启用 → 停用' };
    if (!(await this.repo.insert(this.row(next, 'retired', 'office', null, reason, [change], actor)))) {
      throw new DomainError(ErrorCode.VersionConflict, `plan template ${id} changed meanwhile (version ${latest.version + 1} exists)`, {
        current: latest.version + 1,
      });
    }
    return { ...(await this.view(id, next.version)), changed: true, changes: [change] };
  }

  /**
   * A catalogue pasted or uploaded as a numbered list becomes one section of the template (a new version):
   * every line must be read (else 400 naming each line, nothing written). Items whose name matches an
   * existing item keep its key (recorded unit events refer to keys). `mode: append` keeps the others.
   */
  async saveCatalogue(
    id: string,
    kind: CatalogueKind,
    input: { text?: string; lines?: string[]; mode?: 'replace' | 'append'; totalCap?: number | null; note?: string | null; expectedVersion?: number },
    actor: Actor,
  ): Promise<TemplateView & { parse: CatalogueParse }> {
    const latest = await this.writable(id, input.expectedVersion);
    const parse = this.parseCatalogue(kind, input);
    if (parse.problems.length || parse.items.length === 0) {
      const fields = parse.problems.length
        ? parse.problems.map((p) => ({
            field: input.lines ? `lines[${p.line - 1}]` : 'text',
            line: p.line,
            code: p.code,
            reason: `第${p.line}行「${p.text.trim()}」：${p.reason}`,
          }))
        : [{ field: input.lines ? 'lines' : 'text', reason: 'no catalogue item could be read' }];
      throw new DomainError(ErrorCode.Validation, `Invalid input — ${fields.length} line(s) could not be read; nothing was saved`, { fields, parse });
    }
    const prev = this.parse(latest);
    const section = CATALOGUE_SECTIONS[kind];
    const existing: (AdjustmentItem | VetoItem)[] = prev.adjustments[section].items;
    const byName = new Map(existing.map((i) => [i.name, i.key]));
    const used = new Set(input.mode === 'append' ? existing.map((i) => i.key) : []);
    const items = parse.items.map((p) => {
      let key = byName.get(p.name) ?? p.key;
      if (used.has(key) && byName.get(p.name) !== key) {
        let n = 2;
        while (used.has(`${p.key}-${n}`)) n++;
        key = `${p.key}-${n}`;
      }
      used.add(key);
      const item: AdjustmentItem = { key, name: p.name };
      if (kind !== 'veto') {
        if (p.points !== undefined) item.points = p.points;
        if (p.range !== undefined) item.range = p.range;
        if (p.cap !== undefined) item.cap = p.cap;
      }
      item.text = p.text;
      return item;
    });
    const adjustments: AdjustmentCatalog = { ...prev.adjustments };
    const merged = input.mode === 'append' ? [...existing.filter((e) => !items.some((i) => i.key === e.key)), ...items] : items;
    if (section === 'vetoes') adjustments.vetoes = { items: merged.map(({ key, name, text }) => (text === undefined ? { key, name } : { key, name, text })) };
    else {
      const totalCap = input.totalCap === null ? undefined : (input.totalCap ?? parse.totalCap ?? prev.adjustments[section].totalCap);
      adjustments[section] = totalCap === undefined ? { items: merged } : { totalCap, items: merged };
    }
    const next = this.validate({ ...prev, adjustments, version: latest.version + 1 });
    const view = await this.append(latest, next, input.note ?? `粘贴${parse.items.length}项`, actor);
    return { ...view, parse };
  }

  /** `parseCatalogueText` / `parseCatalogueLines`: items to review and every unreadable line; nothing stored. */
  parseCatalogue(kind: CatalogueKind, input: { text?: string; lines?: string[] }): CatalogueParse {
    if (input.lines)
      return parseCatalogueLines(
        input.lines.map((text, i) => ({ line: i + 1, text })).filter((l) => l.text.trim() !== ''),
        kind,
      );
    return parseCatalogueText(input.text ?? '', kind);
  }

  // ─── internals ────────────────────────────────────────────────────────────────────────────────

  private async writable(id: string, expectedVersion?: number): Promise<TemplateVersionRow> {
    const latest = await this.repo.latest(id);
    if (!latest) throw DomainError.notFound('plan template', id);
    if (latest.source === 'shipped') {
      throw new DomainError(
        ErrorCode.TemplateReadOnly,
        `plan template ${id} is shipped with the program and read-only: copy it (POST /scoring/templates/${id}/copy) and edit the copy`,
        { id },
      );
    }
    if (latest.status === 'retired')
      throw new DomainError(ErrorCode.TemplateRetired, `plan template ${id} was retired at ${latest.created_at}: copy it to use its rules again`, {
        id,
        version: latest.version,
      });
    if (expectedVersion !== undefined && expectedVersion !== latest.version) {
      throw new DomainError(ErrorCode.VersionConflict, `plan template ${id} is at version ${latest.version}, not ${expectedVersion}`, {
        field: 'expectedVersion',
        expected: expectedVersion,
        current: latest.version,
      });
    }
    return latest;
  }

  private async append(latest: TemplateVersionRow, next: PlanTemplate, note: string | null, actor: Actor): Promise<TemplateView> {
    const changes = diffTemplates(this.parse(latest), next);
    if (changes.length === 0) return { ...metaOf(latest), template: this.parse(latest), changed: false, changes: [] };
    if (!(await this.repo.insert(this.row(next, 'active', 'office', null, note, changes, actor)))) {
      throw new DomainError(ErrorCode.VersionConflict, `plan template ${next.id} changed meanwhile (version ${next.version} exists)`, {
        current: next.version,
      });
    }
    return { ...(await this.view(next.id, next.version)), changed: true, changes };
  }

  private idOf(raw: unknown): string {
    const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || !ID_RE.test(id)) {
      throw DomainError.validation([
        { field: 'template.id', reason: 'required: letters, digits, ".", "_" or "-" (at most 64), starting with a letter or digit' },
      ]);
    }
    return id;
  }

  private validate(raw: unknown): PlanTemplate {
    const v = validatePlanTemplate(raw);
    if (!v.ok) throw DomainError.validation(v.errors.map((e) => ({ field: e.field ? `template.${e.field}` : 'template', reason: reasonOf(e) })));
    return v.value;
  }

  private parse(row: TemplateVersionRow): PlanTemplate {
    const k = `${row.id}@${row.version}`;
    let t = this.parsed.get(k);
    if (!t) {
      t = JSON.parse(row.body) as PlanTemplate;
      this.parsed.set(k, t);
    }
    return t;
  }

  private row(
    t: PlanTemplate,
    status: TemplateStatus,
    source: TemplateSource,
    copiedFrom: string | null,
    note: string | null,
    diff: TemplateChange[] | null,
    actor: Actor | null,
  ): TemplateVersionRow {
    return {
      id: t.id,
      version: t.version,
      name: t.name,
      status,
      source,
      body: JSON.stringify(t),
      copied_from: copiedFrom,
      note,
      diff: diff ? JSON.stringify(diff) : null,
      created_by: actor?.userId ?? null,
      created_role: actor?.role ?? 'system',
      created_username: actor?.username ?? null,
      created_at: this.clock.nowIso(),
    };
  }
}
