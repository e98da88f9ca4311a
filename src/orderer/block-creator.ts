import { blockDataHash, blockHeaderHash, newBlock } from '../protos/index.js'
import type { Block, BlockHeader } from '../protos/index.js'
import { OrdererError } from './errors.js'

/**
 * Creates the next blocks of a chain ahead of their commit (Fabric etcdraft/blockcreator.go): the
 * Raft leader cuts and proposes block N+2 while N+1 is still being replicated, so it keeps its own
 * tip of created blocks. A new leader starts from the last committed block.
 */
export class BlockCreator {
  private number: number
  private hash: Uint8Array

  constructor (tip: Pick<BlockHeader, 'number' | 'previousHash' | 'dataHash'>) {
    this.number = tip.number
    this.hash = blockHeaderHash(tip)
  }

  createNextBlock (envelopes: readonly Uint8Array[]): Block {
    if (!envelopes.every(e => e instanceof Uint8Array)) {
      throw new OrdererError('ORDERER_INVALID_ARGUMENT', 'envelopes must be Uint8Arrays')
    }
    const block = newBlock(this.number + 1, this.hash)
    const data = { data: envelopes.slice() }
    const header = { number: this.number + 1, previousHash: this.hash, dataHash: blockDataHash(data) }
    block.header = header
    block.data = data
    this.number = header.number
    this.hash = blockHeaderHash(header)
    return block
  }
}
