/**
 * Weft's Raft: a pure, etcd-style consensus core (RawNode), its storage and persistence
 * contracts, and a driver that runs it on a clock. See docs/raft.md.
 *
 * @module
 */
export { RawNode } from './raw-node.js'
export type { Ready, Status } from './raw-node.js'
export { RaftDriver } from './driver.js'
export type { RaftDriverComponents, RaftDriverInit, RaftStateMachine, RaftTransport } from './driver.js'
export { MemoryStorage } from './storage.js'
export type { Storage } from './storage.js'
export { MemoryRaftPersistence, storageFromPersisted } from './persistence.js'
export { KvRaftPersistence, RAFT_TABLES } from './kv-persistence.js'
export type { MaybePromise, PersistedRaftState, RaftPersistUpdate, RaftPersistence } from './persistence.js'
export { ConfChangeType, decodeConfChange, encodeConfChange } from './conf-change.js'
export type { ConfChange } from './conf-change.js'
export { DEFAULT_ETCDRAFT_OPTIONS, raftConfigFromOptions, validateEtcdRaftOptions, validateRaftConfig } from './config.js'
export type { EtcdRaftOptions, RaftConfig } from './config.js'
export { RaftError } from './errors.js'
export type { RaftErrorCode } from './errors.js'
export { seededRandom } from './random.js'
export type { RandomSource } from './random.js'
export { EntryType, MessageType, NONE, StateType } from './types.js'
export type { ConfState, Entry, HardState, Message, Snapshot, SnapshotMetadata, SoftState } from './types.js'
