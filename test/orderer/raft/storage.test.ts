import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfChangeType, decodeConfChange, encodeConfChange } from '../../../src/orderer/raft/conf-change.js'
import { MemoryStorage } from '../../../src/orderer/raft/storage.js'
import { isWeftError } from '../../../src/shared/errors.js'
import { entriesWithTerms, entry } from './helpers.js'

function codeOf (fn: () => unknown): string | undefined {
  try { fn() } catch (err) { return isWeftError(err) ? err.code : 'untyped' }
  return undefined
}

const genesis = { metadata: { index: 0, term: 0, confState: { voters: [1, 2, 3] } }, data: new Uint8Array(0) }

describe('MemoryStorage (etcd storage.go semantics)', () => {
  it('answers entries, terms and bounds, with size limits keeping at least one entry', () => {
    const s = new MemoryStorage(genesis)
    s.append(entriesWithTerms([1, 1, 2, 3]))
    expect(s.firstIndex()).toBe(1)
    expect(s.lastIndex()).toBe(4)
    expect(s.term(0)).toBe(0)
    expect(s.term(3)).toBe(2)
    expect(s.entries(2, 5, Number.MAX_SAFE_INTEGER).map(e => e.index)).toEqual([2, 3, 4])
    expect(s.entries(2, 5, 1).map(e => e.index)).toEqual([2])
    expect(codeOf(() => s.term(5))).toBe('RAFT_UNAVAILABLE')
    expect(codeOf(() => s.entries(1, 7, 100))).toBe('RAFT_UNAVAILABLE')
    expect(s.initialState().confState.voters).toEqual([1, 2, 3])
  })

  it('replaces a conflicting suffix on append and refuses gaps', () => {
    const s = new MemoryStorage(genesis)
    s.append(entriesWithTerms([1, 1, 1]))
    s.append([entry(2, 2), entry(3, 2), entry(4, 2)])
    expect([1, 2, 3, 4].map(i => s.term(i))).toEqual([1, 2, 2, 2])
    expect(codeOf(() => { s.append([entry(9, 2)]) })).toBe('RAFT_INVARIANT')
  })

  it('compacts behind a snapshot and reports compacted reads', () => {
    const s = new MemoryStorage(genesis)
    s.append(entriesWithTerms([1, 1, 2, 2, 3]))
    const snap = s.createSnapshot(4, { voters: [1, 2] }, new Uint8Array([9]))
    expect(snap.metadata).toEqual({ index: 4, term: 2, confState: { voters: [1, 2] } })
    s.compact(3)
    expect(s.firstIndex()).toBe(4)
    expect(s.term(3)).toBe(2)
    expect(codeOf(() => s.term(2))).toBe('RAFT_COMPACTED')
    expect(codeOf(() => s.entries(3, 5, 100))).toBe('RAFT_COMPACTED')
    expect(codeOf(() => s.createSnapshot(4, { voters: [] }, new Uint8Array(0)))).toBe('RAFT_SNAPSHOT_OUT_OF_DATE')
    expect(codeOf(() => { s.compact(99) })).toBe('RAFT_UNAVAILABLE')
  })

  it('installs a newer snapshot over the whole log and refuses an older one', () => {
    const s = new MemoryStorage(genesis)
    s.append(entriesWithTerms([1, 1]))
    const snap = { metadata: { index: 10, term: 4, confState: { voters: [1] } }, data: new Uint8Array(0) }
    s.applySnapshot(snap)
    expect([s.firstIndex(), s.lastIndex(), s.term(10)]).toEqual([11, 10, 4])
    expect(codeOf(() => { s.applySnapshot(snap) })).toBe('RAFT_SNAPSHOT_OUT_OF_DATE')
  })
})

describe('conf change codec', () => {
  it('round-trips any one-node change with its context', () => {
    fc.assert(fc.property(
      fc.constantFrom(ConfChangeType.AddNode, ConfChangeType.RemoveNode),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      fc.uint8Array({ maxLength: 64 }),
      (type, nodeId, context) => {
        const decoded = decodeConfChange(encodeConfChange({ type, nodeId, context }))
        expect(decoded.type).toBe(type)
        expect(decoded.nodeId).toBe(nodeId)
        expect(decoded.context ?? new Uint8Array(0)).toEqual(context)
      }))
  })

  it('rejects bad input with typed errors', () => {
    expect(codeOf(() => decodeConfChange(new Uint8Array(3)))).toBe('RAFT_INVALID_ARGUMENT')
    expect(codeOf(() => decodeConfChange(new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0, 1])))).toBe('RAFT_INVALID_ARGUMENT')
    expect(codeOf(() => decodeConfChange(new Uint8Array(9)))).toBe('RAFT_INVALID_ARGUMENT') // node id 0
    expect(codeOf(() => encodeConfChange({ type: ConfChangeType.AddNode, nodeId: 0.5 }))).toBe('RAFT_INVALID_ARGUMENT')
  })
})
