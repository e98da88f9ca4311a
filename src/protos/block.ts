/**
 * Small block helpers other layers share (Fabric's protoutil/blockutils.go and
 * internal/pkg/txflags). Pure; hashing lives in ./block-hash.ts.
 *
 * @module
 */
import { decode } from './codec.js'
import { BLOCK_METADATA_SLOTS, BlockMetadataIndex, TxValidationCode } from './enums.js'
import { ProtoError } from './errors.js'
import { LastConfig, Metadata, OrdererBlockMetadata } from './generated/fabric.js'
import type { Block } from './generated/fabric.js'

/**
 * `protoutil.NewBlock`: a block with no transactions, an empty data hash and one empty
 * metadata slot per BlockMetadataIndex, so committers can fill TRANSACTIONS_FILTER in place.
 */
export function newBlock (number: number, previousHash: Uint8Array): Block {
  return {
    header: { number, previousHash, dataHash: new Uint8Array(0) },
    data: { data: [] },
    metadata: { metadata: Array.from({ length: BLOCK_METADATA_SLOTS }, () => new Uint8Array(0)) }
  }
}

/**
 * `txflags.New`: one TxValidationCode byte per transaction, all NOT_VALIDATED, the format of
 * the TRANSACTIONS_FILTER metadata slot.
 */
export function newTxValidationFlags (size: number): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new ProtoError('PROTO_ENCODE', `transaction count must be a non-negative integer, got ${String(size)}`)
  }
  return new Uint8Array(size).fill(TxValidationCode.NOT_VALIDATED)
}

/**
 * The raw metadata bytes at `index` (e.g. TRANSACTIONS_FILTER), or an empty array when the
 * block has fewer slots. A view into the block, not a copy.
 */
export function blockMetadataAt (block: Block, index: BlockMetadataIndex): Uint8Array {
  return block.metadata?.metadata[index] ?? new Uint8Array(0)
}

/**
 * `protoutil.GetLastConfigIndexFromBlock`: Fabric 2.x keeps the last config block number in
 * OrdererBlockMetadata inside the SIGNATURES slot; blocks from pre-1.4.1 orderers only have
 * the deprecated LAST_CONFIG slot, read as a fallback when SIGNATURES carries no value.
 * Throws a ProtoError when the slot is missing or does not decode.
 */
export function lastConfigIndex (block: Block): number {
  const slots = block.metadata?.metadata ?? []
  if (slots.length <= BlockMetadataIndex.SIGNATURES) {
    throw new ProtoError('PROTO_MALFORMED', 'block has no SIGNATURES metadata')
  }
  const signatures = decode(Metadata, slots[BlockMetadataIndex.SIGNATURES] as Uint8Array, { what: 'SIGNATURES metadata' })
  if (signatures.value.length > 0) {
    const orderer = decode(OrdererBlockMetadata, signatures.value, { what: 'OrdererBlockMetadata' })
    // Fabric dereferences LastConfig unchecked (a nil-pointer panic); we reject instead.
    if (orderer.lastConfig === undefined) throw new ProtoError('PROTO_MALFORMED', 'OrdererBlockMetadata has no last_config')
    return orderer.lastConfig.index
  }
  const legacy = slots[BlockMetadataIndex.LAST_CONFIG]
  if (legacy === undefined) throw new ProtoError('PROTO_MALFORMED', 'block has neither OrdererBlockMetadata nor LAST_CONFIG metadata')
  const lastConfig = decode(Metadata, legacy, { what: 'LAST_CONFIG metadata' })
  return decode(LastConfig, lastConfig.value, { what: 'LastConfig' }).index
}
