/**
 * The block store's txId filter contract, run over every storage backend (memory and
 * fake-indexeddb in Node, Chromium's IndexedDB): getTxLocs answers exactly as the txId index
 * does, fresh txIds cost no index read, and the persisted filter survives reopen, loss,
 * corruption and crashes.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { BlockStore, BLOCK_TABLES, PERSIST_FILTER_EVERY, SNAPSHOT_TXIDS_PER_RECORD, type TxLocation } from '../../src/ledger/blockstore/block-store.js'
import { TxValidationCode } from '../../src/protos/index.js'
import type { KvKey, KvStore, KvStoreFactory, WriteOp } from '../../src/storage/kv.js'
import { isWeftError } from '../../src/shared/errors.js'
import { RecordingStore } from './recording-store.js'

const V = TxValidationCode.VALID
export const META: KvKey = ['txIdFilter', 'meta']

/** Appends a block of `txIds` the way KvLedger.commit does: ops in one write, then apply. */
export async function append (bs: BlockStore, store: KvStore, txIds: string[], codes?: number[]): Promise<void> {
  const num = bs.height
  const { ops, apply } = bs.prepareAppend({
    block: { header: { number: num, previousHash: new Uint8Array(0), dataHash: new Uint8Array(0) }, data: { data: [] }, metadata: { metadata: [] } },
    bytes: Uint8Array.of(num & 0xff),
    hash: Uint8Array.from({ length: 32 }, (_, i) => (num >> (i % 4 * 8)) & 0xff),
    txIds,
    codes: Uint8Array.from(codes ?? txIds.map(() => V))
  })
  await store.write(ops)
  apply()
}

export const blockTxIds = (num: number, count: number): string[] => Array.from({ length: count }, (_, i) => `${num.toString(16).padStart(8, '0')}${i.toString(16).padStart(56, '0')}`)
export const freshTxIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `fresh-${i}`)

/** Fabric's answer (see BlockStore.getTxLoc): the first VALID occurrence, else the first. */
function modelLocations (blocks: ReadonlyArray<ReadonlyArray<{ txId: string, code: number }>>, queries: readonly string[]): Array<TxLocation | undefined> {
  const first = new Map<string, TxLocation>()
  const firstValid = new Map<string, TxLocation>()
  blocks.forEach((txs, blockNum) => txs.forEach(({ txId, code }, txNum) => {
    if (txId === '') return
    const loc = { blockNum, txNum, validationCode: code }
    if (!first.has(txId)) first.set(txId, loc)
    if (code === V && !firstValid.has(txId)) firstValid.set(txId, loc)
  }))
  return queries.map((q) => firstValid.get(q) ?? first.get(q))
}

