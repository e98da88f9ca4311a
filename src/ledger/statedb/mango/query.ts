/**
 * The `_find` request body as Fabric chaincode passes it to GetQueryResult:
 * `selector` (required), `sort`, `limit`, `skip`, `fields`, `use_index`, `bookmark`.
 *
 * Accepted and ignored (CouchDB read tuning with no meaning here): `r`, `conflicts`,
 * `update`, `stable`, `stale`, `execution_stats`. `allow_fallback` is honoured by the planner.
 * Any other key is refused (CouchDB: invalid_key), naming it.
 */
import { MangoError, MangoErrorCode } from './errors.js'
import type { FieldPath } from './field-path.js'
import { parseFieldPath } from './field-path.js'
import type { JsonValue } from './json.js'
import { describeJson, findNonJson, isJsonObject } from './json.js'
import type { Selector } from './selector.js'
import { parseSelector } from './selector.js'

export type SortDirection = 'asc' | 'desc'

export interface SortField {
  readonly field: string
  readonly path: FieldPath
  readonly direction: SortDirection
}

export interface UseIndex {
  /** Design document name without the `_design/` prefix. */
  readonly ddoc: string
  readonly name?: string
}

export interface MangoQuery {
  readonly selector: Selector
  /** The selector as written, for fingerprinting bookmarks. */
  readonly selectorJson: JsonValue
  /** Empty: no sort. All fields share one direction (CouchDB refuses mixed sorts). */
  readonly sort: readonly SortField[]
  readonly limit?: number
  readonly skip: number
  /** Empty: whole documents. */
  readonly fields: readonly FieldPath[]
  readonly useIndex?: UseIndex
  readonly allowFallback: boolean
  readonly bookmark?: string
}

const IGNORED_KEYS = new Set(['r', 'conflicts', 'update', 'stable', 'stale', 'execution_stats'])
const KNOWN_KEYS = new Set(['selector', 'sort', 'limit', 'skip', 'fields', 'use_index', 'bookmark', 'allow_fallback'])

/** CouchDB caps nothing here; a bound keeps a hostile query from asking for 2^53 results to skip. */
const MAX_COUNT = 2 ** 31 - 1

export function parseQuery (queryJson: string): MangoQuery {
  if (typeof queryJson !== 'string') {
    throw new MangoError(MangoErrorCode.INVALID_QUERY, `query must be a JSON string, got ${typeof queryJson}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(queryJson)
  } catch (err) {
    throw new MangoError(MangoErrorCode.INVALID_QUERY, `query is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  return parseQueryObject(parsed)
}

export function parseQueryObject (query: unknown): MangoQuery {
  if (!isJsonObject(query)) {
    throw new MangoError(MangoErrorCode.INVALID_QUERY, `query must be a JSON object, got ${describeJson(query)}`)
  }
  const nonJson = findNonJson(query)
  if (nonJson !== undefined) throw new MangoError(MangoErrorCode.INVALID_QUERY, `query must be plain JSON, found ${nonJson}`)
  for (const key of Object.keys(query)) {
    if (!KNOWN_KEYS.has(key) && !IGNORED_KEYS.has(key)) {
      throw new MangoError(MangoErrorCode.INVALID_QUERY, `query: unknown key "${key}" (expected one of ${[...KNOWN_KEYS].join(', ')})`)
    }
  }
  if (!('selector' in query)) {
    throw new MangoError(MangoErrorCode.INVALID_SELECTOR, 'query: "selector" is required')
  }
  const selectorJson = query.selector as JsonValue
  const result: MangoQuery = {
    selector: parseSelector(selectorJson),
    selectorJson,
    sort: parseSort(query.sort),
    skip: parseCount(query.skip, 'skip', MangoErrorCode.INVALID_SKIP) ?? 0,
    fields: parseFields(query.fields),
    allowFallback: parseAllowFallback(query.allow_fallback)
  }
  const limit = parseCount(query.limit, 'limit', MangoErrorCode.INVALID_LIMIT)
  const useIndex = parseUseIndex(query.use_index)
  const bookmark = query.bookmark
  if (bookmark !== undefined && typeof bookmark !== 'string') {
    throw new MangoError(MangoErrorCode.INVALID_BOOKMARK, `query: "bookmark" must be a string, got ${describeJson(bookmark)}`)
  }
  return Object.freeze({
    ...result,
    ...(limit !== undefined ? { limit } : {}),
    ...(useIndex !== undefined ? { useIndex } : {}),
    ...(bookmark !== undefined && bookmark !== '' ? { bookmark } : {})
  })
}

function parseCount (value: JsonValue | undefined, name: string, code: MangoErrorCode): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_COUNT) {
    throw new MangoError(code, `query: "${name}" must be an integer from 0 to ${MAX_COUNT}, got ${describeJson(value)}`)
  }
  return value
}

