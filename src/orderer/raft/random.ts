/**
 * The only randomness Raft needs is the randomized election timeout. It is injected so the
 * simulator replays a seed exactly (etcd makes it injectable for the same reason).
 * Returns a float in [0, 1).
 */
export type RandomSource = () => number

/**
 * Seeded PRNG: mulberry32 (Tommy Ettinger, public domain). 32-bit state, passes
 * gjrand/PractRand far enough for scheduling decisions; not for cryptography.
 */
export function seededRandom (seed: number): RandomSource {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
