/**
 * Query planning: pick an index and the ranges of index entry keys to read, or a full scan.
 *
 * Usability follows CouchDB (mango_idx_view:is_usable): a json index holds only documents
 * that have every indexed field, so it may serve a query only when the selector requires all
 * of those fields to exist — except fields the query sorts on, since results without a sort
 * field are dropped anyway (see executor.ts). Partial-filter indexes are used only when named
 * by `use_index` (CouchDB does the same: their results are limited to the filter).
 *
 * Ranges: the leading index fields constrained by `$eq` (in the selector's top-level `$and`)
 * form a fixed prefix; the next field may add a range from `$gt/$gte/$lt/$lte/$beginsWith`,
 * and an `$or` of equalities on it gives one exact range per value.
 * Those conditions are then exactly enforced by the range and left out of the residual
 * selector; everything else stays in the residual, applied to each fetched document.
 * `$in` makes no range (on an array value it matches elements, which a json index does not
 * list), as in CouchDB.
 *
 * Choice without `use_index`: the usable index with the most constrained leading fields, then
 * one that yields results already in order (streaming: stops at `limit`), then fewer fields,
 * then by ddoc/name. An index with no constrained field is chosen only to serve a sort in
 * order. Otherwise: full scan.
 */
import { MangoError, MangoErrorCode } from './errors.js'
import type { FieldPath } from './field-path.js'
import type { IndexDefinition } from './index-definition.js'
import { KEY_HIGH, encodeIndexEntryKey, encodeIndexValue, encodeStringPrefix } from './index-key.js'
import type { BookmarkState } from './bookmark.js'
import { decodeBookmark } from './bookmark.js'
import { compareJson, compareStrings } from './collation.js'
import type { JsonValue } from './json.js'
import type { MangoQuery } from './query.js'
import type { Condition, Selector } from './selector.js'

/** A range of index entry keys (IDBKeyRange.bound(lower, upper, lowerOpen, upperOpen)). */
export interface KeyRange {
  readonly lower: string
  readonly lowerOpen: boolean
  readonly upper: string
  readonly upperOpen: boolean
}

interface PlanBase {
  /** Apply to every fetched document (`matches(residual, doc, {id: key})`). */
  readonly residual: Selector
  /**
   * True when the candidates, read as the plan says, come in the query's result order, so the
   * executor can stream and stop early. A scan is read in ascending ledger-key order.
   */
  readonly ordered: boolean
  /** Why `use_index` was not followed, as CouchDB reports it. */
  readonly warning?: string
}

export interface ScanPlan extends PlanBase {
  readonly kind: 'scan'
  /**
   * Resuming from a bookmark on an ordered scan: the ledger may start its key range strictly
   * after this key (an optimisation only; the executor skips earlier keys anyway).
   */
  readonly startAfterKey?: string
  /**
   * Bounds on the ledger key implied by `_id` conditions (CouchDB serves these from its
   * `_all_docs` index): the ledger may scan only these keys. An optimisation only: the
   * residual still checks `_id`.
   */
  readonly keyRange?: LedgerKeyRange
}

/** Ledger keys (code point = UTF-8 order); an absent bound is open-ended. */
export interface LedgerKeyRange {
  readonly start?: string
  readonly startOpen: boolean
  readonly end?: string
  readonly endOpen: boolean
}

export interface IndexPlan extends PlanBase {
  readonly kind: 'index'
  readonly index: IndexDefinition
  /**
   * Read in this order, each ascending by entry key; empty: no document can match. Ranges are
   * ascending and disjoint, so reading them in order reads the index in order.
   */
  readonly ranges: readonly KeyRange[]
  /** Read the ranges (and each range) in descending entry-key order (descending sort). */
  readonly reverse: boolean
}

export type QueryPlan = ScanPlan | IndexPlan

const MATCH_ALL: Selector = Object.freeze({ kind: 'and', args: Object.freeze([]) })

const pathKey = (path: FieldPath): string => JSON.stringify(path)

/** Top-level conjuncts of the selector. */
function conjuncts (selector: Selector): readonly Selector[] {
  return selector.kind === 'and' ? selector.args.flatMap(conjuncts) : [selector]
}

