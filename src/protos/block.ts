/**
 * Small builders other layers share. Pure; no hashing here (see ./block-hash.ts).
 *
 * @module
 */
import { BLOCK_METADATA_SLOTS } from './enums.js'
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
