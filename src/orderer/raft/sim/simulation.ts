import { ConfChangeType } from '../conf-change.js'
import { RaftError } from '../errors.js'
import { seededRandom } from '../random.js'
import type { RandomSource } from '../random.js'
import { MessageType, StateType } from '../types.js'
import type { Message, Snapshot } from '../types.js'
import { EventQueue } from './event-queue.js'
import { SafetyChecker } from './invariants.js'
import { SimNode } from './sim-node.js'
import type { CrashPoint, NodeParams } from './sim-node.js'
import { INITIAL_MACHINE_STATE, encodeMachineState } from './state-machine.js'

type SimEvent =
  | { kind: 'tick', id: number, epoch: number }
  | { kind: 'deliver', msg: Message }
  | { kind: 'snap-status', leader: number, to: number, failed: boolean }
  | { kind: 'chaos' }

/** The knobs a seed draws; exposed so a failing seed's report says what it ran. */
export interface SimulationPlan {
  readonly initialVoters: number
  readonly params: NodeParams
  readonly snapshotIntervalSize: number
  readonly catchUpEntries: number
  readonly dropRate: number
  readonly dupRate: number
  readonly maxDelayMs: number
  readonly chaosMs: number
  readonly membershipChanges: boolean
  /** Per chaos step (every 100 ms): probabilities of a proposal, a crash, a restart and a partition change. */
  readonly proposeRate: number
  readonly crashRate: number
  readonly restartRate: number
  readonly partitionRate: number
}

export interface SimulationStats {
  events: number
  proposals: number
  crashes: number
  partitions: number
  confChanges: number
  transfers: number
  leadersElected: number
  snapshotsInstalled: number
  appliedEntries: number
  maxCommitted: number
  /** Virtual ms from healing until the liveness marker was applied by every member. */
  recoveryMs: number
}

export interface SimulationResult {
  readonly seed: number
  readonly ok: boolean
  readonly error?: string
  readonly plan: SimulationPlan
  readonly stats: SimulationStats
  /** Only when run with `trace: true`: every event, for replaying a failing seed by eye. */
  readonly trace?: readonly string[]
}

export interface SimulationOptions {
  readonly trace?: boolean
  /** Virtual time allowed after healing for a leader to be elected and a proposal to commit. */
  readonly livenessBoundMs?: number
}

export const TICK_MS = 100
const CHAOS_EVERY_MS = 100
const MAX_NODE_ID = 9
const encoder = new TextEncoder()

/**
 * A seeded chaos run with virtual time: 3–5 consenters, a lossy network (drops, duplicates,
 * reordering by random delays), partitions, crashes at any point of the Ready loop and restarts
 * from disk, leader isolation, leader transfers, one-at-a-time membership changes and snapshots.
 * Invariants are checked after every event; at the end the faults heal and a proposal must commit
 * on every member within `livenessBoundMs`. Same seed, same run.
 */
export class Simulation {
  readonly plan: SimulationPlan
  readonly nodes = new Map<number, SimNode>()
  readonly checker = new SafetyChecker()
  readonly stats: SimulationStats = {
    events: 0, proposals: 0, crashes: 0, partitions: 0, confChanges: 0, transfers: 0,
    leadersElected: 0, snapshotsInstalled: 0, appliedEntries: 0, maxCommitted: 0, recoveryMs: 0
  }

  private readonly rng: RandomSource
  private readonly queue = new EventQueue<SimEvent>()
  private readonly bootstrap: Snapshot
  private readonly trace: string[] | undefined
  private readonly livenessBoundMs: number
  private time = 0
  private dropRate: number
  private dupRate: number
  /** Partition group per node id; nodes in different groups cannot talk. Empty map: no partition. */
  private groups = new Map<number, number>()
  private chaos = true
  private proposalCount = 0

