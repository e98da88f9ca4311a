/**
 * Committed-state reads of a block issued as soon as each transaction is parsed, so that storage
 * (IndexedDB works off the main thread) overlaps the CPU work of parsing and of the signature
 * batch instead of following it. Answers are the same as asking later: the committer validates
 * one block at a time and nothing commits while a block is validated.
 *
 * @module
 */
import type { Height } from '../ledger/api.js'
import type { ParsedTx } from './parse.js'
import type { CommittedState } from './state.js'

export class PrefetchingState implements CommittedState {
  readonly #state: CommittedState
  readonly #versions = new Map<string, Promise<Height | undefined>>()
  readonly #txIds = new Map<string, Promise<boolean>>()
  /** txIds prefetched in the current tick, asked of `txIdsExist` together at its end. */
  #pendingTxIds: Array<{ txId: string, resolve: (exists: boolean) => void, reject: (err: unknown) => void }> = []

  constructor (state: CommittedState) {
    this.#state = state
  }

  /** Starts the reads `tx` will need: its txId on the ledger and the versions of the keys it read. */
  prefetch (tx: ParsedTx): void {
    if (!this.#txIds.has(tx.txId)) this.#txIds.set(tx.txId, settledLater(this.#lookUpTxId(tx.txId)))
    for (const { namespace, kv } of tx.rwsets) {
      for (const { key } of kv.reads) {
        const id = `${namespace}\u0000${key}`
        if (!this.#versions.has(id)) this.#versions.set(id, settledLater(this.#state.getVersion(namespace, key)))
      }
    }
  }

  /**
   * The validator parses a block's transactions in one synchronous pass, so every txId of the
   * block is queued before the microtask runs: one `txIdsExist` call (one round trip) per block.
   */
  #lookUpTxId (txId: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.#pendingTxIds.length === 0) queueMicrotask(() => { this.#flushTxIds() })
      this.#pendingTxIds.push({ txId, resolve, reject })
    })
  }

  #flushTxIds (): void {
    const batch = this.#pendingTxIds
    this.#pendingTxIds = []
    this.#state.txIdsExist(batch.map((p) => p.txId)).then(
      (exists) => { batch.forEach((p, i) => { p.resolve(exists[i] === true) }) },
      (err: unknown) => { for (const p of batch) p.reject(err) }
    )
  }

  async getVersion (namespace: string, key: string): Promise<Height | undefined> {
    return await (this.#versions.get(`${namespace}\u0000${key}`) ?? this.#state.getVersion(namespace, key))
  }

  async getMetadata (namespace: string, key: string): ReturnType<CommittedState['getMetadata']> {
    return await this.#state.getMetadata(namespace, key)
  }

  range (namespace: string, startKey: string, endKey: string): ReturnType<CommittedState['range']> {
    return this.#state.range(namespace, startKey, endKey)
  }

  async txIdExists (txId: string): Promise<boolean> {
    return await (this.#txIds.get(txId) ?? this.#lookUpTxId(txId))
  }

  async txIdsExist (txIds: readonly string[]): Promise<boolean[]> {
    return await Promise.all(txIds.map(async (t) => await this.txIdExists(t)))
  }
}

/** A read nobody may await (its transaction failed earlier) must not be an unhandled rejection. */
function settledLater<T> (promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined)
  return promise
}
