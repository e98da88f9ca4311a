/**
 * End to end over the real ledger (memory storage): rwsets recorded by Weft's own transaction
 * simulator, committed state read through the committer's CommittedState and the builder's
 * reader, the block validated by both engines.
 */
import { describe, expect, it } from 'vitest'
import { ledgerCommittedState } from '../../../src/committer/ledger-state.js'
import type { TxSimulator } from '../../../src/ledger/api.js'
import { KvLedger } from '../../../src/ledger/kv-ledger.js'
import { KVRWSet, TxReadWriteSet, decode, encode } from '../../../src/protos/index.js'
import { memoryKvStoreFactory } from '../../../src/storage/memory.js'
import { buildBlockMvccProblem, committedVersionReader, validateBlockMvcc } from '../../../src/validator/mvcc-wasm/index.js'
import type { MvccTxInput } from '../../../src/validator/mvcc-wasm/index.js'
import { ChainBuilder, endorserTx, utf8 } from '../../ledger/fixtures.js'

async function simulate (ledger: KvLedger, txId: string, body: (sim: TxSimulator) => Promise<void>): Promise<MvccTxInput> {
  const sim = ledger.newTxSimulator(txId)
  await body(sim)
  const rw = decode(TxReadWriteSet, await sim.getTxSimulationResults())
  sim.done()
  return { preCode: 0, rwsets: rw.nsRwset.map((ns) => ({ namespace: ns.namespace, kv: decode(KVRWSet, ns.rwset) })) }
}

describe('mvcc-wasm over the ledger and its simulator', () => {
  it('validates simulator rwsets against committed state with Fabric\'s in-block semantics', async () => {
    const ledger = await KvLedger.open({ channelId: 'ch1', storage: memoryKvStoreFactory() })
    const chain = new ChainBuilder()
    const seed = encode(KVRWSet, {
      reads: [], rangeQueriesInfo: [], metadataWrites: [],
      writes: ['k1', 'k2', 'k3', 'k4', 'k5'].map((key) => ({ key, isDelete: false, value: utf8(key) }))
    })
    const rwset = encode(TxReadWriteSet, { dataModel: TxReadWriteSet.DataModel.KV, nsRwset: [{ namespace: 'cc', rwset: seed, collectionHashedRwset: [] }] })
    await ledger.commit(chain.next([endorserTx('seed', rwset)]), [0])

    const txs = [
      await simulate(ledger, 'a', async (sim) => { await sim.getState('cc', 'k1'); sim.setState('cc', 'k1', utf8('new')) }),
      await simulate(ledger, 'b', async (sim) => { await sim.getState('cc', 'k1') }),
      await simulate(ledger, 'c', async (sim) => {
        const it = await sim.getStateRangeScanIterator('cc', 'k2', 'k4')
        while (await it.next() !== undefined);
        await it.close()
        sim.setState('cc', 'k9', utf8('x'))
      }),
      await simulate(ledger, 'd', async (sim) => { // stops after one result: not exhausted
        const it = await sim.getStateRangeScanIterator('cc', 'k3', '')
        await it.next()
        await it.close()
      }),
      await simulate(ledger, 'e', async (sim) => { sim.deleteState('cc', 'k3') }),
      await simulate(ledger, 'f', async (sim) => {
        const it = await sim.getStateRangeScanIterator('cc', 'k2', 'k5')
        while (await it.next() !== undefined);
        await it.close()
      }),
      await simulate(ledger, 'g', async (sim) => { await sim.getState('cc', 'missing') })
    ]
    const { problem } = await buildBlockMvccProblem(1, txs, committedVersionReader(ledgerCommittedState(ledger)))
    expect(problem.committed.filter((v) => v !== undefined)).toEqual(
      expect.arrayContaining([{ blockNum: 0, txNum: 0 }]))
    const expected = [0, 11, 0, 0, 0, 12, 0]
    expect([...validateBlockMvcc(problem, { engine: 'wasm' }).codes]).toEqual(expected)
    expect([...validateBlockMvcc(problem, { engine: 'reference' }).codes]).toEqual(expected)
    await ledger.close()
  })
})
