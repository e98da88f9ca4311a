import { p256 } from '@noble/curves/nist.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CURVE_ORDER, HALF_ORDER, decodePublicKey, decodeSignature, derToP1363, encodeDer, p1363ToDer,
  publicKeyFromSpki, spkiFromPublicKey, toLowS
} from '../../src/crypto/ecdsa.js'
import { isWeftError } from '../../src/shared/errors.js'
import { NobleSigner } from '../../src/crypto/signer-noble.js'
import { WebCryptoSigner } from '../../src/crypto/signer-webcrypto.js'

const scalar = fc.bigInt({ min: 1n, max: CURVE_ORDER - 1n })

describe('signature encodings', () => {
  it('DER ↔ P1363 round-trips any in-range (r, s) and matches noble', () => {
    fc.assert(fc.property(scalar, scalar, (r, s) => {
      const der = encodeDer({ r, s })
      expect(der).toEqual(new p256.Signature(r, s).toBytes('der'))
      const p1363 = derToP1363(der)
      expect(p1363).toEqual(new p256.Signature(r, s).toBytes('compact'))
      expect(p1363ToDer(p1363 as Uint8Array)).toEqual(der)
      expect(decodeSignature(der)).toEqual({ r, s })
    }))
  })

  it('rejects trailing bytes, truncation, zero and out-of-range scalars', () => {
    const der = encodeDer({ r: 5n, s: 7n })
    expect(decodeSignature(Uint8Array.of(...der, 0))).toBeNull()
    expect(decodeSignature(der.subarray(0, der.length - 1))).toBeNull()
    expect(decodeSignature(new Uint8Array(64), 'p1363')).toBeNull()
    expect(decodeSignature(new Uint8Array(63).fill(1), 'p1363')).toBeNull()
    const nAsBytes = Uint8Array.from(Buffer.from(CURVE_ORDER.toString(16).padStart(64, '0'), 'hex'))
    expect(decodeSignature(Uint8Array.of(...nAsBytes, ...nAsBytes), 'p1363')).toBeNull()
    expect(decodeSignature(new Uint8Array(0))).toBeNull()
  })

  it('toLowS maps s to n − s only when s > n/2', () => {
    fc.assert(fc.property(scalar, scalar, (r, s) => {
      const low = toLowS({ r, s })
      expect(low.s <= HALF_ORDER).toBe(true)
      expect(low.s).toBe(s <= HALF_ORDER ? s : CURVE_ORDER - s)
    }))
  })
})

describe('public keys', () => {
  it('decodes compressed and uncompressed keys to the same point; SPKI round-trips', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
      fc.pre(p256.utils.isValidSecretKey(seed))
      const full = p256.getPublicKey(seed, false)
      const short = p256.getPublicKey(seed, true)
      expect(decodePublicKey(short)?.equals(decodePublicKey(full) as NonNullable<ReturnType<typeof decodePublicKey>>)).toBe(true)
      expect(publicKeyFromSpki(spkiFromPublicKey(short))).toEqual(full)
    }), { numRuns: 30 })
  })

  it('rejects points off the curve, the identity and wrong lengths', () => {
    const key = p256.getPublicKey(p256.utils.randomSecretKey(), false)
    const offCurve = Uint8Array.from(key)
    offCurve[64] = (offCurve[64] as number) ^ 1
    expect(decodePublicKey(offCurve)).toBeNull()
    expect(decodePublicKey(Uint8Array.of(0))).toBeNull()
    expect(decodePublicKey(key.subarray(1))).toBeNull()
    expect(publicKeyFromSpki(new Uint8Array(91))).toBeNull()
  })
})

describe('signers', () => {
  it('NobleSigner produces low-S DER that noble verifies', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (message) => {
      const signer = NobleSigner.generate()
      const der = await signer.sign(message)
      const sig = decodeSignature(der)
      expect(sig).not.toBeNull()
      expect((sig as { s: bigint }).s <= HALF_ORDER).toBe(true)
      expect(p256.verify(der, message, signer.publicKey, { format: 'der' })).toBe(true)
    }), { numRuns: 25 })
  })

  // WebCrypto returns a high S about half the time, so 40 signatures exercise the normalisation.
  it('WebCryptoSigner produces low-S DER that noble verifies, with a non-extractable key', async () => {
    const signer = await WebCryptoSigner.generate()
    expect(signer.privateKey.extractable).toBe(false)
    expect(signer.publicKey.length).toBe(65)
    for (let i = 0; i < 40; i++) {
      const message = Uint8Array.of(i, 1, 2, 3)
      const der = await signer.sign(message)
      const sig = decodeSignature(der)
      expect(sig !== null && sig.s <= HALF_ORDER).toBe(true)
      expect(p256.verify(der, message, signer.publicKey, { format: 'der' })).toBe(true)
    }
  })

  it('rejects bad private keys with CRYPTO_BAD_KEY', () => {
    const cases = [new Uint8Array(32), new Uint8Array(31).fill(1), Uint8Array.from(Buffer.from(CURVE_ORDER.toString(16), 'hex'))]
    for (const bad of cases) {
      let caught: unknown
      try { new NobleSigner(bad) } catch (err) { caught = err }
      expect(isWeftError(caught, 'CRYPTO_BAD_KEY')).toBe(true)
    }
  })
})
