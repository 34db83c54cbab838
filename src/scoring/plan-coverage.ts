/**
 * Several templates in one plan: which template (and which of its groups' rules) each plan group follows,
 * and the plan-level check that every group is covered and every evaluator or catalogue item referenced
 * exists. `checkPlanCoverage` is what the set-up endpoint calls; `computePlanScores` runs the same
 * resolution and refuses a plan that fails it.
 */
import type { UnitEvent } from './adjustments.js';
import type { PartNode } from './composition.js';
import type { Ballot } from './evaluation.js';
import type { GroupTemplate, PlanTemplate } from './plan-template.js';
import type { FieldError } from './scoring.error.js';

export interface CoverageGroup {
  id: string;
  name?: string;
  templateId?: string;
  templateVersion?: number;
  template?: string;
}

export interface PlanCoverageInput {
  /** The templates available to the plan (the legacy single `template` counts as one). */
  templates: readonly PlanTemplate[];
  groups: readonly CoverageGroup[];
  /** Optional: checked against their group's template (evaluator keys). */
  ballots?: readonly Pick<Ballot, 'evaluator' | 'groupId' | 'id'>[];
  /** Optional, with `units`: checked against the unit's group's catalogue. */
  events?: readonly Pick<UnitEvent, 'type' | 'item' | 'unitId' | 'id'>[];
  units?: readonly { id: string; groupId: string }[];
  /** Optional: tags no composition of a group counts are reported as warnings. */
  indicators?: readonly { id: string; tag?: string | null; kind?: string | null }[];
}

export interface ResolvedGroup {
  groupId: string;
  templateId: string;
  templateVersion: number;
  templateName: string;
  /** The template group whose rules apply. */
  groupKey: string;
  groupName: string;
  evaluators: string[];
}

export interface PlanCoverage {
  ok: boolean;
  problems: FieldError[];
  warnings: FieldError[];
  groups: ResolvedGroup[];
}

export interface GroupResolution {
  template: PlanTemplate;
  rules: GroupTemplate;
}

const fe = (field: string, code: string, message: string): FieldError => ({ field, code, message: `${field}: ${message}` });

/**
 * Resolves one plan group: its template (by id and version; else `fallback` — the plan's one legacy
 * template — or the only template given)
 * and the template group (by key; the only group when the template has one). Problems are pushed with
 * paths `groups[i].templateId` / `groups[i].template`.
 */
export function resolveGroupTemplate(
  templates: readonly PlanTemplate[],
  g: CoverageGroup,
  i: number,
  problems: FieldError[],
  fallback?: PlanTemplate,
): GroupResolution | undefined {
  let template: PlanTemplate | undefined;
  if (g.templateId === undefined || g.templateId === null) {
    if (fallback) template = fallback;
    else if (templates.length === 1) template = templates[0];
    else {
      problems.push(
        fe(
          `groups[${i}].templateId`,
          'required',
          `group ${g.id}${g.name ? `（${g.name}）` : ''} follows no template: name one of ${templates.map((t) => t.id).join(', ') || '(none given)'}`,
        ),
      );
      return undefined;
    }
  } else {
    const same = templates.filter(
      (t) => t.id === g.templateId && (g.templateVersion === undefined || g.templateVersion === null || t.version === g.templateVersion),
    );
    if (same.length === 0) {
      const versions = templates.filter((t) => t.id === g.templateId).map((t) => t.version);
      problems.push(
        fe(
          `groups[${i}].${versions.length > 0 ? 'templateVersion' : 'templateId'}`,
          'unknown',
          versions.length > 0
            ? `template "${g.templateId}" has no version ${g.templateVersion} here (given: ${versions.join(', ')})`
            : `unknown template "${g.templateId}" (given: ${templates.map((t) => t.id).join(', ') || 'none'})`,
        ),
      );
      return undefined;
    }
    if (same.length > 1) {
      problems.push(
        fe(`groups[${i}].templateVersion`, 'ambiguous', `template "${g.templateId}" is given in versions ${same.map((t) => t.version).join(', ')}: say which`),
      );
      return undefined;
    }
    template = same[0];
  }
  let rules: GroupTemplate | undefined;
  if (g.template === undefined || g.template === null) {
    if (template.groups.length === 1) rules = template.groups[0];
    else {
      problems.push(
        fe(
          `groups[${i}].template`,
          'required',
          `template "${template.id}" has several groups' rules (${template.groups.map((t) => t.key).join(', ')}): say which one group ${g.id} follows`,
        ),
      );
      return undefined;
    }
  } else {
    rules = template.groups.find((t) => t.key === g.template);
    if (!rules) {
      problems.push(
        fe(`groups[${i}].template`, 'unknown', `template "${template.id}" has no group "${g.template}" (has: ${template.groups.map((t) => t.key).join(', ')})`),
      );
      return undefined;
    }
  }
  return { template, rules };
}

/** The evaluator keys a composition refers to. */
export function evaluatorsOf(root: PartNode, out: string[] = []): string[] {
  if (root.kind === 'evaluation') out.push(root.evaluator);
  else if (root.kind === 'composite') for (const p of root.parts) evaluatorsOf(p, out);
  return out;
}

