/**
 * Named cases after Fabric's core/ledger/kvledger/txmgmt/validation/validator_test.go
 * (TestValidator, TestPhantomValidation, TestPhantomHashBasedValidation) plus the cases the
 * issue lists. Each block runs through the builder and both engines, which must agree.
 */
import { describe, expect, it } from 'vitest'
import type { Height } from '../../../src/ledger/api.js'
import type { KVRead, KVRWSet, RangeQueryInfo } from '../../../src/protos/index.js'
import { isWeftError } from '../../../src/shared/errors.js'
import { validateBlockMvcc } from '../../../src/validator/mvcc-wasm/engine.js'
import { buildBlockMvccProblem } from '../../../src/validator/mvcc-wasm/intern.js'
import type { MvccTxInput } from '../../../src/validator/mvcc-wasm/intern.js'
import { RangeResultsHasher } from '../../../src/validator/mvcc-wasm/merkle.js'
import type { MvccCheck } from '../../../src/validator/mvcc-wasm/problem.js'
import { MemoryCommitted } from './fabric-oracle.js'

const VALID = 0
const MVCC = 11
const PHANTOM = 12
const BLOCK = 2

const h = (blockNum: number, txNum: number): Height => ({ blockNum, txNum })
const read = (key: string, version?: Height): KVRead => ({ key, ...(version === undefined ? {} : { version }) })

interface NsOps {
  reads?: KVRead[]
  ranges?: RangeQueryInfo[]
  puts?: string[]
  deletes?: string[]
  metadata?: string[]
}

function kv (ops: NsOps): KVRWSet {
  return {
    reads: ops.reads ?? [],
    rangeQueriesInfo: ops.ranges ?? [],
    writes: [
      ...(ops.puts ?? []).map((key) => ({ key, isDelete: false, value: new Uint8Array([1]) })),
      ...(ops.deletes ?? []).map((key) => ({ key, isDelete: true, value: new Uint8Array(0) }))
    ],
    metadataWrites: (ops.metadata ?? []).map((key) => ({ key, entries: [{ name: 'VALIDATION_PARAMETER', value: new Uint8Array([1]) }] }))
  }
}

/** A tx touching namespaces in the given order. */
function tx (...nss: Array<[string, NsOps]>): MvccTxInput {
  return { preCode: 0, rwsets: nss.map(([namespace, ops]) => ({ namespace, kv: kv(ops) })) }
}
const ns1 = (ops: NsOps): MvccTxInput => tx(['ns1', ops])

/** Fabric's fixture: ns1 key1..key5 at (1,0)..(1,4). */
function fixture (extra: Record<string, Height> = {}): MemoryCommitted {
  const keys: Record<string, Height> = { key1: h(1, 0), key2: h(1, 1), key3: h(1, 2), key4: h(1, 3), key5: h(1, 4), ...extra }
  return new MemoryCommitted(new Map([['ns1', new Map(Object.entries(keys))]]))
}

async function codes (txs: MvccTxInput[], state: MemoryCommitted = fixture()): Promise<number[]> {
  const { problem } = await buildBlockMvccProblem(BLOCK, txs, state)
  const reference = [...validateBlockMvcc(problem, { engine: 'reference' }).codes]
  const auto = validateBlockMvcc(problem)
  expect([...auto.codes]).toEqual(reference)
  return reference
}

const range = (startKey: string, endKey: string, itrExhausted: boolean, reads: KVRead[]): RangeQueryInfo =>
  ({ startKey, endKey, itrExhausted, rawReads: { kvReads: reads } })
const key2to4 = [read('key2', h(1, 1)), read('key3', h(1, 2)), read('key4', h(1, 3))]

describe('mvcc-wasm: Fabric TestValidator', () => {
  it('a read at the committed version, and a read of a missing key, are valid', async () => {
    expect(await codes([tx(['ns1', { reads: [read('key1', h(1, 0))] }], ['ns2', { reads: [read('key2')] }])])).toEqual([VALID])
  })
  it('a read at another version conflicts', async () => {
    expect(await codes([ns1({ reads: [read('key1', h(1, 1))] })])).toEqual([MVCC])
  })
  it('a read recorded as missing conflicts when the key exists', async () => {
    expect(await codes([ns1({ reads: [read('key1')] })])).toEqual([MVCC])
  })
  it('same block: the first writer is valid and makes the later reader conflict', async () => {
    expect(await codes([
      ns1({ reads: [read('key1', h(1, 0))], puts: ['key1'] }),
      ns1({ reads: [read('key1', h(1, 0))] })
    ])).toEqual([VALID, MVCC])
  })
  it('a read of a key deleted earlier in the block conflicts', async () => {
    expect(await codes([ns1({ deletes: ['key3'] }), ns1({ reads: [read('key3', h(1, 2))] })])).toEqual([VALID, MVCC])
  })
  it('a read of a missing key stays valid unless the block inserts it first', async () => {
    expect(await codes([ns1({ reads: [read('nokey')] }), ns1({ puts: ['nokey'] }), ns1({ reads: [read('nokey')] })]))
      .toEqual([VALID, VALID, MVCC])
  })
})

