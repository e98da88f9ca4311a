import fc from 'fast-check'
import { p256 } from '@noble/curves/nist.js'
import { describe, expect, it, vi } from 'vitest'
import { decodeSignature } from '../../src/crypto/ecdsa.js'
import type { SignatureFormat, VerifyRequest } from '../../src/crypto/verifier.js'
import { writeSignature } from '../../src/crypto/p256-wasm/signature-bytes.js'
import { WasmVerifier, createWasmVerifier, wasmVerifierAvailable } from '../../src/crypto/p256-wasm/wasm-verifier.js'

// Differential tests: the WASM verifier against @noble/curves' p256.verify as the reference.

const N = p256.Point.Fn.ORDER
const secretKeys = Array.from({ length: 5 }, (_v, i) => {
  const sk = new Uint8Array(32)
  sk[31] = i + 1
  sk[0] = 0x40 + i
  return sk
})
const publicKeys = secretKeys.map((sk) => p256.getPublicKey(sk, false))
const compressedKeys = secretKeys.map((sk) => p256.getPublicKey(sk, true))

function be32 (v: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

type Mutation = 'none' | 'highS' | 'wrongKey' | 'otherMessage' | 'flipSigByte' | 'rZero' | 'sZero' | 'rN' | 'sN' |
  'sNminus1' | 'rPlusN' | 'compressedKey' | 'badKey' | 'truncated' | 'trailingByte' | 'derOfHugeR'

const mutations: Mutation[] = ['none', 'none', 'none', 'highS', 'wrongKey', 'otherMessage', 'flipSigByte', 'rZero', 'sZero', 'rN', 'sN',
  'sNminus1', 'rPlusN', 'compressedKey', 'badKey', 'truncated', 'trailingByte', 'derOfHugeR']

interface Case { request: VerifyRequest, expected: boolean }

function buildCase (key: number, message: Uint8Array, mutation: Mutation, format: SignatureFormat, lowS: boolean, flipAt: number): Case {
  const compact = p256.sign(message, secretKeys[key] as Uint8Array) // low-S, 64 bytes r ‖ s
  let r = BigInt('0x' + Buffer.from(compact.subarray(0, 32)).toString('hex'))
  let s = BigInt('0x' + Buffer.from(compact.subarray(32)).toString('hex'))
  let publicKey: Uint8Array = publicKeys[key] as Uint8Array
  let msg = message
  let raw: Uint8Array | undefined // a signature encoding the reference must judge as-is
  switch (mutation) {
    case 'highS': s = N - s; break
    case 'wrongKey': publicKey = publicKeys[(key + 1) % publicKeys.length] as Uint8Array; break
    case 'otherMessage': msg = concat(message, Uint8Array.of(1)); break
    case 'rZero': r = 0n; break
    case 'sZero': s = 0n; break
    case 'rN': r = N; break
    case 'sN': s = N; break
    case 'sNminus1': s = N - 1n; break
    case 'rPlusN': r = r + N < 2n ** 256n ? r + N : r; break
    case 'compressedKey': publicKey = compressedKeys[key] as Uint8Array; break
    case 'badKey': publicKey = Uint8Array.from(publicKey); publicKey[64] = (publicKey[64] as number) ^ 1; break
    default: break
  }
  let signature = format === 'der' ? derOf(r, s) : concat(be32(r), be32(s))
  if (mutation === 'flipSigByte') {
    signature = Uint8Array.from(signature)
    const at = flipAt % signature.length
    signature[at] = (signature[at] as number) ^ 0x01
  }
  if (mutation === 'truncated') signature = signature.subarray(0, signature.length - 1)
  if (mutation === 'trailingByte') signature = concat(signature, Uint8Array.of(0))
  if (mutation === 'derOfHugeR') raw = derOf(2n ** 256n + r, s)
  if (raw !== undefined) signature = format === 'der' ? raw : signature
  return { request: { publicKey, message: msg, signature, format }, expected: reference(publicKey, msg, signature, format, lowS) }
}

// Minimal DER for arbitrary non-negative r, s (including out-of-range ones noble refuses to encode).
function derOf (r: bigint, s: bigint): Uint8Array {
  const int = (v: bigint): number[] => {
    let h = v.toString(16)
    if (h.length % 2) h = '0' + h
    const bytes = [...Buffer.from(h, 'hex')]
    if ((bytes[0] as number) & 0x80) bytes.unshift(0)
    return [0x02, bytes.length, ...bytes]
  }
  const body = [...int(r), ...int(s)]
  return Uint8Array.from([0x30, body.length, ...body])
}

function reference (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, format: SignatureFormat, lowS: boolean): boolean {
  // Strict DER (trailing bytes rejected) is decided by the project's decoder, which Wycheproof pins.
  if (decodeSignature(signature, format) === null) return false
  try {
    return p256.verify(signature, message, publicKey, { lowS, format: format === 'der' ? 'der' : 'compact' })
  } catch {
    return false
  }
}

const caseArb = fc.record({
  key: fc.integer({ min: 0, max: secretKeys.length - 1 }),
  message: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  mutation: fc.constantFrom(...mutations),
  format: fc.constantFrom<SignatureFormat>('der', 'p1363'),
  flipAt: fc.nat()
})

describe('WasmVerifier agrees with @noble/curves', () => {
  it('is available in Node', () => {
    expect(wasmVerifierAvailable()).toBe(true)
    expect(createWasmVerifier().name).toBe('wasm')
  })

  for (const lowS of [true, false]) {
    it(`batches mixing valid and invalid signatures, recurring keys, evictions (lowS: ${lowS})`, () => {
      // 2 table slots for 5 keys: tables are built, reused and evicted across batches.
      const verifier = new WasmVerifier({ lowS, keyTableSlots: 2, tableAfterUses: 2 })
      fc.assert(fc.property(fc.array(caseArb, { minLength: 1, maxLength: 24 }), (raw) => {
        const batch = raw.map((c) => buildCase(c.key, c.message, c.mutation, c.format, lowS, c.flipAt))
        const verdicts = verifier.verifyBatchSync(batch.map((c) => c.request))
        expect(verdicts).toEqual(batch.map((c) => c.expected))
      }), { numRuns: 60 })
      expect(verifier.keyTablesBuilt).toBeGreaterThan(2) // evictions happened
    })
  }

  it('single verifies agree too (first use of a key takes the table-less path)', async () => {
    const verifier = new WasmVerifier()
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const built = buildCase(c.key, c.message, c.mutation, c.format, true, c.flipAt)
      expect(await verifier.verify(built.request)).toBe(built.expected)
    }), { numRuns: 80 })
  })

  it('a batch larger than the WASM buffer is split and keeps request order', () => {
    const verifier = new WasmVerifier({ batchCapacity: 3 })
    const batch = Array.from({ length: 11 }, (_v, i) =>
      buildCase(i % 5, Uint8Array.of(i), i % 3 === 0 ? 'wrongKey' : 'none', 'der', true, 0))
    expect(verifier.verifyBatchSync(batch.map((c) => c.request))).toEqual(batch.map((c) => c.expected))
    expect(batch.some((c) => c.expected) && batch.some((c) => !c.expected)).toBe(true)
  })

  it('one table slot: alternating keys evict each other and verdicts stay right', () => {
    const verifier = new WasmVerifier({ keyTableSlots: 1, tableAfterUses: 1 })
    for (let round = 0; round < 4; round++) {
      const key = round % 2
      const good = buildCase(key, Uint8Array.of(round), 'none', 'der', true, 0)
      const bad = buildCase(key, Uint8Array.of(round), 'otherMessage', 'der', true, 0)
      expect(verifier.verifyBatchSync([good.request, bad.request])).toEqual([true, false])
    }
    expect(verifier.keyTablesBuilt).toBe(4)
  })

  it('keys without a table and keys with one in the same batch', () => {
    const verifier = new WasmVerifier({ tableAfterUses: 3 })
    const batch = [0, 0, 0, 1, 2, 2].map((k, i) => buildCase(k, Uint8Array.of(i), 'none', 'p1363', true, 0))
    expect(verifier.verifyBatchSync(batch.map((c) => c.request))).toEqual([true, true, true, true, true, true])
    expect(verifier.keyTablesBuilt).toBe(1)
  })

  it('malformed requests verify false and never throw', async () => {
    const verifier = new WasmVerifier()
    const good = buildCase(0, Uint8Array.of(7), 'none', 'der', true, 0).request
    const junk = [
      { ...good, publicKey: new Uint8Array(0) },
      { ...good, publicKey: new Uint8Array(65) },
      { ...good, signature: new Uint8Array(0) },
      { ...good, format: 'pem' as SignatureFormat },
      { ...good, message: 'text' as unknown as Uint8Array },
      null as unknown as VerifyRequest,
      { ...good, publicKey: [4, 1, 2] as unknown as Uint8Array }
    ]
    expect(verifier.verifyBatchSync([...junk, good])).toEqual([...junk.map(() => false), true])
    expect(await verifier.verifyBatch([])).toEqual([])
  })

  it('works where crypto.subtle is absent (plain-http pages)', () => {
    const batch = [0, 1, 2].map((k) => buildCase(k, Uint8Array.of(k), k === 1 ? 'otherMessage' : 'none', 'der', true, 0))
    vi.stubGlobal('crypto', {})
    try {
      expect(globalThis.crypto.subtle).toBeUndefined()
      expect(new WasmVerifier().verifyBatchSync(batch.map((c) => c.request))).toEqual([true, false, true])
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('rejects bad options with a typed error', () => {
    expect(() => new WasmVerifier({ keyTableSlots: 0 })).toThrow(/keyTableSlots/)
    expect(() => new WasmVerifier({ batchCapacity: 1.5 })).toThrow(/batchCapacity/)
  })
})

describe('DER signature parsing into WASM records agrees with the strict decoder', () => {
  it('random mutations of valid DER', () => {
    const sig = p256.sign(Uint8Array.of(1, 2, 3), secretKeys[0] as Uint8Array, { format: 'der' })
    fc.assert(fc.property(fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 3 }),
      fc.integer({ min: -2, max: 2 }), (edits, resize) => {
        let bytes: Uint8Array = Uint8Array.from(sig)
        for (const e of edits) bytes[e.at % bytes.length] = e.value
        if (resize < 0) bytes = bytes.subarray(0, bytes.length + resize)
        if (resize > 0) bytes = concat(bytes, new Uint8Array(resize))
        const out = new Uint8Array(64)
        const ok = writeSignature(bytes, 'der', out, 0)
        const ref = decodeSignature(bytes, 'der')
        if (ref === null) {
          // Our parser may accept an encoding whose r or s is out of range; WASM rejects those.
          if (ok) {
            const r = BigInt('0x' + Buffer.from(out.subarray(0, 32)).toString('hex'))
            const s = BigInt('0x' + Buffer.from(out.subarray(32)).toString('hex'))
            expect(r === 0n || s === 0n || r >= N || s >= N).toBe(true)
          }
        } else {
          expect(ok).toBe(true)
          expect(Buffer.from(out).toString('hex')).toBe(ref.r.toString(16).padStart(64, '0') + ref.s.toString(16).padStart(64, '0'))
        }
      }), { numRuns: 2000 })
  })
})

