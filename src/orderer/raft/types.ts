/**
 * Raft's data types, after etcd's `raftpb` (raft.proto). Plain, immutable-by-convention data:
 * the core never mutates an entry or message after handing it out, so drivers may share them.
 *
 * Node ids are positive safe integers (etcd and Fabric use uint64; a tab network never needs more
 * than 2^53 consenter ids). 0 means "none" exactly as etcd's `None`.
 */

export const NONE = 0

export enum EntryType {
  Normal = 0,
  /** `data` is an encoded {@link ConfChange} (see conf-change.ts). */
  ConfChange = 1
}

export interface Entry {
  readonly term: number
  readonly index: number
  readonly type: EntryType
  readonly data: Uint8Array
}

/** What must be on disk before any message of the same Ready is sent (etcd raftpb.HardState). */
export interface HardState {
  readonly term: number
  readonly vote: number
  readonly commit: number
}

/** Volatile state, reported for information only (etcd SoftState). */
export interface SoftState {
  readonly lead: number
  readonly state: StateType
}

export enum StateType {
  Follower = 'follower',
  Candidate = 'candidate',
  PreCandidate = 'pre-candidate',
  Leader = 'leader'
}

/** The voters of the cluster. One-at-a-time changes only (Fabric's rule), hence no joint config. */
export interface ConfState {
  readonly voters: readonly number[]
}

export interface SnapshotMetadata {
  readonly index: number
  readonly term: number
  readonly confState: ConfState
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata
  /** Opaque application state (Fabric: the last block's number and the consenter set). */
  readonly data: Uint8Array
}

export enum MessageType {
  // Local messages: never sent over the wire, only stepped by the node itself.
  Hup = 'MsgHup',
  Beat = 'MsgBeat',
  Prop = 'MsgProp',
  CheckQuorum = 'MsgCheckQuorum',
  SnapStatus = 'MsgSnapStatus',
  Unreachable = 'MsgUnreachable',
  // Wire messages.
  App = 'MsgApp',
  AppResp = 'MsgAppResp',
  Vote = 'MsgVote',
  VoteResp = 'MsgVoteResp',
  PreVote = 'MsgPreVote',
  PreVoteResp = 'MsgPreVoteResp',
  Snap = 'MsgSnap',
  Heartbeat = 'MsgHeartbeat',
  HeartbeatResp = 'MsgHeartbeatResp',
  TransferLeader = 'MsgTransferLeader',
  TimeoutNow = 'MsgTimeoutNow'
}

export interface Message {
  readonly type: MessageType
  readonly to: number
  readonly from: number
  readonly term: number
  /** Term of the entry at `index` (MsgApp), of the candidate's last entry (votes), or the hint term (rejections). */
  readonly logTerm: number
  readonly index: number
  readonly entries: readonly Entry[]
  readonly commit: number
  readonly snapshot?: Snapshot
  readonly reject: boolean
  readonly rejectHint: number
  /** Set on votes caused by a leader transfer: they bypass the check-quorum lease (etcd uses `Context`). */
  readonly transfer?: boolean
}

export function isLocalMessage (type: MessageType): boolean {
  return type === MessageType.Hup || type === MessageType.Beat || type === MessageType.CheckQuorum ||
    type === MessageType.SnapStatus || type === MessageType.Unreachable
}

export function isResponseMessage (type: MessageType): boolean {
  return type === MessageType.AppResp || type === MessageType.VoteResp || type === MessageType.PreVoteResp ||
    type === MessageType.HeartbeatResp || type === MessageType.Unreachable
}

export function voteResponseType (type: MessageType): MessageType {
  return type === MessageType.PreVote ? MessageType.PreVoteResp : MessageType.VoteResp
}

/** Fills the fields a message does not use, so every message has the same shape. */
export function message (fields: Partial<Message> & Pick<Message, 'type'>): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...fields
  }
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 })

export function isEmptyHardState (hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0
}

export function hardStateEqual (a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit
}

/** Sum of payload bytes, the unit of etcd's MaxSizePerMsg limits. */
export function entrySize (entry: Entry): number {
  return entry.data.byteLength + 16
}
