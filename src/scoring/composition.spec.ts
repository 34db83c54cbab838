import { describe, expect, it } from '@jest/globals';
import { composeParts, type CompositePart } from './composition.js';

const towns: CompositePart = {
  key: 'total',
  name: '综合得分',
  kind: 'composite',
  mode: 'weights',
  parts: [
    { key: 'indicators', name: '业务指标', kind: 'indicators', weight: 0.7 },
    {
      key: 'comprehensive',
      name: '综合评价',
      kind: 'composite',
      mode: 'weights',
      weight: 0.3,
      parts: [
        { key: 'leaders', name: '县领导', kind: 'evaluation', evaluator: 'leaders', weight: 0.75 },
        { key: 'office', name: '绩效办', kind: 'evaluation', evaluator: 'office', weight: 0.15 },
        { key: 'peers', name: '互评', kind: 'evaluation', evaluator: 'peers', weight: 0.1 },
      ],
    },
  ],
};

describe('composeParts', () => {
  it('indicators 90, leaders 85, office 80, peers 88 at 70/30 and 75/15/10 → 88.37 before bonuses', () => {
    const values: Record<string, number> = { indicators: 90, leaders: 85, office: 80, peers: 88 };
    const r = composeParts(towns, (leaf) => ({ value: values[leaf.key], max: 100, formula: leaf.name }));
    expect(r.display).toBe('88.37');
    expect(r.value).toBe(88.365);
    expect(r.formula).toBe('90.00 × 70% + 84.55 × 30% = 88.37');
    const comp = r.parts?.[1];
    expect(comp?.value).toBe(84.55);
    expect(comp?.formula).toBe('85.00 × 75% + 80.00 × 15% + 88.00 × 10% = 84.55');
    expect(comp?.contribution).toBe(25.365);
    expect(r.parts?.[0]).toMatchObject({ weight: 0.7, rate: 90, contribution: 63 });
  });

  it('indicators out of a maximum other than 100 are taken as a rate', () => {
    const r = composeParts(towns, (leaf) => (leaf.kind === 'indicators' ? { value: 450, max: 500, formula: '' } : { value: 80, max: 100, formula: '' }));
    expect(r.value).toBe(87);
  });

  it('point budgets: indicators 80 (individual 90% + common 10%) + comprehensive 20', () => {
    const departments: CompositePart = {
      key: 'total',
      name: '综合得分',
      kind: 'composite',
      mode: 'points',
      parts: [
        {
          key: 'indicators',
          name: '业务指标',
          kind: 'composite',
          mode: 'weights',
          points: 80,
          parts: [
            { key: 'individual', name: '个性指标', kind: 'indicators', tag: 'individual', weight: 0.9 },
            { key: 'common', name: '共性指标', kind: 'indicators', tag: 'common', weight: 0.1 },
          ],
        },
        { key: 'comprehensive', name: '综合评价', kind: 'evaluation', evaluator: 'leaders', points: 20 },
      ],
    };
    const r = composeParts(departments, (leaf) =>
      leaf.key === 'individual'
        ? { value: 72, max: 80, formula: '' }
        : leaf.key === 'common'
          ? { value: 18, max: 20, formula: '' }
          : { value: 85, max: 100, formula: '' },
    );
    // individual 90% rate 90, common rate 90 → indicators 90 → 80 × 90 ÷ 100 = 72; comprehensive 20 × 85 ÷ 100 = 17
    expect(r.parts?.[0]).toMatchObject({ value: 90, budget: 80, contribution: 72 });
    expect(r.parts?.[1]).toMatchObject({ value: 85, budget: 20, contribution: 17 });
    expect(r).toMatchObject({ value: 89, max: 100 });
    expect(r.formula).toBe('80 × 90.00 ÷ 100 + 20 × 85.00 ÷ 100 = 89.00');
  });
});