/** Fields every matching document must have (mango_selector:has_required_fields). */
export function requiredFields (selector: Selector): Set<string> {
  switch (selector.kind) {
    case 'field':
      return selector.condition.op === '$exists' && !selector.condition.value ? new Set() : new Set([pathKey(selector.path)])
    case 'and': {
      const out = new Set<string>()
      for (const arg of selector.args) for (const f of requiredFields(arg)) out.add(f)
      return out
    }
    case 'or': {
      // An empty $or matches everything, so it requires nothing.
      if (selector.args.length === 0) return new Set()
      const [first, ...rest] = selector.args.map(requiredFields)
      return new Set([...(first as Set<string>)].filter(f => rest.every(r => r.has(f))))
    }
  }
}

interface Candidate {
  readonly index: IndexDefinition
  readonly ranges: KeyRange[]
  readonly covered: Set<Selector>
  readonly constrained: number
  readonly ordered: boolean
}

/**
 * A scan plan for candidates in ANY order (for example merged from storage and an in-memory
 * write buffer): the executor buffers and sorts. Only `planQuery` returns streaming scan plans,
 * whose contract is "read the namespace in ascending key order".
 */
export function fullScanPlan (query: MangoQuery, warning?: string): ScanPlan {
  return scanPlan(query, false, warning)
}

function scanPlan (query: MangoQuery, ordered: boolean, warning?: string): ScanPlan {
  return Object.freeze({
    kind: 'scan',
    residual: query.selector,
    ordered,
    ...(warning !== undefined ? { warning } : {})
  })
}

export interface PlanOptions {
  /**
   * The bookmark the query will run with (Fabric passes it beside the query; default: the
   * query's own). On an ordered plan the ranges then start right after the bookmark, so
   * each page reads only what it returns (plus one).
   */
  bookmark?: string
}

export function planQuery (query: MangoQuery, indexes: readonly IndexDefinition[], options: PlanOptions = {}): QueryPlan {
  const bookmark = options.bookmark !== undefined && options.bookmark !== '' ? options.bookmark : query.bookmark
  const resume = bookmark === undefined ? undefined : decodeBookmark(query, bookmark)
  const required = requiredFields(query.selector)
  for (const sort of query.sort) required.add(pathKey(sort.path))
  required.add(pathKey(['_id'])) // every document has its key
  const usable = (index: IndexDefinition): boolean => index.fields.every(f => required.has(pathKey(f.path)))
  let warning: string | undefined
  if (query.useIndex !== undefined) {
    const { ddoc, name } = query.useIndex
    const named = indexes.filter(i => i.ddoc === ddoc && (name === undefined || i.name === name))
    const label = name === undefined ? `_design/${ddoc}` : `_design/${ddoc}, ${name}`
    const chosen = pickBest(named.filter(usable).map(i => analyse(query, i, resume)))
    if (chosen !== undefined) return indexPlan(query, chosen)
    warning = named.length === 0
      ? `${label} was not used because it does not exist`
      : `${label} was not used because it does not contain a valid index for this query`
    if (!query.allowFallback) throw new MangoError(MangoErrorCode.NO_USABLE_INDEX, `use_index: ${warning}`)
  }
  const best = pickBest(indexes
    .filter(i => i.partialFilter === undefined && usable(i))
    .map(i => analyse(query, i, resume))
    .filter(c => c.constrained > 0 || (query.sort.length > 0 && c.ordered)))
  if (best !== undefined) return indexPlan(query, best, warning)
  // A scan read in key order is already in result order when there is no sort.
  const ordered = query.sort.length === 0
  const keyRange = idKeyRange(query.selector)
  return Object.freeze({
    ...scanPlan(query, ordered, warning),
    ...(ordered && resume !== undefined ? { startAfterKey: resume.key } : {}),
    ...(keyRange !== undefined ? { keyRange } : {})
  })
}

/** The smallest string above every string that starts with `prefix` (undefined: none). */
function prefixEnd (prefix: string): string | undefined {
  const points = [...prefix].map(c => c.codePointAt(0) as number)
  while (points.length > 0) {
    const last = points.pop() as number
    if (last < 0x10FFFF) {
      // Skip the surrogate block: lone surrogates are not valid in ledger keys.
      const next = last + 1 === 0xD800 ? 0xE000 : last + 1
      return String.fromCodePoint(...points, next)
    }
  }
  return undefined
}

