import { ConfChangeType, decodeConfChange } from '../conf-change.js'
import type { RaftConfig } from '../config.js'
import { MemoryRaftPersistence, storageFromPersisted } from '../persistence.js'
import type { RandomSource } from '../random.js'
import { RawNode } from '../raw-node.js'
import type { MemoryStorage } from '../storage.js'
import { EntryType } from '../types.js'
import type { Entry, Message, Snapshot } from '../types.js'
import { decodeMachineState, encodeMachineState, nextStateHash } from './state-machine.js'
import type { MachineState } from './state-machine.js'

export type NodeParams = Omit<RaftConfig, 'id' | 'random' | 'applied'>

export interface SimNodeOptions {
  readonly id: number
  readonly params: NodeParams
  /** Genesis: index 0 snapshot listing the initial consenters (every node starts from it, as from Fabric's genesis block). */
  readonly bootstrap: Snapshot
  /** Fabric SnapshotIntervalSize: bytes applied since the last snapshot before taking one. */
  readonly snapshotIntervalSize: number
  /** Entries kept in memory behind a snapshot for slow followers (Fabric SnapshotCatchUpEntries). */
  readonly catchUpEntries: number
}

/** Callbacks through which the simulator watches a node; they are where invariants are checked. */
export interface NodeObserver {
  applied(node: SimNode, entry: Entry, state: MachineState): void
  snapshotInstalled(node: SimNode, snapshot: Snapshot, state: MachineState): void
  persisted(node: SimNode, entries: readonly Entry[]): void
}

/** Where to crash inside the next Ready, to test that unpersisted or unsent state is lost safely. */
export type CrashPoint = 'before-persist' | 'after-persist' | 'after-send'

/**
 * One consenter in the simulator: the Raft core plus the driver loop Fabric's etcdraft/node.go
 * runs (persist → send → apply → advance), an in-memory "disk" that survives crashes, and the
 * replicated state machine. A crash discards everything but the disk.
 */
export class SimNode {
  readonly id: number
  readonly persistence: MemoryRaftPersistence
  private storageRef: MemoryStorage | undefined
  private nodeRef: RawNode | undefined
  /** Removed from the consenter set and applied it: the node halts, as Fabric's chain does. */
  halted = false
  machine: MachineState
  private bytesSinceSnapshot = 0
  pendingCrash: CrashPoint | undefined
  restarts = 0

  constructor (private readonly options: SimNodeOptions) {
    this.id = options.id
    this.persistence = new MemoryRaftPersistence(options.bootstrap)
    this.machine = decodeMachineState(options.bootstrap.data)
  }

  get alive (): boolean {
    return this.nodeRef !== undefined
  }

  get node (): RawNode {
    if (this.nodeRef === undefined) throw new Error(`node ${this.id} is down`)
    return this.nodeRef
  }

  get storage (): MemoryStorage {
    if (this.storageRef === undefined) throw new Error(`node ${this.id} is down`)
    return this.storageRef
  }

  /** Starts (or restarts) from what is on the disk. */
  start (random: RandomSource): void {
    const persisted = this.persistence.load()
    this.storageRef = storageFromPersisted(persisted)
    this.machine = decodeMachineState(persisted.snapshot.data)
    this.bytesSinceSnapshot = 0
    this.pendingCrash = undefined
    this.nodeRef = new RawNode({ ...this.options.params, id: this.id, random, applied: persisted.snapshot.metadata.index }, this.storageRef)
  }

  crash (): void {
    this.nodeRef = undefined
    this.storageRef = undefined
    this.pendingCrash = undefined
    this.restarts++
  }

  /**
   * Drains Ready until there is none. Returns false if the node crashed on the way.
   * `send` receives each outgoing message only after the Ready's state is on the disk.
   */
  processReady (send: (m: Message) => void, observer: NodeObserver): boolean {
    while (this.nodeRef !== undefined && this.nodeRef.hasReady()) {
      const node = this.nodeRef
      const storage = this.storage
      const rd = node.ready()
      if (this.pendingCrash === 'before-persist') { this.crash(); return false }

      // 1. Persist atomically, then mirror into the in-memory Storage the core reads.
      this.persistence.save({
        ...(rd.hardState !== undefined ? { hardState: rd.hardState } : {}),
        entries: rd.entries,
        ...(rd.snapshot !== undefined ? { snapshot: rd.snapshot } : {})
      })
      if (rd.snapshot !== undefined) storage.applySnapshot(rd.snapshot)
      storage.append(rd.entries)
      if (rd.hardState !== undefined) storage.setHardState(rd.hardState)
      observer.persisted(this, rd.entries)
      if (this.pendingCrash === 'after-persist') { this.crash(); return false }

      // 2. Send.
      for (const m of rd.messages) send(m)
      if (this.pendingCrash === 'after-send') { this.crash(); return false }

      // 3. Apply.
      if (rd.snapshot !== undefined) {
        this.machine = decodeMachineState(rd.snapshot.data)
        this.bytesSinceSnapshot = 0
        observer.snapshotInstalled(this, rd.snapshot, this.machine)
      }
      for (const entry of rd.committedEntries) {
        this.apply(node, entry)
        observer.applied(this, entry, this.machine)
      }
      // 4. Advance.
      node.advance(rd)
      this.maybeSnapshot(node)
      if (this.halted) { this.nodeRef = undefined; this.storageRef = undefined; return false }
    }
    return this.nodeRef !== undefined
  }

  private apply (node: RawNode, entry: Entry): void {
    this.machine = { appliedIndex: entry.index, hash: nextStateHash(this.machine.hash, entry) }
    this.bytesSinceSnapshot += entry.data.byteLength
    if (entry.type === EntryType.ConfChange) {
      const cc = decodeConfChange(entry.data)
      node.applyConfChange(cc)
      if (cc.type === ConfChangeType.RemoveNode && cc.nodeId === this.id) this.halted = true
    }
  }

  /** Fabric's rule: snapshot once SnapshotIntervalSize bytes were applied since the last one. */
  private maybeSnapshot (node: RawNode): void {
    if (this.bytesSinceSnapshot < this.options.snapshotIntervalSize) return
    const applied = node.raft.log.applied
    const storage = this.storage
    if (applied <= storage.snapshot().metadata.index) return
    const snapshot = storage.createSnapshot(applied, node.raft.confState(), encodeMachineState(this.machine))
    this.persistence.compact(snapshot)
    storage.compact(Math.max(applied - this.options.catchUpEntries, storage.firstIndex() - 1))
    this.bytesSinceSnapshot = 0
  }
}
