// The WASM P-256 verifier inside Chromium: every Wycheproof vector on both paths (tables and
// table-less), and a batch large enough for the affine pass checked against @noble/curves.
import { p256 } from '@noble/curves/nist.js'
import { hexToBytes } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import type { SignatureFormat, VerifyRequest } from '../../src/crypto/verifier.js'
import { WasmVerifier, wasmVerifierAvailable } from '../../src/crypto/p256-wasm/wasm-verifier.js'

interface WycheproofFile {
  numberOfTests: number
  testGroups: Array<{
    publicKey: { uncompressed: string }
    tests: Array<{ tcId: number, msg: string, sig: string, result: 'valid' | 'invalid' | 'acceptable' }>
  }>
}

// Served by Vite's dev server from the project root (Wycheproof, Apache-2.0: test/vectors/wycheproof/LICENSE).
async function load (name: string): Promise<WycheproofFile> {
  const url = new URL(`/test/vectors/wycheproof/${name}.json.gz`, location.origin)
  const response = await fetch(url)
  if (!response.ok) throw new Error(`cannot fetch ${url.href}: ${response.status}`)
  const bytes = new Uint8Array(await response.arrayBuffer())
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b // Vite may already have undone the gzip
  const text = gzipped
    ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text()
    : new TextDecoder().decode(bytes)
  return JSON.parse(text) as WycheproofFile
}

async function vectors (name: string, format: SignatureFormat): Promise<Array<{ request: VerifyRequest, valid: boolean }>> {
  const file = await load(name)
  const out = file.testGroups.flatMap((g) => g.tests.map((t) => ({
    request: { publicKey: hexToBytes(g.publicKey.uncompressed), message: hexToBytes(t.msg), signature: hexToBytes(t.sig), format },
    valid: t.result === 'valid'
  })))
  expect(out.length).toBe(file.numberOfTests)
  return out
}

describe('WasmVerifier in Chromium', () => {
  it('is available', () => {
    expect(wasmVerifierAvailable()).toBe(true)
  })

  for (const [name, format] of [['ecdsa_secp256r1_sha256_test', 'der'], ['ecdsa_secp256r1_sha256_p1363_test', 'p1363']] as const) {
    for (const [path, options] of [['tables', { tableAfterUses: 1, lockstepMin: 0 }], ['table-less', { tableAfterUses: 1_000_000 }]] as const) {
      it(`Wycheproof ${format} (${path}): every verdict as expected with lowS: false`, async () => {
        const cases = await vectors(name, format)
        const verdicts = new WasmVerifier({ ...options, lowS: false }).verifyBatchSync(cases.map((c) => c.request))
        expect(cases.filter((c, i) => verdicts[i] !== c.valid).length).toBe(0)
      })
    }
  }

  it('a 200-signature batch (affine pass) agrees with noble, tampered entries included', () => {
    const secretKeys = [1, 2, 3].map((k) => new Uint8Array(32).fill(k))
    const requests: VerifyRequest[] = []
    const expected: boolean[] = []
    for (let i = 0; i < 200; i++) {
      const sk = secretKeys[i % 3] as Uint8Array
      const message = Uint8Array.of(i, i >> 8, 7)
      const signature = p256.sign(message, sk, { format: 'der' })
      const sent = i % 9 === 4 ? Uint8Array.of(i, i >> 8, 8) : message
      requests.push({ publicKey: p256.getPublicKey(sk, false), message: sent, signature })
      expected.push(p256.verify(signature, sent, p256.getPublicKey(sk, false), { format: 'der' }))
    }
    expect(new WasmVerifier().verifyBatchSync(requests)).toEqual(expected)
    expect(expected.filter((v) => !v).length).toBeGreaterThan(10)
  })
})
