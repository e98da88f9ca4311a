import { describe, expect, it } from 'vitest'
import { DEFAULT_BATCH_CONFIG } from '../../src/orderer/blockcutter.js'
import { OrderingChain, SEEK_FOREVER } from '../../src/orderer/chain.js'
import type { ChainTransport, EnvelopeFilter } from '../../src/orderer/chain.js'
import { DEFAULT_ETCDRAFT_OPTIONS } from '../../src/orderer/raft/config.js'
import { MemoryRaftPersistence } from '../../src/orderer/raft/persistence.js'
import { seededRandom } from '../../src/orderer/raft/random.js'
import {
  Block, BlockMetadataIndex, ChannelHeader, Envelope, HeaderType, Payload, Status, blockDataHash, blockHeaderHash, encode, newBlock
} from '../../src/protos/index.js'
import type { Block as BlockType } from '../../src/protos/index.js'
import { FakeClock } from './fake-clock.js'

const text = new TextEncoder()

function envelope (txId: string, type: number = HeaderType.ENDORSER_TRANSACTION, size = 0): Uint8Array {
  const channelHeader = encode(ChannelHeader, { type, channelId: 'workshop', txId })
  const payload = encode(Payload, { header: { channelHeader, signatureHeader: new Uint8Array(0) }, data: new Uint8Array(size) })
  return encode(Envelope, { payload, signature: text.encode(`sig ${txId}`) })
}

function genesisBlock (): BlockType {
  const block = newBlock(0, new Uint8Array(0))
  const data = { data: [envelope('genesis', HeaderType.CONFIG)] }
  block.data = data
  if (block.header !== undefined) block.header.dataHash = blockDataHash(data)
  return block
}

interface Network {
  clock: FakeClock
  chains: Map<number, OrderingChain>
  leader: () => OrderingChain | undefined
  stop: (id: number) => Promise<void>
}

async function network (size: number, filters: EnvelopeFilter[] = []): Promise<Network> {
  const clock = new FakeClock()
  const chains = new Map<number, OrderingChain>()
  const stopped = new Set<number>()
  const voters = Array.from({ length: size }, (_, i) => i + 1)
  const transport: ChainTransport = {
    send (m) { queueMicrotask(() => { if (!stopped.has(m.to)) chains.get(m.to)?.receive(m) }) },
    submit (to, request) { queueMicrotask(() => { if (!stopped.has(to)) chains.get(to)?.receiveSubmit(request) }) }
  }
  const genesis = genesisBlock()
  for (const id of voters) {
    const chain = await OrderingChain.create({
      id,
      options: DEFAULT_ETCDRAFT_OPTIONS,
      batch: { ...DEFAULT_BATCH_CONFIG, maxMessageCount: 10, absoluteMaxBytes: 4096, preferredMaxBytes: 2048 },
      random: seededRandom(id),
      genesis: Block.decode(encode(Block, genesis))
    }, {
      clock,
      transport,
      persistence: new MemoryRaftPersistence({ metadata: { index: 0, term: 0, confState: { voters } }, data: new Uint8Array(0) }),
      signer: { serialize: () => text.encode(`orderer${id}`), sign: async (m: Uint8Array) => m.slice(0, 8) },
      nonce: () => new Uint8Array(24),
      filters
    })
    chains.set(id, chain)
    chain.start()
  }
  await clock.advance(3_000)
  return {
    clock,
    chains,
    leader: () => [...chains.entries()].find(([id, c]) => !stopped.has(id) && c.isLeader)?.[1],
    stop: async (id: number) => { stopped.add(id); await chains.get(id)?.stop() }
  }
}

function assertSameChains (chains: OrderingChain[]): void {
  const [first, ...rest] = chains
  if (first === undefined) return
  for (let n = 1; n < first.height; n++) {
    const prev = first.block(n - 1)?.header
    const header = first.block(n)?.header
    expect(header?.previousHash, `block ${n} links to ${n - 1}`).toEqual(blockHeaderHash(prev as NonNullable<typeof prev>))
    expect(header?.dataHash).toEqual(blockDataHash(first.block(n)?.data as NonNullable<BlockType['data']>))
  }
  for (const other of rest) {
    const common = Math.min(first.height, other.height)
    for (let n = 0; n < common; n++) expect(other.block(n)?.header).toEqual(first.block(n)?.header)
  }
}

