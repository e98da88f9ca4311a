/** The txId filter through the ledger: snapshot bootstrap, reopen, the committer's duplicate query. */
import { describe, expect, it } from 'vitest'
import { ledgerCommittedState } from '../../src/committer/ledger-state.js'
import { PERSIST_FILTER_EVERY } from '../../src/ledger/blockstore/block-store.js'
import { createLedgerFromSnapshot, exportSnapshot } from '../../src/ledger/snapshot.js'
import type { TxSimulator } from '../../src/ledger/api.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { harness } from './ledger-suite.js'
import { utf8 } from './fixtures.js'
import { recordingFactory } from './recording-store.js'

const put = (k: string) => (sim: TxSimulator) => { sim.setState('cc', k, utf8(k)) }
const fresh = Array.from({ length: 200 }, (_, i) => `never-${i}`)

describe('txId filter through the ledger', () => {
  it('a ledger bootstrapped from a snapshot finds the tail blocks\' txIds, from a filter persisted at bootstrap', async () => {
    const h = await harness(memoryKvStoreFactory())
    await h.commit([await h.tx('t0', put('a'))])
    await h.commit([await h.tx('t1', put('b')), await h.tx('t2', put('c'))])
    await h.commit([await h.tx('t3', put('d'))])
    const snap = await exportSnapshot(h.ledger, { tailBlocks: 2 })

    const factory = recordingFactory(memoryKvStoreFactory())
    const joiner = await createLedgerFromSnapshot({ channelId: 'ch1', storage: factory }, snap)
    expect(await joiner.kvStore.get('chain', ['txIdFilter', 'meta'])).toMatchObject({ upTo: 2, segments: 1 })
    const rec = factory.last
    expect(rec).toBeDefined()
    const locs = await joiner.blockStore.getTxLocs(['t1', 't2', 't3', 't0'])
    expect(locs.map((l) => l?.blockNum)).toEqual([1, 1, 2, undefined])
    expect(locs[3]).toEqual({ beforeSnapshot: true, firstAvailableBlock: 1 }) // t0 precedes the tail: known from the snapshot's txId list, not located
    if (rec === undefined) return
    rec.lookups.length = 0
    expect((await joiner.blockStore.getTxLocs(fresh)).every((l) => l === undefined)).toBe(true)
    expect(rec.lookups.flat().length).toBeLessThanOrEqual(2)
    // The joiner keeps committing on top of the bootstrapped filter.
    const next = h.chain.next([await h.tx('t4', put('e'))])
    await joiner.commit(next, [0])
    expect((await ledgerCommittedState(joiner).txIdsExist(['t0', 't1', 't4', 'never']))).toEqual([true, true, true, false])
  })

  it('the committer\'s duplicate query sees every committed txId across persist points and reopen', async () => {
    const factory = recordingFactory(memoryKvStoreFactory())
    const h = await harness(factory)
    const blocks = PERSIST_FILTER_EVERY + 8
    for (let n = 0; n < blocks; n++) await h.commit([await h.tx(`t${n}`, put(`k${n}`)), await h.tx(`u${n}`, put(`j${n}`))], [0, 11])
    const all = Array.from({ length: blocks }, (_, n) => [`t${n}`, `u${n}`]).flat()
    for (const reopen of [false, true]) {
      const ledger = reopen ? await h.reopen() : h.ledger
      expect(await ledgerCommittedState(ledger).txIdsExist([...all, 'never', 't0'])).toEqual([...all.map(() => true), false, true])
      const rec = factory.last
      if (rec === undefined) throw new Error('no store')
      rec.lookups.length = 0
      expect((await ledgerCommittedState(ledger).txIdsExist(fresh)).every((e) => !e)).toBe(true)
      expect(rec.lookups.flat().length).toBeLessThanOrEqual(2)
    }
  })
})
