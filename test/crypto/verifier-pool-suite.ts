// The contract every PoolVerifier environment must meet (run in Node on worker_threads by
// verifier-pool.test.ts and in Chromium on Web Workers by verifier-pool.browser.test.ts):
// Wycheproof verdicts, and the same verdicts as a WasmVerifier on mixed good/bad batches.
import { p256 } from '@noble/curves/nist.js'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WasmVerifier } from '../../src/crypto/p256-wasm/wasm-verifier.js'
import type { PoolVerifier, PoolVerifierOptions } from '../../src/crypto/verifier-pool/pool-verifier.js'
import type { SignatureFormat, VerifyRequest } from '../../src/crypto/verifier.js'
import { signedRequests } from './verifier-pool-workload.js'
import { hex, type WycheproofFile, type WycheproofName } from './wycheproof.js'

interface Case { request: VerifyRequest, valid: boolean, highS: boolean }

const HALF_N = p256.Point.Fn.ORDER >> 1n

function cases (data: WycheproofFile, format: SignatureFormat): Case[] {
  const out = data.testGroups.flatMap((g) => g.tests.map((t) => {
    const valid = t.result === 'valid'
    const highS = valid && p256.Signature.fromBytes(hex(t.sig), format === 'der' ? 'der' : 'compact').s > HALF_N
    return { request: { publicKey: hex(g.publicKey.uncompressed), message: hex(t.msg), signature: hex(t.sig), format }, valid, highS }
  }))
  expect(out.length).toBe(data.numberOfTests)
  return out
}

/** Junk a caller might pass; every entry must verify false, never throw. */
function junk (good: VerifyRequest): unknown[] {
  return [
    null, undefined, 42, 'request', {},
    { ...good, format: 'base64' },
    { ...good, publicKey: good.publicKey.subarray(1) },
    { ...good, publicKey: new Uint8Array(65) },
    { ...good, signature: new Uint8Array(0) },
    { ...good, signature: Array.from(good.signature) },
    { publicKey: good.publicKey, message: good.message },
    { ...good, message: new Uint16Array(4) }
  ]
}

export function verifierPoolSuite (
  label: string,
  makePool: (options: PoolVerifierOptions) => PoolVerifier,
  load: (name: WycheproofName) => Promise<WycheproofFile>
): void {
  describe(`PoolVerifier (${label})`, () => {
    const vectors: Record<'der' | 'p1363', Case[]> = { der: [], p1363: [] }
    // minParallelBatch 1 and minGain 0: every batch goes through the workers, whatever its size.
    const pools: Record<'lowS' | 'highS', PoolVerifier | undefined> = { lowS: undefined, highS: undefined }
    const pool = (lowS: boolean): PoolVerifier => {
      const key = lowS ? 'lowS' : 'highS'
      return (pools[key] ??= makePool({ workers: 2, minParallelBatch: 1, minGain: 0, lowS }))
    }

    beforeAll(async () => {
      vectors.der = cases(await load('ecdsa_secp256r1_sha256_test'), 'der')
      vectors.p1363 = cases(await load('ecdsa_secp256r1_sha256_p1363_test'), 'p1363')
    })
    afterAll(() => {
      pools.lowS?.close()
      pools.highS?.close()
    })

    for (const format of ['der', 'p1363'] as const) {
      it(`Wycheproof ${format}: every vector gives the expected verdict through the workers (lowS: false)`, async () => {
        const all = vectors[format]
        const verifier = pool(false)
        const verdicts = await verifier.verifyBatch(all.map((c) => c.request))
        expect(all.filter((c, i) => verdicts[i] !== c.valid).length).toBe(0)
        expect(verifier.liveWorkers).toBe(2)
        expect(verifier.workerFailures).toEqual([])
      })

      it(`Wycheproof ${format}: with lowS: true exactly the high-S valid vectors flip`, async () => {
        const all = vectors[format]
        const verdicts = await pool(true).verifyBatch(all.map((c) => c.request))
        const flipped = all.filter((c, i) => c.valid && !(verdicts[i] as boolean))
        expect(all.filter((c, i) => !c.valid && verdicts[i] === true).length).toBe(0)
        expect(flipped).toEqual(all.filter((c) => c.highS))
        expect(flipped.length).toBeGreaterThan(10)
      })
    }

    it('agrees with a WasmVerifier on batches mixing valid, tampered, high-S and junk requests', async () => {
      const base = signedRequests(96, 6, 64, 7)
      const reference = new WasmVerifier()
      const verifier = pool(true)
      await fc.assert(fc.asyncProperty(
        fc.array(fc.record({
          from: fc.nat({ max: base.length - 1 }),
          change: fc.constantFrom('none', 'message', 'signature', 'key', 'highS', 'junk', 'p1363'),
          at: fc.nat({ max: 63 }),
          junkIndex: fc.nat({ max: 11 })
        }), { minLength: 1, maxLength: 160 }),
        async (recipe) => {
          const requests = recipe.map(({ from, change, at, junkIndex }) => {
            const r = base[from] as VerifyRequest
            const sig = p256.Signature.fromBytes(r.signature, 'der')
            switch (change) {
              case 'message': return { ...r, message: r.message.map((b, i) => i === at ? b ^ 1 : b) }
              case 'signature': return { ...r, signature: r.signature.map((b, i) => i === at % r.signature.length ? b ^ 0x40 : b) }
              case 'key': return { ...r, publicKey: (base[(from + 1) % base.length] as VerifyRequest).publicKey }
              case 'highS': return { ...r, signature: new p256.Signature(sig.r, p256.Point.Fn.ORDER - sig.s).toBytes('der') }
              case 'p1363': return { ...r, signature: sig.toBytes('compact'), format: 'p1363' as const }
              case 'junk': return junk(r)[junkIndex] as VerifyRequest
              default: return r
            }
          })
          const expected = reference.verifyBatchSync(requests)
          expect(await verifier.verifyBatch(requests)).toEqual(expected)
        }
      ), { numRuns: 25 })
      expect(verifier.workerFailures).toEqual([])
    })

    it('leaves the caller\'s buffers intact (it copies into the transferred job buffer)', async () => {
      const requests = signedRequests(40, 3, 80, 3)
      const before = requests.map((r) => [r.publicKey.byteLength, r.message.byteLength, r.signature.byteLength])
      expect((await pool(true).verifyBatch(requests)).every(Boolean)).toBe(true)
      expect(requests.map((r) => [r.publicKey.byteLength, r.message.byteLength, r.signature.byteLength])).toEqual(before)
    })

    it('verifies small batches in-thread, without spawning a worker', async () => {
      const verifier = makePool({ workers: 2, minParallelBatch: 64 })
      const requests = signedRequests(63, 3, 50, 9)
      expect(await verifier.verifyBatch(requests)).toEqual(requests.map(() => true))
      expect(await verifier.verify(requests[0] as VerifyRequest)).toBe(true)
      expect(verifier.liveWorkers).toBe(0)
      verifier.close()
    })

    it('rejects a non-array with CRYPTO_UNSUPPORTED, as WasmVerifier does, and keeps working', async () => {
      const verifier = pool(true)
      await expect(verifier.verifyBatch('nope' as unknown as VerifyRequest[])).rejects.toMatchObject({ code: 'CRYPTO_UNSUPPORTED' })
      expect(await verifier.verifyBatch([])).toEqual([])
    })
  })
}
