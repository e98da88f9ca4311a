// SIMD build: multi-buffer SHA-256. Four messages are hashed in lockstep, one per i32x4 lane
// (the layout Intel's multi-buffer papers and as-sha256's index.simd.ts use). Unlike
// as-sha256's fixed 64-byte inputs, messages here have any length: each lane walks its own
// message block by block and, when it finishes, writes its digest and takes the next message
// from the batch, so lanes never wait for each other. When a single message is left it is
// finished with the scalar function, which is faster than one busy lane out of four.
import { compress, hashMessage, INPUT, IV, K, OUTPUT, storeDigest, TABLE, writePadding } from './common'

export { compressBlocks, inputPtr, inputCapacity, tablePtr, tableCapacity, outputPtr, statePtr } from './common'

const LANES: u32 = 4
// Chaining values A..H, each an i32x4 holding that word for the four lanes.
const VSTATE: usize = memory.data(8 * 16, 16)
// Message schedule W[0..63], transposed: W[i] holds word i of the four lanes' blocks.
const VW: usize = memory.data(64 * 16, 16)
// K[i] splatted to all four lanes, filled once below.
const VK: usize = memory.data(64 * 16, 16)
for (let i: usize = 0; i < 64; i++) v128.store(VK + (i << 4), i32x4.splat(load<u32>(K + (i << 2))))

// Per-lane bookkeeping (u32 each, lane i at +4·i).
const LANE_MESSAGE: usize = memory.data(16, 16)  // index of the message in the batch
const LANE_DATA: usize = memory.data(16, 16)     // pointer to the message's first byte
const LANE_FULL: usize = memory.data(16, 16)     // full 64-byte blocks read from the message itself
const LANE_TOTAL: usize = memory.data(16, 16)    // full blocks plus the 1 or 2 padded blocks
const LANE_BLOCK: usize = memory.data(16, 16)    // next block to compress
const LANE_BUSY: usize = memory.data(16, 16)     // 1 while the lane holds an unfinished message
const LANE_PAD: usize = memory.data(4 * 128, 64) // the padded final blocks, 128 bytes per lane
const SCALAR_STATE: usize = memory.data(32, 32)

@inline function laneField (field: usize, lane: u32): usize { return field + (<usize>lane << 2) }
@inline function getField (field: usize, lane: u32): u32 { return load<u32>(laneField(field, lane)) }
@inline function setField (field: usize, lane: u32, value: u32): void { store<u32>(laneField(field, lane), value) }
@inline function laneWord (word: u32, lane: u32): usize { return VSTATE + (<usize>word << 4) + (<usize>lane << 2) }

@inline function vrotr (x: v128, n: i32): v128 { return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n)) }
@inline function vBigSigma0 (x: v128): v128 { return v128.xor(v128.xor(vrotr(x, 2), vrotr(x, 13)), vrotr(x, 22)) }
@inline function vBigSigma1 (x: v128): v128 { return v128.xor(v128.xor(vrotr(x, 6), vrotr(x, 11)), vrotr(x, 25)) }
@inline function vSmallSigma0 (x: v128): v128 { return v128.xor(v128.xor(vrotr(x, 7), vrotr(x, 18)), i32x4.shr_u(x, 3)) }
@inline function vSmallSigma1 (x: v128): v128 { return v128.xor(v128.xor(vrotr(x, 17), vrotr(x, 19)), i32x4.shr_u(x, 10)) }
// Ch(x,y,z) takes y where x is set, z elsewhere; Maj(x,y,z) takes y where x and z differ, x elsewhere.
@inline function vCh (x: v128, y: v128, z: v128): v128 { return v128.bitselect(y, z, x) }
@inline function vMaj (x: v128, y: v128, z: v128): v128 { return v128.bitselect(y, x, v128.xor(x, z)) }
@inline function vk (i: usize): v128 { return v128.load(VK + (i << 4)) }
@inline function vw (i: usize): v128 { return v128.load(VW + (i << 4)) }
@inline function bswapWords (x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12)
}

/** Loads one 64-byte block per lane and stores its big-endian words transposed into VW[0..15]. */
@inline function loadTransposed (p0: usize, p1: usize, p2: usize, p3: usize): void {
  for (let j: usize = 0; j < 64; j += 16) {
    const a = bswapWords(v128.load(p0 + j))
    const b = bswapWords(v128.load(p1 + j))
    const c = bswapWords(v128.load(p2 + j))
    const d = bswapWords(v128.load(p3 + j))
    const ab01 = v128.shuffle<i32>(a, b, 0, 4, 1, 5)
    const ab23 = v128.shuffle<i32>(a, b, 2, 6, 3, 7)
    const cd01 = v128.shuffle<i32>(c, d, 0, 4, 1, 5)
    const cd23 = v128.shuffle<i32>(c, d, 2, 6, 3, 7)
    const out = VW + (j << 2)
    v128.store(out, v128.shuffle<i32>(ab01, cd01, 0, 1, 4, 5), 0)
    v128.store(out, v128.shuffle<i32>(ab01, cd01, 2, 3, 6, 7), 16)
    v128.store(out, v128.shuffle<i32>(ab23, cd23, 0, 1, 4, 5), 32)
    v128.store(out, v128.shuffle<i32>(ab23, cd23, 2, 3, 6, 7), 48)
  }
}

