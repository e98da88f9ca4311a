import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FIRST_SEGMENT_RATE, RATE_FLOOR, SEGMENT_CAPACITY, TxIdFilter, segmentShape } from '../../src/ledger/blockstore/txid-filter.js'

/** Deterministic hex "SHA-256-like" txIds (xorshift32): the rate tests cannot flake. */
function hexTxIds (count: number, seed: number): string[] {
  let x = seed >>> 0 || 1
  const out: string[] = []
  for (let n = 0; n < count; n++) {
    let s = ''
    for (let w = 0; w < 8; w++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5
      s += (x >>> 0).toString(16).padStart(8, '0')
    }
    out.push(s)
  }
  return out
}

/** Byte-wise equality of record lists (toEqual on 77 KB arrays is slow). */
function sameRecords (a: ReturnType<TxIdFilter['records']>, b: ReturnType<TxIdFilter['records']>): boolean {
  return a.length === b.length && a.every((r, i) => {
    const o = b[i]
    return o !== undefined && r.count === o.count && Buffer.from(r.bits).equals(Buffer.from(o.bits))
  })
}

function falsePositiveRate (filter: TxIdFilter, fresh: readonly string[]): number {
  let hits = 0
  for (const t of fresh) if (filter.mightContain(t)) hits++
  return hits / fresh.length
}

// Any string a submitter may choose: hex, any code points, lone surrogates, the empty string.
const txIdArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 })
)

