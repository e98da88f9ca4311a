/**
 * Snapshots carry the txIds committed before their tail (Fabric's blkstorage txids.data), so a
 * ledger bootstrapped from one still knows them: txIdsExist finds them (the committer's
 * DUPLICATE_TXID check), getTxLoc says LEDGER_BEFORE_SNAPSHOT (they have no location), across
 * reopen, filter rebuild and a snapshot of the snapshot. Runs over memory and fake-indexeddb.
 */
import 'fake-indexeddb/auto'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { sha256 } from '../../src/crypto/sha256.js'
import { KvLedger } from '../../src/ledger/kv-ledger.js'
import { BLOCK_TABLES, BlockStore, SNAPSHOT_TXIDS_PER_RECORD } from '../../src/ledger/blockstore/block-store.js'
import { createLedgerFromSnapshot, exportSnapshot, snapshotHash } from '../../src/ledger/snapshot.js'
import type { TxSimulator } from '../../src/ledger/api.js'
import { TxValidationCode } from '../../src/protos/index.js'
import { isWeftError } from '../../src/shared/errors.js'
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import type { KvStoreFactory } from '../../src/storage/kv.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { harness, type Harness } from './ledger-suite.js'
import { text, utf8 } from './fixtures.js'
import { recordingFactory } from './recording-store.js'
import { append, blockTxIds, freshTxIds } from './txid-filter-suite.js'

const V = TxValidationCode.VALID
const MVCC = TxValidationCode.MVCC_READ_CONFLICT
const code = (c: string) => (e: unknown) => isWeftError(e, c)
const put = (k: string, v = k) => (sim: TxSimulator) => { sim.setState('cc', k, utf8(v)) }
const enc = new TextEncoder()
const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

interface Outer { format: string, hash: string, body: Record<string, unknown> & { txIds?: string[] } }
const parse = (snap: Uint8Array): Outer => JSON.parse(new TextDecoder().decode(snap)) as Outer
/** Re-serialises a snapshot; `rehash` recomputes its hash as an honest exporter would. */
function rewrite (snap: Uint8Array, change: (o: Outer) => void, rehash: boolean): Uint8Array {
  const outer = parse(snap)
  change(outer)
  if (rehash) outer.hash = hexOf(sha256(enc.encode(JSON.stringify(outer.body))))
  return enc.encode(JSON.stringify(outer))
}

const backends: Array<[string, () => KvStoreFactory]> = [
  ['memory', () => memoryKvStoreFactory()],
  ['fake-indexeddb', () => idbKvStoreFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange })]
]

/**
 * Six blocks: b0 t0 t1 | b1 t2 t3(invalid) | b2 t4, t1 again (invalid duplicate) | b3 t5 t6 |
 * b4 t7 | b5 t8 — snapshot with a 2-block tail (b4, b5): pre-tail txIds t0…t6.
 */
async function sixBlocks (factory: KvStoreFactory): Promise<Harness> {
  const h = await harness(factory)
  await h.commit([await h.tx('t0', put('a', '0')), await h.tx('t1', put('b'))])
  await h.commit([await h.tx('t2', put('a', '2')), await h.tx('t3', put('c'))], [V, MVCC])
  await h.commit([await h.tx('t4', put('d')), await h.tx('t1', put('b', 'again'))], [V, TxValidationCode.DUPLICATE_TXID])
  await h.commit([await h.tx('t5', put('e')), await h.tx('t6', put('f'))])
  await h.commit([await h.tx('t7', put('g'))])
  await h.commit([await h.tx('t8', put('a', '8'))])
  return h
}
const PRE = ['t0', 't1', 't2', 't3', 't4', 't5', 't6']
const TAIL = ['t7', 't8']
const FRESH = freshTxIds(50)

