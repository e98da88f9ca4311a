// The batch verifier: ECDSA verification (SEC 1 §4.1.4) of many signatures in one call.
// Per record: check r, s ∈ [1, n−1] (and s ≤ n/2 under Fabric's low-S rule); w = s⁻¹ for the
// whole batch with one inversion (Montgomery's trick); u1 = e·w, u2 = r·w; R = u1·G + u2·Q by
// comb tables (one accumulator, ≤ 64 mixed additions); accept iff R ≠ ∞ and x(R) ≡ r (mod n),
// tested projectively (X = r·Z², or X = (r + n)·Z² when r + n < p), so no inversion for R.
// Keys without a table (seen once) take a 4-bit fixed-window ladder for u2·Q instead.
import { fmul, fsqr, fromBytes, lessThan, equal, copy, setOne, P } from './field'
import { N, HALF_N, inRange, nreduce, ntoMont, nmontmul, nmontinv } from './scalar'
import { JAC, setInfinity, isInfinity, madd, pdbl } from './point'
import { WINDOWS, entry, normalizeInto, scratchJac } from './table'

/** Batch buffers, one entry per record; all integers are 32-byte big-endian. */
export class Batch {
  digests: usize = 0 // e, 32 bytes each
  signatures: usize = 0 // r ‖ s, 64 bytes each
  slots: usize = 0 // u32 key slot, or RAW_KEY, or NO_KEY
  rawKeys: usize = 0 // x ‖ y, 64 bytes each, read when the slot is RAW_KEY
  verdicts: usize = 0 // u8 1/0
  scratch: usize = 0 // SCRATCH bytes each
}

/** Slot value meaning "no valid key": the record verifies false. */
export const NO_KEY: u32 = 0xffffffff
/** Slot value meaning "no table: use the key in rawKeys" (validated by the caller). */
export const RAW_KEY: u32 = 0xfffffffe

// Per-record scratch, 4 field elements each: r, s (then w = s⁻¹, Montgomery form), e, prefix.
const SR: usize = 0
const SS: usize = 32
const SE: usize = 64
const SP: usize = 96
export const SCRATCH: usize = 128

const acc: usize = memory.data(96)
const u1: usize = memory.data(32)
const u2: usize = memory.data(32)
const inv: usize = memory.data(32)
const tmp: usize = memory.data(32)
const zz: usize = memory.data(32)
const rz: usize = memory.data(32)
const q: usize = memory.data(64)
const ONE: usize = memory.data<u32>([1, 0, 0, 0, 0, 0, 0, 0])
const small: usize = memory.data(15 * 64) // 1·Q … 15·Q, affine

