/**
 * Structural checks of one transaction envelope, in Fabric's order (core/common/validation/
 * msgvalidation.go ValidateTransaction): each failure maps to Fabric's TxValidationCode.
 * Pure: no signatures checked here (see validator.ts), only decoding and shape.
 *
 * @module
 */
import {
  ChaincodeAction, ChaincodeActionPayload, ChaincodeEvent, ChaincodeHeaderExtension, ChannelHeader, Envelope, HeaderType,
  KVRWSet, Payload, ProposalResponsePayload, SignatureHeader, Transaction, TxReadWriteSet, TxValidationCode, decode
} from '../protos/index.js'
import type { Endorsement, Response } from '../protos/index.js'

export interface NamespaceRwSet {
  namespace: string
  kv: KVRWSet
}

/** What validation needs of an endorser transaction that passed the structural checks. */
export interface ParsedTx {
  txId: string
  channelId: string
  creator: Uint8Array
  nonce: Uint8Array
  /** Envelope.payload and Envelope.signature: the creator's signature covers the payload bytes. */
  payloadBytes: Uint8Array
  signature: Uint8Array
  /** ChaincodeHeaderExtension.chaincodeId.name: the invoked chaincode. */
  chaincodeName: string
  proposalResponsePayload: Uint8Array
  endorsements: Endorsement[]
  response: Response | undefined
  rwsets: NamespaceRwSet[]
  event: ChaincodeEvent | undefined
}

export type ParseResult = { ok: true, tx: ParsedTx } | { ok: false, code: TxValidationCode, txId?: string, reason: string }

const fail = (code: TxValidationCode, reason: string, txId?: string): ParseResult => ({ ok: false, code, reason, ...(txId === undefined ? {} : { txId }) })

function tryDecode<T> (fn: () => T): T | undefined {
  try { return fn() } catch { return undefined }
}

export function parseTransaction (envelopeBytes: Uint8Array | undefined): ParseResult {
  if (envelopeBytes === undefined || envelopeBytes.length === 0) return fail(TxValidationCode.NIL_ENVELOPE, 'empty envelope')
  const env = tryDecode(() => decode(Envelope, envelopeBytes))
  if (env === undefined) return fail(TxValidationCode.INVALID_OTHER_REASON, 'envelope does not decode')
  const payload = tryDecode(() => decode(Payload, env.payload))
  if (payload === undefined) return fail(TxValidationCode.BAD_PAYLOAD, 'payload does not decode')
  if (payload.header === undefined) return fail(TxValidationCode.BAD_COMMON_HEADER, 'payload has no header')
  const chdr = tryDecode(() => decode(ChannelHeader, payload.header?.channelHeader as Uint8Array))
  if (chdr === undefined) return fail(TxValidationCode.BAD_CHANNEL_HEADER, 'channel header does not decode')
  const shdr = tryDecode(() => decode(SignatureHeader, payload.header?.signatureHeader as Uint8Array))
  if (shdr === undefined) return fail(TxValidationCode.BAD_COMMON_HEADER, 'signature header does not decode')
  // validateCommonHeader
  if (chdr.type !== HeaderType.ENDORSER_TRANSACTION && chdr.type !== HeaderType.CONFIG && chdr.type !== HeaderType.CONFIG_UPDATE) {
    return fail(TxValidationCode.UNKNOWN_TX_TYPE, `header type ${chdr.type}`, chdr.txId)
  }
  if (chdr.epoch !== 0) return fail(TxValidationCode.BAD_CHANNEL_HEADER, 'epoch must be 0', chdr.txId)
  if (shdr.nonce.length === 0) return fail(TxValidationCode.BAD_COMMON_HEADER, 'no nonce', chdr.txId)
  if (shdr.creator.length === 0) return fail(TxValidationCode.BAD_COMMON_HEADER, 'no creator', chdr.txId)
  if (chdr.type !== HeaderType.ENDORSER_TRANSACTION) {
    // Weft channels are configured at creation; config transactions are not validated here.
    return fail(TxValidationCode.INVALID_CONFIG_TRANSACTION, 'configuration transactions are not supported', chdr.txId)
  }
  const ext = tryDecode(() => decode(ChaincodeHeaderExtension, chdr.extension))
  if (ext?.chaincodeId === undefined || ext.chaincodeId.name === '') return fail(TxValidationCode.BAD_HEADER_EXTENSION, 'channel header has no chaincode id', chdr.txId)
  const base = { txId: chdr.txId, channelId: chdr.channelId, creator: shdr.creator, nonce: shdr.nonce, payloadBytes: env.payload, signature: env.signature, chaincodeName: ext.chaincodeId.name }
  const endorser = parseEndorserTransaction(payload.data)
  if (typeof endorser === 'string') return fail(TxValidationCode.INVALID_ENDORSER_TRANSACTION, endorser, chdr.txId)
  const rwsets = parseRwSet(endorser.action.results)
  if (rwsets === undefined) return fail(TxValidationCode.BAD_RWSET, 'read/write set does not decode', chdr.txId)
  return {
    ok: true,
    tx: {
      ...base,
      proposalResponsePayload: endorser.prp,
      endorsements: endorser.endorsements,
      response: endorser.action.response,
      rwsets,
      event: endorser.action.events.length === 0 ? undefined : tryDecode(() => decode(ChaincodeEvent, endorser.action.events))
    }
  }
}

/** msgvalidation.go validateEndorserTransaction: exactly one action, each part decodes. */
function parseEndorserTransaction (data: Uint8Array): { prp: Uint8Array, endorsements: Endorsement[], action: ChaincodeAction } | string {
  const tx = tryDecode(() => decode(Transaction, data))
  if (tx === undefined) return 'transaction does not decode'
  if (tx.actions.length !== 1) return `expected exactly one action, got ${tx.actions.length}`
  const action = tx.actions[0] as Transaction['actions'][number]
  if (tryDecode(() => decode(SignatureHeader, action.header)) === undefined) return 'action header does not decode'
  const cap = tryDecode(() => decode(ChaincodeActionPayload, action.payload))
  if (cap?.action === undefined) return 'chaincode action payload missing or malformed'
  if (cap.action.endorsements.length === 0) return 'no endorsements'
  const prp = tryDecode(() => decode(ProposalResponsePayload, cap.action?.proposalResponsePayload as Uint8Array))
  if (prp === undefined) return 'proposal response payload does not decode'
  const ccAction = tryDecode(() => decode(ChaincodeAction, prp.extension))
  if (ccAction === undefined) return 'chaincode action does not decode'
  return { prp: cap.action.proposalResponsePayload, endorsements: cap.action.endorsements, action: ccAction }
}

function parseRwSet (bytes: Uint8Array): NamespaceRwSet[] | undefined {
  const set = tryDecode(() => decode(TxReadWriteSet, bytes))
  if (set === undefined) return undefined
  const out: NamespaceRwSet[] = []
  for (const ns of set.nsRwset) {
    const kv = tryDecode(() => decode(KVRWSet, ns.rwset))
    if (kv === undefined || ns.namespace === '') return undefined
    out.push({ namespace: ns.namespace, kv })
  }
  return out
}

/** Namespaces the transaction writes to (values or metadata), in rwset order. */
export function writtenNamespaces (tx: ParsedTx): string[] {
  return tx.rwsets.filter((ns) => ns.kv.writes.length > 0 || ns.kv.metadataWrites.length > 0).map((ns) => ns.namespace)
}
