import 'fake-indexeddb/auto'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import type { OrderingChain } from '../../src/orderer/chain.js'
import { SEEK_FOREVER, SEEK_OLDEST, newSeekEnvelope, seekInfo } from '../../src/orderer/deliver.js'
import { KvOrdererLedger, MemoryOrdererLedger, ORDERER_LEDGER_TABLES } from '../../src/orderer/ledger.js'
import type { OrdererLedger } from '../../src/orderer/ledger.js'
import { DEFAULT_ETCDRAFT_OPTIONS } from '../../src/orderer/raft/config.js'
import { KvRaftPersistence, RAFT_TABLES } from '../../src/orderer/raft/kv-persistence.js'
import { SeekInfo, Status, blockDataHash, blockHeaderHash, newBlock } from '../../src/protos/index.js'
import type { Block } from '../../src/protos/index.js'
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import type { KvStore, KvStoreFactory } from '../../src/storage/kv.js'
import { CHANNEL, assertSameChains, envelope, genesisBlock, network, txIds } from './chain-helpers.js'

function chainOf (length: number): Block[] {
  const blocks: Block[] = [genesisBlock()]
  for (let n = 1; n < length; n++) {
    const prev = blocks[n - 1]?.header
    const block = newBlock(n, blockHeaderHash(prev as NonNullable<typeof prev>))
    block.data = { data: [envelope(`tx${n}`)] }
    if (block.header !== undefined) block.header.dataHash = blockDataHash(block.data)
    blocks.push(block)
  }
  return blocks
}

const idb = (): KvStoreFactory => idbKvStoreFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange })

const backends: Array<[string, () => Promise<{ open: () => Promise<OrdererLedger>, store?: () => KvStore }>]> = [
  ['MemoryOrdererLedger', async () => { const ledger = new MemoryOrdererLedger(); return { open: async () => ledger } }],
  ['KvOrdererLedger on the memory KvStore', async () => {
    const factory = memoryKvStoreFactory()
    let store: KvStore | undefined
    return { open: async () => await KvOrdererLedger.open(store = await factory.open('orderer', ORDERER_LEDGER_TABLES)), store: () => store as KvStore }
  }],
  ['KvOrdererLedger on IndexedDB (fake-indexeddb)', async () => {
    const factory = idb()
    let store: KvStore | undefined
    return { open: async () => await KvOrdererLedger.open(store = await factory.open('orderer', ORDERER_LEDGER_TABLES)), store: () => store as KvStore }
  }]
]

describe.each(backends)('orderer ledger contract: %s', (_name, make) => {
  it('appends in order, reads blocks back equal, and keeps them across a reopen', async () => {
    const backend = await make()
    const ledger = await backend.open()
    const blocks = chainOf(4)
    for (const block of blocks) await ledger.append(block)
    expect(ledger.height).toBe(4)
    for (let n = 0; n < 4; n++) expect(await ledger.block(n)).toEqual(blocks[n])
    expect(await ledger.block(4)).toBeUndefined()
    expect(await ledger.block(-1)).toBeUndefined()
    await backend.store?.().close()
    const reopened = await backend.open()
    expect(reopened.height).toBe(4)
    expect(await reopened.block(3)).toEqual(blocks[3])
  })

  it('refuses a block that is not the next one, and a caller mutating a block does not change the ledger', async () => {
    const ledger = await (await make()).open()
    const blocks = chainOf(3)
    await ledger.append(blocks[0] as Block)
    await expect(ledger.append(blocks[2] as Block)).rejects.toMatchObject({ code: 'ORDERER_BLOCK_CHAIN_BROKEN' })
    await expect(ledger.append(blocks[0] as Block)).rejects.toMatchObject({ code: 'ORDERER_BLOCK_CHAIN_BROKEN' })
    const read = await ledger.block(0) as Block
    read.data = { data: [] }
    expect((await ledger.block(0))?.data?.data).toHaveLength(1)
    expect(ledger.height).toBe(1)
  })
})

