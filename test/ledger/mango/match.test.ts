import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { matches, parseSelector } from '../../../src/ledger/statedb/mango/index.js'
import type { JsonValue } from '../../../src/ledger/statedb/mango/index.js'

const m = (selector: unknown, doc: unknown, id?: string): boolean =>
  matches(parseSelector(selector), doc, id === undefined ? {} : { id })

/** [selector, doc, expected] rows; each operator has positive, negative and type-mismatch cases. */
type Row = [selector: unknown, doc: unknown, expected: boolean]

function table (name: string, rows: Row[]): void {
  describe(name, () => {
    rows.forEach(([selector, doc, expected], i) => {
      it(`#${i}: ${JSON.stringify(selector)} on ${JSON.stringify(doc)} -> ${String(expected)}`, () => {
        expect(m(selector, doc)).toBe(expected)
      })
    })
  })
}

table('$eq and implicit equality', [
  [{ a: 1 }, { a: 1 }, true],
  [{ a: 1 }, { a: 2 }, false],
  [{ a: 1 }, { a: '1' }, false], // type mismatch
  [{ a: 1 }, { a: 1.0 }, true],
  [{ a: { $eq: null } }, { a: null }, true],
  [{ a: null }, {}, false], // missing is not null
  [{ a: [1, 2] }, { a: [1, 2] }, true], // whole-array equality
  [{ a: 1 }, { a: [1, 2] }, false], // no implicit element match (unlike MongoDB)
  [{ a: { $eq: { b: 1 } } }, { a: { b: 1 } }, true],
  [{ a: {} }, { a: {} }, true], // {} as a value is equality with the empty object
  [{ a: {} }, { a: { b: 1 } }, false],
  [{ a: true }, { a: 1 }, false]
])

table('$ne', [
  [{ a: { $ne: 1 } }, { a: 2 }, true],
  [{ a: { $ne: 1 } }, { a: 1 }, false],
  [{ a: { $ne: 1 } }, { a: '1' }, true],
  [{ a: { $ne: 1 } }, {}, false] // a condition on a missing field is false (CouchDB)
])

table('range operators follow collation across types', [
  [{ a: { $gt: 5 } }, { a: 6 }, true],
  [{ a: { $gt: 5 } }, { a: 5 }, false],
  [{ a: { $gt: 5 } }, { a: 'x' }, true], // strings collate after numbers
  [{ a: { $gt: 5 } }, { a: true }, false],
  [{ a: { $gte: 5 } }, { a: 5 }, true],
  [{ a: { $gte: 5 } }, { a: 4.9 }, false],
  [{ a: { $lt: 'b' } }, { a: 'a' }, true],
  [{ a: { $lt: 'b' } }, { a: 'b' }, false],
  [{ a: { $lt: 'b' } }, { a: 99 }, true],
  [{ a: { $lt: 'b' } }, { a: ['a'] }, false],
  [{ a: { $lte: null } }, { a: null }, true],
  [{ a: { $lte: null } }, { a: false }, false],
  [{ a: { $gt: 1, $lt: 5 } }, { a: 3 }, true],
  [{ a: { $gt: 1, $lt: 5 } }, { a: 5 }, false],
  [{ a: { $gt: 1 } }, {}, false]
])

table('$in and $nin', [
  [{ a: { $in: [1, 2] } }, { a: 2 }, true],
  [{ a: { $in: [1, 2] } }, { a: 3 }, false],
  [{ a: { $in: [1, 2] } }, { a: '1' }, false],
  [{ a: { $in: ['x'] } }, { a: ['y', 'x'] }, true], // on an array value: any element
  [{ a: { $in: [[1]] } }, { a: [1] }, false], // ... compared element-wise, not as a whole
  [{ a: { $in: [] } }, { a: 1 }, false],
  [{ a: { $nin: [1, 2] } }, { a: 3 }, true],
  [{ a: { $nin: [1, 2] } }, { a: 1 }, false],
  [{ a: { $nin: ['x'] } }, { a: ['y', 'x'] }, false],
  [{ a: { $nin: [] } }, { a: 1 }, true],
  [{ a: { $nin: [1] } }, {}, false]
])

