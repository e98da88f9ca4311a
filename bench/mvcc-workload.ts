/**
 * The MVCC benchmark block (issue 6): 500 transactions, each reading 2 keys at their committed
 * versions and writing them back (read-modify-write, as asset transfers do), over 10,000
 * committed keys of one namespace; every 25th transaction also runs a 10-key range query.
 * Key collisions between transactions give a realistic sprinkle of MVCC conflicts and phantoms.
 * Seeded, so Node and Chromium validate the same block.
 */
import type { Height } from '../src/ledger/api.js'
import type { KVRWSet } from '../src/protos/index.js'
import { measure, round } from './harness.js'
import { interleaved } from './sha256-compare.js'
import type { BenchSuite } from './harness.js'
import { validateBlockMvcc } from '../src/validator/mvcc-wasm/engine.js'
import { buildBlockMvccProblem } from '../src/validator/mvcc-wasm/intern.js'
import type { BuiltProblem, CommittedKeyVersion, CommittedVersionReader, MvccTxInput, NsKey } from '../src/validator/mvcc-wasm/intern.js'

export const MVCC_BENCH_TXS = 500
const COMMITTED_KEYS = 10_000
const NS = 'asset'
const BLOCK = 1000

const keyName = (i: number): string => `asset${String(i).padStart(6, '0')}`

function prng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6D2B79F5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function lowerBound (sorted: readonly string[], key: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as string) < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

export interface MvccWorkload {
  readonly txs: readonly MvccTxInput[]
  readonly reader: CommittedVersionReader
  readonly blockNum: number
}

export function mvccWorkload (seed = 6): MvccWorkload {
  const random = prng(seed)
  const committed = new Map<string, Height>()
  for (let i = 0; i < COMMITTED_KEYS; i++) committed.set(keyName(i), { blockNum: 1 + (i % 900), txNum: i % 500 })
  const sorted = [...committed.keys()].sort()
  const txs: MvccTxInput[] = []
  for (let t = 0; t < MVCC_BENCH_TXS; t++) {
    const a = keyName(Math.floor(random() * COMMITTED_KEYS))
    const b = keyName(Math.floor(random() * COMMITTED_KEYS))
    const kv: KVRWSet = {
      reads: [a, b].map((key) => ({ key, version: committed.get(key) })),
      rangeQueriesInfo: [],
      writes: [a, b].map((key) => ({ key, isDelete: false, value: new Uint8Array(8) })),
      metadataWrites: []
    }
    if (t % 25 === 0) {
      const from = Math.floor(random() * (COMMITTED_KEYS - 10))
      const keys = sorted.slice(from, from + 10)
      kv.rangeQueriesInfo.push({
        startKey: keys[0] as string,
        endKey: keyName(from + 10),
        itrExhausted: true,
        rawReads: { kvReads: keys.map((key) => ({ key, version: committed.get(key) })) }
      })
    }
    txs.push({ preCode: 0, rwsets: [{ namespace: NS, kv }] })
  }
  const reader: CommittedVersionReader = {
    async fetchCommittedVersions (keys: readonly NsKey[]) {
      return keys.map(({ key }) => committed.get(key))
    },
    async scanCommittedRange (_ns: string, start: string, end: string): Promise<CommittedKeyVersion[]> {
      // ASCII keys: JS order is UTF-8 order here.
      let i = lowerBound(sorted, start)
      const out: CommittedKeyVersion[] = []
      for (; i < sorted.length && (end === '' || (sorted[i] as string) < end); i++) {
        const key = sorted[i] as string
        out.push({ key, version: committed.get(key) as Height })
      }
      return out
    }
  }
  return { txs, reader, blockNum: BLOCK }
}

export async function mvccBenchProblem (): Promise<BuiltProblem & MvccWorkload> {
  const w = mvccWorkload()
  return { ...w, ...await buildBlockMvccProblem(w.blockNum, w.txs, w.reader) }
}

/**
 * Measures the block with both engines (through `validateBlockMvcc`, boundary check included in
 * both) and the cost of building the problem; figure names end with `suffix`.
 */
export async function runMvccBench (suffix: string, report: Parameters<BenchSuite['run']>[0]): Promise<void> {
  const built = await mvccBenchProblem()
  const { problem } = built
  const wasm = validateBlockMvcc(problem, { engine: 'wasm' })
  const ts = validateBlockMvcc(problem, { engine: 'reference' })
  if (wasm.engine !== 'wasm' || [...wasm.codes].join() !== [...ts.codes].join()) throw new Error('mvcc bench: engines disagree')
  const conflicts = [...ts.codes].filter((c) => c !== 0).length
  if (conflicts === 0) throw new Error('mvcc bench: the workload produced no conflicts')
  // Interleaved rounds, ratio = median of per-round ratios: the machine is shared.
  const cmp = await interleaved({
    wasm: () => validateBlockMvcc(problem, { engine: 'wasm' }),
    ts: () => validateBlockMvcc(problem, { engine: 'reference' })
  }, { rounds: 7, minMs: 150 })
  const buildRate = await measure(() => buildBlockMvccProblem(built.blockNum, built.txs, built.reader), { minMs: 300, samples: 3 })
  report({ name: `mvcc_500tx_wasm_us${suffix}`, value: round(1e6 / cmp.rate.wasm, 3), unit: 'us' })
  report({ name: `mvcc_500tx_ts_us${suffix}`, value: round(1e6 / cmp.rate.ts, 3), unit: 'us' })
  report({ name: `mvcc_500tx_wasm_vs_ts${suffix}`, value: round(cmp.ratio('wasm', 'ts'), 3), unit: 'x' })
  report({ name: `mvcc_500tx_build_us${suffix}`, value: round(1e6 / buildRate, 3), unit: 'us' })
  report({ name: `mvcc_500tx_conflicts${suffix}`, value: conflicts, unit: 'txs' })
}
