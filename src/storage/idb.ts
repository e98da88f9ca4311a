/**
 * IndexedDB KvStore (the browser backend; fake-indexeddb in Node tests), opened through `idb`.
 *
 * Performance rules measured in Chromium (docs/ledger.md): requests of one write are fired
 * without awaiting each (awaiting each is 2.6× slower) and the transaction's completion is
 * awaited once; reads use getAll/getAllKeys over ranges rather than cursors where order allows.
 */
import { unwrap, wrap, type IDBPDatabase } from 'idb'
import { StorageError, toStorageError } from './errors.js'
import { assertKey, isEmptyRange } from './keys.js'
import { acquireSingleWriter } from './single-writer.js'
import type {
  IndexSchema, KvEntry, KvKey, KvRange, KvStore, KvStoreFactory, RangeOptions, TableSchema, WriteFault, WriteOp
} from './kv.js'

export interface IdbKvStoreInit {
  /** Defaults to globalThis.indexedDB. */
  indexedDB?: IDBFactory
  /** Defaults to globalThis.IDBKeyRange. */
  keyRange?: typeof IDBKeyRange
  /** Passed to every readwrite transaction; 'relaxed' measured no faster in Chromium. */
  durability?: IDBTransactionDurability
  /** Prepended to every database name: several peers (or test runs) can share one origin. */
  namePrefix?: string
}

/** IndexedDB hands binary keys back as ArrayBuffer; the contract speaks Uint8Array. */
function normalizeKey (key: unknown): KvKey {
  if (key instanceof ArrayBuffer) return new Uint8Array(key)
  if (ArrayBuffer.isView(key)) return new Uint8Array(key.buffer, key.byteOffset, key.byteLength)
  if (Array.isArray(key)) return key.map(normalizeKey)
  return key as KvKey
}

function requestDone<T> (req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => { resolve(req.result) }
    req.onerror = () => { reject(req.error ?? new Error('request failed')) }
  })
}

/** Resolves when a read transaction completes; rejects with the first request's error. */
function transactionDone (tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => { resolve() }
    tx.onerror = () => { reject(tx.error ?? new Error('transaction error')) }
    tx.onabort = () => { reject(tx.error ?? new DOMException('transaction aborted', 'AbortError')) }
  })
}

class IdbKvStore implements KvStore {
  private fault: WriteFault | undefined
  private closed = false

  constructor (
    readonly name: string,
    private db: IDBPDatabase,
    private readonly init: Required<Pick<IdbKvStoreInit, 'indexedDB' | 'keyRange'>> & IdbKvStoreInit,
    private readonly releaseLock: () => void
  ) {}

  private check (): void {
    if (this.closed) throw new StorageError('STORAGE_CLOSED', `store ${this.name} is closed`)
  }

  private range (r: KvRange): IDBKeyRange | undefined {
    const KR = this.init.keyRange
    const lower = r.gte ?? r.gt
    const upper = r.lte ?? r.lt
    if (lower !== undefined) assertKey(lower, 'range lower bound')
    if (upper !== undefined) assertKey(upper, 'range upper bound')
    if (lower !== undefined && upper !== undefined) return KR.bound(lower, upper, r.gte === undefined, r.lte === undefined)
    if (lower !== undefined) return KR.lowerBound(lower, r.gte === undefined)
    if (upper !== undefined) return KR.upperBound(upper, r.lte === undefined)
    return undefined
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.check()
    try {
      return await fn()
    } catch (err) {
      throw toStorageError(err, `${what} on ${this.name}`)
    }
  }

  async get<T>(table: string, key: KvKey): Promise<T | undefined> {
    assertKey(key, 'key')
    return await this.run('get', async () => await this.db.get(table, key as IDBValidKey) as T | undefined)
  }

