/** fast-check arbitraries shared by the Mango property tests. */
import fc from 'fast-check'
import type { JsonValue } from '../../../src/ledger/statedb/mango/index.js'

/** Characters where code unit order, code point order and our encoding's branches disagree. */
const TRICKY_CHARS = ['a', 'b', 'B', '\u0000', '\u0001', '.', '\uCFFF', '\uD000', '\uD7FF', '\uE000', '\uFFFF', '\u{1F600}', '\u{10FFFF}', '\uD800', '\uDC00']

export const trickyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TRICKY_CHARS), maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.string({ maxLength: 3 })
)

export const trickyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(-0, 0.5, -0.5, 1e308, -1e308, 5e-324, -5e-324, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.double({ noNaN: true, noDefaultInfinity: true })
)

/** Any JSON value, biased towards collisions so that equal and near-equal values are common. */
export const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    trickyNumber,
    trickyString,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', '', '1', 'a.b', '\u{1F600}'), tie('value'), { maxKeys: 3 })
  )
})).value
