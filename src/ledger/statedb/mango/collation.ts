/**
 * CouchDB's view collation for JSON (couch_ejson_compare, used by Mango's `mango_json:cmp`):
 *
 *   null < false < true < numbers < strings < arrays < objects
 *
 * - numbers compare numerically (so 1 and 1.0 are equal, and -0 equals 0);
 * - arrays compare element by element, a proper prefix sorting first;
 * - objects compare their (key, value) pairs in document order, key first, then value;
 *   fewer pairs sort first when one is a prefix of the other.
 *
 * Deviation: CouchDB collates strings with ICU (UCA, case-insensitive first level). Weft
 * compares strings by Unicode code point, which equals UTF-8 byte order — the order Fabric
 * uses for keys everywhere else — and is cheap, locale-free and identical in every browser.
 * It also makes `encodeIndexValue` (index-key.ts) possible as a plain string order.
 *
 * Deviation: object key order is JavaScript's, so integer-like keys ("1", "2") come first in
 * ascending order whatever the document text said; every Weft peer sees the same order.
 */
import { encodeIndexValue } from './index-key.js'
import type { JsonValue } from './json.js'

/** null 0, false 1, true 2, number 3, string 4, array 5, object 6. */
function rank (value: JsonValue): number {
  if (value === null) return 0
  if (value === false) return 1
  if (value === true) return 2
  switch (typeof value) {
    case 'number': return 3
    case 'string': return 4
    default: return Array.isArray(value) ? 5 : 6
  }
}

function isHighSurrogate (unit: number): boolean { return unit >= 0xD800 && unit <= 0xDBFF }
function isLowSurrogate (unit: number): boolean { return unit >= 0xDC00 && unit <= 0xDFFF }

/**
 * Code-point order (= UTF-8 byte order). UTF-16 code unit order differs only where a
 * surrogate is involved (astral characters vs U+E000..U+FFFF); lone surrogates count as
 * their own code point, like `for...of` and `codePointAt` see them.
 */
export function compareStrings (a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i)
    const cb = b.charCodeAt(i)
    if (ca === cb) continue
    if (ca < 0xD800 && cb < 0xD800) return ca < cb ? -1 : 1
    // Compare whole code points, starting at the high surrogate when the strings split inside a pair.
    const start = i > 0 && isHighSurrogate(a.charCodeAt(i - 1)) && (isLowSurrogate(ca) || isLowSurrogate(cb)) ? i - 1 : i
    const pa = a.codePointAt(start) as number
    const pb = b.codePointAt(start) as number
    return pa < pb ? -1 : 1
  }
  return a.length === b.length ? 0 : (a.length < b.length ? -1 : 1)
}

/**
 * Beyond this nesting depth compareJson compares the values' order-preserving encodings
 * (index-key.ts, built without recursion) instead of recursing: same answer, no stack overflow
 * on the absurdly deep documents JSON.parse accepts.
 */
const MAX_RECURSION = 200

/** Total order over JSON values: negative, zero or positive like `Array.prototype.sort` wants. */
export function compareJson (a: JsonValue, b: JsonValue): number {
  return compareAt(a, b, 0)
}

function compareAt (a: JsonValue, b: JsonValue, depth: number): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra < rb ? -1 : 1
  switch (ra) {
    case 3: return (a as number) === (b as number) ? 0 : ((a as number) < (b as number) ? -1 : 1)
    case 4: return compareStrings(a as string, b as string)
    case 5:
    case 6: {
      if (depth >= MAX_RECURSION) {
        const ea = encodeIndexValue(a)
        const eb = encodeIndexValue(b)
        return ea === eb ? 0 : (ea < eb ? -1 : 1)
      }
      return ra === 5
        ? compareArrays(a as JsonValue[], b as JsonValue[], depth + 1)
        : compareObjects(a as Record<string, JsonValue>, b as Record<string, JsonValue>, depth + 1)
    }
    default: return 0 // null, false, true: one value per rank
  }
}

function compareArrays (a: JsonValue[], b: JsonValue[], depth: number): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareAt(a[i] as JsonValue, b[i] as JsonValue, depth)
    if (c !== 0) return c
  }
  return a.length === b.length ? 0 : (a.length < b.length ? -1 : 1)
}

function compareObjects (a: Record<string, JsonValue>, b: Record<string, JsonValue>, depth: number): number {
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  const n = Math.min(ka.length, kb.length)
  for (let i = 0; i < n; i++) {
    const keyA = ka[i] as string
    const keyB = kb[i] as string
    const ck = compareStrings(keyA, keyB)
    if (ck !== 0) return ck
    const cv = compareAt(a[keyA] as JsonValue, b[keyB] as JsonValue, depth)
    if (cv !== 0) return cv
  }
  return ka.length === kb.length ? 0 : (ka.length < kb.length ? -1 : 1)
}

/** Structural equality as CouchDB's `$all` uses it (Erlang `lists:member`): exact, key order included. */
export function jsonEquals (a: JsonValue, b: JsonValue): boolean {
  return compareJson(a, b) === 0
}
