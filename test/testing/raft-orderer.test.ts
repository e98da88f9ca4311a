import { afterEach, describe, expect, it } from 'vitest'
import { RaftOrderingService } from '../../src/orderer/index.js'
import { blockHeaderHash, type Block } from '../../src/protos/index.js'
import { createTestNetwork, TestNetworkError, type TestNetwork } from '../../src/testing/index.js'
import { ValidatorError } from '../../src/validator/index.js'
import { makeBlock } from '../validator/fixtures.js'
import { ASSETS } from './contracts.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const headerHash = (block: Block): string => hex(blockHeaderHash(block.header as NonNullable<Block['header']>))

function raftOf (net: TestNetwork): RaftOrderingService {
  expect(net.orderer).toBeInstanceOf(RaftOrderingService)
  return net.orderer as RaftOrderingService
}

/** Waits until every peer has committed every block the most advanced consenter wrote. */
async function settled (net: TestNetwork): Promise<number> {
  const raft = raftOf(net)
  for (let i = 0; i < 500; i++) {
    const height = Math.max(...[...raft.orderers.chains.entries()].filter(([id]) => raft.orderers.isUp(id)).map(([, c]) => c.height))
    if (net.peers.every((p) => p.ledger.blockStore.height === height)) return height
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('peers did not catch up with the orderer')
}

/** Peers and every live consenter hold the same blocks, from the genesis block on (one hash chain). */
async function expectOneHashChain (net: TestNetwork): Promise<number> {
  const raft = raftOf(net)
  const height = await settled(net)
  for (let n = 0; n < height; n++) {
    const expected = headerHash(await raft.orderers.leader()?.block(n) as Block)
    for (const [id, chain] of raft.orderers.chains) if (raft.orderers.isUp(id)) expect(headerHash(await chain.block(n) as Block)).toBe(expected)
    for (const peer of net.peers) {
      const block = await peer.ledger.getBlockByNumber(n)
      expect(headerHash(block)).toBe(expected)
      if (n > 0) expect(hex(block.header?.previousHash ?? new Uint8Array())).toBe(headerHash(await peer.ledger.getBlockByNumber(n - 1)))
    }
  }
  expect(raft.deliveryErrors).toEqual([])
  expect(net.peers.flatMap((p) => p.commitErrors)).toEqual([])
  return height
}

describe('createTestNetwork on the Raft ordering service', () => {
  let net: TestNetwork | undefined
  afterEach(async () => { await net?.close(); net = undefined })

  it('is the default (one consenter); peers join with the genesis config block and share the hash chain', async () => {
    net = await createTestNetwork({ orgs: ['Org1MSP'] })
    const raft = raftOf(net)
    expect([...raft.orderers.chains.keys()]).toEqual([1])
    await net.deployChaincode('basic', ASSETS)
    await net.getContract('basic').submitTransaction('CreateAsset', 'a1', 'blue')
    expect(await expectOneHashChain(net)).toBeGreaterThanOrEqual(4) // genesis, approve, commit, CreateAsset
    const genesis = await net.peers[0]?.ledger.getBlockByNumber(0) as Block
    expect(genesis.header?.previousHash).toHaveLength(0)
  }, 60_000)

  it('3 consenters: submits commit on every peer; after the leader stops, a new one is elected and the next submit commits', async () => {
    net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'], orderer: { consenters: 3 } })
    const raft = raftOf(net)
    expect([...raft.orderers.chains.keys()]).toEqual([1, 2, 3])
    await net.deployChaincode('basic', ASSETS, { endorsementPolicy: "AND('Org1MSP.peer','Org2MSP.peer')" })
    const c = net.getContract('basic')
    await c.submitTransaction('CreateAsset', 'a1', 'blue')
    await expectOneHashChain(net)

    const leaderId = [...raft.orderers.chains.entries()].find(([, chain]) => chain.isLeader)?.[0] as number
    expect(leaderId).toBeDefined()
    await raft.orderers.crash(leaderId)
    const status = await (await c.submitAsync('CreateAsset', { arguments: ['a2', 'green'] })).getStatus()
    expect(status.codeName).toBe('VALID')
    const newLeader = [...raft.orderers.chains.entries()].find(([id, chain]) => chain.isLeader && raft.orderers.isUp(id))?.[0]
    expect(newLeader).toBeDefined()
    expect(newLeader).not.toBe(leaderId)
    for (const peer of net.peers) expect(new TextDecoder().decode((await peer.ledger.state.get('basic', 'a2'))?.value ?? new Uint8Array())).toContain('green')
    await expectOneHashChain(net)
  }, 60_000)

  it('5 consenters: deploy and submit', async () => {
    net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'], orderer: { consenters: 5 } })
    expect(raftOf(net).orderers.chains.size).toBe(5)
    await net.deployChaincode('basic', ASSETS)
    expect(new TextDecoder().decode(await net.getContract('basic').evaluateTransaction('CountAll'))).toBe('0')
    await net.getContract('basic').submitTransaction('CreateAsset', 'a1', 'blue')
    expect(new TextDecoder().decode(await net.getContract('basic').evaluateTransaction('CountAll'))).toBe('1')
    await expectOneHashChain(net)
  }, 60_000)

  it('Broadcast requires the channel Writers policy: a peer identity is refused with 403', async () => {
    // Peers may propose (Readers), but only Writers (admins and clients) may broadcast.
    net = await createTestNetwork({ orgs: ['Org1MSP'], acls: { 'peer/Propose': '/Channel/Application/Readers' } })
    await net.deployChaincode('basic', ASSETS)
    const peerIdentity = await net.enroll('Org1MSP', 'peer9', { role: 'peer' })
    const endorsed = await net.getContract('basic', { identity: peerIdentity }).endorse('CreateAsset', { arguments: ['p1', 'red'] })
    await expect(endorsed.submit()).rejects.toMatchObject({ code: 'ORDERER_BROADCAST_REFUSED', message: /status 403/ })
  }, 60_000)

  it("'solo' keeps the solo orderer (block 0 holds transactions); other values are refused", async () => {
    net = await createTestNetwork({ orgs: ['Org1MSP'], orderer: 'solo' })
    expect(net.orderer).not.toBeInstanceOf(RaftOrderingService)
    await net.deployChaincode('basic', ASSETS)
    expect((await net.peers[0]?.ledger.getBlockByNumber(0))?.data?.data).toHaveLength(1)
    for (const orderer of [{ consenters: 2 }, 'raft', 3]) {
      await expect(createTestNetwork({ orgs: ['Org1MSP'], orderer: orderer as never })).rejects.toBeInstanceOf(TestNetworkError)
    }
  }, 60_000)

  it("peers check the consenters' block signatures: an unsigned next block is refused and nothing commits", async () => {
    net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'] })
    await net.deployChaincode('basic', ASSETS) // signed blocks from the consenters commit
    const height = await expectOneHashChain(net)
    for (const peer of net.peers) {
      const tip = await peer.ledger.getBlockByNumber(height - 1)
      const forged = makeBlock(height, [], blockHeaderHash(tip.header as NonNullable<Block['header']>))
      await expect(peer.committer.commitBlock(forged)).rejects.toSatisfy((err: unknown) =>
        err instanceof ValidatorError && err.code === 'VALIDATOR_BAD_BLOCK_SIGNATURE')
      expect(peer.ledger.blockStore.height).toBe(height)
    }
  })
})