table('$exists', [
  [{ a: { $exists: true } }, { a: null }, true],
  [{ a: { $exists: true } }, {}, false],
  [{ a: { $exists: false } }, {}, true],
  [{ a: { $exists: false } }, { a: 0 }, false],
  [{ 'a.b': { $exists: false } }, { a: 5 }, false], // path through a scalar is a bad path: nothing holds
  [{ 'a.b': { $exists: false } }, { a: {} }, true]
])

table('$type', [
  [{ a: { $type: 'null' } }, { a: null }, true],
  [{ a: { $type: 'boolean' } }, { a: false }, true],
  [{ a: { $type: 'number' } }, { a: 1.5 }, true],
  [{ a: { $type: 'string' } }, { a: '' }, true],
  [{ a: { $type: 'array' } }, { a: [] }, true],
  [{ a: { $type: 'object' } }, { a: {} }, true],
  [{ a: { $type: 'object' } }, { a: [] }, false],
  [{ a: { $type: 'number' } }, { a: '1' }, false]
])

table('$mod', [
  [{ a: { $mod: [3, 1] } }, { a: 7 }, true],
  [{ a: { $mod: [3, 1] } }, { a: 6 }, false],
  [{ a: { $mod: [3, -1] } }, { a: -7 }, true], // remainder takes the dividend's sign (Erlang rem)
  [{ a: { $mod: [3, 1] } }, { a: 7.5 }, false],
  [{ a: { $mod: [3, 1] } }, { a: '7' }, false]
])

table('$regex', [
  [{ a: { $regex: '^ab' } }, { a: 'abc' }, true],
  [{ a: { $regex: '^ab' } }, { a: 'cab' }, false],
  [{ a: { $regex: 'b' } }, { a: 'cab' }, true], // unanchored like PCRE re:run
  [{ a: { $regex: '(?i)^AB' } }, { a: 'abc' }, true], // PCRE inline flag
  [{ a: { $regex: '1' } }, { a: 1 }, false],
  [{ a: { $regex: 'x' } }, { a: ['x'] }, false]
])

table('$beginsWith', [
  [{ a: { $beginsWith: 'ab' } }, { a: 'abc' }, true],
  [{ a: { $beginsWith: 'ab' } }, { a: 'a' }, false],
  [{ a: { $beginsWith: '' } }, { a: '' }, true],
  [{ a: { $beginsWith: '1' } }, { a: 12 }, false]
])

table('$size', [
  [{ a: { $size: 2 } }, { a: [1, 2] }, true],
  [{ a: { $size: 2 } }, { a: [1] }, false],
  [{ a: { $size: 0 } }, { a: [] }, true],
  [{ a: { $size: 2 } }, { a: 'ab' }, false]
])

table('$all', [
  [{ a: { $all: ['x', 'y'] } }, { a: ['y', 'z', 'x'] }, true],
  [{ a: { $all: ['x', 'y'] } }, { a: ['x'] }, false],
  [{ a: { $all: [[1, 2]] } }, { a: [1, 2] }, true], // single array argument equal to the value
  [{ a: { $all: [[1, 2]] } }, { a: [[1, 2], 3] }, true],
  [{ a: { $all: [] } }, { a: [1] }, false],
  [{ a: { $all: ['x'] } }, { a: 'x' }, false]
])

