// The worker pool in Chromium on real Web Workers (the worker chunk bundled by Vite from
// `new URL('./worker.js', import.meta.url)`).
import { describe, expect, it } from 'vitest'
import { createBrowserVerifierPool } from '../../src/crypto/verifier-pool/browser.js'
import { verifierPoolSuite } from './verifier-pool-suite.js'
import { signedRequests } from './verifier-pool-workload.js'
import type { WycheproofFile, WycheproofName } from './wycheproof.js'

// Served by Vite's dev server from the project root (Wycheproof, Apache-2.0: test/vectors/wycheproof/LICENSE).
async function load (name: WycheproofName): Promise<WycheproofFile> {
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

verifierPoolSuite('Web Workers', createBrowserVerifierPool, load)

describe('PoolVerifier on Web Workers: failures', () => {
  it('a worker script that does not load is retired and its share verified in-thread', async () => {
    const pool = createBrowserVerifierPool({ workers: 2, minParallelBatch: 1, workerUrl: new URL('/no-such-worker.js', location.origin) })
    const requests = signedRequests(30, 3, 40, 4)
    expect(await pool.verifyBatch(requests)).toEqual(requests.map(() => true))
    expect(pool.liveWorkers).toBe(0)
    expect(pool.workerFailures.length).toBe(2)
    pool.close()
  })
})
