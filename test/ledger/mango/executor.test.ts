import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  MangoError, applySortSkipLimitFields, executeQuery, executeQuerySync, fullScanPlan, parseIndexDefinition, parseQuery
} from '../../../src/ledger/statedb/mango/index.js'
import type { JsonValue } from '../../../src/ledger/statedb/mango/index.js'
import { MemoryStore } from './memory-store.js'

const marbles: Array<[string, JsonValue]> = [
  ['marble1', { docType: 'marble', color: 'blue', size: 35, owner: 'tom' }],
  ['marble2', { docType: 'marble', color: 'red', size: 50, owner: 'tom' }],
  ['marble3', { docType: 'marble', color: 'blue', size: 70, owner: 'jerry' }],
  ['marble4', { docType: 'marble', color: 'green', size: 10, owner: 'jerry', extra: { tags: ['x'] } }],
  ['marble5', { docType: 'marble', color: 'red', owner: 'ann' }], // no size
  ['owner1', { docType: 'owner', name: 'tom' }],
  ['binary', 'not an object']
]

function store (): MemoryStore {
  const s = new MemoryStore()
  for (const [k, v] of marbles) s.put(k, v)
  return s
}

const keys = (page: { results: ReadonlyArray<{ key: string }> }): string[] => page.results.map(r => r.key)

describe('executeQuery over a full scan', () => {
  it('returns matches in key order without sort', async () => {
    const { page } = await store().query('{"selector":{"docType":"marble","owner":"tom"}}')
    expect(keys(page)).toEqual(['marble1', 'marble2'])
    expect(page.bookmark).toBe('')
    expect(page.results[0]?.value).toEqual({ docType: 'marble', color: 'blue', size: 35, owner: 'tom' })
  })

  it('sorts ascending and descending, ties broken by key, docs without the sort field left out', async () => {
    const s = store()
    expect(keys((await s.query('{"selector":{"docType":"marble"},"sort":["size"]}')).page)).toEqual(['marble4', 'marble1', 'marble2', 'marble3'])
    expect(keys((await s.query('{"selector":{"docType":"marble"},"sort":[{"size":"desc"}]}')).page)).toEqual(['marble3', 'marble2', 'marble1', 'marble4'])
    expect(keys((await s.query('{"selector":{"docType":"marble"},"sort":[{"color":"asc"},{"size":"asc"}]}')).page)).toEqual(['marble1', 'marble3', 'marble4', 'marble2'])
    expect(keys((await s.query('{"selector":{"docType":"marble"},"sort":[{"owner":"desc"}]}')).page)).toEqual(['marble2', 'marble1', 'marble4', 'marble3', 'marble5'])
  })

  it('applies skip then limit', async () => {
    const s = store()
    expect(keys((await s.query('{"selector":{"docType":"marble"},"skip":1,"limit":2}')).page)).toEqual(['marble2', 'marble3'])
    expect(keys((await s.query('{"selector":{"docType":"marble"},"sort":["size"],"skip":3,"limit":5}')).page)).toEqual(['marble3'])
    expect(keys((await s.query('{"selector":{"docType":"marble"},"limit":0}')).page)).toEqual([])
  })

  it('projects fields as Fabric returns them (no _id, missing fields left out, nested kept nested)', async () => {
    const { page } = await store().query('{"selector":{"_id":{"$in":["marble4","marble5"]}},"fields":["_id","size","extra.tags","nope"]}')
    expect(page.results).toEqual([
      { key: 'marble4', value: { size: 10, extra: { tags: ['x'] } } },
      { key: 'marble5', value: {} }
    ])
  })

  it('never returns values that are not JSON objects', async () => {
    expect(keys((await store().query('{"selector":{}}')).page)).not.toContain('binary')
  })

  it('stops pulling candidates once an ordered page is full', async () => {
    const s = new MemoryStore()
    for (let i = 0; i < 100; i++) s.put(`k${String(i).padStart(3, '0')}`, { n: i })
    const { page } = await s.query('{"selector":{"n":{"$gte":0}}}', { pageSize: 5 })
    expect(keys(page)).toEqual(['k000', 'k001', 'k002', 'k003', 'k004'])
    expect(s.pulled).toBe(6) // five plus one to learn that more exist
    const next = await s.query('{"selector":{"n":{"$gte":0}}}', { pageSize: 5, bookmark: page.bookmark })
    expect(keys(next.page)).toEqual(['k005', 'k006', 'k007', 'k008', 'k009'])
    expect(s.pulled).toBe(6) // the scan starts after the bookmarked key
  })

  it('starts an ordered index range right after the bookmark, ascending and descending', async () => {
    const s = new MemoryStore([parseIndexDefinition('{"index":{"fields":["t","n"]}}')])
    for (let i = 0; i < 100; i++) s.put(`k${String(i).padStart(3, '0')}`, { t: i % 2 === 0 ? 'even' : 'odd', n: i })
    for (const dir of ['asc', 'desc']) {
      const q = JSON.stringify({ selector: { t: 'even' }, sort: [{ n: dir }] })
      let bookmark = ''
      const seen: number[] = []
      for (let p = 0; p < 20; p++) {
        const { page, plan } = await s.query(q, { pageSize: 7, bookmark })
        expect(plan).toMatchObject({ kind: 'index', ordered: true })
        expect(s.pulled).toBeLessThanOrEqual(8)
        seen.push(...page.results.map(r => (r.value as { n: number }).n))
        bookmark = page.bookmark
        if (bookmark === '') break
      }
      const evens = Array.from({ length: 50 }, (_, i) => i * 2)
      expect(seen).toEqual(dir === 'asc' ? evens : evens.reverse())
    }
  })
})

