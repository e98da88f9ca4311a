/**
 * Versioned state DB over a KvStore, after Fabric's statedb.VersionedDB (statedb.go), laid out
 * for IndexedDB's cost model (docs/ledger.md):
 *
 * - commit writes NO per-key records: the block itself (stored in the same transaction by the
 *   block store) is the write-ahead log. Its valid writes go to the memtable (latest write per key
 *   of uncompacted blocks); on open the ledger replays the blocks after `compactedTo` to rebuild it
 *   (Fabric's recovery.go, run on every open);
 * - reads consult the memtable first, then the per-key records (`state`, binary key
 *   UTF-8(ns) 0x00 UTF-8(key), so ranges come out in Fabric's UTF-8 byte order);
 * - compaction, in its own transactions, moves memtable blocks into per-key records: idempotent
 *   (it writes latest values with their versions) and crash-safe (records and the `compactedTo`
 *   mark move together);
 * - metadata (key-level endorsement parameters) is rare: kept in memory and written per key
 *   (`stateMetadata`) in the block's transaction, with `savepoint` = last block whose metadata
 *   changes are stored.
 *
 * Semantics kept from Fabric (txmgmt/validation/tx_ops.go): a value write keeps the key's
 * metadata; a delete drops it; a metadata write keeps the value and moves the version to the
 * writing transaction; a metadata write on a missing key has no effect.
 */
import type { Height, StateMetadata } from '../api.js'
import { fromStorageError } from '../errors.js'
import type { KvStore, TableSchema, WriteOp } from '../../storage/kv.js'
import { Memtable, type MemEntry } from './memtable.js'
import { checkKey, checkNamespace, compareUtf8, memKey, namespaceEnd, stateRecordKey } from './keys.js'
import type { IndexDefinition } from './mango/index.js'
import { MangoIndexes } from './mango-indexes.js'
import type { IndexRecord, MetadataRecord, StateRecord } from './records.js'
import { runRichQuery, type RichQueryResult } from './rich-query.js'
import { ReadBatcher } from './read-batcher.js'

export const STATE_TABLES: readonly TableSchema[] = Object.freeze([
  { name: 'state', indexes: [{ name: 'mango', keyPath: 'ix', multiEntry: true }] },
  { name: 'stateMetadata' },
  { name: 'stateInfo' }
])

/** Another derived DB compacting the same blocks in the same transactions (the history DB). */
export interface CompactionCompanion {
  compactionOps(upTo: number): { ops: WriteOp[], apply: () => void }
}

export interface VersionedValue {
  value: Uint8Array
  version: Height
}

export interface VersionedKV extends VersionedValue {
  key: string
}

/** One valid write of a block, in transaction order. */
export interface StateUpdate {
  ns: string
  key: string
  txNum: number
  /** Value write (isDelete false). */
  value?: Uint8Array
  isDelete?: boolean
  /** Metadata write: the full new metadata (empty map removes it). */
  metadata?: StateMetadata
}

const RANGE_FIRST_PAGE = 128
const RANGE_MAX_PAGE = 8192

export interface StateDbOptions {
  /** Compact automatically once this many blocks sit in the memtable (0: never automatically). */
  compactAfterBlocks?: number
  /** Upper bound of writes per compaction transaction (keeps commits from waiting long). */
  compactionChunk?: number
}

export class StateDb {
  private readonly memtable = new Memtable()
  private readonly metadata = new Map<string, StateMetadata>()
  private readonly indexes = new MangoIndexes()
  private readonly reads: ReadBatcher<StateRecord>
  private compactedTo = -1
  /** Last block whose metadata changes are stored (blocks up to it replay into the memtable only). */
  savepoint = -1

  private constructor (private readonly store: KvStore, readonly options: Required<StateDbOptions>) {
    this.reads = new ReadBatcher(store, 'state')
  }

