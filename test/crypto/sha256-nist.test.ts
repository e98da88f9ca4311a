// NIST vectors (test/vectors/nist-sha256, sources cited there) through every backend and every
// entry point: one-shot, one batch, incremental in uneven pieces.
import { describe, expect, it } from 'vitest'
import { createSha256Engine } from '../../src/crypto/sha256.js'
import { SHA256_BACKENDS } from './sha256-backends.js'
import { bytesToHex, fipsExamples, messageVectors, monteVectors } from './sha256-vectors.js'

const shortVectors = messageVectors('SHA256ShortMsg.rsp')
const longVectors = messageVectors('SHA256LongMsg.rsp.gz')
const monte = monteVectors()
const examples = fipsExamples()

describe.each(SHA256_BACKENDS)('SHA-256 NIST vectors, backend %s', (backend) => {
  const engine = createSha256Engine(backend)

  it('reports its backend', () => {
    expect(engine.backend).toBe(backend)
  })

  it('the vector files are complete (65 short, 64 long, 100 Monte checkpoints)', () => {
    expect(shortVectors).toHaveLength(65)
    expect(longVectors).toHaveLength(64)
    expect(monte.checkpoints).toHaveLength(100)
  })

  it.each(examples.map((v) => [v.name, v] as const))('FIPS 180-4 example: %s', (_name, vector) => {
    expect(bytesToHex(engine.digest(vector.message))).toBe(vector.digest)
  })

  it('CAVP ShortMsg, one digest each', () => {
    for (const v of shortVectors) expect(bytesToHex(engine.digest(v.message)), `Len ${v.length * 8}`).toBe(v.digest)
  })

  it('CAVP LongMsg, one digest each', () => {
    for (const v of longVectors) expect(bytesToHex(engine.digest(v.message)), `Len ${v.length * 8}`).toBe(v.digest)
  })

  it('CAVP ShortMsg and LongMsg together as one batch', () => {
    const all = [...shortVectors, ...longVectors]
    const digests = engine.digestBatch(all.map((v) => v.message))
    expect(digests.map(bytesToHex)).toEqual(all.map((v) => v.digest))
  })

  it('CAVP LongMsg incrementally, in pieces of 1, 63, 64 and 65 bytes', () => {
    for (const v of longVectors) {
      const hasher = engine.create()
      const pieces = [1, 63, 64, 65]
      for (let offset = 0, k = 0; offset < v.length; k++) {
        const size = pieces[k % pieces.length] as number
        hasher.update(v.message.subarray(offset, offset + size))
        offset += size
      }
      expect(bytesToHex(hasher.digest()), `Len ${v.length * 8}`).toBe(v.digest)
    }
  })

  it('one million \'a\' incrementally in 1,000-byte pieces', () => {
    const million = examples.find((v) => v.message.length === 1_000_000)
    if (million === undefined) throw new Error('million-a vector missing')
    const hasher = engine.create()
    for (let offset = 0; offset < million.message.length; offset += 1000) hasher.update(million.message.subarray(offset, offset + 1000))
    expect(bytesToHex(hasher.digest())).toBe(million.digest)
  })

  it('CAVP Monte Carlo: 100 checkpoints of 1,000 chained digests', () => {
    let seed = monte.seed
    const message = new Uint8Array(96)
    for (const checkpoint of monte.checkpoints) {
      let md0 = seed; let md1 = seed; let md2 = seed
      for (let i = 3; i < 1003; i++) {
        message.set(md0, 0); message.set(md1, 32); message.set(md2, 64)
        md0 = md1; md1 = md2; md2 = engine.digest(message)
      }
      expect(bytesToHex(md2)).toBe(checkpoint)
      seed = md2
    }
  })
})
