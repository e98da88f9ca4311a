// SIMD build: multi-buffer SHA-256. Four messages are hashed in lockstep, one per i32x4 lane
// (the layout Intel's multi-buffer papers and as-sha256's index.simd.ts use). Unlike
// as-sha256's fixed 64-byte inputs, messages here have any length: each lane walks its own
// message block by block and, when it finishes, writes its digest and takes the next message
// from the batch, so lanes never wait for each other. When a single message is left it is
// finished with the scalar function, which is faster than one busy lane out of four.
import { hashMessage, INPUT, IV, OUTPUT, storeDigest, TABLE, writePadding } from './common'
import { compress } from './compress'
import { compress4, compress4x1 } from './compress4'
import { compress4Shared, compress4SharedX1, scheduleWithK } from './compress4-shared'

export { compressBlocks, inputPtr, inputCapacity, tablePtr, tableCapacity, outputPtr, statePtr } from './common'

const LANES: u32 = 4
// Chaining values A..H, each an i32x4 holding that word for the four lanes.
const VSTATE: usize = memory.data(8 * 16, 16)

// Per-lane bookkeeping (u32 each, lane i at +4·i).
const LANE_MESSAGE: usize = memory.data(16, 16)  // index of the message in the batch
const LANE_DATA: usize = memory.data(16, 16)     // pointer to the message's first byte
const LANE_LENGTH: usize = memory.data(16, 16)   // the message's length in bytes
const LANE_FULL: usize = memory.data(16, 16)     // full 64-byte blocks read from the message itself
const LANE_TOTAL: usize = memory.data(16, 16)    // full blocks plus the 1 or 2 padded blocks
const LANE_BLOCK: usize = memory.data(16, 16)    // next block to compress
const LANE_BUSY: usize = memory.data(16, 16)     // 1 while the lane holds an unfinished message
const LANE_PAD: usize = memory.data(4 * 128, 64) // the padded final blocks, 128 bytes per lane
const SCALAR_STATE: usize = memory.data(32, 32)
const SCALAR_PAD: usize = memory.data(128, 64) // the fifth message's padded blocks in hashGroup5

// K[i] + W[i] of the padding-only block of a message of `sharedLength` bytes (a multiple of 64).
// When all four lanes reach that block together (equal lengths, e.g. 64-byte Merkle nodes) it is
// compressed without transposing or expanding anything. Valid across batches: the block depends
// on the length alone.
const SHARED_KW: usize = memory.data(64 * 4, 16)
const SHARED_W: usize = memory.data(64 * 4, 16)
const NONE: u32 = 0xffffffff
let sharedLength: u32 = NONE

@inline function laneField (field: usize, lane: u32): usize { return field + (<usize>lane << 2) }
@inline function getField (field: usize, lane: u32): u32 { return load<u32>(laneField(field, lane)) }
@inline function setField (field: usize, lane: u32, value: u32): void { store<u32>(laneField(field, lane), value) }
@inline function laneWord (word: u32, lane: u32): usize { return VSTATE + (<usize>word << 4) + (<usize>lane << 2) }

/** Puts message `index` of the batch into `lane`: pointers, padding and the IV in its lane. */
function startLane (lane: u32, index: u32): void {
  const entry = TABLE + (<usize>index << 3)
  const data = INPUT + <usize>load<u32>(entry)
  const length = load<u32>(entry, 4)
  const full = length >>> 6
  const padBlocks = writePadding(LANE_PAD + (<usize>lane << 7), data + (<usize>full << 6), length)
  setField(LANE_MESSAGE, lane, index)
  setField(LANE_DATA, lane, <u32>data)
  setField(LANE_LENGTH, lane, length)
  setField(LANE_FULL, lane, full)
  setField(LANE_TOTAL, lane, full + padBlocks)
  setField(LANE_BLOCK, lane, 0)
  setField(LANE_BUSY, lane, 1)
  for (let word: u32 = 0; word < 8; word++) store<u32>(laneWord(word, lane), load<u32>(IV + (<usize>word << 2)))
}

/** The block `lane` compresses next: from the message itself, then from its padding scratch. */
@inline function blockPointer (lane: u32): usize {
  const block = getField(LANE_BLOCK, lane)
  const full = getField(LANE_FULL, lane)
  // An idle lane hashes its stale padding; the result is never read.
  if (getField(LANE_BUSY, lane) == 0) return LANE_PAD + (<usize>lane << 7)
  return block < full
    ? <usize>getField(LANE_DATA, lane) + (<usize>block << 6)
    : LANE_PAD + (<usize>lane << 7) + (<usize>(block - full) << 6)
}

