import { expect } from 'vitest'
import type { BroadcastAuthorizer } from '../../src/orderer/authorizer.js'
import { DEFAULT_BATCH_CONFIG } from '../../src/orderer/blockcutter.js'
import { OrderingChain } from '../../src/orderer/chain.js'
import type { ChainTransport, EnvelopeFilter } from '../../src/orderer/chain.js'
import type { OrdererLedger } from '../../src/orderer/ledger.js'
import { DEFAULT_ETCDRAFT_OPTIONS } from '../../src/orderer/raft/config.js'
import type { EtcdRaftOptions } from '../../src/orderer/raft/config.js'
import { MemoryRaftPersistence } from '../../src/orderer/raft/persistence.js'
import type { RaftPersistence } from '../../src/orderer/raft/persistence.js'
import { seededRandom } from '../../src/orderer/raft/random.js'
import {
  Block, ChannelHeader, ConfigEnvelope, Envelope, HeaderType, Orderers, Payload, blockDataHash, blockHeaderHash, encode, newBlock
} from '../../src/protos/index.js'
import type { Block as BlockType, ConfigGroup } from '../../src/protos/index.js'
import { FakeClock } from './fake-clock.js'

export const CHANNEL = 'workshop'
const text = new TextEncoder()

/** An unsigned envelope whose bytes contain `txId` (tests find transactions by it). */
export function envelope (txId: string, type: number = HeaderType.ENDORSER_TRANSACTION, size = 0): Uint8Array {
  const channelHeader = encode(ChannelHeader, { type, channelId: CHANNEL, txId })
  const payload = encode(Payload, { header: { channelHeader, signatureHeader: new Uint8Array(0) }, data: new Uint8Array(size) })
  return encode(Envelope, { payload, signature: text.encode(`sig ${txId}`) })
}

/** Block 0 holding one CONFIG envelope (`configEnvelope`, or a placeholder without consenters). */
export function genesisBlock (configEnvelope: Uint8Array = envelope('genesis', HeaderType.CONFIG)): BlockType {
  const block = newBlock(0, new Uint8Array(0))
  const data = { data: [configEnvelope] }
  block.data = data
  if (block.header !== undefined) block.header.dataHash = blockDataHash(data)
  return block
}

function group (groups: Array<[string, ConfigGroup]> = [], values: Array<[string, Uint8Array]> = []): ConfigGroup {
  return {
    version: 0,
    groups: new Map(groups),
    values: new Map(values.map(([name, value]) => [name, { version: 0, value, modPolicy: 'Admins' }])),
    policies: new Map(),
    modPolicy: 'Admins'
  }
}

/** A CONFIG envelope whose /Channel/Orderer/Orderers value maps these consenter ids (Fabric 3's consenter mapping). */
export function configEnvelope (consenters: number[], sequence: number): Uint8Array {
  const orderers = encode(Orderers, {
    consenterMapping: consenters.map(id => ({
      id, host: `orderer${id}.example.com`, port: 7050, mspId: 'OrdererMSP', identity: text.encode(`orderer${id}`), clientTlsCert: new Uint8Array(0), serverTlsCert: new Uint8Array(0)
    }))
  })
  const config = { sequence, channelGroup: group([['Orderer', group([], [['Orderers', orderers]])]]) }
  const channelHeader = encode(ChannelHeader, { type: HeaderType.CONFIG, channelId: CHANNEL, txId: `config${sequence}` })
  const payload = encode(Payload, { header: { channelHeader, signatureHeader: new Uint8Array(0) }, data: encode(ConfigEnvelope, { config }) })
  return encode(Envelope, { payload, signature: new Uint8Array(0) })
}

export interface Network {
  clock: FakeClock
  chains: Map<number, OrderingChain>
  leader: () => OrderingChain | undefined
  stop: (id: number) => Promise<void>
  stopAll: () => Promise<void>
}

