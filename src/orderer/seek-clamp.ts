/**
 * Fabric clients ask for "every block from now on" with a stop of SeekSpecified{MaxUint64}
 * (fabric-gateway, the Go and Node SDKs). Weft's codecs keep block numbers as JS numbers and
 * refuse anything beyond 2^53 - 1 rather than round it, so such a SeekInfo would not decode. This
 * rewrites the bytes with every SeekSpecified.number above 2^53 - 1 lowered to 2^53 - 1: the same
 * request for any chain that will ever exist (a start that high is NOT_FOUND either way, a stop
 * that high is "forever"). Everything else is copied byte for byte.
 */
const MAX = BigInt(Number.MAX_SAFE_INTEGER)

/** SeekInfo fields 1 (start) and 2 (stop) are SeekPositions; field 3 of a SeekPosition is SeekSpecified. */
export function clampSeekInfoNumbers (bytes: Uint8Array): Uint8Array | undefined {
  return rewrite(bytes, (field, value) => field === 1 || field === 2 ? rewrite(value, clampPosition) : value)
}

function clampPosition (field: number, value: Uint8Array): Uint8Array | undefined {
  return field === 3 ? rewrite(value, () => value, clampNumber) : value
}

function clampNumber (field: number, value: bigint): bigint {
  return field === 1 && value > MAX ? MAX : value
}

type LengthDelimited = (field: number, value: Uint8Array) => Uint8Array | undefined
type Varint = (field: number, value: bigint) => bigint

/** Re-encodes a message, passing its length-delimited and varint fields through the callbacks; undefined on bad bytes. */
function rewrite (bytes: Uint8Array, onBytes: LengthDelimited, onVarint: Varint = (_f, v) => v): Uint8Array | undefined {
  const out: number[] = []
  let at = 0
  while (at < bytes.length) {
    const tag = readVarint(bytes, at)
    if (tag === undefined) return undefined
    at = tag.next
    const field = Number(tag.value >> 3n)
    const wireType = Number(tag.value & 7n)
    writeVarint(out, tag.value)
    if (wireType === 0) {
      const v = readVarint(bytes, at)
      if (v === undefined) return undefined
      writeVarint(out, onVarint(field, v.value))
      at = v.next
    } else if (wireType === 2) {
      const len = readVarint(bytes, at)
      if (len === undefined || len.next + Number(len.value) > bytes.length) return undefined
      const value = onBytes(field, bytes.subarray(len.next, len.next + Number(len.value)))
      if (value === undefined) return undefined
      writeVarint(out, BigInt(value.length))
      for (const b of value) out.push(b)
      at = len.next + Number(len.value)
    } else if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4
      if (at + size > bytes.length) return undefined
      for (const b of bytes.subarray(at, at + size)) out.push(b)
      at += size
    } else {
      return undefined
    }
  }
  return Uint8Array.from(out)
}

function readVarint (bytes: Uint8Array, start: number): { value: bigint, next: number } | undefined {
  let value = 0n
  for (let i = 0; i < 10 && start + i < bytes.length; i++) {
    const b = bytes[start + i] as number
    value |= BigInt(b & 0x7f) << BigInt(7 * i)
    if ((b & 0x80) === 0) return { value: BigInt.asUintN(64, value), next: start + i + 1 }
  }
  return undefined
}

function writeVarint (out: number[], value: bigint): void {
  let v = value
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
}
