// Differential property tests: every backend against @noble/hashes AND node:crypto (OpenSSL),
// for random lengths 0–4 KiB, batches of 1–1,000, and random incremental splits. Arbitraries
// use size: 'max', otherwise fast-check draws only short arrays whatever maxLength says.
import { createHash } from 'node:crypto'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSha256Engine } from '../../src/crypto/sha256.js'
import { SHA256_BACKENDS } from './sha256-backends.js'
import { bytesToHex } from './sha256-vectors.js'

const KIB4 = 4096

function references (message: Uint8Array): string {
  const noble = bytesToHex(nobleSha256(message))
  const node = createHash('sha256').update(message).digest('hex')
  // Both references must agree before either can judge us.
  expect(noble).toBe(node)
  return noble
}

/** Messages 0–4 KiB, biased towards the padding edges (55/56/63/64 bytes mod 64). */
const message = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: KIB4, size: 'max' }),
  fc.uint8Array({ minLength: 0, maxLength: 130, size: 'max' }),
  fc.tuple(fc.integer({ min: 0, max: 63 }), fc.constantFrom(55, 56, 63, 64, 0, 1)).chain(([blocks, rest]) =>
    fc.uint8Array({ minLength: blocks * 64 + rest, maxLength: blocks * 64 + rest }))
)

/** A batch carved from one random buffer so 1,000-message batches stay cheap to generate. */
const batch = fc.record({
  seed: fc.uint8Array({ minLength: KIB4, maxLength: KIB4 }),
  lengths: fc.array(fc.oneof(fc.integer({ min: 0, max: KIB4 }), fc.integer({ min: 0, max: 200 }), fc.constant(64)), { minLength: 1, maxLength: 1000, size: 'max' })
}).map(({ seed, lengths }) => lengths.map((length, i) => {
  const start = (i * 131) % (KIB4 - length + 1)
  const bytes = seed.slice(start, start + length)
  if (length > 0) bytes[0] = (bytes[0] as number) ^ (i & 0xff) // different messages, not one repeated
  return bytes
}))

describe.each(SHA256_BACKENDS)('SHA-256 differential, backend %s', (backend) => {
  const engine = createSha256Engine(backend)

  it('digest equals noble and node:crypto for every length 0–4 KiB', () => {
    const data = new Uint8Array(KIB4 + 1).map((_, i) => (i * 31 + 7) & 0xff)
    for (let length = 0; length <= KIB4; length++) {
      const m = data.subarray(0, length)
      expect(bytesToHex(engine.digest(m)), `length ${length}`).toBe(createHash('sha256').update(m).digest('hex'))
    }
  })

  it('digest equals the references on random messages', () => {
    fc.assert(fc.property(message, (m) => {
      expect(bytesToHex(engine.digest(m))).toBe(references(m))
    }), { numRuns: 300 })
  })

  it('digestBatch equals the references on random batches of 1–1,000', () => {
    fc.assert(fc.property(batch, (messages) => {
      const digests = engine.digestBatch(messages)
      expect(digests).toHaveLength(messages.length)
      expect(digests.map(bytesToHex)).toEqual(messages.map(references))
    }), { numRuns: 25 })
  })

  it('digestBatchInto writes the same digests at 32-byte strides', () => {
    fc.assert(fc.property(batch, (messages) => {
      const out = new Uint8Array(32 * messages.length + 5).fill(0xee)
      engine.digestBatchInto(messages, out)
      for (let i = 0; i < messages.length; i++) {
        expect(bytesToHex(out.subarray(32 * i, 32 * i + 32))).toBe(references(messages[i] as Uint8Array))
      }
      expect([...out.subarray(32 * messages.length)]).toEqual([0xee, 0xee, 0xee, 0xee, 0xee]) // nothing written past the end
    }), { numRuns: 10 })
  })

  it('incremental hashing over random splits equals one-shot', () => {
    fc.assert(fc.property(message, fc.array(fc.nat({ max: 300 }), { maxLength: 12, size: 'max' }), (m, cuts) => {
      const hasher = engine.create()
      let offset = 0
      for (const cut of cuts) {
        const end = Math.min(m.length, offset + cut)
        hasher.update(m.subarray(offset, end))
        offset = end
      }
      hasher.update(m.subarray(offset))
      expect(bytesToHex(hasher.digest())).toBe(references(m))
    }), { numRuns: 200 })
  })

  it('messages that are views into larger buffers hash only their own bytes', () => {
    const buffer = new Uint8Array(1000).map((_, i) => i & 0xff)
    const views = [buffer.subarray(3, 3), buffer.subarray(1, 65), buffer.subarray(100, 357), buffer.subarray(999)]
    expect(engine.digestBatch(views).map(bytesToHex)).toEqual(views.map(references))
  })

  it('batches larger than the WASM buffers are split correctly (20,000 messages; 512 KiB, 512 KiB + 1, 600 KiB and 1 MiB messages inside)', () => {
    const messages: Uint8Array[] = []
    for (let i = 0; i < 20_000; i++) messages.push(Uint8Array.of(i & 0xff, i >> 8, 7))
    messages.splice(5, 0, new Uint8Array(600 * 1024).fill(1))
    messages.splice(9000, 0, new Uint8Array(1024 * 1024).fill(2), new Uint8Array(300 * 1024).fill(3), new Uint8Array(300 * 1024).fill(4))
    // Exactly the WASM input capacity (512 KiB) and one byte more, alone and next to small ones.
    messages.splice(15000, 0, new Uint8Array(512 * 1024).fill(5), new Uint8Array(512 * 1024 + 1).fill(6), Uint8Array.of(7))
    const digests = engine.digestBatch(messages)
    expect(digests.map(bytesToHex)).toEqual(messages.map((m) => createHash('sha256').update(m).digest('hex')))
  })

  it('an empty batch gives no digests', () => {
    expect(engine.digestBatch([])).toEqual([])
    engine.digestBatchInto([], new Uint8Array(0))
  })

  it('digests are independent copies (mutating one changes nothing else)', () => {
    const [a, b] = engine.digestBatch([Uint8Array.of(1), Uint8Array.of(2)]) as [Uint8Array, Uint8Array]
    const bBefore = bytesToHex(b)
    a.fill(0)
    expect(bytesToHex(b)).toBe(bBefore)
    expect(bytesToHex(engine.digest(Uint8Array.of(1)))).toBe(references(Uint8Array.of(1)))
  })
})

describe('SIMD lane scheduling', () => {
  const engine = createSha256Engine('wasm-simd')

  it('mixed block counts in every lane position, for batch sizes 2–9', () => {
    // Lengths chosen so lanes finish at different steps: 0, 1, 2, 3, 9 and 17 blocks after padding.
    const lengths = [0, 55, 56, 119, 120, 500, 1000, 64, 63]
    for (let size = 2; size <= 9; size++) {
      for (let rotation = 0; rotation < lengths.length; rotation++) {
        const messages = Array.from({ length: size }, (_, i) =>
          new Uint8Array(lengths[(i + rotation) % lengths.length] as number).fill(i + 1))
        expect(engine.digestBatch(messages).map(bytesToHex), `size ${size} rotation ${rotation}`).toEqual(messages.map(references))
      }
    }
  })
})
