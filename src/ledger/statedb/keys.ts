/**
 * Every state-DB key format, in one place (Fabric keeps its encodings in their own files too:
 * statedb/stateleveldb `encodeDataKey`, history/kv_encoding.go).
 *
 * - Stored state record key: UTF-8(namespace) 0x00 UTF-8(key), a binary IndexedDB key. Binary
 *   keys compare bytewise, so records sort in Fabric's order (UTF-8 byte order of keys) and a
 *   namespace is the range [UTF-8(ns) 0x00, UTF-8(ns) 0x01). Namespaces never contain U+0000.
 * - Memtable / history key ("memKey"): the JS string `namespace + '\u0000' + key`, used as a
 *   Map key and as the multiEntry history index key (only equality matters there).
 * - Mango index entry (multiEntry `ix` field of a state record): `namespace \u0000 indexId \u0000
 *   entryKey`, entryKey from mango/index-key.ts (code-unit ordered, as IndexedDB strings are).
 */
import { LedgerError } from '../errors.js'

const encoder = new TextEncoder()

/** Composite keys start with U+0000 (Fabric's shim: `compositeKeyNamespace`). */
export const COMPOSITE_KEY_NAMESPACE = '\u0000'
/** Fabric's shim substitutes this for an empty start key so simple-key ranges skip composite keys. */
export const EMPTY_KEY_SUBSTITUTE = '\u0001'

const LONE_SURROGATE = /\p{Surrogate}/u

export function checkNamespace (ns: string, field = 'namespace'): void {
  if (typeof ns !== 'string') throw new LedgerError('LEDGER_BAD_INPUT', `${field} must be a string`)
  if (ns.includes('\u0000')) throw new LedgerError('LEDGER_BAD_INPUT', `${field} must not contain U+0000`)
  if (LONE_SURROGATE.test(ns)) throw new LedgerError('LEDGER_BAD_INPUT', `${field} is not valid UTF-8`)
}

/** Fabric rejects keys that are not valid UTF-8 (statedb.ValidateKey); a JS string is invalid only with lone surrogates. */
export function checkKey (key: string, field = 'key'): void {
  if (typeof key !== 'string') throw new LedgerError('LEDGER_BAD_INPUT', `${field} must be a string`)
  if (LONE_SURROGATE.test(key)) throw new LedgerError('LEDGER_BAD_INPUT', `${field} is not valid UTF-8`)
}

export function stateRecordKey (ns: string, key: string): Uint8Array {
  const n = encoder.encode(ns)
  const k = encoder.encode(key)
  const out = new Uint8Array(n.length + 1 + k.length)
  out.set(n, 0)
  out.set(k, n.length + 1)
  return out
}

/** Exclusive upper bound of every record key of the namespace. */
export function namespaceEnd (ns: string): Uint8Array {
  const n = encoder.encode(ns)
  const out = new Uint8Array(n.length + 1)
  out.set(n, 0)
  out[n.length] = 0x01
  return out
}

export function memKey (ns: string, key: string): string {
  return `${ns}\u0000${key}`
}

export function mangoEntry (ns: string, indexId: string, entryKey: string): string {
  return `${ns}\u0000${indexId}\u0000${entryKey}`
}

/**
 * Orders strings by Unicode code point, which is UTF-8 byte order (Fabric's key order).
 * JS `<` compares UTF-16 code units and would put U+E000..U+FFFF after astral characters.
 */
export function compareUtf8 (a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i)
    let cb = b.charCodeAt(i)
    if (ca === cb) continue
    if (ca >= 0xD800) ca = ca <= 0xDFFF ? ca + 0x2000 : ca - 0x800
    if (cb >= 0xD800) cb = cb <= 0xDFFF ? cb + 0x2000 : cb - 0x800
    return ca - cb
  }
  return a.length - b.length
}

/** Is `key` within [start, end) with '' meaning unbounded (Fabric's range semantics)? */
export function inKeyRange (key: string, start: string, end: string): boolean {
  if (start !== '' && compareUtf8(key, start) < 0) return false
  if (end !== '' && compareUtf8(key, end) >= 0) return false
  return true
}
