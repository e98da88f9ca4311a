// The txId filter suite over the memory store and fake-indexeddb, plus segment growth (memory).
import 'fake-indexeddb/auto'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { BLOCK_TABLES, BlockStore, PERSIST_FILTER_EVERY } from '../../src/ledger/blockstore/block-store.js'
import { SEGMENT_CAPACITY } from '../../src/ledger/blockstore/txid-filter.js'
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { RecordingStore } from './recording-store.js'
import { META, append, blockTxIds, freshTxIds, txIdFilterSuite } from './txid-filter-suite.js'

txIdFilterSuite('memory', () => memoryKvStoreFactory(), { numRuns: 60 })
txIdFilterSuite('fake-indexeddb', () => idbKvStoreFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange }), { numRuns: 15 })

describe('block store txId filter: segments (memory)', () => {
  it('writes a full segment once, grows across segments, and finds every txId after reopen', async () => {
    const factory = memoryKvStoreFactory()
    const rec = new RecordingStore(await factory.open('bs', BLOCK_TABLES))
    const bs = await BlockStore.open(rec.store)
    const perBlock = 2200 // 2 × PERSIST_FILTER_EVERY blocks hold > 2 segments
    const blocks = 2 * PERSIST_FILTER_EVERY
    for (let n = 0; n < blocks; n++) await append(bs, rec.store, blockTxIds(n, perBlock))
    const segmentWrites = rec.writes.flat().flatMap((op) => op.type === 'put' && op.table === 'chain' && Array.isArray(op.key) && typeof op.key[1] === 'number' ? [op.key[1] as number] : [])
    // Persist at block 31 (70,400 txIds: segment 0 full, 1 partial) and 63 (140,800: 0 and 1 full, 2 partial).
    expect(blocks * perBlock).toBeGreaterThan(2 * SEGMENT_CAPACITY)
    expect(segmentWrites).toEqual([0, 1, 1, 2])
    expect(await rec.store.get('chain', META)).toMatchObject({ upTo: blocks - 1, segments: 3 })

    // The index itself is not under test here: the filter must pass every committed txId on.
    const reopened = new RecordingStore(rec.store)
    reopened.skipIndex = true
    const again = await BlockStore.open(reopened.store)
    const all = Array.from({ length: blocks }, (_, n) => blockTxIds(n, perBlock)).flat()
    await again.getTxLocs(all)
    expect(reopened.lookups[0]?.length).toBe(all.length)
    reopened.lookups.length = 0
    await again.getTxLocs(freshTxIds(20_000))
    const rate = (reopened.lookups[0]?.length ?? 0) / 20_000
    expect(rate).toBeLessThan(0.035) // two full segments (~1 % each) and a partial one
  })
})