  async getMany<T>(table: string, keys: readonly KvKey[]): Promise<Array<T | undefined>> {
    keys.forEach((k, i) => { assertKey(k, `keys[${i}]`) })
    return await this.run('getMany', async () => {
      const tx = unwrap(this.db).transaction(table, 'readonly')
      const store = tx.objectStore(table)
      const results = new Array<T | undefined>(keys.length)
      // Fire every get in the same transaction before awaiting any (one round trip), on raw
      // requests: a promise per request costs more than the request itself (docs/ledger.md).
      keys.forEach((k, i) => {
        const req = store.get(k as IDBValidKey)
        req.onsuccess = () => { results[i] = req.result as T | undefined }
      })
      await transactionDone(tx)
      return results
    })
  }

  async getRange<T>(table: string, options: RangeOptions = {}): Promise<Array<KvEntry<T>>> {
    if (isEmptyRange(options)) return []
    return await this.run('getRange', async () => {
      const range = this.range(options)
      const tx = this.db.transaction(table, 'readonly')
      const out: Array<KvEntry<T>> = []
      if (options.reverse !== true) {
        const [keys, values] = await Promise.all([
          tx.store.getAllKeys(range, options.limit),
          tx.store.getAll(range, options.limit)
        ])
        for (let i = 0; i < keys.length; i++) out.push({ key: normalizeKey(keys[i]), value: values[i] as T })
      } else {
        let cursor = await tx.store.openCursor(range, 'prev')
        while (cursor !== null && (options.limit === undefined || out.length < options.limit)) {
          out.push({ key: normalizeKey(cursor.key), value: cursor.value as T })
          cursor = await cursor.continue()
        }
      }
      await tx.done
      return out
    })
  }

  async getKeys (table: string, options: RangeOptions = {}): Promise<KvKey[]> {
    if (isEmptyRange(options)) return []
    return await this.run('getKeys', async () => {
      const range = this.range(options)
      if (options.reverse !== true) {
        return (await this.db.getAllKeys(table, range, options.limit)).map(normalizeKey)
      }
      const tx = this.db.transaction(table, 'readonly')
      const out: KvKey[] = []
      let cursor = await tx.store.openKeyCursor(range, 'prev')
      while (cursor !== null && (options.limit === undefined || out.length < options.limit)) {
        out.push(normalizeKey(cursor.key))
        cursor = await cursor.continue()
      }
      await tx.done
      return out
    })
  }

  async getValues<T>(table: string, options: RangeOptions & { index?: string } = {}): Promise<T[]> {
    if (options.reverse === true) {
      const rows = options.index === undefined ? await this.getRange<T>(table, options) : await this.getFromIndex<T>(table, options.index, options)
      return rows.map((r) => r.value)
    }
    if (isEmptyRange(options)) return []
    return await this.run('getValues', async () => {
      const tx = this.db.transaction(table, 'readonly')
      if (options.index !== undefined && !tx.store.indexNames.contains(options.index)) {
        throw new StorageError('STORAGE_BAD_INPUT', `index ${options.index} does not exist on ${table}`)
      }
      const source = options.index === undefined ? tx.store : tx.store.index(options.index)
      const values = await source.getAll(this.range(options), options.limit)
      await tx.done
      return values as T[]
    })
  }

  async count (table: string, range: KvRange = {}): Promise<number> {
    if (isEmptyRange(range)) return 0
    return await this.run('count', async () => await this.db.count(table, this.range(range)))
  }

  /** A raw readonly transaction over `table` and its `index` (STORAGE_BAD_INPUT when there is no such index). */
  private readIndex (table: string, index: string): { tx: IDBTransaction, ix: IDBIndex } {
    const tx = unwrap(this.db).transaction(table, 'readonly')
    const store = tx.objectStore(table)
    if (!store.indexNames.contains(index)) {
      tx.abort()
      throw new StorageError('STORAGE_BAD_INPUT', `index ${index} does not exist on ${table}`)
    }
    return { tx, ix: store.index(index) }
  }

