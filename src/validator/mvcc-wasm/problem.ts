/**
 * The block MVCC problem: everything Fabric's state validator
 * (core/ledger/kvledger/txmgmt/validation/validator.go, `validateAndPrepareBatch`) looks at,
 * with the block's (namespace, key) pairs interned to dense integers so that a solver
 * (reference.ts in TypeScript, asm/mvcc in WASM) needs no strings and no state DB.
 *
 * Key ids are assigned in (namespace, UTF-8 key) order, so the keys of a namespace form a
 * contiguous id interval and a range query [startKey, endKey) of a namespace becomes an id
 * interval [lo, hi). The interned set includes every committed key inside every queried range
 * (the range scan the ledger runs at validation time), so walking the interval over committed
 * state overlaid with earlier writes of the block is Fabric's combined iterator
 * (combined_iterator.go). intern.ts builds this from decoded rwsets; docs/mvcc-wasm.md.
 * @module
 */
import type { Height } from '../../ledger/api.js'
import type { QueryReadsMerkleSummary } from '../../protos/index.js'
import { MvccError } from './errors.js'

/** The codes a solver produces (Fabric's protos.TxValidationCode numbers). */
export const MvccCode = Object.freeze({
  VALID: 0,
  MVCC_READ_CONFLICT: 11,
  PHANTOM_READ_CONFLICT: 12
})

/**
 * Net effect of a transaction on one key (Fabric's tx_ops.go `keyOps`).
 * - PUT: the key exists at the transaction's height afterwards.
 * - DELETE: the key is gone.
 * - METADATA: only its metadata changed: the key is re-versioned at the transaction's height
 *   if it exists at that point (earlier in the block or committed), otherwise nothing happens.
 */
export const WriteKind = Object.freeze({ PUT: 1, DELETE: 2, METADATA: 3 })
export type WriteKind = typeof WriteKind[keyof typeof WriteKind]

/** A point read (KVRead): the version read at simulation, undefined when the key was absent. */
export interface PointRead {
  readonly kind: 'read'
  readonly keyId: number
  readonly version: Height | undefined
}

/** One result of a range query as recorded at simulation (a raw KVRead of QueryReads). */
export interface RangeResult {
  readonly keyId: number
  readonly version: Height | undefined
}

/**
 * A range query re-evaluated over key ids [lo, hi): the results must be exactly `results`, in
 * order (rangeQueryResultsValidator). `lo`/`hi` already fold in itr_exhausted (see intern.ts).
 */
export interface RangeRead {
  readonly kind: 'range'
  readonly lo: number
  readonly hi: number
  readonly results: readonly RangeResult[]
  /**
   * Set instead of `results` when simulation recorded a Merkle summary of a large result set
   * (reads_merkle_hashes). Needs `BlockMvccProblem.verifyMerkle`; only the reference solves it.
   */
  readonly merkle?: QueryReadsMerkleSummary
}

/**
 * Checks a Merkle-summarised range (rangeQueryHashValidator): `results` are the combined
 * iterator's results now, in order. The only part of the problem that needs key strings.
 */
export type MerkleRangeVerifier = (results: readonly RangeResult[], summary: QueryReadsMerkleSummary) => boolean

export type MvccCheck = PointRead | RangeRead

export interface MvccWrite {
  readonly keyId: number
  readonly kind: WriteKind
}

export interface MvccTx {
  /**
   * The code from the earlier phases (signatures, policies, duplicates). Only 0 (VALID)
   * transactions are checked; any other code is passed through and the tx's writes ignored.
   */
  readonly preCode: number
  /** Checks in Fabric's order: per namespace in rwset order, its reads, then its range queries. */
  readonly checks: readonly MvccCheck[]
  readonly writes: readonly MvccWrite[]
}

export interface BlockMvccProblem {
  /** The block's number: an earlier valid tx t of the block writes at height (blockNum, t). */
  readonly blockNum: number
  /** Number of interned keys; ids are 0..keyCount-1. */
  readonly keyCount: number
  /** Committed version of each key id (undefined: not in the state DB). Length keyCount. */
  readonly committed: ReadonlyArray<Height | undefined>
  /** The block's transactions in block order: txs[t] has txNum t. */
  readonly txs: readonly MvccTx[]
  /** Required when a range carries `merkle`; intern.ts supplies it. */
  readonly verifyMerkle?: MerkleRangeVerifier
}

/** True when a range of a VALID tx carries a Merkle summary (the WASM solver cannot take it). */
export function hasMerkleRanges (problem: BlockMvccProblem): boolean {
  return problem.txs.some((tx) => tx.preCode === MvccCode.VALID && tx.checks.some((c) => c.kind === 'range' && c.merkle !== undefined))
}

