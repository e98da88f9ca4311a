// The module API others depend on (`src/crypto/sha256.ts`): shape, backend choice and fallback,
// and typed errors for bad input.
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isWeftError } from '../../src/shared/errors.js'
import { createSha256, createSha256Engine, sha256, sha256Backend, sha256Batch, sha256BatchInto } from '../../src/crypto/sha256.js'
import type { Sha256Backend } from '../../src/crypto/sha256.js'
import { Sha256Error } from '../../src/crypto/sha256-errors.js'
import { SHA256_BACKENDS } from './sha256-backends.js'
import { bytesToHex } from './sha256-vectors.js'

const ABC = new TextEncoder().encode('abc')
const ABC_DIGEST = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' // FIPS 180-4 example

function expectCode (fn: () => unknown, code: string): void {
  let thrown: unknown
  try {
    fn()
  } catch (err) {
    thrown = err
  }
  expect(thrown).toBeInstanceOf(Sha256Error)
  expect(isWeftError(thrown, code), `expected ${code}, got ${String(thrown)}`).toBe(true)
}

describe('sha256 module functions', () => {
  it('uses the SIMD build in Node 20 (which has WASM SIMD)', () => {
    expect(sha256Backend()).toBe('wasm-simd')
  })

  it('sha256, sha256Batch, sha256BatchInto and createSha256 agree with node:crypto', () => {
    expect(bytesToHex(sha256(ABC))).toBe(ABC_DIGEST)
    const messages = [ABC, new Uint8Array(0), new Uint8Array(1000).fill(9)]
    const expected = messages.map((m) => createHash('sha256').update(m).digest('hex'))
    expect(sha256Batch(messages).map(bytesToHex)).toEqual(expected)
    const out = new Uint8Array(96)
    expect(sha256BatchInto(messages, out)).toBe(out)
    expect([0, 1, 2].map((i) => bytesToHex(out.subarray(32 * i, 32 * i + 32)))).toEqual(expected)
    expect(bytesToHex(createSha256().update(ABC.subarray(0, 1)).update(ABC.subarray(1)).digest())).toBe(ABC_DIGEST)
  })

  it('accepts Buffer (a Uint8Array subclass) and does not alter its input', () => {
    const input = Buffer.from('abc')
    expect(bytesToHex(sha256(input))).toBe(ABC_DIGEST)
    expect(input.toString()).toBe('abc')
  })
})

describe.each(SHA256_BACKENDS)('bad input, backend %s', (backend) => {
  const engine = createSha256Engine(backend)

  it('rejects non-Uint8Array data with CRYPTO_SHA256_BAD_INPUT', () => {
    for (const bad of ['abc', null, undefined, 42, [1, 2, 3], new Uint16Array(2), new ArrayBuffer(4)]) {
      expectCode(() => engine.digest(bad as unknown as Uint8Array), 'CRYPTO_SHA256_BAD_INPUT')
      expectCode(() => engine.create().update(bad as unknown as Uint8Array), 'CRYPTO_SHA256_BAD_INPUT')
    }
  })

  it('rejects a batch that is not an array of Uint8Array, naming the element', () => {
    expectCode(() => engine.digestBatch('abc' as unknown as Uint8Array[]), 'CRYPTO_SHA256_BAD_INPUT')
    expect(() => engine.digestBatch([ABC, 'x' as unknown as Uint8Array])).toThrow(/messages\[1\]/)
  })

  it('rejects an output buffer too small for the batch, before writing anything', () => {
    const out = new Uint8Array(63)
    expectCode(() => engine.digestBatchInto([ABC, ABC], out), 'CRYPTO_SHA256_BAD_INPUT')
    expect(out.every((b) => b === 0)).toBe(true)
  })

  it('refuses to reuse a hasher after digest', () => {
    const hasher = engine.create().update(ABC)
    expect(bytesToHex(hasher.digest())).toBe(ABC_DIGEST)
    expectCode(() => hasher.digest(), 'CRYPTO_SHA256_FINISHED')
    expectCode(() => hasher.update(ABC), 'CRYPTO_SHA256_FINISHED')
  })

  it('hashers are independent of each other and of one-shot calls in between', () => {
    const a = engine.create().update(new Uint8Array(100).fill(1))
    const b = engine.create().update(new Uint8Array(70).fill(2))
    engine.digestBatch([new Uint8Array(5000).fill(3), ABC])
    a.update(new Uint8Array(100).fill(1))
    b.update(new Uint8Array(70).fill(2))
    expect(bytesToHex(a.digest())).toBe(createHash('sha256').update(new Uint8Array(200).fill(1)).digest('hex'))
    expect(bytesToHex(b.digest())).toBe(createHash('sha256').update(new Uint8Array(140).fill(2)).digest('hex'))
  })
})

describe('backend selection', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  async function freshBackend (): Promise<Sha256Backend> {
    vi.resetModules()
    const fresh = await import('../../src/crypto/sha256.js')
    expect(bytesToHex(fresh.sha256(ABC))).toBe(ABC_DIGEST)
    return fresh.sha256Backend()
  }

  it('falls back to the scalar WASM build when SIMD does not validate', async () => {
    const validate = WebAssembly.validate.bind(WebAssembly)
    vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes) => {
      // Refuse any module with a SIMD opcode prefix (0xfd) the way a pre-SIMD engine would.
      const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes as ArrayBuffer)
      return view.includes(0xfd) && view.length < 64 ? false : validate(bytes)
    })
    expect(await freshBackend()).toBe('wasm')
  })

  it('falls back to @noble/hashes when WebAssembly is missing', async () => {
    vi.stubGlobal('WebAssembly', undefined)
    expect(await freshBackend()).toBe('js')
  })

  it('asking for a backend the runtime lacks is CRYPTO_SHA256_UNAVAILABLE; an unknown name is BAD_INPUT', () => {
    vi.stubGlobal('WebAssembly', undefined)
    expectCode(() => createSha256Engine('wasm'), 'CRYPTO_SHA256_UNAVAILABLE')
    vi.unstubAllGlobals()
    expectCode(() => createSha256Engine('sha3' as Sha256Backend), 'CRYPTO_SHA256_BAD_INPUT')
  })
})
