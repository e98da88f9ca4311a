/**
 * The WASM solver (asm/mvcc/index.ts): lays the problem out flat in the module's memory and
 * validates the whole block in one call. The layout is documented in asm/mvcc/index.ts; this
 * file is its only writer.
 * @module
 */
import { wasmBase64 } from '../../wasm/generated/mvcc.js'
import { exportedFunction, exportedMemory, instantiateSync } from '../../wasm/load.js'
import type { Height } from '../../ledger/api.js'
import { MvccError } from './errors.js'
import { WriteKind, checkProblem, validHeight } from './problem.js'
import type { BlockMvccProblem } from './problem.js'

interface MvccExports {
  regionBase(): number
  ensure(bytes: number): number
  validate(blockNum: number, txCount: number, keyCount: number,
    versions: number, program: number, batch: number, codes: number): number
}

const CHECK_READ = 0
const CHECK_RANGE = 1
const ABSENT = -1
// The module's memory is 32-bit; stay well inside it.
const MAX_REGION_BYTES = 1 << 30

function align (n: number, to: number): number {
  return Math.ceil(n / to) * to
}

/** One instance of the WASM solver. Not reentrant; cheap to keep for the life of a peer. */
export class MvccWasmSolver {
  readonly #fns: MvccExports
  readonly #memory: WebAssembly.Memory
  readonly #base: number

  /** Throws `MVCC_WASM_FAILED` where WebAssembly is unavailable or the module does not load. */
  constructor () {
    // The layout is written through host-endian typed arrays; WASM memory is little-endian.
    if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) {
      throw new MvccError('MVCC_WASM_FAILED', 'mvcc-wasm: big-endian hosts are not supported')
    }
    try {
      const instance = instantiateSync(wasmBase64, {
        env: { abort: () => { throw new MvccError('MVCC_WASM_FAILED', 'mvcc-wasm: module aborted') } }
      })
      this.#fns = {
        regionBase: exportedFunction(instance, 'regionBase'),
        ensure: exportedFunction(instance, 'ensure'),
        validate: exportedFunction(instance, 'validate')
      }
      this.#memory = exportedMemory(instance)
      this.#base = this.#fns.regionBase()
    } catch (cause) {
      throw new MvccError('MVCC_WASM_FAILED', `mvcc-wasm: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    }
  }

  /**
   * Solves the problem; same contract and result as `solveBlockMvccReference`. The boundary
   * check is done inline while the problem is laid out (one pass over it instead of two); on
   * the first bad value `checkProblem` runs to throw its precise `MVCC_BAD_INPUT`.
   */
  solve (problem: BlockMvccProblem): Uint8Array {
    const fail = (): never => {
      checkProblem(problem)
      throw new MvccError('MVCC_BAD_INPUT', 'problem: invalid')
    }
    if (typeof problem !== 'object' || problem === null) fail()
    const { txs, keyCount, committed, blockNum } = problem
    if (!validHeight({ blockNum, txNum: 0 }) || !Number.isInteger(keyCount) || keyCount < 0 || keyCount > 0x3fffffff ||
      !Array.isArray(committed) || committed.length !== keyCount || !Array.isArray(txs)) fail()
    // Pass 1: sizes.
    let slots = keyCount
    let words = 0
    for (const tx of txs) {
      if (typeof tx !== 'object' || tx === null || !Array.isArray(tx.checks) || !Array.isArray(tx.writes)) fail()
      words += 3 + 2 * tx.writes.length
      for (const check of tx.checks) {
        if (typeof check !== 'object' || check === null) fail()
        if (check.kind === 'read') {
          words += 3
          slots++
        } else if (check.kind === 'range' && Array.isArray(check.results)) {
          if (check.merkle !== undefined && tx.preCode === 0) {
            throw new MvccError('MVCC_WASM_FAILED', 'mvcc-wasm: Merkle-summarised range queries need the reference solver')
          }
          words += 4 + 2 * check.results.length
          slots += check.results.length
        } else {
          fail()
        }
      }
    }
    const versionsAt = this.#base
    const programAt = versionsAt + align(slots * 16, 16)
    const batchAt = programAt + align(words * 4, 16)
    const codesAt = batchAt + align(keyCount * 4, 16)
    const bytes = codesAt + txs.length - this.#base
    if (bytes > MAX_REGION_BYTES || this.#fns.ensure(bytes) !== 1) {
      throw new MvccError('MVCC_WASM_FAILED', `mvcc-wasm: cannot grow memory to ${bytes} bytes`)
    }
    // Pass 2: check and write. Views are made after ensure() since growing detaches the old buffer.
    const buffer = this.#memory.buffer
    const versions = new Float64Array(buffer, versionsAt, slots * 2)
    const program = new Int32Array(buffer, programAt, words)
    const putVersion = (slot: number, v: Height | undefined): void => {
      if (v === undefined) {
        versions[2 * slot] = ABSENT
        versions[2 * slot + 1] = ABSENT
      } else {
        if (!validHeight(v)) fail()
        versions[2 * slot] = v.blockNum
        versions[2 * slot + 1] = v.txNum
      }
    }
    const keyId = (id: number): number => {
      if (!Number.isInteger(id) || id < 0 || id >= keyCount) fail()
      return id
    }
    for (let k = 0; k < keyCount; k++) putVersion(k, committed[k])
    let slot = keyCount
    let pc = 0
    for (const tx of txs) {
      const preCode = tx.preCode
      if (!Number.isInteger(preCode) || preCode < 0 || preCode > 255) fail()
      program[pc++] = preCode
      program[pc++] = tx.checks.length
      program[pc++] = tx.writes.length
      for (const check of tx.checks) {
        if (check.kind === 'read') {
          program[pc++] = CHECK_READ
          program[pc++] = keyId(check.keyId)
          program[pc++] = slot
          putVersion(slot++, check.version)
        } else {
          const { lo, hi } = check
          if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || lo > hi || hi > keyCount) fail()
          program[pc++] = CHECK_RANGE
          program[pc++] = lo
          program[pc++] = hi
          program[pc++] = check.results.length
          for (const r of check.results) {
            if (typeof r !== 'object' || r === null) fail()
            program[pc++] = keyId(r.keyId)
            program[pc++] = slot
            putVersion(slot++, r.version)
          }
        }
      }
      for (const w of tx.writes) {
        if (typeof w !== 'object' || w === null) fail()
        program[pc++] = keyId(w.keyId)
        const kind = w.kind
        if (kind !== WriteKind.PUT && kind !== WriteKind.DELETE && kind !== WriteKind.METADATA) fail()
        program[pc++] = kind
      }
    }
    const consumed = this.#fns.validate(blockNum, txs.length, keyCount, versionsAt, programAt, batchAt, codesAt)
    if (consumed !== words) {
      throw new MvccError('MVCC_WASM_FAILED', `mvcc-wasm: consumed ${consumed} of ${words} program words`)
    }
    return new Uint8Array(this.#memory.buffer, codesAt, txs.length).slice()
  }
}
