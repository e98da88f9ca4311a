// Scalar build: one message at a time. Used where WASM SIMD is unavailable, and as the
// reference the SIMD build is tested against.
import { hashMessage, INPUT, OUTPUT, TABLE } from './common'

export { compressBlocks, inputPtr, inputCapacity, tablePtr, tableCapacity, outputPtr, statePtr } from './common'

/** Hashes the `count` messages described by TABLE; digest i goes to OUTPUT + 32·i. */
export function hashBatch (count: u32): void {
  for (let i: u32 = 0; i < count; i++) {
    const entry = TABLE + (<usize>i << 3)
    hashMessage(INPUT + <usize>load<u32>(entry), load<u32>(entry, 4), OUTPUT + (<usize>i << 5))
  }
}