function parseSort (value: JsonValue | undefined): readonly SortField[] {
  if (value === undefined) return Object.freeze([])
  if (!Array.isArray(value)) {
    throw new MangoError(MangoErrorCode.INVALID_SORT, `query: "sort" must be an array, got ${describeJson(value)}`)
  }
  const fields = value.map((entry, i): SortField => {
    if (typeof entry === 'string') {
      return Object.freeze({ field: entry, path: parseFieldPath(entry, `sort[${i}]`, MangoErrorCode.INVALID_SORT), direction: 'asc' })
    }
    if (isJsonObject(entry)) {
      const keys = Object.keys(entry)
      const field = keys[0]
      const direction = field === undefined ? undefined : entry[field]
      if (keys.length !== 1 || field === undefined || (direction !== 'asc' && direction !== 'desc')) {
        throw new MangoError(MangoErrorCode.INVALID_SORT, `sort[${i}]: expected "field" or {"field": "asc"|"desc"}, got ${describeJson(entry)}`)
      }
      return Object.freeze({ field, path: parseFieldPath(field, `sort[${i}]`, MangoErrorCode.INVALID_SORT), direction })
    }
    throw new MangoError(MangoErrorCode.INVALID_SORT, `sort[${i}]: expected "field" or {"field": "asc"|"desc"}, got ${describeJson(entry)}`)
  })
  const first = fields[0]
  const mixed = fields.find(f => f.direction !== first?.direction)
  if (first !== undefined && mixed !== undefined) {
    throw new MangoError(MangoErrorCode.INVALID_SORT, `sort: "${mixed.field}" is ${mixed.direction} but "${first.field}" is ${first.direction}; all sort fields must use the same direction (as in CouchDB)`)
  }
  return Object.freeze(fields)
}

function parseFields (value: JsonValue | undefined): readonly FieldPath[] {
  if (value === undefined) return Object.freeze([])
  if (!Array.isArray(value)) {
    throw new MangoError(MangoErrorCode.INVALID_FIELDS, `query: "fields" must be an array of field names, got ${describeJson(value)}`)
  }
  return Object.freeze(value.map((entry, i) => {
    if (typeof entry !== 'string') {
      throw new MangoError(MangoErrorCode.INVALID_FIELDS, `fields[${i}] must be a field name string, got ${describeJson(entry)}`)
    }
    return parseFieldPath(entry, `fields[${i}]`, MangoErrorCode.INVALID_FIELDS)
  }))
}

export function stripDesignPrefix (ddoc: string): string {
  return ddoc.startsWith('_design/') ? ddoc.slice('_design/'.length) : ddoc
}

function parseUseIndex (value: JsonValue | undefined): UseIndex | undefined {
  if (value === undefined) return undefined
  const bad = (): MangoError => new MangoError(MangoErrorCode.INVALID_USE_INDEX,
    `query: "use_index" must be "ddoc", ["ddoc"] or ["ddoc", "name"], got ${describeJson(value)}`)
  if (typeof value === 'string') {
    if (value === '') throw bad()
    return Object.freeze({ ddoc: stripDesignPrefix(value) })
  }
  if (!Array.isArray(value) || value.length < 1 || value.length > 2 || value.some(v => typeof v !== 'string' || v === '')) throw bad()
  const [ddoc, name] = value as string[]
  return Object.freeze({ ddoc: stripDesignPrefix(ddoc as string), ...(name !== undefined ? { name } : {}) })
}

function parseAllowFallback (value: JsonValue | undefined): boolean {
  if (value === undefined) return true
  if (typeof value !== 'boolean') {
    throw new MangoError(MangoErrorCode.INVALID_QUERY, `query: "allow_fallback" must be true or false, got ${describeJson(value)}`)
  }
  return value
}