  static async open (store: KvStore, options: StateDbOptions = {}): Promise<StateDb> {
    const db = new StateDb(store, { compactAfterBlocks: options.compactAfterBlocks ?? 64, compactionChunk: options.compactionChunk ?? 20_000 })
    await db.load()
    return db
  }

  private async load (): Promise<void> {
    try {
      this.compactedTo = await this.store.get<number>('stateInfo', 'compactedTo') ?? -1
      this.savepoint = await this.store.get<number>('stateInfo', 'savepoint') ?? -1
      for (const { value } of await this.store.getRange<MetadataRecord>('stateMetadata')) {
        this.metadata.set(memKey(value.n, value.k), new Map(value.m))
      }
      for (const { value } of await this.store.getRange<IndexRecord>('stateInfo', { gte: ['index'], lt: ['index\u0001'] })) {
        this.indexes.set(value.ns, value.definitions)
      }
    } catch (err) {
      throw fromStorageError(err, 'open state DB')
    }
  }

  /** Blocks up to this one are in per-key records; later ones must be replayed into the memtable. */
  get compactedUpTo (): number {
    return this.compactedTo
  }

  get memtableSize (): number {
    return this.memtable.size
  }

  get blocksInMemtable (): number {
    return this.memtable.blocks.length
  }

  async get (ns: string, key: string): Promise<VersionedValue | undefined> {
    checkNamespace(ns)
    checkKey(key)
    const m = this.memtable.get(ns, key)
    if (m !== undefined) return m.value === undefined ? undefined : { value: m.value, version: m.version }
    try {
      const r = await this.reads.get(stateRecordKey(ns, key))
      return r === undefined ? undefined : { value: r.v, version: { blockNum: r.b, txNum: r.t } }
    } catch (err) {
      throw fromStorageError(err, 'GetState')
    }
  }

  /** Fabric's GetStateMultipleKeys: memtable hits, then ONE storage round trip for the rest. */
  async getMany (ns: string, keys: readonly string[]): Promise<Array<VersionedValue | undefined>> {
    checkNamespace(ns)
    keys.forEach((k, i) => { checkKey(k, `keys[${i}]`) })
    const out: Array<VersionedValue | undefined> = new Array(keys.length)
    const missing: number[] = []
    keys.forEach((k, i) => {
      const m = this.memtable.get(ns, k)
      if (m === undefined) missing.push(i)
      else out[i] = m.value === undefined ? undefined : { value: m.value, version: m.version }
    })
    if (missing.length > 0) {
      try {
        const recs = await this.store.getMany<StateRecord>('state', missing.map((i) => stateRecordKey(ns, keys[i] as string)))
        missing.forEach((i, j) => {
          const r = recs[j]
          out[i] = r === undefined ? undefined : { value: r.v, version: { blockNum: r.b, txNum: r.t } }
        })
      } catch (err) {
        throw fromStorageError(err, 'GetStateMultipleKeys')
      }
    }
    return out
  }

  getMetadata (ns: string, key: string): StateMetadata | undefined {
    checkNamespace(ns)
    checkKey(key)
    const m = this.metadata.get(memKey(ns, key))
    return m === undefined ? undefined : new Map(m)
  }

