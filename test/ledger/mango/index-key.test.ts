import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KEY_HIGH, compareJson, encodeIndexEntryKey, encodeIndexKey, encodeIndexValue } from '../../../src/ledger/statedb/mango/index.js'
import { jsonValue } from './arbitraries.js'

const sign = (n: number): number => (n > 0 ? 1 : n < 0 ? -1 : 0)
/** IndexedDB compares string keys by UTF-16 code unit, which is what JS `<` does. */
const idbCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

describe('encodeIndexValue: order-preserving encoding', () => {
  it('orders encoded keys exactly as compareJson orders values', () => {
    fc.assert(fc.property(jsonValue, jsonValue, (a, b) => {
      expect(idbCompare(encodeIndexValue(a), encodeIndexValue(b))).toBe(sign(compareJson(a, b)))
    }), { numRuns: 5000 })
  })

  it('orders tuples lexicographically (encodings are prefix-free)', () => {
    const tuple = fc.array(jsonValue, { minLength: 1, maxLength: 3 })
    fc.assert(fc.property(tuple, tuple, (a, b) => {
      let expected = 0
      for (let i = 0; i < Math.min(a.length, b.length) && expected === 0; i++) expected = sign(compareJson(a[i] ?? null, b[i] ?? null))
      if (expected === 0) expected = sign(a.length - b.length)
      expect(idbCompare(encodeIndexKey(a), encodeIndexKey(b))).toBe(expected)
    }), { numRuns: 3000 })
  })

  it('never emits surrogates, and every code unit is below KEY_HIGH', () => {
    fc.assert(fc.property(jsonValue, fc.string({ unit: 'binary' }), (v, key) => {
      const encoded = encodeIndexEntryKey([v], key)
      for (let i = 0; i < encoded.length; i++) {
        const unit = encoded.charCodeAt(i)
        expect(unit >= 0xD800 && unit <= 0xDFFF).toBe(false)
        expect(unit < KEY_HIGH.charCodeAt(0)).toBe(true)
      }
    }), { numRuns: 2000 })
  })

  it('encodes equal values identically (1 and 1.0, -0 and 0)', () => {
    expect(encodeIndexValue(-0)).toBe(encodeIndexValue(0))
    expect(encodeIndexValue(JSON.parse('1.0') as number)).toBe(encodeIndexValue(1))
  })

  it('orders entry keys of equal tuples by document key, in code point order', () => {
    const keys = ['a', 'b', '\uFFFF', '\u{1F600}']
    const encoded = keys.map(k => encodeIndexEntryKey(['x'], k))
    expect([...encoded].sort()).toEqual(encoded)
    expect(encodeIndexEntryKey(['x'], 'zzz') < encodeIndexEntryKey(['y'], 'a')).toBe(true)
  })
})
