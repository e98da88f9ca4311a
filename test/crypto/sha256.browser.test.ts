// SHA-256 in real Chromium: the SIMD build is chosen and instantiated synchronously on the page's
// main thread, and every backend agrees with WebCrypto (and the FIPS 180-4 examples) on random
// lengths, batches and incremental splits.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSha256Engine, sha256, sha256Backend } from '../../src/crypto/sha256.js'
import examples from '../vectors/nist-sha256/fips180-4-examples.json' with { type: 'json' }
import { SHA256_BACKENDS } from './sha256-backends.js'

function toHex (bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

async function webcrypto (message: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(message))))
}

describe('SHA-256 in Chromium', () => {
  it('chooses the SIMD build, compiled synchronously on the main thread', () => {
    expect(navigator.userAgent).toMatch(/Chrome\//)
    expect(toHex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256Backend()).toBe('wasm-simd')
  })
})

describe.each(SHA256_BACKENDS)('SHA-256 in Chromium, backend %s', (backend) => {
  const engine = createSha256Engine(backend)

  it('matches the FIPS 180-4 examples', () => {
    for (const v of examples.vectors) {
      expect(toHex(engine.digest(new TextEncoder().encode(v.ascii.repeat(v.repeat)))), v.name).toBe(v.digest)
    }
  })

  it('matches WebCrypto for every length 0–300 and on random batches up to 4 KiB per message', async () => {
    const data = new Uint8Array(301).map((_, i) => (i * 13 + 5) & 0xff)
    for (let length = 0; length <= 300; length++) {
      expect(toHex(engine.digest(data.subarray(0, length))), `length ${length}`).toBe(await webcrypto(data.subarray(0, length)))
    }
    await fc.assert(fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 4096, size: 'max' }), { minLength: 1, maxLength: 200, size: 'max' }),
      async (messages) => {
        const expected = await Promise.all(messages.map(webcrypto))
        expect(engine.digestBatch(messages).map(toHex)).toEqual(expected)
      }), { numRuns: 10 })
  })

  it('incremental hashing matches WebCrypto', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 3000, size: 'max' }), fc.nat({ max: 200 }), async (message, step) => {
      const hasher = engine.create()
      for (let offset = 0; offset < message.length; offset += step + 1) hasher.update(message.subarray(offset, offset + step + 1))
      expect(toHex(hasher.digest())).toBe(await webcrypto(message))
    }), { numRuns: 30 })
  })
})
