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
    expect([...all.keys()]).toEqual([
      'county-departments',
      'county-points-departments',
      'county-points-towns',
      'county-towns',
      'province-cities',
      'province-departments',
    ]);
  });

  it('province-cities: 70% / 30% written in percent, evaluation 75% / 15% / 10%, bonuses capped at 3 in total', async () => {
    const t = await loadPlanTemplate('province-cities', DIR);
    const g = t.groups[0];
    expect(g.composition.parts.map((p) => [p.key, p.percent, p.weight])).toEqual([
      ['indicators', 70, undefined],
      ['evaluation', 30, undefined],
    ]);
    const ev = g.composition.parts[1];
    expect(ev.kind === 'composite' && ev.parts.map((p) => p.percent)).toEqual([75, 15, 10]);
    expect(t.adjustments.bonuses.totalCap).toBe(3);
    expect(t.adjustments.negativeList.totalCap).toBeUndefined(); // uncapped unless it says so
    expect(g.coUnits).toEqual({ score: 'own', share: 1, points: 'full' }); // the default, filled in
    expect(g.constraintIndicators).toBe('part');
  });

  it('county-points: indicators 80 + evaluation 20 points, leaders 好/较好/合格/基本合格 = 8/7/6/5 of 8 with an in-principle 30/50/15/5 quota', async () => {
    const t = await loadPlanTemplate('county-points-towns', DIR);
    const leaders = t.evaluators.find((e) => e.key === 'leaders');
    expect(leaders).toMatchObject({ ballot: 'grade', scoreMax: 8, quotaMode: 'in_principle' });
    expect(leaders?.grades?.map((g) => [g.grade, g.score])).toEqual([
      ['好', 8],
      ['较好', 7],
      ['合格', 6],
      ['基本合格', 5],
    ]);
    expect(t.groups[0].composition.parts.map((p) => [p.key, p.points])).toEqual([
      ['indicators', 80],
      ['evaluation', 20],
    ]);
    const d = await loadPlanTemplate('county-points-departments', DIR);
    expect(d.groups[0].coUnits).toEqual({ score: 'lead', share: 0.5, points: 'full' });
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

  it('names the path of bad weights in percent, scales, quota modes, caps and co-unit rules', () => {
    const t = raw('province-departments');
    const group = (t.groups as Record<string, unknown>[])[0];
    const parts = (group.composition as { parts: Record<string, unknown>[] }).parts;
    parts[0].percent = 60; // 60 + 30 ≠ 100
    (parts[0] as { parts: Record<string, unknown>[] }).parts[1].weight = 0.1; // percent and weight both
    group.coUnits = { score: 'lead', share: 1.5 };
    const evaluators = t.evaluators as Record<string, unknown>[];
    evaluators[0].quotaMode = 'in_principle'; // a score ballot has no quota
    evaluators[1].scoreMax = 0;
    const adj = t.adjustments as Record<string, { items: Record<string, unknown>[]; totalCap?: unknown }>;
    adj.bonuses.items[3].cap = 0.2; // below one occurrence (0.5)
    adj.deductions.items[1].points = 1; // range and points
    adj.negativeList.totalCap = -1;
    const v = validatePlanTemplate(t);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => [e.field, e.code])).toEqual([
      ['evaluators[0].quotaMode', 'conflict'],
      ['evaluators[1].scoreMax', 'range'],
      ['adjustments.bonuses.items[3].cap', 'range'],
      ['adjustments.deductions.items[1].range', 'conflict'],
      ['adjustments.negativeList.totalCap', 'range'],
      ['groups[0].composition.parts[0].parts[1].percent', 'conflict'],
      ['groups[0].composition.parts', 'weights'],
      ['groups[0].coUnits.share', 'range'],
    ]);
    expect(v.errors[6].message).toContain('percentages sum to 90%, not 100%');
  });

  it('grade scales are listed best first', () => {
    const t = raw('county-points-towns');
    const leaders = (t.evaluators as { grades: { score: number }[] }[])[0];
    leaders.grades[2].score = 7.5; // 合格 worth more than 较好 (7)
    expect(validatePlanTemplate(t)).toMatchObject({ ok: false, errors: [{ field: 'evaluators[0].grades[2].score', code: 'order' }] });
    leaders.grades[2].score = 9; // above the scale (scoreMax 8)
    expect(validatePlanTemplate(t)).toMatchObject({
      ok: false,
      errors: [{ field: 'evaluators[0].grades[2].score', code: 'range' }, { field: 'evaluators[0].quota[2].grade' }],
    });
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
