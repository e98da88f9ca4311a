/**
 * A scalable Bloom filter of every txId the block store indexes, so that the committer's
 * DUPLICATE_TXID check (BlockStore.getTxLocs) can answer "not on the ledger" for fresh txIds
 * without an IndexedDB read. A false positive only costs that read; a false negative would let
 * a replayed transaction commit, so there are none: bits are only ever set, never cleared.
 *
 * Scalable after Almeida et al., "Scalable Bloom Filters" (2007): segments of FIXED capacity, a
 * new one when the current is full, a query asks every segment; each new segment is built for a
 * TIGHTER false-positive rate, so the compound rate stays bounded however many segments there
 * are. Fixed (not geometrically growing) capacity keeps each persisted record small and written
 * once it is full (see txid-filter-records.ts).
 *
 * Sizing of segment i, with the standard formulas for n items at false-positive rate p:
 *   n = 2^16; p_i = max(1 % · 2^−i, 10^−6), so the compound rate is below 2 % + 10^−6 per
 *   segment past the 14th (~2 % at 1M txIds; fixed 1 % segments would reach ~14 %);
 *   m_i = ⌈−n·ln p_i / (ln 2)²⌉ bits, rounded up to whole bytes (segment 0: 628,168 bits = 77 KiB;
 *   from segment 14 on: 1,884,504 bits = 230 KiB);
 *   k_i = round((m_i/n)·ln 2) probes (7 for segment 0, 20 from segment 14 on).
 *
 * Hashing: a txId is usually hex SHA-256, but an invalid transaction's txId is any string the
 * submitter chose, so the string is hashed (never taken as random): FNV-1a over its UTF-16 code
 * units with two offset bases, each finished with MurmurHash3's fmix32 avalanche, then
 * Kirsch–Mitzenmacher double hashing g_t = (h1 + t·h2) mod m_i for the k_i probes of segment i.
 * A crafted collision can only cause false positives (extra reads), never a miss.
 *
 * @module
 */

/** Items per segment. */
export const SEGMENT_CAPACITY = 1 << 16
/** Target false-positive rate of segment 0; each next segment halves it, down to the floor. */
export const FIRST_SEGMENT_RATE = 0.01
export const RATE_FLOOR = 1e-6
/** Names the hash and sizing: a persisted filter with another id is rebuilt, not misread. */
export const FILTER_ID = 'bloom/fnv1a-fmix32-x2/65536/p0.01-halving-floor1e-6'

/** Bits and probes of segment `index` (see the sizing above). */
export function segmentShape (index: number): { bits: number, probes: number } {
  const rate = Math.max(FIRST_SEGMENT_RATE * 2 ** -index, RATE_FLOOR)
  const bits = Math.ceil(Math.ceil(-SEGMENT_CAPACITY * Math.log(rate) / Math.LN2 ** 2) / 8) * 8
  return { bits, probes: Math.round(bits / SEGMENT_CAPACITY * Math.LN2) }
}

/** A segment as persisted (plain, structured-cloneable). */
export interface TxIdFilterSegmentRecord {
  bits: Uint8Array
  /** Items added to this segment (a full segment has SEGMENT_CAPACITY). */
  count: number
}

interface Segment {
  bits: Uint8Array
  count: number
  /** Bit count (bits.length · 8) and probes, from segmentShape. */
  m: number
  k: number
}

const FNV_PRIME = 0x01000193
const SEED_1 = 0x811c9dc5 // FNV-1a's offset basis
const SEED_2 = 0x5bd1e995

function fmix32 (h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The two base hashes of `txId` (valid until the next call: one shared scratch array). */
const hashScratch = new Uint32Array(2)
function hashes (txId: string): Uint32Array {
  let h1 = SEED_1
  let h2 = SEED_2
  for (let i = 0; i < txId.length; i++) {
    const c = txId.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, FNV_PRIME)
    h2 = Math.imul(h2 ^ c, FNV_PRIME)
  }
  // Mix the length in too, so strings that differ only by trailing code units 0 differ.
  hashScratch[0] = fmix32(h1 ^ txId.length)
  hashScratch[1] = fmix32(h2 + txId.length)
  return hashScratch
}

