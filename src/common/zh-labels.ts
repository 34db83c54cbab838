/**
 * The zh-CN names people read for the codes the API speaks (task states, events, roles, plan statuses,
 * resources, input fields). One table, imported by the server's error catalogue (error-catalogue.ts)
 * and by the web pages (src/dashboard/web/src/lib/format.ts), so the two cannot drift apart.
 * Pure data: no Nest, no DOM.
 */

export const TASK_STATE_ZH: Record<string, string> = {
  assigned: '待签收',
  open: '进行中',
  submitted: '待审核',
  returned: '已退回',
  completed: '已完成',
  closed: '已关闭',
  scored: '已评分',
  cancelled: '已撤销',
  suspended: '已暂停',
};

export const NODE_STATUS_ZH: Record<string, string> = {
  pending: '未开始',
  open: '进行中',
  submitted: '已提交',
  returned: '已退回',
  approved: '已通过',
};

export const ROLE_ZH: Record<string, string> = {
  admin: '系统管理员',
  supervisor: '督考办',
  department: '承接单位',
  assessor: '考核主体',
  auditor: '审计',
  leader: '领导',
  system: '系统',
};

export const EVENT_ZH: Record<string, string> = {
  'task.created': '下达任务',
  'task.acknowledge': '签收任务',
  'evidence.submit': '提交证明材料',
  'evidence.approve': '审核通过',
  'evidence.return': '退回整改',
  'extension.request': '申请延期',
  'extension.grant': '同意延期',
  'extension.deny': '驳回延期',
  'clock.tick': '到期检查',
  'task.close': '关闭任务',
  'task.score': '评定得分',
  'task.cancel': '撤销任务',
  'task.revise': '修订任务',
  'task.suspend': '暂停任务',
  'task.resume': '恢复任务',
  'task.facts': '录入计分数据',
};

export const PLAN_STATUS_ZH: Record<string, string> = { draft: '草稿', published: '已发布', closed: '已关闭' };

/** What a NOT_FOUND names (`details.resource`), in the words of the pages. */
export const RESOURCE_ZH: Record<string, string> = {
  task: '任务',
  'self-assessment': '自评',
  plan: '考核方案',
  'import run': '导入记录',
  unit: '单位',
  user: '用户',
  indicator: '指标',
  group: '考核分组',
  webhook: '推送地址',
  'plan template': '计分模板',
  'score run': '计分结果',
  'unit event': '加减分事项',
  'evidence file': '证明材料文件',
  route: '页面或接口',
  import: '导入记录',
  ballot: '综合评价票',
  checkpoint: '存证检查点',
  job: '作业',
};

/**
 * Input fields by their last path segment (`payload.newDueAt` → newDueAt; `nodes[0].dueDate` → dueDate).
 * A field missing here is shown as 「该项」 rather than its English name.
 */
