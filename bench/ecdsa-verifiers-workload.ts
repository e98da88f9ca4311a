/**
 * The `Verifier` implementations as the peer uses them (src/crypto/verifier-*.ts), on CRYPTO.md's
 * workload: 1,000 DER signatures by 10 recurring keys over 200-byte messages. Unlike
 * p256-workload.ts (raw primitives), these rates include DER parsing, the low-S check, key-cache
 * lookups and, for WebCrypto, the DER → P1363 conversion. Verdicts are checked before timing.
 *
 * - webcrypto batch: `WebCryptoVerifier.verifyBatch` (all in flight); awaited: one `verify` at a time.
 * - noble tables: `NobleVerifier` (per-key W=8 tables, built during warm-up) on a 100-signature slice.
 * - noble plain: `NobleVerifier({ precomputeWindow: 0 })`; reference: `p256.verify` (decodes the key each call).
 */
import { p256 } from '@noble/curves/nist.js'
import { measure, round, type Figure } from './harness.js'
import type { Verifier, VerifyRequest } from '../src/crypto/verifier.js'
import { NobleVerifier } from '../src/crypto/verifier-noble.js'
import { WebCryptoVerifier } from '../src/crypto/verifier-webcrypto.js'

const SIGNATURES = 1000
const KEYS = 10
const MESSAGE_BYTES = 200
const NOBLE_SLICE = 100

export function ecdsaVerifierFigureNames (suffix: string): string[] {
  return [
    'ecdsa_verifier_webcrypto_batch_per_s', 'ecdsa_verifier_webcrypto_awaited_per_s',
    'ecdsa_verifier_noble_tables_per_s', 'ecdsa_verifier_noble_plain_per_s', 'ecdsa_noble_p256_verify_per_s',
    'ecdsa_verifier_noble_tables_vs_p256_verify', 'ecdsa_verifier_webcrypto_batch_vs_noble_tables',
    'ecdsa_verifier_noble_table_build_ms'
  ].map((n) => n + suffix)
}

function workload (): VerifyRequest[] {
  const secretKeys = Array.from({ length: KEYS }, () => p256.utils.randomSecretKey())
  const publicKeys = secretKeys.map((sk) => p256.getPublicKey(sk, false))
  return Array.from({ length: SIGNATURES }, (_v, i) => {
    const k = i % KEYS
    const message = new Uint8Array(MESSAGE_BYTES).map((_b, j) => (i * 7 + j * 31) & 0xff)
    return { publicKey: publicKeys[k] as Uint8Array, message, signature: p256.sign(message, secretKeys[k] as Uint8Array, { format: 'der' }) }
  })
}

async function checkAll (verifier: Verifier, requests: readonly VerifyRequest[]): Promise<void> {
  const verdicts = await verifier.verifyBatch(requests)
  if (verdicts.some((v) => !v)) throw new Error(`ecdsa bench: ${verifier.name} rejected a valid signature`)
  const tampered = { ...(requests[3] as VerifyRequest), message: new Uint8Array(MESSAGE_BYTES) }
  if (await verifier.verify(tampered)) throw new Error(`ecdsa bench: ${verifier.name} accepted a tampered message`)
}

export async function runEcdsaVerifierBench (suffix: string, report: (figure: Figure) => void): Promise<void> {
  const requests = workload()
  const slice = requests.slice(0, NOBLE_SLICE)

  const tables = new NobleVerifier()
  const t0 = performance.now()
  await checkAll(tables, slice) // builds the 10 per-key tables (second use of each key)
  const buildMs = (performance.now() - t0) / KEYS
  const plain = new NobleVerifier({ precomputeWindow: 0 })
  await checkAll(plain, slice)
  if (!slice.every((r) => p256.verify(r.signature, r.message, r.publicKey, { format: 'der' }))) throw new Error('ecdsa bench: noble disagrees')

  const nobleTables = NOBLE_SLICE * await measure(() => tables.verifyBatch(slice))
  const noblePlain = NOBLE_SLICE * await measure(() => plain.verifyBatch(slice))
  const reference = NOBLE_SLICE * await measure(() => {
    for (const r of slice) p256.verify(r.signature, r.message, r.publicKey, { format: 'der' })
  })
  report({ name: 'ecdsa_verifier_noble_tables_per_s' + suffix, value: round(nobleTables), unit: 'verifies/s' })
  report({ name: 'ecdsa_verifier_noble_plain_per_s' + suffix, value: round(noblePlain), unit: 'verifies/s' })
  report({ name: 'ecdsa_noble_p256_verify_per_s' + suffix, value: round(reference), unit: 'verifies/s' })
  report({ name: 'ecdsa_verifier_noble_tables_vs_p256_verify' + suffix, value: round(nobleTables / reference, 3), unit: 'x' })
  // Includes the 10 first-use verifications; the table build dominates.
  report({ name: 'ecdsa_verifier_noble_table_build_ms' + suffix, value: round(buildMs, 3), unit: 'ms' })

  if (globalThis.crypto?.subtle === undefined) return // plain-http page: no WebCrypto figures
  const webcrypto = new WebCryptoVerifier()
  await checkAll(webcrypto, requests)
  const batch = SIGNATURES * await measure(() => webcrypto.verifyBatch(requests))
  const awaited = SIGNATURES * await measure(async () => {
    for (const r of requests) await webcrypto.verify(r)
  })
  report({ name: 'ecdsa_verifier_webcrypto_batch_per_s' + suffix, value: round(batch), unit: 'verifies/s' })
  report({ name: 'ecdsa_verifier_webcrypto_awaited_per_s' + suffix, value: round(awaited), unit: 'verifies/s' })
  report({ name: 'ecdsa_verifier_webcrypto_batch_vs_noble_tables' + suffix, value: round(batch / nobleTables, 3), unit: 'x' })
}