  async getManyFromIndex<T>(table: string, index: string, keys: readonly KvKey[]): Promise<Array<Array<KvEntry<T>>>> {
    keys.forEach((k, i) => { assertKey(k, `keys[${i}]`) })
    return await this.run('getManyFromIndex', async () => {
      const { tx, ix } = this.readIndex(table, index)
      const results = keys.map((): Array<KvEntry<T>> => [])
      // Every key's primary keys in one transaction on raw requests (STORAGE.md: ~7× faster than
      // awaiting each); values are fetched only for keys that matched, which a lookup of fresh
      // keys (the validator's duplicate-txId check) almost never does.
      keys.forEach((k, i) => {
        const keysReq = ix.getAllKeys(k as IDBValidKey)
        keysReq.onsuccess = () => {
          const primaryKeys = keysReq.result
          if (primaryKeys.length === 0) return
          const valuesReq = ix.getAll(k as IDBValidKey)
          valuesReq.onsuccess = () => {
            results[i] = primaryKeys.map((pk, j) => ({ key: normalizeKey(pk), value: valuesReq.result[j] as T }))
          }
        }
      })
      await transactionDone(tx)
      return results
    })
  }

  async getManyKeysFromIndex (table: string, index: string, keys: readonly KvKey[]): Promise<KvKey[][]> {
    keys.forEach((k, i) => { assertKey(k, `keys[${i}]`) })
    return await this.run('getManyKeysFromIndex', async () => {
      const { tx, ix } = this.readIndex(table, index)
      const results = keys.map((): KvKey[] => [])
      keys.forEach((k, i) => {
        const req = ix.getAllKeys(k as IDBValidKey)
        req.onsuccess = () => { results[i] = req.result.map(normalizeKey) }
      })
      await transactionDone(tx)
      return results
    })
  }

  async getFromIndex<T>(table: string, index: string, options: RangeOptions = {}): Promise<Array<KvEntry<T>>> {
    if (isEmptyRange(options)) return []
    return await this.run('getFromIndex', async () => {
      const tx = this.db.transaction(table, 'readonly')
      if (!tx.store.indexNames.contains(index)) {
        throw new StorageError('STORAGE_BAD_INPUT', `index ${index} does not exist on ${table}`)
      }
      const ix = tx.store.index(index)
      const range = this.range(options)
      const out: Array<KvEntry<T>> = []
      if (options.reverse !== true) {
        // An index's getAllKeys yields primary keys.
        const [keys, values] = await Promise.all([
          ix.getAllKeys(range, options.limit),
          ix.getAll(range, options.limit)
        ])
        for (let i = 0; i < keys.length; i++) out.push({ key: normalizeKey(keys[i]), value: values[i] as T })
      } else {
        let cursor = await ix.openCursor(range, 'prev')
        while (cursor !== null && (options.limit === undefined || out.length < options.limit)) {
          out.push({ key: normalizeKey(cursor.primaryKey), value: cursor.value as T })
          cursor = await cursor.continue()
        }
      }
      await tx.done
      return out
    })
  }

  async listIndexes (table: string): Promise<string[]> {
    this.check()
    return [...this.db.transaction(table, 'readonly').store.indexNames].sort()
  }

  async ensureIndexes (table: string, indexes: readonly IndexSchema[]): Promise<void> {
    this.check()
    const existing = new Set(await this.listIndexes(table))
    const missing = indexes.filter((ix) => !existing.has(ix.name))
    if (missing.length === 0) return
    const version = this.db.version
    this.db.close()
    this.db = await openWithUpgrade(this.name, version + 1, this.init, [{ name: table, indexes: missing }])
  }

