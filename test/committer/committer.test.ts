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
import { BlockWriter } from '../../src/orderer/block-writer.js'
import { makeBlock, makeTx } from '../validator/fixtures.js'
import type { RwSpec } from '../validator/fixtures.js'
import { dependentBlocks } from './dependent-blocks.js'

let o1peer: SigningIdentity, o2peer: SigningIdentity, client: SigningIdentity
let msps: MspManager
let orgs: TestOrg[]
let policy: Policy

beforeAll(async () => {
  const [org1, org2] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP')])
  ;[o1peer, o2peer, client] = await Promise.all([org1.enroll('p1', { role: 'peer' }), org2.enroll('p2', { role: 'peer' }), org1.enroll('c1')])
  orgs = [org1, org2]
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

  it('refuses a block that skips a number or does not link to the tip, and commits nothing', async () => {
    const { ledger, committer } = await setup()
    const good = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: w('a', '1') } }] })
    await expect(committer.commitBlock(makeBlock(1, [good.envelope]))).rejects.toMatchObject({ code: 'VALIDATOR_BROKEN_CHAIN' })
    const b0 = makeBlock(0, [])
    await committer.commitBlock(b0)
    await expect(committer.commitBlock(makeBlock(1, [good.envelope], new Uint8Array(32)))).rejects.toMatchObject({ code: 'VALIDATOR_BROKEN_CHAIN' })
    expect(ledger.getChainInfo().height).toBe(1)
    expect(await ledger.state.get('cc', 'a')).toBeUndefined()
    await committer.commitBlock(next(b0, [good.envelope]))
    expect(ledger.getChainInfo().height).toBe(2)
    await ledger.close()
  })

  it('with a BlockValidation policy, a block signed by a non-orderer is refused and nothing commits', async () => {
    const ordererOrg = await TestOrg.create('OrdererMSP')
    const [orderer, impostor] = await Promise.all([ordererOrg.enroll('o1', { role: 'orderer' }), TestOrg.create('Org1MSP').then(async (o) => await o.enroll('x', { role: 'orderer' }))])
    const channelMsps = new MspManager([...orgs.map((o) => o.msp), ordererOrg.msp])
    const ledger = await KvLedger.open({ channelId: 'ch', storage: memoryKvStoreFactory() })
    const blockValidation = new SignaturePolicyEvaluator(policyFromString("OR('OrdererMSP.orderer')"), channelMsps)
    const validator = new BlockValidator({ channelId: 'ch', msps: channelMsps, state: ledgerCommittedState(ledger), policyFor: async (ns) => ns === 'cc' ? policy : undefined, blockValidation })
    const committer = new Committer(ledger, validator)
    const genesis = makeBlock(0, [])
    const writer = new BlockWriter(genesis, 0, orderer)
    await ledger.commit(genesis, [])
    const good = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: w('a', '1') } }] })
    const forged = next(genesis, [good.envelope])
    await new BlockWriter(genesis, 0, impostor).commit(forged, { isConfig: false })
    await expect(committer.commitBlock(forged)).rejects.toMatchObject({ code: 'VALIDATOR_BAD_BLOCK_SIGNATURE' })
    expect(ledger.getChainInfo().height).toBe(1)
    expect(await ledger.state.get('cc', 'a')).toBeUndefined()
    const signed = await writer.commit(next(genesis, [good.envelope]), { isConfig: false })
    expect((await committer.commitBlock(signed)).txs.map((t) => t.code)).toEqual([C.VALID])
    await ledger.close()
  })

  describe('pipelined (blocks handed in without awaiting each)', () => {
    it('commits in order, each block validated against the state its predecessors left, as one at a time would', async () => {
      const { blocks, expected } = await dependentBlocks({ client, endorsers: [o1peer, o2peer] })
      for (const depth of [1, 2, 4]) {
        const ledger = await KvLedger.open({ channelId: 'ch', storage: memoryKvStoreFactory() })
        const validator = new BlockValidator({ channelId: 'ch', msps, state: ledgerCommittedState(ledger), policyFor: async (ns) => ns === 'cc' ? policy : undefined })
        const committer = new Committer(ledger, validator, { pipelineDepth: depth })
        const order: number[] = []
        committer.onBlock((c) => { order.push(c.blockNum) })
        const committed = await Promise.all(blocks.map(async (block) => await committer.commitBlock(block)))
        expect(committed.map((c) => c.txs.map((t) => t.code))).toEqual(expected)
        expect(order).toEqual([0, 1, 2, 3, 4])
        expect((await ledger.state.get('cc', 'counter'))?.version).toEqual({ blockNum: 4, txNum: 0 })
        expect(committed.every((c) => c.timings?.validation?.signatures === c.txs.length * 3 && c.timings.ledger?.blockNum === c.blockNum)).toBe(true)
        await ledger.close()
      }
    })

    it('a refused block in the stream rejects alone; the next ones no longer link and are refused, the rest of the queue keeps working', async () => {
      const { blocks } = await dependentBlocks({ client, endorsers: [o1peer, o2peer] })
      const { ledger, committer } = await setup()
      const tampered: Block = { ...blocks[1] as Block, header: { ...(blocks[1]?.header as NonNullable<Block['header']>), dataHash: new Uint8Array(32) } }
      const outcomes = await Promise.allSettled([blocks[0], tampered, blocks[2]].map(async (b) => await committer.commitBlock(b as Block)))
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected'])
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'VALIDATOR_BAD_BLOCK' })
      expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'VALIDATOR_BROKEN_CHAIN' })
      expect(ledger.getChainInfo().height).toBe(1)
      await committer.commitBlock(blocks[1] as Block)
      expect(ledger.getChainInfo().height).toBe(2)
      await ledger.close()
    })

    it('holds at most pipelineDepth blocks in flight', async () => {
      const { blocks } = await dependentBlocks({ client, endorsers: [o1peer, o2peer] })
      const ledger = await KvLedger.open({ channelId: 'ch', storage: memoryKvStoreFactory() })
      const validator = new BlockValidator({ channelId: 'ch', msps, state: ledgerCommittedState(ledger), policyFor: async (ns) => ns === 'cc' ? policy : undefined })
      let preparing = 0
      let committedCount = 0
      let maxAhead = 0
      const prepare = validator.prepare.bind(validator)
      validator.prepare = async (block) => {
        preparing++
        maxAhead = Math.max(maxAhead, preparing - committedCount)
        return await prepare(block)
      }
      const committer = new Committer(ledger, validator, { pipelineDepth: 2 })
      committer.onBlock(() => { committedCount++ })
      await Promise.all(blocks.map(async (block) => await committer.commitBlock(block)))
      expect(preparing).toBe(5)
      expect(maxAhead).toBe(2)
      await ledger.close()
    })

    it('rejects a pipelineDepth that is not a positive integer', async () => {
      const { ledger } = await setup()
      const validator = new BlockValidator({ channelId: 'ch', msps, state: ledgerCommittedState(ledger), policyFor: async () => policy })
      for (const depth of [0, -1, 1.5, Number.NaN]) expect(() => new Committer(ledger, validator, { pipelineDepth: depth })).toThrow(RangeError)
      await ledger.close()
    })

    it('accept resolves once the block holds a slot (a deliver loop\'s backpressure); committed settles later', async () => {
      const { blocks, expected } = await dependentBlocks({ client, endorsers: [o1peer, o2peer] }, 3)
      const ledger = await KvLedger.open({ channelId: 'ch', storage: memoryKvStoreFactory() })
      const validator = new BlockValidator({ channelId: 'ch', msps, state: ledgerCommittedState(ledger), policyFor: async (ns) => ns === 'cc' ? policy : undefined })
      const committer = new Committer(ledger, validator, { pipelineDepth: 1 })
      const events: string[] = []
      committer.onBlock((c) => { events.push(`committed ${c.blockNum}`) })
      const first = await committer.accept(blocks[0] as Block)
      events.push('accepted 0')
      const second = committer.accept(blocks[1] as Block).then((r) => { events.push('accepted 1'); return r })
      const committed = await Promise.all([first.committed, (await second).committed])
      // With one slot, block 1 is accepted only after block 0 committed.
      expect(events).toEqual(['accepted 0', 'committed 0', 'accepted 1', 'committed 1'])
      expect(committed.map((c) => c.txs.map((t) => t.code))).toEqual(expected.slice(0, 2))
      await ledger.close()
    })
  })
})
