/**
 * Order-preserving string encoding of JSON values for index entries (the one place this
 * format is written down). For any JSON values a, b:
 *
 *   sign(compareJson(a, b)) === sign(compare by UTF-16 code unit(encodeIndexValue(a), encodeIndexValue(b)))
 *
 * so the ledger can keep index entries as IndexedDB string keys (which compare by code unit)
 * and answer Mango ranges with `IDBKeyRange.bound`. Every encoding is self-delimiting and
 * none is a prefix of another, so a tuple is the plain concatenation of its values and
 * tuples sort lexicographically.
 *
 * Code units used (all below U+D800: no surrogates, so the keys survive any UTF-16/UTF-8
 * round trip; U+FFFF above all of them is the open upper bound `KEY_HIGH`):
 *
 *   U+0001            END: closes a string, an array, an object
 *   U+0002            PAIR: starts each key/value pair of an object
 *   U+0010..U+0016    type tags: null, false, true, number, string, array, object
 *   number            tag + 5 units of 13 bits (+0x20): IEEE-754 bits made unsigned-sortable
 *                     (negative: all bits flipped; positive: sign bit flipped); -0 is 0
 *   string            tag + each code point + END; code point c < 0xD000 -> one unit c+3,
 *                     else two units 0xD003 + ((c-0xD000) >> 12), 3 + ((c-0xD000) & 0xFFF)
 *   array             tag + each element + END
 *   object            tag + (PAIR + key's code points + END + value)* + END
 *
 * An index entry key is `encodeIndexEntryKey(values, docKey)`: the tuple of the indexed
 * field values followed by the document key encoded as a string, which keeps entries of
 * equal tuples distinct and ordered by document key (CouchDB orders them by `_id`).
 */
import type { JsonValue } from './json.js'

const END = '\u0001'
const PAIR = '\u0002'
const TAG_NULL = '\u0010'
const TAG_FALSE = '\u0011'
const TAG_TRUE = '\u0012'
const TAG_NUMBER = '\u0013'
const TAG_STRING = '\u0014'
const TAG_ARRAY = '\u0015'
const TAG_OBJECT = '\u0016'

/** Greater than every code unit an encoding contains: `prefix + KEY_HIGH` bounds all keys starting with `prefix`. */
export const KEY_HIGH = '\uFFFF'

const scratch = new DataView(new ArrayBuffer(8))

function encodeNumber (n: number): string {
  scratch.setFloat64(0, n === 0 ? 0 : n) // folds -0 into 0, as compareJson does
  let hi = scratch.getUint32(0)
  let lo = scratch.getUint32(4)
  if ((hi & 0x80000000) !== 0) {
    hi = ~hi >>> 0
    lo = ~lo >>> 0
  } else {
    hi = (hi | 0x80000000) >>> 0
  }
  return TAG_NUMBER + String.fromCharCode(
    (hi >>> 20) + 0x20,
    ((hi >>> 7) & 0x1FFF) + 0x20,
    (((hi & 0x7F) << 6) | (lo >>> 26)) + 0x20,
    ((lo >>> 13) & 0x1FFF) + 0x20,
    (lo & 0x1FFF) + 0x20
  )
}

/** The code points of `s` without tag or END (used for prefix ranges such as `$beginsWith`). */
export function encodeStringBody (s: string): string {
  let out = ''
  for (const ch of s) { // iterates code points; lone surrogates come out alone
    const c = ch.codePointAt(0) as number
    if (c < 0xD000) {
      out += String.fromCharCode(c + 3)
    } else {
      const d = c - 0xD000
      out += String.fromCharCode(0xD003 + (d >>> 12), 3 + (d & 0xFFF))
    }
  }
  return out
}

/** Encoding of a string value's start: tag + body, without END (prefix of every string starting with `s`). */
export function encodeStringPrefix (s: string): string {
  return TAG_STRING + encodeStringBody(s)
}

/** A piece of output queued between values on the work stack (distinct from JSON strings). */
class Emit {
  constructor (readonly text: string) {}
}
const EMIT_END = new Emit(END)

/**
 * Iterative (explicit work stack), not recursive: JSON.parse accepts documents nested
 * hundreds of thousands deep, and the ledger encodes index entries while committing a block,
 * so a deep value must not overflow the call stack.
 */
export function encodeIndexValue (value: JsonValue): string {
  let out = ''
  const stack: Array<JsonValue | Emit> = [value]
  while (stack.length > 0) {
    const item = stack.pop() as JsonValue | Emit
    if (item instanceof Emit) {
      out += item.text
      continue
    }
    if (item === null) {
      out += TAG_NULL
      continue
    }
    switch (typeof item) {
      case 'boolean': out += item ? TAG_TRUE : TAG_FALSE; continue
      case 'number': out += encodeNumber(item); continue
      case 'string': out += TAG_STRING + encodeStringBody(item) + END; continue
      default: break
    }
    if (Array.isArray(item)) {
      out += TAG_ARRAY
      stack.push(EMIT_END)
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i] as JsonValue)
      continue
    }
    out += TAG_OBJECT
    stack.push(EMIT_END)
    const keys = Object.keys(item)
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string
      stack.push(item[key] as JsonValue)
      stack.push(new Emit(PAIR + encodeStringBody(key) + END))
    }
  }
  return out
}

/** A tuple of values (an index's fields in order), sorting lexicographically by compareJson. */
export function encodeIndexKey (values: readonly JsonValue[]): string {
  let out = ''
  for (const value of values) out += encodeIndexValue(value)
  return out
}

/** The key of one index entry: the field tuple then the document (ledger) key. */
export function encodeIndexEntryKey (values: readonly JsonValue[], docKey: string): string {
  return encodeIndexKey(values) + TAG_STRING + encodeStringBody(docKey) + END
}
