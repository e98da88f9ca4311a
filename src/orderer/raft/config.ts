import { RaftError } from './errors.js'
import type { RandomSource } from './random.js'

/**
 * Fabric's etcdraft `Options` (fabric-protos orderer/etcdraft/configuration.proto), in Weft's
 * camelCase. Defaults follow Fabric except where a browser tab differs; each deviation says why.
 */
export interface EtcdRaftOptions {
  /**
   * Fabric `TickInterval`, default "500ms". Weft: 100 ms. Tabs talk over WebRTC with tens of
   * milliseconds of latency, and a workshop should see a new leader about a second after the host's
   * tab closes (10 ticks × 100 ms), not after Fabric's 5 s. Drivers should tick from a dedicated
   * Worker: background tabs clamp main-thread timers to ≥ 1 s, which would starve heartbeats.
   */
  readonly tickIntervalMs: number
  /** Fabric `ElectionTick`, default 10. Must exceed heartbeatTick (etcd: at least 10× is recommended). */
  readonly electionTick: number
  /** Fabric `HeartbeatTick`, default 1. */
  readonly heartbeatTick: number
  /** Fabric `MaxInflightBlocks`, default 5: append messages in flight per follower (etcd MaxInflightMsgs). */
  readonly maxInflightBlocks: number
  /**
   * Fabric `SnapshotIntervalSize`, default 16 MB: bytes of data appended since the last snapshot
   * before the driver takes a new one. Weft: 4 MiB. The Raft log is mirrored in the tab's heap
   * (MemoryStorage) and IndexedDB quota is shared with the ledger; compacting sooner keeps both small,
   * and a snapshot is cheap (Fabric's is the last block; peers catch up blocks through Deliver).
   */
  readonly snapshotIntervalSize: number
}

export const DEFAULT_ETCDRAFT_OPTIONS: EtcdRaftOptions = Object.freeze({
  tickIntervalMs: 100,
  electionTick: 10,
  heartbeatTick: 1,
  maxInflightBlocks: 5,
  snapshotIntervalSize: 4 * 1024 * 1024
})

/** Configuration of one Raft node (etcd raft.Config, the subset Weft uses). */
export interface RaftConfig {
  /** This node's id (etcd ID; Fabric's consenter id). */
  readonly id: number
  readonly electionTick: number
  readonly heartbeatTick: number
  /** etcd MaxInflightMsgs = Fabric MaxInflightBlocks. */
  readonly maxInflightMsgs: number
  /** Upper bound of entry bytes per append message (etcd MaxSizePerMsg; Fabric uses 1 MB). */
  readonly maxSizePerMsg: number
  /** Pre-vote (§9.6 of Ongaro's thesis). Fabric enables it. */
  readonly preVote: boolean
  /** The leader steps down when it has not heard from a quorum for an election timeout. Fabric enables it. */
  readonly checkQuorum: boolean
  /** Seeded source for randomized election timeouts. */
  readonly random: RandomSource
  /** Last applied index on restart; entries up to it are not handed out again (etcd Config.Applied). */
  readonly applied?: number
}

export const DEFAULT_MAX_SIZE_PER_MSG = 1024 * 1024

/** A RaftConfig from Fabric options, with Fabric's choices for the rest (pre-vote and check-quorum on). */
export function raftConfigFromOptions (id: number, options: EtcdRaftOptions, random: RandomSource): RaftConfig {
  validateEtcdRaftOptions(options)
  return {
    id,
    electionTick: options.electionTick,
    heartbeatTick: options.heartbeatTick,
    maxInflightMsgs: options.maxInflightBlocks,
    maxSizePerMsg: DEFAULT_MAX_SIZE_PER_MSG,
    preVote: true,
    checkQuorum: true,
    random
  }
}

function positiveInteger (value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RaftError('RAFT_INVALID_CONFIG', `${field}: expected a positive integer, got ${String(value)}`)
  }
}

/** Fails fast with RAFT_INVALID_CONFIG naming the field (Fabric's CheckConfigMetadata, etcd's validate). */
export function validateEtcdRaftOptions (options: EtcdRaftOptions): void {
  positiveInteger(options.tickIntervalMs, 'tickIntervalMs')
  positiveInteger(options.electionTick, 'electionTick')
  positiveInteger(options.heartbeatTick, 'heartbeatTick')
  positiveInteger(options.maxInflightBlocks, 'maxInflightBlocks')
  positiveInteger(options.snapshotIntervalSize, 'snapshotIntervalSize')
  if (options.electionTick <= options.heartbeatTick) {
    throw new RaftError('RAFT_INVALID_CONFIG',
      `electionTick (${options.electionTick}) must be greater than heartbeatTick (${options.heartbeatTick})`)
  }
}

export function validateRaftConfig (config: RaftConfig): void {
  positiveInteger(config.id, 'id')
  positiveInteger(config.electionTick, 'electionTick')
  positiveInteger(config.heartbeatTick, 'heartbeatTick')
  positiveInteger(config.maxInflightMsgs, 'maxInflightMsgs')
  positiveInteger(config.maxSizePerMsg, 'maxSizePerMsg')
  if (config.electionTick <= config.heartbeatTick) {
    throw new RaftError('RAFT_INVALID_CONFIG',
      `electionTick (${config.electionTick}) must be greater than heartbeatTick (${config.heartbeatTick})`)
  }
  if (typeof config.random !== 'function') {
    throw new RaftError('RAFT_INVALID_CONFIG', 'random: expected a function returning [0, 1)')
  }
  if (config.applied !== undefined && (!Number.isSafeInteger(config.applied) || config.applied < 0)) {
    throw new RaftError('RAFT_INVALID_CONFIG', `applied: expected a non-negative integer, got ${String(config.applied)}`)
  }
}
