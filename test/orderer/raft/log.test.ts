import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RaftLog } from '../../../src/orderer/raft/log.js'
import { MemoryStorage } from '../../../src/orderer/raft/storage.js'
import { entriesWithTerms, entry } from './helpers.js'
import type { Entry } from '../../../src/orderer/raft/types.js'

const genesis = { metadata: { index: 0, term: 0, confState: { voters: [1] } }, data: new Uint8Array(0) }

/** The reference: Figure 2's AppendEntries receiver rules on a plain array of terms. */
function referenceAppend (terms: number[], index: number, logTerm: number, entries: Entry[]): number[] | undefined {
  if ((index === 0 ? 0 : terms[index - 1]) !== logTerm) return undefined // rule 2 (index 0 has term 0)
  let out = terms
  for (const e of entries) {
    const existing = out[e.index - 1]
    if (existing === e.term) continue
    out = out.slice(0, e.index - 1).concat(entries.slice(entries.indexOf(e)).map(x => x.term)) // rules 3 and 4
    break
  }
  return out
}

function termsOf (log: RaftLog): number[] {
  const out: number[] = []
  for (let i = 1; i <= log.lastIndex(); i++) out.push(log.term(i))
  return out
}

describe('RaftLog', () => {
  it('behaves like Figure 2\'s AppendEntries rules across the stable/unstable boundary (property)', () => {
    const op = fc.record({
      index: fc.nat({ max: 12 }),
      logTerm: fc.integer({ min: 0, max: 4 }),
      terms: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 5 }),
      persist: fc.boolean()
    })
    fc.assert(fc.property(fc.array(op, { maxLength: 25 }), ops => {
      const storage = new MemoryStorage(genesis)
      const log = new RaftLog(storage)
      let model: number[] = []
      for (const { index, logTerm, terms, persist } of ops) {
        // Terms never decrease along a log: make the batch follow logTerm.
        const sorted = [...terms].sort((a, b) => a - b).map(t => Math.max(t, logTerm))
        const entries = sorted.map((t, k) => entry(index + 1 + k, t))
        const expected = referenceAppend(model, index, logTerm, entries)
        const got = log.maybeAppend(index, logTerm, 0, entries)
        if (expected === undefined) {
          expect(got).toBeUndefined()
        } else {
          expect(got).toBe(index + entries.length)
          model = expected
        }
        expect(termsOf(log)).toEqual(model)
        if (persist) {
          // What the driver does with Ready.entries.
          const unstable = log.unstable.entries.slice()
          storage.append(unstable)
          const last = unstable[unstable.length - 1]
          if (last !== undefined) log.stableTo(last.index, last.term)
          expect(log.unstable.entries).toHaveLength(0)
          expect(termsOf(log)).toEqual(model)
        }
      }
    }), { numRuns: 300 })
  })

  it('refuses to overwrite a committed entry', () => {
    const log = new RaftLog(new MemoryStorage(genesis))
    log.append(entriesWithTerms([1, 1, 1]))
    log.commitTo(2)
    expect(() => log.maybeAppend(1, 1, 2, [entry(2, 2)])).toThrow(/conflicts with committed/)
  })

  it('compares up-to-dateness by last term, then by length (§5.4.1)', () => {
    const log = new RaftLog(new MemoryStorage(genesis))
    log.append(entriesWithTerms([1, 2, 2]))
    expect(log.isUpToDate(3, 2)).toBe(true)
    expect(log.isUpToDate(2, 2)).toBe(false)
    expect(log.isUpToDate(1, 3)).toBe(true)
    expect(log.isUpToDate(9, 1)).toBe(false)
  })

  it('commits only entries of the given term (the leader passes its own: Figure 8)', () => {
    const log = new RaftLog(new MemoryStorage(genesis))
    log.append(entriesWithTerms([1, 2, 3]))
    expect(log.maybeCommit(2, 3)).toBe(false)
    expect(log.maybeCommit(3, 3)).toBe(true)
    expect(log.committed).toBe(3)
  })

  it('finds the last index of a term no greater than the leader\'s, to skip a term per probe', () => {
    const log = new RaftLog(new MemoryStorage(genesis))
    log.append(entriesWithTerms([1, 1, 2, 2, 4, 4]))
    expect(log.findConflictByTerm(6, 3)).toEqual({ index: 4, term: 2 })
    expect(log.findConflictByTerm(6, 1)).toEqual({ index: 2, term: 1 })
    expect(log.findConflictByTerm(6, 0)).toEqual({ index: 0, term: 0 })
  })

  it('hands out committed entries once applied moves, and none while a snapshot waits', () => {
    const storage = new MemoryStorage(genesis)
    const log = new RaftLog(storage)
    log.append(entriesWithTerms([1, 1, 1]))
    log.commitTo(2)
    expect(log.nextCommittedEntries().map(e => e.index)).toEqual([1, 2])
    log.appliedTo(2)
    expect(log.nextCommittedEntries()).toEqual([])
    log.restore({ metadata: { index: 10, term: 2, confState: { voters: [1] } }, data: new Uint8Array(0) })
    expect(log.hasPendingSnapshot()).toBe(true)
    expect(log.nextCommittedEntries()).toEqual([])
    expect([log.firstIndex(), log.lastIndex(), log.committed, log.term(10)]).toEqual([11, 10, 10, 2])
  })
})
