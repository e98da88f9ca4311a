// The batch verifier: ECDSA verification (SEC 1 §4.1.4) of many signatures in one call.
// Per record: check r, s ∈ [1, n−1] (and s ≤ n/2 under Fabric's low-S rule); w = s⁻¹ for the
// whole batch with one inversion (Montgomery's trick); u1 = e·w, u2 = r·w; R = u1·G + u2·Q by
// comb tables (≤ 66 table additions into one accumulator); accept iff R ≠ ∞ and x(R) ≡ r
// (mod n). Large batches accumulate in affine coordinates in lockstep (lockstepAffine);
// small ones, and records that hit an exceptional addition there, use Jacobian additions and
// compare projectively (X = r·Z², or X = (r + n)·Z² when r + n < p), with no inversion.
// Keys without a table (seen once) take a 4-bit fixed-window ladder for u2·Q instead.
import { fmul, fsqr, fadd, fsub, fneg, finv, fromBytes, lessThan, equal, copy, setOne, isZero, P } from './field'
import { N, HALF_N, inRange, nreduce, ntoMont, nmontmul, nmontinv } from './scalar'
import { JAC, setInfinity, isInfinity, madd, pdbl } from './point'
import { WINDOWS, entry, normalizeInto, recode, scratchJac } from './table'

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

// Per-record scratch: r, s (then w = s⁻¹, Montgomery form), e, a prefix product, u1, u2, the
// affine accumulator (x, y) of the lockstep pass, and u1, u2 recoded into signed digits.
const SR: usize = 0
const SS: usize = 32
const SE: usize = 64
const SP: usize = 96
const SU1: usize = 128
const SU2: usize = 160
const SAX: usize = 192
const SAY: usize = 224
const SD1: usize = 256 // 33 signed digits (i8)
const SD2: usize = 304
export const SCRATCH: usize = 352

/**
 * From this many table-driven records on, R is accumulated in affine coordinates for all
 * records in lockstep, sharing one field inversion per step across the batch (Montgomery's
 * trick): an affine addition is then ~6M against ~11M for a mixed Jacobian one, and each step
 * touches one window of each table (cache-friendly). Below it, the 64 inversions cost more
 * than they save: measured break-even ~50 records in Node (docs/p256-wasm.md).
 */
let lockstepMin: i32 = 64

/** Sets the lockstep threshold (0x7fffffff disables the affine pass; for measurements). */
export function setLockstepMin (records: i32): void {
  lockstepMin = records
}

// Lockstep state per record (in the verdict byte while the pass runs).
const ST_SKIP: u8 = 0 // invalid, or handled by the Jacobian path
const ST_INF: u8 = 1 // accumulator is the point at infinity
const ST_AFF: u8 = 2 // accumulator (x, y) is valid
const ST_SLOW: u8 = 3 // hit an exceptional addition: recompute on the Jacobian path

const acc: usize = memory.data(96)
const inv: usize = memory.data(32)
const tmp: usize = memory.data(32)
const zz: usize = memory.data(32)
const rz: usize = memory.data(32)
const q: usize = memory.data(64)
const ONE: usize = memory.data<u32>([1, 0, 0, 0, 0, 0, 0, 0]) // 1 as a scalar and as a field element
const small: usize = memory.data(15 * 64) // 1·Q … 15·Q, affine