for (const [backend, makeFactory] of backends) {
  describe(`snapshot txIds (Fabric txids.data): ${backend}`, () => {
    it('the snapshot body lists every distinct pre-tail txId, sorted; the joiner knows them and locates only the tail', async () => {
      const h = await sixBlocks(makeFactory())
      const snap = await exportSnapshot(h.ledger, { tailBlocks: 2 })
      const outer = parse(snap)
      expect(outer.format).toBe('weft-ledger-snapshot/2')
      expect(outer.body.txIds).toEqual(PRE)

      const joiner = await createLedgerFromSnapshot({ channelId: 'ch1', storage: makeFactory() }, snap)
      const bs = joiner.blockStore
      expect(await bs.txIdsExist([...PRE, ...TAIL, ...FRESH, 't0'])).toEqual([...PRE.map(() => true), ...TAIL.map(() => true), ...FRESH.map(() => false), true])
      expect(await bs.getTxLocs(['t3', 't7', 'nope', 't8'])).toEqual([
        { beforeSnapshot: true, firstAvailableBlock: 4 },
        { blockNum: 4, txNum: 0, validationCode: V },
        undefined,
        { blockNum: 5, txNum: 0, validationCode: V }
      ])
      for (const t of PRE) {
        await expect(bs.getTxLoc(t)).rejects.toSatisfy(code('LEDGER_BEFORE_SNAPSHOT'))
        await expect(joiner.getTransactionByID(t)).rejects.toThrow(`details for txId ${t} not available: the ledger was bootstrapped from a snapshot, first available block 4`)
        await expect(joiner.getBlockByTxID(t)).rejects.toSatisfy(code('LEDGER_BEFORE_SNAPSHOT'))
        await expect(joiner.getTxValidationCodeByTxID(t)).rejects.toSatisfy(code('LEDGER_BEFORE_SNAPSHOT'))
      }
      await expect(bs.getTxLoc('nope')).rejects.toSatisfy(code('LEDGER_NOT_FOUND'))
      expect((await joiner.getTransactionByID('t8')).validationCode).toBe(V)
      // The pseudo-records are invisible to readers by number and hash.
      expect((await joiner.getBlockByHash(joiner.getChainInfo().currentBlockHash)).header?.number).toBe(5)
      await expect(joiner.getBlockByNumber(3)).rejects.toSatisfy(code('LEDGER_NOT_FOUND'))
      expect(text(await joiner.newQueryExecutor().getState('cc', 'a'))).toBe('8')
      await joiner.close()
      await h.ledger.close()
    })

    it('a txId both before the snapshot and in the tail: a VALID tail occurrence is its location, else it is before the snapshot', async () => {
      const h = await harness(makeFactory())
      await h.commit([await h.tx('x', put('a')), await h.tx('y', put('b'))], [MVCC, V])
      await h.commit([await h.tx('x', put('a')), await h.tx('y', put('b'))], [V, TxValidationCode.DUPLICATE_TXID])
      const joiner = await createLedgerFromSnapshot({ channelId: 'ch1', storage: makeFactory() }, await exportSnapshot(h.ledger, { tailBlocks: 1 }))
      expect(await joiner.blockStore.getTxLocs(['x', 'y'])).toEqual([{ blockNum: 1, txNum: 0, validationCode: V }, { beforeSnapshot: true, firstAvailableBlock: 1 }])
      await joiner.close()
    })

    it('survives reopen and a forced filter rebuild; the next commit and a snapshot of the snapshot keep them', async () => {
      const h = await sixBlocks(makeFactory())
      const factory = recordingFactory(makeFactory())
      let joiner = await createLedgerFromSnapshot({ channelId: 'ch1', storage: factory }, await exportSnapshot(h.ledger, { tailBlocks: 2 }))
      // The bootstrap persisted a filter that holds them.
      expect(await joiner.kvStore.get('chain', ['txIdFilter', 'meta'])).toMatchObject({ upTo: 5 })
      await joiner.close()
      joiner = await KvLedger.open({ channelId: 'ch1', storage: factory })
      expect(await joiner.blockStore.txIdsExist([...PRE, ...TAIL])).toEqual([...PRE, ...TAIL].map(() => true))

      // Lose the persisted filter: the open rebuilds it from every blockIndex record, pseudo-records included.
      await joiner.kvStore.write([{ type: 'del', table: 'chain', key: ['txIdFilter', 'meta'] }, { type: 'delRange', table: 'chain', range: { gte: ['txIdFilter', 0], lt: ['txIdFilter', 'meta'] } }])
      await joiner.close()
      joiner = await KvLedger.open({ channelId: 'ch1', storage: factory })
      const rec = factory.last
      if (rec === undefined) throw new Error('no recorded store')
      rec.lookups.length = 0
      expect(await joiner.blockStore.txIdsExist(FRESH)).toEqual(FRESH.map(() => false))
      expect(rec.lookups.flat().length).toBeLessThanOrEqual(3) // a filter was rebuilt, not skipped
      const keyOnlyBefore = rec.keyOnlyLookups
      const lookupsBefore = rec.lookups.length
      expect(await joiner.blockStore.txIdsExist(PRE)).toEqual(PRE.map(() => true))
      // Existence reads primary keys only, never the (large) snapshot chunk records.
      expect(rec.lookups.length - lookupsBefore).toBe(1)
      expect(rec.keyOnlyLookups - keyOnlyBefore).toBe(1)

      // The joiner commits block 6 on top; its own snapshot (tail: block 6 only) lists the
      // original pre-snapshot txIds and the blocks it held before its tail.
      await joiner.commit(h.chain.next([await h.tx('t9', put('h'))]), [V])
      const again = await exportSnapshot(joiner, { tailBlocks: 1 })
      expect(parse(again).body.txIds).toEqual([...PRE, ...TAIL])
      const second = await createLedgerFromSnapshot({ channelId: 'ch1', storage: makeFactory() }, again)
      expect(await second.blockStore.txIdsExist([...PRE, ...TAIL, 't9', 'never'])).toEqual([...PRE, ...TAIL].map(() => true).concat([true, false]))
      await expect(second.getTransactionByID('t7')).rejects.toThrow('first available block 6')
      await second.close()
      await joiner.close()
      await h.ledger.close()
    })

    it('an old weft-ledger-snapshot/1 still imports, with its limitation (no pre-tail txIds)', async () => {
      const h = await sixBlocks(makeFactory())
      const v1 = rewrite(await exportSnapshot(h.ledger, { tailBlocks: 2 }), (o) => { o.format = 'weft-ledger-snapshot/1'; delete o.body.txIds }, true)
      const joiner = await createLedgerFromSnapshot({ channelId: 'ch1', storage: makeFactory() }, v1)
      expect(await joiner.blockStore.txIdsExist(['t0', 't7', 't8'])).toEqual([false, true, true])
      expect(joiner.getChainInfo().height).toBe(6)
      await joiner.close()
      await h.ledger.close()
    })
  })
}

