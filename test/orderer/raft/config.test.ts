import { describe, expect, it } from 'vitest'
import { DEFAULT_ETCDRAFT_OPTIONS, raftConfigFromOptions, validateEtcdRaftOptions, validateRaftConfig } from '../../../src/orderer/raft/config.js'
import { RaftError } from '../../../src/orderer/raft/errors.js'
import { seededRandom } from '../../../src/orderer/raft/random.js'
import { WeftError, isWeftError } from '../../../src/shared/errors.js'

function errorOf (fn: () => unknown): unknown {
  try { fn() } catch (err) { return err }
  return undefined
}

describe('etcdraft options (Fabric names and defaults)', () => {
  it('keeps Fabric\'s defaults except TickInterval and SnapshotIntervalSize, which are documented browser choices', () => {
    expect(DEFAULT_ETCDRAFT_OPTIONS).toEqual({
      tickIntervalMs: 100, electionTick: 10, heartbeatTick: 1, maxInflightBlocks: 5, snapshotIntervalSize: 4 * 1024 * 1024
    })
    expect(Object.isFrozen(DEFAULT_ETCDRAFT_OPTIONS)).toBe(true)
    expect(() => { validateEtcdRaftOptions(DEFAULT_ETCDRAFT_OPTIONS) }).not.toThrow()
  })

  it('maps onto a Raft config with pre-vote and check-quorum on, as Fabric runs etcd raft', () => {
    const config = raftConfigFromOptions(7, DEFAULT_ETCDRAFT_OPTIONS, seededRandom(1))
    expect(config).toMatchObject({ id: 7, electionTick: 10, heartbeatTick: 1, maxInflightMsgs: 5, preVote: true, checkQuorum: true })
    expect(() => { validateRaftConfig(config) }).not.toThrow()
  })

  it('fails fast with RAFT_INVALID_CONFIG naming the field', () => {
    const bad: Array<[Partial<typeof DEFAULT_ETCDRAFT_OPTIONS>, RegExp]> = [
      [{ tickIntervalMs: 0 }, /tickIntervalMs/],
      [{ electionTick: 1.5 }, /electionTick/],
      [{ heartbeatTick: -1 }, /heartbeatTick/],
      [{ maxInflightBlocks: 0 }, /maxInflightBlocks/],
      [{ snapshotIntervalSize: Number.NaN }, /snapshotIntervalSize/],
      [{ electionTick: 2, heartbeatTick: 2 }, /greater than heartbeatTick/]
    ]
    for (const [patch, message] of bad) {
      const err = errorOf(() => { validateEtcdRaftOptions({ ...DEFAULT_ETCDRAFT_OPTIONS, ...patch }) })
      expect(isWeftError(err, 'RAFT_INVALID_CONFIG'), JSON.stringify(patch)).toBe(true)
      expect((err as Error).message).toMatch(message)
    }
    const base = raftConfigFromOptions(1, DEFAULT_ETCDRAFT_OPTIONS, seededRandom(1))
    for (const patch of [{ id: 0 }, { id: -3 }, { maxSizePerMsg: 0 }, { applied: -1 }]) {
      expect(isWeftError(errorOf(() => { validateRaftConfig({ ...base, ...patch }) }), 'RAFT_INVALID_CONFIG'), JSON.stringify(patch)).toBe(true)
    }
  })

  it('raises RaftError, a WeftError with the class name set', () => {
    const err = errorOf(() => { validateEtcdRaftOptions({ ...DEFAULT_ETCDRAFT_OPTIONS, electionTick: 0 }) })
    expect(err).toBeInstanceOf(RaftError)
    expect(err).toBeInstanceOf(WeftError)
    expect((err as Error).name).toBe('RaftError')
  })
})

describe('seededRandom', () => {
  it('replays the same sequence for a seed, in [0, 1)', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const xs = Array.from({ length: 1000 }, () => a())
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs)
    expect(xs.every(x => x >= 0 && x < 1)).toBe(true)
    expect(new Set(xs).size).toBeGreaterThan(990)
    expect(seededRandom(43)()).not.toBe(xs[0])
  })
})