describe('mvcc-wasm: Fabric TestPhantomValidation', () => {
  it('an unchanged exhausted range is valid', async () => {
    expect(await codes([ns1({ ranges: [range('key2', 'key4', true, [read('key2', h(1, 1)), read('key3', h(1, 2))])] })])).toEqual([VALID])
  })
  it('a changed version of the included end key is a phantom', async () => {
    expect(await codes([ns1({ ranges: [range('key2', 'key4', false, [read('key2', h(1, 1)), read('key3', h(1, 2)), read('key4', h(1, 2))])] })])).toEqual([PHANTOM])
  })
  it('a committed key missing from the results is a phantom', async () => {
    expect(await codes([ns1({ ranges: [range('key2', 'key4', false, [read('key2', h(1, 1)), read('key4', h(1, 3))])] })])).toEqual([PHANTOM])
  })
  it('a delete inside the range earlier in the block is a phantom', async () => {
    expect(await codes([ns1({ deletes: ['key3'] }), ns1({ ranges: [range('key2', 'key4', false, key2to4)] })])).toEqual([VALID, PHANTOM])
  })
  it('an insert inside the range earlier in the block is a phantom', async () => {
    expect(await codes([ns1({ puts: ['key2_1'] }), ns1({ ranges: [range('key2', 'key4', false, key2to4)] })])).toEqual([VALID, PHANTOM])
  })
  it('an update inside the range earlier in the block is a phantom', async () => {
    expect(await codes([ns1({ puts: ['key3'] }), ns1({ ranges: [range('key2', 'key4', false, key2to4)] })])).toEqual([VALID, PHANTOM])
  })
  it('changes outside the range, or by invalid transactions, are not phantoms', async () => {
    expect(await codes([
      ns1({ puts: ['key1', 'key4_1', 'key9'] }),
      { ...ns1({ deletes: ['key3'] }), preCode: 10 },
      ns1({ reads: [read('key5', h(0, 0))], puts: ['key2_5'] }),
      ns1({ ranges: [range('key2', 'key4', false, key2to4)] })
    ])).toEqual([VALID, 10, MVCC, VALID])
  })
})

describe('mvcc-wasm: itr_exhausted', () => {
  it('not exhausted: the range ends at the last key seen, so inserts after it are no phantom', async () => {
    const partial = range('key2', 'key3', false, [read('key2', h(1, 1)), read('key3', h(1, 2))])
    expect(await codes([ns1({ puts: ['key3_5', 'key9'] }), ns1({ ranges: [partial] })])).toEqual([VALID, VALID])
  })
  it('exhausted: the same inserts before the end key are phantoms', async () => {
    const whole = range('key2', 'key4', true, [read('key2', h(1, 1)), read('key3', h(1, 2))])
    expect(await codes([ns1({ puts: ['key3_5'] }), ns1({ ranges: [whole] })])).toEqual([VALID, PHANTOM])
    expect(await codes([ns1({ puts: ['key4'] }), ns1({ ranges: [whole] })])).toEqual([VALID, VALID])
  })
  it('exhausted with an empty end key runs to the end of the namespace', async () => {
    const toEnd = range('key4', '', true, [read('key4', h(1, 3)), read('key5', h(1, 4))])
    expect(await codes([ns1({ ranges: [toEnd] })])).toEqual([VALID])
    expect(await codes([tx(['ns2', { puts: ['zzz'] }]), ns1({ ranges: [toEnd] })])).toEqual([VALID, VALID])
    expect(await codes([ns1({ puts: ['zzz'] }), ns1({ ranges: [toEnd] })])).toEqual([VALID, PHANTOM])
  })
  it('not exhausted with the start key after the end key checks only the end key', async () => {
    const odd = range('key5', 'key2', false, [read('key2', h(1, 1))])
    expect(await codes([ns1({ ranges: [odd] })])).toEqual([VALID])
    expect(await codes([ns1({ puts: ['key3'] }), ns1({ ranges: [odd] })])).toEqual([VALID, VALID])
    expect(await codes([ns1({ puts: ['key2'] }), ns1({ ranges: [odd] })])).toEqual([VALID, PHANTOM])
  })
})

