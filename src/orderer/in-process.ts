import type { Clock } from '../shared/clock.js'
import type { Block } from '../protos/index.js'
import type { BroadcastAuthorizer } from './authorizer.js'
import type { BlockSigner, NonceSource } from './block-writer.js'
import { DEFAULT_BATCH_CONFIG } from './blockcutter.js'
import type { BatchConfig } from './blockcutter.js'
import { OrderingChain } from './chain.js'
import { OrdererError } from './errors.js'
import type { ChainTransport, EnvelopeFilter, SubmitRequest } from './chain.js'
import { MemoryOrdererLedger } from './ledger.js'
import type { OrdererLedger } from './ledger.js'
import { consenterIdsOfBlock } from './membership.js'
import { DEFAULT_ETCDRAFT_OPTIONS } from './raft/config.js'
import type { EtcdRaftOptions } from './raft/config.js'
import { MemoryRaftPersistence } from './raft/persistence.js'
import { seededRandom } from './raft/random.js'
import type { Message } from './raft/types.js'

/** How the in-process network treats a message; the default delivers everything. */
export interface LinkPolicy {
  /** Returns delays in ms for each copy to deliver: [] drops it, [0] delivers it next, [a, b] duplicates it. */
  route(from: number, to: number, kind: 'raft' | 'submit'): number[]
}

export interface InProcessOrderersInit {
  /** Initial consenters 1..n; ignored when the genesis config names consenters (their ids are used). */
  readonly consenters: number
  readonly genesis: Block
  readonly clock: Clock
  readonly signerFor: (id: number) => BlockSigner
  readonly options?: EtcdRaftOptions
  readonly batch?: BatchConfig
  readonly seed?: number
  readonly nonce?: NonceSource
  readonly filters?: readonly EnvelopeFilter[]
  readonly authorizer?: BroadcastAuthorizer
  readonly channelId?: string
  readonly links?: LinkPolicy
  /** Each consenter's block ledger (default: a MemoryOrdererLedger that survives crash/restart, like the tab's IndexedDB). */
  readonly ledgerFor?: (id: number) => Promise<OrdererLedger>
}

/**
 * 1, 3 or 5 consenters in one JavaScript realm, talking through a simulated transport (the
 * browser network issue plugs libp2p in instead). For `createTestNetwork`, tests and benchmarks.
 * Each consenter keeps its Raft state in a MemoryRaftPersistence and its blocks in an OrdererLedger,
 * both surviving `crash`/`restart`.
 */
export class InProcessOrderers {
  readonly chains = new Map<number, OrderingChain>()
  readonly disks = new Map<number, MemoryRaftPersistence>()
  readonly ledgers = new Map<number, OrdererLedger>()
  /** Raft voters of the genesis block: every consenter, including later additions, boots from them. */
  private voters: number[] = []
  private readonly down = new Set<number>()
  /** Blocks fetched by consenters that installed a Raft snapshot. */
  pulledBlocks = 0
  private readonly transport: ChainTransport

  private constructor (private readonly init: InProcessOrderersInit) {
    const links = init.links
    const deliver = (to: number, from: number, kind: 'raft' | 'submit', fn: (chain: OrderingChain) => void): void => {
      const delays = links === undefined ? [0] : links.route(from, to, kind)
      for (const delay of delays) {
        const run = (): void => {
          const chain = this.chains.get(to)
          if (chain !== undefined && !this.down.has(to)) fn(chain)
        }
        if (delay <= 0) queueMicrotask(run)
        else init.clock.setTimeout(run, delay)
      }
    }
    this.transport = {
      send: (m: Message) => { deliver(m.to, m.from, 'raft', chain => { chain.receive(m) }) },
      submit: (to: number, request: SubmitRequest) => { deliver(to, 0, 'submit', chain => { chain.receiveSubmit(request) }) }
    }
  }

  static async create (init: InProcessOrderersInit): Promise<InProcessOrderers> {
    if (!Number.isSafeInteger(init.consenters) || init.consenters <= 0) {
      throw new OrdererError('ORDERER_INVALID_CONFIG', `consenters: expected a positive integer, got ${String(init.consenters)}`)
    }
    const net = new InProcessOrderers(init)
    net.voters = consenterIdsOfBlock(init.genesis) ?? Array.from({ length: init.consenters }, (_, i) => i + 1)
    for (const id of net.voters) await net.addConsenter(id)
    return net
  }

  /**
   * Boots a consenter with an empty disk (a new tab). It takes part once a config block naming
   * it has committed and the leader added it to Raft; until then it only listens.
   */
  async addConsenter (id: number): Promise<OrderingChain> {
    if (this.disks.has(id)) throw new OrdererError('ORDERER_INVALID_ARGUMENT', `consenter ${id} exists`)
    this.disks.set(id, new MemoryRaftPersistence({ metadata: { index: 0, term: 0, confState: { voters: this.voters } }, data: new Uint8Array(0) }))
    this.ledgers.set(id, await (this.init.ledgerFor?.(id) ?? Promise.resolve(new MemoryOrdererLedger())))
    return await this.boot(id)
  }

  private async boot (id: number): Promise<OrderingChain> {
    const init = this.init
    const chain = await OrderingChain.create({
      id,
      options: init.options ?? DEFAULT_ETCDRAFT_OPTIONS,
      batch: init.batch ?? DEFAULT_BATCH_CONFIG,
      random: seededRandom(((init.seed ?? 1) * 7919 + id * 104729 + (this.chains.has(id) ? 1 : 0)) >>> 0),
      genesis: init.genesis,
      ...(init.channelId !== undefined ? { channelId: init.channelId } : {})
    }, {
      clock: init.clock,
      transport: this.transport,
      persistence: this.disks.get(id) as MemoryRaftPersistence,
      signer: init.signerFor(id),
      ...(init.nonce !== undefined ? { nonce: init.nonce } : {}),
      ...(init.filters !== undefined ? { filters: init.filters } : {}),
      ...(init.authorizer !== undefined ? { authorizer: init.authorizer } : {}),
      ledger: this.ledgers.get(id) as OrdererLedger,
      puller: async (from: number, to: number) => {
        // Any live consenter that has the blocks serves them (Fabric pulls from the other orderers).
        for (const [other, source] of this.chains) {
          if (other === id || this.down.has(other) || source.height <= to) continue
          const blocks: Block[] = []
          for (let n = from; n <= to; n++) blocks.push(await source.block(n) as Block)
          this.pulledBlocks += blocks.length
          return blocks
        }
        return []
      }
    })
    this.chains.set(id, chain)
    this.down.delete(id)
    chain.start()
    return chain
  }

  leader (): OrderingChain | undefined {
    return [...this.chains.entries()].find(([id, chain]) => !this.down.has(id) && chain.isLeader)?.[1]
  }

  isUp (id: number): boolean {
    return !this.down.has(id)
  }

  /** The tab closes: the chain stops and loses everything but its Raft disk. */
  async crash (id: number): Promise<void> {
    this.down.add(id)
    await this.chains.get(id)?.stop()
  }

  /** The tab reopens: Raft state and blocks from its disk; the Raft log replays onto the written blocks. */
  async restart (id: number): Promise<OrderingChain> {
    return await this.boot(id)
  }

  async stop (): Promise<void> {
    for (const id of this.chains.keys()) await this.crash(id)
  }
}
