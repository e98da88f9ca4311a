/**
 * Block store over a KvStore, after Fabric's common/ledger/blkstorage (blockfile_mgr.go,
 * blockindex.go), laid out for IndexedDB's cost model: per block ONE bytes record (`blocks`) and
 * ONE index record (`blockIndex`) whose fields carry Fabric's four indexes —
 *   'n' block number  → the record key itself;
 *   'h' block hash    → IndexedDB index `hash` over field `h`;
 *   't' txId          → multiEntry IndexedDB index `txId` over field `ids` (+ position in `tx`,
 *                       validation code in `codes`);
 *   'a' blockNum:txNum → position in the record's `tx`/`codes` arrays.
 * A multiEntry index costs the browser one index row per txId but the ledger one put per
 * block, which is what matters in Chromium (docs/ledger.md).
 *
 * Appending checks number, previous hash and data hash (Fabric checks the first two in
 * blockfile_mgr.addBlock; the data hash is checked here too since blocks come from peers).
 *
 * A store bootstrapped from a snapshot also holds the txIds committed before it (Fabric's
 * snapshot `txids.data`, imported by blkstorage importTxIDsFromSnapshot as txId index entries
 * with no location) as pseudo-records of `blockIndex` under NEGATIVE keys: `{ ids }` only, a few
 * thousand txIds each (one put per chunk, not per txId), keyed so that ascending key order is
 * the snapshot's order and every key sorts before block 0. The multiEntry `txId` index finds them
 * like any block's txIds; they have no `h` (so the `hash` index skips them), no `tx`, no `codes`.
 * Readers by block number start at 0 or above; whole-table scans (filter rebuild, snapshot
 * export) include them on purpose.
 *
 * A Bloom filter of every indexed txId (txid-filter.ts) sits in front of the txId index: the
 * committer's duplicate check asks about a whole block of mostly fresh txIds, and the filter
 * answers those without a storage read. Fabric has no such filter (LevelDB reads are cheap);
 * in Chromium each index lookup is an IndexedDB request.
 */
import {
  Block, BlockMetadataIndex, Envelope, TxValidationCode, blockDataHash, blockHeaderHash, decode, type ProcessedTransaction
} from '../../protos/index.js'
import type { KvEntry, KvStore, TableSchema, WriteOp } from '../../storage/kv.js'
import type { AbortOptions } from '../../shared/abort.js'
import { LedgerError, fromStorageError } from '../errors.js'
import { TxIdFilter } from './txid-filter.js'
import { loadTxIdFilter, txIdFilterOps } from './txid-filter-records.js'

/**
 * The txId filter is persisted with every PERSIST_FILTER_EVERY-th block (in that block's write):
 * often enough that an open replays few blocks, rarely enough that the ~77 KB current segment is
 * not rewritten with every block.
 */
export const PERSIST_FILTER_EVERY = 32

export const BLOCK_TABLES: readonly TableSchema[] = Object.freeze([
  { name: 'blocks' },
  { name: 'blockIndex', indexes: [{ name: 'hash', keyPath: 'h' }, { name: 'txId', keyPath: 'ids', multiEntry: true }] },
  { name: 'chain' }
])

/** qscc GetChainInfo (common.BlockchainInfo). */
export interface ChainInfo {
  height: number
  currentBlockHash: Uint8Array
  previousBlockHash: Uint8Array
}

/** Where a transaction sits and what the committer decided about it. */
export interface TxLocation {
  blockNum: number
  txNum: number
  validationCode: number
  beforeSnapshot?: undefined
}

/**
 * A txId committed before the snapshot this store was bootstrapped from: it exists (the
 * duplicate check finds it) but its block is not held, so it has no location — Fabric's txId
 * index entry with a nil value (blkstorage errNilValue). `getTxLoc` turns it into
 * LEDGER_BEFORE_SNAPSHOT. The optional location fields read as undefined, so `loc?.blockNum`
 * still type-checks for callers that only want held locations.
 */
