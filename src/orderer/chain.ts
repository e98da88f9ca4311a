import type { AbortOptions } from '../shared/abort.js'
import type { Clock } from '../shared/clock.js'
import {
  Block, ChannelHeader, Envelope, HeaderType, Payload, Status, blockHeaderHash, decode, encode
} from '../protos/index.js'
import type { BlockHeader } from '../protos/index.js'
import { BlockCreator } from './block-creator.js'
import { BlockWriter, lastConfigIndexOf } from './block-writer.js'
import type { BlockSigner, NonceSource } from './block-writer.js'
import { BlockCutter } from './blockcutter.js'
import type { BatchConfig } from './blockcutter.js'
import { OrdererError } from './errors.js'
import type { EtcdRaftOptions } from './raft/config.js'
import { RaftDriver } from './raft/driver.js'
import type { RaftStateMachine, RaftTransport } from './raft/driver.js'
import { RaftError } from './raft/errors.js'
import type { MaybePromise, RaftPersistence } from './raft/persistence.js'
import type { RandomSource } from './raft/random.js'
import { StateType } from './raft/types.js'
import type { Entry, Message, Snapshot } from './raft/types.js'

/** Fabric's BroadcastResponse: a common.Status and a reason. */
export interface BroadcastResponse {
  readonly status: Status
  readonly info: string
}

/** A client's envelope handed from a follower to the leader (Fabric cluster `Submit`). */
export interface SubmitRequest {
  readonly envelope: Uint8Array
  readonly isConfig: boolean
}

export interface ChainTransport extends RaftTransport {
  submit(to: number, request: SubmitRequest): void
}

/**
 * Broadcast's message filters beyond size (Fabric msgprocessor: signature check, channel Writers
 * policy). Returns undefined to accept, or the status to reply with (usually FORBIDDEN).
 */
export type EnvelopeFilter = (envelope: Envelope, channelHeader: ChannelHeader) => MaybePromise<BroadcastResponse | undefined>

/** Fabric SeekPosition: oldest, newest, or a block number. */
export type SeekPosition = { readonly oldest: true } | { readonly newest: true } | { readonly specified: number }

/** Fabric SeekInfo with BLOCK_UNTIL_READY; stop `{ specified: Number.MAX_SAFE_INTEGER }` means forever. */
export interface SeekInfo {
  readonly start: SeekPosition
  readonly stop: SeekPosition
}

export const SEEK_FOREVER: SeekPosition = Object.freeze({ specified: Number.MAX_SAFE_INTEGER })

export interface OrderingChainInit {
  readonly id: number
  readonly options: EtcdRaftOptions
  readonly batch: BatchConfig
  readonly random: RandomSource
  /** The channel's genesis block (block 0). */
  readonly genesis: Block
}

export interface OrderingChainComponents {
  readonly clock: Clock
  readonly persistence: RaftPersistence
  readonly transport: ChainTransport
  readonly signer: BlockSigner
  readonly nonce?: NonceSource
  readonly filters?: readonly EnvelopeFilter[]
  /** Fetches blocks [from, to] from other orderers when a Raft snapshot skips them (Fabric's block puller). */
  readonly puller?: BlockPuller
}

export type BlockPuller = (from: number, to: number) => Promise<Block[]>

/**
 * One consenter's ordering service for a channel (Fabric etcdraft/chain.go, condensed): Broadcast
 * checks an envelope and hands it to the Raft leader; the leader cuts batches (BatchSize,
 * BatchTimeout), creates blocks ahead of commit and proposes them as Raft entries; every consenter
 * writes the committed blocks, signed with its own identity, and serves them through Deliver.
 * Blocks are kept in memory here; the ledger's block store takes them in the peer.
 */
export class OrderingChain {
  private readonly blocks: Block[]
  private readonly writer: BlockWriter
  private readonly cutter: BlockCutter<Uint8Array>
  private driver!: RaftDriver
  private creator: BlockCreator | undefined
  /** The term this node leads in, and the log index it must apply before creating blocks. */
  private leadership: { term: number, readyIndex: number } | undefined
  private queued: SubmitRequest[] = []
  private batchTimer: unknown
  private waiters: Array<() => void> = []
  /** Index of the last Raft entry applied; ahead of raft.log.applied while a Ready is applied. */
  private appliedIndex = 0

  private constructor (private readonly init: OrderingChainInit, private readonly components: OrderingChainComponents) {
    this.blocks = [init.genesis]
    this.writer = new BlockWriter(init.genesis, 0, components.signer, components.nonce)
    this.cutter = new BlockCutter(init.batch)
  }

  static async create (init: OrderingChainInit, components: OrderingChainComponents): Promise<OrderingChain> {
    const chain = new OrderingChain(init, components)
    chain.driver = await RaftDriver.create({ id: init.id, options: init.options, random: init.random }, {
      clock: components.clock,
      persistence: components.persistence,
      transport: components.transport,
      stateMachine: chain.stateMachine()
    })
    return chain
  }