/** Verifies `count` records of `b`, writing 1/0 per record to b.verdicts. */
export function verifyRecords (b: Batch, count: i32, lowS: bool, gTable: usize, keyTables: usize, keySlots: u32): void {
  // Pass 1: parse and range-check; invalid records get s = 1 so the shared inversion works.
  for (let i: i32 = 0; i < count; i++) {
    const sig = b.signatures + (<usize>i << 6)
    const sc = b.scratch + <usize>i * SCRATCH
    fromBytes(sc + SR, sig)
    fromBytes(sc + SS, sig + 32)
    fromBytes(tmp, b.digests + (<usize>i << 5))
    nreduce(sc + SE, tmp)
    const slot = load<u32>(b.slots + (<usize>i << 2))
    const keyOk = slot == RAW_KEY || (slot < keySlots && keyTable(keyTables, slot) != 0)
    let ok = keyOk && inRange(sc + SR) && inRange(sc + SS)
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
  // Pass 3: u1 = e·w and u2 = r·w (w carries R; each product drops it).
  let tabled: i32 = 0
  for (let i: i32 = 0; i < count; i++) {
    if (load<u8>(b.verdicts + i) == 0) continue
    const sc = b.scratch + <usize>i * SCRATCH
    nmontmul(sc + SU1, sc + SE, sc + SS)
    nmontmul(sc + SU2, sc + SR, sc + SS)
    recode(sc + SD1, sc + SU1)
    recode(sc + SD2, sc + SU2)
    if (load<u32>(b.slots + (<usize>i << 2)) != RAW_KEY) tabled++
  }
  // Pass 4: R = u1·G + u2·Q and the x-coordinate check.
  const lockstep = tabled >= lockstepMin
  if (lockstep) lockstepAffine(b, count, gTable, keyTables)
  for (let i: i32 = 0; i < count; i++) {
    const state = load<u8>(b.verdicts + i)
    if (state == 0) continue
    const sc = b.scratch + <usize>i * SCRATCH
    if (lockstep && state != ST_SLOW) {
      // ST_AFF: compare the affine x; ST_INF: R = ∞ fails. (RAW_KEY records are ST_SLOW.)
      store<u8>(b.verdicts + i, state == ST_AFF && affineXMatches(sc + SAX, sc + SR) ? 1 : 0)
      continue
    }
    const slot = load<u32>(b.slots + (<usize>i << 2))
    jacobianR(acc, sc + SD1, sc + SD2, sc + SU2, slot, b.rawKeys + (<usize>i << 6), gTable, keyTables)
    store<u8>(b.verdicts + i, xMatches(acc, sc + SR) ? 1 : 0)
  }
}

/** The comb table of a loaded key slot (`keyTables` holds one u32 address per slot). */
// @ts-ignore: decorator
@inline
function keyTable (keyTables: usize, slot: u32): usize {
  return <usize>load<u32>(keyTables + (<usize>slot << 2))
}

/**
 * acc = u1·G + u2·Q with Jacobian mixed additions (exceptional cases handled). D1, D2: the
 * signed digits of u1, u2; U2: u2's bytes, for the table-less ladder.
 */
function jacobianR (
  acc: usize, D1: usize, D2: usize, U2: usize, slot: u32, rawKey: usize, gTable: usize, keyTables: usize
): void {
  setInfinity(acc)
  if (slot == RAW_KEY) {
    fromBytes(q, rawKey)
    fromBytes(q + 32, rawKey + 32)
    ladderQ(acc, q, U2)
    for (let w: i32 = 0; w < WINDOWS; w++) addDigit(acc, gTable, w, <i32>load<i8>(D1 + w))
  } else {
    const qTable = keyTable(keyTables, slot)
    for (let w: i32 = 0; w < WINDOWS; w++) {
      addDigit(acc, gTable, w, <i32>load<i8>(D1 + w))
      addDigit(acc, qTable, w, <i32>load<i8>(D2 + w))
    }
  }
}

const negEntry: usize = memory.data(64)

// acc += d·2^(8w)·P from P's table (d signed; 0 adds nothing).
function addDigit (acc: usize, table: usize, w: i32, d: i32): void {
  if (d > 0) {
    madd(acc, acc, entry(table, w, d))
  } else if (d < 0) {
    const e = entry(table, w, -d)
    copy(negEntry, e)
    fneg(negEntry + 32, e + 32)
    madd(acc, acc, negEntry)
  }
}

/** Lockstep additions that hit x1 = x2 and went to the Jacobian path (for tests). */
export let exceptionalAdditions: u32 = 0

const prod: usize = memory.data(32)
const dx: usize = memory.data(32)
const dy: usize = memory.data(32)
const lambda: usize = memory.data(32)
const x3: usize = memory.data(32)

// The table entry record i adds at step t (even t: G's window t/2 with u1, odd: Q's with u2),
// or 0 when its digit is zero. A negative digit sets bit 0 of the address (entries are
// 16-byte aligned): the entry is then added as (x, −y).
// @ts-ignore: decorator
@inline
function stepEntry (b: Batch, i: i32, sc: usize, t: i32, gTable: usize, keyTables: usize): usize {
  const w = t >> 1
  const d = <i32>load<i8>(sc + ((t & 1) == 0 ? SD1 : SD2) + w)
  if (d == 0) return 0
  const table = (t & 1) == 0 ? gTable : keyTable(keyTables, load<u32>(b.slots + (<usize>i << 2)))
  return d > 0 ? entry(table, w, d) : entry(table, w, -d) | 1
}

/**
 * Accumulates R for every table-driven record in affine coordinates, all records advancing
 * one table entry per step (66 steps), with one shared inversion per step. A record whose
 * addition would be a doubling or give ∞ (x1 = x2) is marked ST_SLOW and redone on the
 * Jacobian path; RAW_KEY records are marked ST_SLOW up front.
 */
function lockstepAffine (b: Batch, count: i32, gTable: usize, keyTables: usize): void {
  for (let i: i32 = 0; i < count; i++) {
    if (load<u8>(b.verdicts + i) == 0) continue
    store<u8>(b.verdicts + i, load<u32>(b.slots + (<usize>i << 2)) == RAW_KEY ? ST_SLOW : ST_INF)
  }
  for (let t: i32 = 0; t < 2 * WINDOWS; t++) {
    // Forward: start accumulators at their first entry; chain the x-differences of the rest.
    let active = false
    for (let i: i32 = 0; i < count; i++) {
      const state = load<u8>(b.verdicts + i)
      if (state != ST_INF && state != ST_AFF) continue
      const sc = b.scratch + <usize>i * SCRATCH
      const tagged = stepEntry(b, i, sc, t, gTable, keyTables)
      if (tagged == 0) continue
      const e = tagged & ~(<usize>1)
      if (state == ST_INF) {
        copy(sc + SAX, e)
        if (tagged & 1) fneg(sc + SAY, e + 32)
        else copy(sc + SAY, e + 32)
        store<u8>(b.verdicts + i, ST_AFF | 0x80) // 0x80: not part of this step's chain
        continue
      }
      fsub(dx, e, sc + SAX)
      if (isZero(dx)) {
        exceptionalAdditions++
        store<u8>(b.verdicts + i, ST_SLOW)
        continue
      }
      if (!active) {
        copy(sc + SP, ONE)
        copy(prod, dx)
        active = true
      } else {
        copy(sc + SP, prod)
        fmul(prod, prod, dx)
      }
      store<u8>(b.verdicts + i, ST_AFF | 0x40) // 0x40: in this step's chain
    }
    if (!active) {
      for (let i: i32 = 0; i < count; i++) store<u8>(b.verdicts + i, load<u8>(b.verdicts + i) & 0x3f)
      continue
    }
    finv(inv, prod)
    // Backward: peel off one inverse at a time and apply the affine addition formula.
    for (let i: i32 = count - 1; i >= 0; i--) {
      const flagged = load<u8>(b.verdicts + i)
      if (flagged & 0xc0) store<u8>(b.verdicts + i, flagged & 0x3f)
      if ((flagged & 0x40) == 0) continue
      const sc = b.scratch + <usize>i * SCRATCH
      const tagged = stepEntry(b, i, sc, t, gTable, keyTables)
      const e = tagged & ~(<usize>1)
      const ax = sc + SAX
      const ay = sc + SAY
      fsub(dx, e, ax)
      fmul(tmp, inv, sc + SP) // 1/dx
      fmul(inv, inv, dx)
      if (tagged & 1) {
        fadd(dy, e + 32, ay) // (−y2) − y1 = −(y2 + y1)
        fneg(dy, dy)
      } else {
        fsub(dy, e + 32, ay)
      }
      fmul(lambda, dy, tmp)
      fsqr(x3, lambda)
      fsub(x3, x3, ax)
      fsub(x3, x3, e)
      fsub(tmp, ax, x3)
      fmul(tmp, lambda, tmp)
      fsub(ay, tmp, ay)
      copy(ax, x3)
    }
  }
}

/** x mod n = r for an affine x (x < p < 2n, so x = r or x = r + n). */
function affineXMatches (x: usize, r: usize): bool {
  if (equal(x, r)) return true
  let c: u64 = 0
  for (let k: usize = 0; k < 32; k += 4) {
    c += <u64>load<u32>(r + k) + <u64>load<u32>(N + k)
    store<u32>(tmp + k, <u32>c)
    c >>= 32
  }
  return c == 0 && equal(x, tmp)
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