/** Key bounds from string-valued `_id` conditions among the top-level conjuncts. */
function idKeyRange (selector: Selector): LedgerKeyRange | undefined {
  let start: { key: string, open: boolean } | undefined
  let end: { key: string, open: boolean } | undefined
  const raiseStart = (key: string, open: boolean): void => {
    const c = start === undefined ? 1 : compareStrings(key, start.key)
    if (c > 0 || (c === 0 && open)) start = { key, open }
  }
  const lowerEnd = (key: string, open: boolean): void => {
    const c = end === undefined ? -1 : compareStrings(key, end.key)
    if (c < 0 || (c === 0 && open)) end = { key, open }
  }
  for (const s of conjuncts(selector)) {
    if (s.kind !== 'field' || s.path.length !== 1 || s.path[0] !== '_id') continue
    const cond = s.condition
    if (cond.op === '$beginsWith') {
      raiseStart(cond.prefix, false)
      const after = prefixEnd(cond.prefix)
      if (after !== undefined) lowerEnd(after, true)
      continue
    }
    if (!('value' in cond) || typeof cond.value !== 'string') continue
    switch (cond.op) {
      case '$eq': raiseStart(cond.value, false); lowerEnd(cond.value, false); break
      case '$gt': raiseStart(cond.value, true); break
      case '$gte': raiseStart(cond.value, false); break
      case '$lt': lowerEnd(cond.value, true); break
      case '$lte': lowerEnd(cond.value, false); break
      default: break
    }
  }
  if (start === undefined && end === undefined) return undefined
  return Object.freeze({
    ...(start !== undefined ? { start: start.key } : {}),
    startOpen: start?.open ?? false,
    ...(end !== undefined ? { end: end.key } : {}),
    endOpen: end?.open ?? false
  })
}

function pickBest (options: Candidate[]): Candidate | undefined {
  return options.sort((a, b) =>
    (b.constrained - a.constrained) ||
    (Number(b.ordered) - Number(a.ordered)) ||
    (a.index.fields.length - b.index.fields.length) ||
    (a.index.ddoc < b.index.ddoc ? -1 : a.index.ddoc > b.index.ddoc ? 1 : 0) ||
    (a.index.name < b.index.name ? -1 : a.index.name > b.index.name ? 1 : 0)
  )[0]
}

function indexPlan (query: MangoQuery, c: Candidate, warning?: string): IndexPlan {
  const rest = conjuncts(query.selector).filter(s => !c.covered.has(s))
  const residual = rest.length === 0 ? MATCH_ALL : rest.length === 1 ? rest[0] as Selector : Object.freeze({ kind: 'and' as const, args: Object.freeze(rest) })
  return Object.freeze({
    kind: 'index',
    index: c.index,
    ranges: Object.freeze(c.ranges.map(r => Object.freeze(r))),
    reverse: query.sort[0]?.direction === 'desc',
    residual,
    ordered: c.ordered,
    ...(warning !== undefined ? { warning } : {})
  })
}

interface Bound { key: string, open: boolean }

/** The tighter of two lower bounds (an open bound excludes its key, so it is tighter at a tie). */
function maxLower (a: Bound, b: Bound): Bound {
  return b.key > a.key || (b.key === a.key && b.open) ? b : a
}

function minUpper (a: Bound, b: Bound): Bound {
  return b.key < a.key || (b.key === a.key && b.open) ? b : a
}

/** Bounds on the entry keys for one range condition on the column after `prefix`. */
function boundsOf (cond: Condition, prefix: string): { lo?: Bound, hi?: Bound } | undefined {
  switch (cond.op) {
    // enc(v) + KEY_HIGH is above every entry whose column equals v and below every greater one.
    case '$gt': return { lo: { key: prefix + encodeIndexValue(cond.value) + KEY_HIGH, open: true } }
    case '$gte': return { lo: { key: prefix + encodeIndexValue(cond.value), open: false } }
    case '$lt': return { hi: { key: prefix + encodeIndexValue(cond.value), open: true } }
    case '$lte': return { hi: { key: prefix + encodeIndexValue(cond.value) + KEY_HIGH, open: false } }
    case '$beginsWith': {
      const p = prefix + encodeStringPrefix(cond.prefix)
      return { lo: { key: p, open: false }, hi: { key: p + KEY_HIGH, open: false } }
    }
    default: return undefined
  }
}