export interface TxBeforeSnapshot {
  beforeSnapshot: true
  /** First block this store holds (Fabric: "first available block"). */
  firstAvailableBlock: number
  blockNum?: undefined
  txNum?: undefined
  validationCode?: undefined
}

/** txIds per snapshot pseudo-record of `blockIndex` (~260 KB of hex txIds; one put each). */
export const SNAPSHOT_TXIDS_PER_RECORD = 4096

/** blockIndex records read per round trip when listing txIds for a snapshot (bounds memory). */
const EXPORT_PAGE = 256

/** Snapshot pseudo-record (negative key): the txIds committed before the snapshot. */
interface SnapshotTxIdsRecord {
  ids: string[]
}

interface BlockIndexRecord {
  h: Uint8Array
  /** Distinct non-empty txIds of the block (the multiEntry index). */
  ids: string[]
  /** txId per transaction position ('' when the envelope had none). */
  tx: string[]
  codes: Uint8Array
}

interface ChainRecord extends ChainInfo {
  /** First block number this store holds (> 0 when bootstrapped from a snapshot). */
  base: number
}

export interface PreparedBlock {
  block: Block
  bytes: Uint8Array
  hash: Uint8Array
  txIds: string[]
  codes: Uint8Array
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const hex = (b: Uint8Array): string => Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join('')

export class BlockStore {
  private info: ChainRecord = { height: 0, currentBlockHash: new Uint8Array(0), previousBlockHash: new Uint8Array(0), base: 0 }
  private waiters = new Set<{ wake: () => void, fail: (err: LedgerError) => void }>()
  private closed = false
  /** Every txId of blockIndex; replaced (never mutated) by a commit's apply step. */
  private txIdFilter = TxIdFilter.empty()
  /** Last block the persisted filter covers (-1: none persisted). */
  private filterPersistedUpTo = -1
  /** Leading filter segments persisted in final (full) form: not written again. */
  private filterPersistedFull = 0

  private constructor (private readonly store: KvStore) {}

  static async open (store: KvStore): Promise<BlockStore> {
    const bs = new BlockStore(store)
    try {
      const info = await store.get<ChainRecord>('chain', 'info')
      if (info !== undefined) bs.info = info
      const loaded = await loadTxIdFilter(store, bs.info.height)
      bs.txIdFilter = loaded.filter
      bs.filterPersistedUpTo = loaded.persistedUpTo
      bs.filterPersistedFull = loaded.persistedFull
    } catch (err) {
      throw fromStorageError(err, 'open block store')
    }
    return bs
  }

  get height (): number {
    return this.info.height
  }

  /** First block number held (blocks below come before a snapshot). */
  get base (): number {
    return this.info.base
  }

  getChainInfo (): ChainInfo {
    return { height: this.info.height, currentBlockHash: this.info.currentBlockHash.slice(), previousBlockHash: this.info.previousBlockHash.slice() }
  }

  /**
   * Checks the block continues the chain (and, unless the caller already checked it, that its
   * dataHash matches its data); returns its header hash.
   */
  verify (block: Block, options: { dataHashVerified?: boolean } = {}): Uint8Array {
    const header = block.header
    if (header === undefined || block.data === undefined) throw new LedgerError('LEDGER_BAD_BLOCK', 'block has no header or no data')
    if (header.number !== this.info.height) {
      throw new LedgerError('LEDGER_BAD_BLOCK_NUMBER', `block number ${header.number} but the ledger expects ${this.info.height}`)
    }
    if (this.info.height > 0 && !equalBytes(header.previousHash, this.info.currentBlockHash)) {
      throw new LedgerError('LEDGER_BAD_PREVIOUS_HASH', `block ${header.number}: previousHash ${hex(header.previousHash)}… is not the hash of block ${header.number - 1} (${hex(this.info.currentBlockHash)}…)`)
    }
    if (options.dataHashVerified !== true && !equalBytes(blockDataHash(block.data), header.dataHash)) {
      throw new LedgerError('LEDGER_BAD_DATA_HASH', `block ${header.number}: dataHash does not match the block's transactions`)
    }
    return blockHeaderHash(header)
  }

