/**
 * SHA-256 in Node: the engine in use (`sha256Batch`, the WASM SIMD multi-buffer build here)
 * against @noble/hashes and node:crypto (OpenSSL, with SHA-NI where the CPU has it), measured
 * side by side, in interleaved rounds (bench/sha256-compare.ts). Batches are 1,000 messages of
 * 64 bytes (tx ids, Merkle nodes). Expect WASM to win on batches of small messages and to lose
 * on one 1 MiB message to OpenSSL's native SHA-NI code; both are reported as measured.
 * `sha256Batch` allocates one Uint8Array per digest (as noble and node:crypto do); the `into`
 * figures use `sha256BatchInto`, which writes all digests into one caller-owned buffer.
 */
import { createHash } from 'node:crypto'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { round } from '../harness.js'
import { interleaved } from '../sha256-compare.js'
import type { BenchSuite } from '../harness.js'
import { createSha256Engine, sha256, sha256Backend, sha256Batch, sha256BatchInto } from '../../src/crypto/sha256.js'

const BATCH = 1000
const MIB = 1024 * 1024

function nodeSha256 (data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest()
}

function filled (length: number, seed: number): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * 31 + seed) & 0xff)
}

export const suite: BenchSuite = {
  names: [
    'sha256_batch64_vs_noble', 'sha256_batch64_vs_node', 'sha256_batch64_into_vs_noble', 'sha256_batch64_into_vs_node',
    'sha256_batch64_wasm_hashes_per_s', 'sha256_batch64_wasm_into_hashes_per_s', 'sha256_batch64_wasm_scalar_hashes_per_s',
    'sha256_batch64_noble_hashes_per_s', 'sha256_batch64_node_hashes_per_s', 'sha256_64_wasm_single_hashes_per_s',
    'sha256_1k_wasm_mb_per_s', 'sha256_1k_noble_mb_per_s', 'sha256_1k_node_mb_per_s', 'sha256_1k_vs_node',
    'sha256_1m_wasm_mb_per_s', 'sha256_1m_noble_mb_per_s', 'sha256_1m_node_mb_per_s', 'sha256_1m_vs_node'
  ],
  async run (report) {
    if (sha256Backend() !== 'wasm-simd') throw new Error(`expected the SIMD backend in Node 20, got ${sha256Backend()}`)
    const messages = Array.from({ length: BATCH }, (_, i) => filled(64, i))
    const out = new Uint8Array(32 * BATCH)
    const scalar = createSha256Engine('wasm')

    // Check every implementation against the others before timing any of them.
    const expected = messages.map((m) => Buffer.from(nodeSha256(m)).toString('hex'))
    const checks = [sha256Batch(messages), scalar.digestBatch(messages), messages.map((m) => nobleSha256(m))]
    for (const digests of checks) {
      if (digests.some((d, i) => Buffer.from(d).toString('hex') !== expected[i])) throw new Error('sha256 bench: digests disagree')
    }

    const batch = await interleaved({
      wasm: () => sha256Batch(messages),
      into: () => sha256BatchInto(messages, out),
      scalar: () => scalar.digestBatch(messages),
      single: () => { for (const m of messages) sha256(m) },
      noble: () => { for (const m of messages) nobleSha256(m) },
      node: () => { for (const m of messages) nodeSha256(m) }
    })
    report({ name: 'sha256_batch64_wasm_hashes_per_s', value: round(BATCH * batch.rate.wasm), unit: 'hashes/s' })
    report({ name: 'sha256_batch64_noble_hashes_per_s', value: round(BATCH * batch.rate.noble), unit: 'hashes/s' })
    report({ name: 'sha256_batch64_node_hashes_per_s', value: round(BATCH * batch.rate.node), unit: 'hashes/s' })
    report({ name: 'sha256_batch64_vs_noble', value: round(batch.ratio('wasm', 'noble'), 3), unit: 'x' })
    report({ name: 'sha256_batch64_vs_node', value: round(batch.ratio('wasm', 'node'), 3), unit: 'x' })
    report({ name: 'sha256_batch64_wasm_into_hashes_per_s', value: round(BATCH * batch.rate.into), unit: 'hashes/s' })
    report({ name: 'sha256_batch64_into_vs_noble', value: round(batch.ratio('into', 'noble'), 3), unit: 'x' })
    report({ name: 'sha256_batch64_into_vs_node', value: round(batch.ratio('into', 'node'), 3), unit: 'x' })
    report({ name: 'sha256_batch64_wasm_scalar_hashes_per_s', value: round(BATCH * batch.rate.scalar), unit: 'hashes/s' })
    report({ name: 'sha256_64_wasm_single_hashes_per_s', value: round(BATCH * batch.rate.single), unit: 'hashes/s' })

    const kib = filled(1024, 1)
    const perKib = 1024 / 1e6
    const small = await interleaved({ wasm: () => sha256(kib), noble: () => nobleSha256(kib), node: () => nodeSha256(kib) }, { minMs: 100 })
    report({ name: 'sha256_1k_wasm_mb_per_s', value: round(perKib * small.rate.wasm), unit: 'MB/s' })
    report({ name: 'sha256_1k_noble_mb_per_s', value: round(perKib * small.rate.noble), unit: 'MB/s' })
    report({ name: 'sha256_1k_node_mb_per_s', value: round(perKib * small.rate.node), unit: 'MB/s' })
    report({ name: 'sha256_1k_vs_node', value: round(small.ratio('wasm', 'node'), 3), unit: 'x' })

    const mib = filled(MIB, 2)
    const perMib = MIB / 1e6
    const large = await interleaved({ wasm: () => sha256(mib), noble: () => nobleSha256(mib), node: () => nodeSha256(mib) }, { minMs: 200 })
    report({ name: 'sha256_1m_wasm_mb_per_s', value: round(perMib * large.rate.wasm), unit: 'MB/s' })
    report({ name: 'sha256_1m_noble_mb_per_s', value: round(perMib * large.rate.noble), unit: 'MB/s' })
    report({ name: 'sha256_1m_node_mb_per_s', value: round(perMib * large.rate.node), unit: 'MB/s' })
    report({ name: 'sha256_1m_vs_node', value: round(large.ratio('wasm', 'node'), 3), unit: 'x' })
  }
}
