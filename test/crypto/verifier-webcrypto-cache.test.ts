// The two promises the WebCrypto verifier makes beyond correctness (issue 3, "Crypto"): each
// public key is imported once and its CryptoKey reused, and verifyBatch keeps many
// verifications in flight at once. Both are observed on a SubtleCrypto that counts calls.
import { p256 } from '@noble/curves/nist.js'
import { afterEach, describe, expect, it } from 'vitest'
import type { VerifyRequest } from '../../src/crypto/verifier.js'
import { WebCryptoVerifier } from '../../src/crypto/verifier-webcrypto.js'

interface SubtleProbe {
  imports: number
  verifies: number
  inFlight: number
  maxInFlight: number
}

const realCrypto = Object.getOwnPropertyDescriptor(globalThis, 'crypto')

/** Replaces globalThis.crypto with one whose subtle counts importKey calls and concurrent verifies. */
function installCountingSubtle (): SubtleProbe {
  const real = globalThis.crypto.subtle
  const probe: SubtleProbe = { imports: 0, verifies: 0, inFlight: 0, maxInFlight: 0 }
  const subtle = {
    importKey: (...args: Parameters<SubtleCrypto['importKey']>): Promise<CryptoKey> => {
      probe.imports++
      return real.importKey(...args)
    },
    verify: async (...args: Parameters<SubtleCrypto['verify']>): Promise<boolean> => {
      probe.verifies++
      probe.inFlight++
      probe.maxInFlight = Math.max(probe.maxInFlight, probe.inFlight)
      try {
        return await real.verify(...args)
      } finally {
        probe.inFlight--
      }
    }
  }
  const crypto = { subtle, getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) }
  Object.defineProperty(globalThis, 'crypto', { value: crypto, configurable: true })
  return probe
}

function signedRequests (secrets: readonly Uint8Array[], perKey: number): VerifyRequest[] {
  const requests: VerifyRequest[] = []
  for (let i = 0; i < perKey; i++) {
    for (const secret of secrets) {
      const message = Uint8Array.of(i, secret[0] as number)
      requests.push({ publicKey: p256.getPublicKey(secret, false), message, signature: p256.sign(message, secret, { format: 'der' }) })
    }
  }
  return requests
}

describe('WebCryptoVerifier key cache and concurrency', () => {
  afterEach(() => { if (realCrypto !== undefined) Object.defineProperty(globalThis, 'crypto', realCrypto) })

  const secrets = [p256.utils.randomSecretKey(), p256.utils.randomSecretKey(), p256.utils.randomSecretKey()]

  it('imports each public key once across a batch and later calls (concurrent first uses share the import)', async () => {
    const probe = installCountingSubtle()
    const verifier = new WebCryptoVerifier()
    const requests = signedRequests(secrets, 40)
    expect(await verifier.verifyBatch(requests)).toEqual(requests.map(() => true))
    expect(probe.imports).toBe(secrets.length)
    expect(probe.verifies).toBe(requests.length)
    for (const request of requests.slice(0, 6)) expect(await verifier.verify(request)).toBe(true)
    expect(probe.imports).toBe(secrets.length)
  })

  it('re-imports only after a key was evicted from the bounded cache', async () => {
    const probe = installCountingSubtle()
    const verifier = new WebCryptoVerifier({ keyCacheSize: 2 })
    const [a, b, c] = signedRequests(secrets, 1) as [VerifyRequest, VerifyRequest, VerifyRequest]
    for (const request of [a, b, a, b]) expect(await verifier.verify(request)).toBe(true)
    expect(probe.imports).toBe(2)
    expect(await verifier.verify(c)).toBe(true) // evicts a, the least recently used
    expect(await verifier.verify(b)).toBe(true)
    expect(probe.imports).toBe(3)
    expect(await verifier.verify(a)).toBe(true)
    expect(probe.imports).toBe(4)
  })

  it('keeps up to maxInFlight verifications in flight during verifyBatch, never more', async () => {
    const probe = installCountingSubtle()
    const requests = signedRequests(secrets, 30)
    expect(await new WebCryptoVerifier({ maxInFlight: 16 }).verifyBatch(requests)).toEqual(requests.map(() => true))
    expect(probe.maxInFlight).toBeGreaterThan(1)
    expect(probe.maxInFlight).toBeLessThanOrEqual(16)

    const serial = installCountingSubtle()
    expect(await new WebCryptoVerifier({ maxInFlight: 1 }).verifyBatch(requests.slice(0, 10))).toEqual(new Array(10).fill(true))
    expect(serial.maxInFlight).toBe(1)
  })
})
