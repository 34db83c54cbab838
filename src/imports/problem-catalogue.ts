/**
 * Every problem an import reports has a stable `code`, the values it is made of (`params`) and a zh-CN
 * `message` made here from the two — so the API, the CLI and the import page all say it in Chinese,
 * while the English `reason` stays for logs and API clients that read it. A problem with a repair also
 * gets `repairedMessage` (the zh-CN of `repaired`).
 *
 * Rules for the messages: never an id or a hash key (an indicator key "h:…" is shown as 无序号), never
 * an English word (method codes and shapes are named in Chinese), row and column are not repeated here
 * (the page shows them in their own columns). Pure: no Nest. problem-catalogue.spec.ts renders every code.
 */
import { METHOD_ZH, sectionZh, UNIT_KIND_ZH } from '../common/zh-labels.js';

export type ProblemParam = string | number | boolean | null | string[];
export type ProblemParams = Record<string, ProblemParam>;

/** A problem's code and parameters, as its maker gives them. */
export interface Coded {
  code: ProblemCode;
  params: ProblemParams;
}

/** Build a `Coded` (the call sites stay one line). */
export const coded = (code: ProblemCode, params: ProblemParams = {}): Coded => ({ code, params });

/** Table shapes and section shapes in Chinese. */
export const SHAPE_ZH: Record<string, string> = {
  'node-table': '节点表',
  'work-report': '工作报告分解表',
  'unit-matrix': '单位指标矩阵',
  'node-platform': '节点平台统计表',
  'common-indicators': '共性指标表',
  catalogue: '编号清单（加减分、负面清单、否决项）',
};

const s = (v: ProblemParam | undefined): string => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join('、') : String(v));
/** An indicator key as a person reads it: "附件2/1" stays, a content hash becomes 无序号. */
export const keyZh = (v: ProblemParam | undefined): string => {
  const k = s(v).replace(/(^|\/)h:[0-9a-f]{12}$/, '$1（无序号）');
  const slash = k.indexOf('/');
  return slash > 0 ? `${sectionZh(k.slice(0, slash))}/${k.slice(slash + 1)}` : k;
};
const ind = (p: ProblemParams): string => `指标 ${keyZh(p.indicator)}`;
const method = (v: ProblemParam | undefined): string => METHOD_ZH[s(v)] ?? '相应计分方法';
const shape = (v: ProblemParam | undefined): string => SHAPE_ZH[s(v)] ?? '未知表格';
const q = (v: ProblemParam | undefined): string => `“${s(v)}”`;
const section = (p: ProblemParams): string => sectionZh(s(p.section));

type Render = (p: ProblemParams) => string;

