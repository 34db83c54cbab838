/**
 * Sections mapped to plan groups (issue 14 item 1): the `groups` option checked against the file's sections
 * and the plan's groups, and what the import does to the groups (a group created, units added). Pure: the
 * caller reads the plan's groups and memberships (import-runs.repository.ts) and writes what is planned in
 * its own transaction.
 */
import { DomainError } from '../common/domain-error.js';
import { problem } from './grid.js';
import type { ImportIndicator, ImportProblem, ImportTask } from './model.js';
import { coded } from './problem-catalogue.js';

/** A section's group: the id of a group of the plan, or a new group by name and kind. */
export type GroupTarget = string | { name: string; kind?: string };

/** Kinds of a group an import creates (the units' kinds, and other). */
export const GROUP_KINDS = ['town', 'park', 'department', 'other'] as const;

/** Section → group, validated (id null: a group the import creates). */
export type GroupTargets = Map<string, { id: string | null; name: string; kind: string }>;

/** A section mapped to a group, resolved: the group (existing, or created by the import) and the members it gains. */
export interface GroupPlan {
  section: string;
  id: string;
  name: string;
  kind: string;
  create: boolean;
  members: { unitId: string; unitName: string }[];
}

/**
 * The `groups` option checked against the file's sections and the plan's groups: a 400 naming the field
 * (`groups.<section>`, `….name`, `….kind`) for a section the file does not have, a group of another plan,
 * an empty or taken new name, an unknown kind. Several sections may share one group (the same id, or the
 * same new name).
 */
export function resolveGroups(
  groups: Record<string, GroupTarget> | undefined,
  sections: string[],
  existing: { id: string; name: string; kind: string }[],
): GroupTargets {
  const out: GroupTargets = new Map();
  if (groups === undefined) return out;
  const problems: { field: string; reason: string }[] = [];
  for (const [key, target] of Object.entries(groups)) {
    const field = `groups.${key}`;
    if (!sections.includes(key)) {
      problems.push({ field, reason: `no such section in the file (its sections: ${sections.join(', ') || 'none'})` });
      continue;
    }
    if (typeof target === 'string') {
      const g = existing.find((x) => x.id === target);
      if (!g) problems.push({ field, reason: `group ${target} does not exist in this plan` });
      else out.set(key, { id: g.id, name: g.name, kind: g.kind });
    } else if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
      const name = typeof target.name === 'string' ? target.name.trim() : '';
      const kind = target.kind ?? 'department';
      if (name === '' || name.length > 100) {
        problems.push({ field: `${field}.name`, reason: name === '' ? "the new group's name must not be empty" : 'too long (at most 100 characters)' });
      } else if (existing.some((x) => x.name === name)) {
        problems.push({ field: `${field}.name`, reason: `a group named ${name} already exists in this plan: map the section to its id` });
      }
      if (!(GROUP_KINDS as readonly string[]).includes(kind)) problems.push({ field: `${field}.kind`, reason: `must be one of ${GROUP_KINDS.join(', ')}` });
      const extra = Object.keys(target).filter((k) => k !== 'name' && k !== 'kind');
      if (extra.length) problems.push({ field: `${field}.${extra[0]}`, reason: 'should not exist (a new group has name and kind)' });
      if (name !== '') out.set(key, { id: null, name, kind });
    } else {
      problems.push({ field, reason: 'must be a group id, or { name, kind } for a new group' });
    }
  }
  if (problems.length) throw DomainError.validation(problems);
  return out;
}

/**
 * Each mapped section's group gains the units of the section's tasks. A unit already in another group of
 * the plan (or mapped to two groups by this import) is an error naming both groups, pushed to `problems`:
 * a unit is in one group of a plan (ranking and scoring are per group).
 */
export function planGroups(
  targets: GroupTargets,
  indicators: ImportIndicator[],
  tasks: { unitId: string; task: ImportTask }[],
  members: Map<string, { groupId: string; groupName: string }>,
  nextId: () => string,
  problems: ImportProblem[],
): GroupPlan[] {
  if (targets.size === 0) return [];
  const sectionOf = new Map(indicators.map((i) => [i.key, i.section ?? '']));
  const unitNames = new Map<string, string>();
  const unitsBySection = new Map<string, string[]>();
  for (const t of tasks) {
    const s = sectionOf.get(t.task.indicatorKey) ?? '';
    unitNames.set(t.unitId, t.task.unitName);
    const list = unitsBySection.get(s) ?? [];
    if (!list.includes(t.unitId)) list.push(t.unitId);
    unitsBySection.set(s, list);
  }
  const planned = new Map<string, string>(); // unit → group name this import puts it in
  const created = new Map<string, GroupPlan>();
  const plans: GroupPlan[] = [];
  for (const [section, target] of targets) {
    const shared = target.id === null ? created.get(target.name) : plans.find((g) => g.id === target.id);
    const g: GroupPlan = shared ?? { section, id: target.id ?? nextId(), name: target.name, kind: target.kind, create: target.id === null, members: [] };
    if (!shared) {
      plans.push(g);
      if (g.create) created.set(g.name, g);
    }
    for (const unitId of unitsBySection.get(section) ?? []) {
      const unitName = unitNames.get(unitId)!;
      const now = members.get(unitId);
      const other = now && now.groupId !== g.id ? now.groupName : planned.has(unitId) && planned.get(unitId) !== g.name ? planned.get(unitId)! : null;
      if (other !== null) {
        problems.push(
          problem(
            coded('group.unit-in-other-group', { section, unit: unitName, group: other, target: g.name }),
            'error',
            `section ${section}: unit ${unitName} is already in group ${other}; it cannot also join ${g.name}`,
          ),
        );
        continue;
      }
      if (now || planned.has(unitId)) continue;
      planned.set(unitId, g.name);
      g.members.push({ unitId, unitName });
    }
  }
  return plans;
}
