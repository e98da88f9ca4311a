import { common } from '@hyperledger/fabric-protos'
import { describe, expect, it } from 'vitest'
import {
  Block, BlockMetadataIndex, TxValidationCode, blockMetadataAt, decode, lastConfigIndex, newBlock, newTxValidationFlags
} from '../../src/protos/index.js'
import { expectProtoError } from './support/expect-proto-error.js'

/** A block whose SIGNATURES slot is built by Fabric's bindings, as an orderer would write it. */
function blockWithLastConfig (index: number): Block {
  const lastConfig = new common.LastConfig()
  lastConfig.setIndex(index)
  const obm = new common.OrdererBlockMetadata()
  obm.setLastConfig(lastConfig)
  obm.setConsenterMetadata(Uint8Array.of(1, 2))
  const md = new common.Metadata()
  md.setValue(obm.serializeBinary())
  const theirs = new common.Block()
  const metadata = new common.BlockMetadata()
  metadata.setMetadataList([md.serializeBinary(), new Uint8Array(0), Uint8Array.of(0, 11)])
  theirs.setMetadata(metadata)
  return decode(Block, theirs.serializeBinary())
}

describe('newTxValidationFlags', () => {
  it('is txflags.New: every transaction NOT_VALIDATED', () => {
    expect(newTxValidationFlags(3)).toEqual(Uint8Array.of(254, 254, 254))
    expect(newTxValidationFlags(0)).toEqual(new Uint8Array(0))
  })

  it('rejects a bad size', () => {
    expectProtoError(() => newTxValidationFlags(-1), 'PROTO_ENCODE')
    expectProtoError(() => newTxValidationFlags(1.5), 'PROTO_ENCODE')
  })
})

describe('blockMetadataAt', () => {
  it('returns the slot, or empty bytes past the end', () => {
    const block = blockWithLastConfig(0)
    expect(blockMetadataAt(block, BlockMetadataIndex.TRANSACTIONS_FILTER)).toEqual(Uint8Array.of(TxValidationCode.VALID, TxValidationCode.MVCC_READ_CONFLICT))
    expect(blockMetadataAt(block, BlockMetadataIndex.COMMIT_HASH)).toEqual(new Uint8Array(0))
    expect(blockMetadataAt({}, BlockMetadataIndex.SIGNATURES)).toEqual(new Uint8Array(0))
  })
})

describe('lastConfigIndex (protoutil.GetLastConfigIndexFromBlock)', () => {
  it('reads OrdererBlockMetadata from the SIGNATURES slot', () => {
    expect(lastConfigIndex(blockWithLastConfig(0))).toBe(0)
    expect(lastConfigIndex(blockWithLastConfig(4242))).toBe(4242)
  })

  it('falls back to the deprecated LAST_CONFIG slot when SIGNATURES has no value', () => {
    const lc = new common.LastConfig()
    lc.setIndex(7)
    const legacy = new common.Metadata()
    legacy.setValue(lc.serializeBinary())
    const block = newBlock(9, new Uint8Array(32))
    block.metadata = { metadata: [new Uint8Array(0), legacy.serializeBinary()] }
    expect(lastConfigIndex(block)).toBe(7)
  })

  it('throws a ProtoError for missing or corrupt metadata', () => {
    expectProtoError(() => lastConfigIndex({}), 'PROTO_MALFORMED')
    expectProtoError(() => lastConfigIndex({ metadata: { metadata: [new Uint8Array(0)] } }), 'PROTO_MALFORMED')
    expectProtoError(() => lastConfigIndex({ metadata: { metadata: [Uint8Array.of(0x0a, 0x05, 0x01)] } }), 'PROTO_TRUNCATED')
    const noLastConfig = { metadata: { metadata: [Uint8Array.of(0x0a, 0x02, 0x12, 0x00)] } } // Metadata{value: OrdererBlockMetadata{consenter_metadata: []}}
    expectProtoError(() => lastConfigIndex(noLastConfig), 'PROTO_MALFORMED')
  })
})
