/**
 * The Merkle leaves hash marshalled QueryReads exactly as Fabric marshals them
 * (rwsetutil.serializeKVReads), checked against Fabric's own JS bindings, and the tree follows
 * query_results_helper.go: raw reads up to maxDegree, then levels folded by maxDegree + 1.
 */
import { ledger } from '@hyperledger/fabric-protos'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { QueryReads, encode } from '../../../src/protos/index.js'
import type { KVRead } from '../../../src/protos/index.js'
import { RangeResultsHasher, merkleRangeUnchanged } from '../../../src/validator/mvcc-wasm/merkle.js'

const kvrwset = ledger.rwset.kvrwset

function fabricBytes (reads: KVRead[]): Uint8Array {
  const q = new kvrwset.QueryReads()
  q.setKvReadsList(reads.map((r) => {
    const read = new kvrwset.KVRead()
    read.setKey(r.key)
    if (r.version !== undefined) {
      const v = new kvrwset.Version()
      v.setBlockNum(r.version.blockNum)
      v.setTxNum(r.version.txNum)
      read.setVersion(v)
    }
    return read
  }))
  return q.serializeBinary()
}

const reads = (n: number): KVRead[] => Array.from({ length: n }, (_, i) => ({ key: `key${i}`, version: { blockNum: i % 3, txNum: i % 2 } }))

describe('mvcc-wasm: Merkle summaries of range results', () => {
  it('hashes the same bytes as Fabric (versions (0,0) included)', () => {
    const sample = reads(5)
    expect(encode(QueryReads, { kvReads: sample })).toEqual(fabricBytes(sample))
  })

  it('keeps raw reads up to maxDegree and builds the tree beyond', () => {
    const few = new RangeResultsHasher(3)
    for (const r of reads(3)) few.add(r)
    expect(few.done()).toEqual({ rawReads: reads(3), summary: undefined })

    // maxDegree 2, 7 results: leaves h(r0..r2), h(r3..r5), h(r6); level 1 folds at 3 hashes.
    const h = new RangeResultsHasher(2)
    for (const r of reads(7)) h.add(r)
    const leaf = (from: number, to: number): Uint8Array => sha256(fabricBytes(reads(7).slice(from, to)))
    const cat = (...parts: Uint8Array[]): Uint8Array => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
      let at = 0
      for (const p of parts) { out.set(p, at); at += p.length }
      return out
    }
    const level2 = sha256(cat(leaf(0, 3), leaf(3, 6), leaf(6, 7)))
    const summary = h.done().summary
    expect(summary).toEqual({ maxDegree: 2, maxLevel: 2, maxLevelHashes: [level2] })
    if (summary === undefined) throw new Error('unreachable')
    expect(merkleRangeUnchanged(reads(7), summary)).toBe(true)
    expect(merkleRangeUnchanged(reads(6), summary)).toBe(false)
    expect(merkleRangeUnchanged(reads(8), summary)).toBe(false)
    expect(merkleRangeUnchanged(reads(7), { ...summary, maxDegree: 1 })).toBe(false)
  })
})