  /**
   * Keys of `ns` in [startKey, endKey) ('' = unbounded), Fabric's order, read lazily in pages.
   * The memtable part is captured when the scan starts, BEFORE any storage read, so a
   * compaction running meanwhile cannot hide entries (it only moves them to storage).
   */
  async * range (ns: string, startKey: string, endKey: string): AsyncGenerator<VersionedKV> {
    checkNamespace(ns)
    checkKey(startKey, 'startKey')
    checkKey(endKey, 'endKey')
    if (endKey !== '' && compareUtf8(startKey, endKey) >= 0) return
    const mem = this.memtable.range(ns, startKey, endKey)
    let mi = 0
    const upper = endKey === '' ? namespaceEnd(ns) : stateRecordKey(ns, endKey)
    let lower: { gte?: Uint8Array, gt?: Uint8Array } = { gte: stateRecordKey(ns, startKey) }
    let page: StateRecord[] = []
    let pi = 0
    let storageDone = false
    // Pages grow: a short scan costs one small read, a long one few round trips.
    let pageSize = RANGE_FIRST_PAGE
    for (;;) {
      if (pi >= page.length && !storageDone) {
        try {
          page = await this.store.getValues<StateRecord>('state', { ...lower, lt: upper, limit: pageSize })
          pi = 0
          if (page.length < pageSize) storageDone = true
          const last = page[page.length - 1]
          if (last !== undefined) lower = { gt: stateRecordKey(last.n, last.k) }
          pageSize = Math.min(pageSize * 4, RANGE_MAX_PAGE)
        } catch (err) {
          throw fromStorageError(err, 'range scan')
        }
      }
      const s = page[pi]
      const m = mem[mi]
      if (s === undefined && m === undefined) return
      const c = s === undefined ? 1 : m === undefined ? -1 : compareUtf8(s.k, m.key)
      if (c < 0 && s !== undefined) {
        pi++
        // Storage may hold an older version of a key the memtable rewrote or deleted.
        // (s.k is not in the captured memtable part; a block committed since may have rewritten it.)
        const newer = this.memtable.get(ns, s.k)
        if (newer !== undefined) {
          if (newer.value !== undefined) yield { key: s.k, value: newer.value, version: newer.version }
          continue
        }
        yield { key: s.k, value: s.v, version: { blockNum: s.b, txNum: s.t } }
      } else {
        if (c === 0) pi++
        mi++
        if (m !== undefined && m.value !== undefined) yield { key: m.key, value: m.value, version: m.version }
      }
    }
  }

  /**
   * The storage ops that apply one block's valid writes, for the ledger's block transaction
   * (only metadata changes and the savepoint: values live in the block until compaction), and the
   * in-memory change to make once that transaction has committed. Replaying a block already
   * committed (number <= savepoint) yields no ops. Blocks up to `compactedTo` are ignored.
   */
  async prepareBlock (blockNum: number, updates: readonly StateUpdate[]): Promise<{ ops: WriteOp[], apply: () => void }> {
    if (blockNum <= this.compactedTo) return { ops: [], apply: () => undefined }
    const replay = blockNum <= this.savepoint
    const entries: MemEntry[] = []
    const metaChanges = new Map<string, { ns: string, key: string, metadata: StateMetadata | undefined }>()
    const current = (ns: string, key: string): StateMetadata | undefined => {
      const mk = memKey(ns, key)
      return metaChanges.has(mk) ? metaChanges.get(mk)?.metadata : this.metadata.get(mk)
    }
    // A metadata-only write needs the key's current value (tx_ops.go retrieveLatestState).
    const latest = new Map<string, Uint8Array | undefined>()
    for (const u of updates) {
      checkNamespace(u.ns)
      checkKey(u.key)
      const mk = memKey(u.ns, u.key)
      if (u.metadata !== undefined && u.value === undefined && u.isDelete !== true && !latest.has(mk)) {
        latest.set(mk, (await this.get(u.ns, u.key))?.value)
      }
    }
    for (const u of updates) {
      const mk = memKey(u.ns, u.key)
      const version = { blockNum, txNum: u.txNum }
      if (u.isDelete === true) {
        latest.set(mk, undefined)
        entries.push({ ns: u.ns, key: u.key, value: undefined, version })
        if (current(u.ns, u.key) !== undefined) metaChanges.set(mk, { ns: u.ns, key: u.key, metadata: undefined })
      } else if (u.value !== undefined) {
        latest.set(mk, u.value)
        entries.push({ ns: u.ns, key: u.key, value: u.value, version })
      }
      if (u.metadata !== undefined && u.isDelete !== true) {
        const value = latest.get(mk)
        if (value === undefined) continue // no such key: the metadata write has no effect
        metaChanges.set(mk, { ns: u.ns, key: u.key, metadata: u.metadata.size === 0 ? undefined : new Map(u.metadata) })
        if (u.value === undefined) {
          entries.push({ ns: u.ns, key: u.key, value, version })
        }
      }
    }
    if (replay) return { ops: [], apply: () => { this.memtable.applyBlock(blockNum, entries) } }
    const ops: WriteOp[] = [{ type: 'put', table: 'stateInfo', key: 'savepoint', value: blockNum }]
    for (const { ns, key, metadata } of metaChanges.values()) {
      ops.push(metadata === undefined
        ? { type: 'del', table: 'stateMetadata', key: stateRecordKey(ns, key) }
        : { type: 'put', table: 'stateMetadata', key: stateRecordKey(ns, key), value: { n: ns, k: key, m: [...metadata] } satisfies MetadataRecord })
    }
    return {
      ops,
      apply: () => {
        this.memtable.applyBlock(blockNum, entries)
        for (const [mk, { metadata }] of metaChanges) {
          if (metadata === undefined) this.metadata.delete(mk)
          else this.metadata.set(mk, metadata)
        }
        this.savepoint = blockNum
      }
    }
  }

