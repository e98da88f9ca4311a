// Arithmetic modulo the P-256 field prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1 (SEC 2 §2.4.2).
// An element is 8 little-endian u32 limbs (32 bytes) in linear memory, always canonical (< p),
// so equality is limb equality. Not constant-time: verification handles public data only.
export { fmul, fsqr, fadd, fsub } from './field-mul'
import { fmul, fsqr, fadd, fsub } from './field-mul'

/** p, little-endian limbs. */
export const P: usize = memory.data<u32>([
  0xffffffff, 0xffffffff, 0xffffffff, 0x00000000, 0x00000000, 0x00000000, 0x00000001, 0xffffffff
])

/** The curve coefficient b (a = −3). */
export const B: usize = memory.data<u32>([
  0x27d2604b, 0x3bce3c3e, 0xcc53b0f6, 0x651d06b0, 0x769886bc, 0xb3ebbd55, 0xaa3a93e7, 0x5ac635d8
])

/** r = 2a mod p. */
export function fdbl (r: usize, a: usize): void {
  fadd(r, a, a)
}

/** r = −a mod p. */
export function fneg (r: usize, a: usize): void {
  fsub(r, ZERO, a)
}

export const ZERO: usize = memory.data(32)
export const ONE: usize = memory.data<u32>([1, 0, 0, 0, 0, 0, 0, 0])

/** a < b as 256-bit integers. */
export function lessThan (a: usize, b: usize): bool {
  for (let i: isize = 28; i >= 0; i -= 4) {
    const x = load<u32>(a + i)
    const y = load<u32>(b + i)
    if (x != y) return x < y
  }
  return false
}

export function isZero (a: usize): bool {
  return (load<u64>(a) | load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) == 0
}

export function equal (a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8) &&
    load<u64>(a, 16) == load<u64>(b, 16) && load<u64>(a, 24) == load<u64>(b, 24)
}

export function copy (r: usize, a: usize): void {
  memory.copy(r, a, 32)
}

export function setOne (r: usize): void {
  memory.copy(r, ONE, 32)
}

/** Reads a 32-byte big-endian integer into little-endian limbs (no reduction). */
export function fromBytes (r: usize, bytes: usize): void {
  for (let i: usize = 0; i < 8; i++) {
    store<u32>(r + 4 * i, bswap<u32>(load<u32>(bytes + 28 - 4 * i)))
  }
}

/** Writes limbs as 32 big-endian bytes. */
export function toBytes (bytes: usize, a: usize): void {
  for (let i: usize = 0; i < 8; i++) {
    store<u32>(bytes + 28 - 4 * i, bswap<u32>(load<u32>(a + 4 * i)))
  }
}

const INV_T: usize = memory.data(32)
const INV_A: usize = memory.data(32)

/**
 * r = a^(p−2) = a⁻¹ mod p (Fermat), 0 for 0. Square-and-multiply over the bits of p − 2; it runs
 * once per batch (Montgomery's trick amortises it), so an addition chain would not pay off.
 */
export function finv (r: usize, a: usize): void {
  copy(INV_A, a)
  setOne(INV_T)
  for (let i: i32 = 255; i >= 0; i--) {
    fsqr(INV_T, INV_T)
    if (pMinus2Bit(i)) fmul(INV_T, INV_T, INV_A)
  }
  copy(r, INV_T)
}

// Bits of p − 2 = ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffd.
function pMinus2Bit (i: i32): bool {
  const limb = i >> 5
  let w = load<u32>(P + (<usize>limb << 2))
  if (limb == 0) w -= 2
  return ((w >> (<u32>i & 31)) & 1) != 0
}
