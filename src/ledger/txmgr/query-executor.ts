/**
 * Fabric's QueryExecutor (core/ledger/kvledger/txmgmt/txmgr/query_executor.go) over the state
 * DB: committed state only. A `RwSetRecorder` (the TxSimulator's builder) sees every read, so
 * simulations record KVReads and RangeQueryInfo as Fabric's rwset builder does.
 *
 * Rich (Mango) queries are never recorded, as in Fabric: their results are not re-checked at
 * validation, so they give no phantom protection. Range queries are recorded and re-checked.
 */
import type {
  Height, PaginatedResultsIterator, QueryExecutor, QueryResultKV, ResultsIterator, StateMetadata
} from '../api.js'
import { LedgerError } from '../errors.js'
import type { StateDb, VersionedKV } from '../statedb/state-db.js'
import { EMPTY_KEY_SUBSTITUTE, checkKey, checkNamespace } from '../statedb/keys.js'

const encoder = new TextEncoder()

export interface RangeRecorder {
  /** A result the caller consumed (Fabric: rangeQueryResultsHelper.AddResult; EndKey moves to it). */
  onResult(key: string, version: Height): void
  /** The iterator returned its last result (Fabric: ItrExhausted, EndKey = the query's end key). */
  onExhausted(): void
}

/** Receives the reads a simulation must record. */
export interface RwSetRecorder {
  onRead(ns: string, key: string, version: Height | undefined): void
  onRangeQuery(ns: string, startKey: string, endKey: string): RangeRecorder
}

class RangeIterator implements ResultsIterator<QueryResultKV> {
  private closed = false

  constructor (
    protected readonly ns: string,
    protected readonly source: AsyncGenerator<VersionedKV>,
    private readonly recorder: RangeRecorder | undefined,
    private readonly limit: number
  ) {}

  protected returned = 0

  async next (): Promise<QueryResultKV | undefined> {
    if (this.closed) return undefined
    if (this.limit > 0 && this.returned >= this.limit) return undefined
    const r = await this.source.next()
    if (r.done === true) {
      this.recorder?.onExhausted()
      return undefined
    }
    this.returned++
    this.recorder?.onResult(r.value.key, r.value.version)
    return { namespace: this.ns, key: r.value.key, value: r.value.value }
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.source.return(undefined)
  }
}

class PaginatedRangeIterator extends RangeIterator implements PaginatedResultsIterator<QueryResultKV> {
  /** Fabric (stateleveldb kvScanner.GetBookmarkAndClose): the key after the last returned one, '' when none. */
  async getBookmarkAndClose (): Promise<string> {
    const r = await this.source.next()
    await this.close()
    return r.done === true ? '' : r.value.key
  }
}

class ListIterator implements PaginatedResultsIterator<QueryResultKV> {
  private i = 0
  constructor (private readonly items: QueryResultKV[], private readonly bookmark: string) {}
  async next (): Promise<QueryResultKV | undefined> {
    return this.items[this.i++]
  }

  async close (): Promise<void> {
    this.i = this.items.length
  }

  async getBookmarkAndClose (): Promise<string> {
    await this.close()
    return this.bookmark
  }
}

function checkPageSize (pageSize: number): void {
  if (!Number.isSafeInteger(pageSize) || pageSize < 0) throw new LedgerError('LEDGER_BAD_INPUT', `pageSize must be a non-negative integer, got ${String(pageSize)}`)
}

export class StateQueryExecutor implements QueryExecutor {
  protected isDone = false

  constructor (protected readonly state: StateDb, protected readonly recorder?: RwSetRecorder) {}

  protected checkOpen (): void {
    if (this.isDone) throw new LedgerError('LEDGER_TX_SIMULATOR', 'query executor used after done()')
  }

  async getState (namespace: string, key: string): Promise<Uint8Array | undefined> {
    this.checkOpen()
    const v = await this.state.get(namespace, key)
    this.recorder?.onRead(namespace, key, v?.version)
    return v?.value
  }

  async getStateMetadata (namespace: string, key: string): Promise<StateMetadata | undefined> {
    this.checkOpen()
    const v = await this.state.get(namespace, key)
    this.recorder?.onRead(namespace, key, v?.version)
    return v === undefined ? undefined : this.state.getMetadata(namespace, key)
  }

  async getStateMultipleKeys (namespace: string, keys: readonly string[]): Promise<Array<Uint8Array | undefined>> {
    this.checkOpen()
    const vs = await this.state.getMany(namespace, keys)
    keys.forEach((k, i) => this.recorder?.onRead(namespace, k, vs[i]?.version))
    return vs.map((v) => v?.value)
  }

  /**
   * An empty start key becomes U+0001, as Fabric's shim does, so simple-key range queries never
   * return composite keys (which start with U+0000); partial composite key queries pass a start
   * key beginning with U+0000 and are unaffected.
   */
  private open (namespace: string, startKey: string, endKey: string): { start: string, source: AsyncGenerator<VersionedKV> } {
    this.checkOpen()
    checkNamespace(namespace)
    checkKey(startKey, 'startKey')
    checkKey(endKey, 'endKey')
    const start = startKey === '' ? EMPTY_KEY_SUBSTITUTE : startKey
    return { start, source: this.state.range(namespace, start, endKey) }
  }

  async getStateRangeScanIterator (namespace: string, startKey: string, endKey: string): Promise<ResultsIterator<QueryResultKV>> {
    const { start, source } = this.open(namespace, startKey, endKey)
    return new RangeIterator(namespace, source, this.recorder?.onRangeQuery(namespace, start, endKey), 0)
  }

  async getStateRangeScanIteratorWithPagination (namespace: string, startKey: string, endKey: string, pageSize: number): Promise<PaginatedResultsIterator<QueryResultKV>> {
    checkPageSize(pageSize)
    const { start, source } = this.open(namespace, startKey, endKey)
    return new PaginatedRangeIterator(namespace, source, this.recorder?.onRangeQuery(namespace, start, endKey), pageSize)
  }

  async executeQuery (namespace: string, query: string): Promise<ResultsIterator<QueryResultKV>> {
    return await this.richQuery(namespace, query, '', 0)
  }

  async executeQueryWithPagination (namespace: string, query: string, bookmark: string, pageSize: number): Promise<PaginatedResultsIterator<QueryResultKV>> {
    checkPageSize(pageSize)
    return await this.richQuery(namespace, query, bookmark, pageSize)
  }

  private async richQuery (namespace: string, query: string, bookmark: string, pageSize: number): Promise<PaginatedResultsIterator<QueryResultKV>> {
    this.checkOpen()
    const { page, raw, projected } = await this.state.query(namespace, query, bookmark === '' ? { pageSize } : { bookmark, pageSize })
    const items = page.results.map((r) => ({
      namespace,
      key: r.key,
      // Without `fields` the stored bytes go back untouched; a projection is re-serialised.
      value: (projected ? undefined : raw.get(r.key)) ?? encoder.encode(JSON.stringify(r.value))
    }))
    return new ListIterator(items, page.bookmark)
  }

  done (): void {
    this.isDone = true
  }
}
