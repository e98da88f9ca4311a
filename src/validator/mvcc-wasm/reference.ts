/**
 * The TypeScript reference solver of the block MVCC problem (problem.ts), written to follow
 * Fabric's code shape rather than to be fast: an updates batch keyed by id
 * (privacyenabledstate.PubUpdateBatch), `validateKVRead`, and `validateRangeQuery` through a
 * combined iterator that merges the committed keys of the interval with the batch's keys
 * (combined_iterator.go) and compares with the recorded results (rangequery_validator.go).
 * asm/mvcc/index.ts does the same in one pass; the differential tests hold them together.
 * @module
 */
import type { Height } from '../../ledger/api.js'
import { MvccCode, WriteKind, checkProblem } from './problem.js'
import type { BlockMvccProblem, MerkleRangeVerifier, MvccTx, PointRead, RangeRead } from './problem.js'

/** One entry of the updates batch: the version written, or a delete (Fabric's nil value). */
interface BatchEntry {
  readonly version: Height
  readonly deleted: boolean
}

interface VersionedId {
  readonly keyId: number
  readonly version: Height
}

function sameVersion (a: Height | undefined, b: Height | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return a.blockNum === b.blockNum && a.txNum === b.txNum
}

/**
 * Solves the problem with Fabric's sequential semantics; returns one code per transaction.
 * `checked`: the caller already ran `checkProblem`.
 */
export function solveBlockMvccReference (problem: BlockMvccProblem, options: { checked?: boolean } = {}): Uint8Array {
  if (options.checked !== true) checkProblem(problem)
  return new ReferenceValidator(problem).run()
}

class ReferenceValidator {
  readonly #problem: BlockMvccProblem
  readonly #updates = new Map<number, BatchEntry>()

  constructor (problem: BlockMvccProblem) {
    this.#problem = problem
  }

  run (): Uint8Array {
    const codes = new Uint8Array(this.#problem.txs.length)
    this.#problem.txs.forEach((tx, txNum) => {
      if (tx.preCode !== MvccCode.VALID) {
        codes[txNum] = tx.preCode
        return
      }
      const code = this.#validateTx(tx)
      codes[txNum] = code
      if (code === MvccCode.VALID) this.#applyWrites(tx, { blockNum: this.#problem.blockNum, txNum })
    })
    return codes
  }

  #validateTx (tx: MvccTx): number {
    for (const check of tx.checks) {
      if (check.kind === 'read') {
        if (!this.#validateKVRead(check)) return MvccCode.MVCC_READ_CONFLICT
      } else if (!this.#validateRangeQuery(check)) {
        return MvccCode.PHANTOM_READ_CONFLICT
      }
    }
    return MvccCode.VALID
  }

  #validateKVRead (read: PointRead): boolean {
    if (this.#updates.has(read.keyId)) return false
    return sameVersion(this.#problem.committed[read.keyId], read.version)
  }

  #validateRangeQuery (range: RangeRead): boolean {
    const results = this.#combinedResults(range.lo, range.hi)
    if (range.merkle !== undefined) return (this.#problem.verifyMerkle as MerkleRangeVerifier)(results, range.merkle)
    if (results.length !== range.results.length) return false
    return results.every((r, i) => {
      const recorded = range.results[i]
      return recorded !== undefined && recorded.keyId === r.keyId && sameVersion(recorded.version, r.version)
    })
  }

  /** combinedIterator: committed keys and batch keys in id order, the batch winning, deletes skipped. */
  #combinedResults (lo: number, hi: number): VersionedId[] {
    const db: VersionedId[] = []
    for (let k = lo; k < hi; k++) {
      const version = this.#problem.committed[k]
      if (version !== undefined) db.push({ keyId: k, version })
    }
    const updates = [...this.#updates.keys()].filter((k) => k >= lo && k < hi).sort((a, b) => a - b)
    const out: VersionedId[] = []
    let i = 0
    let j = 0
    while (i < db.length || j < updates.length) {
      const dbItem = db[i]
      const updateId = updates[j]
      let selected: { keyId: number, entry: BatchEntry }
      if (updateId === undefined || (dbItem !== undefined && dbItem.keyId < updateId)) {
        selected = { keyId: (dbItem as VersionedId).keyId, entry: { version: (dbItem as VersionedId).version, deleted: false } }
        i++
      } else {
        selected = { keyId: updateId, entry: this.#updates.get(updateId) as BatchEntry }
        if (dbItem !== undefined && dbItem.keyId === updateId) i++
        j++
      }
      if (!selected.entry.deleted) out.push({ keyId: selected.keyId, version: selected.entry.version })
    }
    return out
  }

  /** updates.applyWriteSet with the tx's net key operations (tx_ops.go). */
  #applyWrites (tx: MvccTx, height: Height): void {
    for (const write of tx.writes) {
      if (write.kind === WriteKind.PUT) {
        this.#updates.set(write.keyId, { version: height, deleted: false })
      } else if (write.kind === WriteKind.DELETE) {
        this.#updates.set(write.keyId, { version: height, deleted: true })
      } else {
        // Metadata only: merged with the latest value (retrieveLatestState); no value, no-op.
        // A key deleted earlier in the block stays deleted: Fabric panics there
        // (UpdateBatch.PutValAndMetadata with a nil value); we keep the delete.
        const inBatch = this.#updates.get(write.keyId)
        const exists = inBatch !== undefined ? !inBatch.deleted : this.#problem.committed[write.keyId] !== undefined
        if (exists) this.#updates.set(write.keyId, { version: height, deleted: false })
      }
    }
  }
}
