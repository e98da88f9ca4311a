import { describe, expect, it } from 'vitest'
import { SafetyChecker } from '../../../src/orderer/raft/sim/invariants.js'
import { runSeed } from '../../../src/orderer/raft/sim/simulation.js'
import type { SimulationResult } from '../../../src/orderer/raft/sim/simulation.js'
import { SimNode } from '../../../src/orderer/raft/sim/sim-node.js'
import { seededRandom } from '../../../src/orderer/raft/random.js'
import { isWeftError } from '../../../src/shared/errors.js'
import { entry } from './helpers.js'

const SEEDS = 1000

function report (failure: SimulationResult): string {
  // Re-run with tracing: the run is deterministic, so this is the failing run, event by event.
  const traced = runSeed(failure.seed, { trace: true })
  return [`seed ${failure.seed}: ${failure.error ?? ''}`, `plan ${JSON.stringify(failure.plan)}`,
    ...(traced.trace ?? []).slice(-200), `replay: node scripts/soak.mjs --seed ${failure.seed}`].join('\n')
}

describe('deterministic simulation', () => {
  it(`keeps every invariant and recovers liveness on ${SEEDS} random seeds`, () => {
    const totals = { crashes: 0, partitions: 0, confChanges: 0, transfers: 0, snapshotsInstalled: 0, leadersElected: 0, appliedEntries: 0 }
    let maxRecoveryMs = 0
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = runSeed(seed)
      if (!result.ok) expect.fail(report(result))
      for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += result.stats[key]
      maxRecoveryMs = Math.max(maxRecoveryMs, result.stats.recoveryMs)
    }
    // The seeds must actually exercise the faults they claim to (a run without them proves little).
    expect(totals.crashes).toBeGreaterThan(SEEDS)
    expect(totals.partitions).toBeGreaterThan(SEEDS / 10)
    expect(totals.confChanges).toBeGreaterThan(SEEDS / 10)
    expect(totals.transfers).toBeGreaterThan(SEEDS / 10)
    expect(totals.snapshotsInstalled).toBeGreaterThan(SEEDS / 10)
    expect(totals.leadersElected).toBeGreaterThan(SEEDS)
    expect(totals.appliedEntries).toBeGreaterThan(SEEDS * 50)
    expect(maxRecoveryMs).toBeLessThan(60_000)
  })

  it('replays a seed exactly', () => {
    const a = runSeed(4242, { trace: true })
    const b = runSeed(4242, { trace: true })
    expect(a.ok).toBe(true)
    expect(b.trace).toEqual(a.trace)
    expect((a.trace ?? []).length).toBeGreaterThan(100)
    expect(runSeed(4243, { trace: true }).trace).not.toEqual(a.trace)
  })
})

describe('SafetyChecker detects violations', () => {
  const bootstrap = { metadata: { index: 0, term: 0, confState: { voters: [1, 2, 3] } }, data: new Uint8Array(0) }
  const params = { electionTick: 10, heartbeatTick: 1, maxInflightMsgs: 5, maxSizePerMsg: 1 << 20, preVote: true, checkQuorum: true }
  const nodeOf = (id: number): SimNode => {
    const n = new SimNode({ id, params, bootstrap, snapshotIntervalSize: 1 << 20, catchUpEntries: 0 })
    n.start(seededRandom(id))
    return n
  }

  it('two different entries applied at one index', () => {
    const checker = new SafetyChecker()
    const [a, b] = [nodeOf(1), nodeOf(2)]
    checker.started(a, 0)
    checker.started(b, 0)
    checker.applied(a, entry(1, 1, 'x'), { appliedIndex: 1, hash: 1 })
    let error: unknown
    try { checker.applied(b, entry(1, 1, 'y'), { appliedIndex: 1, hash: 2 }) } catch (err) { error = err }
    expect(isWeftError(error, 'RAFT_INVARIANT')).toBe(true)
    expect(String(error)).toMatch(/State Machine Safety/)
  })

  it('an entry applied out of order', () => {
    const checker = new SafetyChecker()
    const a = nodeOf(1)
    checker.started(a, 0)
    expect(() => { checker.applied(a, entry(2, 1, 'x'), { appliedIndex: 2, hash: 1 }) }).toThrow(/In-order apply/)
  })

  it('the same index and term holding different data on two nodes', () => {
    const checker = new SafetyChecker()
    const [a, b] = [nodeOf(1), nodeOf(2)]
    checker.persisted(a, [entry(1, 1, 'x')])
    expect(() => { checker.persisted(b, [entry(1, 1, 'y')]) }).toThrow(/Log Matching/)
  })
})
