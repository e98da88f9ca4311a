/**
 * The WASM solver (asm/mvcc/index.ts): lays the problem out flat in the module's memory and
 * validates the whole block in one call. The layout is documented in asm/mvcc/index.ts; this
 * file is its only writer.
 * @module
 */
import { wasmBase64 } from '../../wasm/generated/mvcc.js'
import { exportedFunction, exportedMemory, instantiateSync } from '../../wasm/load.js'
import { MvccError } from './errors.js'
import { checkProblem } from './problem.js'
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

  /** Solves the problem; same contract and result as `solveBlockMvccReference`. */
  solve (problem: BlockMvccProblem, options: { checked?: boolean } = {}): Uint8Array {
    if (options.checked !== true) checkProblem(problem)
    const { txs, keyCount, committed, blockNum } = problem
    // Pass 1: sizes.
    let slots = keyCount
    let words = 0
    for (const tx of txs) {
      words += 3 + 2 * tx.writes.length
      for (const check of tx.checks) {
        if (check.kind === 'read') {
          words += 3
          slots++
        } else {
          if (check.merkle !== undefined && tx.preCode === 0) {
            throw new MvccError('MVCC_WASM_FAILED', 'mvcc-wasm: Merkle-summarised range queries need the reference solver')
          }
          words += 4 + 2 * check.results.length
          slots += check.results.length
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
    // Pass 2: write. Views are made after ensure() since growing detaches the old buffer.
    const buffer = this.#memory.buffer
    const versions = new Float64Array(buffer, versionsAt, slots * 2)
    const program = new Int32Array(buffer, programAt, words)
    for (let k = 0; k < keyCount; k++) {
      const v = committed[k]
      versions[2 * k] = v === undefined ? ABSENT : v.blockNum
      versions[2 * k + 1] = v === undefined ? ABSENT : v.txNum
    }
    let slot = keyCount
    let pc = 0
    for (const tx of txs) {
      program[pc++] = tx.preCode
      program[pc++] = tx.checks.length
      program[pc++] = tx.writes.length
      for (const check of tx.checks) {
        if (check.kind === 'read') {
          program[pc++] = CHECK_READ
          program[pc++] = check.keyId
          program[pc++] = slot
          const v = check.version
          versions[2 * slot] = v === undefined ? ABSENT : v.blockNum
          versions[2 * slot + 1] = v === undefined ? ABSENT : v.txNum
          slot++
        } else {
          program[pc++] = CHECK_RANGE
          program[pc++] = check.lo
          program[pc++] = check.hi
          program[pc++] = check.results.length
          for (const r of check.results) {
            program[pc++] = r.keyId
            program[pc++] = slot
            const v = r.version
            versions[2 * slot] = v === undefined ? ABSENT : v.blockNum
            versions[2 * slot + 1] = v === undefined ? ABSENT : v.txNum
            slot++
          }
        }
      }
      for (const w of tx.writes) {
        program[pc++] = w.keyId
        program[pc++] = w.kind
      }
    }
    const consumed = this.#fns.validate(blockNum, txs.length, keyCount, versionsAt, programAt, batchAt, codesAt)
    if (consumed !== words) {
      throw new MvccError('MVCC_WASM_FAILED', `mvcc-wasm: consumed ${consumed} of ${words} program words`)
    }
    return new Uint8Array(this.#memory.buffer, codesAt, txs.length).slice()
  }
}
