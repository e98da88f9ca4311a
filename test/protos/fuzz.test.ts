/**
 * Hostile bytes: decoding either succeeds or throws a ProtoError with a code, never anything
 * else. When it succeeds, Fabric's own decoder (google-protobuf) must read the same content,
 * and re-encoding must be stable. About 12,000 cases in all; WEFT_FUZZ_SCALE=10 for a long hunt.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProtoError, decode, encode } from '../../src/protos/index.js'
import type { ProtoErrorCode } from '../../src/protos/index.js'
import { arbMessage } from './support/arbitraries.js'
import { normalizeOurs, normalizeReference, referenceClass } from './support/fabric-reference.js'
import { ourMessage } from './support/messages.js'

const TARGETS = [
  'Block', 'Envelope', 'Payload', 'ChannelHeader', 'SignaturePolicyEnvelope', 'ChaincodeInput',
  'ChaincodeProposalPayload', 'ProposalResponse', 'ChaincodeActionPayload', 'TxReadWriteSet', 'KVRWSet', 'Timestamp',
  'SeekInfo', 'DeliverResponse', 'ConfigEnvelope', 'FabricMSPConfig'
] as const

const CODES: ReadonlySet<ProtoErrorCode> = new Set<ProtoErrorCode>([
  'PROTO_TRUNCATED', 'PROTO_WIRE_TYPE', 'PROTO_OVERSIZE', 'PROTO_LIMIT', 'PROTO_TOO_DEEP',
  'PROTO_UTF8', 'PROTO_UNKNOWN_ENUM', 'PROTO_UNSAFE_INTEGER', 'PROTO_MALFORMED'
])

/** The fuzz oracle: a typed failure, or a value Fabric's decoder agrees with and that re-encodes stably. */
function checkDecode (name: string, bytes: Uint8Array): void {
  const message = ourMessage(name)
  let value: Record<string, unknown>
  try {
    value = decode(message, bytes, { maxBytes: 1 << 16 })
  } catch (err) {
    if (!(err instanceof ProtoError) || !CODES.has(err.code)) throw err
    return
  }
  const theirs = referenceClass(name).deserializeBinary(bytes)
  expect(normalizeReference(name, theirs.toObject())).toEqual(normalizeOurs(name, value))
  expect(decode(message, encode(message, value))).toEqual(value)
}

const SCALE = Number(process.env.WEFT_FUZZ_SCALE ?? '1')
const runs = (n: number): { numRuns: number } => ({ numRuns: Math.max(1, Math.round(n * SCALE)) })

const target = fc.constantFrom(...TARGETS)
const valid = target.chain((name) => arbMessage(name).map((v) => ({ name, bytes: encode(ourMessage(name), v) })))

describe('fuzz: decode never throws anything but a coded ProtoError', () => {
  it('random bytes', () => {
    fc.assert(fc.property(target, fc.uint8Array({ maxLength: 64 }), (name, bytes) => { checkDecode(name, bytes) }), runs(3000))
  })

  it('truncations of valid encodings', () => {
    fc.assert(fc.property(valid, fc.nat(), ({ name, bytes }, cut) => {
      checkDecode(name, bytes.subarray(0, bytes.length === 0 ? 0 : cut % bytes.length))
    }), runs(2000))
  })

  it('bit flips in valid encodings', () => {
    fc.assert(fc.property(valid, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), ({ name, bytes }, flips) => {
      const mutated = bytes.slice()
      if (mutated.length > 0) for (const f of flips) mutated[f % mutated.length]! ^= 1 << (f % 8)
      checkDecode(name, mutated)
    }), runs(3000))
  })

  it('wrong wire types on the first tag and spliced garbage fields', () => {
    fc.assert(fc.property(valid, fc.integer({ min: 0, max: 7 }), fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.nat(),
      ({ name, bytes }, wireType, garbage, at) => {
        const retyped = bytes.slice()
        if (retyped.length > 0) retyped[0] = (retyped[0]! & 0xf8) | wireType
        checkDecode(name, retyped)
        const cut = bytes.length === 0 ? 0 : at % bytes.length
        checkDecode(name, Uint8Array.from([...bytes.subarray(0, cut), ...garbage, ...bytes.subarray(cut)]))
      }), runs(2000))
  })

  it('huge length prefixes and varint overflow', () => {
    const huge = fc.constantFrom(
      [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0xfe, 0xff, 0xff, 0xff, 0x07]
    )
    fc.assert(fc.property(target, fc.integer({ min: 1, max: 20 }), huge, fc.uint8Array({ maxLength: 16 }), (name, field, length, tail) => {
      checkDecode(name, Uint8Array.from([(field << 3) | 2, ...length, ...tail]))
      checkDecode(name, Uint8Array.from([(field << 3) | 0, ...length, ...tail]))
    }), runs(2000))
  })
})
