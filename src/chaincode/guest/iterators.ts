/**
 * fabric-shim's CommonIterator (lib/iterators.js): serves the host's batches, asks for the next
 * batch while `hasMore`, `next()` gives `{ value, done }`, `close()` releases the host iterator.
 */
import type { Buffer } from 'buffer'
import type { Iterators } from 'fabric-shim-api'
import { hostCall } from './bridge.js'
import { fromHex } from './bytes.js'
import type { WireKV, WireKeyModification, WireQueryResponse } from '../protocol.js'

export interface GuestKV { namespace: string, key: string, value: Buffer }
export interface GuestKeyModification { txId: string, value: Buffer, timestamp: { seconds: number, nanos: number }, isDelete: boolean }

const DONE = Object.freeze({ value: undefined, done: true })

abstract class CommonIterator<W, T> {
  #response: WireQueryResponse<W>
  #index = 0
  #closed = false

  constructor (private readonly txId: string, response: WireQueryResponse<W>) {
    this.#response = response
  }

  protected abstract convert (wire: W): T

  /** `{ done: true }` carries no value, as in fabric-shim (its typings say `value: T`). */
  async next (): Promise<{ value: T, done: boolean }> {
    if (this.#index >= this.#response.results.length) {
      if (!this.#response.hasMore || this.#closed) return DONE as { value: T, done: boolean }
      this.#response = await hostCall<WireQueryResponse<W>>(this.txId, 'queryNext', { id: this.#response.id })
      this.#index = 0
      if (this.#response.results.length === 0) return DONE as { value: T, done: boolean }
    }
    const wire = this.#response.results[this.#index++] as W
    return { value: this.convert(wire), done: false }
  }

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await hostCall<void>(this.txId, 'queryClose', { id: this.#response.id })
  }

  [Symbol.asyncIterator] (): AsyncIterator<T> {
    return {
      next: async () => {
        const r = await this.next()
        if (r.done) await this.close()
        return r.done ? { value: undefined, done: true } : { value: r.value, done: false }
      },
      return: async () => {
        await this.close()
        return { value: undefined, done: true }
      }
    }
  }
}

export class StateQueryIterator extends CommonIterator<WireKV, GuestKV> implements Iterators.StateQueryIterator {
  protected convert (w: WireKV): GuestKV { return { namespace: w.namespace, key: w.key, value: fromHex(w.value) } }
}

export class HistoryQueryIterator extends CommonIterator<WireKeyModification, GuestKeyModification> {
  protected convert (w: WireKeyModification): GuestKeyModification {
    return { txId: w.txId, value: fromHex(w.value), timestamp: { seconds: w.timestamp.seconds, nanos: w.timestamp.nanos }, isDelete: w.isDelete }
  }
}

/**
 * fabric-shim's convertToAsyncIterator: the promise of a query is also `for await`-able, and
 * the iterator is closed when the loop ends or breaks.
 */
export function asyncIterable<P extends object, T> (promise: Promise<P>, iteratorOf: (p: P) => { next: () => Promise<{ value: T | undefined, done: boolean }>, close: () => Promise<void> }): Promise<P> & AsyncIterable<T> {
  const result = promise as Promise<P> & AsyncIterable<T>
  Object.defineProperty(result, Symbol.asyncIterator, {
    value: () => {
      let iterator: ReturnType<typeof iteratorOf> | undefined
      return {
        next: async () => {
          iterator ??= iteratorOf(await promise)
          const r = await iterator.next()
          if (r.done) await iterator.close()
          return r
        },
        return: async () => {
          if (iterator !== undefined) await iterator.close()
          return { value: undefined, done: true }
        }
      }
    }
  })
  return result
}
