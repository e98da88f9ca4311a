/**
 * The key-value storage contract every persistent layer of Weft writes through (ledger, later the
 * Raft log), after peerbit's `AnyStore` and Fabric's `leveldbhelper`: named tables of structured
 * values under ordered keys, optional secondary indexes over value fields, and ONE atomic write
 * per call to `write()` (an IndexedDB readwrite transaction, a LevelDB write batch).
 *
 * Keys follow IndexedDB's key model and order so both backends sort identically:
 * number < string < binary (Uint8Array, bytewise) < array (element-wise). Values must be
 * structured-cloneable; stores never alias the caller's objects.
 *
 * Why few, large writes: in Chromium every put() costs ~65–80 µs whatever its size
 * (see docs/ledger.md), so callers should pack data into few records per write().
 */

export type KvKey = number | string | Uint8Array | readonly KvKey[]

export interface IndexSchema {
  name: string
  /** Dotted path(s) into the value; an array makes a compound key. */
  keyPath: string | readonly string[]
  /** Each element of an array-valued field becomes its own index entry. */
  multiEntry?: boolean
}

export interface TableSchema {
  name: string
  indexes?: readonly IndexSchema[]
}

export interface KvRange {
  gt?: KvKey
  gte?: KvKey
  lt?: KvKey
  lte?: KvKey
}

export interface RangeOptions extends KvRange {
  limit?: number
  reverse?: boolean
}

export interface KvEntry<T = unknown> {
  key: KvKey
  value: T
}

export type WriteOp =
  | { type: 'put', table: string, key: KvKey, value: unknown }
  | { type: 'del', table: string, key: KvKey }
  | { type: 'delRange', table: string, range: KvRange }

/**
 * Test hook: called before each op of a write (index `i`) and once more with `i === ops.length`
 * just before the commit point. Throwing aborts the whole write, as a crash or a full disk would.
 */
export type WriteFault = (i: number, ops: readonly WriteOp[]) => void

export interface KvStore {
  readonly name: string
  get<T>(table: string, key: KvKey): Promise<T | undefined>
  /** All lookups in one backend round trip (one IndexedDB transaction). */
  getMany<T>(table: string, keys: readonly KvKey[]): Promise<Array<T | undefined>>
  getRange<T>(table: string, options?: RangeOptions): Promise<Array<KvEntry<T>>>
  getKeys(table: string, options?: RangeOptions): Promise<KvKey[]>
  /**
   * Values only, in key order (or index order with `index`): half the work of getRange /
   * getFromIndex in IndexedDB (no getAllKeys beside the getAll) for records that carry their key.
   */
  getValues<T>(table: string, options?: RangeOptions & { index?: string }): Promise<T[]>
  count(table: string, range?: KvRange): Promise<number>
  /** Entries whose index key lies in the range, in index order then primary-key order. */
  getFromIndex<T>(table: string, index: string, options?: RangeOptions): Promise<Array<KvEntry<T>>>
  /**
   * For each index key, the entries whose index key equals it (primary-key order), all read in one
   * backend round trip (one IndexedDB transaction): e.g. a whole block's txIds at once.
   */
  getManyFromIndex<T>(table: string, index: string, keys: readonly KvKey[]): Promise<Array<Array<KvEntry<T>>>>
  /**
   * `getManyFromIndex` without the values: for each index key, the primary keys of the entries
   * whose index key equals it, in one round trip — an existence check that does not pay for
   * reading large records.
   */
  getManyKeysFromIndex(table: string, index: string, keys: readonly KvKey[]): Promise<KvKey[][]>
  /** Index names currently defined on the table. */
  listIndexes(table: string): Promise<string[]>
  /** Adds indexes to an existing table (an IndexedDB version upgrade); existing ones are kept. */
  ensureIndexes(table: string, indexes: readonly IndexSchema[]): Promise<void>
  /** Applies every op atomically, in order: all or nothing. */
  write(ops: readonly WriteOp[]): Promise<void>
  /** Installs (or removes with undefined) a fault hook for crash tests. */
  setWriteFault(fault: WriteFault | undefined): void
  close(): Promise<void>
}

export interface KvStoreFactory {
  /** Opens (creating if needed) the named store with at least these tables. */
  open(name: string, tables: readonly TableSchema[]): Promise<KvStore>
  /** Deletes the named store and all its data (it must be closed). */
  destroy(name: string): Promise<void>
}
