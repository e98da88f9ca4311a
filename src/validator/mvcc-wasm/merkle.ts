/**
 * Merkle summaries of large range-query results (Fabric's rwsetutil/query_results_helper.go
 * RangeQueryResultsHelper + merkleTree) and their validation
 * (validation/rangequery_validator.go rangeQueryHashValidator). Results are grouped in runs of
 * maxDegree + 1 KVReads; each run's marshalled QueryReads is hashed into a level-1 leaf, and a
 * level holding more than maxDegree hashes is folded into one hash of the next level.
 * @module
 */
import { sha256 } from '../../crypto/sha256.js'
import { QueryReads, encode } from '../../protos/index.js'
import type { KVRead, QueryReadsMerkleSummary } from '../../protos/index.js'

type HashFn = (data: Uint8Array) => Uint8Array

function concatHash (hashes: readonly Uint8Array[], hash: HashFn): Uint8Array {
  const all = new Uint8Array(hashes.reduce((n, h) => n + h.length, 0))
  let at = 0
  for (const h of hashes) {
    all.set(h, at)
    at += h.length
  }
  return hash(all)
}

function equalBytes (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** merkleTree: levels from 1 (leaves), pruned as they fold upwards. */
class MerkleTree {
  readonly #tree = new Map<number, Uint8Array[]>()
  #maxLevel = 1
  readonly #maxDegree: number
  readonly #hash: HashFn

  constructor (maxDegree: number, hash: HashFn) {
    this.#maxDegree = maxDegree
    this.#hash = hash
  }

  #at (level: number): Uint8Array[] {
    let hashes = this.#tree.get(level)
    if (hashes === undefined) {
      hashes = []
      this.#tree.set(level, hashes)
    }
    return hashes
  }

  update (leaf: Uint8Array): void {
    this.#at(1).push(leaf)
    let level = 1
    for (;;) {
      const hashes = this.#at(level)
      if (hashes.length <= this.#maxDegree) return
      const next = concatHash(hashes, this.#hash)
      this.#tree.delete(level)
      level++
      this.#at(level).push(next)
      if (level > this.#maxLevel) this.#maxLevel = level
    }
  }

  done (): void {
    let level = 1
    while (level < this.#maxLevel) {
      const hashes = this.#at(level)
      if (hashes.length === 0) {
        level++
        continue
      }
      const h = hashes.length === 1 ? hashes[0] as Uint8Array : concatHash(hashes, this.#hash)
      this.#tree.delete(level)
      level++
      this.#at(level).push(h)
    }
    const final = this.#at(this.#maxLevel)
    if (final.length > this.#maxDegree) {
      this.#tree.delete(this.#maxLevel)
      this.#maxLevel++
      this.#tree.set(this.#maxLevel, [concatHash(final, this.#hash)])
    }
  }

  isEmpty (): boolean {
    return this.#maxLevel === 1 && this.#at(1).length === 0
  }

  summary (): QueryReadsMerkleSummary {
    return { maxDegree: this.#maxDegree, maxLevel: this.#maxLevel, maxLevelHashes: [...this.#at(this.#maxLevel)] }
  }
}

/** RangeQueryResultsHelper with hashing enabled: raw reads when few, else a summary. */
export class RangeResultsHasher {
  #pending: KVRead[] = []
  readonly #tree: MerkleTree
  readonly #maxDegree: number
  readonly #hash: HashFn

  /** maxDegree must be at least 2 (Fabric's newMerkleTree). */
  constructor (maxDegree: number, hash: HashFn = sha256) {
    this.#maxDegree = maxDegree
    this.#hash = hash
    this.#tree = new MerkleTree(maxDegree, hash)
  }

  add (read: KVRead): void {
    this.#pending.push(read)
    if (this.#pending.length > this.#maxDegree) this.#flush()
  }

  #flush (): void {
    const bytes = encode(QueryReads, { kvReads: this.#pending })
    this.#pending = []
    this.#tree.update(this.#hash(bytes))
  }

  currentSummary (): QueryReadsMerkleSummary {
    return this.#tree.summary()
  }

  /** Fabric's Done(): the pending raw reads, or (once anything was hashed) the summary. */
  done (): { rawReads: KVRead[], summary: QueryReadsMerkleSummary | undefined } {
    if (this.#tree.isEmpty()) return { rawReads: this.#pending, summary: undefined }
    if (this.#pending.length > 0) this.#flush()
    this.#tree.done()
    return { rawReads: this.#pending, summary: this.#tree.summary() }
  }
}

function summariesEqual (a: QueryReadsMerkleSummary, b: QueryReadsMerkleSummary | undefined): boolean {
  if (b === undefined || a.maxDegree !== b.maxDegree || a.maxLevel !== b.maxLevel || a.maxLevelHashes.length !== b.maxLevelHashes.length) return false
  return a.maxLevelHashes.every((h, i) => equalBytes(h, b.maxLevelHashes[i]))
}

/**
 * rangeQueryHashValidator.validate over the current results, stopping at the first hash at
 * the summary's level that differs. A maxDegree below 2 is an error in Fabric (the block
 * fails to commit); here the transaction just does not validate.
 */
export function merkleRangeUnchanged (results: Iterable<KVRead>, expected: QueryReadsMerkleSummary, hash: HashFn = sha256): boolean {
  if (!Number.isInteger(expected.maxDegree) || expected.maxDegree < 2) return false
  const helper = new RangeResultsHasher(expected.maxDegree, hash)
  let lastMatched = -1
  for (const read of results) {
    helper.add(read)
    const now = helper.currentSummary()
    if (now.maxLevel < expected.maxLevel) continue
    if (lastMatched === now.maxLevelHashes.length - 1) continue
    if (now.maxLevelHashes.length > expected.maxLevelHashes.length) return false
    lastMatched++
    if (!equalBytes(now.maxLevelHashes[lastMatched], expected.maxLevelHashes[lastMatched])) return false
  }
  return summariesEqual(expected, helper.done().summary)
}
