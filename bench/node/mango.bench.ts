/**
 * The Mango engine alone, in Node, without storage: how fast it matches documents, builds index
 * entry keys, and answers a query over 100,000 in-memory JSON documents by full scan versus
 * through an index (a sorted array of entry keys searched like IndexedDB searches a range).
 * Storage costs (IndexedDB in Chromium) are the ledger's figures (`ledger_mango_*`); these
 * isolate the engine's share. Query: Fabric's marbles shape, `docType == 'marble' && owner == X`
 * (~100 of 100,000 match), like the indexed-query goal.
 */
import { measure, round } from '../harness.js'
import type { BenchSuite } from '../harness.js'
import {
  executeQuerySync, fullScanPlan, indexEntryKey, matches, parseIndexDefinition, parseQuery, planQuery
} from '../../src/ledger/statedb/mango/index.js'
import type { Candidate, IndexDefinition, JsonValue, KeyRange, QueryPlan } from '../../src/ledger/statedb/mango/index.js'

const DOCS = 100_000
const OWNERS = 200

function makeDocs (): Map<string, JsonValue> {
  const docs = new Map<string, JsonValue>()
  for (let i = 0; i < DOCS; i++) {
    docs.set(`marble${String(i).padStart(6, '0')}`, {
      docType: i % 5 === 0 ? 'owner' : 'marble',
      owner: `owner${i % OWNERS}`,
      color: ['blue', 'red', 'green'][i % 3] as string,
      size: i % 100,
      tags: ['a', `t${i % 7}`]
    })
  }
  return docs
}

/** Lower-bound binary search over sorted entry keys (what an IndexedDB index range does). */
function firstAtLeast (entries: string[], key: string): number {
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((entries[mid] as string) < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

function * readRanges (entries: string[], keyOf: Map<string, string>, docs: Map<string, JsonValue>, ranges: readonly KeyRange[]): Generator<Candidate> {
  for (const r of ranges) {
    for (let i = firstAtLeast(entries, r.lower); i < entries.length; i++) {
      const e = entries[i] as string
      if (r.lowerOpen && e === r.lower) continue
      if (r.upperOpen ? e >= r.upper : e > r.upper) break
      const key = keyOf.get(e) as string
      yield { key, doc: docs.get(key) }
    }
  }
}

export const suite: BenchSuite = {
  names: ['mango_match_docs_per_s', 'mango_index_entry_keys_per_s', 'mango_scan_100k_ms', 'mango_indexed_100k_ms', 'mango_indexed_vs_scan'],
  async run (report) {
    const docs = makeDocs()
    const all = [...docs.entries()].map(([key, doc]) => ({ key, doc }))
    const index: IndexDefinition = parseIndexDefinition('{"index":{"fields":["docType","owner"]},"ddoc":"indexOwnerDoc","name":"indexOwner","type":"json"}')
    const keyOf = new Map<string, string>()
    for (const { key, doc } of all) {
      const entry = indexEntryKey(index, doc, key)
      if (entry !== undefined) keyOf.set(entry, key)
    }
    const entries = [...keyOf.keys()].sort()
    const query = parseQuery('{"selector":{"docType":"marble","owner":"owner42","size":{"$gte":10}}}')
    const plan: QueryPlan = planQuery(query, [index])
    if (plan.kind !== 'index') throw new Error('mango bench: expected an index plan')

    // Same answer both ways before timing anything.
    const scanned = executeQuerySync(query, fullScanPlan(query), all).results.map(r => r.key)
    const indexed = executeQuerySync(query, plan, readRanges(entries, keyOf, docs, plan.ranges)).results.map(r => r.key)
    if (scanned.length === 0 || scanned.join() !== indexed.join()) throw new Error('mango bench: index and scan disagree')

    const slice = all.slice(0, 10_000)
    const matchRate = await measure(() => { for (const c of slice) matches(query.selector, c.doc, { id: c.key }) })
    report({ name: 'mango_match_docs_per_s', value: round(matchRate * slice.length), unit: 'docs/s' })
    const keyRate = await measure(() => { for (const c of slice) indexEntryKey(index, c.doc, c.key) })
    report({ name: 'mango_index_entry_keys_per_s', value: round(keyRate * slice.length), unit: 'keys/s' })

    const scanRate = await measure(() => executeQuerySync(query, fullScanPlan(query), all), { samples: 3, minMs: 1000 })
    const indexRate = await measure(() => executeQuerySync(query, planQuery(query, [index]), readRanges(entries, keyOf, docs, plan.ranges)))
    report({ name: 'mango_scan_100k_ms', value: round(1000 / scanRate), unit: 'ms' })
    report({ name: 'mango_indexed_100k_ms', value: round(1000 / indexRate, 3), unit: 'ms' })
    report({ name: 'mango_indexed_vs_scan', value: round(indexRate / scanRate, 3), unit: 'x' })
  }
}
