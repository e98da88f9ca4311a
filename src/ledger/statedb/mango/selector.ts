/**
 * Selector syntax tree and its parser. The parser applies CouchDB's three normalisation
 * steps (mango_selector:normalize) in one pass:
 *
 * 1. norm_ops: implicit `$eq` for bare values, implicit `$and` for objects with several keys;
 * 2. norm_fields: field names are pushed down through `$and/$or/$not/$nor`, so
 *    `{"a": {"b": {"$gt": 1}}}` becomes the field `a.b` and `{"a": {"$or": [1, 2]}}` an `$or`
 *    of two conditions on `a`;
 * 3. norm_negations: `$not` and `$nor` are pushed to the leaves with De Morgan's laws and
 *    negatable operators flip (`$eq`<->`$ne`, `$lt`<->`$gte`, `$in`<->`$nin`, `$exists`), the
 *    rest (`$regex`, `$size`, `$all`, ...) keep a `$not` wrapper on the condition.
 *
 * Consequence, as in CouchDB: a condition on a missing field is false whatever the operator
 * (so `{"$not": {"a": 1}}` does not match a document without `a`), except `$exists: false`.
 * Deviation: CouchDB leaves `$not`/`$nor` inside `$elemMatch` un-normalised and then fails on
 * `$nor` at match time; Weft normalises them everywhere.
 */
import { MangoError, MangoErrorCode } from './errors.js'
import type { FieldPath } from './field-path.js'
import { formatFieldPath, parseFieldPath } from './field-path.js'
import type { JsonTypeName, JsonValue } from './json.js'
import { JSON_TYPE_NAMES, describeJson, findNonJson, isJsonObject } from './json.js'
import { compileRegex } from './regex.js'

export type ComparisonOperator = '$eq' | '$ne' | '$gt' | '$gte' | '$lt' | '$lte'

export type Condition =
  | { readonly op: ComparisonOperator, readonly value: JsonValue }
  | { readonly op: '$in' | '$nin' | '$all', readonly values: readonly JsonValue[] }
  | { readonly op: '$exists', readonly value: boolean }
  | { readonly op: '$type', readonly value: JsonTypeName }
  | { readonly op: '$mod', readonly divisor: number, readonly remainder: number }
  | { readonly op: '$regex', readonly pattern: string, readonly regex: RegExp }
  | { readonly op: '$beginsWith', readonly prefix: string }
  | { readonly op: '$size', readonly value: number }
  /** Sub-selector applied to each array element; its field paths are relative to the element. */
  | { readonly op: '$elemMatch' | '$allMatch', readonly selector: Selector }
  /** Sub-selector applied to each key (a string) of an object value. */
  | { readonly op: '$keyMapMatch', readonly selector: Selector }
  /** Negation of a condition that has no negated twin. */
  | { readonly op: '$not', readonly condition: Condition }

export type Selector =
  | { readonly kind: 'and', readonly args: readonly Selector[] }
  | { readonly kind: 'or', readonly args: readonly Selector[] }
  /** `path` empty means "the value itself" (an `$elemMatch` element). */
  | { readonly kind: 'field', readonly path: FieldPath, readonly condition: Condition }

/** CouchDB nests deeper than this nowhere sensible; the bound keeps recursion off the stack limit. */
export const MAX_SELECTOR_DEPTH = 64

const UNSUPPORTED = new Set(['$where', '$text', '$geoWithin', '$geoIntersects', '$near', '$nearSphere'])

const NEGATED_COMPARISON: Readonly<Record<ComparisonOperator, ComparisonOperator>> = Object.freeze({
  $eq: '$ne', $ne: '$eq', $gt: '$lte', $lte: '$gt', $lt: '$gte', $gte: '$lt'
})

