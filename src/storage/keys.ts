/**
 * IndexedDB's key model (W3C IndexedDB 3.0 §2.7 "Keys"), implemented for the in-memory backend
 * and for boundary checks: valid key types, their order, and key-path evaluation.
 */
import { StorageError } from './errors.js'
import type { KvKey, KvRange } from './kv.js'

const TYPE_RANK = { number: 0, string: 1, binary: 2, array: 3 } as const

function rank (key: KvKey): number {
  if (typeof key === 'number') return TYPE_RANK.number
  if (typeof key === 'string') return TYPE_RANK.string
  if (key instanceof Uint8Array) return TYPE_RANK.binary
  return TYPE_RANK.array
}

/** IndexedDB's compare(): strings by UTF-16 code unit, binary bytewise, arrays element-wise. */
export function compareKeys (a: KvKey, b: KvKey): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b)
  const aa = a as readonly KvKey[]
  const bb = b as readonly KvKey[]
  const n = Math.min(aa.length, bb.length)
  for (let i = 0; i < n; i++) {
    const c = compareKeys(aa[i] as KvKey, bb[i] as KvKey)
    if (c !== 0) return c
  }
  return aa.length - bb.length
}

export function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

/** True when `value` is a valid IndexedDB key (NaN, booleans, null, objects are not). */
export function isValidKey (value: unknown): value is KvKey {
  if (typeof value === 'number') return !Number.isNaN(value)
  if (typeof value === 'string') return true
  if (value instanceof Uint8Array) return true
  if (Array.isArray(value)) return value.every(isValidKey)
  return false
}

export function assertKey (value: unknown, field: string): asserts value is KvKey {
  if (!isValidKey(value)) throw new StorageError('STORAGE_BAD_INPUT', `${field}: not a valid key`)
}

export function inRange (key: KvKey, range: KvRange): boolean {
  if (range.gt !== undefined && compareKeys(key, range.gt) <= 0) return false
  if (range.gte !== undefined && compareKeys(key, range.gte) < 0) return false
  if (range.lt !== undefined && compareKeys(key, range.lt) >= 0) return false
  if (range.lte !== undefined && compareKeys(key, range.lte) > 0) return false
  return true
}

/** Evaluates an IndexedDB key path against a value; undefined when absent or not a valid key. */
export function evaluateKeyPath (value: unknown, keyPath: string | readonly string[]): KvKey | undefined {
  if (typeof keyPath !== 'string') {
    const parts: KvKey[] = []
    for (const p of keyPath) {
      const v = evaluateKeyPath(value, p)
      if (v === undefined) return undefined
      parts.push(v)
    }
    return parts
  }
  let cur: unknown = value
  for (const step of keyPath.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined
    cur = (cur as Record<string, unknown>)[step]
  }
  return isValidKey(cur) ? cur : undefined
}

/** A string identity for a key, used as a Map key by the in-memory backend. */
export function keyId (key: KvKey): string {
  if (typeof key === 'number') return `n${key}`
  if (typeof key === 'string') return `s${key}`
  if (key instanceof Uint8Array) return `b${Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('')}`
  return `a${JSON.stringify(key.map(keyId))}`
}

/** True when no key can satisfy the range (lower bound above upper bound). */
export function isEmptyRange (range: KvRange): boolean {
  const lower = range.gte ?? range.gt
  const upper = range.lte ?? range.lt
  if (lower === undefined || upper === undefined) return false
  const c = compareKeys(lower, upper)
  return c > 0 || (c === 0 && (range.gt !== undefined || range.lt !== undefined))
}
