import { describe, expect, it } from 'vitest'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { ReadBatcher } from '../../src/ledger/statedb/read-batcher.js'
import type { KvStore } from '../../src/storage/kv.js'

describe('ReadBatcher', () => {
  it('serves gets issued in the same tick with one getMany, each with its own value', async () => {
    const store = await memoryKvStoreFactory().open('rb', [{ name: 't' }])
    await store.write([1, 2, 3].map((k) => ({ type: 'put' as const, table: 't', key: k, value: k * 10 })))
    let calls = 0
    const counting: KvStore = Object.assign(Object.create(store) as KvStore, {
      getMany: async (table: string, keys: readonly number[]) => { calls++; return await store.getMany(table, keys) }
    })
    const rb = new ReadBatcher<number>(counting, 't')
    expect(await Promise.all([rb.get(3), rb.get(9), rb.get(1)])).toEqual([30, undefined, 10])
    expect(calls).toBe(1)
    expect(await rb.get(2)).toBe(20)
    expect(calls).toBe(2)
  })

  it('rejects every get of a failed batch', async () => {
    const store = await memoryKvStoreFactory().open('rb', [{ name: 't' }])
    await store.close()
    const rb = new ReadBatcher<number>(store, 't')
    const results = await Promise.allSettled([rb.get(1), rb.get(2)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  })
})
