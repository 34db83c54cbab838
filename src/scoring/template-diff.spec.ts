import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validatePlanTemplate, type PlanTemplate } from './plan-template.js';
import { diffTemplates } from './template-diff.js';

const raw = (id: string): Record<string, unknown> =>
  JSON.parse(readFileSync(resolve(process.cwd(), 'config/plan-templates', `${id}.json`), 'utf8')) as Record<string, unknown>;
const valid = (t: unknown): PlanTemplate => {
  const v = validatePlanTemplate(t);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
};

describe('diffTemplates: what changed between two versions, for the history', () => {
  it('the same template → no changes; the version number alone is not a change', () => {
    const a = valid(raw('county-towns'));
    expect(diffTemplates(a, valid(raw('county-towns')))).toEqual([]);
    expect(diffTemplates(a, { ...a, version: 2 })).toEqual([]);
  });

  it('names a changed weight by its path and its parts by name', () => {
    const before = valid(raw('county-towns'));
    const edited = raw('county-towns');
    const parts = ((edited.groups as Record<string, unknown>[])[0].composition as { parts: Record<string, unknown>[] }).parts;
    parts[0].weight = 0.6;
    parts[1].weight = 0.4;
    const changes = diffTemplates(before, valid(edited));
    expect(changes).toEqual([
      {
        path: 'groups[0].composition.parts[0].weight',
        change: 'changed',
        before: 0.7,
        after: 0.6,
        label: '分组「镇街组」 › 综合得分 › 「业务指标考核」 › 权重：0.7 → 0.6',
      },
      {
        path: 'groups[0].composition.parts[1].weight',
        change: 'changed',
        before: 0.3,
        after: 0.4,
        label: '分组「镇街组」 › 综合得分 › 「综合评价」 › 权重：0.3 → 0.4',
      },
    ]);
  });

  it('an inserted catalogue item is one addition (matched by key, not shifted), a removal names its old index, a new order is one move', () => {
    const before = valid(raw('county-towns'));
    const edited = raw('county-towns');
    const adj = edited.adjustments as Record<string, { items: Record<string, unknown>[]; totalCap?: number }>;
    adj.negativeList.items.unshift({ key: 'nl-01', name: '发生重大网络安全事件的', points: 0.5, text: '1. 发生重大网络安全事件的，扣0.5分' });
    adj.deductions.items.splice(1, 1); // late_submission
    adj.negativeList.totalCap = 10;
    const groups = edited.groups as unknown[];
    edited.groups = [groups[1], groups[0]];
    const changes = diffTemplates(before, valid(edited));
    expect(changes.map((c) => [c.path, c.change])).toEqual([
      ['adjustments.deductions.items[1]', 'removed'],
      ['adjustments.negativeList.items[0]', 'added'],
      ['adjustments.negativeList.totalCap', 'added'],
      ['groups', 'moved'],
    ]);
    expect(changes[0].label).toBe('加减分 › 减分项 › 「未按时报送考核材料」：删除');
    expect(changes[1].label).toBe('加减分 › 负面清单 › 「发生重大网络安全事件的」：新增');
    expect(changes[2]).toMatchObject({ after: 10, label: '加减分 › 负面清单 › 合计上限：新增 10' });
    expect(changes[3]).toMatchObject({ before: ['towns', 'parks'], after: ['parks', 'towns'] });
  });

  it('a grade scale edit is found by grade name', () => {
    const before = valid(raw('county-points-towns'));
    const edited = raw('county-points-towns');
    const leaders = (edited.evaluators as { grades: { grade: string; score: number }[]; quotaMode: string }[])[0];
    leaders.grades[3].score = 4;
    leaders.quotaMode = 'strict';
    expect(diffTemplates(before, valid(edited)).map((c) => [c.path, c.before, c.after, c.label])).toEqual([
      ['evaluators[0].grades[3].score', 5, 4, '评价主体「县领导评价」 › 等次「基本合格」 › 分值：5 → 4'],
      ['evaluators[0].quotaMode', 'in_principle', 'strict', '评价主体「县领导评价」 › 配额执行方式：「in_principle」 → 「strict」'],
    ]);
  });
});
