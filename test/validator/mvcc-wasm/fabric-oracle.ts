/**
 * Test oracle: Fabric's state validator transcribed over strings (validator.go validateTx /
 * validateKVRead / validateRangeQuery, combined_iterator.go, tx_ops.go), with committed state
 * in a Map. No interning, no ids: it checks the builder (intern.ts) as much as the solvers.
 */
import type { Height } from '../../../src/ledger/api.js'
import { compareUtf8 } from '../../../src/ledger/statedb/keys.js'
import type { CommittedKeyVersion, CommittedVersionReader, MvccTxInput, NsKey } from '../../../src/validator/mvcc-wasm/intern.js'
import { merkleRangeUnchanged } from '../../../src/validator/mvcc-wasm/merkle.js'
import type { RangeQueryInfo, Version } from '../../../src/protos/index.js'

export type CommittedMap = Map<string, Map<string, Height>>

interface Entry { version: Height, deleted: boolean }

function same (a: Version | Height | undefined, b: Version | Height | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return a.blockNum === b.blockNum && a.txNum === b.txNum
}

function inScan (key: string, start: string, end: string): boolean {
  return compareUtf8(key, start) >= 0 && (end === '' || compareUtf8(key, end) < 0)
}

/** An in-memory state DB implementing the builder's reader; counts calls. */
export class MemoryCommitted implements CommittedVersionReader {
  readonly state: CommittedMap
  fetchCalls = 0
  scanCalls = 0
  constructor (state: CommittedMap) {
    this.state = state
  }

  async fetchCommittedVersions (keys: readonly NsKey[]): Promise<Array<Height | undefined>> {
    this.fetchCalls++
    return keys.map(({ namespace, key }) => this.state.get(namespace)?.get(key))
  }

  async scanCommittedRange (namespace: string, startKey: string, endKey: string): Promise<CommittedKeyVersion[]> {
    this.scanCalls++
    return [...(this.state.get(namespace) ?? new Map<string, Height>())]
      .filter(([k]) => inScan(k, startKey, endKey))
      .sort(([a], [b]) => compareUtf8(a, b))
      .map(([key, version]) => ({ key, version }))
  }
}

export function fabricOracle (blockNum: number, txs: readonly MvccTxInput[], committed: CommittedMap): number[] {
  const updates = new Map<string, Map<string, Entry>>()
  const upd = (ns: string): Map<string, Entry> => {
    let m = updates.get(ns)
    if (m === undefined) updates.set(ns, m = new Map())
    return m
  }
  const rangeResults = (ns: string, rq: RangeQueryInfo): Array<{ key: string, version: Height }> => {
    const db = [...(committed.get(ns) ?? new Map<string, Height>())].filter(([k]) => inScan(k, rq.startKey, rq.endKey))
    const merged = new Map<string, Entry>(db.map(([k, version]) => [k, { version, deleted: false }]))
    for (const [k, e] of upd(ns)) if (inScan(k, rq.startKey, rq.endKey)) merged.set(k, e)
    const out = [...merged].filter(([, e]) => !e.deleted).sort(([a], [b]) => compareUtf8(a, b)).map(([key, e]) => ({ key, version: e.version }))
    if (!rq.itrExhausted) { // serveEndKeyIfNeeded
      const e = upd(ns).get(rq.endKey) ?? (committed.get(ns)?.has(rq.endKey) === true ? { version: committed.get(ns)?.get(rq.endKey) as Height, deleted: false } : undefined)
      if (e !== undefined && !e.deleted) out.push({ key: rq.endKey, version: e.version })
    }
    return out
  }
  return txs.map((tx, t) => {
    if (tx.preCode !== 0) return tx.preCode
    let code = 0
    outer: for (const { namespace, kv } of tx.rwsets) {
      for (const r of kv.reads) {
        if (upd(namespace).has(r.key) || !same(committed.get(namespace)?.get(r.key), r.version)) { code = 11; break outer }
      }
      for (const rq of kv.rangeQueriesInfo) {
        const now = rangeResults(namespace, rq)
        let ok: boolean
        if (rq.rawReads === undefined && rq.readsMerkleHashes !== undefined) {
          ok = merkleRangeUnchanged(now, rq.readsMerkleHashes)
        } else {
          const want = rq.rawReads?.kvReads ?? []
          ok = want.length === now.length && want.every((w, i) => w.key === now[i]?.key && same(w.version, now[i]?.version))
        }
        if (!ok) { code = 12; break outer }
      }
    }
    if (code !== 0) return code
    // tx_ops.go: flags summed per key, then classified.
    const ops = new Map<string, { ns: string, key: string, flag: number }>()
    const add = (ns: string, key: string, flag: number): void => {
      const id = `${ns}\u0000${key}`
      const op = ops.get(id) ?? { ns, key, flag: 0 }
      op.flag += flag
      ops.set(id, op)
    }
    for (const { namespace, kv } of tx.rwsets) {
      for (const w of kv.writes) add(namespace, w.key, w.isDelete ? 8 : 1)
      for (const w of kv.metadataWrites) add(namespace, w.key, w.entries.length === 0 ? 4 : 2)
    }
    const height = { blockNum, txNum: t }
    for (const { ns, key, flag } of ops.values()) {
      if ((flag & 8) === 8) upd(ns).set(key, { version: height, deleted: true })
      else if (((flag & 1) === 1 && (flag & 6) !== 0) || (flag | 1) === 1) upd(ns).set(key, { version: height, deleted: false })
      else {
        const prior = upd(ns).get(key)
        const exists = prior !== undefined ? !prior.deleted : committed.get(ns)?.has(key) === true
        if (exists) upd(ns).set(key, { version: height, deleted: false })
      }
    }
    return 0
  })
}
