import { describe, expect, it } from 'vitest'
import { ConfChangeType, decodeConfChange } from '../../../src/orderer/raft/conf-change.js'
import { RawNode } from '../../../src/orderer/raft/raw-node.js'
import { EntryType, MessageType, StateType, message } from '../../../src/orderer/raft/types.js'
import { isWeftError } from '../../../src/shared/errors.js'
import type { MemoryStorage } from '../../../src/orderer/raft/storage.js'
import type { Ready } from '../../../src/orderer/raft/raw-node.js'
import { bytes, storageWith } from './helpers.js'

const config = (id: number) => ({
  id, electionTick: 10, heartbeatTick: 1, maxInflightMsgs: 5, maxSizePerMsg: 1 << 20, preVote: false, checkQuorum: false, random: () => 0
})

function codeOf (fn: () => unknown): string | undefined {
  try { fn() } catch (err) { return isWeftError(err) ? err.code : 'untyped' }
  return undefined
}

/** The driver loop of one Ready (persist, send, apply, advance) against a MemoryStorage. */
function handle (node: RawNode, storage: MemoryStorage, rd: Ready): void {
  if (rd.hardState !== undefined) storage.setHardState(rd.hardState)
  storage.append(rd.entries)
  for (const e of rd.committedEntries) if (e.type === EntryType.ConfChange) node.applyConfChange(decodeConfChange(e.data))
  node.advance(rd)
}

describe('RawNode and Ready', () => {
  it('a single node campaigns, leads, and commits its own proposals', () => {
    const storage = storageWith({ voters: [1] })
    const node = new RawNode(config(1), storage)
    node.campaign()
    const rd = node.ready()
    expect(rd.softState).toEqual({ lead: 1, state: StateType.Leader })
    expect(rd.hardState).toEqual({ term: 1, vote: 1, commit: 1 })
    expect(rd.entries.map(e => e.index)).toEqual([1])
    expect(rd.committedEntries.map(e => e.index)).toEqual([1])
    expect(rd.mustSync).toBe(true)
    handle(node, storage, rd)
    expect(node.hasReady()).toBe(false)
    node.propose(bytes('tx'))
    const rd2 = node.ready()
    expect(rd2.entries.map(e => new TextDecoder().decode(e.data))).toEqual(['tx'])
    expect(rd2.committedEntries.map(e => e.index)).toEqual([2])
    handle(node, storage, rd2)
    expect(node.status().applied).toBe(2)
  })

  it('puts a granted vote in the hard state of the same Ready as the response, so it is persisted before it is sent', () => {
    const node = new RawNode(config(2), storageWith({ voters: [1, 2, 3] }))
    node.step(message({ type: MessageType.Vote, from: 1, to: 2, term: 1 }))
    const rd = node.ready()
    expect(rd.messages.map(m => [m.type, m.reject])).toEqual([[MessageType.VoteResp, false]])
    expect(rd.hardState).toEqual({ term: 1, vote: 1, commit: 0 })
    expect(rd.mustSync).toBe(true)
  })

  it('restarts from persisted hard state and log, handing out only entries after `applied`', () => {
    const storage = storageWith({ voters: [1], terms: [1, 1, 1, 1], hardState: { term: 1, vote: 1, commit: 3 } })
    const node = new RawNode({ ...config(1), applied: 1 }, storage)
    expect(node.status().hardState).toEqual({ term: 1, vote: 1, commit: 3 })
    const rd = node.ready()
    expect(rd.committedEntries.map(e => e.index)).toEqual([2, 3])
    expect(rd.hardState).toBeUndefined()
  })

  it('refuses a persisted commit index beyond the log', () => {
    const storage = storageWith({ voters: [1], terms: [1], hardState: { term: 1, vote: 1, commit: 5 } })
    expect(codeOf(() => new RawNode(config(1), storage))).toBe('RAFT_INVARIANT')
  })

  it('proposes and applies a conf change through the log', () => {
    const storage = storageWith({ voters: [1] })
    const node = new RawNode(config(1), storage)
    node.campaign()
    handle(node, storage, node.ready())
    node.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: 2, context: bytes('config block') })
    const rd = node.ready()
    expect(rd.committedEntries.map(e => e.type)).toEqual([EntryType.ConfChange])
    handle(node, storage, rd)
    expect(node.status().confState.voters).toEqual([1, 2])
    // Two voters: the next proposal needs node 2.
    node.propose(bytes('needs two'))
    expect(node.ready().committedEntries).toHaveLength(0)
  })

  it('rejects bad input with typed errors', () => {
    const node = new RawNode(config(1), storageWith({ voters: [1, 2, 3] }))
    expect(codeOf(() => { node.propose(bytes('no leader')) })).toBe('RAFT_PROPOSAL_DROPPED')
    expect(codeOf(() => { node.step(message({ type: MessageType.Hup, from: 1 })) })).toBe('RAFT_STEP_LOCAL_MESSAGE')
    expect(codeOf(() => { node.propose('text' as unknown as Uint8Array) })).toBe('RAFT_INVALID_ARGUMENT')
    expect(codeOf(() => { node.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: -1 }) })).toBe('RAFT_INVALID_ARGUMENT')
    expect(codeOf(() => new RawNode({ ...config(1), electionTick: 1 }, storageWith({ voters: [1] })))).toBe('RAFT_INVALID_CONFIG')
  })

  it('drops a forwarded proposal it cannot take instead of failing the network loop', () => {
    const node = new RawNode(config(1), storageWith({ voters: [1, 2, 3] }))
    expect(() => { node.step(message({ type: MessageType.Prop, from: 2, to: 1, entries: [{ term: 0, index: 0, type: EntryType.Normal, data: bytes('x') }] })) }).not.toThrow()
  })
})
