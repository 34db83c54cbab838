/** Spreadsheet / text imports: parsing and normalising (issue 5). Pure: no Nest, no database. */
export * from './model.js';
export { parseImport, readGrid, findHeader, detectSubject, DEFAULT_TIMEZONE } from './parse-import.js';
export type { Grid, GridRow, GridCell } from './grid.js';
export { DEFAULT_UNIT_ALIASES, DEFAULT_SUFFIX_ALIASES, UnitResolver, cleanUnitName, splitUnitList, isCollectiveName } from './units.js';
export { normaliseMethodName, inferMethodFromCriteria, readMethodParams, methodParamsProblems, CANONICAL_METHOD_NAMES } from './methods.js';
export { deadlinesOf, findDeadlinePhrases, isPureDatePhrase, DEADLINE_RULES } from './deadlines.js';
export { splitPackedTargets, findQuantities, singleQuantity, targetDirection } from './targets.js';
export { splitNodeList } from './node-list.js';
