/**
 * One channel's ledger, after Fabric's kvledger (kv_ledger.go, recovery.go): block store, state
 * DB and history DB in one KvStore (one IndexedDB database per channel).
 *
 * Commit pipeline (Fabric's order: block store, state, history) runs as ONE storage write:
 * block bytes + block index record + state batch record + history record + savepoints. It either
 * all lands or none of it does; in-memory views change only after it landed. Commits are
 * serialised; compaction shares the same lock and runs in its own transactions.
 *
 * Recovery: the block store is the source of truth. On open, a state or history DB whose
 * savepoint is behind the block height replays the missing blocks (recovery.go recoverDBs).
 */
import type { Height, HistoryQueryExecutor, KeyModification, QueryExecutor, ResultsIterator, TxSimulator } from './api.js'
import { Block, BlockMetadataIndex, decode, encode, type ProcessedTransaction } from '../protos/index.js'
import type { AbortOptions } from '../shared/abort.js'
import type { KvStore, KvStoreFactory, TableSchema, WriteOp } from '../storage/kv.js'
import { LedgerError, fromStorageError } from './errors.js'
import { BLOCK_TABLES, BlockStore, type ChainInfo } from './blockstore/block-store.js'
import { extractUpdates, type PreParsedTx } from './block-updates.js'
import { HISTORY_TABLES, HistoryDb } from './history/history-db.js'
import { STATE_TABLES, StateDb, type StateDbOptions } from './statedb/state-db.js'
import { StateQueryExecutor } from './txmgr/query-executor.js'
import { LedgerTxSimulator } from './txmgr/tx-simulator.js'

export { extractUpdates }
export type { PreParsedTx } from './block-updates.js'

/**
 * What the committer already did with the block, so the ledger does not do it twice. Fabric's
 * ledger likewise trusts the deliver client's VerifyBlock for the data hash and the committer's
 * decoding for the write sets; the ledger still checks the block number and the hash chain.
 */
export interface CommitOptions {
  /** The block's header.dataHash was checked against its data (the validator's checkBlockShape). */
  dataHashVerified?: boolean
  /** The committer's decoding of each transaction (see PreParsedTx). */
  preParsed?: ReadonlyArray<PreParsedTx | undefined>
}

export const LEDGER_TABLES: readonly TableSchema[] = Object.freeze([...BLOCK_TABLES, ...STATE_TABLES, ...HISTORY_TABLES])

export interface KvLedgerInit {
  channelId: string
  storage: KvStoreFactory
  /** State DB tuning; compaction runs automatically after commits unless compactAfterBlocks is 0. */
  stateDb?: StateDbOptions
  /** Keep the history DB (Fabric's `ledger.history.enableHistoryDatabase`, default true). */
  history?: boolean
}

/** The database name of a channel's ledger. */
export function ledgerStoreName (channelId: string): string {
  return `weft-ledger-${channelId}`
}

export function checkChannelId (channelId: string): void {
  // Fabric's channel name rule (configtx validateChannelID): [a-z][a-z0-9.-]*, < 250 chars.
  if (typeof channelId !== 'string' || !/^[a-z][a-z0-9.-]{0,248}$/.test(channelId)) {
    throw new LedgerError('LEDGER_BAD_INPUT', `invalid channel id ${JSON.stringify(channelId)}`)
  }
}

/** What MVCC validation reads from committed state (see KvLedger.committedState). */
export interface CommittedStateReader {
  getVersions(namespace: string, keys: readonly string[]): Promise<Array<Height | undefined>>
  /** [startKey, endKey) in Fabric's order, '' unbounded; no empty-key substitution (raw ledger range). */
  range(namespace: string, startKey: string, endKey: string): AsyncIterable<{ key: string, version: Height }>
}

/** Per-phase durations of the last commit (Fabric's kv_ledger.go logs the same split). */
export interface CommitStats {
  blockNum: number
  txs: number
  stateWrites: number
  /** Verify hashes, encode the block, decode rwsets, build records. */
  prepareMs: number
  /** The one storage transaction. */
  writeMs: number
}

export class KvLedger {
  /** Timings of the last successful commit. */
  lastCommit: CommitStats | undefined
  /** Why the last background compaction failed (undefined after a success). */
  lastCompactionError: unknown
  private lock: Promise<unknown> = Promise.resolve()
  private closed = false
  private compactionScheduled = false

  private constructor (
    readonly channelId: string,
    private readonly store: KvStore,
    readonly blockStore: BlockStore,
    readonly state: StateDb,
    readonly history: HistoryDb | undefined
  ) {}