describe('mvcc-wasm: order of checks and block semantics', () => {
  it('namespaces are checked in rwset order, each reads before ranges', async () => {
    const conflictRead: NsOps = { reads: [read('key1', h(9, 9))] }
    const phantomRange: NsOps = { ranges: [range('key1', 'key2', true, [])] }
    expect(await codes([tx(['ns1', phantomRange], ['ns1', conflictRead])])).toEqual([PHANTOM])
    expect(await codes([tx(['ns1', conflictRead], ['ns1', phantomRange])])).toEqual([MVCC])
    expect(await codes([tx(['ns1', { ...conflictRead, ...phantomRange }])])).toEqual([MVCC])
  })
  it('metadata-only writes re-version existing keys and are no-ops on missing ones', async () => {
    expect(await codes([ns1({ metadata: ['key1'] }), ns1({ reads: [read('key1', h(1, 0))] })])).toEqual([VALID, MVCC])
    expect(await codes([ns1({ metadata: ['nokey'] }), ns1({ reads: [read('nokey')] })])).toEqual([VALID, VALID])
  })
  it('a range result carrying the in-block height of an earlier valid writer matches (as in Fabric)', async () => {
    expect(await codes([ns1({ puts: ['key1'] }), ns1({ ranges: [range('key1', 'key2', true, [read('key1', h(BLOCK, 0))])] })])).toEqual([VALID, VALID])
  })
  it('a block whose transactions were all invalid before MVCC keeps their codes', async () => {
    expect(await codes([{ ...ns1({ puts: ['key1'] }), preCode: 10 }, { ...ns1({}), preCode: 2 }])).toEqual([10, 2])
  })
  it('reads committed state with one scan per distinct range and one batched version read', async () => {
    const state = fixture()
    const r = range('key2', 'key4', true, [read('key2', h(1, 1)), read('key3', h(1, 2))])
    const { problem } = await buildBlockMvccProblem(BLOCK, [ns1({ ranges: [r], reads: [read('key1', h(1, 0))] }), ns1({ ranges: [r], puts: ['x'] })], state)
    expect(state.scanCalls).toBe(1)
    expect(state.fetchCalls).toBe(1)
    expect([...validateBlockMvcc(problem).codes]).toEqual([VALID, VALID])
  })
})

describe('mvcc-wasm: Fabric TestPhantomHashBasedValidation (Merkle summaries)', () => {
  const nine = new MemoryCommitted(new Map([['ns1', new Map(Array.from({ length: 9 }, (_, i) => [`key${i + 1}`, h(1, i)] as [string, Height]))]]))
  const summaryOf = (reads: KVRead[]): RangeQueryInfo['readsMerkleHashes'] => {
    const hasher = new RangeResultsHasher(2)
    for (const r of reads) hasher.add(r)
    return hasher.done().summary
  }
  it('an unchanged range matches its summary; a changed version does not', async () => {
    const sim1 = Array.from({ length: 7 }, (_, i) => read(`key${i + 2}`, h(1, i + 1)))
    const rq1: RangeQueryInfo = { startKey: 'key2', endKey: 'key9', itrExhausted: true, readsMerkleHashes: summaryOf(sim1) }
    expect(rq1.readsMerkleHashes?.maxLevel).toBeGreaterThan(1)
    const sim2 = Array.from({ length: 9 }, (_, i) => read(`key${i + 1}`, h(1, i === 2 ? 1 : i)))
    const rq2: RangeQueryInfo = { startKey: 'key1', endKey: 'key9', itrExhausted: false, readsMerkleHashes: summaryOf(sim2) }
    expect(await codes([ns1({ ranges: [rq1] }), ns1({ ranges: [rq2] })], nine)).toEqual([VALID, PHANTOM])
  })
  it('the WASM engine refuses Merkle ranges and the default engine falls back to the reference', async () => {
    const sim = Array.from({ length: 7 }, (_, i) => read(`key${i + 2}`, h(1, i + 1)))
    const rq: RangeQueryInfo = { startKey: 'key2', endKey: 'key9', itrExhausted: true, readsMerkleHashes: summaryOf(sim) }
    const { problem } = await buildBlockMvccProblem(BLOCK, [ns1({ ranges: [rq] })], nine)
    expect(validateBlockMvcc(problem).engine).toBe('reference')
    expect(() => validateBlockMvcc(problem, { engine: 'wasm' })).toThrow(expect.objectContaining({ code: 'MVCC_WASM_FAILED' }))
  })
})