/** code → zh-CN message. */
const MESSAGES = {
  // reading the file
  'file.missing': () => '没有收到文件内容',
  'file.empty': () => '文件是空的',
  'file.doc-legacy': () => '不支持旧版 .doc 文档：请另存为 .docx 后再导入',
  'file.not-office': (p) => `文件扩展名为 ${s(p.ext)}，但内容不是办公软件的表格文件`,
  'file.unreadable': (p) => `无法读取该 ${s(p.format)} 文件：文件可能已损坏，或扩展名与内容不符`,
  'file.no-sheet-data': () => '工作簿中没有任何含数据的工作表',
  'file.binary': () => '文件是二进制内容，不是文本',
  'file.encoding': () => '文件既不是 UTF-8 也不是 GB18030 编码的文本',
  'file.gb18030': () => '文件不是 UTF-8 编码，已按 GB18030 读取',
  'file.sheet-ignored': (p) => `已忽略工作表${q(p.sheet)}：只读取第一个含数据的工作表${q(p.used)}`,
  'file.docx-no-table': () => '文档中没有表格：各段落按单格行读取',
  'file.no-data': () => '文件中没有数据',
  'file.no-header': (p) =>
    p.shape
      ? `前 ${s(p.rows)} 行中没有找到${shape(p.shape)}的表头`
      : `前 ${s(p.rows)} 行中没有找到可识别的表头（节点表、工作报告分解表、单位指标矩阵、节点平台统计表、共性指标表）`,
  'file.quote-unclosed': () => '引号没有闭合（缺少一个 "）',
  'import.failed': () => '导入时发生意外错误，未导入任何内容',
  'option.year': () => '年度须为四位数字',
  'option.timezone': () => '时区不是有效的时区名称',
  'option.shape': () => '表格类型不是可选的取值',
  'option.default-due-date': () => '默认截止日期须为 年-月-日 格式的日期',
  // sections
  'section.unknown-shape': (p) => `${section(p)}${p.title ? `（${s(p.title)}）` : ''}不是可识别的表格或编号清单，其中内容未导入`,
  'section.stated-nodes': (p) => `${section(p)}：文件写明阶段性指标 ${s(p.stated)} 个，实际读出 ${s(p.read)} 个${p.expanded ? '（已展开周期性表述）' : ''}`,
  'section.stated-tasks': (p) => `${section(p)}：文件写明工作任务 ${s(p.stated)} 项，实际读出 ${s(p.read)} 项`,
  'title.year-differs': (p) => `标题写的是 ${s(p.titleYear)} 年，但考核方案是 ${s(p.year)} 年：未写年份的日期按 ${s(p.year)} 年处理`,
  'catalogue.line': (p) => `${section(p)}清单中的一行无法读取：${s(p.reason)}（${q(p.text)}）`,
  // columns and rows
  'column.unused': (p) => `列${q(p.column)}不属于${shape(p.shape)}，未使用`,
  'row.shifted': (p) =>
    `这一行从第 ${s(p.column)} 列起${p.direction === 'left' ? '左移了一列（缺少一个单元格）' : '右移了一列（多了一个空单元格）'}：分值${q(p.points)}和计分方式${q(p.method)}读不通`,
  'row.unaligned': (p) => `分值${q(p.points)}不是数字，整行左右移动一列也读不通：这一行未导入`,
  'row.extra-cells': (p) => `超出表头 ${s(p.width)} 列之外的 ${s(p.count)} 个单元格已忽略`,
  'row.too-few-cells': (p) => `这一行只有 ${s(p.cells)} 个单元格，至少需要 ${s(p.need)} 个：未导入`,
  'row.continuation-first': () => '续行（序号为空）出现在第一个指标之前：未导入',
  'row.before-indicator': () => '这一行既无序号也无指标名称，且在第一个指标之前：未导入',
  'row.unclaimed': () => '这一行未能读取（内部原因：没有规则处理它）',
  'row.note': (p) => `表内的说明行，不是任务：${q(p.text)}`,
  'row.total': (p) => `${q(p.text)}是合计行，不是单位`,
  'row.no-unit': () => '这一行没有单位名称，不是任务',
  'row.no-content': () => '这一行没有考核内容或分值，不是指标',
  // items, indicators and methods
  'item.repeated-seq': (p) => `序号 ${s(p.seq)} 重复出现，作为另一个指标导入（${keyZh(p.key)}）`,
  'item.no-name': (p) => `序号 ${s(p.seq)} 没有指标名称（四级指标、节点名称均为空）：未导入`,
  'item.no-seq': () => '序号为空：按类别和名称生成指标标识',
  'task.no-dated-node': (p) => `任务 ${keyZh(p.task)} 没有一个能读出日期的节点：未导入`,
  'node.no-unit': (p) => `${ind(p)}的节点行没有可以落实的单位`,
  'points.empty': (p) => `${ind(p)}：分值为空`,
  'points.not-number': (p) => `${ind(p)}：分值${q(p.value)}不是数字`,
  'points.differ': (p) => `各行分值不一致（${s(p.values)}）：该指标分值留空`,
  'method.unknown': (p) => `${ind(p)}：无法识别计分方式${q(p.value)}`,
  'method.spelling': (p) => `${ind(p)}：计分方式${q(p.value)}${p.split ? '中间有空格' : '写法不规范'}，按“${method(p.method)}”读取`,
  'method.from-criteria': (p) => `${ind(p)}：计分方式为空，根据评分标准按“${method(p.method)}”读取`,
  'method.missing': (p) => `${ind(p)}：计分方式为空，评分标准中也没有写明计分方法`,
  'method.assessor': (p) => `${ind(p)}：评分标准不是扣分公式，改由考核主体直接录入得分`,
  'method.params-incomplete': (p) => `${ind(p)}：按“${method(p.method)}”计分所需的参数不全`,
  'criteria.unreadable': (p) => `${ind(p)}：评分标准中没有可读取的计分公式（${q(p.text)}）`,
  'criteria.empty': (p) => `${ind(p)}：评分标准为空，无法确定计分方法`,
  'criteria.no-method': (p) => `${ind(p)}：考核标准中没有写明计分方法`,
  // units
  'unit.empty-cell': (p) => `${ind(p)}：承接部门为空，未生成任务`,
  'unit.empty': () => '单位名称为空',
  'unit.collective': (p) => `${q(p.name)}是单位的统称，不是具体单位${p.known ? '（没有已知单位与之对应）' : ''}：未为其生成任务`,
  'unit.person': (p) =>
    `${q(p.name)}不是单位：${p.why === 'leader-column' ? '它是分管领导一栏中的人名' : p.why === 'single' ? '只有一个字' : '看起来是人名（分管领导）'}，未生成单位或任务`,
  'unit.ambiguous': (p) => `${q(p.name)}与多个已有单位相符：${s(p.matches)}`,
  'unit.unknown': (p) => `单位${q(p.name)}不在单位名单或别名表中`,
  'unit.no-task': (p) => `${ind(p)}：没有可以对应的单位，未生成任务`,
  'unit.missing-in-db': (p) => `任务 ${keyZh(p.task)}：单位${q(p.unit)}不在数据库中`,
  'assessor.unknown': (p) => `考核主体${q(p.name)}不是已有单位：相关指标暂不记录考核主体（可先建立该单位，或勾选“新建单位”后导入）`,
  // deadlines and nodes
  'due.not-real-date': (p) => `计划完成时间${q(p.value)}不是有效日期`,
  'due.not-date': (p) => `${s(p.column) || '计划完成时间'}${q(p.value)}不是日期`,
  'due.conflict': (p) => `节点名称写的是 ${s(p.nameDate)}（${q(p.text)}），计划完成时间写的是 ${s(p.due)}：以 ${s(p.due)} 为准`,
  'due.text-in-date': (p) => `计划完成时间一栏写的是节点内容（${q(p.text)}）`,
  'due.from-name': (p) => `计划完成时间${p.empty ? '为空' : '无法读取'}`,
  'due.missing': () => '这一行没有截止日期（计划完成时间和节点名称都没有写）',
  'due.other-year': (p) => `截止日期${q(p.text)}在 ${s(p.year)} 年，不是考核方案的 ${s(p.planYear)} 年`,
  'node.not-real-date': (p) => `节点${s(p.ref)}${q(p.text)}不是有效日期`,
  'node.no-date': (p) => `节点${s(p.ref)}没有日期，完成时限也没有写`,
  'recurring.not-expanded': (p) => `周期性表述${q(p.text)}未展开（未选择“展开周期性表述”）`,
  'matrix.no-deadline': () => '单位指标矩阵没有截止时间一栏',
  'matrix.no-unit-row': () => '表头下面没有单位名称行',
  'matrix.unit-row-empty': () => '表头下面一行没有单位名称',
  'matrix.every-unit': (p) => `${ind(p)}：没有单位填写目标值，${p.named ? `考核标准写明${q(p.named)}` : '且为共性或综合评价指标'}`,
  'target.missing': (p) => `${ind(p)}下${q(p.unit)}没有目标值：未生成任务`,
  'target.no-number': (p) => `${q(p.unit)}的目标值${q(p.value)}中没有数字：按文字保存`,
  // work report
  'task.text-differs': (p) => `任务 ${s(p.number)} 承接上一行，但内容不同：保留第一行的内容`,
  'task.number-reused': (p) => `任务编号 ${s(p.number)} 在前面（不是上一行）已经用过：各行并入任务 ${s(p.number)}`,
  'task.no-number': () => '指标任务没有编号：按类别和内容生成指标标识',
  'cells.inherited': (p) => `${s(p.fields)}为空`,
  'leader.inherited': () => '分管领导为空',
  'lead.missing': () => '牵头单位为空，上面也没有可以沿用的行',
  // node platform
  'platform.not-numbers': (p) => `${q(p.unit)}：节点数、红灯数须为整数，得分须为数字：未导入`,
  'platform.red-exceeds': (p) => `${q(p.unit)}：红灯数 ${s(p.red)} 多于节点数 ${s(p.nodes)}：未导入`,
  'platform.score-differs': (p) => `${q(p.unit)}：得分 ${s(p.score)} 与 分值 ×（节点数 − 红灯数）÷ 节点数 = ${s(p.expected)} 不一致`,
  // against the plan in the database
  'plan.closed': () => '考核方案已关闭，导入不能再修改它',
  'plan.other-shape': (p) => `该考核方案此前由${shape(p.previous)}导入，本文件是${shape(p.shape)}：请导入到另一个考核方案（指标序号会冲突）`,
  'indicator.overwrite': (p) =>
    `文件中的${ind(p)}（${q(p.name)}）会覆盖方案中已有的指标 ${keyZh(p.existingCode)}（${q(p.existingName)}${p.fileName ? `，由导入文件${q(p.fileName)}建立` : '，不是导入建立的'}）：已拒绝。请导入整份文件（各部分各自编号），或把这张表导入另一个考核方案`,
  'points.assumed': (p) => `${s(p.count)} 个指标在文件中没有分值（无“分值”列）：按 ${s(p.points)} 分保存，请在计分设置中补齐`,
  'method.assumed': (p) => `${s(p.count)} 个指标在文件中没有计分方式：按“${method(p.method)}”保存`,
  'calendar.no-holidays': (p) => `${s(p.message)}（${s(p.year)} 年的节点截止与预警时间按周一至周五计算，未计法定节假日与调休）`,
  'plan.not-in-file': (p) =>
    `方案中有、本文件中没有的${[p.indicators ? `指标 ${s(p.indicators)} 个` : '', p.tasks ? `任务 ${s(p.tasks)} 项` : ''].filter(Boolean).join('、')}保持不变（导入从不删除或撤销）${p.list ? `：${s(p.list)}` : ''}`,
  'task.lead-changed': (p) => `任务 ${keyZh(p.task)}：文件把它标为${p.lead ? '牵头单位' : '非牵头单位'}；牵头标记在建立任务时确定，导入不会修改`,
  'task.revise-forbidden': (p) => `任务 ${keyZh(p.task)}：文件修改了它的节点，但当前角色不能修改节点`,
  'task.revise-refused': (p) =>
    `任务 ${keyZh(p.task)}：文件修改了它的节点，但${p.state ? '该任务已不在进行中，只有进行中的任务能修改节点' : '修改被拒绝（已通过审核的节点不能修改）'}`,
  // sections mapped to plan groups
  'group.unit-in-other-group': (p) => `${section(p)}的单位${q(p.unit)}已在考核分组${q(p.group)}中，不能再加入分组${q(p.target)}`,
} satisfies Record<string, Render>;

