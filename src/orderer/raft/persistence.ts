import { RaftError } from './errors.js'
import { MemoryStorage } from './storage.js'
import { EMPTY_HARD_STATE } from './types.js'
import type { Entry, HardState, Snapshot } from './types.js'

export type MaybePromise<T> = T | Promise<T>

/** What a node finds on disk when it restarts. */
export interface PersistedRaftState {
  readonly hardState: HardState
  /** The latest snapshot (the bootstrap snapshot at index 0 on a fresh node). */
  readonly snapshot: Snapshot
  /** Entries after the snapshot, contiguous. */
  readonly entries: readonly Entry[]
}

/** One Ready's worth of durable writes; saved atomically, before any of the Ready's messages are sent. */
export interface RaftPersistUpdate {
  readonly hardState?: HardState
  /** Appended after `snapshot` if both are present; an entry at an existing index replaces it and all after it. */
  readonly entries: readonly Entry[]
  /** A snapshot received from the leader: replaces the whole log. */
  readonly snapshot?: Snapshot
}

/**
 * Durable Raft state (Fabric etcdraft/storage.go: WAL + snapshotter). The IndexedDB implementation
 * goes through src/storage (one transaction per save); MemoryRaftPersistence is the reference and
 * the simulator's disk. Implementations must make `save` and `compact` all-or-nothing.
 */
export interface RaftPersistence {
  load(): MaybePromise<PersistedRaftState>
  save(update: RaftPersistUpdate): MaybePromise<void>
  /**
   * Stores a snapshot the application took at its applied index and drops the entries it covers.
   * (The in-memory Storage may keep a few more for slow followers: Fabric's SnapshotCatchUpEntries.)
   */
  compact(snapshot: Snapshot): MaybePromise<void>
}

/** The in-memory reference persistence. Holds what "survived the crash" in the simulator. */
export class MemoryRaftPersistence implements RaftPersistence {
  private hardState: HardState = EMPTY_HARD_STATE
  private snapshot: Snapshot
  private entries: Entry[] = []

  constructor (bootstrap: Snapshot) {
    this.snapshot = bootstrap
  }

  load (): PersistedRaftState {
    return { hardState: this.hardState, snapshot: this.snapshot, entries: this.entries.slice() }
  }

  save (update: RaftPersistUpdate): void {
    // Validate everything first, then mutate: the all-or-nothing an IndexedDB transaction gives.
    if (update.snapshot !== undefined && update.snapshot.metadata.index <= this.snapshot.metadata.index) {
      throw new RaftError('RAFT_SNAPSHOT_OUT_OF_DATE',
        `save: snapshot ${update.snapshot.metadata.index} is not newer than ${this.snapshot.metadata.index}`)
    }
    const base = update.snapshot ?? this.snapshot
    const kept = update.snapshot !== undefined ? 0 : this.entries.length
    const first = update.entries[0]
    const lastKept = base.metadata.index + kept
    if (first !== undefined && (first.index <= base.metadata.index || first.index > lastKept + 1)) {
      throw new RaftError('RAFT_INVARIANT', `save: entry ${first.index} does not follow the log (last ${lastKept})`)
    }
    if (update.snapshot !== undefined) {
      this.snapshot = update.snapshot
      this.entries = []
    }
    if (first !== undefined) {
      const keep = first.index - base.metadata.index - 1
      if (keep < this.entries.length) this.entries.length = keep // a new leader overwrote the suffix
      for (const e of update.entries) this.entries.push(e)
    }
    if (update.hardState !== undefined) this.hardState = update.hardState
  }

  compact (snapshot: Snapshot): void {
    const { index } = snapshot.metadata
    if (index <= this.snapshot.metadata.index) return
    const last = this.snapshot.metadata.index + this.entries.length
    if (index > last) throw new RaftError('RAFT_INVALID_ARGUMENT', `compact: snapshot ${index} is beyond the last entry ${last}`)
    this.entries = this.entries.slice(index - this.snapshot.metadata.index)
    this.snapshot = snapshot
  }
}

/**
 * Rebuilds the in-memory Storage from what was persisted (a restart). The node's applied index
 * starts at the snapshot: the application restores the snapshot and re-applies the rest.
 */
export function storageFromPersisted (state: PersistedRaftState): MemoryStorage {
  const storage = new MemoryStorage(state.snapshot)
  storage.setHardState(state.hardState)
  storage.append(state.entries)
  return storage
}
