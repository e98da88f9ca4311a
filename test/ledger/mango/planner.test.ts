import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  KEY_HIGH, MangoError, compareJson, compareStrings, encodeIndexKey, getField, matches, parseIndexDefinition, parseQuery, planQuery, projectFields
} from '../../../src/ledger/statedb/mango/index.js'
import type { IndexDefinition, IndexPlan, JsonValue, QueryPlan } from '../../../src/ledger/statedb/mango/index.js'
import { MemoryStore } from './memory-store.js'
import { trickyString } from './arbitraries.js'

const idx = (json: string): IndexDefinition => parseIndexDefinition(json)
const byDocTypeOwner = idx('{"index":{"fields":["docType","owner"]},"ddoc":"indexOwnerDoc","name":"indexOwner","type":"json"}')
const bySize = idx('{"index":{"fields":["size"]},"ddoc":"sizeDoc","name":"bySize"}')
const bySizeDesc = idx('{"index":{"fields":[{"size":"desc"},{"docType":"desc"},{"owner":"desc"}]},"ddoc":"indexSizeSortDoc","name":"indexSizeSortDesc","type":"json"}')
const byOwnerPartial = idx('{"index":{"fields":["owner"],"partial_filter_selector":{"status":{"$ne":"archived"}}},"ddoc":"ownerLive","name":"ownerLive"}')
const ALL = [byDocTypeOwner, bySize, bySizeDesc, byOwnerPartial]

const plan = (selector: unknown, indexes: readonly IndexDefinition[] = ALL): QueryPlan => planQuery(parseQuery(JSON.stringify({ selector })), indexes)
const asIndex = (p: QueryPlan): IndexPlan => {
  if (p.kind !== 'index') throw new Error(`expected an index plan, got ${p.kind}`)
  return p
}

