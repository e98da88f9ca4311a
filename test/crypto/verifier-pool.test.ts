// The worker pool in Node: the shared contract on real worker_threads, then its parts —
// packing (property: round trip, corrupt buffers refused), key affinity (sticky, balanced,
// every request exactly once) and the failure paths (workers that die, refuse or cannot spawn).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyAffinity, keyHash } from '../../src/crypto/verifier-pool/affinity.js'
import { createNodeVerifierPool } from '../../src/crypto/verifier-pool/node.js'
import { packRequests, unpackRequests, wellFormed } from '../../src/crypto/verifier-pool/packing.js'
import { ParallelGate } from '../../src/crypto/verifier-pool/parallel-gate.js'
import { PoolVerifier, type PoolWorker } from '../../src/crypto/verifier-pool/pool-verifier.js'
import { WasmVerifier } from '../../src/crypto/p256-wasm/wasm-verifier.js'
import type { ToWorker } from '../../src/crypto/verifier-pool/protocol.js'
import { serveVerifierWorker } from '../../src/crypto/verifier-pool/serve.js'
import type { VerifyRequest } from '../../src/crypto/verifier.js'
import { verifierPoolSuite } from './verifier-pool-suite.js'
import { signedRequests } from './verifier-pool-workload.js'
import type { WycheproofFile, WycheproofName } from './wycheproof.js'

// Wycheproof (https://github.com/C2SP/wycheproof, Apache-2.0: test/vectors/wycheproof/LICENSE).
const load = async (name: WycheproofName): Promise<WycheproofFile> =>
  JSON.parse(gunzipSync(readFileSync(new URL(`../vectors/wycheproof/${name}.json.gz`, import.meta.url))).toString('utf8')) as WycheproofFile

verifierPoolSuite('worker_threads', createNodeVerifierPool, load)

const bytes = fc.uint8Array({ maxLength: 300 })
const request = fc.record({ publicKey: bytes, message: bytes, signature: bytes, format: fc.constantFrom('der' as const, 'p1363' as const) })

describe('packing', () => {
  it('round-trips any requests, as views of the one buffer', () => {
    fc.assert(fc.property(fc.array(request, { maxLength: 40 }), (requests) => {
      const indices = requests.map((_r, i) => i).reverse()
      const packed = packRequests(requests, indices)
      const out = unpackRequests(packed)
      expect(out).not.toBeNull()
      expect(out?.map((r) => [[...r.publicKey], [...r.message], [...r.signature], r.format]))
        .toEqual(indices.map((i) => requests[i] as VerifyRequest).map((r) => [[...r.publicKey], [...r.message], [...r.signature], r.format]))
      for (const r of out ?? []) expect(r.message.buffer).toBe(packed)
    }))
  })

  it('refuses truncated, extended and non-buffer input instead of guessing', () => {
    fc.assert(fc.property(fc.array(request, { minLength: 1, maxLength: 10 }), fc.nat(), (requests, cut) => {
      const packed = packRequests(requests, requests.map((_r, i) => i))
      const shorter = packed.slice(0, cut % packed.byteLength)
      expect(unpackRequests(shorter)).toBeNull()
      const longer = new Uint8Array(packed.byteLength + 1)
      longer.set(new Uint8Array(packed))
      expect(unpackRequests(longer.buffer)).toBeNull()
    }))
    expect(unpackRequests(null)).toBeNull()
    expect(unpackRequests(new Uint8Array(8))).toBeNull()
    expect(unpackRequests(Uint32Array.of(0xffffffff).buffer)).toBeNull()
  })

  it('wellFormed matches WasmVerifier\'s shape test', () => {
    const r = { publicKey: new Uint8Array(1), message: new Uint8Array(1), signature: new Uint8Array(1) }
    expect(wellFormed(r)).toBe(true)
    expect(wellFormed({ ...r, format: 'p1363' })).toBe(true)
    expect(wellFormed({ ...r, format: 'raw' })).toBe(false)
    expect(wellFormed({ ...r, message: [1] })).toBe(false)
    expect(wellFormed(null)).toBe(false)
    expect(wellFormed(Object.defineProperty({}, 'publicKey', { get () { throw new Error('x') } }))).toBe(false)
  })
})

