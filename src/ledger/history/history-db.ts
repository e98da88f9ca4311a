/**
 * History DB, after Fabric's core/ledger/kvledger/history: it records only WHERE each key was
 * written (block, tx) by VALID transactions, and reads values back from the block store.
 * Fabric writes one LevelDB key per write (`ns~len(key)~key~blocknum~trannum`); Weft keeps the
 * where-list of recent blocks in memory (rebuilt from the blocks on open, like the state
 * memtable) and compaction writes ONE record per block (`history`, key = block number) whose
 * `keys` field is a multiEntry IndexedDB index: getHistoryForKey is one index lookup, and the
 * commit transaction pays nothing for history (measured: a multiEntry index of 1,000 keys adds
 * ~7 ms to a block's transaction in Chromium).
 */
import type { KeyModification } from '../api.js'
import type { KvStore, TableSchema, WriteOp } from '../../storage/kv.js'
import { fromStorageError } from '../errors.js'
import { checkKey, checkNamespace, memKey } from '../statedb/keys.js'
import type { BlockStore } from '../blockstore/block-store.js'
import { parseTx } from '../blockstore/tx-parser.js'

export const HISTORY_TABLES: readonly TableSchema[] = Object.freeze([
  { name: 'history', indexes: [{ name: 'key', keyPath: 'keys', multiEntry: true }] },
  { name: 'historyInfo' },
  /** Modifications imported from a snapshot, key [memKey, seq] with seq 0 the newest. */
  { name: 'historySnapshot' }
])

interface SnapshotModification {
  txId: string
  v: Uint8Array
  s: number
  n: number
  d: boolean
}

interface HistoryRecord {
  /** Distinct memKeys (ns U+0000 key) written in the block. */
  keys: string[]
  /** For keys[i], the tx numbers (ascending) that wrote it. */
  tx: number[][]
}

export interface HistoryWrite {
  ns: string
  key: string
  txNum: number
}

export class HistoryDb {
  /** Blocks up to this one have their history record in storage. */
  compactedTo = -1
  private readonly recent = new Map<number, HistoryRecord>()

  private constructor (private readonly store: KvStore, private readonly blocks: BlockStore) {}

  static async open (store: KvStore, blocks: BlockStore): Promise<HistoryDb> {
    const db = new HistoryDb(store, blocks)
    try {
      db.compactedTo = await store.get<number>('historyInfo', 'compactedTo') ?? -1
    } catch (err) {
      throw fromStorageError(err, 'open history DB')
    }
    return db
  }

  /** History of a committed (or replayed) block: kept in memory until compaction; no ops. */
  prepareBlock (blockNum: number, writes: readonly HistoryWrite[]): { ops: WriteOp[], apply: () => void } {
    if (blockNum <= this.compactedTo) return { ops: [], apply: () => undefined }
    const at = new Map<string, number>()
    const rec: HistoryRecord = { keys: [], tx: [] }
    for (const w of writes) {
      const mk = memKey(w.ns, w.key)
      let i = at.get(mk)
      if (i === undefined) {
        i = rec.keys.length
        at.set(mk, i)
        rec.keys.push(mk)
        rec.tx.push([])
      }
      const txs = rec.tx[i] as number[]
      if (txs[txs.length - 1] !== w.txNum) txs.push(w.txNum)
    }
    return { ops: [], apply: () => { this.recent.set(blockNum, rec) } }
  }

  /** Ops writing the history records of blocks up to `upTo` (run inside the state compaction). */
  compactionOps (upTo: number): { ops: WriteOp[], apply: () => void } {
    const ops: WriteOp[] = []
    for (const [b, rec] of this.recent) if (b <= upTo && rec.keys.length > 0) ops.push({ type: 'put', table: 'history', key: b, value: rec })
    ops.push({ type: 'put', table: 'historyInfo', key: 'compactedTo', value: Math.max(upTo, this.compactedTo) })
    return {
      ops,
      apply: () => {
        for (const b of [...this.recent.keys()]) if (b <= upTo) this.recent.delete(b)
        this.compactedTo = Math.max(upTo, this.compactedTo)
      }
    }
  }