  /** Ops that append a verified block, and the in-memory change to make once they committed. */
  prepareAppend (p: PreparedBlock): { ops: WriteOp[], apply: () => void } {
    const num = (p.block.header as { number: number }).number
    const next: ChainRecord = { height: num + 1, currentBlockHash: p.hash, previousBlockHash: this.info.currentBlockHash, base: this.info.base }
    const index = blockIndexRecord(p.hash, p.txIds, p.codes)
    const filter = this.txIdFilter.withAdded(index.ids)
    const persistFilter = num - this.filterPersistedUpTo >= PERSIST_FILTER_EVERY
    return {
      ops: [
        { type: 'put', table: 'blocks', key: num, value: p.bytes },
        { type: 'put', table: 'blockIndex', key: num, value: index },
        { type: 'put', table: 'chain', key: 'info', value: next },
        ...(persistFilter ? txIdFilterOps(filter, this.filterPersistedFull, num) : [])
      ],
      apply: () => {
        this.info = next
        this.txIdFilter = filter
        if (persistFilter) {
          this.filterPersistedUpTo = num
          this.filterPersistedFull = filter.fullSegments
        }
        const ws = this.waiters
        this.waiters = new Set()
        for (const w of ws) w.wake()
      }
    }
  }

  /**
   * Ops that bootstrap an empty store at a snapshot's height, with optional tail blocks and the
   * txIds committed before the tail (`snapshotTxIds`: distinct, non-empty; Fabric's txids.data).
   */
  prepareBootstrap (
    info: ChainInfo,
    tail: ReadonlyArray<{ num: number, bytes: Uint8Array, hash: Uint8Array, txIds: string[], codes: Uint8Array }>,
    snapshotTxIds: readonly string[] = []
  ): { ops: WriteOp[], apply: () => void } {
    const first = tail[0]?.num ?? info.height
    const rec: ChainRecord = { ...info, base: first }
    const ops: WriteOp[] = [{ type: 'put', table: 'chain', key: 'info', value: rec }]
    // Built fresh (bootstrap only runs on an empty store), in the order a rebuild scans
    // blockIndex: the snapshot chunks (ascending negative keys), then the tail blocks.
    const filter = TxIdFilter.empty()
    const chunks = Math.ceil(snapshotTxIds.length / SNAPSHOT_TXIDS_PER_RECORD)
    for (let c = 0; c < chunks; c++) {
      const ids = snapshotTxIds.slice(c * SNAPSHOT_TXIDS_PER_RECORD, (c + 1) * SNAPSHOT_TXIDS_PER_RECORD)
      ops.push({ type: 'put', table: 'blockIndex', key: c - chunks, value: { ids } satisfies SnapshotTxIdsRecord })
      filter.add(ids)
    }
    for (const b of tail) {
      const index = blockIndexRecord(b.hash, b.txIds, b.codes)
      ops.push({ type: 'put', table: 'blocks', key: b.num, value: b.bytes })
      ops.push({ type: 'put', table: 'blockIndex', key: b.num, value: index })
      filter.add(index.ids)
    }
    ops.push(...txIdFilterOps(filter, 0, info.height - 1))
    return {
      ops,
      apply: () => {
        this.info = rec
        this.txIdFilter = filter
        this.filterPersistedUpTo = info.height - 1
        this.filterPersistedFull = filter.fullSegments
      }
    }
  }