/** Indicator tags a composition counts; `untagged`: it has an indicators part without a tag (counts everything). */
export function tagsOf(root: PartNode): { untagged: boolean; tags: Set<string> } {
  const tags = new Set<string>();
  let untagged = false;
  const walk = (n: PartNode): void => {
    if (n.kind === 'indicators') {
      if (n.tag === undefined) untagged = true;
      else tags.add(n.tag);
    } else if (n.kind === 'composite') n.parts.forEach(walk);
  };
  walk(root);
  return { untagged, tags };
}

/**
 * The plan-level check: every group follows exactly one template group; every evaluator a composition
 * uses is declared by its template; ballots name an evaluator of their group's template; unit events name
 * an item of their unit's group's catalogue. Indicator tags that a group's composition does not count are
 * warnings (an indicator counted nowhere is usually a set-up slip).
 */
export function checkPlanCoverage(input: PlanCoverageInput): PlanCoverage {
  const problems: FieldError[] = [];
  const warnings: FieldError[] = [];
  const seen = new Map<string, number>();
  input.templates.forEach((t, j) => {
    const k = `${t.id}@${t.version}`;
    if (seen.has(k)) problems.push(fe(`templates[${j}]`, 'duplicate', `template "${t.id}" version ${t.version} is given twice (templates[${seen.get(k)}])`));
    else seen.set(k, j);
  });
  if (input.groups.length === 0) problems.push(fe('groups', 'required', 'the plan has no groups to score'));
  const resolved: (GroupResolution | undefined)[] = [];
  const groups: ResolvedGroup[] = [];
  const groupAt = new Map<string, number>();
  input.groups.forEach((g, i) => {
    if (groupAt.has(g.id)) problems.push(fe(`groups[${i}].id`, 'duplicate', `duplicate group id ${g.id}`));
    groupAt.set(g.id, i);
    const r = resolveGroupTemplate(input.templates, g, i, problems);
    resolved[i] = r;
    if (!r) return;
    const declared = new Set(r.template.evaluators.map((e) => e.key));
    for (const key of evaluatorsOf(r.rules.composition)) {
      if (!declared.has(key))
        problems.push(
          fe(
            `groups[${i}].template`,
            'unknown_evaluator',
            `the rules "${r.rules.key}" of template "${r.template.id}" use evaluator "${key}", which the template does not declare`,
          ),
        );
    }
    groups.push({
      groupId: g.id,
      templateId: r.template.id,
      templateVersion: r.template.version,
      templateName: r.template.name,
      groupKey: r.rules.key,
      groupName: r.rules.name,
      evaluators: [...new Set(evaluatorsOf(r.rules.composition))],
    });
  });

  (input.ballots ?? []).forEach((b, k) => {
    const i = groupAt.get(b.groupId);
    if (i === undefined) {
      problems.push(fe(`ballots[${k}].groupId`, 'unknown', `unknown group ${b.groupId}`));
      return;
    }
    const r = resolved[i];
    if (r && !r.template.evaluators.some((e) => e.key === b.evaluator)) {
      problems.push(
        fe(
          `ballots[${k}].evaluator`,
          'unknown',
          `template "${r.template.id}" of group ${b.groupId} has no evaluator "${b.evaluator}" (has: ${r.template.evaluators.map((e) => e.key).join(', ')})`,
        ),
      );
    }
  });

  if (input.events && input.units) {
    const unitGroup = new Map(input.units.map((u) => [u.id, u.groupId]));
    input.events.forEach((e, k) => {
      const gid = unitGroup.get(e.unitId);
      const i = gid === undefined ? undefined : groupAt.get(gid);
      if (i === undefined) {
        problems.push(fe(`events[${k}].unitId`, 'unknown', `unit ${e.unitId} is in no group of the plan`));
        return;
      }
      const r = resolved[i];
      if (!r) return;
      const a = r.template.adjustments;
      const list =
        e.type === 'bonus'
          ? a.bonuses.items
          : e.type === 'deduction'
            ? a.deductions.items
            : e.type === 'negative_list'
              ? a.negativeList.items
              : e.type === 'veto'
                ? a.vetoes.items
                : undefined;
      if (!list) problems.push(fe(`events[${k}].type`, 'enum', `unknown event type ${JSON.stringify(e.type)}`));
      else if (!list.some((x) => x.key === e.item))
        problems.push(fe(`events[${k}].item`, 'unknown', `template "${r.template.id}" has no ${e.type} item "${e.item}"`));
    });
  }

  if (input.indicators) {
    resolved.forEach((r, i) => {
      if (!r) return;
      const { untagged, tags } = tagsOf(r.rules.composition);
      if (untagged) return;
      const stray = input.indicators!.filter((ind) => !(ind.tag && tags.has(ind.tag)));
      if (stray.length > 0) {
        warnings.push(
          fe(
            `groups[${i}]`,
            'indicator_not_in_composition',
            `${stray.length} indicator(s) (${stray
              .slice(0, 5)
              .map((s) => `${s.id}${s.tag ? ` tag "${s.tag}"` : ' no tag'}`)
              .join(
                ', ',
              )}${stray.length > 5 ? ', …' : ''}) match no indicators part of "${r.rules.key}" (tags: ${[...tags].join(', ')}): a unit of group ${input.groups[i].id} carrying them gets nothing for them`,
          ),
        );
      }
    });
  }
  return { ok: problems.length === 0, problems, warnings, groups };
}
