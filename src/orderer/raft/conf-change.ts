import { RaftError } from './errors.js'

/**
 * A change of the consenter set by exactly one node, as Fabric's etcdraft allows
 * (`orderer/consensus/etcdraft/membership.go`: one consenter added or removed per config block).
 * Raft's single-server change is safe only if each change commits before the next starts, which
 * the leader enforces (`pendingConfIndex`, etcd raft.go) and a new leader first commits an entry of
 * its own term (the fix for the single-server bug Ongaro described in 2015; etcd does the same).
 */
export enum ConfChangeType {
  AddNode = 0,
  RemoveNode = 1
}

export interface ConfChange {
  readonly type: ConfChangeType
  readonly nodeId: number
  /** Opaque to Raft; Fabric carries the config block here. */
  readonly context?: Uint8Array
}

// Wire layout: [type:u8][nodeId hi:u32][nodeId lo:u32][context...]. Big-endian, fixed header.
const HEADER = 9

export function encodeConfChange (cc: ConfChange): Uint8Array {
  assertNodeId(cc.nodeId, 'confChange.nodeId')
  if (cc.type !== ConfChangeType.AddNode && cc.type !== ConfChangeType.RemoveNode) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `confChange.type: unknown type ${String(cc.type)}`)
  }
  const context = cc.context ?? new Uint8Array(0)
  const out = new Uint8Array(HEADER + context.byteLength)
  const view = new DataView(out.buffer)
  view.setUint8(0, cc.type)
  view.setUint32(1, Math.floor(cc.nodeId / 2 ** 32))
  view.setUint32(5, cc.nodeId >>> 0)
  out.set(context, HEADER)
  return out
}

export function decodeConfChange (data: Uint8Array): ConfChange {
  if (data.byteLength < HEADER) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `confChange: ${data.byteLength} bytes, need at least ${HEADER}`)
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const type = view.getUint8(0)
  if (type !== ConfChangeType.AddNode && type !== ConfChangeType.RemoveNode) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `confChange.type: unknown type ${type}`)
  }
  const nodeId = view.getUint32(1) * 2 ** 32 + view.getUint32(5)
  assertNodeId(nodeId, 'confChange.nodeId')
  const context = data.subarray(HEADER)
  return context.byteLength > 0 ? { type, nodeId, context } : { type, nodeId }
}

export function assertNodeId (id: unknown, field: string): asserts id is number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `${field}: expected a positive safe integer node id, got ${String(id)}`)
  }
}
