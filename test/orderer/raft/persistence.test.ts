import 'fake-indexeddb/auto'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { KvRaftPersistence, RAFT_TABLES } from '../../../src/orderer/raft/kv-persistence.js'
import { MemoryRaftPersistence } from '../../../src/orderer/raft/persistence.js'
import { idbKvStoreFactory } from '../../../src/storage/idb.js'
import { memoryKvStoreFactory } from '../../../src/storage/memory.js'
import { entriesWithTerms } from './helpers.js'
import { genesis, persistenceSuite } from './persistence-suite.js'

let n = 0
persistenceSuite('MemoryRaftPersistence', async bootstrap => new MemoryRaftPersistence(bootstrap))
persistenceSuite('KvRaftPersistence over the memory KvStore', async bootstrap =>
  await KvRaftPersistence.open(await memoryKvStoreFactory().open(`raft-${n++}`, RAFT_TABLES), bootstrap))
persistenceSuite('KvRaftPersistence over IndexedDB (fake-indexeddb)', async bootstrap =>
  await KvRaftPersistence.open(await idbKvStoreFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange }).open(`raft-${n++}`, RAFT_TABLES), bootstrap))

describe('KvRaftPersistence', () => {
  it('survives reopening the store (a reload of the tab)', async () => {
    const factory = idbKvStoreFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange })
    const store = await factory.open('raft-reload', RAFT_TABLES)
    const p = await KvRaftPersistence.open(store, genesis)
    await p.save({ hardState: { term: 3, vote: 2, commit: 2 }, entries: entriesWithTerms([1, 2, 3]) })
    await store.close()
    const reopened = await KvRaftPersistence.open(await factory.open('raft-reload', RAFT_TABLES), genesis)
    const loaded = await reopened.load()
    expect(loaded.hardState).toEqual({ term: 3, vote: 2, commit: 2 })
    expect(loaded.entries.map(e => e.term)).toEqual([1, 2, 3])
  })

  it('a write that fails midway (crash, full disk) leaves the previous state intact', async () => {
    const store = await memoryKvStoreFactory().open('raft-fault', RAFT_TABLES)
    const p = await KvRaftPersistence.open(store, genesis)
    await p.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: entriesWithTerms([1, 1]) })
    store.setWriteFault((i, ops) => { if (i === ops.length - 1) throw new Error('disk full') })
    await expect(p.save({ hardState: { term: 2, vote: 3, commit: 1 }, entries: entriesWithTerms([1, 2, 2]).slice(1) })).rejects.toThrow(/disk full/)
    store.setWriteFault(undefined)
    const loaded = await p.load()
    expect(loaded.hardState).toEqual({ term: 1, vote: 1, commit: 0 })
    expect(loaded.entries.map(e => e.term)).toEqual([1, 1])
  })
})
