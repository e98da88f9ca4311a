import { RaftError } from './errors.js'
import { limitSize } from './storage.js'
import type { Storage } from './storage.js'
import type { Entry, Snapshot } from './types.js'

/**
 * Entries and a snapshot received but not yet persisted (etcd log_unstable.go). `offset` is the
 * index of entries[0]; a pending snapshot always precedes them.
 */
class Unstable {
  snapshot: Snapshot | undefined
  entries: Entry[] = []

  constructor (public offset: number) {}

  firstIndex (): number | undefined {
    return this.snapshot === undefined ? undefined : this.snapshot.metadata.index + 1
  }

  lastIndex (): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1
    return this.snapshot?.metadata.index
  }

  term (i: number): number | undefined {
    if (i < this.offset) {
      return this.snapshot !== undefined && this.snapshot.metadata.index === i ? this.snapshot.metadata.term : undefined
    }
    return this.entries[i - this.offset]?.term
  }

  stableTo (index: number, term: number): void {
    // Only if the entry at index is still the one persisted: a newer leader may have overwritten it meanwhile.
    if (index < this.offset || this.term(index) !== term) return
    this.entries = this.entries.slice(index + 1 - this.offset)
    this.offset = index + 1
  }

  stableSnapTo (index: number): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === index) this.snapshot = undefined
  }

  restore (snap: Snapshot): void {
    this.offset = snap.metadata.index + 1
    this.entries = []
    this.snapshot = snap
  }

  truncateAndAppend (entries: readonly Entry[]): void {
    const after = (entries[0] as Entry).index
    if (after === this.offset + this.entries.length) {
      this.entries = this.entries.concat(entries)
    } else if (after <= this.offset) {
      // Replaces everything unstable; the persisted suffix from `after` is overwritten when these are saved.
      this.offset = after
      this.entries = entries.slice()
    } else {
      this.entries = this.entries.slice(0, after - this.offset).concat(entries)
    }
  }

  slice (lo: number, hi: number): Entry[] {
    return this.entries.slice(lo - this.offset, hi - this.offset)
  }
}

/**
 * The node's view of the log: stable entries in Storage followed by unstable ones (etcd log.go).
 * Invariant: applied <= committed <= lastIndex.
 */
export class RaftLog {
  readonly unstable: Unstable
  committed: number
  applied: number

  constructor (readonly storage: Storage) {
    const first = storage.firstIndex()
    this.unstable = new Unstable(storage.lastIndex() + 1)
    this.committed = first - 1
    this.applied = first - 1
  }

  firstIndex (): number {
    return this.unstable.firstIndex() ?? this.storage.firstIndex()
  }

  lastIndex (): number {
    return this.unstable.lastIndex() ?? this.storage.lastIndex()
  }

  lastTerm (): number {
    return this.term(this.lastIndex())
  }

  /** Term of entry i; 0 beyond the last index; throws RAFT_COMPACTED before firstIndex - 1. */
  term (i: number): number {
    const dummyIndex = this.firstIndex() - 1
    if (i < dummyIndex) throw new RaftError('RAFT_COMPACTED', `term(${i}): compacted up to ${dummyIndex}`)
    if (i > this.lastIndex()) return 0
    return this.unstable.term(i) ?? this.storage.term(i)
  }

  /** term(i), or 0 when compacted: for comparisons where a compacted entry simply does not match. */
  termOrZero (i: number): number {
    try {
      return this.term(i)
    } catch (err) {
      if (err instanceof RaftError && (err.code === 'RAFT_COMPACTED' || err.code === 'RAFT_UNAVAILABLE')) return 0
      throw err
    }
  }

  matchTerm (i: number, term: number): boolean {
    return this.termOrZero(i) === term && (term !== 0 || i === 0 || i === this.firstIndex() - 1)
  }

