import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { solveBlockMvccReference } from '../../../src/validator/mvcc-wasm/reference.js'
import { MvccWasmSolver } from '../../../src/validator/mvcc-wasm/wasm-solver.js'
import { MvccCode } from '../../../src/validator/mvcc-wasm/problem.js'
import { problemArbitrary } from './arbitraries.js'

const solver = new MvccWasmSolver()
const runs = Math.round(3000 * Number(process.env.WEFT_FUZZ_SCALE ?? 1))

describe('mvcc-wasm: WASM solver against the TypeScript reference', () => {
  it('agrees code for code on generated blocks', () => {
    const seen = new Map<number, number>()
    fc.assert(fc.property(problemArbitrary, (problem) => {
      const expected = solveBlockMvccReference(problem)
      const actual = solver.solve(problem)
      expect([...actual]).toEqual([...expected])
      for (const code of expected) seen.set(code, (seen.get(code) ?? 0) + 1)
    }), { numRuns: runs })
    // The generator must exercise every outcome, or agreement proves little.
    for (const code of [MvccCode.VALID, MvccCode.MVCC_READ_CONFLICT, MvccCode.PHANTOM_READ_CONFLICT, 10]) {
      expect(seen.get(code) ?? 0).toBeGreaterThan(runs / 20)
    }
  })

  it('reuses one instance across blocks of growing size (memory grows, views follow)', () => {
    fc.assert(fc.property(fc.array(problemArbitrary, { minLength: 1, maxLength: 5 }), (problems) => {
      for (const p of problems) expect([...solver.solve(p)]).toEqual([...solveBlockMvccReference(p)])
    }), { numRuns: 50 })
    const big = { blockNum: 9, keyCount: 200_000, committed: new Array(200_000).fill(undefined), txs: [{ preCode: 0, checks: [{ kind: 'range' as const, lo: 0, hi: 200_000, results: [] }], writes: [] }] }
    expect([...solver.solve(big)]).toEqual([MvccCode.VALID])
  })
})