export function txIdFilterSuite (backend: string, makeFactory: () => KvStoreFactory, options: { numRuns: number }): void {
  describe(`block store txId filter: ${backend}`, () => {
    async function open (factory: KvStoreFactory): Promise<{ rec: RecordingStore, bs: BlockStore }> {
      const rec = new RecordingStore(await factory.open('bs', BLOCK_TABLES))
      return { rec, bs: await BlockStore.open(rec.store) }
    }

    it('getTxLocs answers as the txId index does: present, absent, duplicated, in input order (differential property)', async () => {
      const pool = ['a', 'tx1', 'ab'.repeat(32), '\u00e9\ud83d\ude00', '\ud800', ' ', '0']
      const txId = fc.oneof(fc.constantFrom(...pool), fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }))
      const txs = fc.array(fc.record({ txId: fc.oneof(txId, fc.constant('')), code: fc.constantFrom(V, TxValidationCode.MVCC_READ_CONFLICT, TxValidationCode.DUPLICATE_TXID) }), { maxLength: 6 })
      await fc.assert(fc.asyncProperty(fc.array(txs, { maxLength: 5 }), fc.array(txId, { maxLength: 12 }), async (blocks, queries) => {
        const { rec, bs } = await open(makeFactory())
        for (const b of blocks) await append(bs, rec.store, b.map((t) => t.txId), b.map((t) => t.code))
        const expected = modelLocations(blocks, queries)
        expect(await bs.getTxLocs(queries)).toEqual(expected)
        // The index without the filter agrees on presence for every distinct query.
        const distinct = [...new Set(queries)]
        const rows = await rec.store.getManyFromIndex('blockIndex', 'txId', distinct)
        const viaFilter = await bs.getTxLocs(distinct)
        expect(viaFilter.map((l) => l !== undefined)).toEqual(rows.map((r) => r.length > 0))
        // The same answers after a reopen (filter rebuilt: fewer than PERSIST_FILTER_EVERY blocks).
        expect(await (await BlockStore.open(rec.store)).getTxLocs(queries)).toEqual(expected)
      }), { numRuns: options.numRuns })
    })

    it('refuses the empty string and answers an empty list, as before', async () => {
      const { rec, bs } = await open(makeFactory())
      await append(bs, rec.store, ['x', ''])
      expect(await bs.getTxLocs([])).toEqual([])
      await expect(bs.getTxLocs(['x', ''])).rejects.toSatisfy((e: unknown) => isWeftError(e, 'LEDGER_BAD_INPUT'))
      await expect(bs.getTxLoc('')).rejects.toSatisfy((e: unknown) => isWeftError(e, 'LEDGER_BAD_INPUT'))
      expect(await bs.getTxLocs(['x', 'x'])).toEqual([{ blockNum: 0, txNum: 0, validationCode: V }, { blockNum: 0, txNum: 0, validationCode: V }])
    })

    it('fresh txIds cost no index read; only possible hits are looked up', async () => {
      const { rec, bs } = await open(makeFactory())
      for (let n = 0; n < 3; n++) await append(bs, rec.store, blockTxIds(n, 20))
      const fresh = freshTxIds(500)
      expect((await bs.getTxLocs(fresh)).every((l) => l === undefined)).toBe(true)
      expect(rec.lookups).toEqual([])
      const committed = [blockTxIds(1, 20)[3] as string, blockTxIds(2, 20)[19] as string]
      const locs = await bs.getTxLocs([...fresh.slice(0, 100), ...committed, committed[0] as string])
      expect(locs.slice(100)).toEqual([{ blockNum: 1, txNum: 3, validationCode: V }, { blockNum: 2, txNum: 19, validationCode: V }, { blockNum: 1, txNum: 3, validationCode: V }])
      expect(rec.lookups).toHaveLength(1)
      expect(rec.lookups[0]).toEqual(expect.arrayContaining(committed))
      expect(rec.lookups[0]?.length).toBeLessThanOrEqual(committed.length + 2) // false positives: ~0 at 60 txIds
    })

    it(`persists the filter with every ${PERSIST_FILTER_EVERY}th block, in that block's write; a reopen replays the tail`, async () => {
      const factory = makeFactory()
      const { rec, bs } = await open(factory)
      const blocks = 2 * PERSIST_FILTER_EVERY + 6
      for (let n = 0; n < blocks; n++) await append(bs, rec.store, blockTxIds(n, 5))
      const withFilter = rec.writes.map((ops, n) => [n, ops.some((op) => op.type === 'put' && op.table === 'chain' && JSON.stringify(op.key) === JSON.stringify(META))])
      expect(withFilter.filter(([, has]) => has).map(([n]) => n)).toEqual([PERSIST_FILTER_EVERY - 1, 2 * PERSIST_FILTER_EVERY - 1])
      expect(await rec.store.get('chain', META)).toMatchObject({ upTo: 2 * PERSIST_FILTER_EVERY - 1, segments: 1 })

      await rec.store.close()
      const again = await open(factory)
      const all = Array.from({ length: blocks }, (_, n) => blockTxIds(n, 5)).flat()
      const locs = await again.bs.getTxLocs(all)
      expect(locs.every((l, i) => l?.blockNum === Math.floor(i / 5) && l.txNum === i % 5)).toBe(true)
      again.rec.lookups.length = 0
      expect((await again.bs.getTxLocs(freshTxIds(300))).every((l) => l === undefined)).toBe(true)
      expect(again.rec.lookups.flat().length).toBeLessThanOrEqual(3)
    })

    it('rebuilds the filter from the index when none is persisted or it is unusable', async () => {
      const factory = makeFactory()
      const { rec, bs } = await open(factory)
      const blocks = PERSIST_FILTER_EVERY + 3
      for (let n = 0; n < blocks; n++) await append(bs, rec.store, blockTxIds(n, 4))
      const all = Array.from({ length: blocks }, (_, n) => blockTxIds(n, 4)).flat()
      // Each case damages the filter as it is now (the previous case left it persisted whole).
      type Meta = Record<string, unknown>
      const damage: Array<[string, (meta: Meta, height: number) => WriteOp[]]> = [
        ['no persisted filter (a ledger from before it)', () => [{ type: 'del', table: 'chain', key: META }, { type: 'del', table: 'chain', key: ['txIdFilter', 0] }]],
        ['a meta of another design', (meta) => [{ type: 'put', table: 'chain', key: META, value: { ...meta, id: 'bloom/other' } }]],
        ['a meta beyond the height', (meta, height) => [{ type: 'put', table: 'chain', key: META, value: { ...meta, upTo: height } }]],
        ['a meta that is not an object', () => [{ type: 'put', table: 'chain', key: META, value: 'junk' }]],
        ['a truncated segment', () => [{ type: 'put', table: 'chain', key: ['txIdFilter', 0], value: { bits: new Uint8Array(8), count: 1 } }]],
        ['a missing segment', (meta) => [{ type: 'put', table: 'chain', key: META, value: { ...meta, segments: 2 } }]]
      ]
      let live = bs
      for (const [why, ops] of damage) {
        await rec.store.write(ops(await rec.store.get<Meta>('chain', META) ?? {}, live.height))
        const reopened = await BlockStore.open(rec.store)
        rec.lookups.length = 0
        expect((await reopened.getTxLocs(freshTxIds(300))).every((l) => l === undefined), why).toBe(true)
        expect(rec.lookups.flat().length, why).toBeLessThanOrEqual(3) // a filter was rebuilt, not skipped
        expect((await reopened.getTxLocs(all)).every((l) => l !== undefined), why).toBe(true)
        // The next block persists the rebuilt filter whole (its persisted state was unusable).
        await append(reopened, rec.store, [`after-${why}`])
        all.push(`after-${why}`)
        expect(await rec.store.get('chain', META), why).toMatchObject({ upTo: reopened.height - 1, segments: 1 })
        expect((await (await BlockStore.open(rec.store)).getTxLocs(all)).every((l) => l !== undefined), why).toBe(true)
        live = reopened
      }
    })

    it('a snapshot bootstrap\'s pre-tail txIds (negative-key blockIndex chunks) exist without a location, after reopen and rebuild', async () => {
      const factory = makeFactory()
      const { rec, bs } = await open(factory)
      const pre = Array.from({ length: SNAPSHOT_TXIDS_PER_RECORD + 10 }, (_, i) => `pre-${i.toString(16).padStart(6, '0')}`)
      const tail = blockTxIds(20, 3)
      const hash = new Uint8Array(32).fill(7)
      const { ops, apply } = bs.prepareBootstrap({ height: 21, currentBlockHash: hash, previousBlockHash: new Uint8Array(32) }, [{ num: 20, bytes: Uint8Array.of(20), hash, txIds: tail, codes: Uint8Array.from(tail.map(() => V)) }], pre)
      await rec.store.write(ops)
      apply()
      await append(bs, rec.store, blockTxIds(21, 2))
      const sample = [pre[0] as string, pre[SNAPSHOT_TXIDS_PER_RECORD - 1] as string, pre[SNAPSHOT_TXIDS_PER_RECORD] as string, pre[pre.length - 1] as string]
      const before = { beforeSnapshot: true, firstAvailableBlock: 20 }
      // Reopen as is, then without the persisted filter (rebuilt from blockIndex): both find them.
      for (const damage of [[], [{ type: 'del', table: 'chain', key: META }]] as WriteOp[][]) {
        await rec.store.write(damage)
        const store = await BlockStore.open(rec.store)
        expect(await store.getTxLocs([...sample, tail[1] as string, 'fresh'])).toEqual([...sample.map(() => before), { blockNum: 20, txNum: 1, validationCode: V }, undefined])
        expect(await store.txIdsExist([...sample, blockTxIds(21, 2)[1] as string, 'fresh'])).toEqual([true, true, true, true, true, false])
        rec.lookups.length = 0
        expect(await store.txIdsExist(freshTxIds(300))).toEqual(freshTxIds(300).map(() => false))
        expect(rec.lookups.flat().length).toBeLessThanOrEqual(3)
      }
      await expect(bs.getTxLoc(sample[0] as string)).rejects.toSatisfy((e: unknown) => isWeftError(e, 'LEDGER_BEFORE_SNAPSHOT'))
      expect(await bs.exportTxIdsBefore(21)).toEqual([...pre, ...tail].sort())
    })

    it('a crash at any op of a commit, between or at persist points, never loses a committed txId', async () => {
      const factory = makeFactory()
      const { rec, bs } = await open(factory)
      const committed: string[] = []
      const crashAll = async (live: BlockStore, num: number): Promise<BlockStore> => {
        const txIds = blockTxIds(num, 3)
        let opsInWrite = 0
        rec.store.setWriteFault((i, ops) => { opsInWrite = ops.length; throw new Error('probe') })
        await expect(append(live, rec.store, txIds)).rejects.toThrow()
        for (let at = 0; at <= opsInWrite; at++) {
          rec.store.setWriteFault((i) => { if (i === at) throw new Error(`crash at op ${at}`) })
          await expect(append(live, rec.store, txIds)).rejects.toThrow()
          rec.store.setWriteFault(undefined)
          for (const store of [live, await BlockStore.open(rec.store)]) {
            const locs = await store.getTxLocs([...committed, ...txIds])
            expect(locs.slice(0, committed.length).every((l) => l !== undefined)).toBe(true)
            expect(locs.slice(committed.length)).toEqual(txIds.map(() => undefined))
          }
        }
        await append(live, rec.store, txIds)
        committed.push(...txIds)
        return live
      }
      let live = bs
      for (let n = 0; n < PERSIST_FILTER_EVERY + 2; n++) {
        // Crash-test one block between persist points and the persisting block itself.
        if (n === 5 || n === PERSIST_FILTER_EVERY - 1) live = await crashAll(live, n)
        else {
          await append(live, rec.store, blockTxIds(n, 3))
          committed.push(...blockTxIds(n, 3))
        }
      }
      expect(await rec.store.get('chain', META)).toMatchObject({ upTo: PERSIST_FILTER_EVERY - 1 })
      expect((await (await BlockStore.open(rec.store)).getTxLocs(committed)).every((l) => l !== undefined)).toBe(true)
    })
  })
}

