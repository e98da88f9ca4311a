// Arithmetic modulo the group order n (SEC 2 §2.4.2), for s⁻¹, u1 = e·s⁻¹ and u2 = r·s⁻¹.
// Montgomery form (R = 2^256) with a plain CIOS loop: n has no special shape, and only a few
// scalar operations run per signature (the inversion is shared by the whole batch), so this
// is not worth unrolling.
import { lessThan, copy, isZero, ZERO } from './field'
import { nmontmul as montmulN } from './field-mul'

/** n, little-endian limbs. */
export const N: usize = memory.data<u32>([
  0xfc632551, 0xf3b9cac2, 0xa7179e84, 0xbce6faad, 0xffffffff, 0xffffffff, 0x00000000, 0xffffffff
])

/** ⌊n/2⌋: Fabric's low-S bound (s ≤ n/2). */
export const HALF_N: usize = memory.data<u32>([
  0x7e3192a8, 0x79dce561, 0xd38bcf42, 0xde737d56, 0xffffffff, 0x7fffffff, 0x80000000, 0x7fffffff
])

// −n⁻¹ mod 2^32 and R² mod n, computed once by initScalar().
let nPrime: u32 = 0
const R2: usize = memory.data(32)
const ONE_N: usize = memory.data<u32>([1, 0, 0, 0, 0, 0, 0, 0])

export function initScalar (): void {
  // Newton iteration for n0⁻¹ mod 2^32: each step doubles the correct low bits.
  const n0 = load<u32>(N)
  let inv: u32 = 1
  for (let i = 0; i < 5; i++) inv *= 2 - n0 * inv
  nPrime = 0 - inv
  // R mod n = 2^256 − n; then double it 256 times mod n to get R² mod n.
  nsubRaw(R2, ZERO, N) // 0 − n wraps to 2^256 − n
  for (let i = 0; i < 256; i++) nadd(R2, R2, R2)
}

/** r = a·b·R⁻¹ mod n (CIOS, unrolled in field-mul.ts). Inputs < n. */
export function nmontmul (r: usize, a: usize, b: usize): void {
  montmulN(r, a, b, <u64>nPrime)
}

/** r = a·R mod n (into Montgomery form). */
export function ntoMont (r: usize, a: usize): void {
  nmontmul(r, a, R2)
}

/** r = a·R⁻¹ mod n (out of Montgomery form). */
export function nfromMont (r: usize, a: usize): void {
  nmontmul(r, a, ONE_N)
}

/** r = a + b mod n. */
export function nadd (r: usize, a: usize, b: usize): void {
  let c: u64 = 0
  for (let i: usize = 0; i < 32; i += 4) {
    c += <u64>load<u32>(a + i) + <u64>load<u32>(b + i)
    store<u32>(r + i, <u32>c)
    c >>= 32
  }
  if (c != 0 || !lessThan(r, N)) nsubRaw(r, r, N)
}

/** r = a − b (wrapping mod 2^256). */
export function nsubRaw (r: usize, a: usize, b: usize): void {
  let c: i64 = 0
  for (let i: usize = 0; i < 32; i += 4) {
    c += <i64>load<u32>(a + i) - <i64>load<u32>(b + i)
    store<u32>(r + i, <u32>c)
    c >>= 32
  }
}

/** Reduces a < 2^256 to a mod n (one subtraction suffices since 2^256 < 2n). */
export function nreduce (r: usize, a: usize): void {
  if (lessThan(a, N)) copy(r, a)
  else nsubRaw(r, a, N)
}

/** In [1, n−1]. */
export function inRange (a: usize): bool {
  return !isZero(a) && lessThan(a, N)
}

const INV_T: usize = memory.data(32)
const POWERS: usize = memory.data(15 * 32) // a^1 … a^15, Montgomery form
const ONE_MONT: usize = memory.data(32)

/**
 * Montgomery-form inverse: input aR, output a⁻¹R, as a^(n−2) with 4-bit fixed windows
 * (252 squarings, ≤ 78 multiplications). Single verifies pay one of these; batches share one.
 */
export function nmontinv (r: usize, a: usize): void {
  copy(POWERS, a)
  for (let k: usize = 1; k < 15; k++) nmontmul(POWERS + (k << 5), POWERS + ((k - 1) << 5), a)
  ntoMont(ONE_MONT, ONE_N)
  copy(INV_T, ONE_MONT)
  for (let i: i32 = 63; i >= 0; i--) {
    if (i != 63) {
      nmontmul(INV_T, INV_T, INV_T)
      nmontmul(INV_T, INV_T, INV_T)
      nmontmul(INV_T, INV_T, INV_T)
      nmontmul(INV_T, INV_T, INV_T)
    }
    const d = nMinus2Nibble(i)
    if (d != 0) nmontmul(INV_T, INV_T, POWERS + (<usize>(d - 1) << 5))
  }
  copy(r, INV_T)
}

// Nibble i (0 = least significant) of n − 2.
function nMinus2Nibble (i: i32): u32 {
  const limb = i >> 3
  let w = load<u32>(N + (<usize>limb << 2))
  if (limb == 0) w -= 2 // n's low limb is odd and ≥ 2: no borrow
  return (w >> ((<u32>i & 7) << 2)) & 15
}
