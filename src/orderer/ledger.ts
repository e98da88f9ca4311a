import { Block, decode, encode } from '../protos/index.js'
import type { KvStore, TableSchema } from '../storage/kv.js'
import { OrdererError } from './errors.js'

/**
 * Where a consenter keeps the blocks it wrote (Fabric's orderer/common/ledger `blockledger.ReadWriter`,
 * backed there by the same file block store as the peer). Appends are in order and atomic; a
 * restarted consenter resumes from `height` without asking anyone for blocks.
 */
export interface OrdererLedger {
  readonly height: number
  /** Block `n`, or undefined when `n` is not below the height. */
  block(n: number): Promise<Block | undefined>
  /** Appends the block numbered `height`. */
  append(block: Block): Promise<void>
}

/** Blocks in the tab's heap: for tests and consenters that keep nothing across reloads. */
export class MemoryOrdererLedger implements OrdererLedger {
  private readonly blocks: Uint8Array[] = []

  get height (): number {
    return this.blocks.length
  }

  async block (n: number): Promise<Block | undefined> {
    const bytes = this.blocks[n]
    return bytes === undefined ? undefined : decode(Block, bytes)
  }

  async append (block: Block): Promise<void> {
    assertNext(block, this.blocks.length)
    // Stored encoded, as on disk: callers never share (or mutate) the ledger's copy.
    this.blocks.push(encode(Block, block))
  }
}

/**
 * Layout in the KvStore (one store per channel and consenter, beside the Raft log's):
 *   orderer_blocks  number → Block bytes
 *   orderer_chain   'height' → number
 * Each append is ONE write of both records, so the height never names a block that is missing.
 */
export const ORDERER_LEDGER_TABLES: readonly TableSchema[] = Object.freeze([{ name: 'orderer_blocks' }, { name: 'orderer_chain' }])

const BLOCKS = 'orderer_blocks'
const CHAIN = 'orderer_chain'

/** An OrdererLedger on the storage layer: IndexedDB in a tab, memory or fake-indexeddb in tests. */
export class KvOrdererLedger implements OrdererLedger {
  private constructor (private readonly store: KvStore, private size: number) {}

  static async open (store: KvStore): Promise<KvOrdererLedger> {
    const height = await store.get<number>(CHAIN, 'height')
    return new KvOrdererLedger(store, height ?? 0)
  }

  get height (): number {
    return this.size
  }

  async block (n: number): Promise<Block | undefined> {
    if (!Number.isSafeInteger(n) || n < 0 || n >= this.size) return undefined
    const bytes = await this.store.get<Uint8Array>(BLOCKS, n)
    if (bytes === undefined) throw new OrdererError('ORDERER_LEDGER_CORRUPT', `block ${n} is missing below height ${this.size}`)
    return decode(Block, bytes)
  }

  async append (block: Block): Promise<void> {
    const n = assertNext(block, this.size)
    await this.store.write([
      { type: 'put', table: BLOCKS, key: n, value: encode(Block, block) },
      { type: 'put', table: CHAIN, key: 'height', value: n + 1 }
    ])
    this.size = n + 1
  }
}

function assertNext (block: Block, height: number): number {
  const n = block.header?.number
  if (n !== height) throw new OrdererError('ORDERER_BLOCK_CHAIN_BROKEN', `appending block ${String(n)} to a ledger of height ${height}`)
  return n
}
