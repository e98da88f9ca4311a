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

/**
 * Why `value` is not plain JSON (undefined, a function, NaN, a Date, a Map...), or undefined
 * when it is. Iterative, so arbitrarily deep values are fine. For callers that hand in parsed
 * objects instead of JSON text.
 */
export function findNonJson (value: unknown): string | undefined {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const item = stack.pop()
    if (item === null || typeof item === 'string' || typeof item === 'boolean') continue
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return `the number ${String(item)}`
      continue
    }
    if (Array.isArray(item)) {
      for (const element of item) stack.push(element)
      continue
    }
    if (typeof item === 'object') {
      const proto: unknown = Object.getPrototypeOf(item)
      if (proto !== Object.prototype && proto !== null) return `an object of type ${(item as object).constructor?.name ?? 'unknown'}`
      for (const key of Object.keys(item)) stack.push((item as Record<string, unknown>)[key])
      continue
    }
    return `a value of type ${typeof item}`
  }
  return undefined
}