  static async open (init: KvLedgerInit): Promise<KvLedger> {
    checkChannelId(init.channelId)
    let store: KvStore
    try {
      store = await init.storage.open(ledgerStoreName(init.channelId), LEDGER_TABLES)
    } catch (err) {
      throw fromStorageError(err, `open ledger ${init.channelId}`)
    }
    const blockStore = await BlockStore.open(store)
    const state = await StateDb.open(store, init.stateDb)
    const history = init.history === false ? undefined : await HistoryDb.open(store, blockStore)
    const ledger = new KvLedger(init.channelId, store, blockStore, state, history)
    await ledger.recoverDbs()
    return ledger
  }

  /**
   * recovery.go, on every open: the block store is the truth and the blocks after the last
   * compaction are the state and history DBs' write-ahead log. Replays them into the memtables,
   * and re-stores metadata changes of blocks past the state savepoint (after rebuild-dbs).
   */
  private async recoverDbs (): Promise<void> {
    const last = this.blockStore.height - 1
    const from = Math.min(this.state.compactedUpTo, this.history?.compactedTo ?? last) + 1
    for (let n = Math.max(from, this.blockStore.base); n <= last; n++) {
      const block = await this.blockStore.getBlockByNumber(n)
      const codes = block.metadata?.metadata[BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(0)
      const updates = extractUpdates(block, codes)
      const parts = [await this.state.prepareBlock(n, updates.state), ...(this.history === undefined ? [] : [this.history.prepareBlock(n, updates.history)])]
      const ops: WriteOp[] = parts.flatMap((p) => p.ops)
      if (ops.length > 0) {
        try {
          await this.store.write(ops)
        } catch (err) {
          throw fromStorageError(err, `recover block ${n}`)
        }
      }
      for (const p of parts) p.apply()
    }
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn)
    this.lock = run.catch(() => undefined)
    return await run
  }

  private checkOpen (): void {
    if (this.closed) throw new LedgerError('LEDGER_CLOSED', `ledger ${this.channelId} is closed`)
  }

  /**
   * Commits a validated block: `validationCodes[i]` is the committer's TxValidationCode for
   * transaction i (stored as the block's TRANSACTIONS_FILTER). Only VALID transactions' writes
   * reach state and history. Throws LedgerError and changes nothing when the block does not
   * continue the chain, or when storage fails (LEDGER_QUOTA_EXCEEDED: retry when space returns).
   */
  async commit (block: Block | Uint8Array, validationCodes: ArrayLike<number>, options: CommitOptions = {}): Promise<void> {
    this.checkOpen()
    let decoded: Block
    try {
      decoded = block instanceof Uint8Array ? decode(Block, block) : block
    } catch (err) {
      throw new LedgerError('LEDGER_BAD_BLOCK', 'block bytes do not decode', { cause: err })
    }
    const count = decoded.data?.data.length ?? 0
    if (validationCodes === null || typeof validationCodes !== 'object' || validationCodes.length !== count) {
      throw new LedgerError('LEDGER_BAD_VALIDATION_CODES', `expected ${count} validation codes, got ${String((validationCodes as { length?: number } | null)?.length)}`)
    }
    const codes = Uint8Array.from({ length: count }, (_, i) => {
      const c = validationCodes[i]
      if (!Number.isInteger(c) || (c as number) < 0 || (c as number) > 255) throw new LedgerError('LEDGER_BAD_VALIDATION_CODES', `validation code ${i} is not a byte`)
      return c as number
    })
    await this.exclusive(async () => {
      this.checkOpen()
      const started = performance.now()
      const hash = this.blockStore.verify(decoded, { dataHashVerified: options.dataHashVerified === true })
      const num = (decoded.header as { number: number }).number
      const metadata = [...(decoded.metadata?.metadata ?? [])]
      while (metadata.length <= BlockMetadataIndex.TRANSACTIONS_FILTER) metadata.push(new Uint8Array(0))
      metadata[BlockMetadataIndex.TRANSACTIONS_FILTER] = codes
      const stored: Block = { ...decoded, metadata: { metadata } }
      const bytes = encode(Block, stored)
      const updates = extractUpdates(stored, codes, options.preParsed)
      const parts = [
        this.blockStore.prepareAppend({ block: stored, bytes, hash: hash.slice(), txIds: updates.txIds, codes }),
        await this.state.prepareBlock(num, updates.state),
        ...(this.history === undefined ? [] : [this.history.prepareBlock(num, updates.history)])
      ]
      const prepared = performance.now()
      try {
        await this.store.write(parts.flatMap((p) => p.ops))
      } catch (err) {
        throw fromStorageError(err, `commit block ${num}`)
      }
      for (const p of parts) p.apply()
      this.lastCommit = { blockNum: num, txs: count, stateWrites: updates.state.length, prepareMs: prepared - started, writeMs: performance.now() - prepared }
    })
    this.scheduleCompaction()
  }