/** Parses a `selector` value (already JSON-parsed) into a normalised, frozen tree. */
export function parseSelector (selector: unknown): Selector {
  if (!isJsonObject(selector)) {
    throw new MangoError(MangoErrorCode.INVALID_SELECTOR, `selector must be a JSON object, got ${describeJson(selector)}`)
  }
  const nonJson = findNonJson(selector)
  if (nonJson !== undefined) throw new MangoError(MangoErrorCode.INVALID_SELECTOR, `selector must be plain JSON, found ${nonJson}`)
  return parseObject(selector, undefined, false, 0)
}

function where (path: FieldPath | undefined): string {
  if (path === undefined) return 'selector'
  return path.length === 0 ? 'selector (array element)' : `selector field "${formatFieldPath(path)}"`
}

function and (args: Selector[]): Selector {
  return args.length === 1 ? args[0] as Selector : Object.freeze({ kind: 'and', args: Object.freeze(args) })
}

function junction (kind: 'and' | 'or', args: Selector[]): Selector {
  return kind === 'and' ? and(args) : Object.freeze({ kind: 'or', args: Object.freeze(args) })
}

/**
 * `path` undefined: top level (no field yet, operators need one). `negated`: an odd number
 * of `$not`/`$nor` lies above, so everything below is negated on the way down.
 */
function parseObject (obj: Record<string, JsonValue>, path: FieldPath | undefined, negated: boolean, depth: number): Selector {
  if (depth > MAX_SELECTOR_DEPTH) {
    throw new MangoError(MangoErrorCode.INVALID_SELECTOR, `${where(path)}: nested deeper than ${MAX_SELECTOR_DEPTH} levels`)
  }
  const keys = Object.keys(obj)
  if (negated && keys.length === 0) {
    // CouchDB cannot negate {} either (norm_negations has no clause for it).
    throw new MangoError(MangoErrorCode.INVALID_OPERATOR, `${where(path)}: $not/$nor of an empty selector is not allowed`)
  }
  const parts: Selector[] = []
  for (const key of keys) {
    parts.push(parseEntry(key, obj[key] as JsonValue, path, negated, depth))
  }
  // An empty object matches everything (CouchDB: `$and: []` is true).
  return junction(negated && parts.length > 1 ? 'or' : 'and', parts)
}

function parseEntry (key: string, value: JsonValue, path: FieldPath | undefined, negated: boolean, depth: number): Selector {
  if (key.startsWith('$')) return parseOperator(key, value, path, negated, depth)
  const fieldPath = parseFieldPath(key, where(path))
  const full = path === undefined ? fieldPath : Object.freeze([...path, ...fieldPath])
  if (isJsonObject(value) && Object.keys(value).length > 0) {
    return parseObject(value, full, negated, depth + 1)
  }
  return fieldNode(full, { op: '$eq', value }, negated)
}

function fieldNode (path: FieldPath, condition: Condition, negated: boolean): Selector {
  return Object.freeze({ kind: 'field', path, condition: Object.freeze(negated ? negate(condition) : condition) })
}

function negate (condition: Condition): Condition {
  switch (condition.op) {
    case '$eq': case '$ne': case '$gt': case '$gte': case '$lt': case '$lte':
      return { op: NEGATED_COMPARISON[condition.op], value: condition.value }
    case '$in': return { op: '$nin', values: condition.values }
    case '$nin': return { op: '$in', values: condition.values }
    case '$exists': return { op: '$exists', value: !condition.value }
    case '$not': return condition.condition
    default: return { op: '$not', condition }
  }
}

