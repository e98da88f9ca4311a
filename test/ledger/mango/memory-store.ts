/**
 * A tiny in-memory stand-in for the ledger side of the contract in mango/index.ts: documents by
 * key, index entries sorted by entry key, candidates read exactly as a plan says. Used to test
 * the planner and executor end to end without IndexedDB.
 */
import {
  compareStrings, executeQuery, fullScanPlan, indexEntryKey, parseQuery, planQuery
} from '../../../src/ledger/statedb/mango/index.js'
import type {
  Candidate, ExecuteOptions, IndexDefinition, JsonValue, KeyRange, QueryPage, QueryPlan
} from '../../../src/ledger/statedb/mango/index.js'

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export class MemoryStore {
  readonly docs = new Map<string, JsonValue>()
  private readonly entries = new Map<IndexDefinition, Array<{ entry: string, key: string }>>()
  /** How many candidates the last query pulled (to check early stop). */
  pulled = 0

  constructor (readonly indexes: readonly IndexDefinition[] = []) {
    for (const index of indexes) this.entries.set(index, [])
  }

  put (key: string, doc: JsonValue): void {
    this.docs.set(key, doc)
    for (const [index, list] of this.entries) {
      const at = list.findIndex(e => e.key === key)
      if (at >= 0) list.splice(at, 1)
      const entry = indexEntryKey(index, doc, key)
      if (entry !== undefined) list.push({ entry, key })
      list.sort((a, b) => byCodeUnit(a.entry, b.entry))
    }
  }

  /** Keys in ledger order (Fabric: UTF-8 byte order, which is code point order). */
  sortedKeys (): string[] {
    return [...this.docs.keys()].sort(compareStrings)
  }

  async * candidates (plan: QueryPlan): AsyncGenerator<Candidate> {
    if (plan.kind === 'scan') {
      for (const key of this.sortedKeys()) {
        if (plan.startAfterKey !== undefined && compareStrings(key, plan.startAfterKey) <= 0) continue
        const r = plan.keyRange
        if (r?.start !== undefined && compareStrings(key, r.start) < (r.startOpen ? 1 : 0)) continue
        if (r?.end !== undefined && compareStrings(key, r.end) > (r.endOpen ? -1 : 0)) continue
        this.pulled++
        yield { key, doc: this.docs.get(key) }
      }
      return
    }
    const list = this.entries.get(plan.index) ?? []
    const ranges = plan.reverse ? [...plan.ranges].reverse() : plan.ranges
    for (const range of ranges) {
      const inRange = list.filter(e => within(e.entry, range))
      if (plan.reverse) inRange.reverse()
      for (const e of inRange) {
        this.pulled++
        yield { key: e.key, doc: this.docs.get(e.key) }
      }
    }
  }

  async query (queryJson: string, options: ExecuteOptions = {}, mode: 'plan' | 'scan' = 'plan'): Promise<{ page: QueryPage, plan: QueryPlan }> {
    const query = parseQuery(queryJson)
    const plan = mode === 'plan' ? planQuery(query, this.indexes, options.bookmark === undefined ? {} : { bookmark: options.bookmark }) : fullScanPlan(query)
    this.pulled = 0
    const page = await executeQuery(query, plan, this.candidates(plan), options)
    return { page, plan }
  }
}

function within (entry: string, r: KeyRange): boolean {
  const aboveLower = r.lowerOpen ? entry > r.lower : entry >= r.lower
  const belowUpper = r.upperOpen ? entry < r.upper : entry <= r.upper
  return aboveLower && belowUpper
}
