import { BlockMetadataIndex, LastConfig, Metadata, OrdererBlockMetadata, SignatureHeader, blockDataHash, blockHeaderBytes, blockHeaderHash, decode, encode } from '../protos/index.js'
import type { Block } from '../protos/index.js'
import { OrdererError } from './errors.js'

/** Who signs blocks: an orderer's SigningIdentity satisfies this (msp/signing-identity.ts). */
export interface BlockSigner {
  /** SerializedIdentity bytes, the SignatureHeader.creator. */
  serialize(): Uint8Array
  sign(message: Uint8Array): Promise<Uint8Array>
}

/** 24 random bytes per signature header, as Fabric's crypto.GetRandomNonce; injectable for tests. */
export type NonceSource = () => Uint8Array

export const webCryptoNonce: NonceSource = () => crypto.getRandomValues(new Uint8Array(24))

/**
 * Commits blocks as Fabric's orderer/common/multichannel/blockwriter.go does: checks that each one
 * extends the chain (previousHash = hash of the previous DER header), then fills LAST_CONFIG and
 * SIGNATURES metadata with this orderer's signature:
 *  - LAST_CONFIG: Metadata{ value: LastConfig{index} } (deprecated upstream, still written);
 *  - SIGNATURES: Metadata{ value: OrdererBlockMetadata{lastConfig, consenterMetadata: Metadata{value}},
 *    signatures: [{ signatureHeader, signature over value ‖ signatureHeader ‖ BlockHeaderBytes }] }.
 */
export class BlockWriter {
  private lastNumber: number
  private lastHash: Uint8Array
  private lastConfigIndex: number

  /** Starts after `last` (the genesis block or the tip read from the ledger) and its last config block number. */
  constructor (last: Block, lastConfigIndex: number, private readonly signer: BlockSigner, private readonly nonce: NonceSource = webCryptoNonce) {
    if (last.header === undefined) throw new OrdererError('ORDERER_INVALID_ARGUMENT', 'last block has no header')
    this.lastNumber = last.header.number
    this.lastHash = blockHeaderHash(last.header)
    this.lastConfigIndex = lastConfigIndex
  }

  get height (): number {
    return this.lastNumber + 1
  }

  /**
   * Adds metadata and the signature, and advances the chain tip. `isConfig` marks a config block,
   * which becomes the LAST_CONFIG of itself and of every later block.
   */
  async commit (block: Block, options: { isConfig: boolean, consenterMetadata?: Uint8Array }): Promise<Block> {
    const header = block.header
    if (header === undefined || header.number !== this.lastNumber + 1 || !sameBytes(header.previousHash, this.lastHash)) {
      throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN',
        `block ${String(header?.number)} does not follow block ${this.lastNumber}`)
    }
    if (options.isConfig) this.lastConfigIndex = header.number
    const metadata = block.metadata?.metadata ?? []
    metadata[BlockMetadataIndex.LAST_CONFIG] = encode(Metadata, { value: encode(LastConfig, { index: this.lastConfigIndex }), signatures: [] })
    const value = encode(OrdererBlockMetadata, {
      lastConfig: { index: this.lastConfigIndex },
      consenterMetadata: encode(Metadata, { value: options.consenterMetadata ?? new Uint8Array(0), signatures: [] })
    })
    const signatureHeader = encode(SignatureHeader, { creator: this.signer.serialize(), nonce: this.nonce() })
    const signature = await this.signer.sign(concat([value, signatureHeader, blockHeaderBytes(header)]))
    metadata[BlockMetadataIndex.SIGNATURES] = encode(Metadata, {
      value,
      signatures: [{ signatureHeader, signature, identifierHeader: new Uint8Array(0) }]
    })
    block.metadata = { metadata }
    this.lastNumber = header.number
    this.lastHash = blockHeaderHash(header)
    return block
  }

  /**
   * Appends a block another orderer already wrote and signed (catch-up after a snapshot, Fabric's
   * block puller): checked to extend the chain and to match its data hash, kept as it is.
   * Signatures are the committing peer's to verify against the orderer organizations' policy.
   */
  appendPulled (block: Block): Block {
    const header = block.header
    if (header === undefined || header.number !== this.lastNumber + 1 || !sameBytes(header.previousHash, this.lastHash)) {
      throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN', `pulled block ${String(header?.number)} does not follow block ${this.lastNumber}`)
    }
    if (block.data === undefined || !sameBytes(blockDataHash(block.data), header.dataHash)) {
      throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN', `pulled block ${header.number} does not match its data hash`)
    }
    this.lastConfigIndex = lastConfigIndexOf(block)
    this.lastNumber = header.number
    this.lastHash = blockHeaderHash(header)
    return block
  }
}

/** LAST_CONFIG of a block as written above (0 when the slot is empty, as for the genesis block). */
export function lastConfigIndexOf (block: Block): number {
  const slot = block.metadata?.metadata[BlockMetadataIndex.LAST_CONFIG]
  if (slot === undefined || slot.byteLength === 0) return 0
  return decode(LastConfig, decode(Metadata, slot).value).index
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function concat (parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