  constructor (readonly seed: number, options: SimulationOptions = {}) {
    this.rng = seededRandom(seed)
    this.trace = options.trace === true ? [] : undefined
    this.livenessBoundMs = options.livenessBoundMs ?? 60_000
    const preVote = this.rng() < 0.8
    const checkQuorum = this.rng() < 0.8
    this.plan = {
      initialVoters: 3 + this.int(3),
      params: {
        electionTick: 10,
        heartbeatTick: 1,
        maxInflightMsgs: 1 + this.int(5),
        maxSizePerMsg: 64 + this.int(2048),
        preVote,
        checkQuorum
      },
      snapshotIntervalSize: 256 + this.int(2048),
      catchUpEntries: this.int(5),
      dropRate: this.rng() * 0.15,
      dupRate: this.rng() * 0.1,
      maxDelayMs: this.int(80),
      chaosMs: 3_000 + this.int(17_000),
      // Fabric always runs with both; without them a removed node that never learns of its removal
      // can disrupt elections indefinitely (the §6 disruptive-server problem).
      membershipChanges: preVote && checkQuorum,
      // Some seeds are calm, some are storms: Figure 8 and lost-vote bugs need crashes mid-election.
      proposeRate: 0.1 + this.rng() * 0.6,
      crashRate: this.rng() < 0.5 ? 0.02 : 0.05 + this.rng() * 0.2,
      restartRate: 0.05 + this.rng() * 0.4,
      partitionRate: this.rng() * 0.05
    }
    this.dropRate = this.plan.dropRate
    this.dupRate = this.plan.dupRate
    const voters = Array.from({ length: this.plan.initialVoters }, (_, i) => i + 1)
    this.bootstrap = {
      metadata: { index: 0, term: 0, confState: { voters } },
      data: encodeMachineState(INITIAL_MACHINE_STATE)
    }
  }

  /** Runs the seed to the end; never throws, a violation is reported in the result. */
  run (): SimulationResult {
    try {
      for (let id = 1; id <= this.plan.initialVoters; id++) this.addNode(id)
      this.queue.push(CHAOS_EVERY_MS, { kind: 'chaos' })
      this.runUntil(this.plan.chaosMs)
      this.heal()
      this.checkLiveness()
      return this.result()
    } catch (err) {
      this.log(`FAILED: ${String(err)}`)
      return this.result(err instanceof Error ? err.message : String(err))
    }
  }

  private result (error?: string): SimulationResult {
    this.stats.leadersElected = this.checker.leadersElected
    this.stats.snapshotsInstalled = this.checker.snapshotsInstalled
    this.stats.appliedEntries = this.checker.appliedEntries
    this.stats.maxCommitted = this.checker.maxCommitted
    return {
      seed: this.seed,
      ok: error === undefined,
      ...(error !== undefined ? { error } : {}),
      plan: this.plan,
      stats: this.stats,
      ...(this.trace !== undefined ? { trace: this.trace } : {})
    }
  }

  // ---- helpers ----

  private int (n: number): number {
    return Math.floor(this.rng() * n)
  }

  private pick<T> (items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[this.int(items.length)]
  }

  private log (line: string): void {
    if (this.trace !== undefined) this.trace.push(`${String(this.time).padStart(6)} ${line}`)
  }

  private aliveNodes (): SimNode[] {
    return [...this.nodes.values()].filter(n => n.alive)
  }

  leader (): SimNode | undefined {
    // The leader with the highest term is the real one; a deposed leader may not know it yet.
    let best: SimNode | undefined
    for (const n of this.aliveNodes()) {
      if (n.node.raft.state === StateType.Leader && (best === undefined || n.node.raft.term > best.node.raft.term)) best = n
    }
    return best
  }

  private addNode (id: number): SimNode {
    const node = new SimNode({
      id,
      params: this.plan.params,
      bootstrap: this.bootstrap,
      snapshotIntervalSize: this.plan.snapshotIntervalSize,
      catchUpEntries: this.plan.catchUpEntries
    })
    this.nodes.set(id, node)
    this.startNode(node)
    return node
  }

  private startNode (node: SimNode): void {
    node.start(seededRandom((this.seed ^ Math.imul(node.id, 0x9E3779B1) ^ Math.imul(node.restarts + 1, 0x85EBCA6B)) >>> 0))
    this.checker.started(node, node.storage.snapshot().metadata.index)
    this.log(`start ${node.id} (restart ${node.restarts})`)
    // Each node's clock has its own phase, as tabs' timers do.
    this.queue.push(this.time + 1 + this.int(TICK_MS), { kind: 'tick', id: node.id, epoch: node.restarts })
    this.afterEvent(node)
  }

  private crashNode (node: SimNode, point?: CrashPoint): void {
    if (point !== undefined) {
      node.pendingCrash = point
      this.log(`crash ${node.id} at next ready (${point})`)
      return
    }
    node.crash()
    this.stats.crashes++
    this.log(`crash ${node.id}`)
  }

  private afterEvent (node: SimNode): void {
    if (!node.alive) return
    const wasAlive = node.alive
    node.processReady(m => { this.send(m) }, this.checker)
    if (wasAlive && !node.alive) {
      if (node.halted) this.log(`halt ${node.id} (removed)`)
      else { this.stats.crashes++; this.log(`crashed ${node.id} inside ready`) }
      return
    }
    this.checker.afterStep(node)
  }

  // ---- network ----

  private connected (a: number, b: number): boolean {
    return this.groups.size === 0 || (this.groups.get(a) ?? 0) === (this.groups.get(b) ?? 0)
  }