export interface NetworkOptions {
  filters?: EnvelopeFilter[]
  authorizer?: BroadcastAuthorizer
  channelId?: string
  genesis?: BlockType
  options?: EtcdRaftOptions
  ledgerFor?: (id: number) => OrdererLedger
  persistenceFor?: (id: number) => RaftPersistence
  /** Which consenters to run (default 1..size) and the Raft voters they boot with (default: ids). */
  ids?: number[]
  voters?: number[]
}

/** `size` consenters on a fake clock, delivering messages as microtasks; elected after 3 s. */
export async function network (size: number, opts: NetworkOptions = {}): Promise<Network> {
  const clock = new FakeClock()
  const chains = new Map<number, OrderingChain>()
  const stopped = new Set<number>()
  const ids = opts.ids ?? Array.from({ length: size }, (_, i) => i + 1)
  const voters = opts.voters ?? ids
  const transport: ChainTransport = {
    send (m) { queueMicrotask(() => { if (!stopped.has(m.to)) chains.get(m.to)?.receive(m) }) },
    submit (to, request) { queueMicrotask(() => { if (!stopped.has(to)) chains.get(to)?.receiveSubmit(request) }) }
  }
  const genesis = opts.genesis ?? genesisBlock()
  for (const id of ids) {
    const ledger = opts.ledgerFor?.(id)
    const chain = await OrderingChain.create({
      id,
      options: opts.options ?? DEFAULT_ETCDRAFT_OPTIONS,
      batch: { ...DEFAULT_BATCH_CONFIG, maxMessageCount: 10, absoluteMaxBytes: 4096, preferredMaxBytes: 2048 },
      random: seededRandom(id),
      genesis: Block.decode(encode(Block, genesis)),
      ...(opts.channelId !== undefined ? { channelId: opts.channelId } : {})
    }, {
      clock,
      transport,
      persistence: opts.persistenceFor?.(id) ?? new MemoryRaftPersistence({ metadata: { index: 0, term: 0, confState: { voters } }, data: new Uint8Array(0) }),
      signer: { serialize: () => text.encode(`orderer${id}`), sign: async (m: Uint8Array) => m.slice(0, 8) },
      nonce: () => new Uint8Array(24),
      ...(opts.filters !== undefined ? { filters: opts.filters } : {}),
      ...(opts.authorizer !== undefined ? { authorizer: opts.authorizer } : {}),
      ...(ledger !== undefined ? { ledger } : {})
    })
    chains.set(id, chain)
    chain.start()
  }
  await clock.advance(3_000)
  const stop = async (id: number): Promise<void> => { stopped.add(id); await chains.get(id)?.stop() }
  return {
    clock,
    chains,
    leader: () => [...chains.entries()].find(([id, c]) => !stopped.has(id) && c.isLeader)?.[1],
    stop,
    stopAll: async () => { for (const id of chains.keys()) await stop(id) }
  }
}

/** Every chain is hash-linked from genesis with matching data hashes, and all agree on common heights. */
export async function assertSameChains (chains: OrderingChain[]): Promise<void> {
  const [first, ...rest] = chains
  if (first === undefined) return
  for (let n = 1; n < first.height; n++) {
    const prev = (await first.block(n - 1))?.header
    const block = await first.block(n)
    expect(block?.header?.previousHash, `block ${n} links to ${n - 1}`).toEqual(blockHeaderHash(prev as NonNullable<typeof prev>))
    expect(block?.header?.dataHash).toEqual(blockDataHash(block?.data as NonNullable<BlockType['data']>))
  }
  for (const other of rest) {
    const common = Math.min(first.height, other.height)
    for (let n = 0; n < common; n++) expect((await other.block(n))?.header).toEqual((await first.block(n))?.header)
  }
}

/** The tx ids (tx<N>) of every envelope after genesis, in chain order. */
export async function txIds (chain: OrderingChain): Promise<string[]> {
  const ids: string[] = []
  for (let n = 1; n < chain.height; n++) ids.push(...((await chain.block(n))?.data?.data ?? []).map(e => new TextDecoder().decode(e).match(/tx\d+/)?.[0] ?? '?'))
  return ids
}