  get height (): number {
    return this.blocks.length
  }

  /** Why this consenter stopped (a broken chain, a storage failure), if it did. */
  get failure (): unknown {
    return this.driver.failed
  }

  get raft (): RaftDriver {
    return this.driver
  }

  get isLeader (): boolean {
    return this.driver.rawNode.raft.state === StateType.Leader
  }

  block (n: number): Block | undefined {
    return this.blocks[n]
  }

  start (): void {
    this.driver.start()
  }

  async stop (): Promise<void> {
    if (this.batchTimer !== undefined) this.components.clock.clearTimeout(this.batchTimer)
    await this.driver.stop()
  }

  /** A Raft message from another consenter. */
  receive (m: Message): void {
    this.driver.receive(m)
  }

  /** An envelope a follower forwarded; dropped unless this node leads (the client retries). */
  receiveSubmit (request: SubmitRequest): void {
    this.order(request)
  }

  /** Fabric Broadcast: checks the envelope and hands it to the leader. */
  async broadcast (raw: Uint8Array): Promise<BroadcastResponse> {
    if (!(raw instanceof Uint8Array)) return { status: Status.BAD_REQUEST, info: 'envelope must be bytes' }
    if (raw.byteLength > this.init.batch.absoluteMaxBytes) {
      return { status: Status.REQUEST_ENTITY_TOO_LARGE, info: `envelope of ${raw.byteLength} bytes exceeds AbsoluteMaxBytes ${this.init.batch.absoluteMaxBytes}` }
    }
    let envelope: Envelope
    let channelHeader: ChannelHeader
    try {
      envelope = decode(Envelope, raw)
      const payload = decode(Payload, envelope.payload)
      if (payload.header === undefined) return { status: Status.BAD_REQUEST, info: 'envelope payload has no header' }
      channelHeader = decode(ChannelHeader, payload.header.channelHeader)
    } catch (err) {
      return { status: Status.BAD_REQUEST, info: `malformed envelope: ${err instanceof Error ? err.message : String(err)}` }
    }
    for (const filter of this.components.filters ?? []) {
      const rejected = await filter(envelope, channelHeader)
      if (rejected !== undefined) return rejected
    }
    const request = { envelope: raw, isConfig: channelHeader.type === HeaderType.CONFIG }
    const raft = this.driver.rawNode.raft
    if (raft.state === StateType.Leader) return this.order(request)
    if (raft.lead === 0) return { status: Status.SERVICE_UNAVAILABLE, info: 'no Raft leader' }
    this.components.transport.submit(raft.lead, request)
    return { status: Status.SUCCESS, info: '' }
  }

