import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfChangeType, decodeConfChange, encodeConfChange } from '../../../src/orderer/raft/conf-change.js'
import { MemoryRaftPersistence, storageFromPersisted } from '../../../src/orderer/raft/persistence.js'
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

describe('MemoryRaftPersistence', () => {
  it('saves hard state and entries, truncating a conflicting suffix, and reloads them', () => {
    const p = new MemoryRaftPersistence(genesis)
    p.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: entriesWithTerms([1, 1, 1]) })
    p.save({ hardState: { term: 2, vote: 2, commit: 1 }, entries: [entry(2, 2)] })
    const loaded = p.load()
    expect(loaded.hardState).toEqual({ term: 2, vote: 2, commit: 1 })
    expect(loaded.entries.map(e => `${e.index}/${e.term}`)).toEqual(['1/1', '2/2'])
    const storage = storageFromPersisted(loaded)
    expect([storage.lastIndex(), storage.term(2), storage.initialState().hardState.vote]).toEqual([2, 2, 2])
  })

  it('is all-or-nothing: a save that does not follow the log changes nothing', () => {
    const p = new MemoryRaftPersistence(genesis)
    p.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: entriesWithTerms([1]) })
    expect(codeOf(() => { p.save({ hardState: { term: 9, vote: 3, commit: 0 }, entries: [entry(5, 9)] }) })).toBe('RAFT_INVARIANT')
    expect(p.load().hardState.term).toBe(1)
    expect(p.load().entries).toHaveLength(1)
  })

  it('replaces the log with a received snapshot and compacts behind a taken one', () => {
    const p = new MemoryRaftPersistence(genesis)
    p.save({ entries: entriesWithTerms([1, 1, 1, 1]) })
    p.compact({ metadata: { index: 2, term: 1, confState: { voters: [1, 2, 3] } }, data: new Uint8Array(0) })
    expect(p.load().entries.map(e => e.index)).toEqual([3, 4])
    const snap = { metadata: { index: 8, term: 3, confState: { voters: [1, 2, 3] } }, data: new Uint8Array(0) }
    p.save({ snapshot: snap, entries: [entry(9, 3)] })
    expect(p.load().snapshot).toBe(snap)
    expect(p.load().entries.map(e => e.index)).toEqual([9])
    expect(codeOf(() => { p.save({ snapshot: snap, entries: [] }) })).toBe('RAFT_SNAPSHOT_OUT_OF_DATE')
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
