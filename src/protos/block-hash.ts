/**
 * Fabric's block hashes (protoutil/blockutils.go at fabric 0c423ac):
 *
 * - header hash = SHA-256(`BlockHeaderBytes`), the ASN.1 DER of
 *   `SEQUENCE { number INTEGER, previousHash OCTET STRING, dataHash OCTET STRING }`
 *   (Go's `asn1.Marshal` of `asn1Header{Number *big.Int, PreviousHash, DataHash []byte}`);
 * - data hash = SHA-256 of the BlockData.data entries concatenated (`ComputeBlockDataHash`;
 *   not a Merkle tree despite the proto comment).
 *
 * The DER is three fields, so it is written here rather than pulling in an ASN.1 library.
 *
 * @module
 */
import { createSha256, sha256 } from '../crypto/sha256.js'
import { ProtoError } from './errors.js'
import type { BlockData, BlockHeader } from './generated/fabric.js'

/** A one-shot hash function; SHA-256 unless a caller supplies its own (tests, WASM batch). */
export type HashFunction = (data: Uint8Array) => Uint8Array

const DER_INTEGER = 0x02
const DER_OCTET_STRING = 0x04
const DER_SEQUENCE = 0x30

/** `protoutil.BlockHeaderBytes`: the DER that Fabric hashes to identify a block. */
export function blockHeaderBytes (header: Pick<BlockHeader, 'number' | 'previousHash' | 'dataHash'>): Uint8Array {
  const { number, previousHash, dataHash } = header
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new ProtoError('PROTO_ENCODE', `BlockHeader.number must be a non-negative safe integer, got ${String(number)}`)
  }
  if (!(previousHash instanceof Uint8Array) || !(dataHash instanceof Uint8Array)) {
    throw new ProtoError('PROTO_ENCODE', 'BlockHeader.previousHash and dataHash must be Uint8Arrays')
  }
  return derTlv(DER_SEQUENCE, concat([
    derTlv(DER_INTEGER, derUnsignedInteger(number)),
    derTlv(DER_OCTET_STRING, previousHash),
    derTlv(DER_OCTET_STRING, dataHash)
  ]))
}

/** `protoutil.BlockHeaderHash`: what the next block's previousHash must equal. */
export function blockHeaderHash (
  header: Pick<BlockHeader, 'number' | 'previousHash' | 'dataHash'>,
  hash: HashFunction = sha256
): Uint8Array {
  return hash(blockHeaderBytes(header))
}

/** `protoutil.ComputeBlockDataHash`: SHA-256 over the transactions' bytes, back to back. */
export function blockDataHash (data: Pick<BlockData, 'data'>, hash?: HashFunction): Uint8Array {
  if (!Array.isArray(data.data) || !data.data.every((d) => d instanceof Uint8Array)) {
    throw new ProtoError('PROTO_ENCODE', 'BlockData.data must be an array of Uint8Arrays')
  }
  if (hash !== undefined) return hash(concat(data.data))
  // Streaming avoids copying a whole block just to hash it.
  const hasher = createSha256()
  for (const entry of data.data) hasher.update(entry)
  return hasher.digest()
}

/**
 * Big-endian two's-complement content of a non-negative INTEGER, minimal length, with a
 * leading 0x00 when the top bit is set (X.690 8.3; Go's asn1 `makeBigInt`). Zero is 0x00.
 */
function derUnsignedInteger (n: number): Uint8Array {
  const bytes: number[] = []
  let rest = n
  do {
    bytes.unshift(rest % 256)
    rest = Math.floor(rest / 256)
  } while (rest > 0)
  if ((bytes[0] as number) >= 0x80) bytes.unshift(0)
  return Uint8Array.from(bytes)
}

/** Tag, definite length (short form below 128, else long form, X.690 8.1.3), content. */
function derTlv (tag: number, content: Uint8Array): Uint8Array {
  const length: number[] = []
  if (content.length < 0x80) {
    length.push(content.length)
  } else {
    let rest = content.length
    while (rest > 0) {
      length.unshift(rest % 256)
      rest = Math.floor(rest / 256)
    }
    length.unshift(0x80 | length.length)
  }
  return concat([Uint8Array.of(tag, ...length), content])
}

function concat (parts: readonly Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
