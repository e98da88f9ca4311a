/**
 * A scalable Bloom filter of every txId the block store indexes, so that the committer's
 * DUPLICATE_TXID check (BlockStore.getTxLocs) can answer "not on the ledger" for fresh txIds
 * without an IndexedDB read. A false positive only costs that read; a false negative would let
 * a replayed transaction commit, so there are none: bits are only ever set, never cleared.
 *
 * Scalable after Almeida et al., "Scalable Bloom Filters" (2007), in its simplest form: segments
 * of FIXED capacity, a new one when the current is full, a query asks every segment. Fixed (not
 * geometrically growing) segments keep each persisted record small and written once it is full
 * (see txid-filter-records.ts); the price is that the compound false-positive rate grows with
 * the number of full segments (≈ 1 − 0.99^S: 1 % at 65k txIds, ~14 % at 1M) — still one storage
 * read saved for most fresh txIds.
 *
 * Sizing, with the standard formulas for n items at false-positive rate p:
 *   m = ⌈−n·ln p / (ln 2)²⌉ = 628,167 bits for n = 2^16, p = 0.01 → 628,168 (78,521 bytes);
 *   k = round((m/n)·ln 2) = round(6.64) = 7 probes;
 *   rate when full = (1 − e^(−k·n/m))^k ≈ 1.00 %.
 *
 * Hashing: a txId is usually hex SHA-256, but an invalid transaction's txId is any string the
 * submitter chose, so the string is hashed (never taken as random): FNV-1a over its UTF-16 code
 * units with two offset bases, each finished with MurmurHash3's fmix32 avalanche, then
 * Kirsch–Mitzenmacher double hashing g_i = (h1 + i·h2) mod m for the k probes. A crafted
 * collision can only cause false positives (extra reads), never a miss.
 *
 * @module
 */

/** Items per segment. */
export const SEGMENT_CAPACITY = 1 << 16
/** Bits per segment (see the sizing above; a multiple of 8). */
export const SEGMENT_BITS = 628_168
/** Probes per item. */
export const PROBES = 7
/** Names the hash and sizing: a persisted filter with another id is rebuilt, not misread. */
export const FILTER_ID = 'bloom/fnv1a-fmix32-x2/65536/628168/7'

/** A segment as persisted (plain, structured-cloneable). */
export interface TxIdFilterSegmentRecord {
  bits: Uint8Array
  /** Items added to this segment (a full segment has SEGMENT_CAPACITY). */
  count: number
}

interface Segment {
  bits: Uint8Array
  count: number
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

const probeScratch = new Uint32Array(PROBES)

/** The k bit positions of `txId` (valid until the next call: one shared scratch array). */
function probes (txId: string): Uint32Array {
  let h1 = SEED_1
  let h2 = SEED_2
  for (let i = 0; i < txId.length; i++) {
    const c = txId.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, FNV_PRIME)
    h2 = Math.imul(h2 ^ c, FNV_PRIME)
  }
  // Mix the length in too, so strings that differ only by trailing code units 0 differ.
  const a = fmix32(h1 ^ txId.length)
  const b = fmix32(h2 + txId.length)
  for (let i = 0; i < PROBES; i++) probeScratch[i] = (a + i * b) % SEGMENT_BITS // < 2^35: exact in a double
  return probeScratch
}

function segmentHas (s: Segment, at: Uint32Array): boolean {
  for (let i = 0; i < PROBES; i++) {
    const bit = at[i] as number
    if (((s.bits[bit >>> 3] as number) & (1 << (bit & 7))) === 0) return false
  }
  return true
}

function emptySegment (): Segment {
  return { bits: new Uint8Array(SEGMENT_BITS / 8), count: 0 }
}

export class TxIdFilter {
  /**
   * Every segment but the last is full and is never written again, so filters may share them;
   * only the last (current) one is ever mutated and it is never shared (withAdded copies it).
   */
  private constructor (private readonly segments: Segment[]) {}

  static empty (): TxIdFilter {
    return new TxIdFilter([emptySegment()])
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
      if (typeof r !== 'object' || r === null || !(r.bits instanceof Uint8Array) || r.bits.length !== SEGMENT_BITS / 8) return undefined
      const count = r.count
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > SEGMENT_CAPACITY) return undefined
      if (i < records.length - 1 && count !== SEGMENT_CAPACITY) return undefined
      segments.push({ bits: r.bits.slice(), count })
    }
    return new TxIdFilter(segments)
  }

  /** False only when `txId` was never added; true for every added txId and ~1 % of others per full segment. */
  mightContain (txId: string): boolean {
    const at = probes(txId)
    for (const s of this.segments) if (segmentHas(s, at)) return true
    return false
  }

  /** Adds txIds in place (used while building the filter, before it is shared). */
  add (txIds: Iterable<string>): void {
    for (const txId of txIds) {
      let current = this.segments[this.segments.length - 1] as Segment
      if (current.count >= SEGMENT_CAPACITY) {
        current = emptySegment()
        this.segments.push(current)
      }
      const at = probes(txId)
      for (let i = 0; i < PROBES; i++) {
        const bit = at[i] as number
        current.bits[bit >>> 3] = (current.bits[bit >>> 3] as number) | (1 << (bit & 7))
      }
      current.count++
    }
  }

  /**
   * A new filter holding these txIds too; this one is unchanged (a commit that fails keeps the
   * old filter). Copies only the current segment (~77 KB); full segments are shared.
   */
  withAdded (txIds: Iterable<string>): TxIdFilter {
    const last = this.segments[this.segments.length - 1] as Segment
    const next = new TxIdFilter([...this.segments.slice(0, -1), { bits: last.bits.slice(), count: last.count }])
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
