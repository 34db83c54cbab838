/**
 * Unit names → the plan's units, through an alias table the caller can extend.
 *
 * Rules, in order (each match records its rule in the report's `unitNames`):
 * 1. `clean`: whitespace inside a unit name is a line-wrap artefact and is removed ("县市 场局" →
 *    "县市场局"); full-width brackets become ASCII-free Chinese brackets; trailing punctuation dropped.
 * 2. `alias`: an exact entry of the alias table (caller's `aliases` first, then DEFAULT_UNIT_ALIASES)
 *    maps the name to its canonical spelling ("县市场局" → "县市场监管局").
 * 3. `suffix-alias`: a known long/short form at the END of the name is replaced by the canonical short
 *    form (DEFAULT_SUFFIX_ALIASES: "…市场监督管理局" → "…市场监管局", "…卫生健康局" → "…卫健局").
 * 4. With a known unit list: the canonical name must equal the canonical form of exactly one known
 *    unit; the KNOWN spelling is returned (`known`). Otherwise the name is unresolved: reported, and
 *    no task is created for it — names are never invented.
 *    Without a list: the canonical name itself is the unit (`proposed`); the distinct names become
 *    the proposed unit list.
 * 5. Collective names ("各街镇", "其他相关部门", "相关街道办事处" …) are not units. With a known list,
 *    "各街镇 / 各镇街 / 各镇 / 各街道 / 各街道办事处" expand to the known units whose names end in
 *    镇 / 乡 / 街道 / 街道办事处 (`collective`); otherwise they are reported and skipped.
 */
import { coded, type Coded } from './problem-catalogue.js';

/** Exact aliases, alias → canonical. Extend per plan through `ParseImportOptions.aliases`. */
export const DEFAULT_UNIT_ALIASES: Readonly<Record<string, string>> = {
  县市场局: '县市场监管局',
  县市局: '县市场监管局',
  县市场监督管理局: '县市场监管局',
  区市场局: '区市场监管局',
  区市场监督管理局: '区市场监管局',
  市场局: '市场监管局',
  市场监督管理局: '市场监管局',
  县卫建局: '县卫健局',
  县卫生健康局: '县卫健局',
  县卫生和健康局: '县卫健局',
  县招商中心: '县招商服务中心',
  县发展改革局: '县发改局',
  县发展和改革局: '县发改局',
  县工业和信息化局: '县工信局',
  县人力资源和社会保障局: '县人社局',
  县人力资源社会保障局: '县人社局',
  县文化旅游广电局: '县文旅局',
  县住房和城乡建设局: '县住建局',
  金融发展局: '金融局',
  区金融发展局: '区金融局',
};

/** Suffix aliases, long or wrong form → canonical short form. */
export const DEFAULT_SUFFIX_ALIASES: Readonly<Record<string, string>> = {
  市场监督管理局: '市场监管局',
  卫生健康局: '卫健局',
  卫生和健康局: '卫健局',
  卫生健康委员会: '卫健委',
  发展和改革局: '发改局',
  发展改革局: '发改局',
  工业和信息化局: '工信局',
  人力资源和社会保障局: '人社局',
  人力资源社会保障局: '人社局',
  住房和城乡建设局: '住建局',
  农业农村和水利局: '农水局',
  街道办事处: '街道办事处',
};

const COLLECTIVE =
  /^(?:各|其他|其它|相关|有关|涉及|全体)(?:相关|有关)?(?:街镇|镇街|乡镇|镇|街道|街道办事处|部门|单位|县区|区县|成员单位|责任单位)(?:等)?$|^(?:各县区、?经济区|各县区|各经济区)$/;
const TOWN_COLLECTIVE = /^各(?:街镇|镇街|乡镇|镇|街道|街道办事处)$/;
const TOWN_NAME = /(?:镇|乡|街道|街道办事处)$/;

/** Endings of unit names (局, 委, 办, 镇, 街道, 中心, 管委会 …); a proposed unit must have one (rule 6). */
const UNIT_ENDING =
  /(?:局|委|办|镇|乡|街道|办事处|中心|区|会|院|所|队|站|部|处|公司|社|馆|行|厅|室|组|团|校|园|场|台|联|协|政府|集团|公署|署|科|股|司|协会|基地|村|社区|医院|银行|海关|关|监狱|法院|检察院|分局|支队|大队|学校|大学)(?:（[^）]*）)?$/;

/**
 * Rule 6 (issue 14): without a known unit list, a personal name never becomes a unit — a name found in the
 * 分管领导 column (`notePersons`), a spaced two-character name ("王  茜"), two or three characters with no
 * unit ending ("祝美娟"), or a single character ("三", a category numeral that slipped into a unit column).
 */
export function looksLikeUnitName(name: string): boolean {
  return UNIT_ENDING.test(cleanUnitName(name));
}

/**
 * A personal name: two CJK characters with spaces between them ("王  茜", as name columns are padded), or
 * two or three CJK characters with no unit ending ("祝美娟"; "妇联", "团县委" end like units).
 */
