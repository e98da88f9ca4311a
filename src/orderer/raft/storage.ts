import { RaftError } from './errors.js'
import { EMPTY_HARD_STATE, EntryType, entrySize } from './types.js'
import type { ConfState, Entry, HardState, Snapshot } from './types.js'

/**
 * What the core reads of the stable log (etcd storage.go `Storage`). Synchronous on purpose:
 * the core is a pure state machine. Durable storage (IndexedDB) sits behind RaftPersistence and a
 * MemoryStorage mirrors it in the tab, as Fabric's etcdraft wraps etcd's MemoryStorage with its WAL.
 */
export interface Storage {
  initialState(): { hardState: HardState, confState: ConfState }
  /** Entries in [lo, hi), at least one if any, then as many as fit in maxSize bytes. */
  entries(lo: number, hi: number, maxSize: number): Entry[]
  /** Term of entry i; i may be firstIndex - 1 (the snapshot's). Throws RAFT_COMPACTED/RAFT_UNAVAILABLE. */
  term(i: number): number
  lastIndex(): number
  firstIndex(): number
  snapshot(): Snapshot
}

/** Keeps a prefix of `entries` whose sizes add up to at most maxSize, but never fewer than one entry. */
export function limitSize (entries: Entry[], maxSize: number): Entry[] {
  if (entries.length === 0) return entries
  let size = entrySize(entries[0] as Entry)
  let n = 1
  for (; n < entries.length; n++) {
    size += entrySize(entries[n] as Entry)
    if (size > maxSize) break
  }
  return n === entries.length ? entries : entries.slice(0, n)
}

/**
 * The in-memory Storage (etcd MemoryStorage). `ents[0]` is a dummy holding the snapshot's
 * index and term, so term(firstIndex - 1) answers without the snapshot body.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = EMPTY_HARD_STATE
  private snap: Snapshot
  private ents: Entry[]

  /** `initial` is the bootstrap snapshot (index 0 and the genesis consenter set, as Fabric's genesis block). */
  constructor (initial?: Snapshot) {
    this.snap = initial ?? { metadata: { index: 0, term: 0, confState: { voters: [] } }, data: new Uint8Array(0) }
    this.ents = [dummy(this.snap.metadata.index, this.snap.metadata.term)]
  }

  initialState (): { hardState: HardState, confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.metadata.confState }
  }

  setHardState (hs: HardState): void {
    this.hardState = hs
  }

  entries (lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.offset()
    if (lo <= offset) throw new RaftError('RAFT_COMPACTED', `entries(${lo}): compacted up to ${offset}`)
    if (hi > this.lastIndex() + 1) {
      throw new RaftError('RAFT_UNAVAILABLE', `entries(${lo}, ${hi}): last index is ${this.lastIndex()}`)
    }
    if (lo >= hi) return []
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize)
  }

  term (i: number): number {
    const offset = this.offset()
    if (i < offset) throw new RaftError('RAFT_COMPACTED', `term(${i}): compacted up to ${offset}`)
    const entry = this.ents[i - offset]
    if (entry === undefined) throw new RaftError('RAFT_UNAVAILABLE', `term(${i}): last index is ${this.lastIndex()}`)
    return entry.term
  }

  lastIndex (): number {
    return this.offset() + this.ents.length - 1
  }

  firstIndex (): number {
    return this.offset() + 1
  }

  snapshot (): Snapshot {
    return this.snap
  }

  /** Replaces the whole log with a snapshot (a follower installing one). */
  applySnapshot (snap: Snapshot): void {
    if (snap.metadata.index <= this.snap.metadata.index) {
      throw new RaftError('RAFT_SNAPSHOT_OUT_OF_DATE',
        `applySnapshot: index ${snap.metadata.index} is not newer than ${this.snap.metadata.index}`)
    }
    this.snap = snap
    this.ents = [dummy(snap.metadata.index, snap.metadata.term)]
  }

  /** Records a snapshot the application took at applied index i; the log is compacted separately. */
  createSnapshot (i: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) {
      throw new RaftError('RAFT_SNAPSHOT_OUT_OF_DATE', `createSnapshot: index ${i} is not newer than ${this.snap.metadata.index}`)
    }
    if (i > this.lastIndex()) {
      throw new RaftError('RAFT_UNAVAILABLE', `createSnapshot: index ${i} is beyond last index ${this.lastIndex()}`)
    }
    this.snap = { metadata: { index: i, term: this.term(i), confState }, data }
    return this.snap
  }

  /** Drops entries before compactIndex (which becomes the dummy). It must not exceed the applied index. */
  compact (compactIndex: number): void {
    const offset = this.offset()
    if (compactIndex <= offset) return
    if (compactIndex > this.lastIndex()) {
      throw new RaftError('RAFT_UNAVAILABLE', `compact(${compactIndex}): last index is ${this.lastIndex()}`)
    }
    const head = this.ents[compactIndex - offset] as Entry
    this.ents = [dummy(head.index, head.term), ...this.ents.slice(compactIndex - offset + 1)]
  }

  /** Appends entries, replacing any conflicting suffix (new entries win, as in etcd). */
  append (entries: readonly Entry[]): void {
    if (entries.length === 0) return
    const first = this.firstIndex()
    const last = (entries[entries.length - 1] as Entry).index
    if (last < first) return // all already compacted
    const fresh = (entries[0] as Entry).index < first ? entries.slice(first - (entries[0] as Entry).index) : entries
    const start = (fresh[0] as Entry).index
    const offset = this.offset()
    if (start > this.lastIndex() + 1) {
      throw new RaftError('RAFT_INVARIANT', `append: gap, entry ${start} after last index ${this.lastIndex()}`)
    }
    if (start === this.lastIndex() + 1) {
      for (const e of fresh) this.ents.push(e) // the common case: no copy of the whole log
    } else {
      this.ents = this.ents.slice(0, start - offset).concat(fresh)
    }
  }

  private offset (): number {
    return (this.ents[0] as Entry).index
  }
}

function dummy (index: number, term: number): Entry {
  return { index, term, type: EntryType.Normal, data: new Uint8Array(0) }
}
