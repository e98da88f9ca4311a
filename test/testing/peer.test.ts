import { describe, expect, it } from 'vitest'
import { BlockWriter } from '../../src/orderer/block-writer.js'
import { AclProvider, ChannelPolicies, MspManager } from '../../src/policy/index.js'
import { blockHeaderHash, type Block } from '../../src/protos/index.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import { TestOrg } from '../../src/testing/org.js'
import { TEST_ORDERER_MSP } from '../../src/testing/orderer.js'
import { TestPeer, ordererBlockValidation } from '../../src/testing/peer.js'
import { ValidatorError } from '../../src/validator/index.js'
import { makeBlock } from '../validator/fixtures.js'

describe('TestPeer: orderer block signatures (BlockValidation)', () => {
  it("commits blocks signed by the orderer org's orderer and refuses unsigned or wrongly signed ones", async () => {
    const [org, ordererOrg] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create(TEST_ORDERER_MSP)])
    const [orderer, ordererClient] = await Promise.all([ordererOrg.enroll('orderer1', { role: 'orderer' }), ordererOrg.enroll('c1', { role: 'client' })])
    const policies = new ChannelPolicies({ msps: new MspManager([org.msp]) })
    const peer = await TestPeer.create({
      name: 'peer0', mspId: 'Org1MSP', channelId: 'ch', identity: await org.enroll('peer0', { role: 'peer' }),
      policies, acl: new AclProvider(policies), storage: memoryKvStoreFactory(),
      blockValidation: ordererBlockValidation(ordererOrg.msp)
    })
    try {
      const genesis = makeBlock(0, [])
      await peer.ledger.commit(genesis, [])
      const next = async (signer: SigningIdentity | undefined): Promise<Block> => {
        const block = makeBlock(1, [], blockHeaderHash(genesis.header as NonNullable<Block['header']>))
        if (signer !== undefined) await new BlockWriter(genesis, 0, signer).commit(block, { isConfig: false })
        return block
      }
      const refused = (err: unknown): boolean => err instanceof ValidatorError && err.code === 'VALIDATOR_BAD_BLOCK_SIGNATURE'
      await expect(peer.committer.commitBlock(await next(undefined))).rejects.toSatisfy(refused)
      await expect(peer.committer.commitBlock(await next(ordererClient))).rejects.toSatisfy(refused)
      expect(peer.ledger.blockStore.height).toBe(1)
      await peer.committer.commitBlock(await next(orderer))
      expect(peer.ledger.blockStore.height).toBe(2)
    } finally {
      await peer.close()
    }
  })
})

describe('TestPeer.reached', () => {
  it('resolves once the block is committed, at once when it already is, and when the peer refused a block', async () => {
    const org = await TestOrg.create('Org1MSP')
    const policies = new ChannelPolicies({ msps: new MspManager([org.msp]) })
    const peer = await TestPeer.create({
      name: 'peer0', mspId: 'Org1MSP', channelId: 'ch', identity: await org.enroll('peer0', { role: 'peer' }),
      policies, acl: new AclProvider(policies), storage: memoryKvStoreFactory()
    })
    try {
      const genesis = makeBlock(0, [])
      let reached1 = false
      const waiting = peer.reached(1).then(() => { reached1 = true })
      await peer.ledger.commit(genesis, [])
      await peer.reached(0) // already committed
      expect(reached1).toBe(false)
      await peer.committer.commitBlock(makeBlock(1, [], blockHeaderHash(genesis.header as NonNullable<Block['header']>)))
      await waiting
      expect(reached1).toBe(true)

      let reached5 = false
      const never = peer.reached(5).then(() => { reached5 = true })
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(reached5).toBe(false)
      peer.refused(new Error('bad block'))
      await never
      expect(peer.commitErrors).toHaveLength(1)
    } finally {
      await peer.close()
    }
  })
})