describe('KeyAffinity', () => {
  const batch = (keys: number[]): { indices: number[], hashes: number[] } =>
    ({ indices: keys.map((_k, i) => i), hashes: keys })

  it('routes every request exactly once, keeps workers within the slack, and keeps homes across batches', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 600 }), fc.integer({ min: 1, max: 4 }), (keys, workers) => {
      const affinity = new KeyAffinity()
      const live = Array.from({ length: workers }, (_v, w) => w)
      const { indices, hashes } = batch(keys)
      const shares = affinity.partition(indices, hashes, live)
      expect(shares.flat().sort((a, b) => a - b)).toEqual(indices)
      const loads = shares.map((s) => s.length)
      const slack = Math.max(16, Math.ceil(keys.length / workers / 8))
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(slack + 1)
      // The same batch again is routed identically (warm tables stay where they are).
      expect(affinity.partition(indices, hashes, live)).toEqual(shares)
    }))
  })

  it('gives 10 equally used keys five homes each on two workers, none split', () => {
    const keys = Array.from({ length: 1500 }, (_v, i) => 1000 + (i % 10))
    const shares = new KeyAffinity().partition(keys.map((_k, i) => i), keys, [0, 1])
    const keysOf = (share: number[]): Set<number> => new Set(share.map((i) => keys[i] as number))
    expect(shares.map((s) => s.length)).toEqual([750, 750])
    expect([...keysOf(shares[0] as number[])].filter((k) => keysOf(shares[1] as number[]).has(k))).toEqual([])
  })

  it('hashes keys by content', () => {
    expect(keyHash(Uint8Array.of(4, 1, 2))).toBe(keyHash(Uint8Array.of(4, 1, 2)))
    expect(keyHash(Uint8Array.of(4, 1, 2))).not.toBe(keyHash(Uint8Array.of(4, 2, 1)))
  })
})

// A worker in this thread, served over a MessageChannel (buffers really transferred).
function channelWorker (): PoolWorker {
  const { port1, port2 } = new MessageChannel()
  serveVerifierWorker({
    post: (message, transfer) => { port2.postMessage(message, transfer) },
    listen: (handler) => { port2.onmessage = (event) => { handler(event.data) } }
  })
  return {
    post: (message, transfer) => { port1.postMessage(message, transfer) },
    listen: (onMessage) => { port1.onmessage = (event) => { onMessage(event.data) } },
    terminate: () => { port1.close(); port2.close() }
  }
}