const txIds = (chain: OrderingChain): string[] => {
  const ids: string[] = []
  for (let n = 1; n < chain.height; n++) ids.push(...(chain.block(n)?.data?.data ?? []).map(e => new TextDecoder().decode(e).match(/tx\d+/)?.[0] ?? '?'))
  return ids
}

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
      assertSameChains(chains)
      for (const chain of chains) {
        expect(chain.height).toBeGreaterThanOrEqual(4) // 25 tx, at most 10 per block
        expect(txIds(chain).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `tx${i}`).sort())
        for (let n = 1; n < chain.height; n++) {
          expect(chain.block(n)?.data?.data.length).toBeLessThanOrEqual(10)
          expect(chain.block(n)?.metadata?.metadata[BlockMetadataIndex.SIGNATURES]?.byteLength).toBeGreaterThan(0)
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
      expect(chain.block(2)?.data?.data).toHaveLength(1)
      expect([1, 2, 3].map(n => OrderingChain.lastConfigIndex(chain.block(n) as BlockType))).toEqual([0, 2, 2])
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
    assertSameChains(survivors)
    for (const chain of survivors) expect(txIds(chain)).toEqual(Array.from({ length: 10 }, (_, i) => `tx${i}`))
    for (const id of net.chains.keys()) await net.stop(id)
  })

  it('answers Broadcast with Fabric status codes', async () => {
    const forbid: EnvelopeFilter = (_env, header) => header.txId === 'evil' ? { status: Status.FORBIDDEN, info: 'Writers policy not satisfied' } : undefined
    const net = await network(1, [forbid])
    const chain = net.leader() as OrderingChain
    expect((await chain.broadcast(envelope('big', HeaderType.ENDORSER_TRANSACTION, 5000))).status).toBe(Status.REQUEST_ENTITY_TOO_LARGE)
    expect((await chain.broadcast(new Uint8Array([0xff, 0xff, 0xff]))).status).toBe(Status.BAD_REQUEST)
    expect((await chain.broadcast(envelope('evil'))).status).toBe(Status.FORBIDDEN)
    expect((await chain.broadcast(envelope('tx1'))).status).toBe(Status.SUCCESS)
    for (const id of net.chains.keys()) await net.stop(id)
  })

  it('Deliver seeks from oldest, newest or a number, and blocks until new blocks exist', async () => {
    const net = await network(1)
    const chain = net.leader() as OrderingChain
    await chain.broadcast(envelope('tx1'))
    await net.clock.advance(500)
    const collect = async (it: AsyncGenerator<BlockType>, n: number): Promise<number[]> => {
      const out: number[] = []
      for await (const b of it) { out.push(b.header?.number ?? -1); if (out.length === n) break }
      return out
    }
    expect(await collect(chain.deliver({ start: { oldest: true }, stop: { newest: true } }), 10)).toEqual([0, 1])
    expect(await collect(chain.deliver({ start: { newest: true }, stop: { newest: true } }), 10)).toEqual([1])
    const forever = collect(chain.deliver({ start: { specified: 1 }, stop: SEEK_FOREVER }), 3)
    await chain.broadcast(envelope('tx2'))
    await net.clock.advance(500)
    await chain.broadcast(envelope('tx3'))
    await net.clock.advance(500)
    expect(await forever).toEqual([1, 2, 3])
    const controller = new AbortController()
    const waiting = collect(chain.deliver({ start: { specified: 10 }, stop: SEEK_FOREVER }, { signal: controller.signal }), 1)
    controller.abort(new Error('client went away'))
    await expect(waiting).rejects.toThrow(/client went away/)
    await expect(collect(chain.deliver({ start: { specified: 3 }, stop: { specified: 1 } }), 1)).rejects.toThrow(/seek/)
    for (const id of net.chains.keys()) await net.stop(id)
  })
})