describe('pagination with bookmarks', () => {
  it('resumes exactly after the last returned document and ends with an empty bookmark', async () => {
    const s = store()
    const q = '{"selector":{"docType":"marble"},"sort":[{"size":"desc"}]}'
    const p1 = (await s.query(q, { pageSize: 3 })).page
    expect(keys(p1)).toEqual(['marble3', 'marble2', 'marble1'])
    expect(p1.bookmark).not.toBe('')
    const p2 = (await s.query(q, { pageSize: 3, bookmark: p1.bookmark })).page
    expect(keys(p2)).toEqual(['marble4'])
    expect(p2.bookmark).toBe('')
  })

  it('does not repeat or skip documents when writes land behind the bookmark', async () => {
    const s = store()
    const q = '{"selector":{"docType":"marble"}}'
    const p1 = (await s.query(q, { pageSize: 2 })).page
    s.put('marble0', { docType: 'marble' }) // before the bookmark: not seen
    s.put('marble9', { docType: 'marble' }) // after: seen
    const p2 = (await s.query(q, { pageSize: 10, bookmark: p1.bookmark })).page
    expect(keys(p2)).toEqual(['marble3', 'marble4', 'marble5', 'marble9'])
  })

  it('applies skip once and caps the total at limit across pages', async () => {
    const s = store()
    const q = '{"selector":{"docType":"marble"},"skip":1,"limit":3}'
    const p1 = (await s.query(q, { pageSize: 2 })).page
    expect(keys(p1)).toEqual(['marble2', 'marble3'])
    const p2 = (await s.query(q, { pageSize: 2, bookmark: p1.bookmark })).page
    expect(keys(p2)).toEqual(['marble4'])
    expect(p2.bookmark).toBe('')
  })

  it('refuses a bookmark of another query, and garbage', async () => {
    const s = store()
    const p1 = (await s.query('{"selector":{"docType":"marble"}}', { pageSize: 1 })).page
    await expect(s.query('{"selector":{"docType":"owner"}}', { pageSize: 1, bookmark: p1.bookmark })).rejects.toMatchObject({ code: 'MANGO_INVALID_BOOKMARK' })
    await expect(s.query('{"selector":{}}', { bookmark: '%%%' })).rejects.toBeInstanceOf(MangoError)
    await expect(s.query('{"selector":{}}', { bookmark: btoa('{"v":2}') })).rejects.toMatchObject({ code: 'MANGO_INVALID_BOOKMARK' })
  })

  it('takes the bookmark from the query JSON when none is passed beside it', async () => {
    const s = store()
    const p1 = (await s.query('{"selector":{"docType":"marble"}}', { pageSize: 4 })).page
    const p2 = (await s.query(JSON.stringify({ selector: { docType: 'marble' }, bookmark: p1.bookmark }), { pageSize: 4 })).page
    expect(keys(p2)).toEqual(['marble5'])
  })

  it('refuses a negative or fractional page size', () => {
    const q = parseQuery('{"selector":{}}')
    expect(() => executeQuerySync(q, fullScanPlan(q), [], { pageSize: -1 })).toThrow(/pageSize/)
    expect(() => executeQuerySync(q, fullScanPlan(q), [], { pageSize: 1.5 })).toThrow(MangoError)
  })

  // Property: paginating with any page size returns exactly the unpaginated result, in order.
  it('concatenated pages equal the unpaginated result for any page size (property)', async () => {
    const docArb = fc.record({ n: fc.integer({ min: 0, max: 4 }), s: fc.constantFrom('a', 'b', 'c') }, { requiredKeys: [] })
    const queryArb = fc.record({
      sort: fc.constantFrom(undefined, ['n'], [{ n: 'desc' }], [{ s: 'asc' }, { n: 'asc' }], [{ s: 'desc' }, { n: 'desc' }]),
      skip: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      limit: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
      selector: fc.constantFrom({}, { n: { $gte: 1 } }, { s: { $ne: 'b' } })
    })
    const withIndex = fc.boolean()
    await fc.assert(fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 3 }), docArb, { maxKeys: 25 }), queryArb, fc.integer({ min: 1, max: 6 }), withIndex,
      async (docs, q, pageSize, indexed) => {
        const s = new MemoryStore(indexed ? [parseIndexDefinition('{"index":{"fields":["s","n"]}}'), parseIndexDefinition('{"index":{"fields":["n"]}}')] : [])
        for (const [k, v] of Object.entries(docs)) s.put(k, v)
        const queryJson = JSON.stringify(q)
        const all = keys((await s.query(queryJson)).page)
        const paged: string[] = []
        let bookmark = ''
        for (let i = 0; i < 100; i++) {
          const page = (await s.query(queryJson, { pageSize, bookmark })).page
          expect(page.results.length).toBeLessThanOrEqual(pageSize)
          paged.push(...keys(page))
          bookmark = page.bookmark
          if (bookmark === '') break
        }
        expect(bookmark).toBe('')
        expect(paged).toEqual(all)
      }), { numRuns: 300 })
  })
})