  async write (ops: readonly WriteOp[]): Promise<void> {
    this.check()
    ops.forEach((op, i) => { if (op.type !== 'delRange') assertKey(op.key, `ops[${i}].key`) })
    if (ops.length === 0) return
    const tables = [...new Set(ops.map((op) => op.table))]
    let tx: IDBTransaction
    try {
      // The raw database, not idb's proxy: idb would attach a done-promise that rejects unhandled on abort.
      tx = unwrap(this.db).transaction(tables, 'readwrite', { durability: this.init.durability ?? 'default' })
    } catch (err) {
      throw toStorageError(err, `write to ${this.name}`)
    }
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => { resolve() }
      tx.onerror = () => { reject(tx.error ?? new Error('transaction error')) }
      tx.onabort = () => { reject(tx.error ?? new DOMException('transaction aborted', 'AbortError')) }
    })
    let injected: unknown
    try {
      for (let i = 0; i < ops.length; i++) {
        this.fault?.(i, ops)
        const op = ops[i] as WriteOp
        const store = tx.objectStore(op.table)
        // Fired, not awaited: the transaction completes only after every request succeeded.
        if (op.type === 'put') store.put(op.value, op.key as IDBValidKey)
        else if (op.type === 'del') store.delete(op.key as IDBValidKey)
        else if (!isEmptyRange(op.range)) {
          const r = this.range(op.range)
          if (r === undefined) store.clear()
          else store.delete(r)
        }
      }
      this.fault?.(ops.length, ops)
    } catch (err) {
      injected = err
      try { tx.abort() } catch { /* already finished */ }
    }
    try {
      await done
    } catch (err) {
      throw toStorageError(injected ?? err, `write to ${this.name}`)
    }
    if (injected !== undefined) throw toStorageError(injected, `write to ${this.name}`)
  }

  setWriteFault (fault: WriteFault | undefined): void {
    this.fault = fault
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.db.close()
    this.releaseLock()
  }
}

async function openWithUpgrade (
  name: string,
  version: number | undefined,
  init: Required<Pick<IdbKvStoreInit, 'indexedDB'>>,
  tables: readonly TableSchema[]
): Promise<IDBPDatabase> {
  // Opened on the injected factory (fake-indexeddb in Node), then wrapped by idb for promises.
  const req = version === undefined ? init.indexedDB.open(name) : init.indexedDB.open(name, version)
  req.onupgradeneeded = () => {
    const database = req.result
    const tx = req.transaction as IDBTransaction
    for (const t of tables) {
      const store = database.objectStoreNames.contains(t.name) ? tx.objectStore(t.name) : database.createObjectStore(t.name)
      for (const ix of t.indexes ?? []) {
        if (!store.indexNames.contains(ix.name)) {
          store.createIndex(ix.name, ix.keyPath as string | string[], { multiEntry: ix.multiEntry === true })
        }
      }
    }
  }
  const raw = await requestDone(req)
  // Another connection wants to upgrade (an index added elsewhere): let it, rather than block it.
  raw.onversionchange = () => { raw.close() }
  return wrap(raw)
}

function needsUpgrade (db: IDBPDatabase, tables: readonly TableSchema[]): boolean {
  for (const t of tables) {
    if (!db.objectStoreNames.contains(t.name)) return true
    const names = db.transaction(t.name, 'readonly').store.indexNames
    for (const ix of t.indexes ?? []) if (!names.contains(ix.name)) return true
  }
  return false
}

export function idbKvStoreFactory (init: IdbKvStoreInit = {}): KvStoreFactory {
  const full = {
    ...init,
    indexedDB: init.indexedDB ?? globalThis.indexedDB,
    keyRange: init.keyRange ?? globalThis.IDBKeyRange
  }
  if (full.indexedDB === undefined || full.keyRange === undefined) {
    throw new StorageError('STORAGE_FAILED', 'IndexedDB is not available in this environment')
  }
  return {
    async open (shortName: string, tables: readonly TableSchema[]): Promise<KvStore> {
      if (typeof shortName !== 'string' || shortName === '') throw new StorageError('STORAGE_BAD_INPUT', 'store name must be a non-empty string')
      const name = (init.namePrefix ?? '') + shortName
      const release = await acquireSingleWriter(name)
      try {
        let db = await openWithUpgrade(name, undefined, full, tables)
        if (needsUpgrade(db, tables)) {
          const version = db.version
          db.close()
          db = await openWithUpgrade(name, version + 1, full, tables)
        }
        return new IdbKvStore(name, db, full, release)
      } catch (err) {
        release()
        throw toStorageError(err, `open ${name}`)
      }
    },
    async destroy (shortName: string): Promise<void> {
      const name = (init.namePrefix ?? '') + shortName
      await new Promise<void>((resolve, reject) => {
        const req = full.indexedDB.deleteDatabase(name)
        req.onsuccess = () => { resolve() }
        req.onerror = () => { reject(toStorageError(req.error, `destroy ${name}`)) }
        req.onblocked = () => { resolve() }
      })
    }
  }
}
