import { DateTime } from 'luxon';
import { issueNumber, type DocBlock, type OfficialDocument } from '../documents/official-document.js';
import type { BulletinContent, RankedUnit } from './bulletin-compute.js';

export interface BulletinHeader {
  issuer: string;
  planName: string;
  seriesName: string;
  periodLabel: string;
  year: number;
  /** null for a draft: printed 〔2026〕第?期（草稿）. */
  number: number | null;
  /** Civil date of issue 'YYYY-MM-DD' (the publication day; for a draft, the cut-off day). */
  date: string;
  timezone: string;
  note: string | null;
  seal: string | null;
  rowsPerPage: number;
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const numeral = (i: number) => NUMERALS[i] ?? String(i + 1);

function changeText(r: RankedUnit): string {
  if (!r.change) return '—';
  if (r.change.rank === null || r.change.rank === 0) return r.change.rank === 0 ? '持平' : '—';
  return r.change.rank > 0 ? `↑${r.change.rank}` : `↓${-r.change.rank}`;
}

/**
 * The bulletin as an official document: a summary paragraph with the board's totals and the office's
 * note, then per group its ranking table (one row per unit: the PDF pages it N units at a time), the
 * honour roll (先进榜·红榜) and the watch list (后进榜·黑榜) — named so that no one takes 红榜 for red
 * lights — and finally every red and yellow node with its days overdue.
 */
export function bulletinDocument(h: BulletinHeader, c: BulletinContent): OfficialDocument {
  const cutOff = DateTime.fromISO(c.cutOffAt, { zone: 'utc' }).setZone(h.timezone);
  const names = new Map(c.groups.flatMap((g) => g.ranking.map((r) => [r.unitId, r.unitName] as const)));
  const t = c.board.totals;
  const blocks: DocBlock[] = [
    {
      kind: 'paragraph',
      text:
        `截至${cutOff.year}年${cutOff.month}月${cutOff.day}日${cutOff.toFormat('HH:mm')}，${h.planName}共有考核任务${c.board.tasks}项，` +
        `其中绿灯${t.green}项、黄灯${t.yellow}项、红灯${t.red}项、已完成${t.completed + t.closed + t.scored}项，累计红灯${t.redLights}个。` +
        `现将${h.periodLabel}各单位${c.measureLabel}排名通报如下。`,
    },
  ];
  if (h.note) blocks.push({ kind: 'paragraph', text: h.note });
  c.groups.forEach((g, i) => {
    blocks.push({ kind: 'heading', text: `${numeral(i)}、${g.name}（按${c.measureLabel}排名）` });
    blocks.push({
      kind: 'table',
      table: {
        caption: `${g.name}排名`,
        columns: ['名次', '单位', c.measureLabel, '红灯节点', '黄灯节点', '应完成节点', '已完成节点', '较上期'],
        widths: [1, 4, 2, 1.5, 1.5, 1.5, 1.5, 1.2],
        rows: g.ranking.map((r) => [
          r.rank === null ? '—' : String(r.rank),
          r.unitName,
          r.display,
          String(r.redNodes),
          String(r.yellowNodes),
          String(r.dueNodes),
          String(r.approvedNodes),
          changeText(r),
        ]),
      },
    });
    const list = (ids: string[]) => (ids.length ? ids.map((id) => names.get(id) ?? id).join('、') : '无');
    blocks.push({ kind: 'paragraph', text: `先进榜（红榜，前${c.topN}名）：${list(g.honourRoll)}。` });
    blocks.push({ kind: 'paragraph', text: `后进榜（黑榜，后${c.bottomN}名）：${list(g.watchList)}。` });
  });
  const lines = Object.entries(c.nodes).flatMap(([unitId, n]) => [
    ...n.red.map((l) => [
      names.get(unitId) ?? unitId,
      l.indicatorName,
      `节点${l.seq}`,
      DateTime.fromISO(l.dueAt, { zone: 'utc' }).setZone(h.timezone).toFormat('yyyy-MM-dd'),
      l.lateCompleted ? '红灯（已补报）' : '红灯',
      String(l.daysOverdue),
    ]),
    ...n.yellow.map((l) => [
      names.get(unitId) ?? unitId,
      l.indicatorName,
      `节点${l.seq}`,
      DateTime.fromISO(l.dueAt, { zone: 'utc' }).setZone(h.timezone).toFormat('yyyy-MM-dd'),
      '黄灯',
      '0',
    ]),
  ]);
  blocks.push({ kind: 'heading', text: `${numeral(c.groups.length)}、红灯、黄灯节点明细` });
  blocks.push({
    kind: 'table',
    table: { caption: '红灯、黄灯节点明细', columns: ['单位', '指标', '节点', '截止日期', '状态', '逾期天数'], widths: [3, 5, 1.2, 2, 2, 1.3], rows: lines },
  });
  return {
    issuer: h.issuer,
    title: `${h.planName}${h.seriesName}（${h.periodLabel}）`,
    number: h.number === null ? `〔${h.year}〕第?期（草稿）` : issueNumber(h.year, h.number),
    date: h.date,
    blocks,
    rowsPerPage: h.rowsPerPage,
    ...(h.seal ? { footer: `本期通报已发布并封存，内容摘要 sha256:${h.seal}` } : {}),
  };
}