const MAX_HEIGHT_PART = Number.MAX_SAFE_INTEGER

function checkHeight (h: unknown, field: string, optional: boolean): void {
  if (h === undefined && optional) return
  if (typeof h !== 'object' || h === null) throw new MvccError('MVCC_BAD_INPUT', `${field}: expected a version`)
  const { blockNum, txNum } = h as Height
  if (!Number.isInteger(blockNum) || blockNum < 0 || blockNum > MAX_HEIGHT_PART ||
    !Number.isInteger(txNum) || txNum < 0 || txNum > MAX_HEIGHT_PART) {
    throw new MvccError('MVCC_BAD_INPUT', `${field}: blockNum and txNum must be safe non-negative integers`)
  }
}

function checkId (id: unknown, keyCount: number, field: string): void {
  if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= keyCount) {
    throw new MvccError('MVCC_BAD_INPUT', `${field}: key id must be an integer in [0, ${keyCount})`)
  }
}

/** Boundary check shared by both solvers: throws `MVCC_BAD_INPUT` naming the bad field. */
export function checkProblem (problem: BlockMvccProblem): void {
  if (typeof problem !== 'object' || problem === null) throw new MvccError('MVCC_BAD_INPUT', 'problem: expected an object')
  const { blockNum, keyCount, committed, txs } = problem
  if (!Number.isInteger(blockNum) || blockNum < 0 || blockNum > MAX_HEIGHT_PART) {
    throw new MvccError('MVCC_BAD_INPUT', 'blockNum: must be a safe non-negative integer')
  }
  if (!Number.isInteger(keyCount) || keyCount < 0 || keyCount > 0x3fffffff) {
    throw new MvccError('MVCC_BAD_INPUT', 'keyCount: must be a non-negative integer below 2^30')
  }
  if (!Array.isArray(committed) || committed.length !== keyCount) {
    throw new MvccError('MVCC_BAD_INPUT', 'committed: must be an array of keyCount versions')
  }
  for (let k = 0; k < keyCount; k++) checkHeight(committed[k], `committed[${k}]`, true)
  if (!Array.isArray(txs)) throw new MvccError('MVCC_BAD_INPUT', 'txs: expected an array')
  txs.forEach((tx: MvccTx, t) => {
    const at = `txs[${t}]`
    if (!Number.isInteger(tx.preCode) || tx.preCode < 0 || tx.preCode > 255) {
      throw new MvccError('MVCC_BAD_INPUT', `${at}.preCode: must be a TxValidationCode (0..255)`)
    }
    if (!Array.isArray(tx.checks) || !Array.isArray(tx.writes)) {
      throw new MvccError('MVCC_BAD_INPUT', `${at}: checks and writes must be arrays`)
    }
    tx.checks.forEach((check: MvccCheck, c) => {
      const field = `${at}.checks[${c}]`
      if (check.kind === 'read') {
        checkId(check.keyId, keyCount, `${field}.keyId`)
        checkHeight(check.version, `${field}.version`, true)
      } else if (check.kind === 'range') {
        if (!Number.isInteger(check.lo) || !Number.isInteger(check.hi) || check.lo < 0 || check.lo > check.hi || check.hi > keyCount) {
          throw new MvccError('MVCC_BAD_INPUT', `${field}: need 0 <= lo <= hi <= keyCount`)
        }
        if (!Array.isArray(check.results)) throw new MvccError('MVCC_BAD_INPUT', `${field}.results: expected an array`)
        if (check.merkle !== undefined && typeof problem.verifyMerkle !== 'function') {
          throw new MvccError('MVCC_BAD_INPUT', `${field}.merkle: the problem has no verifyMerkle`)
        }
        check.results.forEach((r: RangeResult, i) => {
          checkId(r.keyId, keyCount, `${field}.results[${i}].keyId`)
          checkHeight(r.version, `${field}.results[${i}].version`, true)
        })
      } else {
        throw new MvccError('MVCC_BAD_INPUT', `${field}.kind: must be 'read' or 'range'`)
      }
    })
    tx.writes.forEach((w: MvccWrite, i) => {
      checkId(w.keyId, keyCount, `${at}.writes[${i}].keyId`)
      if (w.kind !== WriteKind.PUT && w.kind !== WriteKind.DELETE && w.kind !== WriteKind.METADATA) {
        throw new MvccError('MVCC_BAD_INPUT', `${at}.writes[${i}].kind: must be PUT, DELETE or METADATA`)
      }
    })
  })
}