export type ProblemCode = keyof typeof MESSAGES;
export const PROBLEM_CODES = Object.keys(MESSAGES) as ProblemCode[];

/** code → zh-CN of the repair (`repaired`), for the codes whose problems carry one. */
const REPAIRED: Partial<Record<ProblemCode, Render>> = {
  'file.gb18030': () => '已按 GB18030 解码',
  'row.shifted': (p) =>
    p.direction === 'left'
      ? `已对齐：在第 ${s(p.column)} 列插入一个空单元格，其后各格右移一列`
      : `已对齐：删去第 ${s(p.column)} 列的空单元格，其后各格左移一列`,
  'method.spelling': (p) => method(p.method),
  'method.from-criteria': (p) => method(p.method),
  'method.assessor': () => '改为直接计分，由考核主体录入得分',
  'criteria.unreadable': () => '改为直接计分，由考核主体录入得分',
  'due.text-in-date': (p) => `截止日期 ${s(p.dates)} 从中读出，文字并入阶段目标`,
  'due.from-name': (p) => `截止日期 ${s(p.dates)} 从节点名称读出`,
  'due.missing': (p) => `截止日期取默认的 ${s(p.default)}`,
  'node.no-date': (p) => `截止日期取默认的 ${s(p.default)}`,
  'matrix.no-deadline': (p) => `每项任务一个节点，截止日期取默认的 ${s(p.default)}`,
  'matrix.every-unit': (p) => `表中每个单位都承担该指标，由${p.scoredBy ? q(p.scoredBy) : '考核主体'}评分`,
  'recurring.not-expanded': (p) => `按一个节点处理，截止 ${s(p.due)}；展开后为 ${s(p.count)} 个节点`,
  'cells.inherited': (p) => `沿用上一行（合并单元格）：${s(p.values)}`,
  'leader.inherited': (p) => `沿用上一行（合并单元格）：${s(p.leader)}`,
};

