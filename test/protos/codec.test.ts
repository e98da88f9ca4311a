import { describe, expect, it } from 'vitest'
import { isWeftError } from '../../src/shared/errors.js'
import {
  Block, BlockData, BlockHeader, ChaincodeInput, ChannelHeader, IdentifierHeader, MSPRole, SignaturePolicy, SignaturePolicyEnvelope, Timestamp,
  DEFAULT_MAX_DEPTH, decode, encode, messageName
} from '../../src/protos/index.js'
import { expectProtoError } from './support/expect-proto-error.js'

const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs)

/** SignaturePolicy nested `levels` deep through n_out_of, assembled in one pass (outermost first). */
function nestedPolicy (levels: number): Uint8Array {
  const innermost = bytes(0x08, 0x00) // signed_by = 0
  const prefixes: Uint8Array[] = []
  let innerLength = innermost.length
  for (let i = 0; i < levels; i++) {
    // NOutOf { n = 1, rules = [inner] } inside SignaturePolicy { n_out_of = 2 }
    const nOutOfHead = concat(bytes(0x08, 0x01, 0x12), varint(innerLength))
    const nOutOfLength = nOutOfHead.length + innerLength
    const head = concat(bytes(0x12), varint(nOutOfLength), nOutOfHead)
    prefixes.push(head)
    innerLength = head.length + innerLength
  }
  return concat(...prefixes.reverse(), innermost)
}

function varint (n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) { out.push((n % 0x80) | 0x80); n = Math.floor(n / 0x80) }
  out.push(n)
  return Uint8Array.from(out)
}

function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) { out.set(p, o); o += p.length }
  return out
}

describe('decode: happy paths', () => {
  it('round-trips a block', () => {
    const block = { header: { number: 9, previousHash: bytes(1), dataHash: bytes(2) }, data: { data: [bytes(3)] }, metadata: { metadata: [] } }
    expect(decode(Block, encode(Block, block))).toEqual(block)
  })

  it('skips unknown fields of every defined wire type (forward compatibility)', () => {
    const header = encode(BlockHeader, { number: 1, previousHash: bytes(), dataHash: bytes() })
    const withUnknown = concat(header, bytes(0x48, 0x05), bytes(0x51, 1, 2, 3, 4, 5, 6, 7, 8), bytes(0x5a, 0x01, 0xff), bytes(0x65, 1, 2, 3, 4))
    expect(decode(BlockHeader, withUnknown).number).toBe(1)
  })

  it('reads a negative int32 sent as a ten-byte varint', () => {
    const type = concat(bytes(0x08), bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))
    expect(decode(ChannelHeader, type).type).toBe(-1)
  })

  it('accepts the largest safe block number and a negative timestamp', () => {
    const max = Number.MAX_SAFE_INTEGER
    expect(decode(BlockHeader, encode(BlockHeader, { number: max })).number).toBe(max)
    expect(decode(Timestamp, encode(Timestamp, { seconds: -62135596800, nanos: 0 })).seconds).toBe(-62135596800)
  })

  it.each([2 ** 31, 2 ** 32 - 1, 2 ** 32, -1, -(2 ** 31), -(2 ** 40)])('encodes Timestamp.seconds = %d as a canonical varint', (seconds) => {
    const expected = BigInt.asUintN(64, BigInt(seconds))
    const encoded = encode(Timestamp, { seconds })
    let value = 0n
    for (let i = 1; i < encoded.length; i++) value |= BigInt(encoded[i]! & 0x7f) << BigInt(7 * (i - 1))
    expect(encoded[0]).toBe(0x08)
    expect(value).toBe(expected)
    expect(decode(Timestamp, encoded).seconds).toBe(seconds)
  })

  it('names generated messages, nested ones included', () => {
    expect(messageName(Block)).toBe('Block')
    expect(messageName(SignaturePolicy.NOutOf)).toBe('SignaturePolicy.NOutOf')
  })
})

