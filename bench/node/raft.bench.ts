/**
 * Raft ordering in the deterministic simulator with a zero-delay network, Fabric's settings
 * (pre-vote, check-quorum, MaxInflightBlocks 5) and Weft's defaults (TickInterval 100 ms,
 * SnapshotIntervalSize 4 MiB). The full driver loop runs: persist to the in-memory disk, send,
 * apply, advance, snapshots. No crypto and no IndexedDB: this is the consensus core's cost.
 *
 * Workload: raw entries, one 1 KiB transaction envelope per Raft entry (no block cutting), proposed
 * at the leader in bursts of 64 followed by delivering every message; tx/s = entries committed per
 * wall-clock second. Latency: wall time from propose() to the leader applying the entry.
 * Failover: the leader stops at a random moment; virtual time until one of the others leads,
 * median over 200 seeded runs, in ticks and in ms at the default TickInterval.
 */
import { DEFAULT_ETCDRAFT_OPTIONS } from '../../src/orderer/raft/config.js'
import { InstantCluster } from '../../src/orderer/raft/sim/instant-cluster.js'
import { round } from '../harness.js'
import type { BenchSuite } from '../harness.js'

const TX_BYTES = 1024
const BURST = 64
const WARMUP_TX = 2_000
const MEASURED_TX = 10_000
const FAILOVER_RUNS = 200

function percentile (sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
}

function ordering (size: number): { txPerS: number, p50: number, p99: number } {
  const cluster = new InstantCluster(size, 7)
  cluster.awaitLeader()
  const leader = cluster.leader()
  if (leader === undefined) throw new Error('no leader')
  const proposedAt = new Map<number, number>()
  const latencies: number[] = []
  let applied = 0
  cluster.onApply = (node, entry) => {
    if (node !== leader) return
    const t = proposedAt.get(entry.index)
    if (t === undefined) return
    latencies.push(performance.now() - t)
    proposedAt.delete(entry.index)
    applied++
  }
  const tx = new Uint8Array(TX_BYTES).map((_, i) => i & 0xff)
  const run = (count: number): number => {
    const start = performance.now()
    const target = applied + count
    while (applied < target) {
      for (let i = 0; i < BURST; i++) {
        proposedAt.set(leader.node.raft.log.lastIndex() + 1, performance.now())
        cluster.propose(leader, tx)
      }
      cluster.stabilize()
    }
    return performance.now() - start
  }
  run(WARMUP_TX)
  latencies.length = 0
  const ms = run(MEASURED_TX)
  latencies.sort((a, b) => a - b)
  return { txPerS: latencies.length / (ms / 1000), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) }
}

function failoverTicks (seed: number): number {
  const cluster = new InstantCluster(3, seed)
  cluster.awaitLeader()
  // Let the cluster run a while so the crash lands at a random point of the heartbeat cycle.
  const settle = 1_000 + (seed * 7919) % 2_000
  for (let i = 0; i < settle; i++) cluster.advanceMs()
  const old = cluster.leader()
  if (old === undefined) throw new Error('leader lost before the crash')
  old.crash()
  const ms = cluster.awaitLeader()
  return ms / DEFAULT_ETCDRAFT_OPTIONS.tickIntervalMs
}

export const suite: BenchSuite = {
  names: ['raft3_tx_per_s', 'raft5_tx_per_s', 'raft3_latency_p50_ms', 'raft3_latency_p99_ms', 'raft5_latency_p50_ms',
    'raft5_latency_p99_ms', 'raft_failover_ticks', 'raft_failover_ms', 'raft_failover_p99_ms'],
  async run (report) {
    // Alternate sizes over three rounds and keep each one's median, so JIT warm-up and machine
    // noise fall on both alike.
    const rounds: Array<{ r3: ReturnType<typeof ordering>, r5: ReturnType<typeof ordering> }> = []
    for (let i = 0; i < 3; i++) rounds.push({ r3: ordering(3), r5: ordering(5) })
    const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[1] as T
    const r3 = median(rounds.map(r => r.r3), r => r.txPerS)
    report({ name: 'raft3_tx_per_s', value: round(r3.txPerS), unit: 'tx/s' })
    report({ name: 'raft3_latency_p50_ms', value: round(r3.p50), unit: 'ms' })
    report({ name: 'raft3_latency_p99_ms', value: round(r3.p99), unit: 'ms' })
    const r5 = median(rounds.map(r => r.r5), r => r.txPerS)
    report({ name: 'raft5_tx_per_s', value: round(r5.txPerS), unit: 'tx/s' })
    report({ name: 'raft5_latency_p50_ms', value: round(r5.p50), unit: 'ms' })
    report({ name: 'raft5_latency_p99_ms', value: round(r5.p99), unit: 'ms' })
    const ticks = Array.from({ length: FAILOVER_RUNS }, (_, i) => failoverTicks(i + 1)).sort((a, b) => a - b)
    const p50 = percentile(ticks, 0.5)
    report({ name: 'raft_failover_ticks', value: round(p50), unit: 'ticks' })
    report({ name: 'raft_failover_ms', value: round(p50 * DEFAULT_ETCDRAFT_OPTIONS.tickIntervalMs), unit: 'ms' })
    report({ name: 'raft_failover_p99_ms', value: round(percentile(ticks, 0.99) * DEFAULT_ETCDRAFT_OPTIONS.tickIntervalMs), unit: 'ms' })
  }
}
