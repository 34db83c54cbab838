import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type PlanTemplate, validatePlanTemplate } from './plan-template.js';
import { ScoringError, ScoringErrorCode } from './scoring.error.js';

/** Where plan templates live, relative to the working directory (the repository root when the app runs). */
export const DEFAULT_TEMPLATE_DIR = 'config/plan-templates';

/** Parses and validates template JSON text; throws ScoringError(InvalidTemplate) listing every problem. */
export function parsePlanTemplate(text: string, source = 'template'): PlanTemplate {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScoringError(ScoringErrorCode.InvalidTemplate, `${source}: not valid JSON (${(e as Error).message})`);
  }
  const v = validatePlanTemplate(raw);
  if (!v.ok) {
    throw new ScoringError(ScoringErrorCode.InvalidTemplate, `${source}: invalid plan template: ${v.errors.map((e) => e.message).join('; ')}`, v.errors);
  }
  return v.value;
}

/** Loads `<dir>/<id>.json` and validates it. The id must be a plain file name (no path). */
export async function loadPlanTemplate(id: string, dir: string = DEFAULT_TEMPLATE_DIR): Promise<PlanTemplate> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(id) || basename(id) !== id) {
    throw new ScoringError(ScoringErrorCode.InvalidTemplate, `plan template id "${id}" is not a plain name`);
  }
  const file = join(resolve(dir), `${id}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ScoringError(ScoringErrorCode.InvalidTemplate, `plan template "${id}" not found in ${dir}`);
  }
  const t = parsePlanTemplate(text, file);
  if (t.id !== id) throw new ScoringError(ScoringErrorCode.InvalidTemplate, `${file}: its id "${t.id}" does not match the file name`);
  return t;
}

/** Loads and validates every template of a directory, keyed by id. */
export async function loadPlanTemplates(dir: string = DEFAULT_TEMPLATE_DIR): Promise<Map<string, PlanTemplate>> {
  const out = new Map<string, PlanTemplate>();
  for (const f of (await readdir(resolve(dir))).filter((f) => f.endsWith('.json')).sort()) {
    const t = await loadPlanTemplate(f.slice(0, -'.json'.length), dir);
    out.set(t.id, t);
  }
  return out;
}
