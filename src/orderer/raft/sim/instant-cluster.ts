import { DEFAULT_ETCDRAFT_OPTIONS } from '../config.js'
import { seededRandom } from '../random.js'
import type { RandomSource } from '../random.js'
import { StateType } from '../types.js'
import type { Entry, Message, Snapshot } from '../types.js'
import type { NodeObserver } from './sim-node.js'
import { SimNode } from './sim-node.js'
import type { MachineState } from './state-machine.js'
import { INITIAL_MACHINE_STATE, encodeMachineState } from './state-machine.js'

/**
 * A fault-free cluster with a zero-delay network and virtual-time ticks (each node with its own
 * phase), for benchmarks: ordering throughput/latency and failover time with Fabric's settings
 * (pre-vote and check-quorum on, MaxInflightBlocks 5, Weft's SnapshotIntervalSize).
 */
export class InstantCluster {
  readonly nodes = new Map<number, SimNode>()
  /** Called when a node applies an entry; the benchmark timestamps commits with it. */
  onApply: ((node: SimNode, entry: Entry) => void) | undefined
  time = 0
  private queue: Message[] = []
  private readonly phase = new Map<number, number>()
  private readonly rng: RandomSource
  private readonly observer: NodeObserver

  constructor (size: number, seed: number, tickMs = DEFAULT_ETCDRAFT_OPTIONS.tickIntervalMs) {
    this.rng = seededRandom(seed)
    const voters = Array.from({ length: size }, (_, i) => i + 1)
    const bootstrap: Snapshot = { metadata: { index: 0, term: 0, confState: { voters } }, data: encodeMachineState(INITIAL_MACHINE_STATE) }
    this.observer = {
      applied: (node: SimNode, entry: Entry, _state: MachineState) => { this.onApply?.(node, entry) },
      snapshotInstalled: () => {},
      persisted: () => {}
    }
    for (const id of voters) {
      const node = new SimNode({
        id,
        params: {
          electionTick: DEFAULT_ETCDRAFT_OPTIONS.electionTick,
          heartbeatTick: DEFAULT_ETCDRAFT_OPTIONS.heartbeatTick,
          maxInflightMsgs: DEFAULT_ETCDRAFT_OPTIONS.maxInflightBlocks,
          maxSizePerMsg: 1024 * 1024,
          preVote: true,
          checkQuorum: true
        },
        bootstrap,
        snapshotIntervalSize: DEFAULT_ETCDRAFT_OPTIONS.snapshotIntervalSize,
        catchUpEntries: 4
      })
      node.start(seededRandom(seed * 16 + id))
      this.nodes.set(id, node)
      this.phase.set(id, Math.floor(this.rng() * tickMs))
    }
    this.tickMs = tickMs
  }

  private readonly tickMs: number

  leader (): SimNode | undefined {
    return [...this.nodes.values()].find(n => n.alive && n.node.raft.state === StateType.Leader)
  }

  pump (node: SimNode): void {
    if (node.alive) node.processReady(m => { this.queue.push(m) }, this.observer)
  }

  /** Delivers all messages (zero delay) until the network is quiet. */
  stabilize (): void {
    while (this.queue.length > 0) {
      const msgs = this.queue
      this.queue = []
      for (const m of msgs) {
        const target = this.nodes.get(m.to)
        if (target === undefined || !target.alive) continue
        target.node.step(m)
        this.pump(target)
      }
    }
  }

  /** Advances virtual time by one millisecond, ticking the nodes whose phase comes up. */
  advanceMs (): void {
    this.time++
    for (const [id, node] of this.nodes) {
      if (!node.alive || (this.time - (this.phase.get(id) ?? 0)) % this.tickMs !== 0) continue
      node.node.tick()
      this.pump(node)
    }
    this.stabilize()
  }

  /** Runs virtual time until a live leader exists; returns the ms it took. */
  awaitLeader (maxMs = 60_000): number {
    const start = this.time
    while (this.leader() === undefined) {
      if (this.time - start > maxMs) throw new Error('no leader elected')
      this.advanceMs()
    }
    return this.time - start
  }

  propose (node: SimNode, data: Uint8Array): void {
    node.node.propose(data)
    this.pump(node)
  }
}
