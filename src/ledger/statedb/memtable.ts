/**
 * The state DB's in-memory layer: the latest write of every key committed in blocks not yet
 * compacted into per-key records (Fabric has no equivalent; LevelDB's own memtable plays this
 * role there). Rebuilt on open from the per-block batch records, so it is never the only copy.
 */
import type { Height } from '../api.js'
import { compareUtf8, inKeyRange, memKey } from './keys.js'

export interface MemEntry {
  readonly ns: string
  readonly key: string
  /** undefined: the key was deleted. */
  readonly value: Uint8Array | undefined
  readonly version: Height
}

export class Memtable {
  private readonly entries = new Map<string, MemEntry>()
  /** memKeys written per block, for compaction by block range. */
  private readonly byBlock = new Map<number, string[]>()
  /** Sorted keys per namespace, rebuilt lazily after writes (range scans). */
  private readonly sorted = new Map<string, string[]>()
  private readonly perNamespace = new Map<string, Set<string>>()

  get size (): number {
    return this.entries.size
  }

  get blocks (): number[] {
    return [...this.byBlock.keys()].sort((a, b) => a - b)
  }

  /** Writes recorded for the block (an upper bound of what compacting it writes). */
  writesIn (blockNum: number): number {
    return this.byBlock.get(blockNum)?.length ?? 0
  }

  get (ns: string, key: string): MemEntry | undefined {
    return this.entries.get(memKey(ns, key))
  }

  /** Applies one block's writes (in tx order; later writes of a key win). */
  applyBlock (blockNum: number, writes: readonly MemEntry[]): void {
    const keys: string[] = []
    for (const w of writes) {
      const mk = memKey(w.ns, w.key)
      this.entries.set(mk, w)
      keys.push(mk)
      let set = this.perNamespace.get(w.ns)
      if (set === undefined) {
        set = new Set()
        this.perNamespace.set(w.ns, set)
      }
      if (!set.has(w.key)) {
        set.add(w.key)
        this.sorted.delete(w.ns)
      }
    }
    this.byBlock.set(blockNum, keys)
  }

  /** The entries a compaction up to `lastBlock` must write: latest versions from those blocks. */
  entriesUpTo (lastBlock: number): MemEntry[] {
    const out: MemEntry[] = []
    const seen = new Set<string>()
    for (const [b, keys] of this.byBlock) {
      if (b > lastBlock) continue
      for (const mk of keys) {
        if (seen.has(mk)) continue
        seen.add(mk)
        const e = this.entries.get(mk)
        if (e !== undefined && e.version.blockNum <= lastBlock) out.push(e)
      }
    }
    return out
  }

  /** After a compaction up to `lastBlock` committed: drop what is now in per-key records. */
  forgetUpTo (lastBlock: number): void {
    for (const e of this.entriesUpTo(lastBlock)) {
      this.entries.delete(memKey(e.ns, e.key))
      const set = this.perNamespace.get(e.ns)
      if (set?.delete(e.key) === true) this.sorted.delete(e.ns)
    }
    for (const b of [...this.byBlock.keys()]) if (b <= lastBlock) this.byBlock.delete(b)
  }

  /** Entries of the namespace within [start, end) ('' unbounded), in Fabric key order. */
  range (ns: string, start: string, end: string): MemEntry[] {
    const set = this.perNamespace.get(ns)
    if (set === undefined || set.size === 0) return []
    let keys = this.sorted.get(ns)
    if (keys === undefined) {
      keys = [...set].sort(compareUtf8)
      this.sorted.set(ns, keys)
    }
    let lo = 0
    if (start !== '') {
      let hi = keys.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (compareUtf8(keys[mid] as string, start) < 0) lo = mid + 1
        else hi = mid
      }
    }
    const out: MemEntry[] = []
    for (let i = lo; i < keys.length; i++) {
      const k = keys[i] as string
      if (!inKeyRange(k, start, end)) break
      const e = this.entries.get(memKey(ns, k))
      if (e !== undefined) out.push(e)
    }
    return out
  }
}
