import { seededRandom } from '../../../src/orderer/raft/random.js'
import { SafetyChecker } from '../../../src/orderer/raft/sim/invariants.js'
import { SimNode } from '../../../src/orderer/raft/sim/sim-node.js'
import type { NodeParams } from '../../../src/orderer/raft/sim/sim-node.js'
import { INITIAL_MACHINE_STATE, encodeMachineState } from '../../../src/orderer/raft/sim/state-machine.js'
import { MessageType, StateType } from '../../../src/orderer/raft/types.js'
import type { Message, Snapshot } from '../../../src/orderer/raft/types.js'
import { bytes } from './helpers.js'

export interface ClusterOptions {
  readonly params?: Partial<NodeParams>
  readonly snapshotIntervalSize?: number
  readonly catchUpEntries?: number
}

/**
 * A scripted cluster of simulator nodes (core + driver loop + disk + state machine): messages are
 * delivered instantly in order by `stabilize()`, faults are applied by hand, and the simulator's
 * SafetyChecker watches every step, so scripted scenarios check the invariants too.
 */
export class ScriptedCluster {
  readonly nodes = new Map<number, SimNode>()
  readonly checker = new SafetyChecker()
  readonly sent: Message[] = []
  private queue: Message[] = []
  private readonly cut = new Set<string>()
  private readonly ignored = new Set<MessageType>()
  private readonly bootstrap: Snapshot
  private readonly params: NodeParams
  private nextSeed = 1

  constructor (voters: readonly number[], private readonly options: ClusterOptions = {}) {
    this.bootstrap = { metadata: { index: 0, term: 0, confState: { voters } }, data: encodeMachineState(INITIAL_MACHINE_STATE) }
    this.params = { electionTick: 10, heartbeatTick: 1, maxInflightMsgs: 5, maxSizePerMsg: 1024 * 1024, preVote: true, checkQuorum: true, ...options.params }
    for (const id of voters) this.add(id)
  }

  /** Opens a new consenter's "tab" from the genesis snapshot. */
  add (id: number): SimNode {
    const node = new SimNode({
      id,
      params: this.params,
      bootstrap: this.bootstrap,
      snapshotIntervalSize: this.options.snapshotIntervalSize ?? 1024 * 1024,
      catchUpEntries: this.options.catchUpEntries ?? 0
    })
    this.nodes.set(id, node)
    this.start(node)
    return node
  }

  node (id: number): SimNode {
    const n = this.nodes.get(id)
    if (n === undefined) throw new Error(`no node ${id}`)
    return n
  }

  private start (node: SimNode): void {
    node.start(seededRandom(this.nextSeed++))
    this.checker.started(node, node.storage.snapshot().metadata.index)
    this.pump(node)
  }

  private pump (node: SimNode): void {
    if (!node.alive) return
    node.processReady(m => { this.sent.push(m); this.queue.push(m) }, this.checker)
    this.checker.afterStep(node)
  }

  /** Delivers every message, and the messages they cause, until none is left. */
  stabilize (): void {
    while (this.queue.length > 0) {
      const msgs = this.queue
      this.queue = []
      for (const m of msgs) this.deliver(m)
    }
  }

  private deliver (m: Message): void {
    const target = this.nodes.get(m.to)
    const ok = target !== undefined && target.alive && !this.cut.has(`${m.from}-${m.to}`) && !this.ignored.has(m.type)
    const from = this.nodes.get(m.from)
    if (m.type === MessageType.Snap && from?.alive === true && from.node.raft.state === StateType.Leader) {
      from.node.reportSnapshot(m.to, !ok) // what the transport tells the leader (etcd ReportSnapshot)
      this.pump(from)
    }
    if (!ok || target === undefined) return
    target.node.step(m)
    this.pump(target)
  }

  tick (ids: readonly number[] = [...this.nodes.keys()], times = 1): void {
    for (let t = 0; t < times; t++) {
      for (const id of ids) {
        const node = this.nodes.get(id)
        if (node === undefined || !node.alive) continue
        node.node.tick()
        this.pump(node)
      }
      this.stabilize()
    }
  }

  campaign (id: number): void {
    this.node(id).node.campaign()
    this.pump(this.node(id))
    this.stabilize()
  }

  propose (id: number, data: string): void {
    this.node(id).node.propose(bytes(data))
    this.pump(this.node(id))
    this.stabilize()
  }

  /** Runs `fn` on a node's RawNode, then drives its Ready and the network. */
  act (id: number, fn: (node: SimNode) => void): void {
    fn(this.node(id))
    this.pump(this.node(id))
    this.stabilize()
  }

  isolate (id: number): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue
      this.cut.add(`${id}-${other}`)
      this.cut.add(`${other}-${id}`)
    }
  }

  /** Drops every message of a type until heal(). */
  ignore (type: MessageType): void {
    this.ignored.add(type)
  }

  heal (): void {
    this.cut.clear()
    this.ignored.clear()
  }

  crash (id: number): void {
    this.node(id).crash()
  }

  restart (id: number): void {
    this.start(this.node(id))
    this.stabilize()
  }

  leader (): SimNode | undefined {
    return [...this.nodes.values()].find(n => n.alive && n.node.raft.state === StateType.Leader)
  }

  /** Ticks every live node until one is leader (bounded). */
  elect (maxTicks = 100): SimNode {
    for (let i = 0; i < maxTicks; i++) {
      const leader = this.leader()
      if (leader !== undefined) return leader
      this.tick()
    }
    throw new Error('no leader elected')
  }
}
