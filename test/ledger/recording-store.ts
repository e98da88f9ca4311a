/** Test helper: a KvStore wrapper that records index lookups (with or without values) and writes. */
import type { KvKey, KvStore, KvStoreFactory, WriteOp } from '../../src/storage/kv.js'

/** A KvStore that records its index lookups and writes (and can skip the index: `skipIndex`). */
export class RecordingStore {
  /** Keys of every index lookup, with or without values. */
  readonly lookups: string[][] = []
  /** How many of `lookups` asked for primary keys only (getManyKeysFromIndex). */
  keyOnlyLookups = 0
  readonly writes: WriteOp[][] = []
  skipIndex = false
  readonly store: KvStore

  constructor (inner: KvStore) {
    this.store = new Proxy(inner, {
      get: (target, prop, receiver) => {
        if (prop === 'getManyFromIndex') {
          return async (table: string, index: string, keys: readonly KvKey[]) => {
            this.lookups.push(keys as string[])
            return this.skipIndex ? keys.map(() => []) : await target.getManyFromIndex(table, index, keys)
          }
        }
        if (prop === 'getManyKeysFromIndex') {
          return async (table: string, index: string, keys: readonly KvKey[]) => {
            this.lookups.push(keys as string[])
            this.keyOnlyLookups++
            return this.skipIndex ? keys.map(() => []) : await target.getManyKeysFromIndex(table, index, keys)
          }
        }
        if (prop === 'write') {
          return async (ops: readonly WriteOp[]) => {
            await target.write(ops)
            this.writes.push([...ops])
          }
        }
        const value: unknown = Reflect.get(target, prop, receiver)
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      }
    })
  }
}

/** A factory whose stores are recorded (the last opened one is `last`). */
export function recordingFactory (inner: KvStoreFactory): KvStoreFactory & { last?: RecordingStore } {
  const f: KvStoreFactory & { last?: RecordingStore } = {
    async open (name, tables) {
      f.last = new RecordingStore(await inner.open(name, tables))
      return f.last.store
    },
    async destroy (name) { await inner.destroy(name) }
  }
  return f
}
