/**
 * Zero-filled byte array for protons-generated defaults (stands in for `uint8arrays/alloc`,
 * which is not a direct Weft dependency; see scripts/gen-protos.mjs).
 */
export function alloc (size = 0): Uint8Array<ArrayBuffer> {
  return new Uint8Array(size)
}