  private send (m: Message): void {
    const dropped = !this.connected(m.from, m.to) || this.rng() < this.dropRate
    if (this.trace !== undefined) this.log(`send ${describe(m)}${dropped ? ' DROPPED' : ''}`)
    if (dropped) {
      if (m.type === MessageType.Snap) this.queue.push(this.time + 1, { kind: 'snap-status', leader: m.from, to: m.to, failed: true })
      return
    }
    this.queue.push(this.time + this.int(this.plan.maxDelayMs + 1), { kind: 'deliver', msg: m })
    if (this.rng() < this.dupRate) this.queue.push(this.time + this.int(this.plan.maxDelayMs + 1), { kind: 'deliver', msg: m })
  }

  private deliver (m: Message): void {
    const target = this.nodes.get(m.to)
    const ok = target !== undefined && target.alive && this.connected(m.from, m.to)
    if (this.trace !== undefined) this.log(`recv ${describe(m)}${ok ? '' : ' LOST'}`)
    if (m.type === MessageType.Snap) {
      this.queue.push(this.time + 1, { kind: 'snap-status', leader: m.from, to: m.to, failed: !ok })
    }
    if (!ok || target === undefined) return
    target.node.step(m)
    this.afterEvent(target)
  }

  // ---- event loop ----

  private runUntil (until: number): void {
    for (;;) {
      const next = this.queue.peekTime()
      if (next === undefined || next > until) break
      const event = this.queue.pop()
      if (event === undefined) break
      this.time = event.time
      this.stats.events++
      this.handle(event.value)
    }
    this.time = until
  }

  private handle (event: SimEvent): void {
    switch (event.kind) {
      case 'tick': {
        const node = this.nodes.get(event.id)
        if (node === undefined || !node.alive || node.restarts !== event.epoch) return
        node.node.tick()
        this.queue.push(this.time + TICK_MS, event)
        this.afterEvent(node)
        return
      }
      case 'deliver':
        this.deliver(event.msg)
        return
      case 'snap-status': {
        const node = this.nodes.get(event.leader)
        if (node === undefined || !node.alive || node.node.raft.state !== StateType.Leader) return
        this.log(`snapshot to ${event.to} ${event.failed ? 'failed' : 'delivered'}`)
        node.node.reportSnapshot(event.to, event.failed)
        this.afterEvent(node)
        return
      }
      case 'chaos':
        if (!this.chaos) return
        this.chaosStep()
        this.queue.push(this.time + CHAOS_EVERY_MS, event)
    }
  }

  private propose (node: SimNode, label: string): boolean {
    const n = ++this.proposalCount
    const padding = 'x'.repeat(this.int(96))
    const data = encoder.encode(`${label}:${this.seed}:${n}:${padding}`)
    try {
      node.node.propose(data)
      this.stats.proposals++
      this.log(`propose ${label}#${n} at ${node.id}`)
      this.afterEvent(node)
      return true
    } catch (err) {
      if (err instanceof RaftError && err.code === 'RAFT_PROPOSAL_DROPPED') {
        this.log(`propose ${label}#${n} at ${node.id} dropped: ${err.message}`)
        return false
      }
      throw err
    }
  }

  private chaosStep (): void {
    const plan = this.plan
    const alive = this.aliveNodes()
    if (this.rng() < plan.proposeRate) {
      const node = this.pick(alive)
      if (node !== undefined) this.propose(node, 'p')
    }
    if (this.rng() < plan.crashRate) {
      // Leaders are crashed more often than their share: that is where the interesting cases are.
      const leader = this.leader()
      const node = leader !== undefined && this.rng() < 0.4 ? leader : this.pick(alive)
      if (node !== undefined) {
        const points: Array<CrashPoint | undefined> = [undefined, 'before-persist', 'after-persist', 'after-send']
        this.crashNode(node, points[this.int(points.length)])
      }
    }
    if (this.rng() < plan.restartRate) {
      const node = this.pick([...this.nodes.values()].filter(n => !n.alive && !n.halted))
      if (node !== undefined) this.startNode(node)
    }
    if (this.rng() < plan.partitionRate) {
      const r = this.rng()
      if (r < 0.4) {
        this.groups = new Map()
        for (const id of this.nodes.keys()) this.groups.set(id, this.int(2))
        this.stats.partitions++
        this.log(`partition ${[...this.groups].map(([id, g]) => `${id}:${g}`).join(' ')}`)
      } else if (r < 0.6) {
        const leader = this.leader()
        if (leader !== undefined) {
          this.groups = new Map([[leader.id, 1]])
          this.stats.partitions++
          this.log(`isolate leader ${leader.id}`)
        }
      } else {
        if (this.groups.size > 0) this.log('heal partition')
        this.groups = new Map()
      }
    }
    if (plan.membershipChanges && this.rng() < 0.01) this.changeMembership()
    if (this.rng() < 0.01) {
      const leader = this.leader()
      const target = this.pick(leader === undefined ? [] : leader.node.raft.confState().voters.filter(v => v !== leader.id))
      if (leader !== undefined && target !== undefined) {
        this.log(`transfer leadership ${leader.id} -> ${target}`)
        leader.node.transferLeader(target)
        this.stats.transfers++
        this.afterEvent(leader)
      }
    }
  }