describe('mvcc-wasm: bad input', () => {
  const base = { blockNum: 1, keyCount: 2, committed: [undefined, h(0, 0)], txs: [] }
  const bad = [
    { ...base, keyCount: 3 },
    { ...base, blockNum: -1 },
    { ...base, committed: [undefined, h(0.5, 0)] },
    { ...base, txs: [{ preCode: 0, checks: [{ kind: 'read' as const, keyId: 2, version: undefined }], writes: [] }] },
    { ...base, txs: [{ preCode: 0, checks: [{ kind: 'range' as const, lo: 2, hi: 1, results: [] }], writes: [] }] },
    { ...base, txs: [{ preCode: 0, checks: [], writes: [{ keyId: 0, kind: 7 as 1 }] }] },
    { ...base, txs: [{ preCode: 300, checks: [], writes: [] }] },
    { ...base, txs: [{ preCode: 0, checks: [null as unknown as MvccCheck], writes: [] }] },
    { ...base, txs: [{ preCode: 0, checks: [{ kind: 'range' as const, lo: Number.NaN, hi: 1, results: [] }], writes: [] }] },
    { ...base, txs: [{ preCode: 0, checks: [{ kind: 'range' as const, lo: 0, hi: 1, results: [{ keyId: 0, version: h(-1, 0) }] }], writes: [] }] },
    { ...base, txs: [{ preCode: 0, checks: [{ kind: 'scan' as 'read', keyId: 0, version: undefined }], writes: [] }] },
    { ...base, txs: [{ preCode: 0, checks: [], writes: [{ keyId: 1.5, kind: 1 as const }] }] },
    { ...base, txs: [{ preCode: 0, checks: [{ kind: 'read' as const, keyId: 0, version: h(2 ** 53, 0) }], writes: [] }] },
    { ...base, txs: null as unknown as [] }
  ]
  it.each(bad.map((p, i) => [i, p] as const))('problem %i is rejected with MVCC_BAD_INPUT by both engines', (_, problem) => {
    for (const engine of ['wasm', 'reference'] as const) {
      let caught: unknown
      try { validateBlockMvcc(problem, { engine }) } catch (err) { caught = err }
      expect(isWeftError(caught, 'MVCC_BAD_INPUT')).toBe(true)
    }
  })
  it('malformed rwsets are MVCC_BAD_INPUT', async () => {
    const state = fixture()
    const kvOk = kv({})
    for (const txs of [
      [{ preCode: 0, rwsets: [{ namespace: 'ns1', kv: { ...kvOk, reads: undefined } }] }],
      [{ preCode: 0, rwsets: [{ namespace: 7, kv: kvOk }] }],
      [{ preCode: 0, rwsets: [{ namespace: 'ns1', kv: { ...kvOk, writes: [{ key: null }] } }] }],
      [{ preCode: 'x', rwsets: [] }]
    ]) {
      await expect(buildBlockMvccProblem(1, txs as unknown as MvccTxInput[], state)).rejects.toMatchObject({ code: 'MVCC_BAD_INPUT' })
    }
  })
  it('a reader returning the wrong number of versions is MVCC_BAD_INPUT', async () => {
    const liar = new MemoryCommitted(new Map())
    liar.fetchCommittedVersions = async () => []
    await expect(buildBlockMvccProblem(1, [ns1({ reads: [read('a')] })], liar)).rejects.toMatchObject({ code: 'MVCC_BAD_INPUT' })
  })
})

describe('mvcc-wasm: builder edge cases', () => {
  it('ranges whose bounds contain U+0000 are scanned separately (composite keys)', async () => {
    const state = new MemoryCommitted(new Map([['ns1', new Map([['\u0000a\u0000', h(1, 0)], ['\u0000b', h(1, 1)]])]]))
    // '\u0000a' + '' and '' + 'a\u0000' would collide under a naive "start U+0000 end" key.
    const whole = range('', 'a\u0000', true, [read('\u0000a\u0000', h(1, 0)), read('\u0000b', h(1, 1))])
    const tail = range('\u0000a', '', true, [read('\u0000a\u0000', h(1, 0))])
    expect(await codes([ns1({ ranges: [tail] }), ns1({ ranges: [whole] })], state)).toEqual([PHANTOM, VALID])
    expect(state.scanCalls).toBe(2)
  })
})