export function looksLikePersonName(raw: string): boolean {
  const t = raw.trim();
  if (/^[\u4e00-\u9fa5][\s\u3000]+[\u4e00-\u9fa5](?:[\s\u3000]*[\u4e00-\u9fa5])?$/.test(t)) return true;
  return /^[\u4e00-\u9fa5]{2,3}$/.test(t) && !looksLikeUnitName(t);
}

export function cleanUnitName(raw: string): string {
  return raw
    .replace(/<[^>]*>/g, '')
    .replace(/[\s\u3000]+/g, '')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/^[、，,；;。:：]+|[、，,；;。:：]+$/g, '');
}

export function isCollectiveName(name: string): boolean {
  return COLLECTIVE.test(cleanUnitName(name));
}

/**
 * Split a cell listing several units: one per line, or separated by 、，,；; or two or more spaces.
 * (A single space is a line-wrap artefact inside a name: "县市 场局".)
 */
export function splitUnitList(text: string): string[] {
  return text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .split(/\r?\n|[、，,；;]| {2,}|\u3000/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => cleanUnitName(s) !== '');
}

/** Names of people in a cell (分管领导): one per line or separated by 、，,；; spaces inside removed ("黄  刚"). */
export function splitPersonList(text: string): string[] {
  return text
    .split(/\r?\n|[、，,；;]/)
    .map((s) => s.replace(/[\s\u3000]+/g, ''))
    .filter((s) => s !== '');
}

export type UnitRule = 'clean' | 'alias' | 'suffix-alias' | 'prefix' | 'known' | 'proposed' | 'collective' | 'unresolved';

/**
 * Rule 7 (issue 14): the administrative prefix 县 / 区 / 市 does not tell units apart ("农业农村局" =
 * "县农业农村局"), nor does 办公室 / 办 at the end. Names are compared without them when no exact or alias
 * match exists; the match and its reason are reported (`rule: 'prefix'`).
 */
export function prefixFree(name: string): string {
  let n = name.replace(/办公室$/, '办');
  if (n.length > 3) n = n.replace(/^(?:县|区|市)/, '');
  return n;
}

function prefixOf(a: string, b: string): string {
  const long = a.length >= b.length ? a : b;
  const m = long.match(/^(?:县|区|市)/);
  return m ? `"${m[0]}"` : '"办公室/办"';
}

export interface UnitResolution {
  raw: string;
  /** Resolved unit names (several for an expanded collective name); empty when unresolved. */
  units: string[];
  rule: UnitRule;
  /** Set when the name could not be resolved: why. */
  problem?: string;
  /** The problem's code and parameters (problem-catalogue.ts). */
  problemCode?: Coded;
  /** The name designates a group ("各街镇"), not a unit. */
  collective?: boolean;
  /** Why a spelling was matched to another ("县农业农村局" = "农业农村局" (the prefix "县" is ignored)). */
  reason?: string;
}

export class UnitResolver {
  private readonly aliases: Record<string, string>;
  private readonly known: string[] | null;
  private readonly knownByCanonical = new Map<string, string[]>();
  private readonly seen = new Map<string, UnitResolution>();
  private readonly personNames = new Set<string>();
  private readonly proposedByKey = new Map<string, string>();
  private readonly knownByPrefixFree = new Map<string, string[]>();

  /** Names of people (the 分管领导 column): never units. Call before resolving. */
  notePersons(names: Iterable<string>): void {
    for (const n of names) {
      const c = cleanUnitName(n);
      if (c !== '' && !this.personNames.has(c)) {
        this.personNames.add(c);
        this.seen.forEach((r, k) => {
          if (cleanUnitName(k) === c) this.seen.delete(k);
        });
      }
    }
  }

  constructor(opts: { knownUnits?: string[]; aliases?: Record<string, string> } = {}) {
    this.aliases = { ...DEFAULT_UNIT_ALIASES };
    for (const [k, v] of Object.entries(opts.aliases ?? {})) {
      const [from, to] = [cleanUnitName(k), cleanUnitName(v)];
      // A unit's recorded alias that is the default table's short form of its own name (县发改局 for
      // 县发展和改革局, whose default canonical form is 县发改局) would send the two spellings round in a
      // circle and match neither: the default already makes them one unit.
      if (this.aliases[to] === from) continue;
      this.aliases[from] = to;
    }
    this.known = opts.knownUnits ? [...new Set(opts.knownUnits.map((u) => u.trim()).filter((u) => u !== ''))] : null;
    for (const k of this.known ?? []) {
      const c = this.canonical(cleanUnitName(k)).name;
      this.knownByCanonical.set(c, [...(this.knownByCanonical.get(c) ?? []), k]);
      const f = prefixFree(c);
      this.knownByPrefixFree.set(f, [...(this.knownByPrefixFree.get(f) ?? []), k]);
    }
  }

  /** The name is one of the known units as given. */
  isKnown(name: string): boolean {
    return this.known?.includes(name) ?? false;
  }

  get hasKnownUnits(): boolean {
    return this.known !== null;
  }

