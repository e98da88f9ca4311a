import { p256 } from '@noble/curves/nist.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { NobleSigner } from '../../src/crypto/signer-noble.js'
import { BlockCreator } from '../../src/orderer/block-creator.js'
import { BlockWriter } from '../../src/orderer/block-writer.js'
import {
  BlockMetadataIndex, LastConfig, Metadata, OrdererBlockMetadata, SignatureHeader, blockDataHash, blockHeaderBytes,
  blockHeaderHash, decode, newBlock
} from '../../src/protos/index.js'
import type { Block } from '../../src/protos/index.js'
import { isWeftError } from '../../src/shared/errors.js'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

function genesis (): Block {
  const block = newBlock(0, new Uint8Array(0))
  const data = { data: [bytes('genesis config envelope')] }
  block.data = data
  if (block.header !== undefined) block.header.dataHash = blockDataHash(data)
  return block
}

describe('BlockCreator and BlockWriter (Fabric blockcreator.go, blockwriter.go)', () => {
  it('chains blocks by header hash, ahead of their commit', () => {
    const g = genesis()
    const creator = new BlockCreator(g.header as NonNullable<Block['header']>)
    const b1 = creator.createNextBlock([bytes('tx1'), bytes('tx2')])
    const b2 = creator.createNextBlock([bytes('tx3')])
    expect(b1.header?.number).toBe(1)
    expect(b1.header?.previousHash).toEqual(blockHeaderHash(g.header as NonNullable<Block['header']>))
    expect(b1.header?.dataHash).toEqual(sha256(bytes('tx1tx2')))
    expect(b2.header?.previousHash).toEqual(blockHeaderHash(b1.header as NonNullable<Block['header']>))
  })

  it('signs value ‖ signatureHeader ‖ header bytes and writes LAST_CONFIG as Fabric does', async () => {
    const signer = new NobleSigner(new Uint8Array(32).fill(7))
    const identity = { serialize: () => bytes('orderer1 serialized identity'), sign: async (m: Uint8Array) => await signer.sign(m) }
    const g = genesis()
    const writer = new BlockWriter(g, 0, identity, () => new Uint8Array(24).fill(1))
    const creator = new BlockCreator(g.header as NonNullable<Block['header']>)
    const b1 = await writer.commit(creator.createNextBlock([bytes('tx')]), { isConfig: false, consenterMetadata: bytes('raft') })
    const b2 = await writer.commit(creator.createNextBlock([bytes('config tx')]), { isConfig: true })
    const b3 = await writer.commit(creator.createNextBlock([bytes('tx')]), { isConfig: false })
    expect(writer.height).toBe(4)

    const lastConfigOf = (b: Block): number => {
      const slot = decode(Metadata, b.metadata?.metadata[BlockMetadataIndex.LAST_CONFIG] as Uint8Array)
      return decode(LastConfig, slot.value).index
    }
    expect([b1, b2, b3].map(lastConfigOf)).toEqual([0, 2, 2])

    const sigs = decode(Metadata, b1.metadata?.metadata[BlockMetadataIndex.SIGNATURES] as Uint8Array)
    const value = decode(OrdererBlockMetadata, sigs.value)
    expect(value.lastConfig?.index).toBe(0)
    expect(decode(Metadata, value.consenterMetadata).value).toEqual(bytes('raft'))
    const [entry] = sigs.signatures
    expect(decode(SignatureHeader, entry?.signatureHeader as Uint8Array).creator).toEqual(bytes('orderer1 serialized identity'))
    const signed = new Uint8Array([...sigs.value, ...(entry?.signatureHeader ?? []), ...blockHeaderBytes(b1.header as NonNullable<Block['header']>)])
    expect(p256.verify(entry?.signature as Uint8Array, signed, signer.publicKey, { format: 'der', lowS: true })).toBe(true)
  })

  it('refuses a block that does not extend the committed chain', async () => {
    const g = genesis()
    const writer = new BlockWriter(g, 0, { serialize: () => bytes('o'), sign: async () => new Uint8Array(1) })
    const creator = new BlockCreator(g.header as NonNullable<Block['header']>)
    creator.createNextBlock([bytes('skipped')])
    const b2 = creator.createNextBlock([bytes('tx')])
    let error: unknown
    try { await writer.commit(b2, { isConfig: false }) } catch (err) { error = err }
    expect(isWeftError(error, 'ORDERER_BLOCK_CHAIN_BROKEN')).toBe(true)
  })
})