function parseOperator (op: string, arg: JsonValue, path: FieldPath | undefined, negated: boolean, depth: number): Selector {
  const at = `${where(path)}: ${op}`
  switch (op) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(arg)) throw new MangoError(MangoErrorCode.INVALID_OPERATOR, `${at} expects an array of selectors, got ${describeJson(arg)}`)
      // $nor = $and of negations; negation turns $and into $or (De Morgan).
      const childNegated = op === '$nor' ? !negated : negated
      const args = arg.map((item, i) => {
        // Under a field a bare value (or {}) is an implicit $eq, as CouchDB's norm_ops reads it.
        if (path !== undefined && (!isJsonObject(item) || Object.keys(item).length === 0)) {
          return fieldNode(path, { op: '$eq', value: item }, childNegated)
        }
        if (!isJsonObject(item)) throw new MangoError(MangoErrorCode.INVALID_OPERATOR, `${at}[${i}] must be a selector object, got ${describeJson(item)}`)
        return parseObject(item, path, childNegated, depth + 1)
      })
      const conjunctive = op === '$or' ? negated : !negated
      return junction(conjunctive ? 'and' : 'or', args)
    }
    case '$not':
      if (!isJsonObject(arg)) throw new MangoError(MangoErrorCode.INVALID_OPERATOR, `${at} expects a selector object, got ${describeJson(arg)}`)
      return parseObject(arg, path, !negated, depth + 1)
    default:
      break
  }
  if (UNSUPPORTED.has(op)) {
    throw new MangoError(MangoErrorCode.UNSUPPORTED_OPERATOR, `${at} is not supported`)
  }
  if (path === undefined) {
    throw new MangoError(MangoErrorCode.INVALID_SELECTOR, `selector: operator ${op} needs a field (write {"field": {"${op}": ...}})`)
  }
  return fieldNode(path, parseCondition(op, arg, path, at, depth), negated)
}

function parseCondition (op: string, arg: JsonValue, path: FieldPath, at: string, depth: number): Condition {
  const bad = (expected: string): MangoError =>
    new MangoError(MangoErrorCode.INVALID_OPERATOR, `${at} expects ${expected}, got ${describeJson(arg)}`)
  switch (op) {
    case '$eq': case '$ne': case '$gt': case '$gte': case '$lt': case '$lte':
      return { op, value: arg }
    case '$in': case '$nin': case '$all':
      if (!Array.isArray(arg)) throw bad('an array')
      return { op, values: Object.freeze([...arg]) }
    case '$exists':
      if (typeof arg !== 'boolean') throw bad('true or false')
      return { op, value: arg }
    case '$type':
      if (typeof arg !== 'string' || !(JSON_TYPE_NAMES as readonly string[]).includes(arg)) throw bad(`one of ${JSON_TYPE_NAMES.join(', ')}`)
      return { op, value: arg as JsonTypeName }
    case '$mod': {
      if (!Array.isArray(arg) || arg.length !== 2 || !Number.isSafeInteger(arg[0]) || !Number.isSafeInteger(arg[1]) || arg[0] === 0) {
        throw bad('[divisor, remainder], two integers with a non-zero divisor')
      }
      return { op, divisor: arg[0] as number, remainder: arg[1] as number }
    }
    case '$regex':
      if (typeof arg !== 'string') throw bad('a string')
      return { op, pattern: arg, regex: compileRegex(arg, where(path)) }
    case '$beginsWith':
      if (typeof arg !== 'string') throw bad('a string')
      return { op, prefix: arg }
    case '$size':
      if (typeof arg !== 'number' || !Number.isSafeInteger(arg) || arg < 0) throw bad('a non-negative integer')
      return { op, value: arg }
    case '$elemMatch': case '$allMatch': case '$keyMapMatch':
      if (!isJsonObject(arg)) throw bad('a selector object')
      try {
        // Paths inside are relative to the element; an empty path is the element itself.
        return { op, selector: parseObject(arg, Object.freeze([]), false, depth + 1) }
      } catch (err) {
        // Say where the inner selector sits: `selector field "a": $elemMatch > selector field "b": ...`.
        if (err instanceof MangoError) throw new MangoError(err.code, `${at} > ${err.message}`, { cause: err })
        throw err
      }
    default:
      throw new MangoError(MangoErrorCode.INVALID_OPERATOR, `${at} is not a known operator`)
  }
}
