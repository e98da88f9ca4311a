import { p256 } from '@noble/curves/nist.js'
import { beforeAll, describe, expect, it } from 'vitest'
import type { SignatureFormat, Verifier, VerifyRequest } from '../../src/crypto/verifier.js'
import { NobleVerifier } from '../../src/crypto/verifier-noble.js'
import { WebCryptoVerifier } from '../../src/crypto/verifier-webcrypto.js'
import { hex, type WycheproofFile, type WycheproofName } from './wycheproof.js'

interface Case { id: string, request: VerifyRequest, valid: boolean, highS: boolean }

const HALF_N = p256.Point.Fn.ORDER >> 1n

function cases (name: WycheproofName, data: WycheproofFile, format: SignatureFormat): Case[] {
  const out: Case[] = []
  for (const group of data.testGroups) {
    for (const t of group.tests) {
      // The files hold no 'acceptable' vectors today; if a future copy does, this suite must
      // decide what Weft does with them, so fail loudly.
      expect(t.result).not.toBe('acceptable')
      const valid = t.result === 'valid'
      // The reference library (noble) tells us which valid vectors carry a high S.
      const highS = valid && p256.Signature.fromBytes(hex(t.sig), format === 'der' ? 'der' : 'compact').s > HALF_N
      out.push({
        id: `${name}#${t.tcId} ${t.comment}`,
        request: { publicKey: hex(group.publicKey.uncompressed), message: hex(t.msg), signature: hex(t.sig), format },
        valid,
        highS
      })
    }
  }
  expect(out.length).toBe(data.numberOfTests)
  return out
}

const backends: Array<[string, (lowS: boolean) => Verifier]> = [
  ['webcrypto', (lowS) => new WebCryptoVerifier({ lowS })],
  // Window 4 keeps the 111 per-key tables cheap; the default window is covered in verifier.test.ts.
  ['noble', (lowS) => new NobleVerifier({ lowS, precomputeWindow: 4 })],
  ['noble without tables', (lowS) => new NobleVerifier({ lowS, precomputeWindow: 0 })]
]

/** Every Wycheproof ECDSA P-256/SHA-256 vector (DER and P1363 files) through every verifier. */
export function wycheproofSuite (load: (name: WycheproofName) => Promise<WycheproofFile>): void {
  const vectors: Record<'DER' | 'P1363', Case[]> = { DER: [], P1363: [] }
  beforeAll(async () => {
    vectors.DER = cases('ecdsa_secp256r1_sha256_test', await load('ecdsa_secp256r1_sha256_test'), 'der')
    vectors.P1363 = cases('ecdsa_secp256r1_sha256_p1363_test', await load('ecdsa_secp256r1_sha256_p1363_test'), 'p1363')
  })

  describe.each(backends)('Wycheproof ECDSA P-256/SHA-256 through the %s verifier', (_name, make) => {
    for (const label of ['DER', 'P1363'] as const) {
      it(`${label}: every vector gives Wycheproof's verdict with lowS: false`, async () => {
        const verifier = make(false)
        const all = vectors[label]
        const verdicts = await verifier.verifyBatch(all.map((c) => c.request))
        const wrong = all.filter((c, i) => verdicts[i] !== c.valid).map((c) => c.id)
        expect(wrong).toEqual([])
        // One at a time gives the same verdicts as the batch.
        for (const [i, c] of all.entries()) expect(await verifier.verify(c.request), c.id).toBe(verdicts[i])
      })

      it(`${label}: with the default lowS: true exactly the high-S valid vectors flip to false`, async () => {
        const verifier = make(true)
        const all = vectors[label]
        const verdicts = await verifier.verifyBatch(all.map((c) => c.request))
        const flipped = all.filter((c, i) => c.valid && verdicts[i] === false)
        const accepted = all.filter((c, i) => !c.valid && verdicts[i] === true)
        expect(accepted.map((c) => c.id)).toEqual([])
        expect(flipped.map((c) => c.id)).toEqual(all.filter((c) => c.highS).map((c) => c.id))
        expect(flipped.length).toBeGreaterThan(10)
      })
    }
  })
}
