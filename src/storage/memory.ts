/**
 * In-memory KvStore: the reference backend for tests and for peers that keep nothing.
 * Data survives close()/open() within the same factory (a "reload"), like IndexedDB does.
 * Values are structured-cloned in and out, as IndexedDB does, so callers never share objects.
 */
import { StorageError, toStorageError } from './errors.js'
import { assertKey, compareKeys, evaluateKeyPath, inRange } from './keys.js'
import type {
  IndexSchema, KvEntry, KvKey, KvRange, KvStore, KvStoreFactory, RangeOptions, TableSchema, WriteFault, WriteOp
} from './kv.js'

interface MemoryTable {
  /** Sorted by key (IndexedDB order). */
  entries: Array<{ key: KvKey, value: unknown }>
  indexes: Map<string, IndexSchema>
}

type MemoryDatabase = Map<string, MemoryTable>

function search (entries: ReadonlyArray<{ key: KvKey }>, key: KvKey): { found: boolean, at: number } {
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const c = compareKeys((entries[mid] as { key: KvKey }).key, key)
    if (c === 0) return { found: true, at: mid }
    if (c < 0) lo = mid + 1
    else hi = mid
  }
  return { found: false, at: lo }
}

function lowerBound (entries: ReadonlyArray<{ key: KvKey }>, range: KvRange): number {
  if (range.gte !== undefined) return search(entries, range.gte).at
  if (range.gt !== undefined) {
    const s = search(entries, range.gt)
    return s.found ? s.at + 1 : s.at
  }
  return 0
}

function applyLimit<T> (list: T[], options: RangeOptions): T[] {
  if (options.reverse === true) list.reverse()
  if (options.limit !== undefined && options.limit >= 0 && list.length > options.limit) list.length = options.limit
  return list
}

class MemoryKvStore implements KvStore {
  private closed = false
  private fault: WriteFault | undefined

  constructor (readonly name: string, private readonly db: MemoryDatabase) {}

  private table (name: string): MemoryTable {
    if (this.closed) throw new StorageError('STORAGE_CLOSED', `store ${this.name} is closed`)
    const t = this.db.get(name)
    if (t === undefined) throw new StorageError('STORAGE_BAD_INPUT', `table ${name} does not exist in ${this.name}`)
    return t
  }

  async get<T>(table: string, key: KvKey): Promise<T | undefined> {
    assertKey(key, 'key')
    const t = this.table(table)
    const s = search(t.entries, key)
    return s.found ? structuredClone((t.entries[s.at] as { value: T }).value) : undefined
  }

  async getMany<T>(table: string, keys: readonly KvKey[]): Promise<Array<T | undefined>> {
    return await Promise.all(keys.map(async (k) => await this.get<T>(table, k)))
  }

  private slice (table: string, options: RangeOptions): Array<{ key: KvKey, value: unknown }> {
    const t = this.table(table)
    const out: Array<{ key: KvKey, value: unknown }> = []
    for (let i = lowerBound(t.entries, options); i < t.entries.length; i++) {
      const e = t.entries[i] as { key: KvKey, value: unknown }
      if (!inRange(e.key, options)) {
        if (options.lt !== undefined || options.lte !== undefined) break
        continue
      }
      out.push(e)
    }
    return applyLimit(out, options)
  }

  async getRange<T>(table: string, options: RangeOptions = {}): Promise<Array<KvEntry<T>>> {
    return this.slice(table, options).map((e) => ({ key: structuredClone(e.key), value: structuredClone(e.value) as T }))
  }

  async getKeys (table: string, options: RangeOptions = {}): Promise<KvKey[]> {
    return this.slice(table, options).map((e) => structuredClone(e.key))
  }

  async getValues<T>(table: string, options: RangeOptions & { index?: string } = {}): Promise<T[]> {
    const rows = options.index === undefined ? await this.getRange<T>(table, options) : await this.getFromIndex<T>(table, options.index, options)
    return rows.map((r) => r.value)
  }

  async count (table: string, range: KvRange = {}): Promise<number> {
    return this.slice(table, range).length
  }

