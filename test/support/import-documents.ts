/**
 * The documents of issue 14's failure classes, described once (test/support/documents.ts writes them as
 * .docx, .xls and text). Counts the tests expect are stated beside each.
 */
import type { DocBlock, DocCell } from './documents.js';

const WR_HEADER = ['类别', '指标任务', '主要时间节点或阶段性量化指标', '完成时限', '牵头单位', '责任单位', '分管领导'];

/** 39 numbered negative-list lines, "…的，扣0.5分" (some 扣1分, one "每次扣0.2分，最多扣1分"). */
export function negativeListLines(): string[] {
  const events = ['发生较大安全生产事故', '发生重大群体性事件', '被上级通报批评', '出现重大环境污染事件', '发生严重违纪违法案件'];
  return Array.from({ length: 39 }, (_, i) => {
    const what = `${events[i % events.length]}（第${i + 1}类）`;
    if (i === 7) return `${i + 1}.${what}的，每次扣0.2分，最多扣1分`;
    return `${i + 1}.${what}的，扣${i % 3 === 0 ? '1' : '0.5'}分`;
  });
}

/**
 * A notice with four annexes and a negative list:
 * 附件1 towns (unit matrix, 3 towns, items 1–3; item 3 blank targets, 考核标准 "直接采用县统计局评分结果"),
 * 附件2 parks (unit matrix, 2 parks, items 1–2 — the same 序号 as the towns'),
 * 附件3 departments' node platform (3 departments, one spelled 县卫生健康局),
 * 附件4 common indicators (3, one rule unreadable),
 * 附件5 the negative list (39 lines).
 * Expected: 5 sections; indicators 3 + 2 + 1 + 3 = 9; tasks 8 (towns: 3 + 2, "－" not applicable, + 3
 * carried) + 4 (parks) + 3 (departments) = 15; the common indicators have no task in the file.
 */
export function fourAnnexNotice(): DocBlock[] {
  const matrix = (units: string[], rows: DocCell[][]): DocCell[][] => [
    ['序号', '指标类别', '指标名称', '权重分', { text: '指标任务', span: units.length }, '考核标准', '考核主体'],
    ['', '', '', '', ...units, '', ''],
    ...rows,
  ];
  return [
    { p: '关于印发2024年度绩效考核方案的通知' },
    { p: '各镇（街道）、各园区、县直各部门：' },
    { p: '现将2024年度绩效考核指标印发给你们，请认真贯彻执行。' },
    { p: '附件1：' },
    { p: '2024年度各镇（街道）考核指标' },
    {
      table: matrix(
        ['太平街道', '胡家镇', '甜水镇'],
        [
          ['1', { text: '经济发展', vmerge: 'restart' }, '固定资产投资', '5', '3.2', '2.3', '4', '完成得满分，未完成按比例法计算。（单位：亿元）', '县发改局'],
          ['2', { text: '', vmerge: 'continue' }, '一般公共预算收入', '5', '4500', '3600', '－', '完成得满分，未完成按比例法计算。（单位：万元）', '县财政局'],
          ['3', '共性指标', '统计数据质量', '4', '', '', '', '直接采用县统计局评分结果。', '县统计局'],
        ],
      ),
    },
    { p: '附件2：' },
    { p: '2024年度各园区考核指标' },
    {
      table: matrix(
        ['经济开发区', '高新区'],
        [
          ['1', '经济发展', '招商引资到位资金', '10', '20', '15', '完成得满分，未完成按比例法计算。（单位：亿元）', '县招商服务中心'],
          ['2', '经济发展', '规模以上工业增加值增速', '8', '8%', '9%', '完成得满分，未完成按比例法计算。', '县工信局'],
        ],
      ),
    },
    { p: '附件3：' },
    { p: '2024年度县直部门节点平台考核得分' },
    {
      table: [
        ['序号', '单位名称', '分值', '节点数', '红灯数', '得分'],
        ['1', '县发展和改革局', '10', '20', '2', '9'],
        ['2', '县财政局', '10', '16', '0', '10'],
        ['3', '县卫生健康局', '10', '10', '1', '9'],
      ],
    },
    { p: '附件4：' },
    { p: '2024年度共性指标考核细则' },
    {
      table: [
        ['序号', '类别', '考核内容', '分值', '评分标准', '考核部门'],
        ['1', { text: '党的建设', vmerge: 'restart' }, '落实全面从严治党主体责任', '5', '每发现一次问题扣0.5分，扣完为止。', '县纪委监委'],
        ['2', { text: '', vmerge: 'continue' }, '安全生产', '3', '发生一般安全事故的，每起扣1分。', '县应急局'],
        ['3', '平安建设', '信访稳定', '2', '按照县信访局考评意见综合确定。', '县信访局'],
      ],
    },
    { p: '附件5：' },
    { p: '2024年度负面清单' },
    ...negativeListLines().map((p) => ({ p })),
  ];
}

