import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareJson, compareStrings } from '../../../src/ledger/statedb/mango/index.js'
import type { JsonValue } from '../../../src/ledger/statedb/mango/index.js'
import { jsonValue, trickyString } from './arbitraries.js'

const sign = (n: number): number => (n > 0 ? 1 : n < 0 ? -1 : 0)

/** Reference: compare the code point sequences as `for...of` yields them. */
function codePointCompare (a: string, b: string): number {
  const pa = [...a].map(c => c.codePointAt(0) as number)
  const pb = [...b].map(c => c.codePointAt(0) as number)
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return (pa[i] as number) < (pb[i] as number) ? -1 : 1
  }
  return sign(pa.length - pb.length)
}

describe('compareJson: CouchDB collation', () => {
  it('orders types null < false < true < numbers < strings < arrays < objects', () => {
    const ordered: JsonValue[] = [null, false, true, -1e308, -1, 0, 2, 1e308, '', 'A', 'a', 'b', [], [null], [1], [1, 2], ['a'], {}, { a: 1 }, { b: null }]
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(sign(compareJson(ordered[i] as JsonValue, ordered[j] as JsonValue)), `${JSON.stringify(ordered[i])} vs ${JSON.stringify(ordered[j])}`).toBe(sign(i - j))
      }
    }
  })

  it('compares numbers numerically, with -0 equal to 0', () => {
    expect(compareJson(1, 1.0)).toBe(0)
    expect(compareJson(-0, 0)).toBe(0)
    expect(compareJson(10, 9)).toBe(1)
    expect(compareJson(-10, -9)).toBe(-1)
  })

  it('compares arrays element-wise with prefixes first', () => {
    expect(compareJson([1, 2], [1, 3])).toBe(-1)
    expect(compareJson([1, 2], [1])).toBe(1)
    expect(compareJson([[1]], [[1], null])).toBe(-1)
    expect(compareJson([2], [1, 5])).toBe(1)
  })

  it('compares objects pair by pair in key order: key first, then value, fewer pairs first', () => {
    expect(compareJson({ a: 1 }, { b: 0 })).toBe(-1)
    expect(compareJson({ a: 2 }, { a: 1, b: 1 })).toBe(1)
    expect(compareJson({ a: 1 }, { a: 1, b: 1 })).toBe(-1)
    expect(compareJson({ a: 1, b: 2 }, { a: 1, b: 2 })).toBe(0)
  })

  it('compares strings by code point, not UTF-16 code unit (astral sorts after U+FFFF)', () => {
    expect('\u{1F600}' < '\uFFFF').toBe(true) // what JS does
    expect(compareStrings('\u{1F600}', '\uFFFF')).toBe(1) // what UTF-8 / Fabric key order does
    expect(compareStrings('a', 'B')).toBe(1) // deviation from ICU: case matters at the first level
    expect(compareStrings('ab', 'a')).toBe(1)
  })

  it('agrees with a code point reference on arbitrary strings, lone surrogates included', () => {
    fc.assert(fc.property(trickyString, trickyString, (a, b) => {
      expect(sign(compareStrings(a, b))).toBe(codePointCompare(a, b))
    }), { numRuns: 3000 })
  })

  it('is a total order: antisymmetric, reflexive and transitive', () => {
    fc.assert(fc.property(jsonValue, jsonValue, jsonValue, (a, b, c) => {
      expect(compareJson(a, a)).toBe(0)
      expect(sign(compareJson(a, b)) + sign(compareJson(b, a))).toBe(0)
      if (compareJson(a, b) <= 0 && compareJson(b, c) <= 0) expect(compareJson(a, c)).toBeLessThanOrEqual(0)
    }), { numRuns: 2000 })
  })
})