describe('planQuery: index choice', () => {
  it('uses the index whose leading fields are constrained by equality, with an exact prefix range', () => {
    const p = asIndex(plan({ docType: 'asset', owner: 'bob', size: { $gt: 3 } }))
    expect(p.index).toBe(byDocTypeOwner)
    const prefix = encodeIndexKey(['asset', 'bob'])
    expect(p.ranges).toEqual([{ lower: prefix, lowerOpen: false, upper: prefix + KEY_HIGH, upperOpen: false }])
    // The equalities are enforced by the range; only the size condition remains.
    expect(p.residual).toEqual({ kind: 'field', path: ['size'], condition: { op: '$gt', value: 3 } })
  })

  it('turns a range on the next field into bounds', () => {
    const p = asIndex(plan({ size: { $gt: 3, $lte: 9 } }, [bySize]))
    expect(p.ranges).toEqual([{ lower: encodeIndexKey([3]) + KEY_HIGH, lowerOpen: true, upper: encodeIndexKey([9]) + KEY_HIGH, upperOpen: false }])
    expect(p.residual).toEqual({ kind: 'and', args: [] })
  })

  it('plans no range at all for contradictory equalities', () => {
    expect(asIndex(plan({ $and: [{ size: 1 }, { size: 2 }] }, [bySize])).ranges).toEqual([])
    expect(asIndex(plan({ size: { $gt: 5, $lt: 2 } }, [bySize])).ranges).toEqual([])
  })

  it('does not use an index whose fields the selector does not require (docs lacking them are not indexed)', () => {
    expect(plan({ docType: 'asset' }, [byDocTypeOwner]).kind).toBe('scan')
    expect(plan({ docType: 'asset', owner: { $exists: false } }, [byDocTypeOwner]).kind).toBe('scan')
    expect(plan({ $or: [{ size: 1 }, { color: 'red' }] }, [bySize]).kind).toBe('scan')
    // ... but an $or whose every branch requires the field does require it, so use_index may use it.
    expect(planQ({ selector: { $or: [{ size: 1 }, { size: { $gt: 5 } }] }, use_index: 'sizeDoc' }, [bySize]).kind).toBe('index')
    expect(planQ({ selector: { $or: [{ size: 1 }, { color: 'red' }] }, use_index: 'sizeDoc' }, [bySize]).kind).toBe('scan')
  })

  it('scans when no index has a constrained leading field', () => {
    expect(plan({ owner: 'bob', docType: { $exists: true } }, [byDocTypeOwner]).kind).toBe('scan')
    expect(plan({ size: { $in: [1, 2] } }, [bySize]).kind).toBe('scan') // $in makes no range (array values)
  })

  it('prefers an index giving the sort order, and reverses it for a descending sort', () => {
    const ds = idx('{"index":{"fields":["docType","size"]},"name":"ds"}')
    const p = asIndex(plan({ docType: 'asset', owner: 'x' }, [bySize, ds, byDocTypeOwner]))
    expect(p.index).toBe(byDocTypeOwner) // two constrained fields beat one
    expect(asIndex(plan({ docType: 'asset', size: { $gt: 0 } }, [ds])).ordered).toBe(false) // no sort: key order, not size order
    expect(planQ({ selector: { docType: 'asset' }, sort: [{ size: 'desc' }] }, [ds])).toMatchObject({ kind: 'index', ordered: true, reverse: true })
    expect(planQ({ selector: {}, sort: ['size'] }, [bySize])).toMatchObject({ kind: 'index', ordered: true, reverse: false })
    // Without a sort an unconstrained index is not worth it.
    expect(plan({}, [bySize]).kind).toBe('scan')
    // All fields fixed by equality: entries come in key order, which is the result order.
    expect(asIndex(plan({ docType: 'a', owner: 'b' }, [byDocTypeOwner])).ordered).toBe(true)
  })

  it('streams Fabric\'s marbles query: index [size, docType, owner], docType and owner fixed, sort by size desc', async () => {
    const marbles = planQ({ selector: { docType: 'marble', owner: 'tom' }, sort: [{ size: 'desc' }], use_index: '_design/indexSizeSortDoc' })
    expect(marbles).toMatchObject({ kind: 'index', index: bySizeDesc, ordered: true, reverse: true })
    const store = new MemoryStore([bySizeDesc])
    for (let i = 0; i < 300; i++) store.put(`marble${i}`, { docType: i % 10 === 0 ? 'owner' : 'marble', owner: ['tom', 'jerry'][i % 2] as string, size: i % 50 })
    const q = '{"selector":{"docType":"marble","owner":"tom"},"sort":[{"size":"desc"}],"use_index":"_design/indexSizeSortDoc"}'
    const all = (await store.query(q)).page.results
    const first = await store.query(q, { pageSize: 5 })
    expect(first.page.results).toEqual(all.slice(0, 5))
    expect(store.pulled).toBeLessThan(20) // not the whole index: stops once the page is full
    const second = await store.query(q, { pageSize: 5, bookmark: first.page.bookmark })
    expect(second.page.results).toEqual(all.slice(5, 10))
    expect(store.pulled).toBeLessThan(20) // resumes right after the bookmark
  })

  it('turns an $or of equalities on the next column into one exact range per value, ascending', () => {
    const p = asIndex(plan({ docType: 'asset', $or: [{ owner: 'tom' }, { owner: 'ann' }, { owner: 'tom' }] }, [byDocTypeOwner]))
    const at = (owner: string): string => encodeIndexKey(['asset', owner])
    expect(p.ranges).toEqual([
      { lower: at('ann'), lowerOpen: false, upper: at('ann') + KEY_HIGH, upperOpen: false },
      { lower: at('tom'), lowerOpen: false, upper: at('tom') + KEY_HIGH, upperOpen: false }
    ])
    expect(p.residual).toEqual({ kind: 'and', args: [] })
    // $in is not turned into ranges: on an array value it matches elements.
    expect(asIndex(plan({ docType: 'asset', owner: { $in: ['tom', 'ann'] } }, [byDocTypeOwner])).ranges).toHaveLength(1)
  })

  it('can use an index on _id (every document has its key) and range over it', () => {
    const byTypeAndId = idx('{"index":{"fields":["docType","_id"]},"name":"tid"}')
    const p = asIndex(plan({ docType: 'asset', _id: { $gte: 'asset5' } }, [byTypeAndId]))
    expect(p.ranges).toEqual([{ lower: encodeIndexKey(['asset', 'asset5']), lowerOpen: false, upper: encodeIndexKey(['asset']) + KEY_HIGH, upperOpen: false }])
    expect(asIndex(plan({ docType: 'asset' }, [byTypeAndId])).index).toBe(byTypeAndId)
  })

  it('honours use_index by ddoc, or ddoc and name, including partial-filter indexes', () => {
    expect(asIndex(planQ({ selector: { owner: 'bob' }, use_index: 'ownerLive' })).index).toBe(byOwnerPartial)
    expect(asIndex(planQ({ selector: { size: 3, docType: 'a', owner: 'b' }, use_index: ['_design/sizeDoc', 'bySize'] })).index).toBe(bySize)
    // Partial indexes are never picked unasked.
    expect(plan({ owner: 'bob' }).kind).toBe('scan')
  })

  it('falls back with a warning when use_index cannot serve the query, or refuses with allow_fallback false', () => {
    const missing = planQ({ selector: { size: 3 }, use_index: 'nope' })
    expect(missing).toMatchObject({ kind: 'index', index: bySize })
    expect(missing.warning).toContain('_design/nope was not used')
    const unusable = planQ({ selector: { color: 'red' }, use_index: ['sizeDoc', 'bySize'] })
    expect(unusable.kind).toBe('scan')
    expect(unusable.warning).toContain('_design/sizeDoc, bySize')
    expect(() => planQ({ selector: { color: 'red' }, use_index: 'sizeDoc', allow_fallback: false })).toThrow(MangoError)
  })
})