  /** True when the memtable holds more blocks than the configured threshold. */
  get wantsCompaction (): boolean {
    return this.options.compactAfterBlocks > 0 && this.memtable.blocks.length >= this.options.compactAfterBlocks
  }

  /**
   * Moves memtable blocks into per-key records, oldest first, in transactions of at most
   * `compactionChunk` writes (whole blocks). Returns the number of records written.
   * `companion` (the history DB) adds its own compaction of the same blocks to each transaction.
   * The caller serialises this with commits (the ledger's commit lock).
   */
  async compact (companion?: CompactionCompanion): Promise<number> {
    let written = 0
    for (;;) {
      const blocks = this.memtable.blocks
      if (blocks.length === 0) return written
      // Whole blocks, oldest first, until the chunk is full (always at least one block).
      let upTo = blocks[0] as number
      let budget = this.memtable.writesIn(upTo)
      for (const b of blocks.slice(1)) {
        budget += this.memtable.writesIn(b)
        if (budget > this.options.compactionChunk) break
        upTo = b
      }
      const entries = this.memtable.entriesUpTo(upTo)
      const ops: WriteOp[] = entries.map((e) => e.value === undefined
        ? { type: 'del', table: 'state', key: stateRecordKey(e.ns, e.key) }
        : { type: 'put', table: 'state', key: stateRecordKey(e.ns, e.key), value: this.toRecord(e) })
      ops.push({ type: 'put', table: 'stateInfo', key: 'compactedTo', value: upTo })
      const extra = companion?.compactionOps(upTo)
      if (extra !== undefined) ops.push(...extra.ops)
      try {
        await this.store.write(ops)
      } catch (err) {
        throw fromStorageError(err, `compact state up to block ${upTo}`)
      }
      extra?.apply()
      this.memtable.forgetUpTo(upTo)
      this.compactedTo = upTo
      written += entries.length
    }
  }

  private toRecord (e: MemEntry): StateRecord {
    const rec: StateRecord = { n: e.ns, k: e.key, v: e.value as Uint8Array, b: e.version.blockNum, t: e.version.txNum }
    const ix = this.indexes.entries(e.ns, e.key, e.value as Uint8Array)
    if (ix.length > 0) rec.ix = ix
    return rec
  }


