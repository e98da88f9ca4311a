/**
 * SHA-256 in Node: the WASM engine in use (`sha256Batch`, SIMD multi-buffer here) against
 * @noble/hashes and node:crypto (OpenSSL, with SHA-NI where the CPU has it), measured side by
 * side in the same run. Batches are 1,000 messages of 64 bytes (a block's worth of tx ids).
 * Expect WASM to win on batches of small messages and to lose on one 1 MiB message to OpenSSL's
 * native code; both are reported as measured.
 */
import { createHash } from 'node:crypto'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { measure, round } from '../harness.js'
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
    'sha256_batch64_vs_noble', 'sha256_batch64_vs_node',
    'sha256_batch64_wasm_hashes_per_s', 'sha256_batch64_wasm_into_hashes_per_s', 'sha256_batch64_wasm_scalar_hashes_per_s',
    'sha256_batch64_noble_hashes_per_s', 'sha256_batch64_node_hashes_per_s', 'sha256_64_wasm_single_hashes_per_s',
    'sha256_1k_wasm_mb_per_s', 'sha256_1k_noble_mb_per_s', 'sha256_1k_node_mb_per_s',
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

    const wasm = BATCH * await measure(() => sha256Batch(messages))
    const noble = BATCH * await measure(() => { for (const m of messages) nobleSha256(m) })
    const node = BATCH * await measure(() => { for (const m of messages) nodeSha256(m) })
    report({ name: 'sha256_batch64_wasm_hashes_per_s', value: round(wasm), unit: 'hashes/s' })
    report({ name: 'sha256_batch64_noble_hashes_per_s', value: round(noble), unit: 'hashes/s' })
    report({ name: 'sha256_batch64_node_hashes_per_s', value: round(node), unit: 'hashes/s' })
    report({ name: 'sha256_batch64_vs_noble', value: round(wasm / noble, 3), unit: 'x' })
    report({ name: 'sha256_batch64_vs_node', value: round(wasm / node, 3), unit: 'x' })
    report({ name: 'sha256_batch64_wasm_into_hashes_per_s', value: round(BATCH * await measure(() => sha256BatchInto(messages, out))), unit: 'hashes/s' })
    report({ name: 'sha256_batch64_wasm_scalar_hashes_per_s', value: round(BATCH * await measure(() => scalar.digestBatch(messages))), unit: 'hashes/s' })
    report({ name: 'sha256_64_wasm_single_hashes_per_s', value: round(BATCH * await measure(() => { for (const m of messages) sha256(m) })), unit: 'hashes/s' })

    const kib = filled(1024, 1)
    const perKib = 1024 / 1e6
    report({ name: 'sha256_1k_wasm_mb_per_s', value: round(perKib * await measure(() => sha256(kib))), unit: 'MB/s' })
    report({ name: 'sha256_1k_noble_mb_per_s', value: round(perKib * await measure(() => nobleSha256(kib))), unit: 'MB/s' })
    report({ name: 'sha256_1k_node_mb_per_s', value: round(perKib * await measure(() => nodeSha256(kib))), unit: 'MB/s' })

    const mib = filled(MIB, 2)
    const perMib = MIB / 1e6
    const wasmMib = perMib * await measure(() => sha256(mib))
    const nodeMib = perMib * await measure(() => nodeSha256(mib))
    report({ name: 'sha256_1m_wasm_mb_per_s', value: round(wasmMib), unit: 'MB/s' })
    report({ name: 'sha256_1m_noble_mb_per_s', value: round(perMib * await measure(() => nobleSha256(mib))), unit: 'MB/s' })
    report({ name: 'sha256_1m_node_mb_per_s', value: round(nodeMib), unit: 'MB/s' })
    report({ name: 'sha256_1m_vs_node', value: round(wasmMib / nodeMib, 3), unit: 'x' })
  }
}
