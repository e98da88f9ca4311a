// SHA-256 (FIPS 180-4) shared by the scalar and SIMD builds: memory layout, the scalar
// compression function, padding and the streaming entry point.
//
// Memory sharing follows as-sha256 (ChainSafe/ssz packages/as-sha256 assembly/common.ts):
// fixed regions that the host fills through a Uint8Array view and reads back, so one host
// call hashes a whole batch and nothing is allocated (runtime stub, no GC).
//
//   INPUT   INPUT_CAPACITY bytes   messages packed by the host
//   TABLE   TABLE_CAPACITY × 8     per message: u32 offset into INPUT, u32 length (little-endian)
//   OUTPUT  TABLE_CAPACITY × 32    digest i at OUTPUT + 32·i
//   STATE   8 × u32                chaining value for compressBlocks (streaming), host byte order

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

// FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
export const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
], 64)

// FIPS 180-4 §5.3.3: initial hash value H(0).
export const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
], 32)

// Message schedule W[0..63] of the scalar compression function.
const W: usize = memory.data(64 * 4, 64)
// Chaining value of the message being hashed by hashMessage.
const MSG_STATE: usize = memory.data(32, 32)
// Room for the one or two padded final blocks of a message.
export const PAD_SCRATCH: usize = memory.data(128, 64)

@inline function ror (x: u32, n: u32): u32 { return rotr<u32>(x, n) }
@inline function bigSigma0 (x: u32): u32 { return ror(x, 2) ^ ror(x, 13) ^ ror(x, 22) }
@inline function bigSigma1 (x: u32): u32 { return ror(x, 6) ^ ror(x, 11) ^ ror(x, 25) }
@inline function smallSigma0 (x: u32): u32 { return ror(x, 7) ^ ror(x, 18) ^ (x >>> 3) }
@inline function smallSigma1 (x: u32): u32 { return ror(x, 17) ^ ror(x, 19) ^ (x >>> 10) }
@inline function ch (x: u32, y: u32, z: u32): u32 { return z ^ (x & (y ^ z)) }
@inline function maj (x: u32, y: u32, z: u32): u32 { return (x & y) | (z & (x | y)) }
@inline function k (i: usize): u32 { return load<u32>(K + (i << 2)) }
@inline function w (i: usize): u32 { return load<u32>(W + (i << 2)) }

/** Compresses `blocks` consecutive 64-byte blocks at `data` into the 8-word state at `state`. */
export function compress (state: usize, data: usize, blocks: u32): void {
  let a = load<u32>(state, 0)
  let b = load<u32>(state, 4)
  let c = load<u32>(state, 8)
  let d = load<u32>(state, 12)
  let e = load<u32>(state, 16)
  let f = load<u32>(state, 20)
  let g = load<u32>(state, 24)
  let h = load<u32>(state, 28)
  for (let blk: u32 = 0; blk < blocks; blk++) {
    const block = data + (<usize>blk << 6)
    // Big-endian words (§3.1); WASM loads are little-endian.
    for (let i: usize = 0; i < 16; i++) store<u32>(W + (i << 2), bswap<u32>(load<u32>(block + (i << 2))))
    for (let i: usize = 16; i < 64; i++) {
      store<u32>(W + (i << 2), smallSigma1(w(i - 2)) + w(i - 7) + smallSigma0(w(i - 15)) + w(i - 16))
    }
    const a0 = a; const b0 = b; const c0 = c; const d0 = d
    const e0 = e; const f0 = f; const g0 = g; const h0 = h
    // Eight rounds per iteration with the variable roles rotated instead of shifted (§6.2.2 step 3).
    for (let i: usize = 0; i < 64; i += 8) {
      let t = h + bigSigma1(e) + ch(e, f, g) + k(i) + w(i); d += t; h = t + bigSigma0(a) + maj(a, b, c)
      t = g + bigSigma1(d) + ch(d, e, f) + k(i + 1) + w(i + 1); c += t; g = t + bigSigma0(h) + maj(h, a, b)
      t = f + bigSigma1(c) + ch(c, d, e) + k(i + 2) + w(i + 2); b += t; f = t + bigSigma0(g) + maj(g, h, a)
      t = e + bigSigma1(b) + ch(b, c, d) + k(i + 3) + w(i + 3); a += t; e = t + bigSigma0(f) + maj(f, g, h)
      t = d + bigSigma1(a) + ch(a, b, c) + k(i + 4) + w(i + 4); h += t; d = t + bigSigma0(e) + maj(e, f, g)
      t = c + bigSigma1(h) + ch(h, a, b) + k(i + 5) + w(i + 5); g += t; c = t + bigSigma0(d) + maj(d, e, f)
      t = b + bigSigma1(g) + ch(g, h, a) + k(i + 6) + w(i + 6); f += t; b = t + bigSigma0(c) + maj(c, d, e)
      t = a + bigSigma1(f) + ch(f, g, h) + k(i + 7) + w(i + 7); e += t; a = t + bigSigma0(b) + maj(b, c, d)
    }
    a += a0; b += b0; c += c0; d += d0; e += e0; f += f0; g += g0; h += h0
  }
  store<u32>(state, a, 0)
  store<u32>(state, b, 4)
  store<u32>(state, c, 8)
  store<u32>(state, d, 12)
  store<u32>(state, e, 16)
  store<u32>(state, f, 20)
  store<u32>(state, g, 24)
  store<u32>(state, h, 28)
}

/**
 * Writes the padded final block(s) of a message of `length` bytes whose last `length mod 64`
 * bytes start at `tail` into `scratch` (§5.1.1: 0x80, zeros, 64-bit big-endian bit length).
 * Returns the number of blocks written: 1, or 2 when the tail leaves no room for the length.
 */
export function writePadding (scratch: usize, tail: usize, length: u32): u32 {
  const rest = length & 63
  const blocks: u32 = rest < 56 ? 1 : 2
  const end = <usize>blocks << 6
  memory.copy(scratch, tail, rest)
  store<u8>(scratch + rest, 0x80)
  memory.fill(scratch + rest + 1, 0, end - rest - 1 - 8)
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