function segmentHas (s: Segment, h: Uint32Array): boolean {
  const a = h[0] as number
  const b = h[1] as number
  for (let t = 0; t < s.k; t++) {
    const bit = (a + t * b) % s.m // < 2^38: exact in a double
    if (((s.bits[bit >>> 3] as number) & (1 << (bit & 7))) === 0) return false
  }
  return true
}

function segmentAdd (s: Segment, h: Uint32Array): void {
  const a = h[0] as number
  const b = h[1] as number
  for (let t = 0; t < s.k; t++) {
    const bit = (a + t * b) % s.m
    s.bits[bit >>> 3] = (s.bits[bit >>> 3] as number) | (1 << (bit & 7))
  }
  s.count++
}

function emptySegment (index: number): Segment {
  const { bits, probes } = segmentShape(index)
  return { bits: new Uint8Array(bits / 8), count: 0, m: bits, k: probes }
}

export class TxIdFilter {
  /**
   * Every segment but the last is full and is never written again, so filters may share them;
   * only the last (current) one is ever mutated and it is never shared (withAdded copies it).
   */
  private constructor (private readonly segments: Segment[]) {}

  static empty (): TxIdFilter {
    return new TxIdFilter([emptySegment(0)])
  }

  /**
   * Rebuilds a filter from its persisted segments (segment 0 first); undefined when they are not
   * a filter of this design (wrong sizes, counts, a non-full segment before the last): the
   * caller then rebuilds from the index.
   */
  static fromRecords (records: readonly unknown[]): TxIdFilter | undefined {
    if (records.length === 0) return undefined
    const segments: Segment[] = []
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as Partial<TxIdFilterSegmentRecord> | undefined | null
      const { bits, probes } = segmentShape(i)
      if (typeof r !== 'object' || r === null || !(r.bits instanceof Uint8Array) || r.bits.length !== bits / 8) return undefined
      const count = r.count
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > SEGMENT_CAPACITY) return undefined
      if (i < records.length - 1 && count !== SEGMENT_CAPACITY) return undefined
      segments.push({ bits: r.bits.slice(), count, m: bits, k: probes })
    }
    return new TxIdFilter(segments)
  }

  /** False only when `txId` was never added; true for every added txId and < 2 % of others. */
  mightContain (txId: string): boolean {
    const h = hashes(txId)
    for (const s of this.segments) if (segmentHas(s, h)) return true
    return false
  }

  /** Adds txIds in place (used while building the filter, before it is shared). */
  add (txIds: Iterable<string>): void {
    for (const txId of txIds) {
      let current = this.segments[this.segments.length - 1] as Segment
      if (current.count >= SEGMENT_CAPACITY) {
        current = emptySegment(this.segments.length)
        this.segments.push(current)
      }
      segmentAdd(current, hashes(txId))
    }
  }

  /**
   * A new filter holding these txIds too; this one is unchanged (a commit that fails keeps the
   * old filter). Copies only the current segment (77–230 KiB); full segments are shared.
   */
  withAdded (txIds: Iterable<string>): TxIdFilter {
    const last = this.segments[this.segments.length - 1] as Segment
    const next = new TxIdFilter([...this.segments.slice(0, -1), { ...last, bits: last.bits.slice() }])
    next.add(txIds)
    return next
  }

  get segmentCount (): number {
    return this.segments.length
  }

  /** Segments that will never change again. */
  get fullSegments (): number {
    const lastFull = (this.segments[this.segments.length - 1] as Segment).count >= SEGMENT_CAPACITY
    return this.segments.length - (lastFull ? 0 : 1)
  }

  /** txIds added (a txId added twice counts twice). */
  get size (): number {
    let n = 0
    for (const s of this.segments) n += s.count
    return n
  }

  /** Segments from `from` on, as records to persist (copies: the filter keeps changing). */
  records (from = 0): TxIdFilterSegmentRecord[] {
    return this.segments.slice(from).map((s) => ({ bits: s.bits.slice(), count: s.count }))
  }
}