/** The length every lane's message has when all four are at their padding-only block, else NONE. */
function sharedPaddingLength (): u32 {
  const length = getField(LANE_LENGTH, 0)
  if ((length & 63) != 0) return NONE
  for (let lane: u32 = 0; lane < LANES; lane++) {
    if (getField(LANE_BUSY, lane) == 0 || getField(LANE_LENGTH, lane) != length ||
      getField(LANE_BLOCK, lane) != getField(LANE_FULL, lane)) return NONE
  }
  return length
}

/** Finishes the message in `lane` with the scalar function and writes its digest. */
function finishScalar (lane: u32): void {
  for (let word: u32 = 0; word < 8; word++) store<u32>(SCALAR_STATE + (<usize>word << 2), load<u32>(laneWord(word, lane)))
  const block = getField(LANE_BLOCK, lane)
  const full = getField(LANE_FULL, lane)
  const total = getField(LANE_TOTAL, lane)
  const pad = LANE_PAD + (<usize>lane << 7)
  if (block < full) {
    compress(SCALAR_STATE, <usize>getField(LANE_DATA, lane) + (<usize>block << 6), full - block)
    compress(SCALAR_STATE, pad, total - full)
  } else {
    compress(SCALAR_STATE, pad + (<usize>(block - full) << 6), total - block)
  }
  storeDigest(SCALAR_STATE, OUTPUT + (<usize>getField(LANE_MESSAGE, lane) << 5))
}

@inline function messageLength (index: u32): u32 { return load<u32>(TABLE + (<usize>index << 3), 4) }
@inline function messageData (index: u32): usize { return INPUT + <usize>load<u32>(TABLE + (<usize>index << 3)) }

/**
 * Hashes messages `first` .. `first + 3`, which all have `length` bytes, in lockstep: every lane
 * is at the same block, so none of the per-lane bookkeeping of the scheduler below is needed.
 */
function hashGroup (first: u32, length: u32): void {
  const p0 = messageData(first)
  const p1 = messageData(first + 1)
  const p2 = messageData(first + 2)
  const p3 = messageData(first + 3)
  for (let word: usize = 0; word < 8; word++) v128.store(VSTATE + (word << 4), v128.load32_splat(IV + (word << 2)))
  const full = <usize>(length >>> 6)
  for (let offset: usize = 0, end = full << 6; offset < end; offset += 64) compress4(VSTATE, p0 + offset, p1 + offset, p2 + offset, p3 + offset)
  const tail = full << 6
  if ((length & 63) == 0) {
    // The padding-only block is the same for all four lanes.
    if (length != sharedLength) {
      writePadding(LANE_PAD, p0 + tail, length)
      scheduleWithK(LANE_PAD, SHARED_KW, SHARED_W)
      sharedLength = length
    }
    compress4Shared(VSTATE, SHARED_KW)
  } else {
    const pad0 = LANE_PAD
    const pad1 = LANE_PAD + 128
    const pad2 = LANE_PAD + 256
    const pad3 = LANE_PAD + 384
    const padBlocks = writePadding(pad0, p0 + tail, length)
    writePadding(pad1, p1 + tail, length)
    writePadding(pad2, p2 + tail, length)
    writePadding(pad3, p3 + tail, length)
    compress4(VSTATE, pad0, pad1, pad2, pad3)
    if (padBlocks == 2) compress4(VSTATE, pad0 + 64, pad1 + 64, pad2 + 64, pad3 + 64)
  }
  for (let lane: u32 = 0; lane < LANES; lane++) {
    const out = OUTPUT + (<usize>(first + lane) << 5)
    for (let word: u32 = 0; word < 8; word++) store<u32>(out + (<usize>word << 2), bswap<u32>(load<u32>(laneWord(word, lane))))
  }
}

/**
 * Like hashGroup for five messages: four in the vector lanes and the fifth in scalar code
 * interleaved with them (compress4x1), which runs on ports the vector code leaves idle.
 */