describe('decode: every failure is a ProtoError with a code', () => {
  it('PROTO_OVERSIZE above maxBytes', () => {
    const err = expectProtoError(() => decode(BlockData, new Uint8Array(11), { maxBytes: 10, what: 'block 7 from peer0' }), 'PROTO_OVERSIZE')
    expect(err.message).toContain('block 7 from peer0')
    expect(isWeftError(err, 'PROTO_OVERSIZE')).toBe(true)
  })

  it('PROTO_TRUNCATED when a field runs past the end', () => {
    const full = encode(Block, { header: { number: 300, previousHash: bytes(1, 2, 3), dataHash: bytes() } })
    expectProtoError(() => decode(Block, full.subarray(0, full.length - 1)), 'PROTO_TRUNCATED')
    expectProtoError(() => decode(BlockHeader, bytes(0x08)), 'PROTO_TRUNCATED')
    expectProtoError(() => decode(BlockHeader, bytes(0x12, 0xff, 0xff, 0xff, 0xff, 0x0f)), 'PROTO_TRUNCATED')
  })

  it('PROTO_WIRE_TYPE for a known field sent with the wrong type, or a group', () => {
    expectProtoError(() => decode(Block, bytes(0x08, 0x01)), 'PROTO_WIRE_TYPE') // header as varint
    expectProtoError(() => decode(BlockHeader, bytes(0x0a, 0x00)), 'PROTO_WIRE_TYPE') // number as bytes
    expectProtoError(() => decode(BlockHeader, bytes(0x4b)), 'PROTO_WIRE_TYPE') // unknown field, start group
    expectProtoError(() => decode(BlockHeader, bytes(0x4e)), 'PROTO_WIRE_TYPE') // wire type 6
  })

  it('PROTO_MALFORMED for field 0, an 11-byte varint, a repeated singular message, two oneof members', () => {
    expectProtoError(() => decode(BlockHeader, bytes(0x00, 0x00)), 'PROTO_MALFORMED')
    expectProtoError(() => decode(BlockHeader, bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)), 'PROTO_MALFORMED')
    expectProtoError(() => decode(BlockHeader, bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02)), 'PROTO_MALFORMED')
    expectProtoError(() => decode(Block, bytes(0x0a, 0x00, 0x0a, 0x00)), 'PROTO_MALFORMED')
    expectProtoError(() => decode(SignaturePolicy, bytes(0x08, 0x00, 0x12, 0x00)), 'PROTO_MALFORMED')
  })

  it('PROTO_MALFORMED for an unknown field inside a map entry (Go and google-protobuf disagree on it)', () => {
    expectProtoError(() => decode(ChaincodeInput, bytes(0x12, 0x05, 0x0a, 0x01, 0x6b, 0x18, 0x01)), 'PROTO_MALFORMED')
    expect(decode(ChaincodeInput, bytes(0x12, 0x03, 0x0a, 0x01, 0x6b)).decorations.get('k')).toEqual(bytes())
  })

  it('accepts the same oneof member twice (last wins, as in Go)', () => {
    expect(decode(SignaturePolicy, bytes(0x08, 0x01, 0x08, 0x02))).toEqual({ signedBy: 2 })
  })

  it('PROTO_MALFORMED for varints outside their type, where decoders disagree', () => {
    const twoTo63 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]
    expectProtoError(() => decode(ChannelHeader, bytes(0x08, ...twoTo63)), 'PROTO_MALFORMED') // int32 type
    expectProtoError(() => decode(ChannelHeader, bytes(0x08, 0x80, 0x80, 0x80, 0x80, 0x08)), 'PROTO_MALFORMED') // 2^31, not sign-extended
    expectProtoError(() => decode(MSPRole, bytes(0x10, ...twoTo63)), 'PROTO_MALFORMED') // enum
    expectProtoError(() => decode(ChaincodeInput, bytes(0x18, 0x02)), 'PROTO_MALFORMED') // bool 2
    expectProtoError(() => decode(ChaincodeInput, bytes(0x18, 0x80, 0x80, 0x80, 0x80, 0x10)), 'PROTO_MALFORMED') // bool 2^32
    expectProtoError(() => decode(IdentifierHeader, bytes(0x08, 0x80, 0x80, 0x80, 0x80, 0x10)), 'PROTO_MALFORMED') // uint32 2^32
    expect(decode(IdentifierHeader, bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0x0f)).identifier).toBe(2 ** 32 - 1)
    expect(decode(ChaincodeInput, bytes(0x18, 0x01)).isInit).toBe(true)
  })

  it('PROTO_MALFORMED for a non-minimal varint in a JS_NUMBER field (protons would misread it)', () => {
    expectProtoError(() => decode(BlockHeader, bytes(0x08, 0x81, 0x00)), 'PROTO_MALFORMED')
  })

  it('PROTO_MALFORMED for something that is not bytes', () => {
    expectProtoError(() => decode(Block, 'hello' as unknown as Uint8Array), 'PROTO_MALFORMED')
    const foreign = { codec: () => ({}) } as unknown as typeof Block
    expectProtoError(() => decode(foreign, bytes()), 'PROTO_MALFORMED')
  })

  it('PROTO_UTF8 for invalid UTF-8 in a string field', () => {
    expectProtoError(() => decode(ChannelHeader, bytes(0x22, 0x02, 0xc3, 0x28)), 'PROTO_UTF8')
    expectProtoError(() => decode(ChannelHeader, bytes(0x22, 0x03, 0xed, 0xa0, 0x80)), 'PROTO_UTF8') // a UTF-16 surrogate
  })

  it('PROTO_UNKNOWN_ENUM for an undeclared enum number', () => {
    expectProtoError(() => decode(MSPRole, bytes(0x10, 0x09)), 'PROTO_UNKNOWN_ENUM')
    expectProtoError(() => decode(MSPRole, bytes(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)), 'PROTO_UNKNOWN_ENUM')
  })

  it('PROTO_UNSAFE_INTEGER for a block number above 2^53 - 1', () => {
    const twoTo53 = bytes(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10)
    expectProtoError(() => decode(BlockHeader, twoTo53), 'PROTO_UNSAFE_INTEGER')
    expectProtoError(() => decode(Timestamp, bytes(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xf0, 0xff, 0x01)), 'PROTO_UNSAFE_INTEGER')
  })

  it('PROTO_TOO_DEEP beyond maxDepth, without overflowing the stack', () => {
    expect(decode(SignaturePolicy, nestedPolicy(20)).nOutOf?.n).toBe(1)
    expectProtoError(() => decode(SignaturePolicy, nestedPolicy(DEFAULT_MAX_DEPTH)), 'PROTO_TOO_DEEP')
    expectProtoError(() => decode(SignaturePolicy, nestedPolicy(20), { maxDepth: 10 }), 'PROTO_TOO_DEEP')
    expectProtoError(() => decode(SignaturePolicy, nestedPolicy(50_000)), 'PROTO_TOO_DEEP')
  })

  it('PROTO_LIMIT for too many repeated elements, globally or per field', () => {
    const data = encode(BlockData, { data: [bytes(1), bytes(2), bytes(3)] })
    expectProtoError(() => decode(BlockData, data, { maxRepeated: 2 }), 'PROTO_LIMIT')
    expectProtoError(() => decode(BlockData, data, { limits: { data: 2 } }), 'PROTO_LIMIT')
    expect(decode(BlockData, data, { maxRepeated: 3 }).data).toHaveLength(3)
    const block = encode(Block, { data: { data: [bytes(1), bytes(2)] } })
    expectProtoError(() => decode(Block, block, { limits: { data: { data: 1 } } }), 'PROTO_LIMIT')
  })
})