  /**
   * Installs CouchDB index definitions (META-INF/statedb/couchdb/indexes/*.json) for a
   * namespace and indexes the existing documents, like Fabric does at chaincode install.
   */
  async defineIndexes (ns: string, definitionFiles: readonly string[]): Promise<IndexDefinition[]> {
    checkNamespace(ns)
    const sources = this.indexes.merged(ns, definitionFiles)
    await this.compact()
    const previous = this.indexes.all().find(([n]) => n === ns)?.[1] ?? []
    this.indexes.set(ns, sources)
    try {
      const rows = await this.store.getRange<StateRecord>('state', { gte: stateRecordKey(ns, ''), lt: namespaceEnd(ns) })
      const ops: WriteOp[] = rows.map(({ key, value }) => {
        const ix = this.indexes.entries(ns, value.k, value.v)
        const rec: StateRecord = { n: value.n, k: value.k, v: value.v, b: value.b, t: value.t }
        if (ix.length > 0) rec.ix = ix
        return { type: 'put', table: 'state', key, value: rec }
      })
      ops.push({ type: 'put', table: 'stateInfo', key: ['index', ns], value: { ns, definitions: sources } satisfies IndexRecord })
      await this.store.write(ops)
    } catch (err) {
      this.indexes.set(ns, previous)
      throw fromStorageError(err, 'define indexes')
    }
    return this.indexes.of(ns)
  }

  /** Everything committed, compacted first so per-key records are complete (caller holds the commit lock). */
  async exportState (): Promise<StateExport> {
    await this.compact()
    try {
      const rows = await this.store.getRange<StateRecord>('state')
      return {
        entries: rows.map(({ value: r }) => [r.n, r.k, r.v, r.b, r.t]),
        metadata: [...this.metadata].map(([mk, m]) => {
          const at = mk.indexOf('\u0000')
          return [mk.slice(0, at), mk.slice(at + 1), [...m]]
        }),
        indexes: this.indexes.all()
      }
    } catch (err) {
      throw fromStorageError(err, 'export state')
    }
  }

  /** Ops that load an exported state as of `lastBlock` into an EMPTY state DB. */
  prepareImport (exported: StateExport, lastBlock: number): WriteOp[] {
    for (const [ns, files] of exported.indexes) this.indexes.set(ns, files)
    const ops: WriteOp[] = exported.entries.map(([ns, key, value, b, t]) => {
      checkNamespace(ns)
      checkKey(key)
      return { type: 'put', table: 'state', key: stateRecordKey(ns, key), value: this.toRecord({ ns, key, value, version: { blockNum: b, txNum: t } }) }
    })
    for (const [ns, key, m] of exported.metadata) {
      ops.push({ type: 'put', table: 'stateMetadata', key: stateRecordKey(ns, key), value: { n: ns, k: key, m } satisfies MetadataRecord })
    }
    for (const [ns, definitions] of exported.indexes) {
      ops.push({ type: 'put', table: 'stateInfo', key: ['index', ns], value: { ns, definitions } satisfies IndexRecord })
    }
    ops.push({ type: 'put', table: 'stateInfo', key: 'savepoint', value: lastBlock })
    ops.push({ type: 'put', table: 'stateInfo', key: 'compactedTo', value: lastBlock })
    return ops
  }

  listIndexes (ns: string): IndexDefinition[] {
    return this.indexes.of(ns)
  }

  /** A CouchDB Mango query over the namespace's JSON values (see ./rich-query.ts). */
  async query (ns: string, queryJson: string, options: { bookmark?: string, pageSize?: number } = {}): Promise<RichQueryResult> {
    checkNamespace(ns)
    return await runRichQuery({ store: this.store, memtable: this.memtable, indexes: this.indexes }, ns, queryJson, options)
  }
}

/** A state DB's content as a snapshot carries it (see ../snapshot.ts). */
export interface StateExport {
  /** [ns, key, value, blockNum, txNum], in (ns, key) UTF-8 order. */
  entries: Array<[string, string, Uint8Array, number, number]>
  /** [ns, key, [[name, value]...]] */
  metadata: Array<[string, string, Array<[string, Uint8Array]>]>
  /** [ns, CouchDB index definition files] */
  indexes: Array<[string, string[]]>
}



