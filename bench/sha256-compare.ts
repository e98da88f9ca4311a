/**
 * Side-by-side measurement for the SHA-256 suites (bench/node and bench/browser). The machine is
 * shared, so contenders are measured in interleaved rounds (A B C, A B C, …) and a ratio is the
 * median of the per-round ratios: load that drifts during the run hits both sides alike.
 */
import { measure } from './harness.js'

export function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

export interface Comparison<K extends string> {
  /** Median calls per second of each contender. */
  rate: Record<K, number>
  /** Median over rounds of rate(a) / rate(b). */
  ratio: (a: K, b: K) => number
}

export async function interleaved<K extends string> (contenders: Record<K, () => unknown>, options: { rounds?: number, minMs?: number } = {}): Promise<Comparison<K>> {
  const rounds = options.rounds ?? 5
  const minMs = options.minMs ?? 150
  const names = Object.keys(contenders) as K[]
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>
  for (let r = 0; r < rounds; r++) {
    for (const name of names) samples[name].push(await measure(contenders[name], { samples: 1, minMs }))
  }
  const rate = Object.fromEntries(names.map((name) => [name, median(samples[name])])) as Record<K, number>
  const ratio = (a: K, b: K): number => median(samples[a].map((value, i) => value / (samples[b][i] as number)))
  return { rate, ratio }
}
