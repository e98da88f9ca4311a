/**
 * Checks of the block itself, before any transaction is validated (Fabric's
 * common/deliverclient/blocksprovider + peer gossip's MCS VerifyBlock): the header continues
 * the local chain, the data hash matches the transactions, and the orderer's signature in the
 * SIGNATURES metadata satisfies the channel's BlockValidation policy. A failure throws a
 * ValidatorError: the block is refused and nothing commits.
 *
 * @module
 */
import type { Policy, SignedData } from '../policy/index.js'
import { BlockMetadataIndex, Metadata, SignatureHeader, blockDataHash, blockHeaderBytes, decode, type Block, type BlockHeader } from '../protos/index.js'
import { ValidatorError } from './errors.js'

/** Where the local chain ends: the next block must have this number and previous hash. */
export interface ChainTip {
  height: number
  /** Hash of the last committed block header; ignored when height is 0 (genesis has no predecessor). */
  currentBlockHash: Uint8Array
}

export function checkBlockShape (block: Block): BlockHeader & { data: Uint8Array[] } {
  if (block.header === undefined || block.data === undefined) throw new ValidatorError('VALIDATOR_BAD_BLOCK', 'block has no header or data')
  let dataHash: Uint8Array
  try {
    dataHash = blockDataHash(block.data)
  } catch (err) {
    throw new ValidatorError('VALIDATOR_BAD_BLOCK', 'block data is malformed', { cause: err })
  }
  if (!bytesEqual(dataHash, block.header.dataHash)) throw new ValidatorError('VALIDATOR_BAD_BLOCK', `block ${block.header.number}: data hash does not match its transactions`)
  return { ...block.header, data: block.data.data }
}

/** The hash chain: number = height, previousHash = hash of the last block's header. */
export function checkChain (header: BlockHeader, tip: ChainTip): void {
  if (header.number !== tip.height) throw new ValidatorError('VALIDATOR_BROKEN_CHAIN', `expected block ${tip.height}, got ${header.number}`)
  if (tip.height > 0 && !bytesEqual(header.previousHash, tip.currentBlockHash)) {
    throw new ValidatorError('VALIDATOR_BROKEN_CHAIN', `block ${header.number}: previous hash does not match block ${tip.height - 1}`)
  }
}

/**
 * Fabric's protoutil.BlockSignatureVerifier: each SIGNATURES entry signs
 * metadata.value ‖ signatureHeader ‖ BlockHeaderBytes(header) by signatureHeader.creator; the set
 * must satisfy `blockValidation` (the channel's /Channel/Orderer/BlockValidation policy).
 */
export async function checkBlockSignatures (block: Block, header: BlockHeader, blockValidation: Policy): Promise<void> {
  const slot = block.metadata?.metadata[BlockMetadataIndex.SIGNATURES]
  if (slot === undefined || slot.length === 0) throw new ValidatorError('VALIDATOR_BAD_BLOCK_SIGNATURE', `block ${header.number} has no SIGNATURES metadata`)
  let signedData: SignedData[]
  try {
    const metadata = decode(Metadata, slot)
    const headerBytes = blockHeaderBytes(header)
    signedData = metadata.signatures.map((s) => {
      const shdr = decode(SignatureHeader, s.signatureHeader)
      const data = new Uint8Array(metadata.value.length + s.signatureHeader.length + headerBytes.length)
      data.set(metadata.value)
      data.set(s.signatureHeader, metadata.value.length)
      data.set(headerBytes, metadata.value.length + s.signatureHeader.length)
      return { identity: shdr.creator, data, signature: s.signature }
    })
  } catch (err) {
    throw new ValidatorError('VALIDATOR_BAD_BLOCK_SIGNATURE', `block ${header.number}: SIGNATURES metadata does not decode`, { cause: err })
  }
  if (!await blockValidation.evaluateSignedData(signedData)) {
    throw new ValidatorError('VALIDATOR_BAD_BLOCK_SIGNATURE', `block ${header.number}: orderer signatures do not satisfy the BlockValidation policy`)
  }
}

export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
