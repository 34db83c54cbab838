/**
 * Text cleaning shared by readers and shapes. Each rule is a small pure function.
 */

/** CJK ideographs, CJK punctuation, full-width forms and curly quotes. */
const CJK = '\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uff00-\\uffef“”‘’';
const CJK_CHAR = new RegExp(`[${CJK}]`);
const CJK_GAP = new RegExp(`(?<=[${CJK}])[ \\t\\u00a0\\u3000]+(?=[${CJK}])`, 'g');

/**
 * Rule: whitespace between two CJK characters is a line-wrap artefact of the conversion
 * ("县市 场局" → "县市场局", "绝对否 决计分 法" → "绝对否决计分法"); it is removed. Whitespace next to
 * Latin letters or digits is kept ("完成 12.4 亿元").
 */
export function joinCjkGaps(text: string): string {
  return text.replace(CJK_GAP, '');
}

/** Rule: HTML paragraph / break tags left by converters are removed (`<br>` becomes a newline). */
export function stripHtml(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(p|span|div|b|i|u|strong|em|font)(\s[^>]*)?>/gi, '')
    .replace(/&nbsp;/g, ' ');
}

/** Normalise newlines to `\n`, drop a BOM, non-breaking spaces become spaces. */
export function normaliseNewlines(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ');
}

/** Fast path: text with no whitespace, tag, entity or BOM needs no cleaning. */
const NEEDS_CLEANING = /[\s<&\uFEFF\u00a0\u3000]/;

/**
 * Clean one cell's text, keeping its line structure: HTML removed, CJK gaps joined on each line, runs of
 * spaces collapsed, each line trimmed, leading/trailing blank lines dropped.
 */
export function cleanCell(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text;
  const lines = normaliseNewlines(stripHtml(text))
    .split('\n')
    .map((l) =>
      joinCjkGaps(l)
        .replace(/[ \t\u3000]+/g, ' ')
        .trim(),
    );
  while (lines.length && lines[0] === '') lines.shift();
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** A cell's text on one line: lines joined ("" between CJK, a space otherwise), then cleaned. */
export function oneLine(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text;
  const lines = cleanCell(text)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  let out = '';
  for (const l of lines) {
    if (out === '') out = l;
    else out += CJK_CHAR.test(out[out.length - 1]!) || CJK_CHAR.test(l[0]!) ? l : ` ${l}`;
  }
  return out;
}

const ORDINAL = /^(?:[一二三四五六七八九十百]+|\d+|[（(][一二三四五六七八九十\d]+[)）])$/;

/**
 * Rule (labels split one character per line): a label cell's lines are joined without separators
 * ("个\n性\n指\n标" → "个性指标", "指标\n\n类别" → "指标类别"). When the first line is a bare ordinal
 * ("一", "二", "3") and more text follows, they are joined with "、" ("一\n主要\n预期\n目标" →
 * "一、主要预期目标").
 */
export function rebuildLabel(text: string): string {
  const lines = cleanCell(text)
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return '';
  if (lines.length > 1 && ORDINAL.test(lines[0]!) && !/^[（(]/.test(lines[0]!)) {
    return `${lines[0]}、${joinCjkGaps(lines.slice(1).join(''))}`;
  }
  return joinCjkGaps(lines.join(''));
}

/** Header text for matching: label rebuilt, all whitespace and quote marks removed. */
export function headerKey(text: string): string {
  return rebuildLabel(text).replace(/[\s"'“”‘’「」]/g, '');
}

/** Remove trailing sentence punctuation. */
export function trimPunct(text: string): string {
  return text.replace(/[；;。，,、\s]+$/u, '').replace(/^[；;。，,、\s]+/u, '');
}

/** True for "", "－", "-", "—", "/", "无", "不涉及": the conventional "not applicable" marks. */
export function isNotApplicable(text: string): boolean {
  return /^(?:[－\-—–―~～/／\\]+|无|不涉及|不适用)$/.test(text.trim());
}

/** Parse a plain number ("20", "2.5", " 3.00 ", "5分", "1,200"); null if the text is not just a number. */
export function parseNumber(text: string): number | null {
  const t = text.replace(/[\s,，]/g, '').replace(/分$/, '');
  if (!/^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Full-width digits and letters to ASCII ("２０２０" → "2020"). */
export function asciiDigits(text: string): string {
  if (!/[\uff10-\uff19]/.test(text)) return text;
  return text.replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48));
}
