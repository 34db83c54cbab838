import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkPlanCoverage } from './plan-coverage.js';
import { computePlanScores } from './plan-scores.js';
import type { PlanTemplate } from './plan-template.js';
import { parsePlanTemplate } from './plan-template.loader.js';
import { ScoringError } from './scoring.error.js';

const DIR = resolve(process.cwd(), 'config/plan-templates');
const shipped = (id: string): PlanTemplate => parsePlanTemplate(readFileSync(resolve(DIR, `${id}.json`), 'utf8'), id);
const towns = shipped('county-towns');
const depts = shipped('county-departments');
const points = shipped('county-points-towns');

describe('checkPlanCoverage: every group follows one template group; every evaluator and catalogue item referenced exists', () => {
  it('towns, parks and departments under their own rules: covered, each resolved with its template version and evaluators', () => {
    const r = checkPlanCoverage({
      templates: [towns, depts, points],
      groups: [
        { id: 'g1', templateId: 'county-towns', template: 'towns' },
        { id: 'g2', templateId: 'county-towns', template: 'parks' },
        { id: 'g3', templateId: 'county-departments', template: 'economic' },
        { id: 'g4', templateId: 'county-points-towns' }, // its only group
      ],
    });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.groups.map((g) => [g.groupId, g.templateId, g.templateVersion, g.groupKey, g.evaluators])).toEqual([
      ['g1', 'county-towns', 1, 'towns', ['leaders', 'office', 'peers']],
      ['g2', 'county-towns', 1, 'parks', ['leaders', 'office', 'peers']],
      ['g3', 'county-departments', 1, 'economic', ['leaders', 'office', 'peers']],
      ['g4', 'county-points-towns', 1, 'towns', ['leaders', 'departments']],
    ]);
  });

  it('names each uncovered group, unknown evaluator and unknown catalogue item by its path', () => {
    const r = checkPlanCoverage({
      templates: [towns, depts],
      groups: [
        { id: 'g1', templateId: 'county-towns' },
        { id: 'g2' },
        { id: 'g3', templateId: 'county-towns', template: 'villages' },
        { id: 'g4', templateId: 'nope' },
        { id: 'g5', templateId: 'county-departments', template: 'economic' },
      ],
      ballots: [
        { id: 'b1', evaluator: 'mayor', groupId: 'g5' },
        { id: 'b2', evaluator: 'office', groupId: 'g9' },
      ],
      units: [{ id: 'u1', groupId: 'g5' }],
      events: [{ unitId: 'u1', type: 'negative_list', item: 'safety_accident' }],
      indicators: [{ id: 'i1', tag: 'individual' }, { id: 'i2' }],
    });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.field, p.code])).toEqual([
      ['groups[0].template', 'required'],
      ['groups[1].templateId', 'required'],
      ['groups[2].template', 'unknown'],
      ['groups[3].templateId', 'unknown'],
      ['ballots[0].evaluator', 'unknown'],
      ['ballots[1].groupId', 'unknown'],
      ['events[0].item', 'unknown'],
    ]);
    expect(r.warnings.map((w) => [w.field, w.code])).toEqual([['groups[4]', 'indicator_not_in_composition']]);
    expect(r.warnings[0].message).toContain('i2 no tag');
  });

  it('computePlanScores refuses the same gaps (nothing is scored under a guessed template)', () => {
    try {
      computePlanScores({ templates: [towns, depts], groups: [{ id: 'g1', template: 'towns' }], units: [], indicators: [], tasks: [] });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(ScoringError);
      expect((e as ScoringError).details.map((d) => d.field)).toEqual(['groups[0].templateId']);
    }
  });
});
