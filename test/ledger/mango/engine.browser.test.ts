/**
 * The Mango engine inside real Chromium (vitest browser mode): the same pure code the ledger runs
 * in a tab. Re-checks the properties that depend on the platform — string order of IndexedDB-style
 * keys, base64 bookmarks (btoa/atob), TextEncoder, RegExp — with the shared Node-free helpers.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareJson, encodeIndexValue, parseIndexDefinition, parseQuery } from '../../../src/ledger/statedb/mango/index.js'
import { jsonValue } from './arbitraries.js'
import { MemoryStore } from './memory-store.js'

const sign = (n: number): number => (n > 0 ? 1 : n < 0 ? -1 : 0)

describe('Mango engine in Chromium', () => {
  it('orders encoded keys as compareJson orders values, and as IndexedDB compares them', () => {
    fc.assert(fc.property(jsonValue, jsonValue, (a, b) => {
      const ea = encodeIndexValue(a)
      const eb = encodeIndexValue(b)
      expect(ea < eb ? -1 : ea > eb ? 1 : 0).toBe(sign(compareJson(a, b)))
      expect(indexedDB.cmp(ea, eb)).toBe(sign(compareJson(a, b)))
    }), { numRuns: 1000 })
  })

  it('paginates an indexed, sorted query with bookmarks to exactly the unpaginated result', async () => {
    const store = new MemoryStore([parseIndexDefinition('{"index":{"fields":["docType","size"]}}')])
    for (let i = 0; i < 200; i++) store.put(`key${i}\u{1F600}`, { docType: i % 3 === 0 ? 'a' : 'b', size: i % 17, name: `n${i}` })
    const queryJson = '{"selector":{"docType":"a","name":{"$regex":"^n1"}},"sort":[{"size":"desc"}],"fields":["size","name"]}'
    const all = (await store.query(queryJson)).page.results
    expect(all.length).toBeGreaterThan(10)
    const paged: unknown[] = []
    let bookmark = ''
    do {
      const { page, plan } = await store.query(queryJson, { pageSize: 4, bookmark })
      expect(plan.kind).toBe('index')
      paged.push(...page.results)
      bookmark = page.bookmark
    } while (bookmark !== '')
    expect(paged).toEqual(all)
    const sizes = all.map(r => (r.value as { size: number }).size)
    expect(sizes).toEqual([...sizes].sort((x, y) => y - x))
  })

  it('refuses bad queries with typed errors', () => {
    expect(() => parseQuery('{"selector":{"a":{"$regex":"(a+)+"}}}')).toThrow(expect.objectContaining({ code: 'MANGO_INVALID_REGEX' }))
  })
})
