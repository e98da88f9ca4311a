// The committer's product configuration in Chromium: blocks handed in as a stream, prepared ahead
// while earlier ones commit, signatures verified on real Web Workers, state on real IndexedDB.
import { describe, expect, it } from 'vitest'
import { Committer, ledgerCommittedState } from '../../src/committer/index.js'
import { createBrowserVerifierPool } from '../../src/crypto/verifier-pool/browser.js'
import { KvLedger } from '../../src/ledger/index.js'
import { MspManager, SignaturePolicyEvaluator, policyFromString } from '../../src/policy/index.js'
import { idbKvStoreFactory } from '../../src/storage/index.js'
import { TestOrg } from '../../src/testing/org.js'
import { BlockValidator } from '../../src/validator/index.js'
import { dependentBlocks } from './dependent-blocks.js'

describe('pipelined Committer in the browser', () => {
  it('commits a stream of dependent blocks in order with Web Worker verification and IndexedDB', async () => {
    const [org1, org2] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP')])
    const [p1, p2, client] = await Promise.all([org1.enroll('p1', { role: 'peer' }), org2.enroll('p2', { role: 'peer' }), org1.enroll('c1')])
    const msps = new MspManager([org1.msp, org2.msp])
    const policy = new SignaturePolicyEvaluator(policyFromString("AND('Org1MSP.peer', 'Org2MSP.peer')"), msps)
    const { blocks, expected } = await dependentBlocks({ client, endorsers: [p1, p2] }, 6, 12)

    const ledger = await KvLedger.open({ channelId: 'ch', storage: idbKvStoreFactory({ namePrefix: `pipeline-${Math.random().toString(36).slice(2)}-` }) })
    const pool = createBrowserVerifierPool({ workers: 2, minParallelBatch: 1, minGain: 0 })
    try {
      const validator = new BlockValidator({ channelId: 'ch', msps, state: ledgerCommittedState(ledger), policyFor: async (ns) => ns === 'cc' ? policy : undefined, verifier: pool })
      const committer = new Committer(ledger, validator, { pipelineDepth: 3 })
      const committed = await Promise.all(blocks.map(async (block) => await committer.commitBlock(block)))
      expect(committed.map((c) => c.txs.map((t) => t.code))).toEqual(expected)
      expect(committed.map((c) => c.blockNum)).toEqual([0, 1, 2, 3, 4, 5])
      expect((await ledger.state.get('cc', 'counter'))?.version).toEqual({ blockNum: 5, txNum: 0 })
      expect(await ledger.state.get('cc', 'stale3')).toBeUndefined()
      expect(pool.liveWorkers).toBe(2)
      expect(pool.workerFailures).toEqual([])
    } finally {
      pool.close()
      await ledger.close()
    }
  })
})
