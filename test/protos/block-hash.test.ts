/**
 * Fabric's block hashes (protoutil/blockutils.go) checked three ways: hand-assembled DER
 * with digests from sha256sum, an independent DER encoder (asn1js, which @peculiar/x509
 * builds on) with node:crypto, and properties over random headers.
 */
import { createHash } from 'node:crypto'
import * as asn1js from 'asn1js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BLOCK_METADATA_SLOTS, blockDataHash, blockHeaderBytes, blockHeaderHash, newBlock } from '../../src/protos/index.js'
import { expectProtoError } from './support/expect-proto-error.js'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const nodeSha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest())

/** The same SEQUENCE built by asn1js, as Go's asn1.Marshal(asn1Header{*big.Int, []byte, []byte}) would. */
function referenceDer (number: number, previousHash: Uint8Array, dataHash: Uint8Array): Uint8Array {
  const seq = new asn1js.Sequence({
    value: [
      asn1js.Integer.fromBigInt(BigInt(number)),
      new asn1js.OctetString({ valueHex: previousHash }),
      new asn1js.OctetString({ valueHex: dataHash })
    ]
  })
  return new Uint8Array(seq.toBER(false))
}

describe('blockHeaderBytes / blockHeaderHash', () => {
  it('known answer: {1, "foo", "bar"} (protoutil TestGoodBlockHeaderBytes values)', () => {
    const header = { number: 1, previousHash: text('foo'), dataHash: text('bar') }
    expect(hex(blockHeaderBytes(header))).toBe('300d020101' + '0403666f6f' + '0403626172')
    // printf '\x30\x0d\x02\x01\x01\x04\x03foo\x04\x03bar' | sha256sum
    expect(hex(blockHeaderHash(header))).toBe('e93c1382cc0ad21a64ae3286fd3ec883e2da582a793eb7b255954370b90a6b5b')
  })

  it.each([
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'], // high bit set: a leading zero keeps it positive
    [255, '020200ff'],
    [256, '02020100'],
    [2 ** 31, '02050080000000'],
    [Number.MAX_SAFE_INTEGER, '02071fffffffffffff']
  ])('INTEGER %d is minimal two\'s complement', (number, integerDer) => {
    const der = hex(blockHeaderBytes({ number, previousHash: new Uint8Array(0), dataHash: new Uint8Array(0) }))
    const contentLength = integerDer.length / 2 + 4
    expect(der).toBe('30' + contentLength.toString(16).padStart(2, '0') + integerDer + '0400' + '0400')
  })

  it('uses the long length form from 128 bytes on (X.690 8.1.3.5)', () => {
    const der = blockHeaderBytes({ number: 0, previousHash: new Uint8Array(200), dataHash: new Uint8Array(32) })
    // SEQUENCE content = 3 + (3 + 200) + (2 + 32) = 240 -> 30 81 f0; OCTET STRING 200 -> 04 81 c8
    expect(hex(der.subarray(0, 3))).toBe('3081f0')
    expect(hex(der.subarray(6, 9))).toBe('0481c8')
    expect(der).toEqual(referenceDer(0, new Uint8Array(200), new Uint8Array(32)))
    const big = blockHeaderBytes({ number: 0, previousHash: new Uint8Array(70_000), dataHash: new Uint8Array(0) })
    expect(big).toEqual(referenceDer(0, new Uint8Array(70_000), new Uint8Array(0)))
  })

  it('matches asn1js + node:crypto for random headers', () => {
    fc.assert(fc.property(
      fc.maxSafeNat(), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }),
      (number, previousHash, dataHash) => {
        const header = { number, previousHash, dataHash }
        const der = referenceDer(number, previousHash, dataHash)
        expect(blockHeaderBytes(header)).toEqual(der)
        expect(blockHeaderHash(header)).toEqual(nodeSha256(der))
        expect(blockHeaderHash(header, nodeSha256)).toEqual(nodeSha256(der))
      }
    ), { numRuns: 300 })
  })

  it('rejects headers that cannot be encoded', () => {
    expectProtoError(() => blockHeaderBytes({ number: -1, previousHash: new Uint8Array(0), dataHash: new Uint8Array(0) }), 'PROTO_ENCODE')
    expectProtoError(() => blockHeaderBytes({ number: 2 ** 53, previousHash: new Uint8Array(0), dataHash: new Uint8Array(0) }), 'PROTO_ENCODE')
    expectProtoError(() => blockHeaderBytes({ number: 1, previousHash: undefined as unknown as Uint8Array, dataHash: new Uint8Array(0) }), 'PROTO_ENCODE')
  })
})

describe('blockDataHash', () => {
  it('known answers: concatenation, not a Merkle tree', () => {
    expect(hex(blockDataHash({ data: [text('foo'), text('bar')] }))).toBe('c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2')
    expect(hex(blockDataHash({ data: [] }))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('matches node:crypto over Buffer.concat, streamed or with a supplied hash', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 8 }), (data) => {
      const expected = nodeSha256(Buffer.concat(data))
      expect(blockDataHash({ data })).toEqual(expected)
      expect(blockDataHash({ data }, nodeSha256)).toEqual(expected)
    }), { numRuns: 200 })
  })

  it('rejects non-byte entries', () => {
    expectProtoError(() => blockDataHash({ data: ['x' as unknown as Uint8Array] }), 'PROTO_ENCODE')
  })
})

describe('newBlock', () => {
  it('is protoutil.NewBlock: empty data hash, empty data, one empty metadata slot per index', () => {
    const prev = new Uint8Array(32).fill(7)
    const block = newBlock(5, prev)
    expect(block.header).toEqual({ number: 5, previousHash: prev, dataHash: new Uint8Array(0) })
    expect(block.data?.data).toEqual([])
    expect(block.metadata?.metadata).toHaveLength(BLOCK_METADATA_SLOTS)
    expect(block.metadata?.metadata.every((m) => m.length === 0)).toBe(true)
  })

  it('chains: block n+1 previousHash = header hash of block n', () => {
    const genesis = newBlock(0, new Uint8Array(0))
    genesis.header = { number: 0, previousHash: new Uint8Array(0), dataHash: blockDataHash({ data: [text('tx0')] }) }
    const next = newBlock(1, blockHeaderHash(genesis.header))
    expect(next.header?.previousHash).toEqual(nodeSha256(referenceDer(0, new Uint8Array(0), nodeSha256(text('tx0')))))
  })
})
