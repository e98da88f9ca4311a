import { encodeConfChange } from './conf-change.js'
import type { ConfChange } from './conf-change.js'
import type { RaftConfig } from './config.js'
import { RaftError } from './errors.js'
import { Raft } from './raft.js'
import type { Storage } from './storage.js'
import { EntryType, MessageType, StateType, hardStateEqual, isLocalMessage, message } from './types.js'
import type { ConfState, Entry, HardState, Message, Snapshot, SoftState } from './types.js'

/**
 * Everything the driver must do, in this order (etcd node.go, `Ready`):
 *  1. persist `hardState`, `entries` and `snapshot` atomically (RaftPersistence.save) and append
 *     them to the MemoryStorage;
 *  2. only then send `messages` — a vote or an acknowledgement must never precede the write it
 *     promises, or a crash could make the node vote twice or lose an acknowledged entry;
 *  3. apply `snapshot` (if any) then `committedEntries` to the state machine, calling
 *     `applyConfChange` for conf change entries;
 *  4. call `advance(ready)`.
 */
export interface Ready {
  /** Present when lead or role changed; informational, never persisted. */
  readonly softState?: SoftState
  /** Present when term, vote or commit changed. */
  readonly hardState?: HardState
  readonly entries: readonly Entry[]
  readonly snapshot?: Snapshot
  readonly committedEntries: readonly Entry[]
  readonly messages: readonly Message[]
  /** Whether the write must be fsynced (entries, or a term/vote change); a commit index alone need not be. */
  readonly mustSync: boolean
}

export interface Status {
  readonly id: number
  readonly hardState: HardState
  readonly softState: SoftState
  readonly applied: number
  readonly lastIndex: number
  readonly confState: ConfState
  readonly leadTransferee: number
}

/**
 * The synchronous, single-threaded interface to the Raft core (etcd rawnode.go). The driver calls
 * tick() every TickInterval, step() for each received message, and drains ready()/advance().
 */
export class RawNode {
  /** The protocol state; exposed read-only for status, tests and the simulator's invariant checks. */
  readonly raft: Raft
  private prevSoftState: SoftState
  private prevHardState: HardState

  constructor (config: RaftConfig, storage: Storage) {
    this.raft = new Raft(config, storage)
    this.prevSoftState = this.raft.softState()
    this.prevHardState = this.raft.hardState()
  }

  tick (): void {
    this.raft.tick()
  }

  /** Starts an election now (etcd Campaign); with pre-vote, a pre-election first. */
  campaign (): void {
    this.raft.step(message({ type: MessageType.Hup, from: this.raft.id }))
  }

  /** Proposes data to be appended. Throws RAFT_PROPOSAL_DROPPED if there is no leader to take it. */
  propose (data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) throw new RaftError('RAFT_INVALID_ARGUMENT', 'propose: data must be a Uint8Array')
    this.raft.step(message({
      type: MessageType.Prop,
      from: this.raft.id,
      entries: [{ term: 0, index: 0, type: EntryType.Normal, data }]
    }))
  }

  /** Proposes adding or removing one consenter; it takes effect when applied (applyConfChange). */
  proposeConfChange (cc: ConfChange): void {
    const data = encodeConfChange(cc)
    this.raft.step(message({
      type: MessageType.Prop,
      from: this.raft.id,
      entries: [{ term: 0, index: 0, type: EntryType.ConfChange, data }]
    }))
  }

  /** Call while applying a committed ConfChange entry. Returns the new configuration to persist with snapshots. */
  applyConfChange (cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc)
  }

  /** Steps a message received from a peer. Local message types are refused (etcd ErrStepLocalMsg). */
  step (m: Message): void {
    if (isLocalMessage(m.type)) throw new RaftError('RAFT_STEP_LOCAL_MESSAGE', `step: ${m.type} is local`)
    try {
      this.raft.step(m)
    } catch (err) {
      // A forwarded proposal that cannot be taken is dropped, as etcd's node loop ignores it.
      if (m.type === MessageType.Prop && err instanceof RaftError && err.code === 'RAFT_PROPOSAL_DROPPED') return
      throw err
    }
  }

  /** Asks the leader to hand over to `transferee` (§3.10 of Ongaro's thesis; etcd TransferLeader). */
  transferLeader (transferee: number): void {
    this.raft.step(message({ type: MessageType.TransferLeader, from: transferee, to: this.raft.id, term: 0 }))
  }

  /** The transport tells the leader whether a snapshot reached `id` (etcd ReportSnapshot). */
  reportSnapshot (id: number, failed: boolean): void {
    this.raft.step(message({ type: MessageType.SnapStatus, from: id, reject: failed }))
  }

  /** The transport could not reach `id` (etcd ReportUnreachable). */
  reportUnreachable (id: number): void {
    this.raft.step(message({ type: MessageType.Unreachable, from: id }))
  }

  hasReady (): boolean {
    const r = this.raft
    const soft = r.softState()
    if (soft.lead !== this.prevSoftState.lead || soft.state !== this.prevSoftState.state) return true
    if (!hardStateEqual(r.hardState(), this.prevHardState)) return true
    if (r.log.unstable.snapshot !== undefined) return true
    if (r.msgs.length > 0 || r.log.unstable.entries.length > 0) return true
    return r.log.hasNextCommittedEntries()
  }

  /** Collects what must be persisted, sent and applied. Messages are handed over once. */
  ready (): Ready {
    const r = this.raft
    const soft = r.softState()
    const hard = r.hardState()
    const entries = r.log.unstable.entries.slice()
    const snapshot = r.log.unstable.snapshot
    const hardChanged = !hardStateEqual(hard, this.prevHardState)
    const rd: Ready = {
      ...(soft.lead !== this.prevSoftState.lead || soft.state !== this.prevSoftState.state ? { softState: soft } : {}),
      ...(hardChanged ? { hardState: hard } : {}),
      entries,
      ...(snapshot !== undefined ? { snapshot } : {}),
      committedEntries: r.log.nextCommittedEntries(),
      messages: r.msgs,
      mustSync: entries.length > 0 || hard.term !== this.prevHardState.term || hard.vote !== this.prevHardState.vote
    }
    r.msgs = []
    this.prevSoftState = soft
    if (hardChanged) this.prevHardState = hard
    return rd
  }

  /** Marks the Ready as persisted and applied. */
  advance (rd: Ready): void {
    const r = this.raft
    const lastEntry = rd.entries[rd.entries.length - 1]
    if (lastEntry !== undefined) r.log.stableTo(lastEntry.index, lastEntry.term)
    if (rd.snapshot !== undefined) {
      r.log.stableSnapTo(rd.snapshot.metadata.index)
      r.log.appliedTo(rd.snapshot.metadata.index)
    }
    const lastCommitted = rd.committedEntries[rd.committedEntries.length - 1]
    if (lastCommitted !== undefined) r.log.appliedTo(lastCommitted.index)
  }

  status (): Status {
    const r = this.raft
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      confState: r.confState(),
      leadTransferee: r.leadTransferee
    }
  }

  get isLeader (): boolean {
    return this.raft.state === StateType.Leader
  }
}
