/**
 * The worker-pool P-256 benchmark shared by bench/node/p256-pool.bench.ts (worker_threads) and
 * bench/browser/p256-pool.bench.ts (Web Workers): 1,500 DER signatures by 10 keys over 200-byte
 * messages (a 500-transaction block, creator plus two endorsements each), as bench/p256-workload.ts.
 *
 * - single thread: `WasmVerifier.verifyBatchSync` over all 1,500 (tables warm).
 * - pool: `PoolVerifier.verifyBatch` over the same 1,500 (workers started and tables warm),
 *   forced onto the workers (`minGain: 0`): what the second core gives right now.
 * - adaptive: a pool with the default options, whose `ParallelGate` sends each batch to the
 *   workers only while they measure at least 1.1× faster (`p256_pool_adaptive_vs_single_thread`;
 *   `p256_pool_gate_gain` is the speed-up that gate measured on its own batches).
 * - crossover: the same two at batch sizes 32…1,500 (the first requests of the workload), to
 *   find where the pool starts to pay; `p256_pool_crossover_batch` is the smallest size from
 *   which the pool is at least CROSSOVER_GAIN× faster at every larger size measured.
 * - Node only, `p256_pool_cpu_overhead`: process CPU time (all threads) per 1,500-signature batch,
 *   pool over single thread, best of 5 each. Load on the machine distorts it far less than wall
 *   time; it is what the pool costs on top (packing, messages, a second set of tables).
 * Contenders are measured in interleaved rounds (median of ROUNDS): the machine is shared and
 * its load drifts, and interleaving exposes both to the same drift.
 */
import { p256 } from '@noble/curves/nist.js'
import { measure, round, type Figure } from './harness.js'
import { WasmVerifier } from '../src/crypto/p256-wasm/wasm-verifier.js'
import type { PoolVerifier, PoolVerifierOptions } from '../src/crypto/verifier-pool/pool-verifier.js'
import type { VerifyRequest } from '../src/crypto/verifier.js'

const SIGNATURES = 1500
const KEYS = 10
const MESSAGE_BYTES = 200
const ROUNDS = 5
const CROSSOVER_SIZES = [32, 64, 128, 256, 512, 1024, 1500]
const CROSSOVER_GAIN = 1.1

export function p256PoolFigureNames (suffix: string): string[] {
  return [
    'p256_pool_batch_per_s', 'p256_pool_vs_single_thread', 'p256_pool_single_thread_per_s',
    'p256_pool_crossover_batch', 'p256_pool_workers', 'p256_pool_cpu_overhead',
    'p256_pool_adaptive_vs_single_thread', 'p256_pool_gate_gain',
    ...CROSSOVER_SIZES.map((n) => `p256_pool_vs_single_thread_at_${n}`)
  ].map((n) => n + suffix)
}

function workload (): VerifyRequest[] {
  const secretKeys = Array.from({ length: KEYS }, (_v, k) => {
    const sk = new Uint8Array(32).map((_b, i) => (i * 13 + k * 101 + 7) & 0xff)
    sk[0] = 0x11
    return sk
  })
  const publicKeys = secretKeys.map((sk) => p256.getPublicKey(sk, false))
  return Array.from({ length: SIGNATURES }, (_v, i) => {
    const k = i % KEYS
    const message = new Uint8Array(MESSAGE_BYTES).map((_b, j) => (i * 7 + j * 31) & 0xff)
    return { publicKey: publicKeys[k] as Uint8Array, message, signature: p256.sign(message, secretKeys[k] as Uint8Array, { format: 'der' }) }
  })
}

const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0

async function interleaved (contenders: Record<string, () => Promise<number>>, rounds: number): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {}
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(contenders)) (samples[name] ??= []).push(await run())
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]))
}