function analyse (query: MangoQuery, index: IndexDefinition, resume: BookmarkState | undefined): Candidate {
  const byField = new Map<string, Array<Selector & { kind: 'field' }>>()
  for (const s of conjuncts(query.selector)) {
    if (s.kind !== 'field') continue
    const k = pathKey(s.path)
    byField.set(k, [...(byField.get(k) ?? []), s])
  }
  const columns = index.fields.map(f => pathKey(f.path))
  const covered = new Set<Selector>()
  let prefix = ''
  let empty = false
  let column = 0
  // Fixed prefix from $eq on the leading columns.
  for (; column < columns.length; column++) {
    const eqs = (byField.get(columns[column] as string) ?? []).filter(s => s.condition.op === '$eq')
    if (eqs.length === 0) break
    const values = eqs.map(s => (s.condition as { value: JsonValue }).value)
    const first = values[0] as JsonValue
    if (values.some(v => compareJson(v, first) !== 0)) empty = true // a = 1 and a = 2
    for (const s of eqs) covered.add(s)
    prefix += encodeIndexValue(first)
  }
  let lower: Bound = { key: prefix, open: false }
  let upper: Bound = { key: prefix + KEY_HIGH, open: false }
  // Several exact values for the next column (from an $or of equalities), each its own range.
  let points: string[] | undefined
  let constrained = column
  // A range on the next column, intersecting every range condition on it.
  if (column < columns.length) {
    const k = columns[column] as string
    let ranged = false
    for (const s of byField.get(k) ?? []) {
      const bounds = boundsOf(s.condition, prefix)
      if (bounds === undefined) continue
      if (bounds.lo !== undefined) lower = maxLower(lower, bounds.lo)
      if (bounds.hi !== undefined) upper = minUpper(upper, bounds.hi)
      covered.add(s)
      ranged = true
    }
    // {"$or": [{"owner": "a"}, {"owner": "b"}]} (or {"owner": {"$or": ["a", "b"]}}): $eq compares
    // whole values, exactly what the index holds, so each value is an exact range. ($in is not:
    // on an array value it matches elements.)
    const alternatives = conjuncts(query.selector).find(s => s.kind === 'or' && s.args.length > 0 &&
      s.args.every(a => a.kind === 'field' && a.condition.op === '$eq' && pathKey(a.path) === k))
    if (alternatives !== undefined && alternatives.kind === 'or') {
      const encoded = alternatives.args.map(a => prefix + encodeIndexValue((a as { condition: { value: JsonValue } }).condition.value))
      points = [...new Set(encoded)].sort()
      covered.add(alternatives)
      ranged = true
    }
    if (ranged) constrained++
  }
  // Index order within the range: by every column, then the key. Result order: by the sort
  // fields, then the key. Among matching documents a column with an $eq condition (leading or
  // not: the residual still checks the latter) is constant, so the two orders agree when the
  // sort fields, minus constant ones, are exactly the non-constant columns in index order.
  // (Fabric's marbles: index [size, docType, owner], docType and owner fixed, sort by size.)
  const eqValue = new Map<string, JsonValue>()
  for (const [k, conds] of byField) {
    const eq = conds.find(c => c.condition.op === '$eq')
    if (eq !== undefined) eqValue.set(k, (eq.condition as { value: JsonValue }).value)
  }
  const restColumns = columns.filter(k => !eqValue.has(k))
  const sortColumns = query.sort.map(s => pathKey(s.path)).filter(k => !eqValue.has(k))
  const ordered = restColumns.length === sortColumns.length && restColumns.every((k, i) => k === sortColumns[i])
  if (ordered && resume !== undefined) {
    // The bookmarked document's own entry key (constant columns take their $eq value, the
    // others the bookmarked sort values); the page resumes strictly beyond it.
    const sortValue = new Map(query.sort.map((s, i) => [pathKey(s.path), resume.sortValues[i] as JsonValue]))
    const values = columns.slice(column).map(k => eqValue.has(k) ? eqValue.get(k) as JsonValue : sortValue.get(k) as JsonValue)
    const at = prefix + encodeIndexEntryKey(values, resume.key)
    if (query.sort[0]?.direction === 'desc') upper = minUpper(upper, { key: at, open: true })
    else lower = maxLower(lower, { key: at, open: true })
  }
  const pieces: Array<[Bound, Bound]> = points === undefined
    ? [[lower, upper]]
    : points.map(p => [maxLower(lower, { key: p, open: false }), minUpper(upper, { key: p + KEY_HIGH, open: false })])
  const ranges = empty
    ? []
    : pieces
      .filter(([lo, hi]) => lo.key < hi.key || (lo.key === hi.key && !lo.open && !hi.open))
      .map(([lo, hi]) => ({ lower: lo.key, lowerOpen: lo.open, upper: hi.key, upperOpen: hi.open }))
  return { index, ranges, covered, constrained, ordered }
}
