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
})
