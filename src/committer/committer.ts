/**
 * The reference committer (Fabric's core/committer + kvledger commit): validate a block, write
 * its TRANSACTIONS_FILTER and commit it through the ledger — only VALID transactions' writes
 * reach state; a block whose transactions are all invalid still commits, with its codes.
 * Blocks commit one at a time, in the order they are handed in; the next ones (up to
 * `pipelineDepth`) are prepared meanwhile — decoded, identities and signatures checked — since
 * that needs no state (docs/policy.md, "Pipelined commit"). Listeners hear each committed block
 * with per-tx results (txId, code, chaincode event), which is how clients learn their
 * transaction's fate.
 *
 * @module
 */
import type { CommitStats, KvLedger } from '../ledger/index.js'
import type { Block, ChaincodeEvent } from '../protos/index.js'
import type { AbortOptions } from '../shared/abort.js'
import type { BlockValidator, PreparedBlock, TxResult, ValidationTimings } from '../validator/index.js'

export interface CommittedTx {
  txId: string
  code: number
  reason?: string
  blockNum: number
  txNum: number
  /** The invoked chaincode's event, only when the transaction is VALID (Fabric emits only those). */
  event?: ChaincodeEvent
  /** Namespace → written keys (valid transactions only), for listeners such as _lifecycle. */
  writes: ReadonlyArray<{ namespace: string, keys: readonly string[] }>
}

export interface CommittedBlock {
  blockNum: number
  block: Block
  txs: readonly CommittedTx[]
  /** Where this block's time went: validation phases, then the ledger's prepare and write. */
  timings?: { validation?: ValidationTimings, ledger?: CommitStats }
}

export type BlockListener = (committed: CommittedBlock) => void | Promise<void>

export interface CommitterOptions {
  /**
   * Blocks in flight at once (default 2): while one block is finished against state and
   * committed, the next ones are already prepared — decoded, identities checked and signatures
   * verified (on the verifier pool's workers when the validator has one). 1: no overlap.
   */
  pipelineDepth?: number
}

export class Committer {
  readonly #listeners = new Set<BlockListener>()
  readonly #waiters = new Map<string, Array<(tx: CommittedTx) => void>>()
  readonly #depth: number
  #inFlight = 0
  readonly #slotWaiters: Array<() => void> = []
  #queue: Promise<unknown> = Promise.resolve()

  constructor (readonly ledger: KvLedger, readonly validator: BlockValidator, options: CommitterOptions = {}) {
    const depth = options.pipelineDepth ?? 2
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`pipelineDepth must be an integer ≥ 1, got ${String(depth)}`)
    this.#depth = depth
  }

  /**
   * Validates and commits `block` after the blocks already queued. Blocks may be handed in
   * without awaiting each (a deliver stream): they are prepared up to `pipelineDepth` ahead and
   * committed strictly in order, each against the state its predecessors left.
   */
  async commitBlock (block: Block): Promise<CommittedBlock> {
    const { committed } = await this.accept(block)
    return await committed
  }

  /**
   * Hands `block` to the pipeline and resolves as soon as it holds one of the `pipelineDepth`
   * slots — the backpressure a deliver loop awaits before reading the next block — with
   * `committed`, which settles once the block is validated and committed (or refused).
   */
  async accept (block: Block): Promise<{ committed: Promise<CommittedBlock> }> {
    await this.#acquireSlot()
    // Depends on the block alone, so it may run while earlier blocks commit. A configuration
    // block (channel config updates, a later issue) will have to drain the pipeline first.
    const prepared = this.validator.prepare(block)
    prepared.catch(() => undefined) // reported through `committed`
    const committed = this.#queue.then(async () => {
      try {
        return await this.#commit(await prepared)
      } finally {
        this.#releaseSlot()
      }
    })
    this.#queue = committed.catch(() => undefined)
    return { committed }
  }

  async #acquireSlot (): Promise<void> {
    if (this.#inFlight < this.#depth) { this.#inFlight++; return }
    await new Promise<void>((resolve) => { this.#slotWaiters.push(resolve) })
  }

  #releaseSlot (): void {
    const next = this.#slotWaiters.shift()
    if (next !== undefined) next() // the slot passes straight to the next block
    else this.#inFlight--
  }

  /** Calls `listener` after every committed block (awaited before the next block commits). */
  onBlock (listener: BlockListener): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  /** Resolves when a transaction with `txId` commits (valid or not). */
  async waitForTx (txId: string, options: AbortOptions = {}): Promise<CommittedTx> {
    return await new Promise<CommittedTx>((resolve, reject) => {
      const list = this.#waiters.get(txId) ?? []
      const onAbort = (): void => {
        const rest = (this.#waiters.get(txId) ?? []).filter((f) => f !== done)
        if (rest.length === 0) this.#waiters.delete(txId)
        else this.#waiters.set(txId, rest)
        reject(options.signal?.reason)
      }
      const done = (tx: CommittedTx): void => {
        options.signal?.removeEventListener('abort', onAbort)
        resolve(tx)
      }
      if (options.signal?.aborted === true) { reject(options.signal.reason); return }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      list.push(done)
      this.#waiters.set(txId, list)
    })
  }

  async #commit (prepared: PreparedBlock): Promise<CommittedBlock> {
    // The block must continue this ledger's chain; the validator checked the orderer's
    // signature (when given the channel's BlockValidation policy) when preparing it.
    const results = await this.validator.finish(prepared, { chainTip: this.ledger.getChainInfo() })
    const block = prepared.block
    // The validator checked the data hash and decoded every transaction: the ledger reuses both.
    await this.ledger.commit(block, results.map((r) => r.code), {
      dataHashVerified: true,
      preParsed: results.map((r) => r.tx === undefined ? { txId: r.txId } : { txId: r.txId, rwsets: r.tx.rwsets })
    })
    const blockNum = block.header?.number as number
    const txs = results.map((r, txNum) => committedTx(r, blockNum, txNum))
    const committed: CommittedBlock = { blockNum, block, txs, timings: { validation: this.validator.lastTimings, ledger: this.ledger.lastCommit } }
    for (const listener of this.#listeners) await listener(committed)
    for (const tx of txs) {
      const waiters = this.#waiters.get(tx.txId)
      if (waiters === undefined) continue
      this.#waiters.delete(tx.txId)
      for (const w of waiters) w(tx)
    }
    return committed
  }
}

function committedTx (r: TxResult, blockNum: number, txNum: number): CommittedTx {
  const valid = r.code === 0
  return {
    txId: r.txId,
    code: r.code,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    blockNum,
    txNum,
    ...(valid && r.tx?.event !== undefined ? { event: r.tx.event } : {}),
    writes: valid && r.tx !== undefined
      ? r.tx.rwsets.map(({ namespace, kv }) => ({ namespace, keys: [...kv.writes.map((w) => w.key), ...kv.metadataWrites.map((w) => w.key)] }))
      : []
  }
}