  /**
   * Every distinct non-empty txId committed before block `end`, sorted (UTF-16 code-unit order:
   * Fabric's byte order for the usual hex txIds): the blocks held below `end` and, for a store
   * itself bootstrapped from a snapshot, the txIds that snapshot carried — Fabric's
   * exportUniqueTxIDs. Reads blockIndex records a page at a time, never block bodies.
   */
  async exportTxIdsBefore (end: number): Promise<string[]> {
    if (!Number.isSafeInteger(end) || end < 0) throw new LedgerError('LEDGER_BAD_INPUT', `end must be a non-negative integer, got ${String(end)}`)
    const seen = new Set<string>()
    try {
      let after: number | undefined
      for (;;) {
        const page = await this.store.getRange<{ ids: string[] }>('blockIndex', { ...(after === undefined ? {} : { gt: after }), lt: end, limit: EXPORT_PAGE })
        for (const { value } of page) for (const id of value.ids) seen.add(id)
        const last = page[page.length - 1]
        if (last === undefined || page.length < EXPORT_PAGE) break
        after = last.key as number
      }
    } catch (err) {
      throw fromStorageError(err, 'export txIds')
    }
    return [...seen].sort()
  }

  async getBlockBytes (num: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(num) || num < 0) throw new LedgerError('LEDGER_BAD_INPUT', `block number must be a non-negative integer, got ${String(num)}`)
    let bytes: Uint8Array | undefined
    try {
      bytes = await this.store.get<Uint8Array>('blocks', num)
    } catch (err) {
      throw fromStorageError(err, 'GetBlockByNumber')
    }
    if (bytes === undefined) {
      const why = num >= this.info.height ? `the ledger height is ${this.info.height}` : `the ledger starts at block ${this.info.base} (snapshot)`
      throw new LedgerError('LEDGER_NOT_FOUND', `block ${num} not found: ${why}`)
    }
    return bytes
  }

  /** qscc GetBlockByNumber; Fabric's math.MaxUint64 (here: Infinity or -1) means the last block. */
  async getBlockByNumber (num: number): Promise<Block> {
    const n = num === Infinity || num === -1 ? this.info.height - 1 : num
    return decode(Block, await this.getBlockBytes(n))
  }

  async getBlockByHash (hash: Uint8Array): Promise<Block> {
    if (!(hash instanceof Uint8Array)) throw new LedgerError('LEDGER_BAD_INPUT', 'hash must be a Uint8Array')
    let rows
    try {
      rows = await this.store.getFromIndex<BlockIndexRecord>('blockIndex', 'hash', { gte: hash, lte: hash, limit: 1 })
    } catch (err) {
      throw fromStorageError(err, 'GetBlockByHash')
    }
    const row = rows[0]
    if (row === undefined) throw new LedgerError('LEDGER_NOT_FOUND', `no block with hash ${hex(hash)}…`)
    return await this.getBlockByNumber(row.key as number)
  }

  /**
   * Where a txId was committed. Fabric keys its index txId~blockNum~txNum and returns the first
   * entry, i.e. the earliest occurrence; later duplicates are DUPLICATE_TXID by construction.
   * Weft returns the earliest VALID occurrence if there is one, else the earliest occurrence:
   * the same answer on any chain Fabric's validator produced. A txId committed before the
   * snapshot this store was bootstrapped from throws LEDGER_BEFORE_SNAPSHOT (Fabric: "details for
   * the TXID not available. Ledger bootstrapped from a snapshot. First available block = N").
   */
  async getTxLoc (txId: string): Promise<TxLocation> {
    if (typeof txId !== 'string' || txId === '') throw new LedgerError('LEDGER_BAD_INPUT', 'txId must be a non-empty string')
    const [loc] = await this.getTxLocs([txId])
    if (loc === undefined) throw new LedgerError('LEDGER_NOT_FOUND', `no transaction with txId ${txId}`)
    if (loc.beforeSnapshot === true) {
      throw new LedgerError('LEDGER_BEFORE_SNAPSHOT', `details for txId ${txId} not available: the ledger was bootstrapped from a snapshot, first available block ${loc.firstAvailableBlock}`)
    }
    return loc
  }