  private changeMembership (): void {
    const leader = this.leader()
    if (leader === undefined) return
    const voters = leader.node.raft.confState().voters
    const unused = Array.from({ length: MAX_NODE_ID }, (_, i) => i + 1).filter(id => !this.nodes.has(id))
    const add = voters.length < 5 && unused.length > 0 && (voters.length <= 3 || this.rng() < 0.5)
    const nodeId = add ? unused[0] : this.pick(voters)
    if (nodeId === undefined || (!add && voters.length <= 3)) return
    try {
      leader.node.proposeConfChange({ type: add ? ConfChangeType.AddNode : ConfChangeType.RemoveNode, nodeId })
    } catch (err) {
      if (err instanceof RaftError && err.code === 'RAFT_PROPOSAL_DROPPED') {
        this.log(`conf change ${add ? 'add' : 'remove'} ${nodeId} dropped: ${err.message}`)
        return
      }
      throw err
    }
    this.stats.confChanges++
    this.log(`propose conf change ${add ? 'add' : 'remove'} ${nodeId} at ${leader.id}`)
    // The new consenter's tab opens now, from the genesis block; it is not a voter until the change applies.
    if (add) this.addNode(nodeId)
    this.afterEvent(leader)
  }

  // ---- healing and liveness ----

  private heal (): void {
    this.chaos = false
    this.groups = new Map()
    this.dropRate = 0
    this.dupRate = 0
    this.log('HEAL: no partitions, no drops, restart every crashed node')
    for (const node of this.nodes.values()) {
      node.pendingCrash = undefined
      if (!node.alive && !node.halted) this.startNode(node)
    }
  }

  private checkLiveness (): void {
    const healedAt = this.time
    const deadline = healedAt + this.livenessBoundMs
    const markers: Array<{ index: number, term: number }> = []
    let nextProposal = healedAt
    while (this.time < deadline) {
      const leader = this.leader()
      if (leader !== undefined && this.time >= nextProposal) {
        if (this.propose(leader, 'marker')) {
          markers.push({ index: leader.node.raft.log.lastIndex(), term: leader.node.raft.term })
        }
        nextProposal = this.time + 10 * TICK_MS
      }
      if (leader !== undefined && markers.some(m => this.appliedEverywhere(leader, m.index, m.term))) {
        this.stats.recoveryMs = this.time - healedAt
        this.log(`LIVE after ${this.stats.recoveryMs} ms`)
        return
      }
      this.runUntil(this.time + TICK_MS)
    }
    const leader = this.leader()
    throw new RaftError('RAFT_INVARIANT', `Liveness violated: ${this.livenessBoundMs} ms after healing ` +
      (leader === undefined ? 'there is no leader' : `leader ${leader.id} (term ${leader.node.raft.term}) has not committed a proposal on every member`))
  }

  /** A proposal made after healing is committed and applied by every member of the leader's configuration. */
  private appliedEverywhere (leader: SimNode, index: number, term: number): boolean {
    const log = leader.node.raft.log
    if (log.committed < index || index < log.firstIndex() || log.termOrZero(index) !== term) return false
    return leader.node.raft.confState().voters.every(id => {
      const node = this.nodes.get(id)
      return node !== undefined && (node.halted || (node.alive && node.machine.appliedIndex >= index))
    })
  }
}

function describe (m: Message): string {
  let s = `${m.from}->${m.to} ${m.type} t${m.term}`
  if (m.type === MessageType.App || m.type === MessageType.AppResp || m.type === MessageType.Vote || m.type === MessageType.PreVote) {
    s += ` i${m.index} lt${m.logTerm}`
  }
  if (m.entries.length > 0) s += ` n${m.entries.length}`
  if (m.commit > 0) s += ` c${m.commit}`
  if (m.reject) s += ` REJECT hint${m.rejectHint}`
  if (m.snapshot !== undefined) s += ` snap@${m.snapshot.metadata.index}`
  return s
}

/** Runs one seed; the entry point for tests, `npm run soak` and replays. */
export function runSeed (seed: number, options: SimulationOptions = {}): SimulationResult {
  return new Simulation(seed, options).run()
}
