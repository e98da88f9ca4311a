/**
 * Fabric's TxSimulator (txmgr/lockbased_txsimulator.go + rwsetutil/rwset_builder.go): reads
 * committed state (never the transaction's own writes), records KVReads with committed
 * versions and RangeQueryInfo with raw reads for phantom detection, collects writes, deletes and
 * metadata writes, and marshals them as a rwset.TxReadWriteSet.
 *
 * Output order is Fabric's: namespaces sorted, reads/writes/metadata writes sorted by key,
 * range query infos in the order their iterators were opened.
 */
import type { Height, StateMetadata, TxSimulator } from '../api.js'
import { KVRWSet, TxReadWriteSet, encode, type KVRead, type RangeQueryInfo } from '../../protos/index.js'
import { LedgerError } from '../errors.js'
import type { StateDb } from '../statedb/state-db.js'
import { checkKey, checkNamespace, compareUtf8 } from '../statedb/keys.js'
import { StateQueryExecutor, type RangeRecorder, type RwSetRecorder } from './query-executor.js'

interface NsRw {
  reads: Map<string, Height | undefined>
  writes: Map<string, Uint8Array | undefined>
  metadataWrites: Map<string, StateMetadata>
  ranges: RangeQueryInfo[]
}

class RwSetBuilder implements RwSetRecorder {
  readonly ns = new Map<string, NsRw>()

  of (ns: string): NsRw {
    let rw = this.ns.get(ns)
    if (rw === undefined) {
      rw = { reads: new Map(), writes: new Map(), metadataWrites: new Map(), ranges: [] }
      this.ns.set(ns, rw)
    }
    return rw
  }

  onRead (ns: string, key: string, version: Height | undefined): void {
    const reads = this.of(ns).reads
    // The first read is what the chaincode acted on.
    if (!reads.has(key)) reads.set(key, version)
  }

  onRangeQuery (ns: string, startKey: string, endKey: string): RangeRecorder {
    const info: RangeQueryInfo = { startKey, endKey: startKey, itrExhausted: false, rawReads: { kvReads: [] } }
    this.of(ns).ranges.push(info)
    return {
      onResult: (key, version) => {
        info.rawReads?.kvReads.push({ key, version: { ...version } })
        info.endKey = key
      },
      onExhausted: () => {
        info.itrExhausted = true
        info.endKey = endKey
      }
    }
  }

  build (): Uint8Array {
    const nsRwset = [...this.ns.keys()].sort(compareUtf8).map((namespace) => {
      const rw = this.ns.get(namespace) as NsRw
      const reads: KVRead[] = [...rw.reads.keys()].sort(compareUtf8).map((key) => {
        const v = rw.reads.get(key)
        return v === undefined ? { key } : { key, version: { blockNum: v.blockNum, txNum: v.txNum } }
      })
      const writes = [...rw.writes.keys()].sort(compareUtf8).map((key) => {
        const v = rw.writes.get(key)
        return { key, isDelete: v === undefined, value: v ?? new Uint8Array(0) }
      })
      const metadataWrites = [...rw.metadataWrites.keys()].sort(compareUtf8).map((key) => ({
        key,
        entries: [...(rw.metadataWrites.get(key) as StateMetadata)].sort(([a], [b]) => compareUtf8(a, b)).map(([name, value]) => ({ name, value }))
      }))
      const kv: KVRWSet = { reads, rangeQueriesInfo: rw.ranges, writes, metadataWrites }
      return { namespace, rwset: encode(KVRWSet, kv), collectionHashedRwset: [] }
    })
    return encode(TxReadWriteSet, { dataModel: TxReadWriteSet.DataModel.KV, nsRwset })
  }
}

export class LedgerTxSimulator extends StateQueryExecutor implements TxSimulator {
  private readonly builder: RwSetBuilder
  private writePerformed = false
  private paginatedQueryPerformed = false

  constructor (state: StateDb, readonly txId: string) {
    const builder = new RwSetBuilder()
    super(state, builder)
    this.builder = builder
  }

  /** Fabric refuses writes after a paginated query and paginated queries after writes. */
  private beforeWrite (ns: string, key: string): void {
    this.checkOpen()
    checkNamespace(ns)
    checkKey(key)
    if (key === '') throw new LedgerError('LEDGER_BAD_INPUT', 'key must not be empty')
    if (this.paginatedQueryPerformed) throw new LedgerError('LEDGER_TX_SIMULATOR', 'txSimulator does not allow a write after a paginated query has been performed')
    this.writePerformed = true
  }

  private beforePaginatedQuery (): void {
    if (this.writePerformed) throw new LedgerError('LEDGER_TX_SIMULATOR', 'txSimulator does not allow paginated queries when writes are performed')
    this.paginatedQueryPerformed = true
  }

  override async getStateRangeScanIteratorWithPagination (namespace: string, startKey: string, endKey: string, pageSize: number): ReturnType<StateQueryExecutor['getStateRangeScanIteratorWithPagination']> {
    this.beforePaginatedQuery()
    return await super.getStateRangeScanIteratorWithPagination(namespace, startKey, endKey, pageSize)
  }

  override async executeQueryWithPagination (namespace: string, query: string, bookmark: string, pageSize: number): ReturnType<StateQueryExecutor['executeQueryWithPagination']> {
    this.beforePaginatedQuery()
    return await super.executeQueryWithPagination(namespace, query, bookmark, pageSize)
  }

  setState (namespace: string, key: string, value: Uint8Array): void {
    this.beforeWrite(namespace, key)
    if (!(value instanceof Uint8Array)) throw new LedgerError('LEDGER_BAD_INPUT', 'value must be a Uint8Array')
    this.builder.of(namespace).writes.set(key, value.slice())
  }

  deleteState (namespace: string, key: string): void {
    this.beforeWrite(namespace, key)
    this.builder.of(namespace).writes.set(key, undefined)
  }

  setStateMetadata (namespace: string, key: string, metadata: StateMetadata): void {
    this.beforeWrite(namespace, key)
    if (!(metadata instanceof Map)) throw new LedgerError('LEDGER_BAD_INPUT', 'metadata must be a Map')
    this.builder.of(namespace).metadataWrites.set(key, new Map([...metadata].map(([k, v]) => [k, v.slice()])))
  }

  deleteStateMetadata (namespace: string, key: string): void {
    this.beforeWrite(namespace, key)
    this.builder.of(namespace).metadataWrites.set(key, new Map())
  }

  async getTxSimulationResults (): Promise<Uint8Array> {
    return this.builder.build()
  }
}