describe('PoolVerifier failure paths', () => {
  const requests = signedRequests(40, 4, 32, 11)
  const tampered = requests.map((r, i) => i % 3 === 0 ? { ...r, message: new Uint8Array(32) } : r)
  const expected = tampered.map((_r, i) => i % 3 !== 0)

  it('transfers the job buffer to the worker (detached on the sender\'s side)', async () => {
    const posted: ArrayBuffer[] = []
    const spawn = (): PoolWorker => {
      const inner = channelWorker()
      return { ...inner, post: (m: ToWorker, t: ArrayBuffer[]) => { inner.post(m, t); if (m.type === 'verify') posted.push(m.packed) } }
    }
    const pool = new PoolVerifier(spawn, { workers: 2, minParallelBatch: 1, minGain: 0 })
    expect(await pool.verifyBatch(tampered)).toEqual(expected)
    expect(posted.length).toBe(2)
    expect(posted.every((b) => b.byteLength === 0)).toBe(true)
    pool.close()
  })

  it('a worker that dies mid-job is retired; its share is verified in-thread', async () => {
    let fail: ((reason: string) => void) | undefined
    const dying: PoolWorker = {
      post: (m) => { if (m.type === 'verify') queueMicrotask(() => fail?.('crashed')) },
      listen: (_onMessage, onFailure) => { fail = onFailure },
      terminate: () => {}
    }
    let spawned = 0
    const pool = new PoolVerifier(() => spawned++ === 0 ? dying : channelWorker(), { workers: 2, minParallelBatch: 1 })
    expect(await pool.verifyBatch(tampered)).toEqual(expected)
    expect(pool.workerFailures).toEqual(['worker 0: crashed'])
    expect(pool.liveWorkers).toBe(1)
    expect(await pool.verifyBatch(tampered)).toEqual(expected) // the survivor takes everything
    pool.close()
  })

  it('a worker that cannot start WebAssembly, or cannot be spawned, leaves the verdicts unchanged', async () => {
    let reply: ((m: unknown) => void) | undefined
    const refusing: PoolWorker = {
      post: (m) => { if (m.type === 'init') queueMicrotask(() => reply?.({ type: 'failed', id: -1, reason: 'no WebAssembly' })) },
      listen: (onMessage) => { reply = onMessage },
      terminate: () => {}
    }
    const pool = new PoolVerifier((w) => { if (w === 0) return refusing; throw new Error('no threads here') }, { workers: 2, minParallelBatch: 1 })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(await pool.verifyBatch(tampered)).toEqual(expected)
    expect(pool.liveWorkers).toBe(0)
    expect(pool.workerFailures.length).toBe(2)
  })

  it('an idle pool does not keep a Node process alive, a pending batch does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-pool-'))
    try {
      const script = join(dir, 'exit.mts')
      const node = new URL('../../src/crypto/verifier-pool/node.ts', import.meta.url).href
      writeFileSync(script, [
        `import { createNodeVerifierPool } from ${JSON.stringify(node)}`,
        'const pool = createNodeVerifierPool({ workers: 2, minParallelBatch: 1, minGain: 0 })',
        'const junk = { publicKey: new Uint8Array(65), message: new Uint8Array(1), signature: new Uint8Array(8) }',
        'const verdicts = await pool.verifyBatch([junk, junk])',
        'process.stdout.write(JSON.stringify({ verdicts, live: pool.liveWorkers }))',
        '// no close(): the process must still exit'
      ].join('\n'))
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 30_000 })
      expect(run.status).toBe(0)
      expect(JSON.parse(run.stdout)).toEqual({ verdicts: [false, false], live: 2 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('after close() batches are verified in-thread', async () => {
    const pool = createNodeVerifierPool({ workers: 1, minParallelBatch: 1 })
    pool.close()
    expect(await pool.verifyBatch(tampered)).toEqual(expected)
    expect(pool.liveWorkers).toBe(0)
  })

  it('refuses bad options with CRYPTO_UNSUPPORTED', () => {
    for (const options of [{ workers: -1 }, { workers: 1.5 }, { minParallelBatch: 0 }, { minParallelBatch: Number.NaN }, { keyTableSlots: 0 },
      { minGain: -1 }, { minGain: Infinity }, { probeEvery: 1 }]) {
      expect(() => new PoolVerifier(channelWorker, options)).toThrow(expect.objectContaining({ code: 'CRYPTO_UNSUPPORTED' }))
    }
  })
})

