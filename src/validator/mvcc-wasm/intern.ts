/**
 * Builds a block MVCC problem (problem.ts) from decoded rwsets: interns the block's
 * (namespace, key) pairs to ids in (namespace, UTF-8 key) order, reads committed state in one
 * range scan per distinct queried range plus ONE batched version read (of the keys a check can
 * see: written-only keys outside every scanned range are not read), and turns each range query
 * into an id interval.
 *
 * Range queries (Fabric's validateRangeQuery + combinedIterator):
 * - itr_exhausted = true: the results of [startKey, endKey) ('' = to the end of the namespace).
 * - itr_exhausted = false: endKey is the last key the chaincode saw and is included:
 *   [startKey, endKey) plus endKey itself. Fabric serves endKey after the scan even when
 *   startKey > endKey, so the interval is then just {endKey}. An empty endKey with
 *   itr_exhausted = false scans to the end of the namespace; Fabric then also looks up the
 *   key '', which never exists (the shim rejects empty keys), so it is left out.
 * Every committed key of every queried range is interned (the scan), so the id interval walks
 * exactly the keys the combined iterator would see, and every key a tx of the block writes is
 * interned, so in-block inserts land inside the interval too.
 * @module
 */
import type { Height } from '../../ledger/api.js'
import { compareUtf8 } from '../../ledger/statedb/keys.js'
import type { KVRWSet, RangeQueryInfo, Version } from '../../protos/index.js'
import { MvccError } from './errors.js'
import { MvccCode, WriteKind } from './problem.js'
import type { BlockMvccProblem, MerkleRangeVerifier, MvccCheck, MvccTx, MvccWrite } from './problem.js'
import { merkleRangeUnchanged } from './merkle.js'

export interface NsKey {
  readonly namespace: string
  readonly key: string
}

export interface CommittedKeyVersion {
  readonly key: string
  readonly version: Height
}

/** What the builder needs of the state DB at validation time; the ledger implements it. */
export interface CommittedVersionReader {
  /** One batched read: the committed version of each key, undefined when it does not exist. */
  fetchCommittedVersions(keys: readonly NsKey[]): Promise<ReadonlyArray<Height | undefined>>
  /** The committed keys of `namespace` in [startKey, endKey) ('' = unbounded end), in UTF-8 order. */
  scanCommittedRange(namespace: string, startKey: string, endKey: string): Promise<readonly CommittedKeyVersion[]>
}

/** One transaction of the block: its code so far and its decoded public rwsets in rwset order. */
export interface MvccTxInput {
  readonly preCode: number
  readonly rwsets: ReadonlyArray<{ readonly namespace: string, readonly kv: KVRWSet }>
}

/** The problem plus what the ids mean (for logs and for tests). */
export interface BuiltProblem {
  readonly problem: BlockMvccProblem
  /** keys[id] is the interned (namespace, key). */
  readonly keys: readonly NsKey[]
}

// Fabric's tx_ops.go flags, summed as Fabric sums them (keyops.flag += ...).
const UPSERT_VAL = 1
const METADATA_UPDATE = 2
const METADATA_DELETE = 4
const KEY_DELETE = 8

/** Fabric's keyOps classification of a key's summed flags (isDelete, isUpsert..., else metadata only). */
function writeKindOf (flag: number): WriteKind {
  if ((flag & KEY_DELETE) === KEY_DELETE) return WriteKind.DELETE
  if ((flag & UPSERT_VAL) === UPSERT_VAL && ((flag & METADATA_UPDATE) === METADATA_UPDATE || (flag & METADATA_DELETE) === METADATA_DELETE)) {
    return WriteKind.PUT
  }
  if ((flag | UPSERT_VAL) === UPSERT_VAL) return WriteKind.PUT
  return WriteKind.METADATA
}

function heightOf (v: Version | undefined): Height | undefined {
  return v === undefined ? undefined : { blockNum: v.blockNum, txNum: v.txNum }
}

/** The message is built only on failure: this runs for every key of the block. */
function checkString (s: unknown, at: () => string, field: string): string {
  if (typeof s !== 'string') throw new MvccError('MVCC_BAD_INPUT', `${at()}.${field}: expected a string`)
  return s
}

/** Where a range query's re-evaluation interval ends, per the rules in the module doc. */
interface RangeBounds {
  readonly start: string
  /** Exclusive end of the scan ('' = namespace end). */
  readonly scanEnd: string
  /** Key served after the scan (itr_exhausted = false), if any. */
  readonly endKey: string | undefined
  /** True when start > end: the scan is empty and only endKey may be served. */
  readonly emptyScan: boolean
}