  /** Steps 1–3: the canonical spelling of a cleaned name. */
  canonical(name: string): { name: string; rule: 'clean' | 'alias' | 'suffix-alias' } {
    const exact = this.aliases[name];
    if (exact) return { name: exact, rule: 'alias' };
    const suffixes = Object.keys(DEFAULT_SUFFIX_ALIASES).sort((a, b) => b.length - a.length);
    for (const s of suffixes) {
      if (name.endsWith(s) && name.length > s.length && DEFAULT_SUFFIX_ALIASES[s] !== s) {
        const replaced = name.slice(0, -s.length) + DEFAULT_SUFFIX_ALIASES[s];
        return { name: this.aliases[replaced] ?? replaced, rule: 'suffix-alias' };
      }
    }
    return { name, rule: 'clean' };
  }

  resolve(raw: string): UnitResolution {
    const cached = this.seen.get(raw);
    if (cached) return cached;
    const r = this.resolveUncached(raw);
    this.seen.set(raw, r);
    return r;
  }

  /** Every distinct name resolved so far, for the report. */
  resolutions(): UnitResolution[] {
    return [...this.seen.values()];
  }

  private resolveUncached(raw: string): UnitResolution {
    const name = cleanUnitName(raw);
    if (name === '') return { raw, units: [], rule: 'unresolved', problem: 'empty unit name', problemCode: coded('unit.empty') };
    if (COLLECTIVE.test(name)) {
      if (this.known && TOWN_COLLECTIVE.test(name)) {
        const towns = this.known.filter((k) => TOWN_NAME.test(cleanUnitName(k)));
        if (towns.length > 0) return { raw, units: towns, rule: 'collective' };
      }
      return {
        raw,
        units: [],
        rule: 'unresolved',
        collective: true,
        problemCode: coded('unit.collective', { name, known: this.known !== null }),
        problem: `"${name}" names a group, not a unit${this.known ? ' (no known unit matches it)' : ' (give the known units to expand it)'}; no task created for it`,
      };
    }
    const c = this.canonical(name);
    if (!this.known) {
      if (this.personNames.has(name) || looksLikePersonName(raw) || name.length < 2) {
        return {
          raw,
          units: [],
          rule: 'unresolved',
          problemCode: coded('unit.person', { name, why: this.personNames.has(name) ? 'leader-column' : name.length < 2 ? 'single' : 'person' }),
          problem: `"${name}" is not a unit: ${this.personNames.has(name) ? 'it is a name in the 分管领导 column' : name.length < 2 ? 'a single character' : 'it reads as a personal name (分管领导)'}; no unit or task created for it`,
        };
      }
      // a spelling differing only by the administrative prefix names the unit first proposed
      const key = prefixFree(c.name);
      const first = this.proposedByKey.get(key);
      if (first !== undefined && first !== c.name) {
        return { raw, units: [first], rule: 'prefix', reason: `"${name}" = "${first}" (the prefix ${prefixOf(name, first)} is ignored)` };
      }
      if (first === undefined) this.proposedByKey.set(key, c.name);
      const r: UnitResolution = { raw, units: [c.name], rule: c.rule === 'clean' ? 'proposed' : c.rule };
      if (c.rule !== 'clean') r.reason = `"${name}" → "${c.name}" (${c.rule === 'alias' ? 'alias table' : 'long form of the name shortened'})`;
      return r;
    }
    const matches = this.knownByCanonical.get(c.name) ?? [];
    if (matches.length === 1) {
      const r: UnitResolution = { raw, units: [matches[0]!], rule: c.rule === 'clean' ? 'known' : c.rule };
      if (c.rule !== 'clean') r.reason = `"${name}" → "${matches[0]}" (${c.rule === 'alias' ? 'alias table' : 'long form of the name shortened'})`;
      return r;
    }
    if (matches.length > 1) {
      return {
        raw,
        units: [],
        rule: 'unresolved',
        problemCode: coded('unit.ambiguous', { name, matches }),
        problem: `"${name}" matches several known units: ${matches.join('、')}`,
      };
    }
    const loose = this.knownByPrefixFree.get(prefixFree(c.name)) ?? [];
    if (loose.length === 1) {
      return { raw, units: [loose[0]!], rule: 'prefix', reason: `"${name}" = "${loose[0]}" (the prefix ${prefixOf(name, loose[0]!)} is ignored)` };
    }
    if (loose.length > 1) {
      return {
        raw,
        units: [],
        rule: 'unresolved',
        problemCode: coded('unit.ambiguous', { name, matches: loose }),
        problem: `"${name}" matches several known units once the prefix is ignored: ${loose.join('、')}`,
      };
    }
    return {
      raw,
      units: [],
      rule: 'unresolved',
      problemCode: coded('unit.unknown', { name }),
      problem: `unknown unit "${name}": not in the plan's unit list or the alias table`,
    };
  }
}

/** The kind a new unit gets (towns, parks; every other body — county bureaus, committees, offices — a department). */
export function unitKindOf(name: string): 'town' | 'park' | 'department' {
  if (/(?:镇|乡|街道|街道办事处)$/.test(name)) return 'town';
  if (/(?:园区|开发区|管委会|管理委员会|高新区)$/.test(name)) return 'park';
  return 'department';
}
