import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Height } from '../../../src/ledger/api.js'
import type { KVRWSet, RangeQueryInfo } from '../../../src/protos/index.js'
import { validateBlockMvcc } from '../../../src/validator/mvcc-wasm/engine.js'
import { buildBlockMvccProblem } from '../../../src/validator/mvcc-wasm/intern.js'
import type { MvccTxInput } from '../../../src/validator/mvcc-wasm/intern.js'
import { RangeResultsHasher } from '../../../src/validator/mvcc-wasm/merkle.js'
import { MemoryCommitted, fabricOracle } from './fabric-oracle.js'
import type { CommittedMap } from './fabric-oracle.js'

const BLOCK = 4
// Keys whose UTF-16 order differs from UTF-8 order (U+E000 vs an astral character), a
// composite-key prefix and prefixes of each other.
const KEYS = ['a', 'ab', 'b', 'c', '\u00e9', '\uE000', '\u{1F600}', '\u0000k\u0000', 'z']
const NAMESPACES = ['cc', 'lscc']

const height = fc.record({ blockNum: fc.integer({ min: 0, max: BLOCK }), txNum: fc.integer({ min: 0, max: 3 }) })
const key = fc.constantFrom(...KEYS)
const bound = fc.constantFrom('', ...KEYS, 'aa', 'zz')

const committedArb = fc.tuple(
  fc.dictionary(key, height, { maxKeys: 7 }),
  fc.dictionary(key, height, { maxKeys: 4 })
).map(([a, b]): CommittedMap => new Map([['cc', new Map(Object.entries(a))], ['lscc', new Map(Object.entries(b))]]))

const rangeArb = fc.record({
  start: bound, end: bound, exhausted: fc.boolean(),
  // 0..2: recorded from committed state (then edited), 3: arbitrary results
  source: fc.integer({ min: 0, max: 3 }), edit: fc.integer({ min: 0, max: 4 }),
  random: fc.array(fc.record({ key, version: fc.option(height, { nil: undefined }) }), { maxLength: 3 })
})

const nsArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  reads: fc.array(fc.record({ key, source: fc.integer({ min: 0, max: 3 }), version: height }), { maxLength: 3 }),
  ranges: fc.array(rangeArb, { maxLength: 2 }),
  writes: fc.array(fc.record({ key, isDelete: fc.boolean() }), { maxLength: 3 }),
  metadataWrites: fc.array(fc.record({ key, clear: fc.boolean() }), { maxLength: 1 })
})

const blockArb = fc.record({
  committed: committedArb,
  txs: fc.array(fc.record({
    preCode: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(10) }),
    rwsets: fc.array(nsArb, { minLength: 1, maxLength: 2 })
  }), { maxLength: 10 })
}).map(({ committed, txs }) => {
  const inputs: MvccTxInput[] = txs.map((tx) => ({
    preCode: tx.preCode,
    rwsets: tx.rwsets.map((ns) => {
      const kv: KVRWSet = {
        reads: ns.reads.map((r) => ({
          key: r.key,
          version: r.source <= 1 ? committed.get(ns.namespace)?.get(r.key) : r.source === 2 ? undefined : r.version
        })),
        rangeQueriesInfo: ns.ranges.map((r) => {
          const rq: RangeQueryInfo = { startKey: r.start, endKey: r.end, itrExhausted: r.exhausted }
          if (r.source === 3) return { ...rq, rawReads: { kvReads: r.random } }
          // What a simulation against committed state would have recorded (the oracle's own
          // combined iterator over an empty batch), then perhaps edited.
          const reads = fabricOracleScan(committed, ns.namespace, rq)
          if (r.edit === 1) reads.pop()
          if (r.edit === 2) reads.shift()
          if (r.edit === 3 && reads[0] !== undefined) reads[0] = { key: reads[0].key, version: { blockNum: BLOCK, txNum: 0 } }
          if (r.edit === 4 && reads.length > 2) { // large enough to be summarised with maxDegree 2
            const hasher = new RangeResultsHasher(2)
            for (const read of reads) hasher.add(read)
            return { ...rq, readsMerkleHashes: hasher.done().summary }
          }
          return { ...rq, rawReads: { kvReads: reads } }
        }),
        writes: ns.writes.map((w) => ({ key: w.key, isDelete: w.isDelete, value: new Uint8Array(w.isDelete ? 0 : 1) })),
        metadataWrites: ns.metadataWrites.map((w) => ({ key: w.key, entries: w.clear ? [] : [{ name: 'VALIDATION_PARAMETER', value: new Uint8Array(1) }] }))
      }
      return { namespace: ns.namespace, kv }
    })
  }))
  return { committed, inputs }
})

/** The results a simulation would record for `rq` against committed state only. */
function fabricOracleScan (committed: CommittedMap, ns: string, rq: RangeQueryInfo): Array<{ key: string, version: Height }> {
  // combinedIterator's rules over an empty batch, with its own code-point comparison.
  const m = committed.get(ns) ?? new Map<string, Height>()
  const inScan = (k: string): boolean => compare(k, rq.startKey) >= 0 && (rq.endKey === '' || compare(k, rq.endKey) < 0)
  const out = [...m].filter(([k]) => inScan(k)).sort(([a], [b]) => compare(a, b)).map(([k, version]) => ({ key: k, version }))
  if (!rq.itrExhausted && m.has(rq.endKey)) out.push({ key: rq.endKey, version: m.get(rq.endKey) as Height })
  return out
}

function compare (a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number)
  const y = [...b].map((c) => c.codePointAt(0) as number)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number)
  return x.length - y.length
}

describe('mvcc-wasm: problems built from rwsets against a string-level transcription of Fabric', () => {
  it('both engines give the oracle\'s codes', async () => {
    const seen = new Map<number, number>()
    let merkleBlocks = 0
    await fc.assert(fc.asyncProperty(blockArb, async ({ committed, inputs }) => {
      const expected = fabricOracle(BLOCK, inputs, committed)
      const reader = new MemoryCommitted(committed)
      const { problem } = await buildBlockMvccProblem(BLOCK, inputs, reader)
      expect(reader.fetchCalls).toBeLessThanOrEqual(1)
      const merkle = inputs.some((tx) => tx.preCode === 0 && tx.rwsets.some(({ kv }) => kv.rangeQueriesInfo.some((rq) => rq.readsMerkleHashes !== undefined)))
      if (merkle) merkleBlocks++
      const auto = validateBlockMvcc(problem)
      expect(auto.engine).toBe(merkle ? 'reference' : 'wasm')
      expect([...auto.codes]).toEqual(expected)
      expect([...validateBlockMvcc(problem, { engine: 'reference' }).codes]).toEqual(expected)
      for (const c of expected) seen.set(c, (seen.get(c) ?? 0) + 1)
    }), { numRuns: Math.round(1500 * Number(process.env.WEFT_FUZZ_SCALE ?? 1)) })
    for (const code of [0, 11, 12, 10]) expect(seen.get(code) ?? 0).toBeGreaterThan(100)
    expect(merkleBlocks).toBeGreaterThan(20)
  })
})