function boundsOf (rq: RangeQueryInfo): RangeBounds {
  const start = rq.startKey
  const end = rq.endKey
  const emptyScan = end !== '' && compareUtf8(start, end) >= 0
  const endKey = !rq.itrExhausted && end !== '' ? end : undefined
  return { start, scanEnd: end, endKey, emptyScan }
}

class NamespaceKeys {
  readonly keys = new Set<string>()
  /**
   * Keys whose committed version some check can see: point reads, range results and end keys,
   * metadata-only writes (applied only when the key exists). A key that is only written (put or
   * delete) and lies in no scanned range needs none, so it is not read.
   */
  readonly needVersion = new Set<string>()
  /** Versions learnt from range scans (same snapshot as the batched read). */
  readonly scanned = new Map<string, Height>()
  readonly scans = new Map<string, RangeBounds>()
  sorted: string[] = []
  readonly ids = new Map<string, number>()
  firstId = 0
}

/**
 * Interns the block's keys and reads committed state: one scan per distinct range of the
 * transactions still valid, then one `fetchCommittedVersions` for the keys no scan covered.
 * Transactions with a non-VALID preCode are not read at all.
 */
export async function buildBlockMvccProblem (
  blockNum: number,
  txs: readonly MvccTxInput[],
  reader: CommittedVersionReader
): Promise<BuiltProblem> {
  if (!Array.isArray(txs as unknown)) throw new MvccError('MVCC_BAD_INPUT', 'txs: expected an array')
  for (let t = 0; t < txs.length; t++) {
    const tx = txs[t]
    if (typeof tx !== 'object' || tx === null || !Number.isInteger(tx.preCode) || !Array.isArray(tx.rwsets as unknown)) {
      throw new MvccError('MVCC_BAD_INPUT', `txs[${t}]: expected { preCode, rwsets }`)
    }
  }
  const spaces = new Map<string, NamespaceKeys>()
  const space = (ns: string): NamespaceKeys => {
    let s = spaces.get(ns)
    if (s === undefined) {
      s = new NamespaceKeys()
      spaces.set(ns, s)
    }
    return s
  }
  for (let t = 0; t < txs.length; t++) {
    const tx = txs[t] as MvccTxInput
    if (tx.preCode !== MvccCode.VALID) continue
    for (let n = 0; n < tx.rwsets.length; n++) {
      const { namespace, kv } = tx.rwsets[n] as MvccTxInput['rwsets'][number]
      const at = (): string => `txs[${t}].rwsets[${n}]`
      if (typeof kv !== 'object' || kv === null || !Array.isArray(kv.reads as unknown) || !Array.isArray(kv.writes as unknown) ||
        !Array.isArray(kv.metadataWrites as unknown) || !Array.isArray(kv.rangeQueriesInfo as unknown)) {
        throw new MvccError('MVCC_BAD_INPUT', `${at()}.kv: expected a decoded KVRWSet`)
      }
      const s = space(checkString(namespace, at, 'namespace'))
      for (const r of kv.reads) {
        s.keys.add(checkString(r.key, at, 'reads[].key'))
        s.needVersion.add(r.key)
      }
      for (const w of kv.writes) s.keys.add(checkString(w.key, at, 'writes[].key'))
      for (const w of kv.metadataWrites) {
        s.keys.add(checkString(w.key, at, 'metadataWrites[].key'))
        s.needVersion.add(w.key)
      }
      for (const rq of kv.rangeQueriesInfo) {
        checkString(rq.startKey, at, 'rangeQueriesInfo[].startKey')
        checkString(rq.endKey, at, 'rangeQueriesInfo[].endKey')
        for (const r of rq.rawReads?.kvReads ?? []) {
          s.keys.add(checkString(r.key, at, 'rangeQueriesInfo[].rawReads.key'))
          s.needVersion.add(r.key)
        }
        const b = boundsOf(rq)
        if (b.endKey !== undefined) {
          s.keys.add(b.endKey)
          s.needVersion.add(b.endKey)
        }
        // Length-prefixed: keys may contain U+0000 (composite keys), so no separator is safe.
        if (!b.emptyScan) s.scans.set(`${b.start.length}:${b.start}${b.scanEnd}`, b)
      }
    }
  }

  // Range scans, all at once.
  const scanJobs: Array<Promise<void>> = []
  for (const [ns, s] of spaces) {
    for (const b of s.scans.values()) {
      scanJobs.push(reader.scanCommittedRange(ns, b.start, b.scanEnd).then((found) => {
        for (const { key, version } of found) {
          s.keys.add(key)
          s.scanned.set(key, version)
        }
      }))
    }
  }
  await Promise.all(scanJobs)

  // Ids in (namespace, key) UTF-8 order.
  const namespaces = sortUtf8([...spaces.keys()])
  const keys: NsKey[] = []
  for (const ns of namespaces) {
    const s = spaces.get(ns) as NamespaceKeys
    s.sorted = sortUtf8([...s.keys])
    s.firstId = keys.length
    s.sorted.forEach((key, i) => {
      s.ids.set(key, s.firstId + i)
      keys.push({ namespace: ns, key })
    })
  }
  const committed: Array<Height | undefined> = new Array<Height | undefined>(keys.length)
  const unknown: number[] = []
  keys.forEach(({ namespace, key }, id) => {
    const s = spaces.get(namespace) as NamespaceKeys
    const v = s.scanned.get(key)
    if (v !== undefined) committed[id] = v
    else if (s.needVersion.has(key)) unknown.push(id)
    // else: only written, in no scanned range — no check reads its committed version
    // (a scan already found every committed key inside each scanned range).
  })
  if (unknown.length > 0) {
    const versions = await reader.fetchCommittedVersions(unknown.map((id) => keys[id] as NsKey))
    if (versions.length !== unknown.length) {
      throw new MvccError('MVCC_BAD_INPUT', `fetchCommittedVersions returned ${versions.length} versions for ${unknown.length} keys`)
    }
    unknown.forEach((id, i) => { committed[id] = versions[i] })
  }

  // Interned keys by map; only range bounds that are not keys need the binary search.
  const idOf = (s: NamespaceKeys, key: string): number => s.ids.get(key) ?? s.firstId + lowerBound(s.sorted, key)
  const problemTxs: MvccTx[] = txs.map((tx) => {
    if (tx.preCode !== MvccCode.VALID) return { preCode: tx.preCode, checks: [], writes: [] }
    const checks: MvccCheck[] = []
    const flags = new Map<number, number>()
    const addFlag = (id: number, flag: number): void => { flags.set(id, (flags.get(id) ?? 0) + flag) }
    for (const { namespace, kv } of tx.rwsets) {
      const s = spaces.get(namespace) as NamespaceKeys
      for (const r of kv.reads) checks.push({ kind: 'read', keyId: idOf(s, r.key), version: heightOf(r.version) })
      for (const rq of kv.rangeQueriesInfo) checks.push(rangeCheck(s, rq, idOf))
      for (const w of kv.writes) addFlag(idOf(s, w.key), w.isDelete ? KEY_DELETE : UPSERT_VAL)
      // proto3 cannot tell nil entries from empty ones; Fabric deletes metadata for nil entries.
      for (const w of kv.metadataWrites) addFlag(idOf(s, w.key), w.entries.length === 0 ? METADATA_DELETE : METADATA_UPDATE)
    }
    const writes: MvccWrite[] = [...flags].map(([keyId, flag]) => ({ keyId, kind: writeKindOf(flag) }))
    return { preCode: tx.preCode, checks, writes }
  })
  const verifyMerkle: MerkleRangeVerifier = (results, summary) => merkleRangeUnchanged(
    results.map((r) => ({ key: (keys[r.keyId] as NsKey).key, version: r.version })), summary)
  return { problem: { blockNum, keyCount: keys.length, committed, txs: problemTxs, verifyMerkle }, keys }
}

