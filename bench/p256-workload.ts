/**
 * The P-256 verification benchmark shared by bench/node/p256.bench.ts and
 * bench/browser/p256.bench.ts (CRYPTO.md's workload): 1,000 DER signatures by 10 keys over
 * 200-byte messages. Every backend's verdicts are checked before anything is timed.
 *
 * - wasm batch: `WasmVerifier.verifyBatchSync` over all 1,000 (tables for the 10 keys cached
 *   after the warm-up, as for a peer's recurring endorser keys).
 * - wasm single: the same requests through `verify()` one at a time, awaited.
 * - noble: `p256.verify(sig, msg, publicKeyBytes)` (what an app would call), on a 100-signature
 *   slice so one call stays short; rates are per signature.
 * - WebCrypto awaited / in flight: `crypto.subtle.verify` with CryptoKeys imported once and
 *   signatures already converted to P1363 (CRYPTO.md's reference; a real verifier also pays
 *   the DER conversion).
 * Contenders are measured in interleaved rounds (median of 3), see `interleaved`.
 */
import { p256 } from '@noble/curves/nist.js'
import { measure, round, type Figure } from './harness.js'
import { WasmVerifier } from '../src/crypto/p256-wasm/wasm-verifier.js'
import type { VerifyRequest } from '../src/crypto/verifier.js'

const SIGNATURES = 1000
const KEYS = 10
const MESSAGE_BYTES = 200
const NOBLE_SLICE = 100

export function p256FigureNames (suffix: string): string[] {
  return [
    'p256_verify_single_vs_noble', 'p256_verify_batch_vs_noble', 'p256_verify_batch_vs_webcrypto',
    'p256_wasm_single_per_s', 'p256_wasm_batch_per_s', 'p256_noble_per_s',
    'p256_webcrypto_awaited_per_s', 'p256_webcrypto_inflight_per_s', 'p256_wasm_new_key_table_ms',
    'p256_wasm_batch_jacobian_per_s', 'p256_wasm_batch_cpu_per_s'
  ].map((n) => n + suffix)
}

interface Workload {
  requests: VerifyRequest[]
  p1363: Uint8Array[]
  keyIndex: number[]
}

function workload (): Workload {
  // Deterministic keys and messages; signatures come from noble.
  const secretKeys = Array.from({ length: KEYS }, (_v, k) => {
    const sk = new Uint8Array(32).map((_b, i) => (i * 13 + k * 101 + 7) & 0xff)
    sk[0] = 0x11
    return sk
  })
  const publicKeys = secretKeys.map((sk) => p256.getPublicKey(sk, false))
  const requests: VerifyRequest[] = []
  const p1363: Uint8Array[] = []
  const keyIndex: number[] = []
  for (let i = 0; i < SIGNATURES; i++) {
    const k = i % KEYS
    const message = new Uint8Array(MESSAGE_BYTES).map((_b, j) => (i * 7 + j * 31) & 0xff)
    const compact = p256.sign(message, secretKeys[k] as Uint8Array)
    p1363.push(compact)
    keyIndex.push(k)
    requests.push({ publicKey: publicKeys[k] as Uint8Array, message, signature: p256.Signature.fromBytes(compact).toBytes('der') })
  }
  return { requests, p1363, keyIndex }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/**
 * Measures every contender once per round, ROUNDS rounds, and keeps each one's median: on a
 * shared machine the load drifts, and interleaving exposes all contenders to the same drift,
 * so the ratios stay fair even when the absolute rates move.
 */
const ROUNDS = 3

async function interleaved (contenders: Record<string, () => Promise<number>>): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {}
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(contenders)) (samples[name] ??= []).push(await run())
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]))
}

