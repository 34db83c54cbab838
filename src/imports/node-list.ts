/**
 * A node cell holding a list ("（1）3月底前，…；（2）6月底前，…") → one item per entry.
 *
 * Rules:
 * - an entry starts at a marker "（n）" or "(n)" at the start of a line or right after ；;。 — so a
 *   list written on one line splits the same as one entry per line;
 * - lines without a marker continue the current entry (a long entry wrapped over lines);
 * - a line that is only a name and a colon ("胜利街道办事处：", "统一镇:") is a heading: it scopes the
 *   entries after it (`scope`) and is not an entry itself; the same for a name and colon before a marker;
 * - text before the first marker is an entry of its own (a cell with no markers is one entry);
 * - each entry's text is joined onto one line, trailing ；;。，, removed.
 */
import { cleanCell, oneLine, trimPunct } from './text.js';

export interface NodeItem {
  /** The marker as written ("（2）"), or null. */
  ref: string | null;
  text: string;
  scope: string | null;
}

const MARKER = /^[（(]\s*(\d{1,2})\s*[)）]\s*/;
const HEADING = /^([^，,。；;（()）\d]{2,20}?)\s*[：:]\s*$/;
const HEADING_BEFORE_MARKER = /^([^，,。；;（()）\d]{2,20}?)\s*[：:]\s*(?=[（(]\s*\d{1,2}\s*[)）])/;

export function splitNodeList(raw: string): NodeItem[] {
  const text = cleanCell(raw).replace(/([；;。])\s*(?=[（(]\s*\d{1,2}\s*[)）])/g, '$1\n');
  const items: Array<{ ref: string | null; lines: string[]; scope: string | null }> = [];
  let scope: string | null = null;
  let cur: (typeof items)[number] | null = null;
  for (const rawLine of text.split('\n')) {
    let line = rawLine.trim();
    if (line === '') continue;
    const heading = line.match(HEADING);
    if (heading) {
      scope = heading[1]!.trim();
      cur = null;
      continue;
    }
    const hb = line.match(HEADING_BEFORE_MARKER);
    if (hb) {
      scope = hb[1]!.trim();
      line = line.slice(hb[0].length);
    }
    const marker = line.match(MARKER);
    if (marker) {
      cur = { ref: `（${marker[1]}）`, lines: [line.slice(marker[0].length)], scope };
      items.push(cur);
      continue;
    }
    if (cur) cur.lines.push(line);
    else {
      cur = { ref: null, lines: [line], scope };
      items.push(cur);
    }
  }
  return items.map((it) => ({ ref: it.ref, text: trimPunct(oneLine(it.lines.join('\n'))), scope: it.scope })).filter((it) => it.text !== '');
}
