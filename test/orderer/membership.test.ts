import { describe, expect, it } from 'vitest'
import { DEFAULT_BATCH_CONFIG } from '../../src/orderer/blockcutter.js'
import type { OrderingChain } from '../../src/orderer/chain.js'
import { InProcessOrderers } from '../../src/orderer/in-process.js'
import { consenterChanges, consenterIdsOfBlock, nextConfChange } from '../../src/orderer/membership.js'
import { SEEK_FOREVER, SEEK_OLDEST, newSeekEnvelope, seekInfo } from '../../src/orderer/deliver.js'
import { ConfChangeType } from '../../src/orderer/raft/conf-change.js'
import { HeaderType, Status } from '../../src/protos/index.js'
import { DEFAULT_ETCDRAFT_OPTIONS } from '../../src/orderer/raft/config.js'
import { CHANNEL, configEnvelope, envelope, genesisBlock, network, txIds } from './chain-helpers.js'
import { FakeClock } from './fake-clock.js'

const text = new TextEncoder()
const votersOf = (chain: OrderingChain): number[] => [...chain.raft.rawNode.raft.confState().voters].sort((a, b) => a - b)

async function cluster (snapshotIntervalSize = DEFAULT_ETCDRAFT_OPTIONS.snapshotIntervalSize): Promise<{ net: InProcessOrderers, clock: FakeClock }> {
  const clock = new FakeClock()
  const net = await InProcessOrderers.create({
    consenters: 3, // the genesis config names 1, 2, 3, which wins
    genesis: genesisBlock(configEnvelope([1, 2, 3], 0)),
    clock,
    seed: 7,
    batch: { ...DEFAULT_BATCH_CONFIG, maxMessageCount: 5 },
    options: { ...DEFAULT_ETCDRAFT_OPTIONS, snapshotIntervalSize },
    signerFor: id => ({ serialize: () => text.encode(`orderer${id}`), sign: async () => new Uint8Array([id]) }),
    nonce: () => new Uint8Array(24)
  })
  await clock.advance(3_000)
  return { net, clock }
}

