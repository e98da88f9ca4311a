/**
 * One contract suite every KvStore backend runs (Fabric's statedb/commontests, libp2p's
 * interface-compliance-tests). `makeFactory` returns a fresh, empty factory per test.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { compareKeys } from '../../src/storage/keys.js'
import type { KvKey, KvStore, KvStoreFactory, TableSchema } from '../../src/storage/kv.js'
import { isWeftError } from '../../src/shared/errors.js'

const TABLES: TableSchema[] = [
  { name: 'items', indexes: [{ name: 'byOwner', keyPath: ['doc.type', 'doc.owner'] }, { name: 'byTag', keyPath: 'tags', multiEntry: true }] },
  { name: 'meta' }
]

/** Reference byte order, written independently of src/storage/keys.ts. */
function lexicographic (a: Uint8Array, b: Uint8Array): number {
  const sa = Array.from(a, (x) => String.fromCharCode(x + 0x100)).join('')
  const sb = Array.from(b, (x) => String.fromCharCode(x + 0x100)).join('')
  return sa < sb ? -1 : sa > sb ? 1 : 0
}

export function kvStoreConformance (backend: string, makeFactory: () => KvStoreFactory): void {
  describe(`KvStore conformance: ${backend}`, () => {
    async function open (): Promise<{ factory: KvStoreFactory, store: KvStore }> {
      const factory = makeFactory()
      return { factory, store: await factory.open('conf', TABLES) }
    }

    it('puts, gets and deletes atomically', async () => {
      const { store } = await open()
      await store.write([
        { type: 'put', table: 'items', key: 'a', value: { n: 1 } },
        { type: 'put', table: 'meta', key: 1, value: new Uint8Array([1, 2]) }
      ])
      expect(await store.get('items', 'a')).toEqual({ n: 1 })
      expect(await store.get('meta', 1)).toEqual(new Uint8Array([1, 2]))
      expect(await store.get('items', 'zz')).toBeUndefined()
      await store.write([{ type: 'del', table: 'items', key: 'a' }])
      expect(await store.get('items', 'a')).toBeUndefined()
    })

    it('does not alias values the caller keeps', async () => {
      const { store } = await open()
      const v = { n: 1 }
      await store.write([{ type: 'put', table: 'items', key: 'a', value: v }])
      v.n = 2
      const got = await store.get<{ n: number }>('items', 'a')
      expect(got).toEqual({ n: 1 })
    })

    it('getMany returns values in the order asked, undefined for missing', async () => {
      const { store } = await open()
      await store.write([1, 2, 3].map((i) => ({ type: 'put' as const, table: 'meta', key: i, value: i * 10 })))
      expect(await store.getMany('meta', [3, 9, 1])).toEqual([30, undefined, 10])
    })

    it('orders keys as IndexedDB does and honours range bounds, limit and reverse', async () => {
      const { store } = await open()
      const keys: KvKey[] = [5, 'b', 'a', new Uint8Array([0]), new Uint8Array([0, 1]), new Uint8Array([255]), ['a', 1], ['a'], -1]
      await store.write(keys.map((k, i) => ({ type: 'put' as const, table: 'items', key: k, value: i })))
      const all = await store.getKeys('items')
      expect(all).toEqual([...keys].sort(compareKeys))
      expect(await store.getKeys('items', { gte: 'a', lt: new Uint8Array([0, 1]) })).toEqual(['a', 'b', new Uint8Array([0])])
      expect(await store.getKeys('items', { gt: 'a', lte: 'b' })).toEqual(['b'])
      expect(await store.getKeys('items', { limit: 2, reverse: true })).toEqual([['a', 1], ['a']])
      expect((await store.getRange('items', { gte: 'b', limit: 1 })).map((e) => e.value)).toEqual([1])
      expect(await store.count('items', { gte: -10, lt: 'zzz' })).toBe(4)
      expect(await store.getValues('items', { gte: 'a', lte: 'b' })).toEqual([2, 1])
      expect(await store.getValues('items', { limit: 2, reverse: true })).toEqual([6, 7])
      expect(await store.getKeys('items', { gte: 'b', lt: 'a' })).toEqual([])
    })

    // fake-indexeddb rejects the empty binary key (the spec allows it); Weft never uses one.
    it('binary keys sort bytewise (property against a reference sort)', async () => {
      await fc.assert(fc.asyncProperty(fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 6 }), {
        maxLength: 20, selector: (u) => Array.from(u).join(',')
      }), async (arrays) => {
        const { store } = await open()
        await store.write(arrays.map((k, i) => ({ type: 'put' as const, table: 'items', key: k, value: i })))
        const ref = [...arrays].sort(lexicographic)
        expect(await store.getKeys('items')).toEqual(ref)
        await store.close()
      }), { numRuns: 15 })
    })

    it('delRange deletes exactly the range', async () => {
      const { store } = await open()
      await store.write([1, 2, 3, 4, 5].map((i) => ({ type: 'put' as const, table: 'meta', key: i, value: i })))
      await store.write([{ type: 'delRange', table: 'meta', range: { gt: 1, lte: 4 } }])
      expect(await store.getKeys('meta')).toEqual([1, 5])
    })

    it('serves compound and multiEntry secondary indexes', async () => {
      const { store } = await open()
      await store.write([
        { type: 'put', table: 'items', key: 'k1', value: { doc: { type: 'asset', owner: 'bob' }, tags: ['x', 'y'] } },
        { type: 'put', table: 'items', key: 'k2', value: { doc: { type: 'asset', owner: 'alice' }, tags: ['y', 'y'] } },
        { type: 'put', table: 'items', key: 'k3', value: { doc: { type: 'asset', owner: true }, tags: [] } },
        { type: 'put', table: 'items', key: 'k0', value: { doc: { type: 'asset', owner: 'bob' } } }
      ])
      const bob = await store.getFromIndex('items', 'byOwner', { gte: ['asset', 'bob'], lte: ['asset', 'bob'] })
      expect(bob.map((e) => e.key)).toEqual(['k0', 'k1'])
      const all = await store.getFromIndex('items', 'byOwner')
      expect(all.map((e) => e.key)).toEqual(['k2', 'k0', 'k1']) // owner:true is not a valid key: not indexed
      const y = await store.getFromIndex('items', 'byTag', { gte: 'y', lte: 'y' })
      expect(y.map((e) => e.key)).toEqual(['k1', 'k2'])
      expect((await store.getFromIndex('items', 'byTag', { reverse: true, limit: 1 })).map((e) => e.key)).toEqual(['k2'])
      expect(await store.getValues('items', { index: 'byOwner', gte: ['asset', 'bob'], lte: ['asset', 'bob'] })).toEqual(bob.map((e) => e.value))
      const many = await store.getManyFromIndex('items', 'byTag', ['y', 'nope', 'x', 'y'])
      expect(many.map((rows) => rows.map((e) => e.key))).toEqual([['k1', 'k2'], [], ['k1'], ['k1', 'k2']])
      expect(many[2]?.[0]?.value).toEqual({ doc: { type: 'asset', owner: 'bob' }, tags: ['x', 'y'] })
      expect(await store.getManyFromIndex('items', 'byTag', [])).toEqual([])
      await expect(store.getManyFromIndex('items', 'noSuchIndex', ['x'])).rejects.toThrow(/does not exist/)
      // The same lookups without the values.
      expect(await store.getManyKeysFromIndex('items', 'byTag', ['y', 'nope', 'x', 'y'])).toEqual([['k1', 'k2'], [], ['k1'], ['k1', 'k2']])
      expect(await store.getManyKeysFromIndex('items', 'byOwner', [['asset', 'bob']])).toEqual([['k0', 'k1']])
      expect(await store.getManyKeysFromIndex('items', 'byTag', [])).toEqual([])
      await expect(store.getManyKeysFromIndex('items', 'noSuchIndex', ['x'])).rejects.toThrow(/does not exist/)
    })

    it('adds indexes to an existing table and keeps the data', async () => {
      const { store } = await open()
      await store.write([{ type: 'put', table: 'meta', key: 'a', value: { color: 'red' } }])
      await store.ensureIndexes('meta', [{ name: 'byColor', keyPath: 'color' }])
      expect(await store.listIndexes('meta')).toEqual(['byColor'])
      expect((await store.getFromIndex('meta', 'byColor', { gte: 'red', lte: 'red' })).map((e) => e.key)).toEqual(['a'])
      await store.write([{ type: 'put', table: 'meta', key: 'b', value: { color: 'red' } }])
      expect(await store.count('meta')).toBe(2)
      expect((await store.getFromIndex('meta', 'byColor')).length).toBe(2)
    })

    it('persists across close and reopen', async () => {
      const { factory, store } = await open()
      await store.write([{ type: 'put', table: 'meta', key: 'x', value: 'kept' }])
      await store.close()
      const again = await factory.open('conf', TABLES)
      expect(await again.get('meta', 'x')).toBe('kept')
      await again.close()
      await expect(again.get('meta', 'x')).rejects.toSatisfy((e: unknown) => isWeftError(e, 'STORAGE_CLOSED'))
    })

    it('a fault at any op of a write leaves nothing of it', async () => {
      const { store } = await open()
      await store.write([{ type: 'put', table: 'meta', key: 'before', value: 1 }])
      const ops = [
        { type: 'put' as const, table: 'items', key: 'a', value: 1 },
        { type: 'del' as const, table: 'meta', key: 'before' },
        { type: 'put' as const, table: 'meta', key: 'b', value: 2 }
      ]
      for (let at = 0; at <= ops.length; at++) {
        store.setWriteFault((i) => { if (i === at) throw new Error(`crash at ${at}`) })
        await expect(store.write(ops)).rejects.toSatisfy((e: unknown) => isWeftError(e, 'STORAGE_FAILED'))
        store.setWriteFault(undefined)
        expect(await store.getKeys('items')).toEqual([])
        expect(await store.getKeys('meta')).toEqual(['before'])
      }
      await store.write(ops)
      expect(await store.getKeys('meta')).toEqual(['b'])
    })

    it('maps a QuotaExceededError to STORAGE_QUOTA_EXCEEDED', async () => {
      const { store } = await open()
      store.setWriteFault(() => { throw new DOMException('full', 'QuotaExceededError') })
      await expect(store.write([{ type: 'put', table: 'meta', key: 1, value: 1 }]))
        .rejects.toSatisfy((e: unknown) => isWeftError(e, 'STORAGE_QUOTA_EXCEEDED'))
      store.setWriteFault(undefined)
      expect(await store.count('meta')).toBe(0)
    })

    it('rejects invalid keys and unknown tables with typed errors', async () => {
      const { store } = await open()
      await expect(store.get('meta', true as unknown as KvKey)).rejects.toSatisfy((e: unknown) => isWeftError(e, 'STORAGE_BAD_INPUT'))
      await expect(store.write([{ type: 'put', table: 'meta', key: Number.NaN, value: 1 }]))
        .rejects.toSatisfy((e: unknown) => isWeftError(e, 'STORAGE_BAD_INPUT'))
      await expect(store.get('nope', 1)).rejects.toSatisfy((e: unknown) => isWeftError(e))
    })
  })
}
