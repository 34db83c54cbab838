/**
 * 中文 labels of the scoring explanations' inputs. Dependency-free on purpose: the server's explanations
 * (methods/common.ts) and the web pages (src/dashboard/web/src/lib/scores.ts) both import this one table,
 * so a label cannot drift between what is computed and what is shown.
 */
export const INPUT_LABELS: Readonly<Record<string, string>> = Object.freeze({
  points: '分值',
  target: '目标值',
  actual: '完成值',
  policyAdjustment: '政策影响额',
  assessorPoints: '考核主体评分',
  weightOfRatio: '比例计分权重',
  subIndicators: '分项数',
  items: '项数',
  completedItems: '完成项数',
  missedItems: '未完成项数',
  deductionPerItem: '每项扣分',
  occurrences: '发生次数',
  deductionPerOccurrence: '每次扣分',
  threshold: '达标线',
  deductionPerPoint: '每个百分点扣分',
  result: '完成情况',
  nodes: '节点数',
  redNodes: '红灯数',
  deductionPerRedNode: '每个红灯扣分',
  completed: '是否完成',
  floor: '不允许值',
  satisfactory: '满意值',
  groupTotal: '组内得分合计',
  groupUnits: '承担该指标的单位数',
});