describe('consenter set (Fabric etcdraft membership: one consenter per config block)', () => {
  it.each([
    [[1, 2, 3], [1, 2, 3, 4], { type: ConfChangeType.AddNode, nodeId: 4 }, 1],
    [[1, 2, 3], [2, 3], { type: ConfChangeType.RemoveNode, nodeId: 1 }, 1],
    [[1, 2, 3], [1, 2, 4], { type: ConfChangeType.AddNode, nodeId: 4 }, 2], // a swap is two changes: add first
    [[1, 2, 3], [3, 2, 1], undefined, 0]
  ])('%j -> %j', (from, to, change, count) => {
    expect(nextConfChange(from, to)).toEqual(change)
    expect(consenterChanges(from, to)).toBe(count)
  })

  it('reads consenter ids from a config block, and nothing from other blocks', () => {
    expect(consenterIdsOfBlock(genesisBlock(configEnvelope([3, 1, 2], 0)))).toEqual([1, 2, 3])
    expect(consenterIdsOfBlock(genesisBlock())).toBeUndefined() // a config without an Orderer group
    expect(consenterIdsOfBlock(genesisBlock(envelope('tx1')))).toBeUndefined()
  })

  it('adds a consenter once the config block naming it commits, then removes the leader by another', async () => {
    const { net, clock } = await cluster()
    let leader = net.leader() as OrderingChain
    expect(votersOf(leader)).toEqual([1, 2, 3])
    await leader.broadcast(envelope('tx1'))
    expect((await leader.broadcast(configEnvelope([1, 2, 3, 4], 1))).status).toBe(Status.SUCCESS)
    await leader.broadcast(envelope('tx2'))
    const added = await net.addConsenter(4) // the new orderer's tab opens
    await clock.advance(2_000)
    for (const chain of net.chains.values()) {
      expect(votersOf(chain)).toEqual([1, 2, 3, 4])
      expect(chain.consenters).toEqual([1, 2, 3, 4])
    }
    expect(added.height).toBe(leader.height) // caught up from the log
    expect(await txIds(added)).toEqual(await txIds(leader))

    // Remove the current leader: it steps down when the change applies; the others elect a leader.
    const leaderId = [...net.chains.entries()].find(([, c]) => c === leader)?.[0] as number
    const remaining = [1, 2, 3, 4].filter(id => id !== leaderId)
    expect((await leader.broadcast(configEnvelope(remaining, 2))).status).toBe(Status.SUCCESS)
    await clock.advance(5_000)
    const next = net.leader() as OrderingChain
    expect(next).toBeDefined()
    expect(next).not.toBe(leader)
    expect(votersOf(next)).toEqual(remaining)
    expect((await next.broadcast(envelope('tx3'))).status).toBe(Status.SUCCESS)
    await clock.advance(1_000)
    for (const id of remaining) expect((await txIds(net.chains.get(id) as OrderingChain)).filter(t => t.startsWith('tx'))).toEqual(['tx1', 'tx2', 'tx3'])
    leader = net.chains.get(leaderId) as OrderingChain
    expect(leader.isLeader).toBe(false)
    // The evicted consenter halted: Deliver ends instead of waiting for blocks it will not write.
    const statuses: number[] = []
    const request = await newSeekEnvelope({ channelId: CHANNEL, seekInfo: seekInfo(SEEK_OLDEST, SEEK_FOREVER) })
    for await (const r of leader.deliver(request)) if (r.status !== undefined) statuses.push(r.status)
    expect(statuses).toEqual([Status.SERVICE_UNAVAILABLE])
    await net.stop()
  })

  it('refuses a config that changes more than one consenter or leaves none', async () => {
    const { net } = await cluster()
    const leader = net.leader() as OrderingChain
    const swap = await leader.broadcast(configEnvelope([1, 2, 4], 1))
    expect(swap.status).toBe(Status.BAD_REQUEST)
    expect(swap.info).toMatch(/more than one consenter/)
    expect((await leader.broadcast(configEnvelope([1, 4, 5, 2, 3], 1))).status).toBe(Status.BAD_REQUEST)
    expect((await leader.broadcast(configEnvelope([], 1))).status).toBe(Status.BAD_REQUEST)
    expect((await leader.broadcast(configEnvelope([1, 2], 1))).status).toBe(Status.SUCCESS)
    await net.stop()
  })

  it('a consenter added after the log was compacted installs a snapshot and pulls the blocks', async () => {
    const { net, clock } = await cluster(1024)
    const leader = net.leader() as OrderingChain
    for (let i = 1; i <= 30; i++) {
      await leader.broadcast(envelope(`tx${i}`, HeaderType.ENDORSER_TRANSACTION, 100))
      if (i % 5 === 0) await clock.advance(300)
    }
    expect((await leader.broadcast(configEnvelope([1, 2, 3, 4], 1))).status).toBe(Status.SUCCESS)
    await clock.advance(1_000)
    expect(leader.raft.rawNode.raft.log.firstIndex()).toBeGreaterThan(2) // compacted
    const added = await net.addConsenter(4)
    await clock.advance(3_000)
    expect(net.pulledBlocks).toBeGreaterThan(0)
    expect(votersOf(added)).toEqual([1, 2, 3, 4])
    expect(added.height).toBe(leader.height)
    expect(await txIds(added)).toEqual(await txIds(leader))
    await net.stop()
  })

  it('a newly elected leader finishes a change the last config block asks for', async () => {
    // Raft starts with 1, 2, 3 while the genesis config already names 4: as if the leader that
    // wrote the config block stopped before proposing the conf change.
    const net = await network(3, { genesis: genesisBlock(configEnvelope([1, 2, 3, 4], 0)) })
    await net.clock.advance(1_000)
    for (const chain of net.chains.values()) expect(votersOf(chain)).toEqual([1, 2, 3, 4])
    await net.stopAll()
  })
})
