/**
 * Which worker verifies which request. Requests are grouped by public key, and each key has a
 * home worker (sticky across batches), so a worker's WASM comb tables stay warm for its keys
 * instead of every worker building a table for every key. New keys go to the least-loaded
 * worker (largest groups first). When homes leave one worker with clearly more signatures than
 * another, the tail of its smallest group spills over: that key then also earns a table in the
 * second worker, and since the split is deterministic it stays warm there too.
 * Affinity is only a performance hint; verdicts never depend on it.
 * @module
 */

/** FNV-1a over the key bytes: cheap, and collisions only cost affinity, never correctness. */
export function keyHash (publicKey: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < publicKey.length; i++) h = Math.imul(h ^ (publicKey[i] as number), 0x01000193)
  return h >>> 0
}

/** Home workers are forgotten wholesale beyond this many keys (a new epoch of keys). */
const MAX_REMEMBERED_KEYS = 65_536

export class KeyAffinity {
  readonly #home = new Map<number, number>()

  /** Keys with a home worker (for tests). */
  get size (): number { return this.#home.size }

  /**
   * Splits `indices` (requests by position, with their key hashes in `hashes`) over the
   * workers in `live`; returns one index list per entry of `live`.
   */
  partition (indices: readonly number[], hashes: readonly number[], live: readonly number[]): number[][] {
    const groups = new Map<number, number[]>()
    for (const i of indices) {
      const h = hashes[i] as number
      let group = groups.get(h)
      if (group === undefined) groups.set(h, group = [])
      group.push(i)
    }
    if (this.#home.size + groups.size > MAX_REMEMBERED_KEYS) this.#home.clear()
    const slot = new Map<number, number>(live.map((worker, s) => [worker, s]))
    const shares = live.map((): number[] => [])
    const loads = live.map(() => 0)
    const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0] - b[0])
    for (const [hash, group] of ordered) {
      let s = slot.get(this.#home.get(hash) ?? -1)
      if (s === undefined) {
        s = argMin(loads)
        this.#home.set(hash, live[s] as number)
      }
      for (const i of group) (shares[s] as number[]).push(i)
      loads[s] = (loads[s] as number) + group.length
    }
    // Spill-over: keeps the slowest worker within `slack` records of the fastest.
    const slack = Math.max(16, Math.ceil(indices.length / live.length / 8))
    for (let round = 0; round < live.length * 2; round++) {
      const hi = argMax(loads)
      const lo = argMin(loads)
      const excess = Math.floor(((loads[hi] as number) - (loads[lo] as number)) / 2)
      if (excess <= slack / 2) break
      const moved = (shares[hi] as number[]).splice(-excess)
      for (const i of moved) (shares[lo] as number[]).push(i)
      loads[hi] = (loads[hi] as number) - excess
      loads[lo] = (loads[lo] as number) + excess
    }
    return shares
  }
}

function argMin (values: readonly number[]): number {
  let best = 0
  for (let i = 1; i < values.length; i++) if ((values[i] as number) < (values[best] as number)) best = i
  return best
}

function argMax (values: readonly number[]): number {
  let best = 0
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i
  return best
}