function rangeCheck (s: NamespaceKeys, rq: RangeQueryInfo, idOf: (s: NamespaceKeys, key: string) => number): MvccCheck {
  const b = boundsOf(rq)
  const nsEnd = s.firstId + s.sorted.length
  let lo = b.start === '' ? s.firstId : idOf(s, b.start)
  let hi = b.scanEnd === '' ? nsEnd : idOf(s, b.scanEnd)
  if (b.emptyScan) hi = lo
  if (b.endKey !== undefined) {
    const endId = idOf(s, b.endKey)
    if (b.emptyScan) lo = endId
    hi = endId + 1
  }
  if (rq.rawReads === undefined && rq.readsMerkleHashes !== undefined) {
    return { kind: 'range', lo, hi, results: [], merkle: rq.readsMerkleHashes }
  }
  const results = (rq.rawReads?.kvReads ?? []).map((r) => ({ keyId: idOf(s, r.key), version: heightOf(r.version) }))
  return { kind: 'range', lo, hi, results }
}

// UTF-16 code-unit order (JS's default sort) is UTF-8 byte order unless a string holds a code
// unit >= U+D800 (surrogates sort below U+E000..U+FFFF in UTF-16 but above them in UTF-8).
const HIGH_CODE_UNIT = /[\uD800-\uFFFF]/

function sortUtf8 (keys: string[]): string[] {
  return keys.some((k) => HIGH_CODE_UNIT.test(k)) ? keys.sort(compareUtf8) : keys.sort()
}

/** Index of the first element >= key (UTF-8 order). */
function lowerBound (sorted: readonly string[], key: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareUtf8(sorted[mid] as string, key) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}
