// Issue 3 promises that a SHA-256 batch crosses the JS↔WASM boundary once: a batch that fits
// the module's buffers (today 512 KiB of input, 8,192 messages) is one `hashBatch` call, and a larger
// one is split into as few calls as the buffers allow. Observed by wrapping the exports of the
// module the engine instantiates, for both WASM builds.
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createSha256Engine } from '../../src/crypto/sha256.js'
import type { Sha256Backend } from '../../src/crypto/sha256.js'

const RealInstance = WebAssembly.Instance
afterEach(() => { WebAssembly.Instance = RealInstance })

interface Counter { calls: number, inputCapacity: number, tableCapacity: number }

/** Makes the next instantiations count calls to `hashBatch`, and returns the counter (with the module's buffer sizes). */
function countHashBatchCalls (): Counter {
  const counter: Counter = { calls: 0, inputCapacity: 0, tableCapacity: 0 }
  function CountingInstance (module: WebAssembly.Module, imports?: WebAssembly.Imports): WebAssembly.Instance {
    const real = new RealInstance(module, imports)
    const exports: Record<string, WebAssembly.ExportValue> = { ...real.exports }
    const hashBatch = real.exports.hashBatch as (count: number) => void
    exports.hashBatch = (count: number): void => { counter.calls++; hashBatch(count) }
    counter.inputCapacity = (real.exports.inputCapacity as () => number)()
    counter.tableCapacity = (real.exports.tableCapacity as () => number)()
    return { exports } as WebAssembly.Instance
  }
  WebAssembly.Instance = CountingInstance as unknown as typeof WebAssembly.Instance
  return counter
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const nodeHex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

function messages (count: number, length: (i: number) => number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new Uint8Array(length(i)).map((_, j) => (i * 31 + j) & 0xff))
}

describe.each<Sha256Backend>(['wasm-simd', 'wasm'])('%s: one boundary crossing per batch', (backend) => {
  it('1,000 messages of 64 bytes: one hashBatch call, digests equal node:crypto', () => {
    const counter = countHashBatchCalls()
    const engine = createSha256Engine(backend)
    const batch = messages(1000, () => 64)
    const digests = engine.digestBatch(batch)
    expect(counter.calls).toBe(1)
    expect(digests.map(hex)).toEqual(batch.map(nodeHex))

    const out = new Uint8Array(32 * batch.length)
    engine.digestBatchInto(batch, out)
    expect(counter.calls).toBe(2)
    expect(hex(out.subarray(32 * 999))).toBe(nodeHex(batch[999] as Uint8Array))
  })

  it('a mixed batch that fits the buffers (lengths 0–300): one call', () => {
    const counter = countHashBatchCalls()
    const batch = messages(1000, (i) => (i * 37) % 301)
    const digests = createSha256Engine(backend).digestBatch(batch)
    expect(counter.calls).toBe(1)
    expect(digests.map(hex)).toEqual(batch.map(nodeHex))
  })

  it('beyond the buffers: as few calls as the capacity allows', () => {
    const counter = countHashBatchCalls()
    const engine = createSha256Engine(backend)
    expect(counter.tableCapacity).toBeGreaterThanOrEqual(1000)
    expect(counter.inputCapacity).toBeGreaterThanOrEqual(64_000)
    const byCount = messages(counter.tableCapacity * 2 + 1, () => 32) // limited by the table
    engine.digestBatch(byCount)
    expect(counter.calls).toBe(3)

    const bySize = countHashBatchCalls()
    const big = messages(300, () => 4096) // 1.2 MB: limited by INPUT
    const digests = createSha256Engine(backend).digestBatch(big)
    const perCall = Math.floor(bySize.inputCapacity / 4096)
    expect(bySize.calls).toBe(Math.ceil(300 / perCall))
    expect(bySize.calls).toBeGreaterThan(1)
    expect(hex(digests[299] as Uint8Array)).toBe(nodeHex(big[299] as Uint8Array))
  })
})
