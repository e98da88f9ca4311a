/**
 * Index definitions in Fabric's chaincode-package form,
 * `META-INF/statedb/couchdb/indexes/*.json` (and `.../collections/<name>/indexes/*.json`):
 *
 *   {"index": {"fields": ["docType", "owner"]}, "ddoc": "indexOwnerDoc", "name": "indexOwner", "type": "json"}
 *
 * Validated as Fabric's internal/ccmetadata/validators.go does (only `index`, `ddoc`, `name`,
 * `type`; `index` holds `fields` and optionally `partial_filter_selector`; a field is a name or
 * `{"name": "asc"|"desc"}`; `type` is "json"), plus what CouchDB itself would refuse at index
 * creation: empty or duplicate fields, a field object with several keys, empty names.
 *
 * Index semantics are CouchDB's json index: a document is in the index only when every indexed
 * field exists (and it matches the partial filter, if any). Entries are stored ascending; a
 * field's asc/desc only documents intent (a descending sort scans the index backwards).
 */
import { MangoError, MangoErrorCode } from './errors.js'
import type { FieldPath } from './field-path.js'
import { BAD_PATH, NOT_FOUND, formatFieldPath, getField, parseFieldPath } from './field-path.js'
import { encodeIndexEntryKey } from './index-key.js'
import type { JsonValue } from './json.js'
import { describeJson, findNonJson, isJsonObject } from './json.js'
import { matches } from './match.js'
import type { SortDirection } from './query.js'
import { stripDesignPrefix } from './query.js'
import type { Selector } from './selector.js'
import { parseSelector } from './selector.js'

export interface IndexField {
  readonly field: string
  readonly path: FieldPath
  readonly direction: SortDirection
}

export interface IndexDefinition {
  /** Design document name, without `_design/`. Defaults to the index name. */
  readonly ddoc: string
  /** Defaults to a name derived from the fields, stable across peers. */
  readonly name: string
  readonly type: 'json'
  readonly fields: readonly IndexField[]
  readonly partialFilter?: Selector
}

/**
 * Parses one index file. `source` (e.g. the file path in the package) is named in errors.
 * Accepts the JSON text or an already parsed value.
 */
export function parseIndexDefinition (json: string | unknown, source = 'index definition'): IndexDefinition {
  let def: unknown = json
  if (typeof json === 'string') {
    try {
      def = JSON.parse(json)
    } catch (err) {
      throw invalid(source, `is not valid JSON: ${(err as Error).message}`, err)
    }
  }
  if (!isJsonObject(def)) throw invalid(source, `must be a JSON object, got ${describeJson(def)}`)
  const nonJson = findNonJson(def)
  if (nonJson !== undefined) throw invalid(source, `must be plain JSON, found ${nonJson}`)
  let index: Record<string, JsonValue> | undefined
  let ddoc: string | undefined
  let name: string | undefined
  for (const key of Object.keys(def)) {
    const value = def[key] as JsonValue
    switch (key) {
      case 'index':
        if (!isJsonObject(value)) throw invalid(source, '"index" must be a JSON object')
        index = value
        break
      case 'ddoc':
      case 'name':
        if (typeof value !== 'string' || stripDesignPrefix(value) === '') throw invalid(source, `"${key}" must be a non-empty string`)
        if (key === 'ddoc') ddoc = stripDesignPrefix(value)
        else name = value
        break
      case 'type':
        if (value !== 'json') throw invalid(source, `index type must be "json", got ${describeJson(value)}`)
        break
      default:
        throw invalid(source, `unknown entry "${key}" (expected index, ddoc, name, type)`)
    }
  }
  if (index === undefined) throw invalid(source, 'must include "index" with a "fields" definition')
  let fields: IndexField[] | undefined
  let partialFilter: Selector | undefined
  for (const key of Object.keys(index)) {
    const value = index[key] as JsonValue
    if (key === 'fields') {
      fields = parseIndexFields(value, source)
    } else if (key === 'partial_filter_selector') {
      try {
        partialFilter = parseSelector(value)
      } catch (err) {
        throw invalid(source, `"partial_filter_selector" is invalid: ${(err as Error).message}`, err)
      }
    } else {
      throw invalid(source, `unknown entry "index.${key}" (expected fields, partial_filter_selector)`)
    }
  }
  if (fields === undefined) throw invalid(source, 'must include "index.fields"')
  const indexName = name ?? `weft-${fields.map(f => formatFieldPath(f.path)).join('-')}`
  return Object.freeze({
    ddoc: ddoc ?? indexName,
    name: indexName,
    type: 'json',
    fields: Object.freeze(fields),
    ...(partialFilter !== undefined ? { partialFilter } : {})
  })
}

function parseIndexFields (value: JsonValue, source: string): IndexField[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(source, '"index.fields" must be a non-empty array of field names')
  const seen = new Set<string>()
  return value.map((entry, i) => {
    let field: string
    let direction: SortDirection = 'asc'
    if (typeof entry === 'string') {
      field = entry
    } else if (isJsonObject(entry) && Object.keys(entry).length === 1) {
      field = Object.keys(entry)[0] as string
      const dir = entry[field]
      const lower = typeof dir === 'string' ? dir.toLowerCase() : undefined
      if (lower !== 'asc' && lower !== 'desc') {
        throw invalid(source, `index.fields[${i}]: sort must be "asc" or "desc", got ${describeJson(dir)}`)
      }
      direction = lower
    } else {
      throw invalid(source, `index.fields[${i}] must be a field name or {"field": "asc"|"desc"}, got ${describeJson(entry)}`)
    }
    let path: FieldPath
    try {
      path = parseFieldPath(field, `index.fields[${i}]`, MangoErrorCode.INVALID_INDEX)
    } catch (err) {
      throw invalid(source, (err as Error).message, err)
    }
    const canonical = formatFieldPath(path)
    if (seen.has(canonical)) throw invalid(source, `index.fields[${i}]: field "${field}" is listed twice`)
    seen.add(canonical)
    return Object.freeze({ field, path, direction })
  })
}

function invalid (source: string, message: string, cause?: unknown): MangoError {
  return new MangoError(MangoErrorCode.INVALID_INDEX, `${source}: ${message}`, cause === undefined ? undefined : { cause })
}

/**
 * The values a document contributes to an index, in the index's field order, or undefined
 * when the document is not in the index (not an object, a field missing, partial filter false).
 * `key` is the ledger key, visible as `_id`.
 */
export function extractIndexValues (index: IndexDefinition, doc: unknown, key?: string): JsonValue[] | undefined {
  if (!isJsonObject(doc)) return undefined
  const values: JsonValue[] = []
  for (const field of index.fields) {
    const value = getField(doc, field.path, key)
    if (value === NOT_FOUND || value === BAD_PATH) return undefined
    values.push(value)
  }
  if (index.partialFilter !== undefined && !matches(index.partialFilter, doc, key === undefined ? {} : { id: key })) return undefined
  return values
}

/** The IndexedDB key of a document's entry in `index`, or undefined when it has none. */
export function indexEntryKey (index: IndexDefinition, doc: unknown, key: string): string | undefined {
  const values = extractIndexValues(index, doc, key)
  return values === undefined ? undefined : encodeIndexEntryKey(values, key)
}
