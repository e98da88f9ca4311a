import { describe, expect, it } from 'vitest'
import type { RaftPersistence } from '../../../src/orderer/raft/persistence.js'
import { storageFromPersisted } from '../../../src/orderer/raft/persistence.js'
import type { Snapshot } from '../../../src/orderer/raft/types.js'
import { isWeftError } from '../../../src/shared/errors.js'
import { entriesWithTerms, entry } from './helpers.js'

export const genesis: Snapshot = { metadata: { index: 0, term: 0, confState: { voters: [1, 2, 3] } }, data: new Uint8Array(0) }

async function codeOf (fn: () => unknown): Promise<string | undefined> {
  try { await fn() } catch (err) { return isWeftError(err) ? err.code : 'untyped' }
  return undefined
}

/** The RaftPersistence contract, run over every implementation (Fabric's commontests habit). */
export function persistenceSuite (name: string, open: (bootstrap: Snapshot) => Promise<RaftPersistence>): void {
  describe(`RaftPersistence: ${name}`, () => {
    it('starts from the bootstrap snapshot with an empty hard state', async () => {
      const p = await open(genesis)
      const loaded = await p.load()
      expect(loaded.hardState).toEqual({ term: 0, vote: 0, commit: 0 })
      expect(loaded.snapshot.metadata).toEqual(genesis.metadata)
      expect(loaded.entries).toEqual([])
    })

    it('saves hard state and entries, truncating a conflicting suffix, and reloads them', async () => {
      const p = await open(genesis)
      await p.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: entriesWithTerms([1, 1, 1]) })
      await p.save({ hardState: { term: 2, vote: 2, commit: 1 }, entries: [entry(2, 2, 'new')] })
      const loaded = await p.load()
      expect(loaded.hardState).toEqual({ term: 2, vote: 2, commit: 1 })
      expect(loaded.entries.map(e => `${e.index}/${e.term}`)).toEqual(['1/1', '2/2'])
      expect(new TextDecoder().decode(loaded.entries[1]?.data)).toBe('new')
      const storage = storageFromPersisted(loaded)
      expect([storage.lastIndex(), storage.term(2), storage.initialState().hardState.vote]).toEqual([2, 2, 2])
    })

    it('is all-or-nothing: a save that does not follow the log changes nothing', async () => {
      const p = await open(genesis)
      await p.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: entriesWithTerms([1]) })
      expect(await codeOf(() => p.save({ hardState: { term: 9, vote: 3, commit: 0 }, entries: [entry(5, 9)] }))).toBe('RAFT_INVARIANT')
      const loaded = await p.load()
      expect(loaded.hardState.term).toBe(1)
      expect(loaded.entries).toHaveLength(1)
    })

    it('replaces the log with a received snapshot and compacts behind a taken one', async () => {
      const p = await open(genesis)
      await p.save({ entries: entriesWithTerms([1, 1, 1, 1]) })
      await p.compact({ metadata: { index: 2, term: 1, confState: { voters: [1, 2, 3] } }, data: new Uint8Array([7]) })
      let loaded = await p.load()
      expect(loaded.entries.map(e => e.index)).toEqual([3, 4])
      expect(loaded.snapshot.data).toEqual(new Uint8Array([7]))
      const snap = { metadata: { index: 8, term: 3, confState: { voters: [1, 2] } }, data: new Uint8Array([8]) }
      await p.save({ snapshot: snap, entries: [entry(9, 3)] })
      loaded = await p.load()
      expect(loaded.snapshot.metadata).toEqual(snap.metadata)
      expect(loaded.entries.map(e => e.index)).toEqual([9])
      expect(await codeOf(() => p.save({ snapshot: snap, entries: [] }))).toBe('RAFT_SNAPSHOT_OUT_OF_DATE')
      expect(await codeOf(() => p.compact({ ...snap, metadata: { ...snap.metadata, index: 99 } }))).toBe('RAFT_INVALID_ARGUMENT')
    })
  })
}
