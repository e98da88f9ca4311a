import type { Clock } from '../../shared/clock.js'
import { ConfChangeType, decodeConfChange } from './conf-change.js'
import type { ConfChange } from './conf-change.js'
import { raftConfigFromOptions } from './config.js'
import type { EtcdRaftOptions } from './config.js'
import type { MaybePromise, RaftPersistence } from './persistence.js'
import { storageFromPersisted } from './persistence.js'
import type { RandomSource } from './random.js'
import { RawNode } from './raw-node.js'
import type { Ready } from './raw-node.js'
import type { MemoryStorage } from './storage.js'
import { EntryType, MessageType } from './types.js'
import type { ConfState, Entry, Message, Snapshot } from './types.js'

/** Carries Raft messages between consenters; the simulator, and later libp2p, implement it. */
export interface RaftTransport {
  /** Fire and forget: a transport may drop messages, Raft retries. */
  send(message: Message): void
}

/** The replicated state machine the committed entries drive (Fabric: the block writer). */
export interface RaftStateMachine {
  applyEntry(entry: Entry): MaybePromise<void>
  applySnapshot(snapshot: Snapshot): MaybePromise<void>
  /** Called after Raft applied a committed consenter change. */
  applyConfChange?(change: ConfChange, confState: ConfState): MaybePromise<void>
  /** Opaque state for a snapshot at the last applied index (Fabric: the last block). */
  snapshotData(): MaybePromise<Uint8Array>
}

export interface RaftDriverComponents {
  readonly clock: Clock
  readonly persistence: RaftPersistence
  readonly transport: RaftTransport
  readonly stateMachine: RaftStateMachine
}

export interface RaftDriverInit {
  readonly id: number
  readonly options: EtcdRaftOptions
  readonly random: RandomSource
  /** Entries kept in memory behind a snapshot for slow followers (Fabric SnapshotCatchUpEntries, 4). */
  readonly catchUpEntries?: number
}

/**
 * Runs a RawNode against real time and asynchronous storage, the way Fabric's etcdraft/node.go
 * runs etcd's: a tick every TickInterval, and one Ready at a time in the order persist → send →
 * apply → advance. Steps and proposals that arrive while a Ready is being persisted are queued in
 * the core and come out in the next Ready.
 */
export class RaftDriver {
  private readonly node: RawNode
  private readonly storage: MemoryStorage
  private timer: unknown
  private running = false
  private processing: Promise<void> | undefined
  private bytesSinceSnapshot = 0
  private failure: unknown

  private constructor (private readonly init: RaftDriverInit, private readonly components: RaftDriverComponents,
    storage: MemoryStorage, applied: number) {
    this.storage = storage
    this.node = new RawNode({ ...raftConfigFromOptions(init.id, init.options, init.random), applied }, storage)
  }

  /** Loads the persisted state (or the genesis snapshot) and restores the state machine from its snapshot. */
  static async create (init: RaftDriverInit, components: RaftDriverComponents): Promise<RaftDriver> {
    const persisted = await components.persistence.load()
    const storage = storageFromPersisted(persisted)
    await components.stateMachine.applySnapshot(persisted.snapshot)
    return new RaftDriver(init, components, storage, persisted.snapshot.metadata.index)
  }

  /** The storage or apply error that stopped this node, if any. */
  get failed (): unknown {
    return this.failure
  }

  get rawNode (): RawNode {
    return this.node
  }

  start (): void {
    if (this.running) return
    this.running = true
    this.scheduleTick()
  }

  /** Stops ticking and waits for the Ready being handled. */
  async stop (): Promise<void> {
    this.running = false
    if (this.timer !== undefined) this.components.clock.clearTimeout(this.timer)
    this.timer = undefined
    await this.processing
  }

  receive (m: Message): void {
    this.node.step(m)
    this.kick()
  }

  propose (data: Uint8Array): void {
    this.node.propose(data)
    this.kick()
  }

  proposeConfChange (change: ConfChange): void {
    this.node.proposeConfChange(change)
    this.kick()
  }

  transferLeader (transferee: number): void {
    this.node.transferLeader(transferee)
    this.kick()
  }

  /** Resolves once every pending Ready is handled; rejects with the first failure (storage, apply). */
  async idle (): Promise<void> {
    while (this.processing !== undefined) await this.processing
    if (this.failure !== undefined) throw this.failure
  }

  private scheduleTick (): void {
    this.timer = this.components.clock.setTimeout(() => {
      if (!this.running) return
      this.node.tick()
      this.kick()
      this.scheduleTick()
    }, this.init.options.tickIntervalMs)
  }

  private kick (): void {
    if (this.processing !== undefined || this.failure !== undefined) return
    this.processing = this.drain().catch(err => {
      // A storage or apply failure stops the node: continuing could send what was not persisted.
      this.failure = err
      this.running = false
    }).finally(() => {
      this.processing = undefined
      // Steps that arrived while the last Ready settled must not wait for the next tick.
      if (this.node.hasReady()) this.kick()
    })
  }

  private async drain (): Promise<void> {
    while (this.node.hasReady()) await this.handle(this.node.ready())
  }

  private async handle (rd: Ready): Promise<void> {
    const { persistence, transport, stateMachine } = this.components
    if (rd.hardState !== undefined || rd.entries.length > 0 || rd.snapshot !== undefined) {
      await persistence.save({
        ...(rd.hardState !== undefined ? { hardState: rd.hardState } : {}),
        entries: rd.entries,
        ...(rd.snapshot !== undefined ? { snapshot: rd.snapshot } : {})
      })
    }
    if (rd.snapshot !== undefined) this.storage.applySnapshot(rd.snapshot)
    this.storage.append(rd.entries)
    if (rd.hardState !== undefined) this.storage.setHardState(rd.hardState)

    for (const m of rd.messages) {
      transport.send(m)
      // In-process transports deliver synchronously; report snapshot sends as done (etcd ReportSnapshot).
      if (m.type === MessageType.Snap) this.node.reportSnapshot(m.to, false)
    }

    if (rd.snapshot !== undefined) {
      await stateMachine.applySnapshot(rd.snapshot)
      this.bytesSinceSnapshot = 0
    }
    for (const entry of rd.committedEntries) {
      if (entry.type === EntryType.ConfChange) {
        const change = decodeConfChange(entry.data)
        const confState = this.node.applyConfChange(change)
        await stateMachine.applyConfChange?.(change, confState)
        if (change.type === ConfChangeType.RemoveNode && change.nodeId === this.init.id) this.running = false
      } else {
        await stateMachine.applyEntry(entry)
      }
      this.bytesSinceSnapshot += entry.data.byteLength
    }
    this.node.advance(rd)
    await this.maybeSnapshot()
  }

  /** Fabric: take a snapshot once SnapshotIntervalSize bytes were applied since the last one. */
  private async maybeSnapshot (): Promise<void> {
    if (this.bytesSinceSnapshot < this.init.options.snapshotIntervalSize) return
    const applied = this.node.raft.log.applied
    if (applied <= this.storage.snapshot().metadata.index) return
    const data = await this.components.stateMachine.snapshotData()
    const snapshot = this.storage.createSnapshot(applied, this.node.raft.confState(), data)
    await this.components.persistence.compact(snapshot)
    this.storage.compact(Math.max(applied - (this.init.catchUpEntries ?? 4), this.storage.firstIndex() - 1))
    this.bytesSinceSnapshot = 0
  }
}