describe('plan order contract', () => {
  const q = parseQuery('{"selector":{"n":{"$gte":0}},"limit":2}')
  const shuffled = [{ key: 'c', doc: { n: 3 } }, { key: 'a', doc: { n: 1 } }, { key: 'b', doc: { n: 2 } }]

  it('fullScanPlan accepts candidates in any order (storage merged with a write buffer)', () => {
    expect(keys(executeQuerySync(q, fullScanPlan(q), shuffled))).toEqual(['a', 'b'])
  })

  it('an ordered plan refuses candidates out of order instead of returning a wrong page', () => {
    const ordered = { ...fullScanPlan(q), ordered: true }
    expect(() => executeQuerySync(q, ordered, shuffled)).toThrow(expect.objectContaining({ code: 'MANGO_CANDIDATES_OUT_OF_ORDER' }))
  })
})

describe('cancellation', () => {
  it('stops reading candidates when the signal aborts', async () => {
    const q = parseQuery('{"selector":{}}')
    const controller = new AbortController()
    let pulled = 0
    async function * candidates (): AsyncGenerator<{ key: string, doc: JsonValue }> {
      for (let i = 0; i < 1000; i++) {
        pulled++
        if (i === 10) controller.abort()
        yield { key: `k${String(i).padStart(4, '0')}`, doc: { i } }
      }
    }
    await expect(executeQuery(q, fullScanPlan(q), candidates(), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
    expect(pulled).toBe(11)
  })
})

describe('applySortSkipLimitFields', () => {
  it('sorts, skips, limits and projects documents already filtered', () => {
    const q = parseQuery('{"selector":{},"sort":[{"size":"desc"}],"skip":1,"limit":2,"fields":["size"]}')
    const page = applySortSkipLimitFields([{ key: 'a', doc: { size: 1 } }, { key: 'b', doc: { size: 3 } }, { key: 'c', doc: { size: 2 } }, { key: 'd', doc: { x: 1 } }], q)
    expect(page.results).toEqual([{ key: 'c', value: { size: 2 } }, { key: 'a', value: { size: 1 } }])
  })
})
