// Fixed-base comb tables with signed 8-bit windows: entry (i, j) = j·2^(8i)·P for i in 0..32
// and j in 1..128, stored affine. A scalar recoded into 33 digits in [−128, 127] (recode())
// makes k·P the sum of at most 33 entries, negated ones contributing (x, −y): 33 additions,
// no doublings. Signed digits halve the table (270,336 bytes) and its build (~4k additions
// and one inversion per window) against unsigned windows of 255 entries, for one more window.
// Tables pay off for keys that recur (endorsers, orderers) and for G.
import { finv, fmul, fsqr, copy, setOne } from './field'
import { JAC, AFF, pdbl, madd } from './point'

export const WINDOWS: i32 = 33
export const ENTRIES: i32 = 128
export const TABLE_BYTES: usize = <usize>(WINDOWS * ENTRIES) * AFF

/** Address of entry j (1..128) of window i. */
// @ts-ignore: decorator
@inline
export function entry (table: usize, i: i32, j: i32): usize {
  return table + (<usize>(i * ENTRIES + j - 1) << 6)
}

/**
 * Recodes k < 2^256 (32 little-endian bytes) into 33 signed digits (i8) with
 * k = Σ d_i·2^(8i), d_i ∈ [−128, 127]: a byte from 128 up becomes byte − 256 and carries one.
 */
export function recode (digits: usize, k: usize): void {
  let carry: i32 = 0
  for (let i: usize = 0; i < 32; i++) {
    let v = <i32>load<u8>(k + i) + carry
    if (v >= 128) {
      v -= 256
      carry = 1
    } else {
      carry = 0
    }
    store<i8>(digits + i, <i8>v)
  }
  store<i8>(digits + 32, <i8>carry)
}

export let scratchJac: usize = 0 // ENTRIES Jacobian points
let scratchPrefix: usize = 0 // ENTRIES field elements
const base: usize = memory.data(96)
const baseAff: usize = memory.data(64)
const zinv: usize = memory.data(32)
const zinv2: usize = memory.data(32)
const acc: usize = memory.data(32)

export function initTables (): void {
  scratchJac = heap.alloc(<usize>ENTRIES * JAC)
  scratchPrefix = heap.alloc(<usize>ENTRIES * 32)
}

/** Fills `table` for the affine point q (on the curve, not infinity). */
export function buildTable (table: usize, q: usize): void {
  copy(baseAff, q)
  copy(baseAff + 32, q + 32)
  for (let i: i32 = 0; i < WINDOWS; i++) {
    if (i > 0) {
      // base = 2^8 · previous base, then to affine for the mixed additions below.
      copy(base, baseAff)
      copy(base + 32, baseAff + 32)
      setOne(base + 64)
      for (let d = 0; d < 8; d++) pdbl(base, base)
      toAffine(baseAff, base)
    }
    // scratch[j−1] = j·base
    const first = scratchJac
    copy(first, baseAff)
    copy(first + 32, baseAff + 32)
    setOne(first + 64)
    for (let j: i32 = 1; j < ENTRIES; j++) {
      const prev = scratchJac + <usize>(j - 1) * JAC
      const cur = prev + JAC
      memory.copy(cur, prev, JAC)
      madd(cur, cur, baseAff)
    }
    normalizeInto(entry(table, i, 1), scratchJac, ENTRIES)
  }
}

/** Affine (x, y) of a Jacobian point with Z ≠ 0. */
function toAffine (r: usize, p: usize): void {
  finv(zinv, p + 64)
  fsqr(zinv2, zinv)
  fmul(r, p, zinv2)
  fmul(zinv2, zinv2, zinv)
  fmul(r + 32, p + 32, zinv2)
}

/**
 * Converts `count` Jacobian points (all Z ≠ 0) to consecutive affine points at `out` with one
 * inversion (Montgomery's trick: invert the product of all Z, then peel off one Z at a time).
 */
export function normalizeInto (out: usize, points: usize, count: i32): void {
  copy(scratchPrefix, points + 64)
  for (let k: i32 = 1; k < count; k++) {
    fmul(scratchPrefix + (<usize>k << 5), scratchPrefix + (<usize>(k - 1) << 5), points + <usize>k * JAC + 64)
  }
  finv(acc, scratchPrefix + (<usize>(count - 1) << 5))
  for (let k: i32 = count - 1; k >= 0; k--) {
    const p = points + <usize>k * JAC
    if (k > 0) {
      fmul(zinv, acc, scratchPrefix + (<usize>(k - 1) << 5))
      fmul(acc, acc, p + 64)
    } else {
      copy(zinv, acc)
    }
    const o = out + (<usize>k << 6)
    fsqr(zinv2, zinv)
    fmul(o, p, zinv2)
    fmul(zinv2, zinv2, zinv)
    fmul(o + 32, p + 32, zinv2)
  }
}
