/**
 * What a committed block changes: the txIds of all its transactions (for the block index) and the
 * writes of its VALID endorser transactions (for state and history), in transaction order.
 * Fabric's committer does the same walk (txmgmt/validation/batch_preparer.go, history/db.go).
 */
import { HeaderType, TxValidationCode, type Block } from '../protos/index.js'
import { LedgerError } from './errors.js'
import { parseTx, type NsRwSet, type ParsedTx } from './blockstore/tx-parser.js'
import type { HistoryWrite } from './history/history-db.js'
import type { StateUpdate } from './statedb/state-db.js'

export interface BlockUpdates {
  state: StateUpdate[]
  history: HistoryWrite[]
  /** txId per transaction position ('' when the envelope does not decode). */
  txIds: string[]
}

/**
 * The committer's own decoding of a block's transactions, position for position, so that the
 * ledger need not decode the envelopes a second time: the txId ('' when unreadable) and, for
 * endorser transactions the committer marked VALID, the public read-write set.
 */
export interface PreParsedTx {
  txId: string
  rwsets?: readonly NsRwSet[]
}

/**
 * What a block changes, from its envelopes and validation codes: VALID transactions only.
 * `preParsed` (from the committer, which decoded the same bytes to validate them) replaces the
 * decoding of each envelope.
 */
export function extractUpdates (block: Block, codes: ArrayLike<number>, preParsed?: ReadonlyArray<PreParsedTx | undefined>): BlockUpdates {
  const data = block.data?.data ?? []
  if (preParsed !== undefined && preParsed.length !== data.length) {
    throw new LedgerError('LEDGER_BAD_INPUT', `${preParsed.length} pre-parsed transactions for a block of ${data.length}`)
  }
  const out: BlockUpdates = { state: [], history: [], txIds: [] }
  data.forEach((env, txNum) => {
    const valid = codes[txNum] === TxValidationCode.VALID
    const parsed: Pick<ParsedTx, 'txId' | 'type' | 'rwsets'> | undefined = preParsed === undefined ? parseTx(env, valid) : fromPreParsed(preParsed[txNum], valid)
    out.txIds.push(parsed?.txId ?? '')
    if (valid && parsed === undefined) {
      throw new LedgerError('LEDGER_BAD_BLOCK', `block ${block.header?.number}: transaction ${txNum} is marked VALID but is not a decodable envelope`)
    }
    if (!valid || parsed === undefined || parsed.type !== HeaderType.ENDORSER_TRANSACTION) return
    if (parsed.rwsets === undefined) {
      throw new LedgerError('LEDGER_BAD_BLOCK', `block ${block.header?.number}: transaction ${txNum} is marked VALID but its read-write set does not decode`)
    }
    for (const { namespace: ns, kv } of parsed.rwsets) {
      const byKey = new Map<string, StateUpdate>()
      for (const w of kv.writes) {
        // slice(): decoded bytes are views into the whole block's buffer, and IndexedDB's
        // structured clone would store that entire buffer with every value.
        const u: StateUpdate = w.isDelete ? { ns, key: w.key, txNum, isDelete: true } : { ns, key: w.key, txNum, value: w.value.slice() }
        byKey.set(w.key, u)
        out.history.push({ ns, key: w.key, txNum })
      }
      for (const m of kv.metadataWrites) {
        const metadata = new Map(m.entries.map((e) => [e.name, e.value.slice()]))
        const u = byKey.get(m.key)
        if (u === undefined) byKey.set(m.key, { ns, key: m.key, txNum, metadata })
        else if (u.isDelete !== true) u.metadata = metadata
      }
      out.state.push(...byKey.values())
    }
  })
  return out
}

/** A VALID pre-parsed transaction is an endorser transaction (the only kind the validator passes). */
function fromPreParsed (tx: PreParsedTx | undefined, valid: boolean): Pick<ParsedTx, 'txId' | 'type' | 'rwsets'> | undefined {
  if (tx === undefined) return undefined
  return valid ? { txId: tx.txId, type: HeaderType.ENDORSER_TRANSACTION, ...(tx.rwsets === undefined ? {} : { rwsets: [...tx.rwsets] }) } : { txId: tx.txId, type: -1 }
}