function planQ (query: unknown, indexes: readonly IndexDefinition[] = ALL): QueryPlan {
  return planQuery(parseQuery(JSON.stringify(query)), indexes)
}

// ---- Differential property: plan + index ranges + residual == full scan with matches ----

const FIELDS = ['docType', 'owner', 'size', 'nested.n', 'tags', '_id'] as const
const scalar = fc.oneof({ weight: 6, arbitrary: fc.constantFrom<JsonValue>(null, 'asset', 'al', 0, 1, 2) }, { weight: 1, arbitrary: fc.constantFrom<JsonValue>(false, 'bob', 2.5, -1, '\u{1F600}', '\uFFFF', 'k1', 'k12') })
const value: fc.Arbitrary<JsonValue> = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.constant({}) })
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 3 })

const docArb: fc.Arbitrary<JsonValue> = fc.record({
  docType: maybe(fc.constantFrom<JsonValue>('asset', 'owner', 1)),
  owner: maybe(value),
  size: maybe(value),
  nested: maybe(fc.oneof(fc.record({ n: maybe(scalar) }), scalar)),
  tags: maybe(fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }))
}).map(d => JSON.parse(JSON.stringify(d)) as JsonValue) // drops undefined fields

const condArb: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 3, arbitrary: value },
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte'), value).map(([op, v]) => ({ [op]: v })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$in', '$nin', '$all'), fc.array(scalar, { maxLength: 3 })).map(([op, v]) => ({ [op]: v })) },
  { weight: 1, arbitrary: fc.boolean().map(b => ({ $exists: b })) },
  { weight: 1, arbitrary: fc.constantFrom('', 'a', 'al', 'b').map(p => ({ $beginsWith: p })) },
  { weight: 1, arbitrary: fc.constantFrom('^a', 'o', 'b$').map(p => ({ $regex: p })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map(n => ({ $size: n })) },
  { weight: 1, arbitrary: fc.constantFrom('x', 'y').map(v => ({ $elemMatch: { $eq: v } })) },
  { weight: 1, arbitrary: fc.tuple(value, value).map(([a, b]) => ({ $gte: a, $lt: b })) }
)

const nestedSelectorArb: fc.Arbitrary<JsonValue> = fc.letrec<{ sel: JsonValue }>(tie => ({
  sel: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.dictionary(fc.constantFrom(...FIELDS), condArb, { minKeys: 1, maxKeys: 3 }),
    fc.array(tie('sel'), { maxLength: 3 }).map(args => ({ $and: args })),
    fc.array(tie('sel'), { maxLength: 3 }).map(args => ({ $or: args })),
    fc.array(tie('sel'), { minLength: 1, maxLength: 2 }).map(args => ({ $nor: args })),
    tie('sel').map(s => ({ $not: s }))
  )
})).sel.filter(s => !(typeof s === 'object' && s !== null && '$not' in s && Object.keys((s as Record<string, JsonValue>).$not as object).length === 0))

/**
 * Mostly flat conjunctions of conditions on indexed fields (what the planner turns into
 * ranges, so range bugs show up), plus arbitrary nesting of every combination operator.
 */
const selectorArb: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.dictionary(fc.constantFrom(...FIELDS), condArb, { minKeys: 1, maxKeys: 2 }), fc.option(nestedSelectorArb, { freq: 4 })).map(([flat, extra]) => extra === null ? flat : { ...flat, $and: [extra] }) },
  { weight: 2, arbitrary: nestedSelectorArb }
)

