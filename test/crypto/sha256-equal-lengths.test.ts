// The SIMD build hashes groups of five (or four) equal-length messages in lockstep
// (asm/sha256/index.simd.ts hashGroup5, hashGroup) and hands whatever follows the first unequal
// group to its lane scheduler. These cases
// aim at that seam: every padding shape, group counts with and without leftovers, a length change
// between batches (the cached padding schedule) and uniform runs followed by mixed lengths.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSha256Engine } from '../../src/crypto/sha256.js'
import { SHA256_BACKENDS } from './sha256-backends.js'
import { bytesToHex } from './sha256-vectors.js'

const nodeHex = (m: Uint8Array): string => createHash('sha256').update(m).digest('hex')

/** `count` different messages of `length(i)` bytes. */
function batchOf (count: number, length: (i: number) => number, seed = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new Uint8Array(length(i)).map((_, j) => (i * 131 + j * 31 + seed) & 0xff))
}

const PADDING_EDGES = [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096]

describe.each(SHA256_BACKENDS)('SHA-256 batches of equal lengths, backend %s', (backend) => {
  const engine = createSha256Engine(backend)
  const expectReferences = (messages: Uint8Array[], label: string): void => {
    expect(engine.digestBatch(messages).map(bytesToHex), label).toEqual(messages.map(nodeHex))
    const out = new Uint8Array(32 * messages.length)
    engine.digestBatchInto(messages, out)
    expect(Array.from({ length: messages.length }, (_, i) => bytesToHex(out.subarray(32 * i, 32 * i + 32))), label).toEqual(messages.map(nodeHex))
  }

  it('every padding shape, 2–13 messages (whole groups and leftovers)', () => {
    for (const length of PADDING_EDGES) {
      for (let count = 2; count <= 13; count++) expectReferences(batchOf(count, () => length, count), `${count} × ${length} bytes`)
    }
  })

  it('alternating lengths between batches (the shared padding block is recomputed)', () => {
    for (const length of [64, 128, 64, 0, 192, 64]) expectReferences(batchOf(8, () => length, length), `8 × ${length} bytes`)
  })

  it('a uniform run followed by mixed lengths, and a mixed group before a uniform run', () => {
    expectReferences(batchOf(23, (i) => (i < 12 ? 64 : (i * 37) % 300)), 'uniform then mixed')
    expectReferences(batchOf(23, (i) => (i < 12 ? 55 : 128 - (i % 3))), 'uniform 55 then mixed')
    expectReferences(batchOf(20, (i) => (i === 1 ? 63 : 64)), 'mixed first group then uniform')
    expectReferences(batchOf(9, (i) => (i === 4 ? 65 : 64)), 'four equal, a different fifth, then four equal')
  })

  it('random uniform prefixes then random tails equal node:crypto', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 40 }),
      fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 12 }), fc.integer({ min: 0, max: 255 }),
      (length, count, tail, seed) => {
        const lengths = [...Array.from({ length: count }, () => length), ...tail]
        if (lengths.length === 0) return
        const messages = batchOf(lengths.length, (i) => lengths[i] as number, seed)
        expect(engine.digestBatch(messages).map(bytesToHex)).toEqual(messages.map(nodeHex))
      }), { numRuns: 150 })
  })
})