  /** Fabric Deliver with BLOCK_UNTIL_READY: yields blocks start..stop, waiting for those not yet written. */
  async * deliver (seek: SeekInfo, options: AbortOptions = {}): AsyncGenerator<Block> {
    const newest = this.blocks.length - 1
    const resolve = (p: SeekPosition): number => 'oldest' in p ? 0 : 'newest' in p ? newest : p.specified
    const start = resolve(seek.start)
    const stop = resolve(seek.stop)
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(stop) || start < 0 || start > stop) {
      throw new OrdererError('ORDERER_INVALID_ARGUMENT', `seek: start ${start} must be in [0, stop ${stop}]`)
    }
    for (let n = start; n <= stop; n++) {
      while (n >= this.blocks.length) await this.nextCommit(options)
      yield this.blocks[n] as Block
    }
  }

  private async nextCommit ({ signal }: AbortOptions): Promise<void> {
    signal?.throwIfAborted()
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => { reject(signal?.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(() => { signal?.removeEventListener('abort', onAbort); resolve() })
    })
  }

  // ---- leader side ----

  private order (request: SubmitRequest): BroadcastResponse {
    const raft = this.driver.rawNode.raft
    if (raft.state !== StateType.Leader) return { status: Status.SERVICE_UNAVAILABLE, info: 'not the Raft leader' }
    if (this.leadership?.term !== raft.term) {
      // Newly elected: blocks proposed by the previous leader may still be in our log. Create
      // blocks only once they are applied, so ours extend them (Fabric waits the same way).
      this.leadership = { term: raft.term, readyIndex: raft.log.lastIndex() }
      this.creator = undefined
      this.cutter.cut()
      this.queued = []
    }
    if (this.creator === undefined) {
      if (Math.max(raft.log.applied, this.appliedIndex) < this.leadership.readyIndex) {
        this.queued.push(request)
        return { status: Status.SUCCESS, info: '' }
      }
      this.creator = new BlockCreator(this.tipHeader())
    }
    return this.cut(request)
  }

  private cut (request: SubmitRequest): BroadcastResponse {
    const batches: Uint8Array[][] = []
    if (request.isConfig) {
      // A config transaction goes alone in its block (Fabric processes it after cutting the pending batch).
      const pending = this.cutter.cut()
      if (pending.length > 0) batches.push(pending)
      batches.push([request.envelope])
    } else {
      const ordered = this.cutter.ordered({ message: request.envelope, size: request.envelope.byteLength })
      batches.push(...ordered.batches)
      if (ordered.pending && this.batchTimer === undefined) {
        this.batchTimer = this.components.clock.setTimeout(() => { this.onBatchTimeout() }, this.init.batch.batchTimeoutMs)
      }
    }
    for (const batch of batches) {
      if (!this.propose(batch)) return { status: Status.SERVICE_UNAVAILABLE, info: 'leadership lost while ordering' }
    }
    return { status: Status.SUCCESS, info: '' }
  }

  private onBatchTimeout (): void {
    this.batchTimer = undefined
    const batch = this.cutter.cut()
    if (batch.length === 0 || this.driver.rawNode.raft.state !== StateType.Leader || this.creator === undefined) return
    this.propose(batch)
  }

  private propose (batch: Uint8Array[]): boolean {
    const creator = this.creator
    if (creator === undefined) return false
    const block = creator.createNextBlock(batch)
    try {
      this.driver.propose(encode(Block, block))
      return true
    } catch (err) {
      if (!(err instanceof RaftError) || err.code !== 'RAFT_PROPOSAL_DROPPED') throw err
      // The chain tip we created ahead is void: start again from what the log holds.
      this.leadership = undefined
      this.creator = undefined
      this.cutter.cut()
      return false
    }
  }

  private tipHeader (): Pick<BlockHeader, 'number' | 'previousHash' | 'dataHash'> {
    const header = this.blocks[this.blocks.length - 1]?.header
    if (header === undefined) throw new OrdererError('ORDERER_INVALID_ARGUMENT', 'chain tip has no header')
    return header
  }

  // ---- every consenter: apply committed blocks ----

  private stateMachine (): RaftStateMachine {
    return {
      applyEntry: async (entry: Entry) => { await this.applyBlock(entry) },
      applySnapshot: async (snapshot: Snapshot) => {
        // Fabric's Raft snapshot is the last block; the blocks up to it come from other orderers.
        if (snapshot.data.byteLength === 0) return // the genesis snapshot
        const last = decode(Block, snapshot.data)
        const target = last.header?.number ?? 0
        if (target < this.blocks.length) return
        const puller = this.components.puller
        if (puller === undefined) {
          throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN', `snapshot at block ${target} needs blocks from ${this.blocks.length}, and there is no block puller`)
        }
        for (const block of await puller(this.blocks.length, target)) this.written(this.writer.appendPulled(block))
        if (this.blocks.length <= target) {
          throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN', `block puller stopped at ${this.blocks.length - 1}, snapshot is at ${target}`)
        }
      },
      snapshotData: () => encode(Block, this.blocks[this.blocks.length - 1] as Block)
    }
  }

  private async applyBlock (entry: Entry): Promise<void> {
    this.appliedIndex = entry.index
    if (entry.data.byteLength === 0) { // the leader's empty entry
      this.flushQueued()
      return
    }
    const block = decode(Block, entry.data)
    const number = block.header?.number ?? -1
    if (number < this.blocks.length) {
      // Re-applied after a restart: it must be the very block already written.
      const written = this.blocks[number]?.header
      const header = block.header
      if (written === undefined || header === undefined || !sameBytes(blockHeaderHash(written), blockHeaderHash(header))) {
        throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN', `committed block ${number} differs from the block ${number} already written`)
      }
      return
    }
    const isConfig = this.isConfigBlock(block)
    this.written(await this.writer.commit(block, { isConfig }))
    this.flushQueued()
  }

  private written (block: Block): void {
    this.blocks.push(block)
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /** Envelopes a new leader held back until its log was applied; ordered as soon as it is. */
  private flushQueued (): void {
    if (this.leadership === undefined || this.queued.length === 0 || this.appliedIndex < this.leadership.readyIndex) return
    const queued = this.queued
    this.queued = []
    for (const request of queued) this.order(request)
  }

  private isConfigBlock (block: Block): boolean {
    const data = block.data?.data ?? []
    if (data.length !== 1) return false
    try {
      const payload = decode(Payload, decode(Envelope, data[0] as Uint8Array).payload)
      return payload.header !== undefined && decode(ChannelHeader, payload.header.channelHeader).type === HeaderType.CONFIG
    } catch {
      return false
    }
  }

  /** LAST_CONFIG of a block written by Fabric or Weft (for a chain resumed from a ledger tip). */
  static lastConfigIndex (block: Block): number {
    return lastConfigIndexOf(block)
  }
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
