import { describe, expect, it } from 'vitest'
import type { Height } from '../../../src/ledger/api.js'
import type { CommittedKey, CommittedState } from '../../../src/validator/state.js'
import { buildBlockMvccProblem, committedVersionReader, validateBlockMvcc, validateBlockRwsets } from '../../../src/validator/mvcc-wasm/index.js'

/** A CommittedState over a sorted map, recording which calls were made in the same tick. */
function fakeState (entries: Record<string, Height>): CommittedState & { calls: string[] } {
  const calls: string[] = []
  const sorted = Object.keys(entries).sort()
  return {
    calls,
    async getVersion (namespace, key) {
      calls.push(`get ${namespace} ${key}`)
      return namespace === 'cc' ? entries[key] : undefined
    },
    async getMetadata () { return undefined },
    async * range (namespace, start, end): AsyncGenerator<CommittedKey> {
      calls.push(`range ${namespace} ${start} ${end}`)
      if (namespace !== 'cc') return
      for (const key of sorted) if (key >= start && (end === '' || key < end)) yield { key, version: entries[key] as Height }
    },
    async txIdsExist (txIds: readonly string[]) { return txIds.map(() => false) }
  }
}

describe('mvcc-wasm: committedVersionReader over the validator\'s CommittedState', () => {
  it('scans each range once and reads the other versions together', async () => {
    const state = fakeState({ a: { blockNum: 1, txNum: 0 }, b: { blockNum: 1, txNum: 1 }, c: { blockNum: 1, txNum: 2 } })
    const txs = [
      { preCode: 0, rwsets: [{ namespace: 'cc', kv: { reads: [{ key: 'c', version: { blockNum: 1, txNum: 2 } }], rangeQueriesInfo: [{ startKey: 'a', endKey: 'c', itrExhausted: true, rawReads: { kvReads: [{ key: 'a', version: { blockNum: 1, txNum: 0 } }, { key: 'b', version: { blockNum: 1, txNum: 1 } }] } }], writes: [{ key: 'b', isDelete: true, value: new Uint8Array() }], metadataWrites: [] } }] },
      { preCode: 0, rwsets: [{ namespace: 'cc', kv: { reads: [], rangeQueriesInfo: [{ startKey: 'a', endKey: 'c', itrExhausted: true, rawReads: { kvReads: [{ key: 'a', version: { blockNum: 1, txNum: 0 } }, { key: 'b', version: { blockNum: 1, txNum: 1 } }] } }], writes: [], metadataWrites: [] } }] }
    ]
    const { problem, keys } = await buildBlockMvccProblem(5, txs, committedVersionReader(state))
    expect(keys.map((k) => k.key)).toEqual(['a', 'b', 'c'])
    expect(state.calls).toEqual(['range cc a c', 'get cc c'])
    expect([...validateBlockMvcc(problem).codes]).toEqual([0, 12])
    const oneCall = await validateBlockRwsets(5, txs, committedVersionReader(state))
    expect(oneCall.engine).toBe('wasm')
    expect([...oneCall.codes]).toEqual([0, 12])
  })

  it('reads the committed version only of keys a check can see: not of keys that are only written', async () => {
    const state = fakeState({ r: { blockNum: 1, txNum: 0 }, m: { blockNum: 1, txNum: 1 }, w: { blockNum: 1, txNum: 2 } })
    const txs = [
      { preCode: 0, rwsets: [{ namespace: 'cc', kv: { reads: [{ key: 'r', version: { blockNum: 1, txNum: 0 } }], rangeQueriesInfo: [], writes: [{ key: 'w', isDelete: false, value: new Uint8Array([1]) }, { key: 'd', isDelete: true, value: new Uint8Array() }], metadataWrites: [{ key: 'm', entries: [{ name: 'VALIDATION_PARAMETER', value: new Uint8Array([1]) }] }] } }] },
      // Reads w after tx 0 wrote it: a conflict whatever w's committed version.
      { preCode: 0, rwsets: [{ namespace: 'cc', kv: { reads: [{ key: 'w', version: { blockNum: 1, txNum: 2 } }], rangeQueriesInfo: [], writes: [], metadataWrites: [] } }] }
    ]
    const { problem } = await buildBlockMvccProblem(5, txs.slice(0, 1), committedVersionReader(state))
    expect(state.calls.sort()).toEqual(['get cc m', 'get cc r'])
    expect([...validateBlockMvcc(problem).codes]).toEqual([0])
    state.calls.length = 0
    const both = await validateBlockRwsets(5, txs, committedVersionReader(state))
    expect(state.calls.sort()).toEqual(['get cc m', 'get cc r', 'get cc w'])
    expect([...both.codes]).toEqual([0, 11])
  })
})

