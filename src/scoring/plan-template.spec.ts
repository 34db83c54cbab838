import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validatePlanTemplate } from './plan-template.js';
import { loadPlanTemplate, loadPlanTemplates, parsePlanTemplate } from './plan-template.loader.js';
import { ScoringError, ScoringErrorCode } from './scoring.error.js';

const DIR = resolve(process.cwd(), 'config/plan-templates');
const raw = (id: string): Record<string, unknown> => JSON.parse(readFileSync(resolve(DIR, `${id}.json`), 'utf8')) as Record<string, unknown>;

describe('plan templates in config/plan-templates', () => {
  it('every template loads and validates', async () => {
    const all = await loadPlanTemplates(DIR);
    expect([...all.keys()]).toEqual(['county-departments', 'county-towns']);
  });

  it('county-towns: indicators 70% + comprehensive 30% (leaders 75%, office 15%, peers 10%), quota 30/50/15/5', async () => {
    const t = await loadPlanTemplate('county-towns', DIR);
    const towns = t.groups.find((g) => g.key === 'towns');
    expect(towns?.composition.parts.map((p) => [p.key, p.weight])).toEqual([
      ['indicators', 0.7],
      ['comprehensive', 0.3],
    ]);
    const comp = towns?.composition.parts[1];
    expect(comp?.kind === 'composite' && comp.parts.map((p) => [p.key, p.weight])).toEqual([
      ['leaders', 0.75],
      ['office', 0.15],
      ['peers', 0.1],
    ]);
    expect(towns?.absentIndicators).toBe('group_average');
    expect(towns?.grading).toMatchObject({ mode: 'quota', grades: [{ percent: 30 }, { percent: 50 }, { percent: 15 }, { percent: 5 }] });
    expect(t.adjustments.bonuses.totalCap).toBe(3);
    expect(t.groups.find((g) => g.key === 'parks')?.grading.mode).toBe('thresholds');
  });

  it('county-departments: indicators 80 points (individual 90% + common 10%) + comprehensive 20 points', async () => {
    const t = await loadPlanTemplate('county-departments', DIR);
    const g = t.groups[0];
    expect(g.composition.mode).toBe('points');
    expect(g.composition.parts.map((p) => [p.key, p.points])).toEqual([
      ['indicators', 80],
      ['comprehensive', 20],
    ]);
    const ind = g.composition.parts[0];
    expect(ind.kind === 'composite' && ind.parts.map((p) => [p.kind === 'indicators' && p.tag, p.weight])).toEqual([
      ['individual', 0.9],
      ['common', 0.1],
    ]);
  });

  it('refuses ids that are paths, and unknown templates', async () => {
    await expect(loadPlanTemplate('../package', DIR)).rejects.toThrow(/not a plain name/);
    await expect(loadPlanTemplate('nope', DIR)).rejects.toThrow(/not found/);
  });
});

describe('validatePlanTemplate', () => {
  it('names every problem by its path', () => {
    const t = raw('county-towns');
    const groups = t.groups as Record<string, unknown>[];
    const composition = groups[0].composition as { parts: Record<string, unknown>[] };
    composition.parts[0].weight = 0.6;
    (composition.parts[1] as { parts: Record<string, unknown>[] }).parts[2].evaluator = 'mayor';
    (groups[1].grading as Record<string, unknown>).thresholds = [
      { grade: '良好', min: 80 },
      { grade: '优秀', min: 90 },
    ];
    t.colour = 'red';
    const v = validatePlanTemplate(t);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => e.field)).toEqual([
      'colour',
      'groups[0].composition.parts[1].parts[2].evaluator',
      'groups[0].composition.parts',
      'groups[1].grading.thresholds[1].min',
    ]);
    expect(v.errors[2].message).toContain('weights sum to 0.9');
  });

  it('refuses quotas above 100%, a weight where points are expected, and ambiguous indicator parts', () => {
    const t = raw('county-departments');
    const g = (t.groups as Record<string, unknown>[])[0];
    (g.grading as { grades: { percent: number }[] }).grades[0].percent = 40;
    const parts = (g.composition as { parts: Record<string, unknown>[] }).parts;
    parts[1].weight = 0.2;
    const inner = (parts[0] as { parts: Record<string, unknown>[] }).parts;
    delete inner[1].tag;
    const v = validatePlanTemplate(t);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => [e.field, e.code])).toEqual([
      ['groups[0].composition.parts[1].weight', 'conflict'],
      ['groups[0].composition', 'ambiguous'],
      ['groups[0].grading.grades', 'range'],
    ]);
  });

  it('parsePlanTemplate throws InvalidTemplate with the details', () => {
    try {
      parsePlanTemplate('{"id":"x"}', 'x.json');
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ScoringError);
      expect((e as ScoringError).code).toBe(ScoringErrorCode.InvalidTemplate);
      expect((e as ScoringError).details.map((d) => d.field)).toEqual(['name', 'groups']);
    }
    expect(() => parsePlanTemplate('{', 'x.json')).toThrow(/not valid JSON/);
  });
});
