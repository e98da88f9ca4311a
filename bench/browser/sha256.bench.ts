/**
 * SHA-256 in Chromium (main thread of a page on 127.0.0.1): the engine in use (`sha256Batch`,
 * expected to be the WASM SIMD build, instantiated synchronously) against @noble/hashes and
 * WebCrypto `crypto.subtle.digest`, awaited one at a time and all in flight. Interleaved rounds
 * as in the Node suite (bench/sha256-compare.ts). WebCrypto is async and native: it should win
 * on one 1 MiB message and lose on many small ones, where each digest pays a promise round trip.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { round } from '../harness.js'
import type { BenchSuite } from '../harness.js'
import { interleaved } from '../sha256-compare.js'
import { createSha256Engine, sha256, sha256Backend, sha256Batch, sha256BatchInto } from '../../src/crypto/sha256.js'

const BATCH = 1000
const MIB = 1024 * 1024

function filled (length: number, seed: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(length).map((_, i) => (i * 31 + seed) & 0xff)
}

function toHex (bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export const suite: BenchSuite = {
  names: [
    'sha256_browser_wasm_simd', 'sha256_browser_instantiate_ms',
    'sha256_browser_batch64_wasm_hashes_per_s', 'sha256_browser_batch64_wasm_into_hashes_per_s',
    'sha256_browser_batch64_noble_hashes_per_s', 'sha256_browser_batch64_webcrypto_awaited_hashes_per_s',
    'sha256_browser_batch64_webcrypto_inflight_hashes_per_s',
    'sha256_browser_batch64_vs_noble', 'sha256_browser_batch64_vs_webcrypto', 'sha256_browser_batch64_into_vs_noble',
    'sha256_browser_1k_wasm_mb_per_s', 'sha256_browser_1k_noble_mb_per_s', 'sha256_browser_1k_webcrypto_mb_per_s',
    'sha256_browser_1m_wasm_mb_per_s', 'sha256_browser_1m_noble_mb_per_s', 'sha256_browser_1m_webcrypto_mb_per_s',
    'sha256_browser_1m_vs_webcrypto'
  ],
  async run (report) {
    const subtle = globalThis.crypto?.subtle
    if (subtle === undefined) throw new Error('crypto.subtle is missing: the bench page must be a secure context')
    // Synchronous compile + instantiate on the main thread, as sha256() does on first use.
    const started = performance.now()
    createSha256Engine('wasm-simd')
    report({ name: 'sha256_browser_instantiate_ms', value: round(performance.now() - started, 3), unit: 'ms' })
    report({ name: 'sha256_browser_wasm_simd', value: sha256Backend() === 'wasm-simd' ? 1 : 0, unit: 'bool' })

    const messages = Array.from({ length: BATCH }, (_, i) => filled(64, i))
    const out = new Uint8Array(32 * BATCH)
    const webcryptoDigests = await Promise.all(messages.map(async (m) => new Uint8Array(await subtle.digest('SHA-256', m))))
    const expected = webcryptoDigests.map(toHex)
    for (const digests of [sha256Batch(messages), messages.map((m) => nobleSha256(m))]) {
      if (digests.some((d, i) => toHex(d) !== expected[i])) throw new Error('sha256 browser bench: digests disagree with WebCrypto')
    }

    const batch = await interleaved({
      wasm: () => sha256Batch(messages),
      into: () => sha256BatchInto(messages, out),
      noble: () => { for (const m of messages) nobleSha256(m) },
      awaited: async () => { for (const m of messages) await subtle.digest('SHA-256', m) },
      inflight: () => Promise.all(messages.map((m) => subtle.digest('SHA-256', m)))
    })
    const bestWebcrypto = batch.rate.inflight > batch.rate.awaited ? 'inflight' : 'awaited'
    report({ name: 'sha256_browser_batch64_wasm_hashes_per_s', value: round(BATCH * batch.rate.wasm), unit: 'hashes/s' })
    report({ name: 'sha256_browser_batch64_wasm_into_hashes_per_s', value: round(BATCH * batch.rate.into), unit: 'hashes/s' })
    report({ name: 'sha256_browser_batch64_noble_hashes_per_s', value: round(BATCH * batch.rate.noble), unit: 'hashes/s' })
    report({ name: 'sha256_browser_batch64_webcrypto_awaited_hashes_per_s', value: round(BATCH * batch.rate.awaited), unit: 'hashes/s' })
    report({ name: 'sha256_browser_batch64_webcrypto_inflight_hashes_per_s', value: round(BATCH * batch.rate.inflight), unit: 'hashes/s' })
    report({ name: 'sha256_browser_batch64_vs_noble', value: round(batch.ratio('wasm', 'noble'), 3), unit: 'x' })
    report({ name: 'sha256_browser_batch64_vs_webcrypto', value: round(batch.ratio('wasm', bestWebcrypto), 3), unit: 'x' })
    report({ name: 'sha256_browser_batch64_into_vs_noble', value: round(batch.ratio('into', 'noble'), 3), unit: 'x' })

    const kib = filled(1024, 1)
    const small = await interleaved({
      wasm: () => sha256(kib),
      noble: () => nobleSha256(kib),
      webcrypto: () => subtle.digest('SHA-256', kib)
    }, { minMs: 100 })
    report({ name: 'sha256_browser_1k_wasm_mb_per_s', value: round(small.rate.wasm * 1024 / 1e6), unit: 'MB/s' })
    report({ name: 'sha256_browser_1k_noble_mb_per_s', value: round(small.rate.noble * 1024 / 1e6), unit: 'MB/s' })
    report({ name: 'sha256_browser_1k_webcrypto_mb_per_s', value: round(small.rate.webcrypto * 1024 / 1e6), unit: 'MB/s' })

    const mib = filled(MIB, 2)
    const large = await interleaved({
      wasm: () => sha256(mib),
      noble: () => nobleSha256(mib),
      webcrypto: () => subtle.digest('SHA-256', mib)
    }, { minMs: 200 })
    report({ name: 'sha256_browser_1m_wasm_mb_per_s', value: round(large.rate.wasm * MIB / 1e6), unit: 'MB/s' })
    report({ name: 'sha256_browser_1m_noble_mb_per_s', value: round(large.rate.noble * MIB / 1e6), unit: 'MB/s' })
    report({ name: 'sha256_browser_1m_webcrypto_mb_per_s', value: round(large.rate.webcrypto * MIB / 1e6), unit: 'MB/s' })
    report({ name: 'sha256_browser_1m_vs_webcrypto', value: round(large.ratio('wasm', 'webcrypto'), 3), unit: 'x' })
  }
}