describe('ParallelGate', () => {
  it('uses the workers first, then times one thread, then keeps the faster path, probing the other every probeEvery', () => {
    const gate = new ParallelGate({ minGain: 1.1, probeEvery: 4 })
    const run = (workersMs: number, threadMs: number): string => {
      const path = gate.choose()
      gate.record(path, 1000, path === 'workers' ? workersMs : threadMs)
      return path
    }
    // Two untimed warm-up batches on the workers, one timed, then in-thread one untimed and one timed.
    expect([run(20, 40), run(20, 40), run(20, 40), run(20, 40), run(20, 40)]).toEqual(['workers', 'workers', 'workers', 'thread', 'thread'])
    expect(gate.state).toEqual({ workersUsPerSignature: 20, threadUsPerSignature: 40, preferred: 'workers' })
    const next = Array.from({ length: 8 }, () => run(20, 40))
    expect(next.filter((p) => p === 'thread').length).toBe(2) // probes only
    // The machine gets loaded: the workers slow down until one thread wins.
    const loaded = Array.from({ length: 24 }, () => run(60, 40))
    expect(gate.state.preferred).toBe('thread')
    expect(loaded.slice(-8).filter((p) => p === 'workers').length).toBe(2) // probes only
    // Idle again: a probe sees it and the workers come back.
    Array.from({ length: 24 }, () => run(20, 40))
    expect(gate.state.preferred).toBe('workers')
  })

  it('demands minGain: a 5% speed-up is not enough for 1.1, and minGain 0 always uses the workers', () => {
    const gate = new ParallelGate({ minGain: 1.1, probeEvery: 4 })
    for (let i = 0; i < 12; i++) { const p = gate.choose(); gate.record(p, 100, p === 'workers' ? 1.9 : 2) }
    expect(gate.state.preferred).toBe('thread')
    const always = new ParallelGate({ minGain: 0, probeEvery: 4 })
    for (let i = 0; i < 12; i++) { expect(always.choose()).toBe('workers'); always.record('workers', 100, 1000) }
  })

  it('ignores nonsense timings', () => {
    const gate = new ParallelGate({ minGain: 1.1, probeEvery: 4 })
    gate.record('thread', 0, 5)
    gate.record('thread', 10, Number.NaN)
    gate.record('thread', 10, -1)
    expect(gate.state.threadUsPerSignature).toBeUndefined()
  })
})

describe('PoolVerifier measures whether the workers help', () => {
  const requests = signedRequests(40, 4, 32, 12)
  const delayed = (inner: PoolWorker, ms: number): PoolWorker => ({
    ...inner, post: (m, t) => { setTimeout(() => { inner.post(m, t) }, m.type === 'verify' ? ms : 0) }
  })

  it('sends large batches in-thread while the workers are slower, probing them now and then', async () => {
    let jobs = 0
    const pool = new PoolVerifier(() => {
      const slow = delayed(channelWorker(), 30)
      return { ...slow, post: (m, t) => { if (m.type === 'verify') jobs++; slow.post(m, t) } }
    }, { workers: 2, minParallelBatch: 1, probeEvery: 8 })
    for (let i = 0; i < 24; i++) expect((await pool.verifyBatch(requests)).every(Boolean)).toBe(true)
    expect(pool.parallelism.preferred).toBe('thread')
    // 3 batches to learn the workers (2 of them warm-up), then only probes: 2 jobs per batch.
    expect(jobs).toBeLessThanOrEqual(2 * (3 + 3))
    pool.close()
  })

  it('keeps the workers while in-thread verification is slower', async () => {
    const wasm = new WasmVerifier()
    let inThreadBatches = 0
    const slowThread = {
      name: 'slow', verify: (r: VerifyRequest) => wasm.verify(r),
      verifyBatch: async (rs: readonly VerifyRequest[]) => {
        inThreadBatches++
        await new Promise((resolve) => setTimeout(resolve, 30))
        return wasm.verifyBatchSync(rs)
      }
    }
    const pool = new PoolVerifier(channelWorker, { workers: 2, minParallelBatch: 1, probeEvery: 8, inThread: slowThread })
    for (let i = 0; i < 24; i++) expect((await pool.verifyBatch(requests)).every(Boolean)).toBe(true)
    expect(pool.parallelism.preferred).toBe('workers')
    expect(inThreadBatches).toBeLessThanOrEqual(2 + 3) // learning, then probes only
    pool.close()
  })
})
