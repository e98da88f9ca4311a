/**
 * MVCC and phantom-read validation of a whole block in one call, in AssemblyScript WASM with a
 * TypeScript reference (Fabric's core/ledger/kvledger/txmgmt/validation). Design, layout and
 * deviations: docs/mvcc-wasm.md.
 *
 * @example
 * // txs[t] = { preCode: code after signatures/policies (0 = VALID), rwsets: [{ namespace, kv }] }
 * const { codes } = await validateBlockRwsets(blockNum, txs, committedVersionReader(state))
 * // or in two steps: buildBlockMvccProblem(...) then validateBlockMvcc(problem)
 *
 * @module
 */
export { MvccError } from './errors.js'
export type { MvccErrorCode } from './errors.js'
export { MvccCode, WriteKind, checkProblem, validHeight } from './problem.js'
export type { BlockMvccProblem, MerkleRangeVerifier, MvccCheck, MvccTx, MvccWrite, PointRead, RangeRead, RangeResult } from './problem.js'
export { solveBlockMvccReference } from './reference.js'
export { MvccWasmSolver } from './wasm-solver.js'
export { defaultMvccEngine, validateBlockMvcc, validateBlockRwsets } from './engine.js'
export type { BlockMvccResult, MvccEngine, ValidateBlockMvccOptions } from './engine.js'
export { buildBlockMvccProblem } from './intern.js'
export type { BuiltProblem, CommittedKeyVersion, CommittedVersionReader, MvccTxInput, NsKey } from './intern.js'
export { RangeResultsHasher, merkleRangeUnchanged } from './merkle.js'
export { committedVersionReader } from './state-reader.js'
