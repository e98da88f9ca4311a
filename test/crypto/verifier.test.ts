import { p256 } from '@noble/curves/nist.js'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { CURVE_ORDER, decodeSignature, encodeDer, encodeP1363 } from '../../src/crypto/ecdsa.js'
import type { Verifier, VerifyRequest } from '../../src/crypto/verifier.js'
import { defaultVerifier } from '../../src/crypto/verifier-default.js'
import { NobleVerifier } from '../../src/crypto/verifier-noble.js'
import { WebCryptoVerifier } from '../../src/crypto/verifier-webcrypto.js'
import { LruCache } from '../../src/crypto/lru.js'

const keys = Array.from({ length: 4 }, () => p256.utils.randomSecretKey())
const publicKeys = keys.map((k) => p256.getPublicKey(k, false))

const verifiers: Array<[string, () => Verifier]> = [
  ['webcrypto', () => new WebCryptoVerifier()],
  ['webcrypto with 3 in flight', () => new WebCryptoVerifier({ maxInFlight: 3 })],
  ['noble (default window 8)', () => new NobleVerifier()],
  ['noble without tables', () => new NobleVerifier({ precomputeWindow: 0 })]
]

describe.each(verifiers)('%s verifier vs @noble/curves', (_name, make) => {
  const verifier = make()

  it('agrees with p256.verify on genuine, tampered and high-S signatures', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: keys.length - 1 }), fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.boolean(), fc.boolean(),
      async (k, message, flipAt, compressed, p1363) => {
        const secret = keys[k] as Uint8Array
        const publicKey = p256.getPublicKey(secret, compressed)
        const sig = decodeSignature(p256.sign(message, secret, { format: 'der' })) as { r: bigint, s: bigint }
        const encode = p1363 ? encodeP1363 : encodeDer
        const format = p1363 ? 'p1363' as const : 'der' as const
        const good: VerifyRequest = { publicKey, message, signature: encode(sig), format }
        expect(await verifier.verify(good)).toBe(true)

        const tamperedMessage = Uint8Array.of(...message, 0)
        if (message.length > 0) tamperedMessage[flipAt % message.length] = ((tamperedMessage[flipAt % message.length] as number) ^ 0x80)
        const tampered = { ...good, message: tamperedMessage }
        expect(await verifier.verify(tampered)).toBe(p256.verify(encode(sig), tamperedMessage, publicKey, { format: p1363 ? 'compact' : 'der', lowS: false }))

        // The same signature with s → n − s is mathematically valid but high-S: Fabric rejects it.
        const high = { ...good, signature: encode({ r: sig.r, s: CURVE_ORDER - sig.s }) }
        expect(await verifier.verify(high)).toBe(false)
        expect(await make().verify(high)).toBe(false)
        expect(await new (verifier.constructor as new (o: { lowS: boolean }) => Verifier)({ lowS: false }).verify(high)).toBe(true)
      }), { numRuns: 40 })
  })

  it('verifyBatch returns verdicts in request order', async () => {
    const requests: VerifyRequest[] = []
    const expected: boolean[] = []
    for (let i = 0; i < 60; i++) {
      const message = Uint8Array.of(i, i >> 8)
      const k = i % keys.length
      const signature = p256.sign(message, keys[k] as Uint8Array, { format: 'der' })
      const ok = i % 3 !== 0
      requests.push({ publicKey: publicKeys[k] as Uint8Array, message: ok ? message : Uint8Array.of(255, i), signature })
      expected.push(ok)
    }
    expect(await verifier.verifyBatch(requests)).toEqual(expected)
  })

  it('returns false, never throws, for junk input', async () => {
    const message = Uint8Array.of(1)
    const signature = p256.sign(message, keys[0] as Uint8Array, { format: 'der' })
    const offCurve = Uint8Array.from(publicKeys[0] as Uint8Array)
    offCurve[64] = (offCurve[64] as number) ^ 1 // 0x04‖X‖Y with Y no longer on the curve
    const junk: unknown[] = [
      { publicKey: offCurve, message, signature },
      { publicKey: new Uint8Array(65), message, signature },
      { publicKey: Uint8Array.of(4), message, signature },
      { publicKey: publicKeys[0], message, signature: new Uint8Array(0) },
      { publicKey: publicKeys[0], message, signature, format: 'p1363' },
      { publicKey: publicKeys[0], message: 'text', signature },
      { publicKey: 'key', message, signature },
      { publicKey: publicKeys[0], message, signature: null }
    ]
    for (const request of junk) expect(await verifier.verify(request as VerifyRequest)).toBe(false)
  })
})

describe('defaultVerifier', () => {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
  afterEach(() => { if (original !== undefined) Object.defineProperty(globalThis, 'crypto', original) })

  it('picks WASM wherever WebAssembly runs, with or without crypto.subtle', async () => {
    expect(defaultVerifier().name).toBe('wasm')
    expect(defaultVerifier()).toBe(defaultVerifier()) // one shared instance keeps the key tables warm
    expect(defaultVerifier({ lowS: false })).not.toBe(defaultVerifier())
    Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) }, configurable: true })
    expect(defaultVerifier().name).toBe('wasm')
  })

  it('falls back to WebCrypto, then noble, when asked (or when WASM is missing)', async () => {
    expect(defaultVerifier({ backend: 'webcrypto' }).name).toBe('webcrypto')
    Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) }, configurable: true })
    const fallback = defaultVerifier({ backend: 'webcrypto' })
    expect(fallback.name).toBe('noble')
    const message = Uint8Array.of(9)
    const signature = p256.sign(message, keys[1] as Uint8Array, { format: 'der' })
    expect(await fallback.verify({ publicKey: publicKeys[1] as Uint8Array, message, signature })).toBe(true)
  })
})

describe('LruCache (the verifiers\' bounded key caches)', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new LruCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1) // a is now the most recent
    cache.set('c', 3)
    expect(cache.has('b')).toBe(false)
    expect(cache.get('a')).toBe(1)
    expect(cache.get('c')).toBe(3)
    expect(cache.size).toBe(2)
    expect(() => new LruCache(0)).toThrow(RangeError)
  })

  it('verifiers stay correct when keys are evicted and re-imported', async () => {
    for (const verifier of [new WebCryptoVerifier({ keyCacheSize: 1 }), new NobleVerifier({ keyCacheSize: 1, precomputeAfterUses: 1, precomputeWindow: 4 })]) {
      for (let i = 0; i < 12; i++) {
        const k = i % 3
        const message = Uint8Array.of(i)
        const signature = p256.sign(message, keys[k] as Uint8Array, { format: 'der' })
        expect(await verifier.verify({ publicKey: publicKeys[k] as Uint8Array, message, signature })).toBe(true)
        expect(await verifier.verify({ publicKey: publicKeys[(k + 1) % 3] as Uint8Array, message, signature })).toBe(false)
      }
    }
  })
})
