// The block MVCC solver inside Chromium: the WASM module instantiates on the main thread and
// agrees with the TypeScript reference on generated blocks, as in Node (differential.test.ts).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultMvccEngine, validateBlockMvcc } from '../../../src/validator/mvcc-wasm/engine.js'
import { problemArbitrary } from './arbitraries.js'

describe('mvcc-wasm in Chromium', () => {
  it('uses the WASM engine and agrees with the reference code for code', () => {
    expect(defaultMvccEngine()).toBe('wasm')
    fc.assert(fc.property(problemArbitrary, (problem) => {
      const wasm = validateBlockMvcc(problem, { engine: 'wasm' })
      expect(wasm.engine).toBe('wasm')
      expect([...wasm.codes]).toEqual([...validateBlockMvcc(problem, { engine: 'reference' }).codes])
    }), { numRuns: 1000 })
  })
})