export async function runP256PoolBench (
  suffix: string,
  report: (figure: Figure) => void,
  makePool: (options: PoolVerifierOptions) => PoolVerifier
): Promise<void> {
  const requests = workload()
  const single = new WasmVerifier()
  const pool = makePool({ minParallelBatch: 1, minGain: 0 }) // forced through the workers at every size
  const adaptive = makePool({})
  try {
    pool.start()
    adaptive.start()
    // Correctness first (and warm-up: worker start-up, every worker's tables for its keys).
    for (let k = 0; k < 3; k++) {
      if ((await pool.verifyBatch(requests)).some((v) => !v)) throw new Error('p256 pool bench: the pool rejected a valid signature')
    }
    if (single.verifyBatchSync(requests).some((v) => !v)) throw new Error('p256 pool bench: WASM rejected a valid signature')
    const tampered = requests.map((r, i) => i === 7 ? { ...r, message: new Uint8Array(MESSAGE_BYTES) } : r)
    if ((await pool.verifyBatch(tampered))[7] !== false) throw new Error('p256 pool bench: the pool accepted a tampered message')
    if (pool.liveWorkers !== pool.workers || pool.workers < 1) {
      throw new Error(`p256 pool bench: ${pool.liveWorkers}/${pool.workers} workers alive (${pool.workerFailures.join('; ')})`)
    }
    report({ name: 'p256_pool_workers' + suffix, value: pool.workers, unit: 'workers' })
    for (let k = 0; k < 8; k++) await adaptive.verifyBatch(requests) // the gate learns both paths

    const rate = await interleaved({
      single: async () => SIGNATURES * await measure(() => single.verifyBatchSync(requests), { samples: 1 }),
      pool: async () => SIGNATURES * await measure(() => pool.verifyBatch(requests), { samples: 1 }),
      adaptive: async () => SIGNATURES * await measure(() => adaptive.verifyBatch(requests), { samples: 1 })
    }, ROUNDS)
    const poolRate = rate.pool as number
    const singleRate = rate.single as number
    report({ name: 'p256_pool_batch_per_s' + suffix, value: round(poolRate), unit: 'verifies/s' })
    report({ name: 'p256_pool_single_thread_per_s' + suffix, value: round(singleRate), unit: 'verifies/s' })
    report({ name: 'p256_pool_vs_single_thread' + suffix, value: round(poolRate / singleRate, 3), unit: 'x' })
    report({ name: 'p256_pool_adaptive_vs_single_thread' + suffix, value: round((rate.adaptive as number) / singleRate, 3), unit: 'x' })
    const gate = adaptive.parallelism
    if (gate.workersUsPerSignature !== undefined && gate.threadUsPerSignature !== undefined) {
      report({ name: 'p256_pool_gate_gain' + suffix, value: round(gate.threadUsPerSignature / gate.workersUsPerSignature, 3), unit: `x (gate prefers ${gate.preferred})` })
    }

    const cpuUsage = (globalThis as { process?: { cpuUsage?: (prev?: { user: number, system: number }) => { user: number, system: number } } }).process?.cpuUsage
    if (cpuUsage !== undefined) {
      const cpu = { single: Infinity, pool: Infinity }
      for (let k = 0; k < 5; k++) {
        let before = cpuUsage()
        single.verifyBatchSync(requests)
        let used = cpuUsage(before)
        cpu.single = Math.min(cpu.single, used.user + used.system)
        before = cpuUsage()
        await pool.verifyBatch(requests)
        used = cpuUsage(before)
        cpu.pool = Math.min(cpu.pool, used.user + used.system)
      }
      report({ name: 'p256_pool_cpu_overhead' + suffix, value: round(cpu.pool / cpu.single, 3), unit: 'x CPU time' })
    }

    const gains: number[] = []
    for (const size of CROSSOVER_SIZES) {
      const slice = requests.slice(0, size)
      const r = await interleaved({
        single: async () => measure(() => single.verifyBatchSync(slice), { samples: 1, minMs: 150 }),
        pool: async () => measure(() => pool.verifyBatch(slice), { samples: 1, minMs: 150 })
      }, ROUNDS)
      const gain = (r.pool as number) / (r.single as number)
      gains.push(gain)
      report({ name: `p256_pool_vs_single_thread_at_${size}${suffix}`, value: round(gain, 3), unit: 'x' })
    }
    let crossover = -1
    for (let i = gains.length - 1; i >= 0 && (gains[i] as number) >= CROSSOVER_GAIN; i--) crossover = CROSSOVER_SIZES[i] as number
    report(crossover > 0
      ? { name: 'p256_pool_crossover_batch' + suffix, value: crossover, unit: `signatures (pool ≥ ${CROSSOVER_GAIN}× from here on)` }
      : { name: 'p256_pool_crossover_batch' + suffix, value: 0, unit: `signatures (pool never ≥ ${CROSSOVER_GAIN}× up to ${SIGNATURES})` })
  } finally {
    pool.close()
    adaptive.close()
  }
}
