import { beforeAll, describe, expect, it } from 'vitest'
import { Committer, ledgerCommittedState } from '../../src/committer/index.js'
import { KvLedger } from '../../src/ledger/index.js'
import { MspManager, SignaturePolicyEvaluator, policyFromString } from '../../src/policy/index.js'
import type { Policy } from '../../src/policy/index.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import { BlockMetadataIndex, TxValidationCode as C, blockHeaderHash, blockMetadataAt } from '../../src/protos/index.js'
import type { Block } from '../../src/protos/index.js'
import { memoryKvStoreFactory } from '../../src/storage/index.js'
import { BlockValidator } from '../../src/validator/index.js'
import { TestOrg } from '../../src/testing/org.js'
import { makeBlock, makeTx } from '../validator/fixtures.js'
import type { RwSpec } from '../validator/fixtures.js'

let o1peer: SigningIdentity, o2peer: SigningIdentity, client: SigningIdentity
let msps: MspManager
let policy: Policy

beforeAll(async () => {
  const [org1, org2] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP')])
  ;[o1peer, o2peer, client] = await Promise.all([org1.enroll('p1', { role: 'peer' }), org2.enroll('p2', { role: 'peer' }), org1.enroll('c1')])
  msps = new MspManager([org1.msp, org2.msp])
  policy = new SignaturePolicyEvaluator(policyFromString("AND('Org1MSP.peer', 'Org2MSP.peer')"), msps)
})

async function setup (): Promise<{ ledger: KvLedger, committer: Committer }> {
  const ledger = await KvLedger.open({ channelId: 'ch', storage: memoryKvStoreFactory() })
  const validator = new BlockValidator({ channelId: 'ch', msps, state: ledgerCommittedState(ledger), policyFor: async (ns) => ns === 'cc' ? policy : undefined })
  return { ledger, committer: new Committer(ledger, validator) }
}
const w = (key: string, value: string): NonNullable<RwSpec['kv']['writes']> => [{ key, isDelete: false, value: new TextEncoder().encode(value) }]
function next (prev: Block, envelopes: Uint8Array[]): Block {
  return makeBlock((prev.header?.number ?? 0) + 1, envelopes, blockHeaderHash(prev.header as NonNullable<Block['header']>))
}

describe('Committer', () => {
  it('commits valid writes only, stores the codes, and tells waiters', async () => {
    const { ledger, committer } = await setup()
    const good = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: w('a', '1') } }] })
    const bad = await makeTx({ creator: client, endorsers: [o1peer], rwsets: [{ namespace: 'cc', kv: { writes: w('b', '1') } }] })
    const waiting = committer.waitForTx(bad.txId)
    const b0 = makeBlock(0, [good.envelope, bad.envelope])
    const committed = await committer.commitBlock(b0)
    expect(committed.txs.map((t) => t.code)).toEqual([C.VALID, C.ENDORSEMENT_POLICY_FAILURE])
    expect((await waiting).code).toBe(C.ENDORSEMENT_POLICY_FAILURE)
    expect(new TextDecoder().decode((await ledger.state.get('cc', 'a'))?.value)).toBe('1')
    expect(await ledger.state.get('cc', 'b')).toBeUndefined()
    expect([...blockMetadataAt(await ledger.getBlockByNumber(0), BlockMetadataIndex.TRANSACTIONS_FILTER)]).toEqual([C.VALID, C.ENDORSEMENT_POLICY_FAILURE])

    // Next block: a fresh read is valid, a stale read conflicts, the old txId is a duplicate across blocks.
    const fresh = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { reads: [{ key: 'a', version: { blockNum: 0, txNum: 0 } }], writes: w('a', '2') } }] })
    const stale = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { reads: [{ key: 'a', version: { blockNum: 0, txNum: 0 } }], writes: w('c', '1') } }] })
    const b1 = next(b0, [fresh.envelope, stale.envelope, good.envelope])
    expect((await committer.commitBlock(b1)).txs.map((t) => t.code)).toEqual([C.VALID, C.MVCC_READ_CONFLICT, C.DUPLICATE_TXID])
    expect((await ledger.state.get('cc', 'a'))?.version).toEqual({ blockNum: 1, txNum: 0 })

    // A block of only invalid transactions still commits.
    const b2 = next(b1, [new Uint8Array(0), stale.envelope])
    expect((await committer.commitBlock(b2)).txs.map((t) => t.code)).toEqual([C.NIL_ENVELOPE, C.DUPLICATE_TXID])
    expect(ledger.getChainInfo().height).toBe(3)
    await ledger.close()
  })

  it('a tampered block is refused and nothing changes', async () => {
    const { ledger, committer } = await setup()
    const good = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: w('a', '1') } }] })
    const block = makeBlock(0, [good.envelope])
    ;(block.header as { dataHash: Uint8Array }).dataHash = new Uint8Array(32)
    await expect(committer.commitBlock(block)).rejects.toMatchObject({ code: 'VALIDATOR_BAD_BLOCK' })
    expect(ledger.getChainInfo().height).toBe(0)
    // The queue keeps working after a refused block.
    await committer.commitBlock(makeBlock(0, [good.envelope]))
    expect(ledger.getChainInfo().height).toBe(1)
    await ledger.close()
  })
})
