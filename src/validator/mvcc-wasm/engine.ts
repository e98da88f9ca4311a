/**
 * `validateBlockMvcc`: the WASM solver where WebAssembly runs, the TypeScript reference
 * otherwise (and for the rare block with a Merkle-summarised range query, which needs hashing
 * with key strings). Both give the same codes; the differential tests hold them to it.
 * @module
 */
import { MvccError } from './errors.js'
import { isWeftError } from '../../shared/errors.js'
import { buildBlockMvccProblem } from './intern.js'
import type { CommittedVersionReader, MvccTxInput } from './intern.js'
import type { BlockMvccProblem } from './problem.js'
import { solveBlockMvccReference } from './reference.js'
import { MvccWasmSolver } from './wasm-solver.js'

export type MvccEngine = 'wasm' | 'reference'

export interface ValidateBlockMvccOptions {
  /** Force an engine; 'wasm' throws MVCC_WASM_FAILED where it cannot run. Default: the fastest available. */
  engine?: MvccEngine
}

export interface BlockMvccResult {
  /** One TxValidationCode per transaction (preCode passed through, else VALID / 11 / 12). */
  readonly codes: Uint8Array
  readonly engine: MvccEngine
}

// One solver per realm; undefined = not tried yet, null = WebAssembly unusable here.
let shared: MvccWasmSolver | null | undefined

function sharedSolver (): MvccWasmSolver | null {
  if (shared === undefined) {
    try {
      shared = new MvccWasmSolver()
    } catch {
      shared = null
    }
  }
  return shared
}

/** The engine `validateBlockMvcc` uses by default here. */
export function defaultMvccEngine (): MvccEngine {
  return sharedSolver() === null ? 'reference' : 'wasm'
}

/** Validates the whole block's reads and range queries in one call (Fabric's sequential semantics). */
export function validateBlockMvcc (problem: BlockMvccProblem, options: ValidateBlockMvccOptions = {}): BlockMvccResult {
  const wanted = options.engine
  if (wanted !== undefined && wanted !== 'wasm' && wanted !== 'reference') {
    throw new MvccError('MVCC_BAD_INPUT', `engine: must be 'wasm' or 'reference', got ${String(wanted)}`)
  }
  if (wanted !== 'reference') {
    const solver = sharedSolver()
    if (solver === null) {
      if (wanted === 'wasm') throw new MvccError('MVCC_WASM_FAILED', 'mvcc-wasm: WebAssembly is not available here')
    } else {
      try {
        // The WASM solver checks the problem while laying it out (MVCC_BAD_INPUT propagates).
        return { codes: solver.solve(problem), engine: 'wasm' }
      } catch (err) {
        // A Merkle-summarised range, or memory that cannot grow: the reference can still do it.
        if (wanted === 'wasm' || !isWeftError(err, 'MVCC_WASM_FAILED')) throw err
      }
    }
  }
  return { codes: solveBlockMvccReference(problem), engine: 'reference' }
}

/**
 * Builds the problem from the block's decoded rwsets and validates it: the one call the
 * validator needs after its signature/policy phase (`txs[t].preCode` = the code so far).
 */
export async function validateBlockRwsets (
  blockNum: number,
  txs: readonly MvccTxInput[],
  reader: CommittedVersionReader,
  options: ValidateBlockMvccOptions = {}
): Promise<BlockMvccResult> {
  const { problem } = await buildBlockMvccProblem(blockNum, txs, reader)
  return validateBlockMvcc(problem, options)
}
