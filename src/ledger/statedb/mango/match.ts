/**
 * Matching a normalised selector against a document (mango_selector:match, CouchDB 3.x).
 *
 * Array fields are NOT searched element by element the way MongoDB does: `{"tags": "x"}`
 * compares the whole `tags` value. Use `$elemMatch`, `$all`, `$in` (which does look inside
 * an array value) or an index path such as `tags.0`.
 */
import { compareJson, jsonEquals } from './collation.js'
import { BAD_PATH, NOT_FOUND, getField } from './field-path.js'
import type { JsonValue } from './json.js'
import { isJsonObject, jsonTypeOf } from './json.js'
import type { Condition, Selector } from './selector.js'

export interface MatchOptions {
  /** The document's `_id` (the ledger key), visible to selectors as the field `_id`. */
  id?: string
}

export function matches (selector: Selector, doc: unknown, options: MatchOptions = {}): boolean {
  return matchSelector(selector, doc as JsonValue, options.id)
}

function matchSelector (selector: Selector, value: JsonValue, id: string | undefined): boolean {
  switch (selector.kind) {
    // Empty $and and empty $or are both true (CouchDB 3: "treat an empty array as always true").
    case 'and': return selector.args.every(s => matchSelector(s, value, id))
    case 'or': return selector.args.length === 0 || selector.args.some(s => matchSelector(s, value, id))
    case 'field': {
      const found = getField(value, selector.path, id)
      if (found === NOT_FOUND) return selector.condition.op === '$exists' && !selector.condition.value
      if (found === BAD_PATH) return false
      return matchCondition(selector.condition, found)
    }
  }
}

function matchCondition (condition: Condition, value: JsonValue): boolean {
  switch (condition.op) {
    case '$eq': return compareJson(value, condition.value) === 0
    case '$ne': return compareJson(value, condition.value) !== 0
    case '$gt': return compareJson(value, condition.value) > 0
    case '$gte': return compareJson(value, condition.value) >= 0
    case '$lt': return compareJson(value, condition.value) < 0
    case '$lte': return compareJson(value, condition.value) <= 0
    case '$in': return matchIn(condition.values, value)
    case '$nin': return condition.values.length === 0 || !matchIn(condition.values, value)
    case '$exists': return condition.value // reached only when the field is present
    case '$type': return jsonTypeOf(value) === condition.value
    case '$mod':
      return typeof value === 'number' && Number.isInteger(value) && value % condition.divisor === condition.remainder
    case '$regex': return typeof value === 'string' && condition.regex.test(value)
    case '$beginsWith': return typeof value === 'string' && value.startsWith(condition.prefix)
    case '$size': return Array.isArray(value) && value.length === condition.value
    case '$all': return matchAll(condition.values, value)
    case '$elemMatch':
      return Array.isArray(value) && value.some(item => matchSelector(condition.selector, item, undefined))
    case '$allMatch':
      return Array.isArray(value) && value.length > 0 && value.every(item => matchSelector(condition.selector, item, undefined))
    case '$keyMapMatch':
      return isJsonObject(value) && Object.keys(value).some(key => matchSelector(condition.selector, key, undefined))
    case '$not': return !matchCondition(condition.condition, value)
  }
}

/** On an array value `$in` asks whether any element equals any argument; otherwise the value itself. */
function matchIn (args: readonly JsonValue[], value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some(item => args.some(arg => compareJson(item, arg) === 0))
  return args.some(arg => compareJson(value, arg) === 0)
}

/** Every argument is an element of the array, or the single argument is the array itself. */
function matchAll (args: readonly JsonValue[], value: JsonValue): boolean {
  if (!Array.isArray(value) || args.length === 0) return false
  if (args.every(arg => value.some(item => jsonEquals(item, arg)))) return true
  const only = args[0]
  return args.length === 1 && Array.isArray(only) && jsonEquals(only, value)
}