  async getFromIndex<T>(table: string, index: string, options: RangeOptions = {}): Promise<Array<KvEntry<T>>> {
    const t = this.table(table)
    const schema = t.indexes.get(index)
    if (schema === undefined) throw new StorageError('STORAGE_BAD_INPUT', `index ${index} does not exist on ${table}`)
    const rows: Array<{ ik: KvKey, key: KvKey, value: unknown }> = []
    for (const e of t.entries) {
      const ik = evaluateKeyPath(e.value, schema.keyPath)
      if (ik === undefined) continue
      const iks: readonly KvKey[] = schema.multiEntry === true && Array.isArray(ik) ? dedupe(ik as readonly KvKey[]) : [ik]
      for (const k of iks) if (inRange(k, options)) rows.push({ ik: k, key: e.key, value: e.value })
    }
    rows.sort((a, b) => compareKeys(a.ik, b.ik) || compareKeys(a.key, b.key))
    return applyLimit(rows, options).map((r) => ({ key: structuredClone(r.key), value: structuredClone(r.value) as T }))
  }

  async getManyFromIndex<T>(table: string, index: string, keys: readonly KvKey[]): Promise<Array<Array<KvEntry<T>>>> {
    return await Promise.all(keys.map(async (k) => await this.getFromIndex<T>(table, index, { gte: k, lte: k })))
  }

  async getManyKeysFromIndex (table: string, index: string, keys: readonly KvKey[]): Promise<KvKey[][]> {
    return (await this.getManyFromIndex(table, index, keys)).map((rows) => rows.map((r) => r.key))
  }

  async listIndexes (table: string): Promise<string[]> {
    return [...this.table(table).indexes.keys()].sort()
  }

  async ensureIndexes (table: string, indexes: readonly IndexSchema[]): Promise<void> {
    const t = this.table(table)
    for (const ix of indexes) if (!t.indexes.has(ix.name)) t.indexes.set(ix.name, structuredClone(ix))
  }

  async write (ops: readonly WriteOp[]): Promise<void> {
    try {
      // Validate and run the fault hook for every op BEFORE touching data: all or nothing.
      const cloned = ops.map((op, i) => {
        this.fault?.(i, ops)
        this.table(op.table)
        if (op.type === 'put') {
          assertKey(op.key, 'put key')
          return { ...op, key: structuredClone(op.key), value: structuredClone(op.value) }
        }
        if (op.type === 'del') assertKey(op.key, 'del key')
        return op
      })
      this.fault?.(ops.length, ops)
      for (const op of cloned) this.apply(op)
    } catch (err) {
      throw toStorageError(err, `write to ${this.name}`)
    }
  }

  private apply (op: WriteOp): void {
    const t = this.table(op.table)
    if (op.type === 'put') {
      const s = search(t.entries, op.key)
      if (s.found) (t.entries[s.at] as { value: unknown }).value = op.value
      else t.entries.splice(s.at, 0, { key: op.key, value: op.value })
    } else if (op.type === 'del') {
      const s = search(t.entries, op.key)
      if (s.found) t.entries.splice(s.at, 1)
    } else {
      t.entries = t.entries.filter((e) => !inRange(e.key, op.range))
    }
  }

  setWriteFault (fault: WriteFault | undefined): void {
    this.fault = fault
  }

  async close (): Promise<void> {
    this.closed = true
  }
}

function dedupe (keys: readonly KvKey[]): KvKey[] {
  const sorted = [...keys].sort(compareKeys)
  return sorted.filter((k, i) => i === 0 || compareKeys(k, sorted[i - 1] as KvKey) !== 0)
}

/** A factory whose stores live as long as the factory (one per simulated browser profile). */
export function memoryKvStoreFactory (): KvStoreFactory {
  const databases = new Map<string, MemoryDatabase>()
  return {
    async open (name: string, tables: readonly TableSchema[]): Promise<KvStore> {
      let db = databases.get(name)
      if (db === undefined) {
        db = new Map()
        databases.set(name, db)
      }
      for (const t of tables) {
        let table = db.get(t.name)
        if (table === undefined) {
          table = { entries: [], indexes: new Map() }
          db.set(t.name, table)
        }
        for (const ix of t.indexes ?? []) if (!table.indexes.has(ix.name)) table.indexes.set(ix.name, structuredClone(ix))
      }
      return new MemoryKvStore(name, db)
    },
    async destroy (name: string): Promise<void> {
      databases.delete(name)
    }
  }
}