  /**
   * getTxLoc for many txIds at once: the same answer per txId — undefined where getTxLoc says
   * LEDGER_NOT_FOUND, a TxBeforeSnapshot where it says LEDGER_BEFORE_SNAPSHOT. txIds the filter
   * rules out are answered without storage; the rest in ONE store round trip (one IndexedDB
   * transaction over the multiEntry txId index), none when nothing may be present.
   */
  async getTxLocs (txIds: readonly string[]): Promise<Array<TxLocation | TxBeforeSnapshot | undefined>> {
    const rows = await this.indexRows(txIds)
    const base = this.info.base
    return txIds.map((t) => {
      const r = rows.get(t)
      return r === undefined ? undefined : firstValidLocation(t, r, base)
    })
  }

  /**
   * Whether each txId is on the ledger — in a held block or before the snapshot this store
   * started from: Fabric's TxIDExists, the committer's DUPLICATE_TXID question. Behind the
   * filter, in at most one store round trip, like getTxLocs.
   */
  async txIdsExist (txIds: readonly string[]): Promise<boolean[]> {
    const candidates = this.filterCandidates(txIds)
    if (candidates.length === 0) return txIds.map(() => false)
    let keysPerTxId
    try {
      // Primary keys only: a hit must not read its whole index record (a snapshot chunk holds
      // thousands of txIds).
      keysPerTxId = await this.store.getManyKeysFromIndex('blockIndex', 'txId', candidates)
    } catch (err) {
      throw fromStorageError(err, 'txId existence check')
    }
    const found = new Set(candidates.filter((_, i) => (keysPerTxId[i]?.length ?? 0) > 0))
    return txIds.map((t) => found.has(t))
  }

  /** Checks `txIds`; returns the distinct ones the txId filter cannot rule out. */
  private filterCandidates (txIds: readonly string[]): string[] {
    if (!Array.isArray(txIds)) throw new LedgerError('LEDGER_BAD_INPUT', 'txIds must be an array of strings')
    txIds.forEach((t, i) => {
      if (typeof t !== 'string' || t === '') throw new LedgerError('LEDGER_BAD_INPUT', `txIds[${i}] must be a non-empty string`)
    })
    const filter = this.txIdFilter
    return [...new Set(txIds)].filter((t) => filter.mightContain(t))
  }

  /** The txId index rows of each distinct txId the filter cannot rule out (others absent). */
  private async indexRows (txIds: readonly string[]): Promise<Map<string, Array<KvEntry<BlockIndexRecord | SnapshotTxIdsRecord>>>> {
    const candidates = this.filterCandidates(txIds)
    const found = new Map<string, Array<KvEntry<BlockIndexRecord | SnapshotTxIdsRecord>>>()
    if (candidates.length === 0) return found
    let rowsPerTxId
    try {
      rowsPerTxId = await this.store.getManyFromIndex<BlockIndexRecord | SnapshotTxIdsRecord>('blockIndex', 'txId', candidates)
    } catch (err) {
      throw fromStorageError(err, 'transaction lookup')
    }
    candidates.forEach((txId, i) => { found.set(txId, rowsPerTxId[i] ?? []) })
    return found
  }

  async getBlockByTxID (txId: string): Promise<Block> {
    return await this.getBlockByNumber((await this.getTxLoc(txId)).blockNum)
  }

  async getTxValidationCodeByTxID (txId: string): Promise<number> {
    return (await this.getTxLoc(txId)).validationCode
  }

  /** qscc GetTransactionByID: the envelope and its validation code. */
  async getTransactionByID (txId: string): Promise<ProcessedTransaction> {
    const loc = await this.getTxLoc(txId)
    return await this.getTransactionByBlockNumTxNum(loc.blockNum, loc.txNum)
  }

  /** Fabric's blockNum:txNum index ('a'). */
  async getTransactionByBlockNumTxNum (blockNum: number, txNum: number): Promise<ProcessedTransaction> {
    const block = await this.getBlockByNumber(blockNum)
    const env = block.data?.data[txNum]
    if (env === undefined) throw new LedgerError('LEDGER_NOT_FOUND', `block ${blockNum} has no transaction ${txNum}`)
    const filter = block.metadata?.metadata[BlockMetadataIndex.TRANSACTIONS_FILTER]
    const validationCode = filter?.[txNum] ?? TxValidationCode.NOT_VALIDATED
    try {
      return { transactionEnvelope: decode(Envelope, env), validationCode }
    } catch (err) {
      // Invalid transactions are stored as they came; some are not envelopes at all.
      throw new LedgerError('LEDGER_BAD_BLOCK', `transaction ${txNum} of block ${blockNum} (validation code ${validationCode}) is not a decodable envelope`, { cause: err })
    }
  }