  /** §5.4.1: a candidate's log is at least as up to date as ours. */
  isUpToDate (lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm()
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex())
  }

  /**
   * The follower side of AppendEntries. Returns the index of the last new entry, or undefined if
   * the log does not contain an entry at `index` with `logTerm` (the §5.3 consistency check).
   */
  maybeAppend (index: number, logTerm: number, committed: number, entries: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined
    const lastNew = index + entries.length
    const conflict = this.findConflict(entries)
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new RaftError('RAFT_INVARIANT', `entry ${conflict} conflicts with committed entry (committed ${this.committed})`)
      }
      this.append(entries.slice(conflict - (index + 1)))
    }
    this.commitTo(Math.min(committed, lastNew))
    return lastNew
  }

  append (entries: readonly Entry[]): number {
    if (entries.length === 0) return this.lastIndex()
    const after = (entries[0] as Entry).index - 1
    if (after < this.committed) {
      throw new RaftError('RAFT_INVARIANT', `append after ${after} is below committed ${this.committed}`)
    }
    this.unstable.truncateAndAppend(entries)
    return this.lastIndex()
  }

  /** First index whose entry differs from ours (or is new), 0 if all are already present. */
  findConflict (entries: readonly Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index
    }
    return 0
  }

  /**
   * The largest index <= `index` whose term is <= `term`, with that term: lets a rejected leader
   * skip a whole term of conflicting entries per round trip (etcd findConflictByTerm, §5.3 optimization).
   */
  findConflictByTerm (index: number, term: number): { index: number, term: number } {
    for (let i = index; i >= 0; i--) {
      let t: number
      try {
        t = this.term(i)
      } catch {
        return { index: i, term: 0 }
      }
      if (t <= term) return { index: i, term: t }
    }
    return { index: 0, term: 0 }
  }

  /** Commits up to maxIndex only if that entry is of `term` (the leader's current term): Figure 8. */
  maybeCommit (maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.termOrZero(maxIndex) === term) {
      this.commitTo(maxIndex)
      return true
    }
    return false
  }

  commitTo (index: number): void {
    if (index <= this.committed) return
    if (index > this.lastIndex()) {
      throw new RaftError('RAFT_INVARIANT', `commit ${index} is beyond last index ${this.lastIndex()}`)
    }
    this.committed = index
  }

  appliedTo (index: number): void {
    if (index === 0) return
    if (index > this.committed || index < this.applied) {
      throw new RaftError('RAFT_INVARIANT', `applied ${index} outside [${this.applied}, ${this.committed}]`)
    }
    this.applied = index
  }

  stableTo (index: number, term: number): void {
    this.unstable.stableTo(index, term)
  }

  stableSnapTo (index: number): void {
    this.unstable.stableSnapTo(index)
  }

  hasPendingSnapshot (): boolean {
    return this.unstable.snapshot !== undefined
  }

  /** Committed entries not yet applied; none while a snapshot waits to be applied first. */
  nextCommittedEntries (): Entry[] {
    if (this.hasPendingSnapshot()) return []
    const lo = Math.max(this.applied + 1, this.firstIndex())
    if (this.committed + 1 <= lo) return []
    return this.slice(lo, this.committed + 1, Number.MAX_SAFE_INTEGER)
  }

  hasNextCommittedEntries (): boolean {
    if (this.hasPendingSnapshot()) return false
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex())
  }

  /** Entries from lo to the end, limited to maxSize bytes (at least one). */
  entries (lo: number, maxSize: number): Entry[] {
    if (lo > this.lastIndex()) return []
    return this.slice(lo, this.lastIndex() + 1, maxSize)
  }

  slice (lo: number, hi: number, maxSize: number): Entry[] {
    if (lo < this.firstIndex()) throw new RaftError('RAFT_COMPACTED', `slice(${lo}): compacted up to ${this.firstIndex() - 1}`)
    if (hi > this.lastIndex() + 1) throw new RaftError('RAFT_INVARIANT', `slice(${lo}, ${hi}): last index ${this.lastIndex()}`)
    if (lo >= hi) return []
    const offset = this.unstable.offset
    let out: Entry[] = []
    if (lo < offset) {
      const stableHi = Math.min(hi, offset)
      out = this.storage.entries(lo, stableHi, maxSize)
      if (out.length < stableHi - lo) return out // size limit reached inside storage
    }
    if (hi > offset) {
      const tail = this.unstable.slice(Math.max(lo, offset), hi)
      out = out.length > 0 ? out.concat(tail) : tail
    }
    return limitSize(out, maxSize)
  }

  snapshot (): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot()
  }

  /** Installs a leader's snapshot: the whole log is replaced by it (§7). */
  restore (snap: Snapshot): void {
    this.committed = snap.metadata.index
    this.unstable.restore(snap)
  }
}
