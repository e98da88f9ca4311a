/**
 * A chain of blocks that only validates right when each block is checked against the state its
 * predecessors left: block b bumps `counter` reading the version block b−1 wrote, carries a
 * transaction whose read is one block stale (MVCC_READ_CONFLICT), and replays block 0's first
 * transaction (DUPLICATE_TXID across blocks). Used by the committer's pipeline tests in Node and
 * in Chromium.
 */
import type { SigningIdentity } from '../../src/msp/index.js'
import { TxValidationCode as C, blockHeaderHash, type Block } from '../../src/protos/index.js'
import { makeBlock, makeTx } from '../validator/fixtures.js'

export interface DependentBlocks {
  blocks: Block[]
  /** Codes per block, per transaction. */
  expected: number[][]
}

const value = (s: string): Uint8Array => new TextEncoder().encode(s)

export async function dependentBlocks (signers: { client: SigningIdentity, endorsers: SigningIdentity[] }, count = 5, padding = 0): Promise<DependentBlocks> {
  const blocks: Block[] = []
  const expected: number[][] = []
  let prev: Block | undefined
  let firstTx: Uint8Array | undefined
  const tx = async (reads: Array<{ key: string, version: { blockNum: number, txNum: number } }>, key: string): Promise<{ envelope: Uint8Array }> =>
    await makeTx({ creator: signers.client, endorsers: signers.endorsers, rwsets: [{ namespace: 'cc', kv: { reads, writes: [{ key, isDelete: false, value: value(key) }] } }] })
  for (let b = 0; b < count; b++) {
    const bump = await tx(b === 0 ? [] : [{ key: 'counter', version: { blockNum: b - 1, txNum: 0 } }], 'counter')
    // Endorsed against the block before last (block 0: a version that never existed).
    const stale = await tx([{ key: 'counter', version: b < 2 ? { blockNum: 99, txNum: 0 } : { blockNum: b - 2, txNum: 0 } }], `stale${b}`)
    // Independent transactions, so a block can be made large enough for a worker pool.
    const pad = await Promise.all(Array.from({ length: padding }, async (_, i) => (await tx([], `pad${b}-${i}`)).envelope))
    const envelopes = [bump.envelope, stale.envelope, ...(firstTx === undefined ? [] : [firstTx]), ...pad]
    firstTx ??= bump.envelope
    const block = prev === undefined ? makeBlock(0, envelopes) : makeBlock(b, envelopes, blockHeaderHash(prev.header as NonNullable<Block['header']>))
    blocks.push(block)
    expected.push([C.VALID, C.MVCC_READ_CONFLICT, ...(b === 0 ? [] : [C.DUPLICATE_TXID]), ...pad.map(() => C.VALID)])
    prev = block
  }
  return { blocks, expected }
}
