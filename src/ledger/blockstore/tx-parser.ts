/**
 * Reads what the ledger needs from a transaction envelope: txId, header type, timestamp and,
 * for endorser transactions, the public read-write set (Fabric: protoutil's
 * GetActionFromEnvelope → ChaincodeAction.results). Fabric validates one action per
 * transaction; the ledger likewise reads actions[0].
 */
import {
  ChaincodeAction, ChaincodeActionPayload, ChannelHeader, Envelope, HeaderType, KVRWSet, Payload,
  ProposalResponsePayload, Transaction, TxReadWriteSet, decode, type Timestamp
} from '../../protos/index.js'

export interface NsRwSet {
  namespace: string
  kv: KVRWSet
}

export interface ParsedTx {
  txId: string
  type: number
  timestamp: { seconds: number, nanos: number }
  /** Endorser transactions only; undefined when absent. */
  rwsets?: NsRwSet[]
}

const ZERO_TIME = Object.freeze({ seconds: 0, nanos: 0 })

function toTime (t: Timestamp | undefined): { seconds: number, nanos: number } {
  return t === undefined ? { ...ZERO_TIME } : { seconds: Number(t.seconds), nanos: t.nanos }
}

/** The header of an envelope, or undefined when the bytes are not a well-formed envelope. */
export function parseHeader (envelopeBytes: Uint8Array): { payload: Payload, header: ChannelHeader } | undefined {
  try {
    const env = decode(Envelope, envelopeBytes)
    const payload = decode(Payload, env.payload)
    if (payload.header === undefined) return undefined
    return { payload, header: decode(ChannelHeader, payload.header.channelHeader) }
  } catch {
    return undefined
  }
}

/** The decoded rwset of an endorser transaction's payload data (throws ProtoError when malformed). */
export function parseRwSets (payloadData: Uint8Array): NsRwSet[] {
  const tx = decode(Transaction, payloadData)
  const action = tx.actions[0]
  if (action === undefined) return []
  const cap = decode(ChaincodeActionPayload, action.payload)
  if (cap.action === undefined) return []
  const prp = decode(ProposalResponsePayload, cap.action.proposalResponsePayload)
  const cca = decode(ChaincodeAction, prp.extension)
  if (cca.results.length === 0) return []
  const rw = decode(TxReadWriteSet, cca.results)
  return rw.nsRwset.map((ns) => ({ namespace: ns.namespace, kv: decode(KVRWSet, ns.rwset) }))
}

/**
 * Parses an envelope; `withRwSets` also decodes the rwset of endorser transactions.
 * Returns undefined for bytes that are not an envelope (an invalid transaction can be anything).
 */
export function parseTx (envelopeBytes: Uint8Array, withRwSets: boolean): ParsedTx | undefined {
  const h = parseHeader(envelopeBytes)
  if (h === undefined) return undefined
  const parsed: ParsedTx = { txId: h.header.txId, type: h.header.type, timestamp: toTime(h.header.timestamp) }
  if (withRwSets && h.header.type === HeaderType.ENDORSER_TRANSACTION) {
    try {
      parsed.rwsets = parseRwSets(h.payload.data)
    } catch {
      return parsed
    }
  }
  return parsed
}