const INDEXES = [
  idx('{"index":{"fields":["docType"]},"name":"t"}'),
  idx('{"index":{"fields":["docType","owner"]},"name":"to"}'),
  idx('{"index":{"fields":["owner","size"]},"name":"os"}'),
  idx('{"index":{"fields":["size"]},"name":"s"}'),
  idx('{"index":{"fields":["nested.n","docType"]},"name":"nt"}'),
  idx('{"index":{"fields":["tags"]},"name":"g"}'),
  idx('{"index":{"fields":["docType","_id"]},"name":"tid"}')
]

const sortArb = fc.constantFrom<JsonValue[] | undefined>(undefined, ['size'], [{ size: 'desc' }], ['docType', 'owner'], [{ owner: 'desc' }, { size: 'desc' }], ['nested.n'])

/** Independent reference: filter with matches, sort with compareJson/compareStrings, slice, project. */
function reference (docs: Map<string, JsonValue>, query: ReturnType<typeof parseQuery>): Array<{ key: string, value: JsonValue }> {
  const rows: Array<{ key: string, doc: JsonValue, sv: JsonValue[] }> = []
  for (const [key, doc] of docs) {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !matches(query.selector, doc, { id: key })) continue
    const sv = query.sort.map(s => getField(doc, s.path, key))
    if (sv.some(v => typeof v === 'symbol')) continue
    rows.push({ key, doc, sv: sv as JsonValue[] })
  }
  const desc = query.sort[0]?.direction === 'desc'
  rows.sort((a, b) => {
    for (let i = 0; i < a.sv.length; i++) {
      const c = compareJson(a.sv[i] as JsonValue, b.sv[i] as JsonValue)
      if (c !== 0) return desc ? -c : c
    }
    const c = compareStrings(a.key, b.key)
    return desc ? -c : c
  })
  const from = query.skip
  const to = query.limit === undefined ? undefined : from + query.limit
  return rows.slice(from, to).map(r => ({ key: r.key, value: projectFields(r.doc, query.fields) }))
}

