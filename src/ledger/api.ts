/**
 * The contract between the ledger and the layers that run chaincode, after Fabric's
 * `core/ledger/ledger_interface.go` (QueryExecutor, TxSimulator, HistoryQueryExecutor).
 * The chaincode stub (src/chaincode) talks only to these interfaces; the ledger implements them.
 *
 * Block and transaction numbers are JS numbers (safe to 2^53), converted at the protobuf edge.
 * Keys are strings (composite keys use Fabric's U+0000 separators); values are bytes.
 */

/** Fabric's version.Height: the (block, tx) position of the write that produced a value. */
export interface Height {
  blockNum: number
  txNum: number
}

export interface QueryResultKV {
  namespace: string
  key: string
  value: Uint8Array
}

export interface KeyModification {
  txId: string
  value: Uint8Array
  /** Timestamp of the transaction's channel header. */
  timestamp: { seconds: number, nanos: number }
  isDelete: boolean
}

/** Fabric's commonledger.ResultsIterator: `next()` returns undefined when exhausted. */
export interface ResultsIterator<T> {
  next(): Promise<T | undefined>
  close(): Promise<void>
}

/** Fabric's QueryResultsIterator for paginated queries. */
export interface PaginatedResultsIterator<T> extends ResultsIterator<T> {
  /** The bookmark to pass for the next page ('' when there are no more results); closes the iterator. */
  getBookmarkAndClose(): Promise<string>
}

/** Metadata entries of a key, e.g. `VALIDATION_PARAMETER` for key-level endorsement. */
export type StateMetadata = Map<string, Uint8Array>

export interface QueryExecutor {
  getState(namespace: string, key: string): Promise<Uint8Array | undefined>
  getStateMetadata(namespace: string, key: string): Promise<StateMetadata | undefined>
  getStateMultipleKeys(namespace: string, keys: readonly string[]): Promise<Array<Uint8Array | undefined>>
  /** startKey inclusive, endKey exclusive, '' = unbounded on that side (Fabric's ordering: UTF-8 byte order). */
  getStateRangeScanIterator(namespace: string, startKey: string, endKey: string): Promise<ResultsIterator<QueryResultKV>>
  getStateRangeScanIteratorWithPagination(namespace: string, startKey: string, endKey: string, pageSize: number): Promise<PaginatedResultsIterator<QueryResultKV>>
  /** CouchDB Mango query over JSON values (rich query). */
  executeQuery(namespace: string, query: string): Promise<ResultsIterator<QueryResultKV>>
  executeQueryWithPagination(namespace: string, query: string, bookmark: string, pageSize: number): Promise<PaginatedResultsIterator<QueryResultKV>>
  done(): void
}

export interface HistoryQueryExecutor {
  /** Every committed modification of the key, newest first. */
  getHistoryForKey(namespace: string, key: string): Promise<ResultsIterator<KeyModification>>
}

/**
 * Simulates one transaction against a snapshot of committed state and records its
 * read/write set. Reads never see the transaction's own writes (Fabric semantics).
 */
export interface TxSimulator extends QueryExecutor {
  setState(namespace: string, key: string, value: Uint8Array): void
  deleteState(namespace: string, key: string): void
  setStateMetadata(namespace: string, key: string, metadata: StateMetadata): void
  deleteStateMetadata(namespace: string, key: string): void
  /** The marshalled rwset.TxReadWriteSet (Fabric's GetTxSimulationResults().GetPubSimulationBytes()). */
  getTxSimulationResults(): Promise<Uint8Array>
}
