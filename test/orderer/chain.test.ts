import { describe, expect, it } from 'vitest'
import { OrderingChain } from '../../src/orderer/chain.js'
import type { EnvelopeFilter } from '../../src/orderer/chain.js'
import { BlockMetadataIndex, HeaderType, Status } from '../../src/protos/index.js'
import type { Block as BlockType } from '../../src/protos/index.js'
import { assertSameChains, envelope, network, txIds } from './chain-helpers.js'

describe('ordering service on Raft (Fabric etcdraft chain)', () => {
  for (const size of [1, 3, 5]) {
    it(`orders envelopes broadcast to any of ${size} consenter(s) into the same signed, hash-chained blocks`, async () => {
      const net = await network(size)
      expect(net.leader()).toBeDefined()
      const chains = [...net.chains.values()]
      for (let i = 0; i < 25; i++) {
        const response = await chains[i % chains.length]?.broadcast(envelope(`tx${i}`))
        expect(response?.status).toBe(Status.SUCCESS)
        await net.clock.advance(10)
      }
      await net.clock.advance(1_000) // BatchTimeout cuts the rest
      await assertSameChains(chains)
      for (const chain of chains) {
        expect(chain.height).toBeGreaterThanOrEqual(4) // 25 tx, at most 10 per block
        expect((await txIds(chain)).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `tx${i}`).sort())
        for (let n = 1; n < chain.height; n++) {
          const block = await chain.block(n)
          expect(block?.data?.data.length).toBeLessThanOrEqual(10)
          expect(block?.metadata?.metadata[BlockMetadataIndex.SIGNATURES]?.byteLength).toBeGreaterThan(0)
        }
      }
      for (const id of net.chains.keys()) await net.stop(id)
    })
  }

  it('puts a config transaction in a block of its own and points LAST_CONFIG at it', async () => {
    const net = await network(3)
    const leader = net.leader() as OrderingChain
    await leader.broadcast(envelope('tx1'))
    await leader.broadcast(envelope('tx2'))
    await leader.broadcast(envelope('cfg', HeaderType.CONFIG))
    await leader.broadcast(envelope('tx3'))
    await net.clock.advance(1_000)
    for (const chain of net.chains.values()) {
      expect(chain.height).toBe(4)
      expect((await chain.block(2))?.data?.data).toHaveLength(1)
      const blocks = await Promise.all([1, 2, 3].map(async n => await chain.block(n) as BlockType))
      expect(blocks.map(b => OrderingChain.lastConfigIndex(b))).toEqual([0, 2, 2])
    }
    for (const id of net.chains.keys()) await net.stop(id)
  })

  it('keeps ordering after the leader stops, with an unbroken chain', async () => {
    const net = await network(3)
    const first = net.leader() as OrderingChain
    for (let i = 0; i < 5; i++) await first.broadcast(envelope(`tx${i}`))
    await net.clock.advance(500)
    const firstId = [...net.chains.entries()].find(([, c]) => c === first)?.[0] as number
    await net.stop(firstId)
    await net.clock.advance(3_000)
    const second = net.leader()
    expect(second).toBeDefined()
    expect(second).not.toBe(first)
    for (let i = 5; i < 10; i++) expect((await second?.broadcast(envelope(`tx${i}`)))?.status).toBe(Status.SUCCESS)
    await net.clock.advance(1_000)
    const survivors = [...net.chains.entries()].filter(([id]) => id !== firstId).map(([, c]) => c)
    await assertSameChains(survivors)
    for (const chain of survivors) expect(await txIds(chain)).toEqual(Array.from({ length: 10 }, (_, i) => `tx${i}`))
    for (const id of net.chains.keys()) await net.stop(id)
  })

  it('answers Broadcast with Fabric status codes', async () => {
    const forbid: EnvelopeFilter = (_env, header) => header.txId === 'evil' ? { status: Status.FORBIDDEN, info: 'Writers policy not satisfied' } : undefined
    const net = await network(1, { filters: [forbid] })
    const chain = net.leader() as OrderingChain
    expect((await chain.broadcast(envelope('big', HeaderType.ENDORSER_TRANSACTION, 5000))).status).toBe(Status.REQUEST_ENTITY_TOO_LARGE)
    expect((await chain.broadcast(new Uint8Array([0xff, 0xff, 0xff]))).status).toBe(Status.BAD_REQUEST)
    expect((await chain.broadcast(envelope('evil'))).status).toBe(Status.FORBIDDEN)
    expect((await chain.broadcast(envelope('tx1'))).status).toBe(Status.SUCCESS)
    for (const id of net.chains.keys()) await net.stop(id)
  })
})
