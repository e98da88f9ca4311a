/**
 * Rich (Mango) queries over one namespace: the pure engine in ./mango parses and plans; this
 * module feeds it candidates. With a usable index, compacted records come from the multiEntry
 * IndexedDB index `mango` over the plan's key ranges (no scan); memtable documents, not yet in
 * the stored index, are checked in memory and shadow their stored versions.
 */
import type { KvStore } from '../../storage/kv.js'
import { fromStorageError } from '../errors.js'
import { mangoEntry, namespaceEnd, stateRecordKey } from './keys.js'
import type { Memtable } from './memtable.js'
import { indexId, parseJsonDocument, type MangoIndexes } from './mango-indexes.js'
import { executeQuery, fullScanPlan, indexEntryKey, matches, parseQuery, planQuery, type Candidate, type QueryPage } from './mango/index.js'
import type { StateRecord } from './records.js'

export interface RichQueryResult {
  page: QueryPage
  /** Stored bytes per result key (returned as-is when the query has no `fields`). */
  raw: Map<string, Uint8Array>
  projected: boolean
}

export async function runRichQuery (
  source: { store: KvStore, memtable: Memtable, indexes: MangoIndexes },
  ns: string,
  queryJson: string,
  options: { bookmark?: string, pageSize?: number }
): Promise<RichQueryResult> {
  const query = parseQuery(queryJson)
  const plan = planQuery(query, source.indexes.of(ns))
  const mem = source.memtable.range(ns, '', '')
  const shadowed = new Set(mem.map((e) => e.key))
  const raw = new Map<string, Uint8Array>()
  const candidates: Candidate[] = []
  const offer = (key: string, value: Uint8Array): void => {
    const doc = parseJsonDocument(value)
    if (doc === undefined) return
    raw.set(key, value)
    candidates.push({ key, doc })
  }
  try {
    if (plan.kind === 'index') {
      const prefix = mangoEntry(ns, indexId(plan.index), '')
      for (const r of plan.ranges) {
        const rows = await source.store.getValues<StateRecord>('state', {
          index: 'mango',
          [r.lowerOpen ? 'gt' : 'gte']: prefix + r.lower,
          [r.upperOpen ? 'lt' : 'lte']: prefix + r.upper
        })
        for (const value of rows) if (!shadowed.has(value.k)) offer(value.k, value.v)
      }
      for (const e of mem) {
        if (e.value === undefined) continue
        const doc = parseJsonDocument(e.value)
        // In the index's ranges and the residual <=> in the index and matching the whole selector.
        if (doc !== undefined && indexEntryKey(plan.index, doc, e.key) !== undefined && matches(query.selector, doc, { id: e.key })) offer(e.key, e.value)
      }
    } else {
      const rows = await source.store.getValues<StateRecord>('state', { gte: stateRecordKey(ns, ''), lt: namespaceEnd(ns) })
      for (const value of rows) if (!shadowed.has(value.k)) offer(value.k, value.v)
      for (const e of mem) if (e.value !== undefined) offer(e.key, e.value)
    }
  } catch (err) {
    throw fromStorageError(err, 'rich query')
  }
  // Candidates come from two sources, so the executor orders them itself.
  const unordered = plan.kind === 'index' ? { ...plan, ordered: false } : fullScanPlan(query)
  const page = await executeQuery(query, unordered, candidates, options)
  return { page, raw, projected: query.fields.length > 0 }
}