export async function runP256Bench (suffix: string, report: (figure: Figure) => void): Promise<void> {
  const { requests, p1363, keyIndex } = workload()
  const subtle = globalThis.crypto?.subtle
  const verifier = new WasmVerifier()
  const jacobian = new WasmVerifier({ lockstepMin: Infinity }) // every record on Jacobian additions

  // Correctness first: every backend accepts all 1,000, and the WASM batch rejects a tampered one.
  const verdicts = verifier.verifyBatchSync(requests)
  if (verdicts.some((v) => !v) || jacobian.verifyBatchSync(requests).some((v) => !v)) throw new Error('p256 bench: WASM rejected a valid signature')
  const tampered = requests.map((r, i) => i === 5 ? { ...r, message: new Uint8Array(MESSAGE_BYTES) } : r)
  if (verifier.verifyBatchSync(tampered)[5] !== false) throw new Error('p256 bench: WASM accepted a tampered message')
  const slice = requests.slice(0, NOBLE_SLICE)
  if (!slice.every((r) => p256.verify(r.signature, r.message, r.publicKey, { format: 'der' }))) throw new Error('p256 bench: noble disagrees')

  const contenders: Record<string, () => Promise<number>> = {
    batch: async () => SIGNATURES * await measure(() => verifier.verifyBatchSync(requests), { samples: 1 }),
    jacobian: async () => SIGNATURES * await measure(() => jacobian.verifyBatchSync(requests), { samples: 1 }),
    single: async () => SIGNATURES * await measure(async () => {
      for (const r of requests) await verifier.verify(r)
    }, { samples: 1 }),
    noble: async () => NOBLE_SLICE * await measure(() => {
      for (const r of slice) p256.verify(r.signature, r.message, r.publicKey, { format: 'der' })
    }, { samples: 1 })
  }
  let webcrypto: { one: (i: number) => Promise<boolean> } | undefined
  if (subtle !== undefined) {
    const keys = await Promise.all(Array.from({ length: KEYS }, (_v, k) => subtle.importKey(
      'raw', requests[k]?.publicKey as Uint8Array<ArrayBuffer>, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])))
    const algorithm = { name: 'ECDSA', hash: 'SHA-256' }
    const one = (i: number): Promise<boolean> => subtle.verify(algorithm, keys[keyIndex[i] as number] as CryptoKey,
      p1363[i] as Uint8Array<ArrayBuffer>, (requests[i] as VerifyRequest).message as Uint8Array<ArrayBuffer>)
    if (!(await one(0)) || !(await one(SIGNATURES - 1))) throw new Error('p256 bench: WebCrypto disagrees')
    webcrypto = { one }
    contenders.awaited = async () => SIGNATURES * await measure(async () => {
      for (let i = 0; i < SIGNATURES; i++) await one(i)
    }, { samples: 1 })
    contenders.inflight = async () => SIGNATURES * await measure(() => Promise.all(requests.map((_r, i) => one(i))), { samples: 1 })
  }
  const rate = await interleaved(contenders)
  const batch = rate.batch as number
  const noble = rate.noble as number
  const single = rate.single as number
  report({ name: 'p256_wasm_batch_per_s' + suffix, value: round(batch), unit: 'verifies/s' })
  report({ name: 'p256_wasm_batch_jacobian_per_s' + suffix, value: round(rate.jacobian as number), unit: 'verifies/s' })
  report({ name: 'p256_wasm_single_per_s' + suffix, value: round(single), unit: 'verifies/s' })
  report({ name: 'p256_noble_per_s' + suffix, value: round(noble), unit: 'verifies/s' })
  report({ name: 'p256_verify_single_vs_noble' + suffix, value: round(single / noble, 3), unit: 'x' })
  report({ name: 'p256_verify_batch_vs_noble' + suffix, value: round(batch / noble, 3), unit: 'x' })
  if (webcrypto !== undefined) {
    report({ name: 'p256_webcrypto_awaited_per_s' + suffix, value: round(rate.awaited as number), unit: 'verifies/s' })
    report({ name: 'p256_webcrypto_inflight_per_s' + suffix, value: round(rate.inflight as number), unit: 'verifies/s' })
    report({ name: 'p256_verify_batch_vs_webcrypto' + suffix, value: round(batch / (rate.awaited as number), 3), unit: 'x' })
  }

  // Node only: the batch rate in process CPU time, which other load on the machine distorts
  // far less than wall time (best of 5).
  const cpuUsage = (globalThis as { process?: { cpuUsage?: (prev?: { user: number, system: number }) => { user: number, system: number } } }).process?.cpuUsage
  if (cpuUsage !== undefined) {
    let best = Infinity
    for (let k = 0; k < 5; k++) {
      const before = cpuUsage()
      verifier.verifyBatchSync(requests)
      const used = cpuUsage(before)
      best = Math.min(best, (used.user + used.system) / 1e6)
    }
    report({ name: 'p256_wasm_batch_cpu_per_s' + suffix, value: round(SIGNATURES / best), unit: 'verifies/s' })
  }

  // Cost of a new recurring key: build its comb table (plus one verify), median over the 10
  // keys, each building into the single slot of a fresh verifier that evicts the previous one.
  const fresh = new WasmVerifier({ keyTableSlots: 1, tableAfterUses: 1 })
  const builds: number[] = []
  for (let k = 0; k < KEYS; k++) {
    const t0 = performance.now()
    fresh.verifyBatchSync([requests[k] as VerifyRequest])
    builds.push(performance.now() - t0)
  }
  if (fresh.keyTablesBuilt !== KEYS) throw new Error('p256 bench: expected one table build per key')
  report({ name: 'p256_wasm_new_key_table_ms' + suffix, value: round(median(builds), 3), unit: 'ms' })
}
