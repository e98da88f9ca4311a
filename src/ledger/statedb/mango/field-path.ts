/**
 * Field paths: `a.b.c` names nested fields, `\.` is a literal dot inside one name
 * (mango_util:parse_field), and a segment that is a non-negative integer also indexes
 * into an array (mango_doc:get_field): `tags.0` is the first tag.
 */
import { MangoError, MangoErrorCode } from './errors.js'
import type { JsonValue } from './json.js'
import { hasOwn, isJsonObject } from './json.js'

export type FieldPath = readonly string[]

/** Splits a field name into segments; empty segments are refused with the field named. */
export function parseFieldPath (field: string, context: string, code: MangoErrorCode = MangoErrorCode.INVALID_SELECTOR): FieldPath {
  const segments: string[] = []
  let current = ''
  for (let i = 0; i < field.length; i++) {
    const ch = field[i] as string
    if (ch === '\\' && field[i + 1] === '.') {
      current += '.'
      i++
    } else if (ch === '.') {
      segments.push(current)
      current = ''
    } else {
      current += ch
    }
  }
  segments.push(current)
  if (segments.some(s => s === '')) {
    throw new MangoError(code, `${context}: field name "${field}" has an empty segment`)
  }
  return Object.freeze(segments)
}

/** Renders a path back to its dotted form (escaping dots inside names). */
export function formatFieldPath (path: FieldPath): string {
  return path.map(s => s.replaceAll('.', '\\.')).join('.')
}

/** The value is absent: `$exists: false` holds. */
export const NOT_FOUND: unique symbol = Symbol('mango.notFound')
/** The path runs through a scalar or off an array: nothing holds, not even `$exists: false`. */
export const BAD_PATH: unique symbol = Symbol('mango.badPath')
export type FieldLookup = JsonValue | typeof NOT_FOUND | typeof BAD_PATH

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/

/**
 * Looks a path up in a document. `id`, when given, is the document's `_id` (the ledger
 * key): Fabric stores each value as a CouchDB document whose `_id` is the key, so
 * selectors may constrain `_id`.
 */
export function getField (doc: JsonValue, path: FieldPath, id?: string): FieldLookup {
  let value: JsonValue = doc
  for (let i = 0; i < path.length; i++) {
    const name = path[i] as string
    if (i === 0 && id !== undefined && name === '_id') {
      value = id
      continue
    }
    if (isJsonObject(value)) {
      if (!hasOwn(value, name)) return NOT_FOUND
      value = value[name] as JsonValue
    } else if (Array.isArray(value)) {
      if (!ARRAY_INDEX.test(name)) return BAD_PATH
      const index = Number(name)
      if (index >= value.length) return BAD_PATH
      value = value[index] as JsonValue
    } else {
      return BAD_PATH
    }
  }
  return value
}