describe('KvOrdererLedger', () => {
  it('a failed write leaves the height and blocks as they were', async () => {
    const store = await memoryKvStoreFactory().open('orderer', ORDERER_LEDGER_TABLES)
    const ledger = await KvOrdererLedger.open(store)
    const blocks = chainOf(2)
    await ledger.append(blocks[0] as Block)
    store.setWriteFault(() => { throw new Error('disk full') })
    await expect(ledger.append(blocks[1] as Block)).rejects.toThrow(/disk full/)
    store.setWriteFault(undefined)
    expect(ledger.height).toBe(1)
    expect((await KvOrdererLedger.open(store)).height).toBe(1)
    await ledger.append(blocks[1] as Block)
    expect(ledger.height).toBe(2)
  })
})

describe('a consenter restarts from its own disk (Raft log + blocks in IndexedDB)', () => {
  it('comes back alone, with no other consenter to pull from, serves its blocks, then rejoins ordering', async () => {
    const factory = idb()
    const stores = new Map<number, KvStore>()
    const voters = [1, 2, 3]
    const genesisSnapshot = { metadata: { index: 0, term: 0, confState: { voters } }, data: new Uint8Array(0) }
    const open = async (ids: number[]): Promise<Awaited<ReturnType<typeof network>>> => {
      for (const id of ids) stores.set(id, await factory.open(`weft-orderer-${id}`, [...RAFT_TABLES, ...ORDERER_LEDGER_TABLES]))
      const ledgers = new Map<number, OrdererLedger>()
      const disks = new Map<number, KvRaftPersistence>()
      for (const id of ids) {
        ledgers.set(id, await KvOrdererLedger.open(stores.get(id) as KvStore))
        disks.set(id, await KvRaftPersistence.open(stores.get(id) as KvStore, genesisSnapshot))
      }
      // Snapshots every ~1 KiB: the Raft log alone no longer holds the early blocks.
      return await network(ids.length, {
        ids,
        voters,
        options: { ...DEFAULT_ETCDRAFT_OPTIONS, snapshotIntervalSize: 1024 },
        ledgerFor: id => ledgers.get(id) as OrdererLedger,
        persistenceFor: id => disks.get(id) as KvRaftPersistence
      })
    }
    const first = await open(voters)
    const leader = first.leader() as OrderingChain
    for (let i = 1; i <= 24; i++) {
      await leader.broadcast(envelope(`tx${i}`, undefined, 100))
      if (i % 4 === 0) await first.clock.advance(300)
    }
    await first.clock.advance(1_000)
    const height = leader.height
    const chain1 = first.chains.get(1) as OrderingChain
    expect(chain1.height).toBe(height)
    expect(chain1.raft.rawNode.raft.log.firstIndex()).toBeGreaterThan(2) // compacted
    const before = await txIds(chain1)
    await first.stopAll()
    for (const store of stores.values()) await store.close()

    const alone = await open([1])
    const restarted = alone.chains.get(1) as OrderingChain
    expect(restarted.failure).toBeUndefined()
    expect(restarted.height).toBe(height)
    expect(await txIds(restarted)).toEqual(before)
    await assertSameChains([restarted])
    const seen: number[] = []
    let status: number | undefined
    const seek = await newSeekEnvelope({ channelId: CHANNEL, seekInfo: seekInfo(SEEK_OLDEST, SEEK_FOREVER, { behavior: SeekInfo.SeekBehavior.FAIL_IF_NOT_READY }) })
    for await (const r of restarted.deliver(seek)) {
      if (r.block !== undefined) seen.push(r.block.header?.number ?? -1)
      status = r.status ?? status
    }
    expect(seen).toEqual(Array.from({ length: height }, (_, n) => n))
    expect(status).toBe(Status.NOT_FOUND) // the next block does not exist yet
    expect(alone.leader()).toBeUndefined() // one of three: no quorum
    await alone.stopAll()
    await stores.get(1)?.close()

    const all = await open(voters)
    const again = all.leader() as OrderingChain
    expect((await again.broadcast(envelope('tx25'))).status).toBe(Status.SUCCESS)
    await all.clock.advance(1_000)
    for (const chain of all.chains.values()) {
      expect(chain.failure).toBeUndefined()
      expect(chain.height).toBe(height + 1)
      expect((await txIds(chain)).at(-1)).toBe('tx25')
    }
    await assertSameChains([...all.chains.values()])
    await all.stopAll()
  })
})