describe('the batched affine (lockstep) pass', () => {
  it('mixed batches agree with noble when every batch takes the affine pass', () => {
    const verifier = new WasmVerifier({ lowS: true, keyTableSlots: 3, tableAfterUses: 2, lockstepMin: 0 })
    fc.assert(fc.property(fc.array(caseArb, { minLength: 1, maxLength: 80 }), (raw) => {
      const batch = raw.map((c) => buildCase(c.key, c.message, c.mutation, c.format, true, c.flipAt))
      expect(verifier.verifyBatchSync(batch.map((c) => c.request))).toEqual(batch.map((c) => c.expected))
    }), { numRuns: 12 })
  })

  it('keys ±G make accumulator and table entry collide: those records are redone and still verify', () => {
    // With Q = G or Q = −G, G's and Q's tables hold the same (or negated) points, so whenever
    // u1 and u2 share their lowest non-zero byte the lockstep sum needs a doubling or gives ∞.
    const one = new Uint8Array(32)
    one[31] = 1
    const minusOne = be32(N - 1n)
    const verifier = new WasmVerifier({ lowS: false, tableAfterUses: 1 })
    const requests: VerifyRequest[] = []
    for (let i = 0; i < 1200; i++) {
      const sk = i % 2 === 0 ? one : minusOne
      const message = Uint8Array.of(i & 0xff, i >> 8)
      requests.push({ publicKey: p256.getPublicKey(sk, false), message, signature: p256.sign(message, sk, { format: 'der' }) })
    }
    const tampered = requests.map((r, i) => i % 10 === 3 ? { ...r, message: Uint8Array.of(0xee, i & 0xff, i >> 8) } : r)
    expect(verifier.verifyBatchSync(tampered)).toEqual(tampered.map((_r, i) => i % 10 !== 3))
    expect(verifier.exceptionalAdditions).toBeGreaterThan(0)
  })
})
