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

  constructor (state: CommittedState) {
    this.#state = state
  }

  /** Starts the reads `tx` will need: its txId on the ledger and the versions of the keys it read. */
  prefetch (tx: ParsedTx): void {
    if (!this.#txIds.has(tx.txId)) this.#txIds.set(tx.txId, settledLater(this.#state.txIdExists(tx.txId)))
    for (const { namespace, kv } of tx.rwsets) {
      for (const { key } of kv.reads) {
        const id = `${namespace}\u0000${key}`
        if (!this.#versions.has(id)) this.#versions.set(id, settledLater(this.#state.getVersion(namespace, key)))
      }
    }
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
    return await (this.#txIds.get(txId) ?? this.#state.txIdExists(txId))
  }
}

/** A read nobody may await (its transaction failed earlier) must not be an unhandled rejection. */
function settledLater<T> (promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined)
  return promise
}
