/**
 * Stage 4 of computePlanScores: rank and grade the units of one group (competition ranking on the shown
 * or exact final; vetoed units after every passing one; grades by quota seats or thresholds).
 */
import { fmt2, fmtNum, roundHalfUp } from './numeric.js';
import type { GroupState } from './plan-prepare.js';
import type { GroupScores, UnitScore } from './plan-types.js';
import { competitionRanks, type GradeSeats, gradeByQuota, gradeByThresholds, vetoGradeOf } from './ranking.js';

/** Sets rank, grade and their explanations on the group's units (which must be this computation's own objects). */
export function rankAndGrade(grp: GroupState, units: UnitScore[]): GroupScores {
  const rules = grp.rules;
  const keyOf = (s: UnitScore): number => (rules.rankBy === 'display' ? roundHalfUp(s.final) : s.final);
  const passed: UnitScore[] = [];
  const failed: UnitScore[] = [];
  for (const u of grp.units) (units[u].result === 'failed' ? failed : passed).push(units[u]);
  const passedRanks = competitionRanks(passed.map(keyOf));
  const failedRanks = competitionRanks(failed.map(keyOf));
  passed.forEach((s, i) => (s.rank = passedRanks[i]));
  failed.forEach((s, i) => (s.rank = passed.length + failedRanks[i]));
  const total = passed.length + failed.length;
  const sharing = new Map<number, number>();
  for (const s of passed) sharing.set(s.rank, (sharing.get(s.rank) ?? 0) + 1);
  for (const s of failed) sharing.set(s.rank, (sharing.get(s.rank) ?? 0) + 1);
  for (const s of [...passed, ...failed]) {
    const tied = (sharing.get(s.rank) ?? 1) - 1;
    s.explanation.rank = `第 ${s.rank} 名（本组共 ${total} 个单位${tied > 0 ? `，与另外 ${tied} 个单位并列` : ''}${s.result === 'failed' ? '；被否决，排在未被否决的单位之后' : ''}）`;
  }

  const rule = rules.grading;
  const vetoGrade = vetoGradeOf(rule);
  for (const s of failed) {
    s.grade = vetoGrade;
    s.explanation.grade = `触发否决项，评为「${vetoGrade}」`;
  }
  let grading: GroupScores['grading'];
  if (rule.mode === 'quota') {
    const q = gradeByQuota(passedRanks, rule.grades);
    passed.forEach((s, i) => {
      s.grade = q.grades[i];
      const seat = q.seats.find((x) => x.grade === s.grade) as GradeSeats;
      s.explanation.grade = `按比例配额（最大余数法，${passed.length} 个参评单位）：「${seat.grade}」${fmtNum(seat.percent)}% → ${seat.seats} 个名额；第 ${s.rank} 名 → 「${s.grade}」${seat.overflow ? `（并列超出名额 ${seat.overflow} 个）` : ''}`;
    });
    grading = { mode: 'quota', graded: passed.length, seats: q.seats, vetoGrade };
  } else {
    for (const s of passed) {
      const key = keyOf(s);
      s.grade = gradeByThresholds(key, rule.thresholds, rule.otherwise);
      const t = rule.thresholds.find((x) => x.grade === s.grade && key >= x.min);
      s.explanation.grade = t
        ? `${fmt2(key)} ≥ ${fmtNum(t.min)} → 「${s.grade}」`
        : `${fmt2(key)} < ${fmtNum(rule.thresholds[rule.thresholds.length - 1].min)} → 「${s.grade}」`;
    }
    grading = { mode: 'thresholds', thresholds: rule.thresholds, otherwise: rule.otherwise, vetoGrade };
  }
  const ranking = [...passed, ...failed].sort((a, b) => a.rank - b.rank).map((s) => s.unitId);
  const out: GroupScores = {
    groupId: grp.input.id,
    templateId: grp.template.id,
    templateVersion: grp.template.version,
    template: rules.key,
    templateName: rules.name,
    ranking,
    grading,
    provisional: passed.some((s) => s.provisional) || failed.some((s) => s.provisional),
  };
  if (grp.input.name) out.name = grp.input.name;
  return out;
}
