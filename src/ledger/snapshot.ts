/**
 * Ledger snapshots, after Fabric 2.3's kvledger/snapshot.go: export a channel's ledger at its
 * current height — state (with versions, metadata and CouchDB index definitions), optionally the
 * history, the last block(s) and chain info — and create a new ledger from one. A peer that
 * joins late starts from the snapshot and then verifies every later block against the hash
 * chain: the first block it commits must name the snapshot's last block hash as previousHash.
 *
 * Format (weft-ledger-snapshot/2): UTF-8 JSON `{"format","hash","body"}`; bytes are base64;
 * `hash` is the hex SHA-256 of the JSON text of `body`. Fabric's peers compare their snapshot
 * hashes out of band before trusting one; `snapshotHash()` gives the value to compare.
 *
 * /2 adds `body.txIds`: every distinct non-empty txId committed before the tail, sorted — Fabric's
 * blkstorage `txids.data` — so the joiner's DUPLICATE_TXID check still finds them (replay
 * protection). It is a new format, not an optional field of /1, so that a peer that does not know
 * the field refuses the snapshot ("unknown format") instead of importing it and silently
 * accepting replays of pre-snapshot transactions. /1 snapshots still import, with /1's
 * limitation: no pre-tail txIds.
 */
import { sha256 } from '../crypto/sha256.js'
import { Block, BlockMetadataIndex, blockDataHash, blockHeaderHash, decode, encode } from '../protos/index.js'
import type { KeyModification } from './api.js'
import { LedgerError, fromStorageError } from './errors.js'
import { KvLedger, LEDGER_TABLES, checkChannelId, extractUpdates, ledgerStoreName, type KvLedgerInit } from './kv-ledger.js'
import { BlockStore } from './blockstore/block-store.js'
import { StateDb, type StateExport } from './statedb/state-db.js'
import { HistoryDb } from './history/history-db.js'

const FORMAT = 'weft-ledger-snapshot/2'
/** The format before txIds: importable, without replay protection for pre-tail transactions. */
const FORMAT_V1 = 'weft-ledger-snapshot/1'

interface SnapshotBody {
  channelId: string
  height: number
  currentBlockHash: string
  previousBlockHash: string
  /** Last blocks (protobuf, base64), oldest first; their hashes chain to currentBlockHash. */
  tail: string[]
  state: {
    entries: Array<[string, string, string, number, number]>
    metadata: Array<[string, string, Array<[string, string]>]>
    indexes: Array<[string, string[]]>
  }
  history?: Array<[string, string, Array<[string, string, number, number, boolean]>]>
  /** /2: distinct non-empty txIds committed before the tail, sorted (absent in /1). */
  txIds?: string[]
}

