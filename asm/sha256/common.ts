// SHA-256 (FIPS 180-4) shared by the scalar and SIMD builds: memory layout, padding, the
// one-message path and the streaming entry point. The compression functions are generated
// (generate.mjs → compress.ts, compress4.ts, compress4-shared.ts).
//
// Memory sharing follows as-sha256 (ChainSafe/ssz packages/as-sha256 assembly/common.ts):
// fixed regions that the host fills through a Uint8Array view and reads back, so one host
// call hashes a whole batch and nothing is allocated (runtime stub, no GC).
//
//   INPUT   INPUT_CAPACITY bytes   messages packed by the host
//   TABLE   TABLE_CAPACITY × 8     per message: u32 offset into INPUT, u32 length (little-endian)
//   OUTPUT  TABLE_CAPACITY × 32    digest i at OUTPUT + 32·i
//   STATE   8 × u32                chaining value for compressBlocks (streaming), host byte order

import { compress } from './compress'

export const INPUT_CAPACITY: u32 = 512 * 1024
export const TABLE_CAPACITY: u32 = 8192

const REGIONS_BASE: usize = (__heap_base + 63) & ~(<usize>63)
export const INPUT: usize = REGIONS_BASE
export const TABLE: usize = INPUT + INPUT_CAPACITY
export const OUTPUT: usize = TABLE + <usize>TABLE_CAPACITY * 8
export const STATE: usize = OUTPUT + <usize>TABLE_CAPACITY * 32
const REGIONS_END: usize = STATE + 64

// Grow linear memory once, at instantiation, to cover the fixed regions.
const pagesNeeded = <i32>((REGIONS_END + 0xffff) >>> 16)
if (memory.size() < pagesNeeded) memory.grow(pagesNeeded - memory.size())

// FIPS 180-4 §5.3.3: initial hash value H(0).
export const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
], 32)

// Chaining value of the message being hashed by hashMessage.
const MSG_STATE: usize = memory.data(32, 32)
// Room for the one or two padded final blocks of a message.
export const PAD_SCRATCH: usize = memory.data(128, 64)

/**
 * Writes the padded final block(s) of a message of `length` bytes whose last `length mod 64`
 * bytes start at `tail` into `scratch` (§5.1.1: 0x80, zeros, 64-bit big-endian bit length).
 * Returns the number of blocks written: 1, or 2 when the tail leaves no room for the length.
 */
export function writePadding (scratch: usize, tail: usize, length: u32): u32 {
  const rest = <usize>(length & 63)
  const blocks: u32 = rest < 56 ? 1 : 2
  const end = <usize>blocks << 6
  // Plain stores instead of memory.fill / memory.copy: V8 runs those bulk-memory instructions
  // as calls out of the WASM code, which cost more than these few bytes (one pair per message).
  for (let i: usize = 0; i < end; i += 8) store<u64>(scratch + i, 0)
  let i: usize = 0
  for (; i + 8 <= rest; i += 8) store<u64>(scratch + i, load<u64>(tail + i))
  for (; i < rest; i++) store<u8>(scratch + i, load<u8>(tail + i))
  store<u8>(scratch + rest, 0x80)
  store<u64>(scratch + end - 8, bswap<u64>(<u64>length << 3))
  return blocks
}

/** Stores the 8-word state at `state` as a big-endian digest at `out`. */
export function storeDigest (state: usize, out: usize): void {
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(state + i)))
}

/** Hashes `length` bytes at `data` into the 32-byte digest at `out` with the scalar function. */
export function hashMessage (data: usize, length: u32, out: usize): void {
  memory.copy(MSG_STATE, IV, 32)
  const fullBlocks = length >>> 6
  compress(MSG_STATE, data, fullBlocks)
  const padBlocks = writePadding(PAD_SCRATCH, data + (<usize>fullBlocks << 6), length)
  compress(MSG_STATE, PAD_SCRATCH, padBlocks)
  storeDigest(MSG_STATE, out)
}

/** Streaming: compresses `blocks` 64-byte blocks from INPUT into the chaining value at STATE. */
export function compressBlocks (blocks: u32): void {
  compress(STATE, INPUT, blocks)
}

export function inputPtr (): usize { return INPUT }
export function inputCapacity (): u32 { return INPUT_CAPACITY }
export function tablePtr (): usize { return TABLE }
export function tableCapacity (): u32 { return TABLE_CAPACITY }
export function outputPtr (): usize { return OUTPUT }
export function statePtr (): usize { return STATE }