  /** [ns, key, modifications newest first] for every key with history (snapshot export). */
  async exportHistory (): Promise<Array<[string, string, KeyModification[]]>> {
    const keys = new Set<string>()
    try {
      for (const { value } of await this.store.getRange<HistoryRecord>('history')) for (const k of value.keys) keys.add(k)
      for (const rec of this.recent.values()) for (const k of rec.keys) keys.add(k)
      for (const k of await this.store.getKeys('historySnapshot')) keys.add((k as [string, number])[0])
    } catch (err) {
      throw fromStorageError(err, 'export history')
    }
    const out: Array<[string, string, KeyModification[]]> = []
    for (const mk of [...keys].sort()) {
      const at = mk.indexOf('\u0000')
      const ns = mk.slice(0, at)
      const key = mk.slice(at + 1)
      out.push([ns, key, await this.getHistoryForKey(ns, key)])
    }
    return out
  }

  /** Ops that import exported history into an empty history DB as of `lastBlock`. */
  prepareImport (history: ReadonlyArray<[string, string, readonly KeyModification[]]>, lastBlock: number): WriteOp[] {
    const ops: WriteOp[] = []
    for (const [ns, key, mods] of history) {
      checkNamespace(ns)
      checkKey(key)
      mods.forEach((m, seq) => {
        ops.push({ type: 'put', table: 'historySnapshot', key: [memKey(ns, key), seq], value: { txId: m.txId, v: m.value, s: m.timestamp.seconds, n: m.timestamp.nanos, d: m.isDelete } satisfies SnapshotModification })
      })
    }
    ops.push({ type: 'put', table: 'historyInfo', key: 'compactedTo', value: lastBlock })
    return ops
  }

  /** Every committed modification of the key, newest first (Fabric 2.x order). */
  async getHistoryForKey (ns: string, key: string): Promise<KeyModification[]> {
    checkNamespace(ns)
    checkKey(key)
    const mk = memKey(ns, key)
    // The in-memory part is captured BEFORE the storage read: a compaction meanwhile can only
    // move blocks from it into storage (then seen twice, deduplicated), never hide one.
    const recent = [...this.recent].filter(([, rec]) => rec.keys.includes(mk)).sort(([a], [b]) => b - a)
    let rows
    try {
      rows = await this.store.getFromIndex<HistoryRecord>('history', 'key', { gte: mk, lte: mk, reverse: true })
    } catch (err) {
      throw fromStorageError(err, 'GetHistoryForKey')
    }
    const inMemory = new Set(recent.map(([b]) => b))
    rows = rows.filter((r) => !inMemory.has(r.key as number))
    const out: KeyModification[] = []
    for (const { key: blockNum, value } of [...recent.map(([key, value]) => ({ key, value })), ...rows]) {
      if ((blockNum as number) < this.blocks.base) continue // before a snapshot: see historySnapshot
      const i = value.keys.indexOf(mk)
      const txs = value.tx[i] ?? []
      if (txs.length === 0) continue
      const block = await this.blocks.getBlockByNumber(blockNum as number)
      for (const txNum of [...txs].reverse()) {
        const env = block.data?.data[txNum]
        const parsed = env === undefined ? undefined : parseTx(env, true)
        const write = parsed?.rwsets?.find((r) => r.namespace === ns)?.kv.writes.filter((w) => w.key === key).pop()
        if (parsed === undefined || write === undefined) continue
        out.push({ txId: parsed.txId, value: write.isDelete ? new Uint8Array(0) : write.value.slice(), timestamp: parsed.timestamp, isDelete: write.isDelete })
      }
    }
    try {
      for (const { value: m } of await this.store.getRange<SnapshotModification>('historySnapshot', { gte: [mk], lt: [`${mk}\u0000`] })) {
        out.push({ txId: m.txId, value: m.v, timestamp: { seconds: m.s, nanos: m.n }, isDelete: m.d })
      }
    } catch (err) {
      throw fromStorageError(err, 'GetHistoryForKey')
    }
    return out
  }
}
