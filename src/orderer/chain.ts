import type { AbortOptions } from '../shared/abort.js'
import type { Clock } from '../shared/clock.js'
import {
  Block, ChannelHeader, Envelope, HeaderType, Payload, Status, blockHeaderHash, decode, encode
} from '../protos/index.js'
import type { BlockHeader, BroadcastResponse, DeliverResponse } from '../protos/index.js'
import type { BroadcastAuthorizer } from './authorizer.js'
import { BlockCreator } from './block-creator.js'
import { BlockWriter, lastConfigIndexOf } from './block-writer.js'
import type { BlockSigner, NonceSource } from './block-writer.js'
import { BlockCutter } from './blockcutter.js'
import type { BatchConfig } from './blockcutter.js'
import { deliverBlocks } from './deliver.js'
import type { DeliverSource } from './deliver.js'
import { OrdererError } from './errors.js'
import { MemoryOrdererLedger } from './ledger.js'
import type { OrdererLedger } from './ledger.js'
import { configOfEnvelope, consenterChanges, consenterIdsOfBlock, consenterIdsOfConfig, nextConfChange } from './membership.js'
import type { EtcdRaftOptions } from './raft/config.js'
import { RaftDriver } from './raft/driver.js'
import type { RaftStateMachine, RaftTransport } from './raft/driver.js'
import { ConfChangeType } from './raft/conf-change.js'
import type { ConfChange } from './raft/conf-change.js'
import { RaftError } from './raft/errors.js'
import type { MaybePromise, RaftPersistence } from './raft/persistence.js'
import type { RandomSource } from './raft/random.js'
import { StateType } from './raft/types.js'
import type { ConfState, Entry, Message, Snapshot } from './raft/types.js'

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

export interface OrderingChainInit {
  readonly id: number
  readonly options: EtcdRaftOptions
  readonly batch: BatchConfig
  readonly random: RandomSource
  /** The channel's genesis block (block 0). */
  readonly genesis: Block
  /** Envelopes for other channels get NOT_FOUND (Fabric: no such channel); unchecked when absent. */
  readonly channelId?: string
}

export interface OrderingChainComponents {
  readonly clock: Clock
  readonly persistence: RaftPersistence
  readonly transport: ChainTransport
  readonly signer: BlockSigner
  readonly nonce?: NonceSource
  readonly filters?: readonly EnvelopeFilter[]
  /** Signature and channel Writers (Broadcast) / Readers (Deliver) checks; everything is allowed without it. */
  readonly authorizer?: BroadcastAuthorizer
  /** Where written blocks persist (default: memory). A restarted consenter resumes from its height. */
  readonly ledger?: OrdererLedger
  /** Fetches blocks [from, to] from other orderers when a Raft snapshot skips them (Fabric's block puller). */
  readonly puller?: BlockPuller
}

export type BlockPuller = (from: number, to: number) => Promise<Block[]>

/**
 * One consenter's ordering service for a channel (Fabric etcdraft/chain.go, condensed): Broadcast
 * checks an envelope and hands it to the Raft leader; the leader cuts batches (BatchSize,
 * BatchTimeout), creates blocks ahead of commit and proposes them as Raft entries; every consenter
 * writes the committed blocks, signed with its own identity, to its OrdererLedger and serves them
 * through Deliver. Config blocks that change the consenter set drive Raft membership changes.
 */
export class OrderingChain {
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
  /** The term in which this leader proposed a conf change not applied yet. */
  private confChangeTerm: number | undefined
  /** Stopped or failed: Deliver streams waiting for blocks end (SERVICE_UNAVAILABLE). */
  private halted = false

  private constructor (
    private readonly init: OrderingChainInit,
    private readonly components: OrderingChainComponents,
    private readonly ledger: OrdererLedger,
    private tip: Block,
    /** Consenter ids named by the last config block; undefined when no config names them. */
    private consenterIds: number[] | undefined
  ) {
    this.writer = new BlockWriter(tip, lastConfigIndexOf(tip), components.signer, components.nonce)
    this.cutter = new BlockCutter(init.batch)
  }

  static async create (init: OrderingChainInit, components: OrderingChainComponents): Promise<OrderingChain> {
    const ledger = components.ledger ?? new MemoryOrdererLedger()
    if (ledger.height === 0) await ledger.append(init.genesis)
    const genesis = await ledger.block(0)
    if (genesis?.header === undefined || init.genesis.header === undefined ||
      !sameBytes(blockHeaderHash(genesis.header), blockHeaderHash(init.genesis.header))) {
      throw new OrdererError('ORDERER_INVALID_CONFIG', 'the ledger holds the genesis block of another channel')
    }
    const tip = await ledger.block(ledger.height - 1) as Block
    const lastConfig = await ledger.block(lastConfigIndexOf(tip))
    const chain = new OrderingChain(init, components, ledger, tip, lastConfig === undefined ? undefined : tolerantConsenterIds(lastConfig))
    chain.driver = await RaftDriver.create({ id: init.id, options: init.options, random: init.random }, {
      clock: components.clock,
      persistence: components.persistence,
      transport: components.transport,
      stateMachine: chain.stateMachine()
    })
    return chain
  }

