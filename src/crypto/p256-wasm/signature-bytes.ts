/**
 * Writes a signature's r and s as two 32-byte big-endian integers straight into the WASM
 * batch buffer, without BigInt: the batch path parses thousands of signatures per block.
 *
 * DER follows X.690 §8.3 and §10 as Go's `encoding/asn1` enforces it (Fabric unmarshals with
 * it): definite short-form lengths only (a P-256 `ECDSA-Sig-Value` is at most 72 bytes, so a
 * long form is never minimal), INTEGERs non-empty, minimal (no redundant 0x00 / 0xff lead byte)
 * and non-negative, nothing after the SEQUENCE (Go ignores trailing bytes after the outer
 * SEQUENCE; we reject them, as does `ecdsa.ts`, so a signature has exactly one encoding).
 * The range r, s ∈ [1, n−1] is checked in WASM.
 * @module
 */
import type { SignatureFormat } from '../verifier.js'

const SCALAR_BYTES = 32

/**
 * Fills out[offset .. offset+64) with r ‖ s. Returns false (out untouched or partly written)
 * when the encoding is malformed or an integer does not fit in 32 bytes.
 */
export function writeSignature (signature: Uint8Array, format: SignatureFormat, out: Uint8Array, offset: number): boolean {
  if (format === 'p1363') {
    if (signature.length !== 2 * SCALAR_BYTES) return false
    out.set(signature, offset)
    return true
  }
  if (format !== 'der') return false
  const len = signature.length
  if (len < 8 || signature[0] !== 0x30) return false
  const seqLen = signature[1] as number
  if (seqLen >= 0x80 || seqLen + 2 !== len) return false
  const afterR = writeInteger(signature, 2, len, out, offset)
  if (afterR < 0) return false
  const afterS = writeInteger(signature, afterR, len, out, offset + SCALAR_BYTES)
  return afterS === len
}

// Parses a DER INTEGER at `pos`, left-pads it into out[at .. at+32). Returns the position
// after it, or −1.
function writeInteger (der: Uint8Array, pos: number, end: number, out: Uint8Array, at: number): number {
  if (pos + 2 > end || der[pos] !== 0x02) return -1
  const n = der[pos + 1] as number
  let start = pos + 2
  const stop = start + n
  if (n === 0 || n >= 0x80 || stop > end) return -1
  const first = der[start] as number
  if (first & 0x80) return -1 // negative
  if (first === 0) {
    if (n === 1) return -1 // zero: out of range anyway, and ⟨00⟩ is the only encoding of 0
    if (((der[start + 1] as number) & 0x80) === 0) return -1 // redundant leading zero
    start++
  }
  const width = stop - start
  if (width > SCALAR_BYTES) return -1
  out.fill(0, at, at + SCALAR_BYTES - width)
  out.set(der.subarray(start, stop), at + SCALAR_BYTES - width)
  return stop
}