  /** Resolves when the height exceeds `num`; rejects when the signal aborts or the ledger closes. */
  async waitForBlock (num: number, options: AbortOptions = {}): Promise<void> {
    while (this.info.height <= num) {
      options.signal?.throwIfAborted()
      if (this.closed) throw new LedgerError('LEDGER_CLOSED', `ledger closed while waiting for block ${num}`)
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          wake: (): void => {
            options.signal?.removeEventListener('abort', onAbort)
            resolve()
          },
          fail: (err: LedgerError): void => {
            options.signal?.removeEventListener('abort', onAbort)
            reject(err)
          }
        }
        const onAbort = (): void => {
          this.waiters.delete(waiter)
          reject(new LedgerError('LEDGER_ABORTED', `waiting for block ${num} aborted`, { cause: options.signal?.reason }))
        }
        this.waiters.add(waiter)
        options.signal?.addEventListener('abort', onAbort, { once: true })
      })
    }
  }

  /** Ends every wait with LEDGER_CLOSED (the ledger is closing). */
  close (): void {
    this.closed = true
    const ws = this.waiters
    this.waiters = new Set()
    for (const w of ws) w.fail(new LedgerError('LEDGER_CLOSED', 'ledger closed'))
  }

  /**
   * Blocks from `start` to `end` inclusive (unbounded when absent), waiting for blocks not yet
   * committed — what deliver and catch-up consume. Ends with LEDGER_ABORTED when the signal aborts.
   */
  async * blocks (start: number, options: AbortOptions & { end?: number } = {}): AsyncGenerator<Block> {
    if (!Number.isSafeInteger(start) || start < 0) throw new LedgerError('LEDGER_BAD_INPUT', 'start must be a non-negative integer')
    for (let n = start; options.end === undefined || n <= options.end; n++) {
      await this.waitForBlock(n, options)
      yield await this.getBlockByNumber(n)
    }
  }
}

/** A block's index record; `ids` are its distinct non-empty txIds (the multiEntry `txId` index). */
function blockIndexRecord (hash: Uint8Array, txIds: string[], codes: Uint8Array): BlockIndexRecord {
  return { h: hash, ids: [...new Set(txIds.filter((t) => t !== ''))], tx: txIds, codes }
}

/**
 * Fabric's answer for a txId that appears more than once (only possible for invalid duplicates):
 * the first VALID occurrence, else the first occurrence. Rows come in primary-key order: snapshot
 * pseudo-records (negative keys) first, then blocks. A pre-snapshot occurrence is the earliest, but
 * its validation code is unknown: a VALID held occurrence still wins (on a chain Fabric's
 * validator produced, a txId has at most one VALID occurrence), else the answer is "before the
 * snapshot".
 */
function firstValidLocation (txId: string, rows: ReadonlyArray<KvEntry<BlockIndexRecord | SnapshotTxIdsRecord>>, base: number): TxLocation | TxBeforeSnapshot | undefined {
  let first: TxLocation | TxBeforeSnapshot | undefined
  for (const { key, value } of rows) {
    if ((key as number) < 0 || !('tx' in value)) {
      first ??= { beforeSnapshot: true, firstAvailableBlock: base }
      continue
    }
    for (let i = 0; i < value.tx.length; i++) {
      if (value.tx[i] !== txId) continue
      const loc = { blockNum: key as number, txNum: i, validationCode: value.codes[i] as number }
      if (loc.validationCode === TxValidationCode.VALID) return loc
      first ??= loc
    }
  }
  return first
}
