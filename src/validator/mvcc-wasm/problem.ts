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

const MAX_HEIGHT_PART = Number.MAX_SAFE_INTEGER

function bad (field: string, why: string): MvccError {
  return new MvccError('MVCC_BAD_INPUT', `${field}: ${why}`)
}

/** A version the solvers accept: safe non-negative integers (f64-exact in the WASM layout). */
export function validHeight (h: unknown): h is Height {
  if (typeof h !== 'object' || h === null) return false
  const { blockNum, txNum } = h as Height
  return Number.isInteger(blockNum) && blockNum >= 0 && blockNum <= MAX_HEIGHT_PART &&
    Number.isInteger(txNum) && txNum >= 0 && txNum <= MAX_HEIGHT_PART
}

function validId (id: unknown, keyCount: number): boolean {
  return Number.isInteger(id) && (id as number) >= 0 && (id as number) < keyCount
}

const HEIGHT_RULE = 'must be undefined or a version with safe non-negative integer blockNum and txNum'

/**
 * Boundary check shared by both solvers: throws `MVCC_BAD_INPUT` naming the bad field. Plain
 * loops and messages built only on failure: this runs once per block on the hot path.
 */
export function checkProblem (problem: BlockMvccProblem): void {
  if (typeof problem !== 'object' || problem === null) throw bad('problem', 'expected an object')
  const { blockNum, keyCount, committed, txs } = problem
  if (!Number.isInteger(blockNum) || blockNum < 0 || blockNum > MAX_HEIGHT_PART) throw bad('blockNum', 'must be a safe non-negative integer')
  if (!Number.isInteger(keyCount) || keyCount < 0 || keyCount > 0x3fffffff) throw bad('keyCount', 'must be a non-negative integer below 2^30')
  if (!Array.isArray(committed) || committed.length !== keyCount) throw bad('committed', 'must be an array of keyCount versions')
  for (let k = 0; k < keyCount; k++) {
    const v = committed[k]
    if (v !== undefined && !validHeight(v)) throw bad(`committed[${k}]`, HEIGHT_RULE)
  }
  if (!Array.isArray(txs)) throw bad('txs', 'expected an array')
  for (let t = 0; t < txs.length; t++) {
    const tx = txs[t] as MvccTx
    if (typeof tx !== 'object' || tx === null) throw bad(`txs[${t}]`, 'expected an object')
    if (!Number.isInteger(tx.preCode) || tx.preCode < 0 || tx.preCode > 255) throw bad(`txs[${t}].preCode`, 'must be a TxValidationCode (0..255)')
    const { checks, writes } = tx
    if (!Array.isArray(checks) || !Array.isArray(writes)) throw bad(`txs[${t}]`, 'checks and writes must be arrays')
    for (let c = 0; c < checks.length; c++) {
      const check = checks[c] as MvccCheck
      if (typeof check !== 'object' || check === null) throw bad(`txs[${t}].checks[${c}]`, 'expected an object')
      if (check.kind === 'read') {
        if (!validId(check.keyId, keyCount)) throw bad(`txs[${t}].checks[${c}].keyId`, `must be an integer in [0, ${keyCount})`)
        if (check.version !== undefined && !validHeight(check.version)) throw bad(`txs[${t}].checks[${c}].version`, HEIGHT_RULE)
      } else if (check.kind === 'range') {
        const { lo, hi, results } = check
        if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || lo > hi || hi > keyCount) throw bad(`txs[${t}].checks[${c}]`, 'need 0 <= lo <= hi <= keyCount')
        if (!Array.isArray(results)) throw bad(`txs[${t}].checks[${c}].results`, 'expected an array')
        if (check.merkle !== undefined && typeof problem.verifyMerkle !== 'function') throw bad(`txs[${t}].checks[${c}].merkle`, 'the problem has no verifyMerkle')
        for (let i = 0; i < results.length; i++) {
          const r = results[i] as RangeResult
          if (typeof r !== 'object' || r === null) throw bad(`txs[${t}].checks[${c}].results[${i}]`, 'expected an object')
          if (!validId(r.keyId, keyCount)) throw bad(`txs[${t}].checks[${c}].results[${i}].keyId`, `must be an integer in [0, ${keyCount})`)
          if (r.version !== undefined && !validHeight(r.version)) throw bad(`txs[${t}].checks[${c}].results[${i}].version`, HEIGHT_RULE)
        }
      } else {
        throw bad(`txs[${t}].checks[${c}].kind`, "must be 'read' or 'range'")
      }
    }
    for (let i = 0; i < writes.length; i++) {
      const w = writes[i] as MvccWrite
      if (typeof w !== 'object' || w === null) throw bad(`txs[${t}].writes[${i}]`, 'expected an object')
      if (!validId(w.keyId, keyCount)) throw bad(`txs[${t}].writes[${i}].keyId`, `must be an integer in [0, ${keyCount})`)
      if (w.kind !== WriteKind.PUT && w.kind !== WriteKind.DELETE && w.kind !== WriteKind.METADATA) throw bad(`txs[${t}].writes[${i}].kind`, 'must be PUT, DELETE or METADATA')
    }
  }
}