describe('planner + index ranges + residual agree with a full scan (differential property)', () => {
  it('returns exactly the full-scan results, in the same order, for random docs, selectors, sorts and indexes', async () => {
    let indexPlans = 0
    await fc.assert(fc.asyncProperty(
      fc.array(docArb, { minLength: 10, maxLength: 40, size: 'max' }),
      selectorArb,
      sortArb,
      fc.subarray(INDEXES),
      fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      fc.option(fc.constantFrom(...INDEXES.map(i => i.name)), { nil: undefined, freq: 4 }),
      async (docs, selector, sort, indexes, limit, skip, useIndex) => {
        const store = new MemoryStore(indexes)
        docs.forEach((d, i) => store.put(`k${i}`, d))
        const queryObject: Record<string, JsonValue> = { selector }
        if (sort !== undefined) queryObject.sort = sort
        if (limit !== undefined) queryObject.limit = limit
        if (skip !== undefined) queryObject.skip = skip
        if (useIndex !== undefined) queryObject.use_index = useIndex
        const queryJson = JSON.stringify(queryObject)
        const planned = await store.query(queryJson)
        const scanned = await store.query(queryJson, {}, 'scan')
        const expected = reference(store.docs, parseQuery(queryJson))
        if (planned.plan.kind === 'index' && planned.plan.index.partialFilter === undefined) indexPlans++
        expect(planned.page.results).toEqual(expected)
        expect(scanned.page.results).toEqual(expected)
      }), { numRuns: 2500 })
    // The property only means something if the planner actually chose indexes often.
    expect(indexPlans).toBeGreaterThan(200)
  })

  it('agrees on range-heavy queries over a tiny value domain (where bound errors show)', async () => {
    const tiny = fc.constantFrom<JsonValue>(null, 0, 1, 2, 'a', 'ab', 'b')
    const tinyDoc = fc.record({ docType: maybe(fc.constantFrom<JsonValue>('asset', 'owner')), owner: maybe(tiny), size: maybe(tiny) })
      .map(d => JSON.parse(JSON.stringify(d)) as JsonValue)
    const rangeCond = fc.oneof(
      tiny,
      fc.tuple(fc.constantFrom('$eq', '$gt', '$gte', '$lt', '$lte', '$ne'), tiny).map(([op, v]) => ({ [op]: v })),
      fc.tuple(fc.constantFrom('$gt', '$gte'), tiny, fc.constantFrom('$lt', '$lte'), tiny).map(([a, x, b, y]) => ({ [a]: x, [b]: y })),
      fc.constantFrom('', 'a', 'ab', 'b').map(p => ({ $beginsWith: p }))
    )
    const flat = fc.dictionary(fc.constantFrom('docType', 'owner', 'size'), rangeCond, { minKeys: 1, maxKeys: 3 })
    // $or of equalities on one field: one exact range per value.
    const orOfEq = fc.tuple(fc.constantFrom('docType', 'owner', 'size'), fc.array(tiny, { minLength: 1, maxLength: 3 }))
      .map(([field, values]) => ({ $or: values.map(v => ({ [field]: v })) }))
    const selector = fc.oneof(flat, fc.tuple(flat, orOfEq).map(([f, o]) => ({ ...f, ...o })), orOfEq)
    const sort = fc.constantFrom<JsonValue[] | undefined>(undefined, ['size'], [{ size: 'desc' }], ['owner', 'size'], [{ owner: 'desc' }, { size: 'desc' }])
    const indexes = [INDEXES[0], INDEXES[1], INDEXES[2], INDEXES[3]] as IndexDefinition[]
    await fc.assert(fc.asyncProperty(fc.array(tinyDoc, { minLength: 5, maxLength: 30 }), selector, sort, fc.subarray(indexes, { minLength: 1 }),
      async (docs, sel, srt, idxs) => {
        const store = new MemoryStore(idxs)
        docs.forEach((d, i) => store.put(`k${i}`, d))
        const queryJson = JSON.stringify(srt === undefined ? { selector: sel } : { selector: sel, sort: srt })
        const expected = reference(store.docs, parseQuery(queryJson))
        expect((await store.query(queryJson)).page.results).toEqual(expected)
        // Page through: ordered plans resume their ranges right after each bookmark.
        const pages: unknown[] = []
        let bookmark = ''
        do {
          const page = (await store.query(queryJson, { pageSize: 3, bookmark })).page
          pages.push(...page.results)
          bookmark = page.bookmark
        } while (bookmark !== '' && pages.length <= expected.length)
        expect(pages).toEqual(expected)
      }), { numRuns: 1500 })
  })

  it('scan key-range hints from _id conditions never exclude a matching key', async () => {
    const idCond = fc.oneof(
      fc.tuple(fc.constantFrom('$eq', '$gt', '$gte', '$lt', '$lte', '$beginsWith'), trickyString).map(([op, v]) => ({ [op]: v })),
      fc.constantFrom<JsonValue>({ $gt: null }, { $lt: 5 }, { $eq: 1 })
    )
    await fc.assert(fc.asyncProperty(fc.uniqueArray(trickyString, { maxLength: 20 }), fc.array(idCond, { minLength: 1, maxLength: 3 }),
      async (keys, conds) => {
        const store = new MemoryStore()
        keys.filter(k => !/[\uD800-\uDFFF]/.test(k)).forEach((k, i) => store.put(k, { i })) // ledger keys are valid UTF-8
        const queryJson = JSON.stringify({ selector: { $and: conds.map(c => ({ _id: c })) } })
        const query = parseQuery(queryJson)
        expect((await store.query(queryJson)).page.results).toEqual(reference(store.docs, query))
      }), { numRuns: 1500 })
  })

  it('derives key ranges for _id, including the end of a $beginsWith prefix', () => {
    const scan = (selector: unknown): QueryPlan => plan(selector, [])
    expect(scan({ _id: 'k5' })).toMatchObject({ keyRange: { start: 'k5', startOpen: false, end: 'k5', endOpen: false } })
    expect(scan({ _id: { $gt: 'a', $lte: 'm' } })).toMatchObject({ keyRange: { start: 'a', startOpen: true, end: 'm', endOpen: false } })
    expect(scan({ _id: { $beginsWith: 'asset' } })).toMatchObject({ keyRange: { start: 'asset', end: 'asseu', endOpen: true } })
    expect(scan({ _id: { $beginsWith: 'a\uD7FF' } })).toMatchObject({ keyRange: { end: 'a\uE000' } })
    expect(scan({ _id: { $beginsWith: 'a\u{10FFFF}' } })).toMatchObject({ keyRange: { end: 'b' } })
    expect(scan({ _id: { $gt: null } })).not.toHaveProperty('keyRange')
  })
})