describe('encode: bad values fail with PROTO_ENCODE naming the field', () => {
  it.each<[string, () => unknown, string]>([
    ['negative block number', () => encode(BlockHeader, { number: -1 }), 'BlockHeader.number'],
    ['fractional block number', () => encode(BlockHeader, { number: 1.5 }), 'BlockHeader.number'],
    ['unsafe block number', () => encode(BlockHeader, { number: 2 ** 53 }), 'BlockHeader.number'],
    ['string for bytes', () => encode(BlockHeader, { previousHash: 'ab' as unknown as Uint8Array }), 'BlockHeader.previousHash'],
    ['int32 out of range', () => encode(ChannelHeader, { type: 2 ** 31 }), 'ChannelHeader.type'],
    ['number for string', () => encode(ChannelHeader, { channelId: 5 as unknown as string }), 'ChannelHeader.channelId'],
    ['unknown enum name', () => encode(MSPRole, { role: 'OWNER' as MSPRole.MSPRoleType }), 'MSPRole.role'],
    ['inherited property as enum name', () => encode(MSPRole, { role: 'constructor' as MSPRole.MSPRoleType }), 'MSPRole.role'],
    ['array element of wrong type', () => encode(BlockData, { data: [bytes(1), 7 as unknown as Uint8Array] }), 'BlockData.data[1]'],
    ['object instead of Map', () => encode(ChaincodeInput, { decorations: {} as unknown as Map<string, Uint8Array> }), 'ChaincodeInput.decorations'],
    ['map value of wrong type', () => encode(ChaincodeInput, { decorations: new Map([['k', 'v' as unknown as Uint8Array]]) }), 'ChaincodeInput.decorations'],
    ['not an object', () => encode(Block, 5 as unknown as Block), 'Block'],
    ['two members of a oneof', () => encode(SignaturePolicy, { signedBy: 0, nOutOf: { n: 1, rules: [] } }), 'oneof Type']
  ])('%s', (_label, fn, path) => {
    expect(expectProtoError(fn, 'PROTO_ENCODE').message).toContain(path)
  })

  it('rejects a cyclic value instead of overflowing the stack', () => {
    const rule: SignaturePolicy = { nOutOf: { n: 1, rules: [] } }
    rule.nOutOf?.rules.push(rule)
    expectProtoError(() => encode(SignaturePolicyEnvelope, { rule }), 'PROTO_ENCODE')
  })
})