  private scheduleCompaction (): void {
    if (!this.state.wantsCompaction || this.compactionScheduled) return
    this.compactionScheduled = true
    // Off the commit's critical path; it queues behind commits already waiting.
    setTimeout(() => {
      this.compactionScheduled = false
      // A failed compaction (e.g. quota) loses nothing: the blocks stay the log; it is retried
      // after the next commit. The error is kept for the UI.
      if (!this.closed) this.compact().then(() => { this.lastCompactionError = undefined }, (err: unknown) => { this.lastCompactionError = err })
    }, 0)
  }

  /** Runs `fn` with commits held back (snapshot export). */
  async withCommitLock<T>(fn: () => Promise<T>): Promise<T> {
    this.checkOpen()
    return await this.exclusive(fn)
  }

  /** Moves committed state from per-block batches into per-key records (see statedb/state-db.ts). */
  async compact (): Promise<number> {
    this.checkOpen()
    return await this.exclusive(async () => await this.state.compact(this.history))
  }

  /** Installs CouchDB-style index definitions for a chaincode namespace (chaincode install). */
  async defineIndexes (namespace: string, definitionFiles: readonly string[]): Promise<void> {
    this.checkOpen()
    await this.exclusive(async () => await this.state.defineIndexes(namespace, definitionFiles))
  }

  // ---- qscc-named queries ----------------------------------------------------------------

  getChainInfo (): ChainInfo {
    return this.blockStore.getChainInfo()
  }

  async getBlockByNumber (num: number): Promise<Block> {
    return await this.blockStore.getBlockByNumber(num)
  }

  async getBlockByHash (hash: Uint8Array): Promise<Block> {
    return await this.blockStore.getBlockByHash(hash)
  }

  async getBlockByTxID (txId: string): Promise<Block> {
    return await this.blockStore.getBlockByTxID(txId)
  }

  async getTransactionByID (txId: string): Promise<ProcessedTransaction> {
    return await this.blockStore.getTransactionByID(txId)
  }

  async getTxValidationCodeByTxID (txId: string): Promise<number> {
    return await this.blockStore.getTxValidationCodeByTxID(txId)
  }

  /** Blocks start..end (inclusive; unbounded without end), waiting for blocks not yet committed. */
  blocks (start: number, options: AbortOptions & { end?: number } = {}): AsyncGenerator<Block> {
    return this.blockStore.blocks(start, options)
  }

  // ---- simulation and queries -----------------------------------------------------------

  /**
   * Committed versions for MVCC validation (Fabric's validator reads the state DB directly):
   * versions of many keys in one round trip, and range re-execution with versions for phantom
   * checks. The validator overlays the block's earlier valid writes itself.
   */
  committedState (): CommittedStateReader {
    this.checkOpen()
    const state = this.state
    return {
      async getVersions (namespace, keys) {
        return (await state.getMany(namespace, keys)).map((v) => v?.version)
      },
      async * range (namespace, startKey, endKey) {
        for await (const kv of state.range(namespace, startKey, endKey)) yield { key: kv.key, version: kv.version }
      }
    }
  }

  newQueryExecutor (): QueryExecutor {
    this.checkOpen()
    return new StateQueryExecutor(this.state)
  }

  newTxSimulator (txId: string): TxSimulator {
    this.checkOpen()
    return new LedgerTxSimulator(this.state, txId)
  }

  newHistoryQueryExecutor (): HistoryQueryExecutor {
    this.checkOpen()
    const history = this.history
    return {
      async getHistoryForKey (namespace: string, key: string): Promise<ResultsIterator<KeyModification>> {
        if (history === undefined) throw new LedgerError('LEDGER_BAD_INPUT', 'history database is disabled for this ledger')
        const items = await history.getHistoryForKey(namespace, key)
        let i = 0
        return {
          next: async () => items[i++],
          close: async () => { i = items.length }
        }
      }
    }
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.blockStore.close()
    await this.lock
    this.closed = true
    await this.store.close()
  }

  /** For crash tests: the storage under this ledger. */
  get kvStore (): KvStore {
    return this.store
  }
}

/**
 * Fabric's `peer node rebuild-dbs` for one channel: drops the state and history DBs; the next
 * open rebuilds them from the block store.
 */
export async function dropDerivedDbs (storage: KvStoreFactory, channelId: string): Promise<void> {
  checkChannelId(channelId)
  const store = await storage.open(ledgerStoreName(channelId), LEDGER_TABLES)
  try {
    // Index definitions in stateInfo survive (chaincode install put them there); savepoints go.
    // historySnapshot stays too: it cannot be rebuilt from blocks the ledger never had.
    const tables = ['state', 'stateMetadata', 'history', 'historyInfo']
    await store.write([
      ...tables.map((table) => ({ type: 'delRange' as const, table, range: {} })),
      { type: 'del', table: 'stateInfo', key: 'savepoint' },
      { type: 'del', table: 'stateInfo', key: 'compactedTo' }
    ])
  } catch (err) {
    throw fromStorageError(err, 'drop derived DBs')
  } finally {
    await store.close()
  }
}