export interface ExportOptions {
  /** Include every key's history (Fabric's snapshots do not). Default false. */
  includeHistory?: boolean
  /** How many of the last blocks to include (at least 1). Default 1. */
  tailBlocks?: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function toB64 (bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

function fromB64 (s: string): Uint8Array {
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const fromHex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16))

/** Exports the ledger at its current height (waits for in-flight commits). */
export async function exportSnapshot (ledger: KvLedger, options: ExportOptions = {}): Promise<Uint8Array> {
  const tailCount = Math.max(1, options.tailBlocks ?? 1)
  return await ledger.withCommitLock(async () => {
    const info = ledger.getChainInfo()
    if (info.height === 0) throw new LedgerError('LEDGER_BAD_INPUT', 'cannot snapshot an empty ledger')
    const state: StateExport = await ledger.state.exportState()
    const tail: string[] = []
    const tailStart = Math.max(ledger.blockStore.base, info.height - tailCount)
    for (let n = tailStart; n < info.height; n++) tail.push(toB64(await ledger.blockStore.getBlockBytes(n)))
    // Includes the txIds of the snapshot this ledger may itself have started from.
    const txIds = await ledger.blockStore.exportTxIdsBefore(tailStart)
    const body: SnapshotBody = {
      channelId: ledger.channelId,
      height: info.height,
      currentBlockHash: toHex(info.currentBlockHash),
      previousBlockHash: toHex(info.previousBlockHash),
      tail,
      state: {
        entries: state.entries.map(([ns, k, v, b, t]) => [ns, k, toB64(v), b, t]),
        metadata: state.metadata.map(([ns, k, m]) => [ns, k, m.map(([name, v]) => [name, toB64(v)])]),
        indexes: state.indexes
      },
      txIds
    }
    if (options.includeHistory === true) {
      if (ledger.history === undefined) throw new LedgerError('LEDGER_BAD_INPUT', 'this ledger keeps no history to export')
      body.history = (await ledger.history.exportHistory()).map(([ns, k, mods]) => [ns, k, mods.map((m) => [m.txId, toB64(m.value), m.timestamp.seconds, m.timestamp.nanos, m.isDelete])])
    }
    const text = JSON.stringify(body)
    return encoder.encode(JSON.stringify({ format: FORMAT, hash: toHex(sha256(encoder.encode(text))), body: JSON.parse(text) as unknown }))
  })
}

function invalid (why: string, cause?: unknown): LedgerError {
  return new LedgerError('LEDGER_SNAPSHOT_INVALID', `snapshot: ${why}`, cause === undefined ? undefined : { cause })
}

/** Parses and checks a snapshot's integrity hash and block tail; returns its body. */
function readSnapshot (bytes: Uint8Array): { body: SnapshotBody, hash: string } {
  let outer: { format?: unknown, hash?: unknown, body?: unknown }
  try {
    outer = JSON.parse(decoder.decode(bytes)) as typeof outer
  } catch (err) {
    throw invalid('not JSON', err)
  }
  if (outer.format !== FORMAT && outer.format !== FORMAT_V1) throw invalid(`unknown format ${String(outer.format)}`)
  if (typeof outer.hash !== 'string' || typeof outer.body !== 'object' || outer.body === null) throw invalid('missing hash or body')
  const text = JSON.stringify(outer.body)
  if (toHex(sha256(encoder.encode(text))) !== outer.hash) throw invalid('content hash mismatch')
  const body = outer.body as SnapshotBody
  if (!Number.isSafeInteger(body.height) || body.height < 1 || !Array.isArray(body.tail) || body.tail.length === 0) throw invalid('bad height or tail')
  if (outer.format === FORMAT_V1) {
    if (body.txIds !== undefined) throw invalid(`${FORMAT_V1} carries no txIds`)
  } else {
    checkTxIds(body.txIds)
  }
  return { body, hash: outer.hash }
}

/** txIds must be non-empty strings in strictly ascending order (sorted, distinct), as exported. */
function checkTxIds (txIds: unknown): asserts txIds is string[] {
  if (!Array.isArray(txIds)) throw invalid('txIds missing')
  let prev: string | undefined
  for (let i = 0; i < txIds.length; i++) {
    const t: unknown = txIds[i]
    if (typeof t !== 'string' || t === '') throw invalid(`txIds[${i}] is not a non-empty string`)
    if (prev !== undefined && !(prev < t)) throw invalid(`txIds[${i}] is not after txIds[${i - 1}] (sorted, distinct)`)
    prev = t
  }
}

/** The integrity hash peers compare before trusting a snapshot (hex SHA-256). */
export function snapshotHash (bytes: Uint8Array): string {
  return readSnapshot(bytes).hash
}

/**
 * Creates the channel's ledger from a snapshot in EMPTY storage and opens it. The tail blocks
 * must chain (numbers, previous hashes, data hashes) up to the snapshot's current block hash.
 * The pre-tail txIds (/2) are stored so that a replay of any earlier transaction is a
 * DUPLICATE_TXID; its location is not held (getTxLoc: LEDGER_BEFORE_SNAPSHOT).
 */
export async function createLedgerFromSnapshot (init: KvLedgerInit, bytes: Uint8Array): Promise<KvLedger> {
  const { body } = readSnapshot(bytes)
  checkChannelId(init.channelId)
  if (body.channelId !== init.channelId) throw invalid(`is for channel ${body.channelId}, not ${init.channelId}`)
  // Verify the tail: consecutive, hash-linked, data hashes right, ending at currentBlockHash.
  const tail = body.tail.map((b64, i) => {
    let block: Block
    const raw = fromB64(b64)
    try {
      block = decode(Block, raw)
    } catch (err) {
      throw invalid(`tail block ${i} does not decode`, err)
    }
    return { block, raw }
  })
  let expectedNum = body.height - tail.length
  let prevHash: Uint8Array | undefined
  const entries = tail.map(({ block, raw }) => {
    const header = block.header
    if (header === undefined || block.data === undefined || header.number !== expectedNum) throw invalid(`tail block ${expectedNum} missing or misnumbered`)
    if (prevHash !== undefined && toHex(header.previousHash) !== toHex(prevHash)) throw invalid(`tail block ${expectedNum} does not chain`)
    if (toHex(blockDataHash(block.data)) !== toHex(header.dataHash)) throw invalid(`tail block ${expectedNum} data hash mismatch`)
    prevHash = blockHeaderHash(header)
    const codes = block.metadata?.metadata[BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(0)
    expectedNum++
    return { num: header.number, bytes: raw.length > 0 ? raw : encode(Block, block), hash: prevHash, txIds: extractUpdates(block, codes).txIds, codes: Uint8Array.from(codes) }
  })
  if (prevHash === undefined || toHex(prevHash) !== body.currentBlockHash) throw invalid('tail does not end at the current block hash')

  const store = await init.storage.open(ledgerStoreName(init.channelId), LEDGER_TABLES)
  try {
    const blocks = await BlockStore.open(store)
    if (blocks.height !== 0 || await store.count('state') !== 0) {
      throw new LedgerError('LEDGER_BAD_INPUT', `ledger ${init.channelId} already exists; a snapshot only creates a new one`)
    }
    const state = await StateDb.open(store)
    const history = await HistoryDb.open(store, blocks)
    const last = body.height - 1
    const stateExport: StateExport = {
      entries: body.state.entries.map(([ns, k, v, b, t]) => [ns, k, fromB64(v), b, t]),
      metadata: body.state.metadata.map(([ns, k, m]) => [ns, k, m.map(([name, v]) => [name, fromB64(v)])]),
      indexes: body.state.indexes
    }
    const historyMods: Array<[string, string, KeyModification[]]> = (body.history ?? []).map(([ns, k, mods]) => [ns, k, mods.map(([txId, v, s, n, d]) => ({ txId, value: fromB64(v), timestamp: { seconds: s, nanos: n }, isDelete: d }))])
    const ops = [
      ...blocks.prepareBootstrap({ height: body.height, currentBlockHash: fromHex(body.currentBlockHash), previousBlockHash: fromHex(body.previousBlockHash) }, entries, body.txIds ?? []).ops,
      ...state.prepareImport(stateExport, last),
      ...history.prepareImport(historyMods, last)
    ]
    await store.write(ops)
  } catch (err) {
    throw err instanceof LedgerError ? err : fromStorageError(err, 'create ledger from snapshot')
  } finally {
    await store.close()
  }
  return await KvLedger.open(init)
}