/**
 * A notice of two annexes the office maps to two groups: 附件1 three towns' indicators (two of them), 附件2
 * two parks' indicators (two). No deadline column: every task gets one node due at the year's end.
 */
export function twoSectionNotice(year = 2024): DocBlock[] {
  const matrix = (units: string[], rows: DocCell[][]): DocCell[][] => [
    ['序号', '指标类别', '指标名称', '权重分', { text: '指标任务', span: units.length }, '考核标准', '考核主体'],
    ['', '', '', '', ...units, '', ''],
    ...rows,
  ];
  return [
    { p: `关于印发${year}年度绩效考核方案的通知` },
    { p: '附件1：' },
    { p: `${year}年度各镇（街道）考核指标` },
    {
      table: matrix(
        ['太平街道', '胡家镇', '甜水镇'],
        [
          ['1', '经济发展', '固定资产投资', '5', '3.2', '2.3', '4', '完成得满分，未完成按比例法计算。（单位：亿元）', '县发改局'],
          ['2', '经济发展', '一般公共预算收入', '5', '4500', '3600', '－', '完成得满分，未完成按比例法计算。（单位：万元）', '县财政局'],
        ],
      ),
    },
    { p: '附件2：' },
    { p: `${year}年度各园区考核指标` },
    {
      table: matrix(
        ['经济开发区', '高新区'],
        [
          ['1', '经济发展', '招商引资到位资金', '10', '20', '15', '完成得满分，未完成按比例法计算。（单位：亿元）', '县招商服务中心'],
          ['2', '经济发展', '规模以上工业增加值增速', '8', '8%', '9%', '完成得满分，未完成按比例法计算。', '县工信局'],
        ],
      ),
    },
  ];
}

/**
 * A work-report decomposition with its traps:
 * - the document states "共保留工作任务4项、形成阶段性指标7个" (true when recurring phrases are not expanded);
 * - task 1: leads 发改局, co-units 工信局 + 农业农村局 (spelled 县农业农村局 in task 2), leader "祝美娟";
 * - a multi-line category "三\n创新驱动发展" on a row of its own, then the sub-category row "（四）优化创新生态",
 *   then task 2 (leader "王  茜" with inner spaces, two co-units);
 * - task 3: per-unit node lists in one cell (胜利街道办事处: 2 nodes, 红旗街道: 1 node), 3 nodes in all;
 * - task 4: "每季度" (one node by default, four expanded);
 * - then the title "2023年十件民生实事任务分解" and tasks 1–2 again (its own section, its own category).
 */
export function workReport(): DocBlock[] {
  const blank = '';
  return [
    { p: '2023年区政府工作报告任务分解' },
    {
      table: [
        WR_HEADER,
        [{ text: '经合并同类项、剔除交叉项，共保留工作任务4项、形成阶段性指标7个。', span: 7 }],
        [
          '一\n主要预期目标',
          '1.地区生产总值增长5%。',
          '（1）6月底前，地区生产总值增长2%；\n（2）12月底前，地区生产总值增长5%。',
          '12月31日',
          '发改局',
          '工信局\n农业农村局',
          '祝美娟',
        ],
        ['三\n创新驱动发展', blank, blank, blank, blank, blank, blank],
        ['（四）优化创新生态', blank, blank, blank, blank, blank, blank],
        [blank, '2.支持科技型企业发展。', '（1）9月底前，新增科技型中小企业20家。', '12月31日', '科技局', '县农业农村局\n工信局', '王  茜'],
        [
          blank,
          '3.推进街道特色产业。',
          '胜利街道办事处：\n（1）6月底前，完成街区宣传；\n（2）10月底前，完成市场改造。\n红旗街道：\n（3）9月底前，建成夜市。',
          '12月31日',
          '各街道',
          '胜利街道办事处\n红旗街道',
          '李  洋',
        ],
        [blank, '4.做好惠企政策宣传。', '每季度，调度行业企业资金需求。', '12月31日', '工信局', blank, '黄  刚'],
      ],
    },
    { p: '2023年十件民生实事任务分解' },
    {
      table: [
        WR_HEADER,
        ['十件民生实事', '1.新建改造城市公厕10座。', '（1）10月底前，完成公厕建设。', '10月31日', '住建局', blank, '王  茜'],
        [blank, '2.改造老旧小区3个。', '（1）11月底前，完成改造。', '11月30日', '住建局', '各街道', '王  茜'],
      ],
    },
  ];
}