table('$elemMatch, $allMatch and $keyMapMatch', [
  [{ a: { $elemMatch: { $gte: 80, $lt: 85 } } }, { a: [70, 82] }, true],
  [{ a: { $elemMatch: { $gte: 80, $lt: 85 } } }, { a: [70, 90] }, false],
  [{ a: { $elemMatch: { name: 'x', n: { $gt: 1 } } } }, { a: [{ name: 'x', n: 1 }, { name: 'x', n: 2 }] }, true],
  [{ a: { $elemMatch: { name: 'x', n: { $gt: 1 } } } }, { a: [{ name: 'x', n: 1 }, { name: 'y', n: 2 }] }, false],
  [{ a: { $elemMatch: { $eq: 1 } } }, { a: 1 }, false],
  [{ a: { $elemMatch: { $not: { $eq: 1 } } } }, { a: [1, 2] }, true],
  [{ a: { $elemMatch: { $nor: [{ $eq: 1 }, { $eq: 2 }] } } }, { a: [1, 2] }, false],
  [{ a: { $allMatch: { $gt: 0 } } }, { a: [1, 2] }, true],
  [{ a: { $allMatch: { $gt: 1 } } }, { a: [1, 2] }, false],
  [{ a: { $allMatch: { $gt: 0 } } }, { a: [] }, false],
  [{ a: { $keyMapMatch: { $eq: 'aa' } } }, { a: { aa: 'bar', bb: 'bang' } }, true],
  [{ a: { $keyMapMatch: { $eq: 'aa' } } }, { a: { cc: 'bar', bb: 'bang' } }, false],
  [{ a: { $keyMapMatch: { $regex: '^b' } } }, { a: ['b'] }, false],
  [{ $not: { a: { $keyMapMatch: { $eq: 'aa' } } } }, { a: { cc: 1 } }, true]
])

table('combination operators, nesting and negation (pushed to the leaves as CouchDB does)', [
  [{ $and: [{ a: 1 }, { b: 2 }] }, { a: 1, b: 2 }, true],
  [{ $and: [{ a: 1 }, { b: 2 }] }, { a: 1, b: 3 }, false],
  [{ $and: [] }, { a: 1 }, true],
  [{ $or: [{ a: 1 }, { b: 2 }] }, { a: 0, b: 2 }, true],
  [{ $or: [{ a: 1 }, { b: 2 }] }, { a: 0, b: 0 }, false],
  [{ $or: [] }, { a: 1 }, true], // CouchDB 3: empty $or is true
  [{ $nor: [{ a: 1 }, { b: 2 }] }, { a: 0, b: 0 }, true],
  [{ $nor: [{ a: 1 }, { b: 2 }] }, { a: 1, b: 0 }, false],
  [{ $not: { a: 1 } }, { a: 2 }, true],
  [{ $not: { a: 1 } }, { a: 1 }, false],
  [{ $not: { a: 1 } }, {}, false], // becomes {a: {$ne: 1}}: false on a missing field
  [{ $not: { a: { $exists: true } } }, {}, true], // becomes $exists: false
  [{ $not: { $not: { a: 1 } } }, { a: 1 }, true],
  [{ a: { $not: { $regex: '^x' } } }, { a: 'yx' }, true],
  [{ a: { $not: { $regex: '^x' } } }, {}, false],
  [{ $not: { $and: [{ a: 1 }, { b: 1 }] } }, { a: 1, b: 2 }, true],
  [{ $not: { $or: [{ a: 1 }, { b: 1 }] } }, { a: 2, b: 2 }, true],
  [{ $not: { $nor: [{ a: 1 }, { b: 1 }] } }, { a: 2, b: 1 }, true],
  [{ a: { $or: [1, 2] } }, { a: 2 }, true], // field pushed into the $or
  [{ a: { $or: [{ $lt: 0 }, { $gt: 10 }] } }, { a: 5 }, false],
  [{ $or: [{ $and: [{ a: 1 }, { b: { $in: [1, 2] } }] }, { c: { $not: { $size: 1 } } }] }, { a: 1, b: 3, c: [1, 2] }, true],
  [{}, { anything: 1 }, true]
])

