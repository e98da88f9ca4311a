import { RaftError } from '../errors.js'
import { StateType } from '../types.js'
import type { Entry, Snapshot } from '../types.js'
import type { NodeObserver, SimNode } from './sim-node.js'
import { entryDigest } from './state-machine.js'
import type { MachineState } from './state-machine.js'

function violation (invariant: string, detail: string): RaftError {
  return new RaftError('RAFT_INVARIANT', `${invariant} violated: ${detail}`)
}

/**
 * Global knowledge of the simulated cluster, checked after every event. The Raft paper's
 * properties (Figure 3) plus what Fabric needs of its ordering service:
 *  - Election Safety: at most one leader per term.
 *  - Log Matching: an (index, term) pair identifies one entry and, inductively, the whole prefix.
 *  - Leader Completeness: a new leader holds every entry known to be committed (so nothing committed
 *    is lost, across crashes and restarts too).
 *  - State Machine Safety: no two nodes commit or apply different entries at one index; the state
 *    after index i is the same everywhere (snapshots included).
 *  - In-order apply: each node applies i+1 right after i (restarts resume from the snapshot).
 */
export class SafetyChecker implements NodeObserver {
  private readonly leaders = new Map<number, number>()
  private readonly committed = new Map<number, { term: number, digest: string }>()
  private readonly stateAt = new Map<number, number>()
  private readonly logEntries = new Map<string, { digest: string, prevTerm: number }>()
  private readonly checkedCommit = new Map<number, number>()
  private readonly lastApplied = new Map<number, number>()
  maxCommitted = 0
  appliedEntries = 0
  snapshotsInstalled = 0
  leadersElected = 0

  started (node: SimNode, snapshotIndex: number): void {
    this.lastApplied.set(node.id, snapshotIndex)
    this.checkedCommit.set(node.id, 0)
  }

  persisted (node: SimNode, entries: readonly Entry[]): void {
    const log = node.node.raft.log
    for (const entry of entries) {
      const prevTerm = entry.index - 1 < log.firstIndex() - 1 ? -1 : log.termOrZero(entry.index - 1)
      const key = `${entry.index}/${entry.term}`
      const digest = entryDigest(entry)
      const known = this.logEntries.get(key)
      if (known === undefined) {
        this.logEntries.set(key, { digest, prevTerm })
      } else if (known.digest !== digest || (prevTerm !== -1 && known.prevTerm !== -1 && known.prevTerm !== prevTerm)) {
        throw violation('Log Matching', `node ${node.id} has entry ${key} = ${digest} after term ${prevTerm}, ` +
          `another node ${known.digest} after term ${known.prevTerm}`)
      } else if (known.prevTerm === -1) {
        known.prevTerm = prevTerm
      }
    }
  }

  applied (node: SimNode, entry: Entry, state: MachineState): void {
    const last = this.lastApplied.get(node.id) ?? 0
    if (entry.index !== last + 1) {
      throw violation('In-order apply', `node ${node.id} applied ${entry.index} after ${last}`)
    }
    this.lastApplied.set(node.id, entry.index)
    this.recordCommitted(node.id, entry)
    this.recordState(node.id, entry.index, state.hash)
    this.appliedEntries++
  }

  snapshotInstalled (node: SimNode, snapshot: Snapshot, state: MachineState): void {
    const last = this.lastApplied.get(node.id) ?? 0
    const { index } = snapshot.metadata
    if (index <= last) throw violation('In-order apply', `node ${node.id} installed snapshot ${index} after applying ${last}`)
    if (state.appliedIndex !== index) {
      throw violation('Snapshot', `node ${node.id} snapshot ${index} holds state of index ${state.appliedIndex}`)
    }
    this.lastApplied.set(node.id, index)
    this.recordState(node.id, index, state.hash)
    this.snapshotsInstalled++
  }

  /** Called after every event that touched `node`. */
  afterStep (node: SimNode): void {
    if (!node.alive) return
    const raft = node.node.raft
    if (raft.state === StateType.Leader) {
      const known = this.leaders.get(raft.term)
      if (known === undefined) {
        this.leaders.set(raft.term, node.id)
        this.leadersElected++
        this.checkLeaderCompleteness(node)
      } else if (known !== node.id) {
        throw violation('Election Safety', `nodes ${known} and ${node.id} are both leader of term ${raft.term}`)
      }
    }
    const log = raft.log
    const from = Math.max(this.checkedCommit.get(node.id) ?? 0, log.firstIndex() - 1) + 1
    if (log.committed >= from) {
      for (const entry of log.slice(from, log.committed + 1, Number.MAX_SAFE_INTEGER)) this.recordCommitted(node.id, entry)
    }
    this.checkedCommit.set(node.id, Math.max(this.checkedCommit.get(node.id) ?? 0, log.committed))
  }

  /** Every committed entry must be in a new leader's log (Raft §5.4, Leader Completeness). */
  private checkLeaderCompleteness (node: SimNode): void {
    const log = node.node.raft.log
    if (log.lastIndex() < this.maxCommitted) {
      throw violation('Leader Completeness', `leader ${node.id} of term ${node.node.raft.term} ends at ${log.lastIndex()}, ` +
        `entry ${this.maxCommitted} is committed`)
    }
    const from = log.firstIndex()
    if (from > this.maxCommitted) return
    const entries = log.slice(from, this.maxCommitted + 1, Number.MAX_SAFE_INTEGER)
    for (const entry of entries) {
      const known = this.committed.get(entry.index)
      if (known !== undefined && (known.term !== entry.term || known.digest !== entryDigest(entry))) {
        throw violation('Leader Completeness', `leader ${node.id} of term ${node.node.raft.term} has ${entry.index}/${entry.term}, ` +
          `committed is ${entry.index}/${known.term}`)
      }
    }
  }

  private recordCommitted (id: number, entry: Entry): void {
    const digest = entryDigest(entry)
    const known = this.committed.get(entry.index)
    if (known === undefined) {
      this.committed.set(entry.index, { term: entry.term, digest })
      if (entry.index > this.maxCommitted) this.maxCommitted = entry.index
    } else if (known.term !== entry.term || known.digest !== digest) {
      throw violation('State Machine Safety', `node ${id} committed ${entry.index}/${entry.term} ${digest}, ` +
        `another node ${entry.index}/${known.term} ${known.digest}`)
    }
  }

  private recordState (id: number, index: number, hash: number): void {
    const known = this.stateAt.get(index)
    if (known === undefined) this.stateAt.set(index, hash)
    else if (known !== hash) throw violation('State Machine Safety', `node ${id} state after ${index} differs from another node's`)
  }
}