  get height (): number {
    return this.ledger.height
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

  /** Consenter ids of the last config block (undefined when no config block names them). */
  get consenters (): readonly number[] | undefined {
    return this.consenterIds
  }

  /** Block `n` from this consenter's ledger. */
  async block (n: number): Promise<Block | undefined> {
    return await this.ledger.block(n)
  }

  start (): void {
    this.driver.start()
  }

  async stop (): Promise<void> {
    if (this.batchTimer !== undefined) this.components.clock.clearTimeout(this.batchTimer)
    await this.driver.stop()
    this.halt()
  }

  private halt (): void {
    this.halted = true
    this.wakeWaiters()
  }

  private wakeWaiters (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /** A Raft message from another consenter. */
  receive (m: Message): void {
    this.driver.receive(m)
  }

  /** An envelope a follower forwarded; dropped unless this node leads (the client retries). */
  receiveSubmit (request: SubmitRequest): void {
    this.order(request)
  }

  /**
   * Fabric Broadcast: checks the envelope (size against AbsoluteMaxBytes, shape, channel, signature
   * and Writers policy, filters, a config's consenter change) and hands it to the leader.
   */
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
    if (this.init.channelId !== undefined && channelHeader.channelId !== this.init.channelId) {
      return { status: Status.NOT_FOUND, info: `channel ${channelHeader.channelId} is not served here` }
    }
    const refused = await this.components.authorizer?.authorizeBroadcast(envelope, channelHeader)
    if (refused !== undefined) return refused
    for (const filter of this.components.filters ?? []) {
      const rejected = await filter(envelope, channelHeader)
      if (rejected !== undefined) return rejected
    }
    const isConfig = channelHeader.type === HeaderType.CONFIG
    if (isConfig) {
      const invalid = this.checkConsenterChange(raw)
      if (invalid !== undefined) return invalid
    }
    const request = { envelope: raw, isConfig }
    const raft = this.driver.rawNode.raft
    if (raft.state === StateType.Leader) return this.order(request)
    if (raft.lead === 0) return { status: Status.SERVICE_UNAVAILABLE, info: 'no Raft leader' }
    this.components.transport.submit(raft.lead, request)
    return { status: Status.SUCCESS, info: '' }
  }

  /** Fabric's etcdraft config checks: consenters change by at most one, and some remain. */
  private checkConsenterChange (raw: Uint8Array): BroadcastResponse | undefined {
    let ids: number[] | undefined
    try {
      ids = consenterIdsOfConfig(configOfEnvelope(raw))
    } catch (err) {
      return { status: Status.BAD_REQUEST, info: `malformed config: ${err instanceof Error ? err.message : String(err)}` }
    }
    if (ids === undefined) return undefined
    if (ids.length === 0) return { status: Status.BAD_REQUEST, info: 'a config must keep at least one consenter' }
    const current = this.consenterIds ?? this.driver.rawNode.raft.confState().voters
    if (consenterChanges(current, ids) > 1) {
      return { status: Status.BAD_REQUEST, info: `update of more than one consenter at a time is not supported (${current.join(',')} -> ${ids.join(',')})` }
    }
    return undefined
  }

  /**
   * Fabric Deliver: `raw` is a signed Envelope carrying a SeekInfo (see deliver.ts for the
   * statuses). Yields DeliverResponse{block} for each block, then one DeliverResponse{status}.
   */
  deliver (raw: Uint8Array, options: AbortOptions = {}): AsyncGenerator<DeliverResponse> {
    return deliverBlocks(this.deliverSource(), raw, options)
  }

  private deliverSource (): DeliverSource {
    const authorizer = this.components.authorizer
    return {
      channelId: this.init.channelId,
      height: () => this.ledger.height,
      block: async (n) => await this.ledger.block(n),
      waitFor: async (n, options) => {
        while (n >= this.ledger.height && !this.halted) await this.nextCommit(options)
        return n < this.ledger.height
      },
      failure: () => this.driver.failed ?? (this.halted ? new OrdererError('ORDERER_STOPPED', 'the consenter stopped') : undefined),
      ...(authorizer?.authorizeDeliver !== undefined
        ? { authorize: async (envelope: Envelope, header: ChannelHeader) => (await authorizer.authorizeDeliver?.(envelope, header))?.status }
        : {})
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
    const header = this.tip.header
    if (header === undefined) throw new OrdererError('ORDERER_INVALID_ARGUMENT', 'chain tip has no header')
    return header
  }

  /**
   * Leader only: if the last config block names consenters Raft does not have (or lacks some it
   * has), propose the next one-node change (Fabric's etcdraft proposes the ConfChange once the
   * config block is written). Runs after each Ready, since Raft refuses a change while the
   * previous one, or a new leader's first entry, is unapplied; retried after every apply.
   */
  private scheduleMembershipCheck (): void {
    // Blocks pulled while RaftDriver.create restores a snapshot come before there is a driver.
    if (this.consenterIds === undefined || (this.driver as RaftDriver | undefined) === undefined) return
    this.driver.idle().then(() => { this.reconcileMembership() }, () => { /* the consenter stopped */ })
  }

  private reconcileMembership (): void {
    const raft = this.driver.rawNode.raft
    const target = this.consenterIds
    if (target === undefined || raft.state !== StateType.Leader || this.confChangeTerm === raft.term) return
    const change = nextConfChange(raft.confState().voters, target)
    if (change === undefined) return
    try {
      this.driver.proposeConfChange(change)
      this.confChangeTerm = raft.term
    } catch (err) {
      if (!(err instanceof RaftError) || err.code !== 'RAFT_PROPOSAL_DROPPED') throw err
    }
  }

  // ---- every consenter: apply committed blocks ----

  private stateMachine (): RaftStateMachine {
    return {
      applyEntry: async (entry: Entry) => {
        try {
          await this.applyBlock(entry)
        } catch (err) {
          this.halt() // the driver stops on this error too; end the Deliver streams that wait
          throw err
        }
      },
      applySnapshot: async (snapshot: Snapshot) => {
        // Fabric's Raft snapshot is the last block; the blocks up to it come from the ledger, or
        // from other orderers when this consenter lags behind it.
        if (snapshot.data.byteLength === 0) return // the genesis snapshot
        const last = decode(Block, snapshot.data)
        const target = last.header?.number ?? 0
        if (target < this.ledger.height) return
        const puller = this.components.puller
        if (puller === undefined) {
          throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN', `snapshot at block ${target} needs blocks from ${this.ledger.height}, and there is no block puller`)
        }
        for (const block of await puller(this.ledger.height, target)) await this.written(this.writer.appendPulled(block))
        if (this.ledger.height <= target) {
          throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN', `block puller stopped at ${this.ledger.height - 1}, snapshot is at ${target}`)
        }
      },
      applyConfChange: (change: ConfChange, _confState: ConfState) => {
        this.confChangeTerm = undefined
        // An evicted consenter halts, as Fabric halts the chain of a removed orderer (the driver
        // stops ticking); its Deliver streams end instead of waiting for blocks it will not write.
        if (change.type === ConfChangeType.RemoveNode && change.nodeId === this.init.id) this.halt()
        else this.scheduleMembershipCheck()
      },
      snapshotData: () => encode(Block, this.tip)
    }
  }

  private async applyBlock (entry: Entry): Promise<void> {
    this.appliedIndex = entry.index
    if (entry.data.byteLength === 0) { // the leader's empty entry
      this.flushQueued()
      this.scheduleMembershipCheck()
      return
    }
    const block = decode(Block, entry.data)
    const number = block.header?.number ?? -1
    if (number < this.ledger.height) {
      // Re-applied after a restart: it must be the very block already written.
      const written = (await this.ledger.block(number))?.header
      const header = block.header
      if (written === undefined || header === undefined || !sameBytes(blockHeaderHash(written), blockHeaderHash(header))) {
        throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN', `committed block ${number} differs from the block ${number} already written`)
      }
      return
    }
    const isConfig = this.isConfigBlock(block)
    await this.written(await this.writer.commit(block, { isConfig }))
    this.flushQueued()
  }

  private async written (block: Block): Promise<void> {
    await this.ledger.append(block)
    this.tip = block
    if (this.isConfigBlock(block)) {
      const ids = tolerantConsenterIds(block)
      if (ids !== undefined) {
        this.consenterIds = ids
        this.scheduleMembershipCheck()
      }
    }
    this.wakeWaiters()
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

/**
 * Consenters a committed config block names. Broadcast refused malformed ones, but a block is
 * committed whatever it holds (e.g. a genesis block from elsewhere): one that does not parse
 * leaves the consenter set as it was.
 */
function tolerantConsenterIds (block: Block): number[] | undefined {
  try {
    return consenterIdsOfBlock(block)
  } catch {
    return undefined
  }
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