/** Verifies `count` records of `b`, writing 1/0 per record to b.verdicts. */
export function verifyRecords (
  b: Batch, count: i32, lowS: bool, gTable: usize, keyTables: usize, keySlots: u32, tableBytes: usize
): void {
  // Pass 1: parse and range-check; invalid records get s = 1 so the shared inversion works.
  for (let i: i32 = 0; i < count; i++) {
    const sig = b.signatures + (<usize>i << 6)
    const sc = b.scratch + <usize>i * SCRATCH
    fromBytes(sc + SR, sig)
    fromBytes(sc + SS, sig + 32)
    fromBytes(tmp, b.digests + (<usize>i << 5))
    nreduce(sc + SE, tmp)
    const slot = load<u32>(b.slots + (<usize>i << 2))
    let ok = (slot < keySlots || slot == RAW_KEY) && inRange(sc + SR) && inRange(sc + SS)
    if (ok && lowS && lessThan(HALF_N, sc + SS)) ok = false
    store<u8>(b.verdicts + i, ok ? 1 : 0)
    if (!ok) memory.copy(sc + SS, ONE, 32)
    ntoMont(sc + SS, sc + SS)
  }
  // Pass 2: prefix products of s (Montgomery form), one inversion, then w_i going backwards.
  memory.copy(b.scratch + SP, b.scratch + SS, 32)
  for (let i: i32 = 1; i < count; i++) {
    const sc = b.scratch + <usize>i * SCRATCH
    nmontmul(sc + SP, sc - SCRATCH + SP, sc + SS)
  }
  if (count > 0) nmontinv(inv, b.scratch + <usize>(count - 1) * SCRATCH + SP)
  for (let i: i32 = count - 1; i >= 0; i--) {
    const sc = b.scratch + <usize>i * SCRATCH
    if (i > 0) {
      nmontmul(tmp, inv, sc - SCRATCH + SP) // = s_i⁻¹ (Montgomery form)
      nmontmul(inv, inv, sc + SS)
      memory.copy(sc + SS, tmp, 32)
    } else {
      memory.copy(sc + SS, inv, 32)
    }
  }
  // Pass 3: the double scalar multiplication and the projective x-coordinate check.
  for (let i: i32 = 0; i < count; i++) {
    if (load<u8>(b.verdicts + i) == 0) continue
    const sc = b.scratch + <usize>i * SCRATCH
    nmontmul(u1, sc + SE, sc + SS) // e·w (w carries R; the product drops it)
    nmontmul(u2, sc + SR, sc + SS)
    const slot = load<u32>(b.slots + (<usize>i << 2))
    setInfinity(acc)
    if (slot == RAW_KEY) {
      const key = b.rawKeys + (<usize>i << 6)
      fromBytes(q, key)
      fromBytes(q + 32, key + 32)
      ladderQ(acc, q, u2)
      for (let w: i32 = 0; w < WINDOWS; w++) {
        const d1 = <i32>load<u8>(u1 + w)
        if (d1 != 0) madd(acc, acc, entry(gTable, w, d1))
      }
    } else {
      const qTable = keyTables + <usize>slot * tableBytes
      for (let w: i32 = 0; w < WINDOWS; w++) {
        const d1 = <i32>load<u8>(u1 + w)
        const d2 = <i32>load<u8>(u2 + w)
        if (d1 != 0) madd(acc, acc, entry(gTable, w, d1))
        if (d2 != 0) madd(acc, acc, entry(qTable, w, d2))
      }
    }
    store<u8>(b.verdicts + i, xMatches(acc, sc + SR) ? 1 : 0)
  }
}

/**
 * acc = k·Q for affine Q without a comb table: 1·Q … 15·Q (one shared inversion), then 64
 * nibbles from the top, 4 doublings and at most one mixed addition each.
 */
function ladderQ (acc: usize, Q: usize, k: usize): void {
  copy(scratchJac, Q)
  copy(scratchJac + 32, Q + 32)
  setOne(scratchJac + 64)
  for (let j: usize = 1; j < 15; j++) {
    const cur = scratchJac + j * JAC
    memory.copy(cur, cur - JAC, JAC)
    madd(cur, cur, Q)
  }
  normalizeInto(small, scratchJac, 15)
  setInfinity(acc)
  for (let w: i32 = 63; w >= 0; w--) {
    if (!isInfinity(acc)) {
      pdbl(acc, acc)
      pdbl(acc, acc)
      pdbl(acc, acc)
      pdbl(acc, acc)
    }
    const d = (<i32>load<u8>(k + (w >> 1)) >> ((w & 1) << 2)) & 15
    if (d != 0) madd(acc, acc, small + (<usize>(d - 1) << 6))
  }
}

/** x(R) mod n = r for Jacobian R, without inverting Z. */
export function xMatches (R: usize, r: usize): bool {
  if (isInfinity(R)) return false
  fsqr(zz, R + 64)
  fmul(rz, r, zz) // r < n < p, so r is a field element
  if (equal(rz, R)) return true
  // x(R) ∈ [n, p) reduces to r too: try r + n when it is still below p.
  let c: u64 = 0
  for (let k: usize = 0; k < 32; k += 4) {
    c += <u64>load<u32>(r + k) + <u64>load<u32>(N + k)
    store<u32>(tmp + k, <u32>c)
    c >>= 32
  }
  if (c != 0 || !lessThan(tmp, P)) return false
  fmul(rz, tmp, zz)
  return equal(rz, R)
}