/** One compression step for all four lanes, each reading the block at its pointer. */
function compress4 (p0: usize, p1: usize, p2: usize, p3: usize): void {
  loadTransposed(p0, p1, p2, p3)
  for (let i: usize = 16; i < 64; i++) {
    v128.store(VW + (i << 4), i32x4.add(i32x4.add(vSmallSigma1(vw(i - 2)), vw(i - 7)), i32x4.add(vSmallSigma0(vw(i - 15)), vw(i - 16))))
  }
  let a = v128.load(VSTATE, 0)
  let b = v128.load(VSTATE, 16)
  let c = v128.load(VSTATE, 32)
  let d = v128.load(VSTATE, 48)
  let e = v128.load(VSTATE, 64)
  let f = v128.load(VSTATE, 80)
  let g = v128.load(VSTATE, 96)
  let h = v128.load(VSTATE, 112)
  for (let i: usize = 0; i < 64; i += 8) {
    let t = i32x4.add(i32x4.add(h, vBigSigma1(e)), i32x4.add(vCh(e, f, g), i32x4.add(vk(i), vw(i))))
    d = i32x4.add(d, t); h = i32x4.add(t, i32x4.add(vBigSigma0(a), vMaj(a, b, c)))
    t = i32x4.add(i32x4.add(g, vBigSigma1(d)), i32x4.add(vCh(d, e, f), i32x4.add(vk(i + 1), vw(i + 1))))
    c = i32x4.add(c, t); g = i32x4.add(t, i32x4.add(vBigSigma0(h), vMaj(h, a, b)))
    t = i32x4.add(i32x4.add(f, vBigSigma1(c)), i32x4.add(vCh(c, d, e), i32x4.add(vk(i + 2), vw(i + 2))))
    b = i32x4.add(b, t); f = i32x4.add(t, i32x4.add(vBigSigma0(g), vMaj(g, h, a)))
    t = i32x4.add(i32x4.add(e, vBigSigma1(b)), i32x4.add(vCh(b, c, d), i32x4.add(vk(i + 3), vw(i + 3))))
    a = i32x4.add(a, t); e = i32x4.add(t, i32x4.add(vBigSigma0(f), vMaj(f, g, h)))
    t = i32x4.add(i32x4.add(d, vBigSigma1(a)), i32x4.add(vCh(a, b, c), i32x4.add(vk(i + 4), vw(i + 4))))
    h = i32x4.add(h, t); d = i32x4.add(t, i32x4.add(vBigSigma0(e), vMaj(e, f, g)))
    t = i32x4.add(i32x4.add(c, vBigSigma1(h)), i32x4.add(vCh(h, a, b), i32x4.add(vk(i + 5), vw(i + 5))))
    g = i32x4.add(g, t); c = i32x4.add(t, i32x4.add(vBigSigma0(d), vMaj(d, e, f)))
    t = i32x4.add(i32x4.add(b, vBigSigma1(g)), i32x4.add(vCh(g, h, a), i32x4.add(vk(i + 6), vw(i + 6))))
    f = i32x4.add(f, t); b = i32x4.add(t, i32x4.add(vBigSigma0(c), vMaj(c, d, e)))
    t = i32x4.add(i32x4.add(a, vBigSigma1(f)), i32x4.add(vCh(f, g, h), i32x4.add(vk(i + 7), vw(i + 7))))
    e = i32x4.add(e, t); a = i32x4.add(t, i32x4.add(vBigSigma0(b), vMaj(b, c, d)))
  }
  v128.store(VSTATE, i32x4.add(a, v128.load(VSTATE, 0)), 0)
  v128.store(VSTATE, i32x4.add(b, v128.load(VSTATE, 16)), 16)
  v128.store(VSTATE, i32x4.add(c, v128.load(VSTATE, 32)), 32)
  v128.store(VSTATE, i32x4.add(d, v128.load(VSTATE, 48)), 48)
  v128.store(VSTATE, i32x4.add(e, v128.load(VSTATE, 64)), 64)
  v128.store(VSTATE, i32x4.add(f, v128.load(VSTATE, 80)), 80)
  v128.store(VSTATE, i32x4.add(g, v128.load(VSTATE, 96)), 96)
  v128.store(VSTATE, i32x4.add(h, v128.load(VSTATE, 112)), 112)
}

/** Puts message `index` of the batch into `lane`: pointers, padding and the IV in its lane. */
function startLane (lane: u32, index: u32): void {
  const entry = TABLE + (<usize>index << 3)
  const data = INPUT + <usize>load<u32>(entry)
  const length = load<u32>(entry, 4)
  const full = length >>> 6
  const padBlocks = writePadding(LANE_PAD + (<usize>lane << 7), data + (<usize>full << 6), length)
  setField(LANE_MESSAGE, lane, index)
  setField(LANE_DATA, lane, <u32>data)
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

/** Hashes the `count` messages described by TABLE; digest i goes to OUTPUT + 32·i. */
export function hashBatch (count: u32): void {
  if (count == 1) {
    hashMessage(INPUT + <usize>load<u32>(TABLE), load<u32>(TABLE, 4), OUTPUT)
    return
  }
  let next: u32 = 0
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
    compress4(blockPointer(0), blockPointer(1), blockPointer(2), blockPointer(3))
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