table('nested fields, dotted paths, escaped dots, array indexes', [
  [{ 'a.b.c': 1 }, { a: { b: { c: 1 } } }, true],
  [{ a: { b: { c: 1 } } }, { a: { b: { c: 1 } } }, true], // object form normalises to a.b.c
  [{ a: { b: { c: 1 } } }, { a: { b: { c: 1, d: 2 } } }, true], // ... so it is not whole-object equality
  [{ a: { b: 1, $exists: true } }, { a: { b: 1 } }, true], // mixed subfield and operator
  [{ 'a\\.b': 1 }, { 'a.b': 1 }, true],
  [{ 'a\\.b': 1 }, { a: { b: 1 } }, false],
  [{ 'tags.1': 'y' }, { tags: ['x', 'y'] }, true],
  [{ 'tags.2': { $exists: false } }, { tags: ['x', 'y'] }, false], // out of range is a bad path
  [{ 'items.0.price': { $gt: 5 } }, { items: [{ price: 6 }] }, true],
  [{ 'a.b': 1 }, { a: [{ b: 1 }] }, false]
])

describe('_id is the ledger key', () => {
  it('matches _id against the key given by the ledger', () => {
    expect(m({ _id: 'k1' }, { a: 1 }, 'k1')).toBe(true)
    expect(m({ _id: { $gt: 'k1' } }, { a: 1 }, 'k0')).toBe(false)
    expect(m({ _id: { $regex: '^asset' } }, {}, 'asset7')).toBe(true)
  })
})

describe('non-object documents', () => {
  it('fail field conditions but match the empty selector', () => {
    expect(m({ a: 1 }, 5)).toBe(false)
    expect(m({ a: { $exists: false } }, 'text')).toBe(false)
    expect(m({}, [1])).toBe(true)
  })
})

describe('negation pushed to the leaves is exact complement when the fields exist (property)', () => {
  const scalar = fc.constantFrom<JsonValue>(null, false, true, 0, 1, 2, 'a', 'ab', 'b')
  const value: fc.Arbitrary<JsonValue> = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.constant({ k: 1 }))
  const cond: fc.Arbitrary<JsonValue> = fc.oneof<fc.Arbitrary<JsonValue>[]>(
    fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), // a bare object would mean sub-fields
    fc.tuple(fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte'), value).map(([op, v]) => ({ [op]: v })),
    fc.tuple(fc.constantFrom('$in', '$nin', '$all'), fc.array(scalar, { maxLength: 3 })).map(([op, v]) => ({ [op]: v })),
    fc.boolean().map(b => ({ $exists: b })),
    fc.constantFrom('null', 'boolean', 'number', 'string', 'array', 'object').map(t => ({ $type: t })),
    fc.constantFrom<JsonValue>({ $mod: [2, 1] }, { $regex: '^a' }, { $beginsWith: 'a' }, { $size: 1 }, { $elemMatch: { $gt: 0 } }, { $allMatch: { $type: 'string' } })
  )
  const selector: fc.Arbitrary<JsonValue> = fc.letrec<{ s: JsonValue }>(tie => ({
    s: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      fc.dictionary(fc.constantFrom('a', 'b'), cond, { minKeys: 1, maxKeys: 2 }),
      fc.array(tie('s'), { minLength: 1, maxLength: 3 }).map(args => ({ $and: args })),
      fc.array(tie('s'), { minLength: 1, maxLength: 3 }).map(args => ({ $or: args })),
      fc.array(tie('s'), { minLength: 1, maxLength: 2 }).map(args => ({ $nor: args })),
      tie('s').map(s => ({ $not: s }))
    )
  })).s
  const doc = fc.record({ a: value, b: value })

  it('matches({$not: S}) === !matches(S), and $nor/$or/$and behave as boolean operators', () => {
    fc.assert(fc.property(selector, selector, doc, (s1, s2, d) => {
      const yes = m(s1, d)
      expect(m({ $not: s1 }, d)).toBe(!yes)
      expect(m({ $nor: [s1, s2] }, d)).toBe(!yes && !m(s2, d))
      expect(m({ $or: [s1, s2] }, d)).toBe(yes || m(s2, d))
      expect(m({ $and: [s1, s2] }, d)).toBe(yes && m(s2, d))
    }), { numRuns: 3000 })
  })
})