describe('TxIdFilter (scalable Bloom filter of txIds)', () => {
  it('sizes each segment by the standard formulas, at a rate halving per segment down to the floor', () => {
    const n = SEGMENT_CAPACITY
    let compound = 0
    for (let i = 0; i < 40; i++) {
      const { bits, probes } = segmentShape(i)
      const rate = Math.max(FIRST_SEGMENT_RATE / 2 ** i, RATE_FLOOR)
      expect(bits).toBeGreaterThanOrEqual(Math.ceil(-n * Math.log(rate) / Math.LN2 ** 2))
      expect(bits % 8).toBe(0)
      expect(probes).toBe(Math.round(bits / n * Math.LN2))
      const actual = (1 - Math.exp(-probes * n / bits)) ** probes
      expect(actual / rate).toBeGreaterThan(0.9)
      expect(actual / rate).toBeLessThan(1.1)
      compound += actual
    }
    expect(segmentShape(0)).toEqual({ bits: 628_168, probes: 7 })
    expect(segmentShape(14)).toEqual({ bits: 1_884_504, probes: 20 })
    // 40 full segments (2.6M txIds): the compound rate stays near 2 %.
    expect(compound).toBeLessThan(0.021)
  })

  it('never answers "absent" for an added txId, and withAdded leaves the original unchanged (property)', () => {
    fc.assert(fc.property(fc.array(fc.array(txIdArb, { maxLength: 12 }), { maxLength: 8 }), (batches) => {
      let filter = TxIdFilter.empty()
      const added: string[] = []
      for (const batch of batches) {
        const before = filter.records()
        const next = filter.withAdded(batch)
        expect(sameRecords(filter.records(), before)).toBe(true)
        expect(next.size).toBe(filter.size + batch.length)
        filter = next
        added.push(...batch)
        for (const t of added) expect(filter.mightContain(t)).toBe(true)
      }
    }), { numRuns: 100 })
  })

  it('has the design false-positive rate on 100k fresh txIds once a segment is full', () => {
    const filter = TxIdFilter.empty()
    filter.add(hexTxIds(SEGMENT_CAPACITY, 1))
    expect(filter.segmentCount).toBe(1)
    const rate = falsePositiveRate(filter, hexTxIds(100_000, 2))
    expect(rate).toBeGreaterThan(0.007)
    expect(rate).toBeLessThan(0.013)
  })

  it('hashes structured (non-random) txIds as well as random ones', () => {
    const filter = TxIdFilter.empty()
    filter.add(Array.from({ length: SEGMENT_CAPACITY }, (_, i) => `tx${i}`))
    // Near neighbours of added strings: the inputs a naive hash would map together.
    const fresh = Array.from({ length: 50_000 }, (_, i) => `tx${SEGMENT_CAPACITY + i}`)
    expect(falsePositiveRate(filter, fresh)).toBeLessThan(0.013)
    expect(falsePositiveRate(filter, Array.from({ length: 50_000 }, (_, i) => `TX${i}`))).toBeLessThan(0.013)
    expect(filter.mightContain('')).toBe(false) // '' was not added; its probes must not collide with everything
  })

  it('starts a new segment when the current is full; every txId stays found across segments', () => {
    const ids = hexTxIds(SEGMENT_CAPACITY * 2 + 10, 3)
    const filter = TxIdFilter.empty()
    filter.add(ids.slice(0, SEGMENT_CAPACITY))
    expect([filter.segmentCount, filter.fullSegments]).toEqual([1, 1])
    const grown = filter.withAdded(ids.slice(SEGMENT_CAPACITY))
    expect([grown.segmentCount, grown.fullSegments, grown.size]).toEqual([3, 2, ids.length])
    expect([filter.segmentCount, filter.size]).toEqual([1, SEGMENT_CAPACITY])
    expect(ids.every((t) => grown.mightContain(t))).toBe(true)
    // Segment 0 answers ~1 % of fresh txIds, segment 1 ~0.5 %: the compound rate is ~1.5 %.
    const rate = falsePositiveRate(grown, hexTxIds(50_000, 4))
    expect(rate).toBeGreaterThan(0.011)
    expect(rate).toBeLessThan(0.019)
  })

  it('round-trips through plain records (structured clone) and answers identically', () => {
    const ids = hexTxIds(SEGMENT_CAPACITY + 500, 5)
    const filter = TxIdFilter.empty()
    filter.add(ids)
    const restored = TxIdFilter.fromRecords(structuredClone(filter.records()))
    expect(restored).toBeDefined()
    expect(restored !== undefined && sameRecords(restored.records(), filter.records())).toBe(true)
    expect([restored?.segmentCount, restored?.fullSegments, restored?.size]).toEqual([2, 1, ids.length])
    expect(ids.every((t) => restored?.mightContain(t) === true)).toBe(true)
    const fresh = hexTxIds(20_000, 6)
    expect(fresh.map((t) => restored?.mightContain(t))).toEqual(fresh.map((t) => filter.mightContain(t)))
    // Records from `from` on are what the block store persists after the full segments.
    expect(sameRecords(filter.records(1), filter.records().slice(1))).toBe(true)
  })

  it('rejects records that are not a filter of this design (the block store then rebuilds)', () => {
    const ok = TxIdFilter.empty().records()[0] as { bits: Uint8Array, count: number }
    const full = { bits: ok.bits, count: SEGMENT_CAPACITY }
    expect(TxIdFilter.fromRecords([])).toBeUndefined()
    expect(TxIdFilter.fromRecords([undefined])).toBeUndefined()
    expect(TxIdFilter.fromRecords([null])).toBeUndefined()
    expect(TxIdFilter.fromRecords([{ bits: new Uint8Array(10), count: 0 }])).toBeUndefined()
    expect(TxIdFilter.fromRecords([{ bits: ok.bits, count: -1 }])).toBeUndefined()
    expect(TxIdFilter.fromRecords([{ bits: ok.bits, count: 1.5 }])).toBeUndefined()
    expect(TxIdFilter.fromRecords([{ bits: ok.bits, count: SEGMENT_CAPACITY + 1 }])).toBeUndefined()
    expect(TxIdFilter.fromRecords([{ bits: Array.from(ok.bits), count: 0 }])).toBeUndefined()
    expect(TxIdFilter.fromRecords([ok, ok])).toBeUndefined() // a non-full segment before the last
    const grown = TxIdFilter.empty()
    grown.add(hexTxIds(SEGMENT_CAPACITY + 1, 8))
    const second = grown.records()[1] as { bits: Uint8Array, count: number }
    expect(TxIdFilter.fromRecords([full, second])?.segmentCount).toBe(2)
    // Segment 1 is larger than segment 0: a record of segment 0's size in its place is not this design.
    expect(TxIdFilter.fromRecords([full, { bits: ok.bits, count: 1 }])).toBeUndefined()
  })
})