export const FIELD_ZH: Record<string, string> = {
  selfScore: '自评分',
  signerUserId: '签认负责人',
  opensOn: '自评开始日期',
  closesOn: '自评截止日期',
  report: '自评报告',
  items: '自评事项',
  id: '编号',
  name: '名称',
  username: '用户名',
  password: '密码',
  newPassword: '新密码',
  currentPassword: '当前密码',
  displayName: '姓名',
  role: '角色',
  unitId: '单位',
  unitIds: '单位',
  planId: '考核方案',
  groupId: '考核分组',
  indicatorId: '指标',
  assessingUnitId: '考核主体',
  evaluator: '评价主体',
  evaluatorId: '评价人',
  evaluatorUnitId: '评价单位',
  entries: '评价明细',
  year: '年度',
  timezone: '时区',
  status: '状态',
  kind: '类别',
  aliases: '别名',
  code: '指标编码',
  categoryPath: '指标层级',
  points: '分值',
  methodCode: '计分方法',
  methodParams: '计分参数',
  direction: '指标方向',
  target: '目标',
  targetText: '目标描述',
  targetValue: '目标值',
  targetUnit: '目标单位',
  description: '说明',
  nodes: '节点',
  seq: '节点序号',
  nodeSeq: '节点',
  dueDate: '计划完成时间',
  warnDate: '预警日期',
  warnWorkingDays: '提前预警工作日',
  openDate: '开始日期',
  stageTarget: '阶段目标',
  stageValue: '阶段目标值',
  requiredEvidence: '证明材料要求',
  redDeduction: '红灯扣分',
  isLead: '牵头单位',
  type: '操作',
  expectedVersion: '任务版本',
  payload: '操作内容',
  fileIds: '证明材料文件',
  file: '文件',
  completedValue: '完成值',
  note: '完成情况说明',
  offline: '线下报送',
  reviewedValue: '审核认定值',
  policyAdjustment: '政策影响额',
  subValues: '分项指标值',
  subItems: '分项完成情况',
  actual: '完成值',
  assessorPoints: '考核主体赋分',
  comment: '意见',
  reason: '理由',
  newDueAt: '新的截止时间',
  newDueDate: '新的截止日期',
  newWarnAt: '新的预警时间',
  newWarnDate: '新的预警日期',
  score: '得分',
  at: '时间',
  asOf: '截至时间',
  from: '开始时间',
  to: '结束时间',
  dueFrom: '截止日期起',
  dueTo: '截止日期止',
  page: '页码',
  pageSize: '每页条数',
  state: '任务状态',
  light: '灯色',
  extensionPending: '延期待审批',
  source: '数据来源',
  runId: '计分批次',
  format: '格式',
  sheet: '工作表',
  templateId: '计分模板',
  groups: '考核分组',
  indicators: '指标',
  item: '事项',
  days: '天数',
  url: '推送地址',
  secret: '签名密钥',
  events: '订阅事件',
  active: '启用',
  authorization: '登录凭证',
  header: '登录凭证',
  tag: '标签',
  detail: '详情',
  options: '选项',
  whenAbsent: '缺项处理',
  body: '提交的内容',
  query: '查询条件',
  commit: '正式导入',
  shape: '表格类型',
  createUnits: '新建单位',
  allowErrors: '跳过错误',
  expandRecurring: '展开周期性表述',
  defaultMethod: '默认计分方法',
  defaultPoints: '默认分值',
};

/** The Chinese label of a field path, e.g. `payload.newDueAt` → 新的截止时间, `nodes[2].dueDate` → 节点第3项的计划完成时间. */
export function fieldLabelZh(path: string | null | undefined): string {
  if (!path) return '该项';
  // An import's section → group mapping: groups.<section>[.name|.kind] (the section key is the document's own, e.g. 附件1).
  const group = /^groups\.([^.]+)(?:\.(name|kind))?$/.exec(path);
  if (group) return `${sectionZh(group[1]!)}的${group[2] === 'name' ? '新分组名称' : group[2] === 'kind' ? '新分组类别' : '考核分组'}`;
  const parts = path.split('.').filter(Boolean);
  const leafRaw = parts[parts.length - 1] ?? path;
  const leaf = leafRaw.replace(/\[\d+\]$/, '');
  const label = FIELD_ZH[leaf] ?? '该项';
  // An element of a list: say which one (1-based), naming the list it belongs to.
  const index = /\[(\d+)\]/.exec(path);
  if (index) {
    const listName = path.slice(0, index.index).split('.').pop() ?? '';
    const list = FIELD_ZH[listName];
    const nth = `第${Number(index[1]) + 1}项`;
    if (list && list !== label) return `${list}${nth}的${label}`;
    return `${label}${nth}`;
  }
  return label;
}

export const UNIT_KIND_ZH: Record<string, string> = { town: '镇街', park: '园区', department: '部门', office: '督考办', other: '其他' };

/** The scoring methods' names (the same as src/scoring/method-params.ts METHOD_NAMES; a test keeps them equal). */
export const METHOD_ZH: Record<string, string> = {
  ratio: '完成比例计分法',
  all_or_nothing: '绝对否决计分法',
  direct: '直接计分法',
  node_platform: '节点平台计分法',
  node_deduction: '直接扣分法',
  efficacy: '功效系数法',
};

/** An import section's key as a person reads it: 附件N stays, s<i> (a section with no annex heading) is 第i部分. */
export function sectionZh(key: string): string {
  const m = /^s(\d+)$/.exec(key);
  return m ? `第${m[1]}部分` : key;
}
