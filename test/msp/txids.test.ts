import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeTxId, computeTxIds } from '../../src/msp/index.js'
import { isWeftError } from '../../src/shared/errors.js'

const nonEmpty = fc.uint8Array({ minLength: 1, maxLength: 1200 })

describe('computeTxIds (one batched SHA-256 call for a block)', () => {
  it('gives computeTxId\'s answer for every header (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({ nonce: nonEmpty, creator: nonEmpty }), { maxLength: 40 }), (headers) => {
      expect(computeTxIds(headers)).toEqual(headers.map((h) => computeTxId(h.nonce, h.creator)))
    }), { numRuns: 150 })
  })

  it('checks its input as computeTxId does', () => {
    const ok = { nonce: new Uint8Array([1]), creator: new Uint8Array([2]) }
    expect(() => computeTxIds([ok, { nonce: new Uint8Array(0), creator: new Uint8Array([2]) }])).toThrow(expect.objectContaining({ code: 'MSP_MALFORMED' }))
    let error: unknown
    try { computeTxIds([ok, { nonce: new Uint8Array([1]), creator: new Uint8Array(0) }]) } catch (err) { error = err }
    expect(isWeftError(error, 'MSP_MALFORMED')).toBe(true)
    expect(computeTxIds([])).toEqual([])
  })
})