/** The zh-CN message (and repair) of a coded problem. */
export function problemMessageZh(c: Coded): { message: string; repairedMessage?: string } {
  const message = (MESSAGES[c.code] as Render)(c.params);
  const r = REPAIRED[c.code];
  return r ? { message, repairedMessage: r(c.params) } : { message };
}

/** Whether a code's problems carry a repair note in Chinese. */
export const hasRepairZh = (code: ProblemCode): boolean => REPAIRED[code] !== undefined;

/** How a unit name was matched, in Chinese (report.unitNames[].message). */
export function unitMatchZh(r: { raw: string; units: string[]; rule: string }): string {
  const to = r.units.map((u) => `“${u}”`).join('、');
  switch (r.rule) {
    case 'known':
      return `与已有单位${to}同名`;
    case 'proposed':
      return '新单位名称';
    case 'alias':
      return `按别名表对应${to}`;
    case 'suffix-alias':
      return `全称简化后对应${to}`;
    case 'prefix':
      return `忽略“县、区、市”等前缀后对应${to}`;
    case 'collective':
      return `统称，展开为全部镇街（${r.units.length} 个）`;
    default:
      return '未能对应任何单位';
  }
}

export const unitKindZh = (kind: string): string => UNIT_KIND_ZH[kind] ?? '其他';
