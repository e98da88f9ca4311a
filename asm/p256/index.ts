// WASM entry points of the P-256 batch verifier. The TypeScript wrapper
// (src/crypto/p256-wasm/) owns the key cache policy (which key lives in which slot) and packs
// records; everything here works on fixed buffers allocated once by init().
import { fadd, fsub, fmul, fsqr, finv, fromBytes, toBytes, lessThan, P } from './field'
import { initScalar, nmontmul, ntoMont, nfromMont, nmontinv, nreduce } from './scalar'
import { onCurve } from './point'
import { initTables, buildTable, TABLE_BYTES } from './table'
import { verifyRecords, Batch, SCRATCH, exceptionalAdditions, setLockstepMin } from './verify'
export { setLockstepMin }

const G: usize = memory.data<u8>([
  // x, then y, big-endian (SEC 2 §2.4.2)
  0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
  0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
  0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
  0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5
])

let keySlots: u32 = 0
let maxBatch: i32 = 0
let gTable: usize = 0
// Address of each key slot's table; allocated on the slot's first use, so an instance costs
// 264 KiB per key actually cached rather than per configured slot.
let keyTables: usize = 0
const batch = new Batch()
let keyIn: usize = 0
let testBuf: usize = 0
const point: usize = memory.data(64)

/** Allocates all buffers and builds G's table. Call once per instance. */
export function init (slots: u32, batchSize: i32): void {
  initScalar()
  initTables()
  keySlots = slots
  maxBatch = batchSize
  gTable = heap.alloc(TABLE_BYTES)
  keyTables = heap.alloc(<usize>slots << 2)
  memory.fill(keyTables, 0, <usize>slots << 2)
  const size = <usize>batchSize
  batch.digests = heap.alloc(size << 5)
  batch.signatures = heap.alloc(size << 6)
  batch.slots = heap.alloc(size << 2)
  batch.rawKeys = heap.alloc(size << 6)
  batch.verdicts = heap.alloc(size)
  batch.scratch = heap.alloc(size * SCRATCH)
  keyIn = heap.alloc(64)
  testBuf = heap.alloc(96)
  fromBytes(point, G)
  fromBytes(point + 32, G + 32)
  buildTable(gTable, point)
}

export function digests (): usize { return batch.digests }
export function signatures (): usize { return batch.signatures }
export function slots (): usize { return batch.slots }
export function rawKeys (): usize { return batch.rawKeys }
export function verdicts (): usize { return batch.verdicts }
export function keyInput (): usize { return keyIn }
export function testBuffer (): usize { return testBuf }
export function batchCapacity (): i32 { return maxBatch }
/** Lockstep additions redone on the Jacobian path so far (x1 = x2: doubling or ∞). */
export function exceptionalCount (): u32 { return exceptionalAdditions }

/**
 * Builds the table for the public key (x ‖ y, big-endian) at keyInput() into `slot`.
 * Returns 1, or 0 when the coordinates are not < p or the point is not on the curve (the
 * slot is then left unusable until loaded again).
 */
export function loadKey (slot: u32): i32 {
  if (slot >= keySlots) return 0
  fromBytes(point, keyIn)
  fromBytes(point + 32, keyIn + 32)
  if (!lessThan(point, P) || !lessThan(point + 32, P) || !onCurve(point)) return 0
  const at = keyTables + (<usize>slot << 2)
  if (load<u32>(at) == 0) store<u32>(at, <u32>heap.alloc(TABLE_BYTES))
  buildTable(<usize>load<u32>(at), point)
  return 1
}

/**
 * Verifies `count` (≤ batchCapacity()) records laid out in digests(), signatures(), slots()
 * and rawKeys(); verdicts (1/0) land in verdicts().
 */
export function verifyBatch (count: i32, lowS: i32): void {
  if (count < 0 || count > maxBatch) return
  verifyRecords(batch, count, lowS != 0, gTable, keyTables, keySlots)
}

/**
 * Test hook: applies `op` to a (bytes 0..31) and b (32..63) of testBuffer(), big-endian,
 * writing the result at 64..95. Field ops 0–4 (add, sub, mul, sqr, inv) mod p; scalar ops
 * 10–12 (mul, inv, reduce) mod n. Inputs must already be reduced.
 */
export function testOp (op: i32): void {
  const a = point
  const b = point + 32
  const r = testBuf + 64
  fromBytes(a, testBuf)
  fromBytes(b, testBuf + 32)
  const out = scratchOut
  if (op == 0) fadd(out, a, b)
  else if (op == 1) fsub(out, a, b)
  else if (op == 2) fmul(out, a, b)
  else if (op == 3) fsqr(out, a)
  else if (op == 4) finv(out, a)
  else if (op == 10) {
    ntoMont(a, a)
    nmontmul(out, a, b)
  } else if (op == 11) {
    ntoMont(a, a)
    nmontinv(out, a)
    nfromMont(out, out)
  } else if (op == 12) nreduce(out, a)
  toBytes(r, out)
}
const scratchOut: usize = memory.data(32)

