/**
 * How the block store's TxIdFilter lives in storage: in the existing `chain` table (a new object
 * store would need an IndexedDB version upgrade), as one record per segment under
 * `['txIdFilter', segmentNo]` and a `['txIdFilter', 'meta']` record naming the last block
 * covered (`upTo`). They are written as extra ops of a block's commit — the same atomic write —
 * so the persisted filter is always exactly the filter of blocks ≤ upTo; on open, the blocks
 * after upTo are added from their blockIndex records.
 *
 * @module
 */
import type { KvKey, KvStore, WriteOp } from '../../storage/kv.js'
import { FILTER_ID, TxIdFilter } from './txid-filter.js'

const TABLE = 'chain'
const META_KEY: KvKey = ['txIdFilter', 'meta']
const segmentKey = (no: number): KvKey => ['txIdFilter', no]

interface TxIdFilterMeta {
  /** FILTER_ID of the design that wrote the segments. */
  id: string
  /** Last block number whose txIds the persisted segments hold (-1: none). */
  upTo: number
  segments: number
}

/** blockIndex records read per round trip while catching the filter up (bounds memory). */
const PAGE = 512

/**
 * Ops that persist `filter` as covering blocks ≤ `upTo`: segments from `from` on (earlier ones
 * are full and already stored, written once) and the meta record.
 */
export function txIdFilterOps (filter: TxIdFilter, from: number, upTo: number): WriteOp[] {
  const ops: WriteOp[] = filter.records(from).map((value, i) => ({ type: 'put', table: TABLE, key: segmentKey(from + i), value }))
  ops.push({ type: 'put', table: TABLE, key: META_KEY, value: { id: FILTER_ID, upTo, segments: filter.segmentCount } satisfies TxIdFilterMeta })
  return ops
}

/** The persisted filter, or undefined when there is none or it cannot be used (then rebuild). */
async function loadPersisted (store: KvStore, height: number): Promise<{ filter: TxIdFilter, upTo: number } | undefined> {
  try {
    const meta = await store.get<Partial<TxIdFilterMeta>>(TABLE, META_KEY)
    if (typeof meta !== 'object' || meta === null || meta.id !== FILTER_ID) return undefined
    const { upTo, segments } = meta
    if (!Number.isSafeInteger(upTo) || (upTo as number) < -1 || (upTo as number) >= height) return undefined
    if (!Number.isSafeInteger(segments) || (segments as number) < 1) return undefined
    const records = await store.getMany<unknown>(TABLE, Array.from({ length: segments as number }, (_, i) => segmentKey(i)))
    const filter = TxIdFilter.fromRecords(records)
    return filter === undefined ? undefined : { filter, upTo: upTo as number }
  } catch {
    // An unreadable record is treated as absent: the filter is derived data, rebuilt from the
    // index below (whose reads surface a real storage failure).
    return undefined
  }
}

export interface LoadedTxIdFilter {
  filter: TxIdFilter
  /** Last block covered by the persisted records (-1: nothing persisted yet). */
  persistedUpTo: number
  /** Segments already persisted in their final (full) form: never written again. */
  persistedFull: number
}

/**
 * Loads the persisted filter and adds the txIds of every blockIndex record after its `upTo`.
 * Without a usable persisted filter (a ledger from before the filter, or a corrupt record) it
 * is rebuilt from ALL blockIndex records, a snapshot's pre-tail txId records included: one paged
 * scan of the index, i.e. reading every block's txId list once (for 1M transactions ~64 MB of
 * strings through IndexedDB, seconds in a browser) — once, since the next commit persists it.
 */
export async function loadTxIdFilter (store: KvStore, height: number): Promise<LoadedTxIdFilter> {
  const persisted = await loadPersisted(store, height)
  const filter = persisted?.filter ?? TxIdFilter.empty()
  const persistedUpTo = persisted?.upTo ?? -1
  const persistedFull = persisted === undefined ? 0 : filter.fullSegments
  // Blocks are added in number order, each block's distinct txIds in index order: exactly the
  // order of the commits, so the result is bit-identical to the filter the commits built. A
  // rebuild starts below every key: a snapshot bootstrap's pseudo-records of pre-snapshot txIds
  // sit under negative keys (block-store.ts) and come first, as in prepareBootstrap. A persisted
  // filter already holds them (it was written at bootstrap, upTo ≥ 0).
  let after: number | undefined = persisted === undefined ? undefined : persistedUpTo
  for (;;) {
    const page = await store.getRange<{ ids: string[] }>('blockIndex', { ...(after === undefined ? {} : { gt: after }), limit: PAGE })
    for (const { value } of page) filter.add(value.ids)
    const last = page[page.length - 1]
    if (last === undefined || page.length < PAGE) break
    after = last.key as number
  }
  return { filter, persistedUpTo, persistedFull }
}
