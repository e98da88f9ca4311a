import { WeftError } from '../../shared/errors.js'

/**
 * Codes raised by the Raft core and its storage. Most mirror etcd raft's sentinel errors
 * (`ErrCompacted`, `ErrUnavailable`, `ErrProposalDropped`, `ErrSnapOutOfDate`); the rest are
 * config validation (etcd's `Config.validate`) and broken invariants (etcd panics there).
 */
export type RaftErrorCode =
  | 'RAFT_INVALID_CONFIG'
  | 'RAFT_INVALID_ARGUMENT'
  | 'RAFT_COMPACTED'
  | 'RAFT_UNAVAILABLE'
  | 'RAFT_SNAPSHOT_OUT_OF_DATE'
  | 'RAFT_PROPOSAL_DROPPED'
  | 'RAFT_STEP_LOCAL_MESSAGE'
  | 'RAFT_STEP_PEER_NOT_FOUND'
  | 'RAFT_INVARIANT'

export class RaftError extends WeftError {
  static override readonly name: string = 'RaftError'
  declare readonly code: RaftErrorCode

  constructor (code: RaftErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