describe('snapshot txIds: integrity and input checks', () => {
  it('the hash covers the txIds: a tampered txId is refused, an honestly rehashed list gives another snapshot hash', async () => {
    const h = await sixBlocks(memoryKvStoreFactory())
    const snap = await exportSnapshot(h.ledger, { tailBlocks: 2 })
    const swap = (o: Outer): void => { (o.body.txIds as string[])[3] = 't3x' }
    const tampered = rewrite(snap, swap, false)
    await expect(createLedgerFromSnapshot({ channelId: 'ch1', storage: memoryKvStoreFactory() }, tampered)).rejects.toThrow('content hash mismatch')
    expect(() => snapshotHash(tampered)).toThrow('content hash mismatch')
    expect(snapshotHash(rewrite(snap, swap, true))).not.toBe(snapshotHash(snap))
  })

  it('refuses a txId list that is missing, not strings, empty, unsorted or repeated — even with a right hash', async () => {
    const h = await sixBlocks(memoryKvStoreFactory())
    const snap = await exportSnapshot(h.ledger, { tailBlocks: 2 })
    const cases: Array<[string, (o: Outer) => void]> = [
      ['missing in /2', (o) => { delete o.body.txIds }],
      ['not an array', (o) => { o.body.txIds = 't0' as unknown as string[] }],
      ['not a string', (o) => { o.body.txIds = [1, 2] as unknown as string[] }],
      ['empty txId', (o) => { o.body.txIds = ['', 't0'] }],
      ['unsorted', (o) => { o.body.txIds = ['t1', 't0'] }],
      ['repeated', (o) => { o.body.txIds = ['t0', 't0'] }],
      ['txIds in a /1 snapshot', (o) => { o.format = 'weft-ledger-snapshot/1' }],
      ['unknown format', (o) => { o.format = 'weft-ledger-snapshot/3' }]
    ]
    for (const [why, change] of cases) {
      await expect(createLedgerFromSnapshot({ channelId: 'ch1', storage: memoryKvStoreFactory() }, rewrite(snap, change, true)), why).rejects.toSatisfy(code('LEDGER_SNAPSHOT_INVALID'))
    }
  })

  it('the block store stores many txIds in chunks (one put per few thousand), lists them back sorted, and pages the export', async () => {
    const factory = memoryKvStoreFactory()
    const store = await factory.open('bs', BLOCK_TABLES)
    const bs = await BlockStore.open(store)
    const n = 2 * SNAPSHOT_TXIDS_PER_RECORD + 100
    const txIds = Array.from({ length: n }, (_, i) => `pre-${i.toString(16).padStart(6, '0')}`)
    const { ops, apply } = bs.prepareBootstrap({ height: 10, currentBlockHash: new Uint8Array(32), previousBlockHash: new Uint8Array(32) }, [], txIds)
    const chunkPuts = ops.filter((op) => op.type === 'put' && op.table === 'blockIndex')
    expect(chunkPuts.map((op) => op.type === 'put' ? op.key : undefined)).toEqual([-3, -2, -1])
    await store.write(ops)
    apply()
    // A sample: every chunk's first and last, and every 97th (the memory backend scans per key).
    const sample = txIds.filter((_, i) => i % 97 === 0 || i % SNAPSHOT_TXIDS_PER_RECORD === 0 || i % SNAPSHOT_TXIDS_PER_RECORD === SNAPSHOT_TXIDS_PER_RECORD - 1 || i === n - 1)
    expect(await bs.txIdsExist([...sample, 'fresh'])).toEqual([...sample.map(() => true), false])
    // 300 blocks on top (more than one export page of records), each with 2 txIds.
    for (let b = 10; b < 310; b++) await append(bs, store, blockTxIds(b, 2))
    const exported = await bs.exportTxIdsBefore(305)
    const expected = [...txIds, ...Array.from({ length: 295 }, (_, i) => blockTxIds(i + 10, 2)).flat()].sort()
    expect(exported).toEqual(expected)
    expect(exported.length).toBe(n + 590)
    // A reopen whose filter must be rebuilt still finds the chunked txIds.
    await store.write([{ type: 'del', table: 'chain', key: ['txIdFilter', 'meta'] }])
    const reopened = await BlockStore.open(store)
    expect(await reopened.txIdsExist(sample)).toEqual(sample.map(() => true))
    await expect(reopened.exportTxIdsBefore(-1)).rejects.toSatisfy(code('LEDGER_BAD_INPUT'))
  })
})
