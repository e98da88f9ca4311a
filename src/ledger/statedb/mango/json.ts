/**
 * JSON values as the Mango engine sees them: what `JSON.parse` returns.
 * Numbers are IEEE-754 doubles (CouchDB keeps arbitrary-precision integers: a deviation
 * that only shows above 2^53).
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject
export interface JsonObject { [key: string]: JsonValue }

/** CouchDB's `$type` names (mango_json:type/1). */
export type JsonTypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object'

export const JSON_TYPE_NAMES: readonly JsonTypeName[] = Object.freeze(['null', 'boolean', 'number', 'string', 'array', 'object'])

export function isJsonObject (value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function jsonTypeOf (value: JsonValue): JsonTypeName {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  switch (typeof value) {
    case 'boolean': return 'boolean'
    case 'number': return 'number'
    case 'string': return 'string'
    default: return 'object'
  }
}

/** Own enumerable keys, own values only: documents come from JSON.parse, so no prototype keys. */
export function hasOwn (obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key)
}

/** Short, bounded rendering of a value for error messages. */
export function describeJson (value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