function hashGroup5 (first: u32, length: u32): void {
  const p0 = messageData(first)
  const p1 = messageData(first + 1)
  const p2 = messageData(first + 2)
  const p3 = messageData(first + 3)
  const p4 = messageData(first + 4)
  for (let word: usize = 0; word < 8; word++) v128.store(VSTATE + (word << 4), v128.load32_splat(IV + (word << 2)))
  memory.copy(SCALAR_STATE, IV, 32)
  const full = <usize>(length >>> 6)
  for (let offset: usize = 0, end = full << 6; offset < end; offset += 64) {
    compress4x1(VSTATE, p0 + offset, p1 + offset, p2 + offset, p3 + offset, SCALAR_STATE, p4 + offset)
  }
  const tail = full << 6
  if ((length & 63) == 0) {
    if (length != sharedLength) {
      writePadding(LANE_PAD, p0 + tail, length)
      scheduleWithK(LANE_PAD, SHARED_KW, SHARED_W)
      sharedLength = length
    }
    compress4SharedX1(VSTATE, SHARED_KW, SCALAR_STATE)
  } else {
    const pad4 = SCALAR_PAD
    const padBlocks = writePadding(LANE_PAD, p0 + tail, length)
    writePadding(LANE_PAD + 128, p1 + tail, length)
    writePadding(LANE_PAD + 256, p2 + tail, length)
    writePadding(LANE_PAD + 384, p3 + tail, length)
    writePadding(pad4, p4 + tail, length)
    for (let block: usize = 0, end = <usize>padBlocks << 6; block < end; block += 64) {
      compress4x1(VSTATE, LANE_PAD + block, LANE_PAD + 128 + block, LANE_PAD + 256 + block, LANE_PAD + 384 + block, SCALAR_STATE, pad4 + block)
    }
  }
  for (let lane: u32 = 0; lane < LANES; lane++) {
    const out = OUTPUT + (<usize>(first + lane) << 5)
    for (let word: u32 = 0; word < 8; word++) store<u32>(out + (<usize>word << 2), bswap<u32>(load<u32>(laneWord(word, lane))))
  }
  storeDigest(SCALAR_STATE, OUTPUT + (<usize>(first + 4) << 5))
}

/** Hashes the `count` messages described by TABLE; digest i goes to OUTPUT + 32·i. */
export function hashBatch (count: u32): void {
  if (count == 1) {
    hashMessage(INPUT + <usize>load<u32>(TABLE), load<u32>(TABLE, 4), OUTPUT)
    return
  }
  let next: u32 = 0
  // Leading groups of four equal-length messages (transaction ids, Merkle nodes, signatures'
  // digests…) go in lockstep; whatever follows the first unequal group goes to the scheduler.
  while (next + LANES <= count) {
    const length = messageLength(next)
    if (messageLength(next + 1) != length || messageLength(next + 2) != length || messageLength(next + 3) != length) break
    if (next + LANES < count && messageLength(next + LANES) == length) {
      hashGroup5(next, length)
      next += LANES + 1
    } else {
      hashGroup(next, length)
      next += LANES
    }
  }
  if (next == count) return
  let busy: u32 = 0
  for (let lane: u32 = 0; lane < LANES; lane++) {
    if (next < count) {
      startLane(lane, next++)
      busy++
    } else {
      setField(LANE_BUSY, lane, 0)
    }
  }
  while (busy > 0) {
    if (busy == 1 && next == count) {
      for (let lane: u32 = 0; lane < LANES; lane++) {
        if (getField(LANE_BUSY, lane) != 0) finishScalar(lane)
      }
      return
    }
    const shared = sharedPaddingLength()
    if (shared != NONE) {
      if (shared != sharedLength) {
        scheduleWithK(LANE_PAD, SHARED_KW, SHARED_W)
        sharedLength = shared
      }
      compress4Shared(VSTATE, SHARED_KW)
    } else {
      compress4(VSTATE, blockPointer(0), blockPointer(1), blockPointer(2), blockPointer(3))
    }
    for (let lane: u32 = 0; lane < LANES; lane++) {
      if (getField(LANE_BUSY, lane) == 0) continue
      const block = getField(LANE_BLOCK, lane) + 1
      if (block < getField(LANE_TOTAL, lane)) {
        setField(LANE_BLOCK, lane, block)
        continue
      }
      const out = OUTPUT + (<usize>getField(LANE_MESSAGE, lane) << 5)
      for (let word: u32 = 0; word < 8; word++) store<u32>(out + (<usize>word << 2), bswap<u32>(load<u32>(laneWord(word, lane))))
      if (next < count) {
        startLane(lane, next++)
      } else {
        setField(LANE_BUSY, lane, 0)
        busy--
      }
    }
  }
}
