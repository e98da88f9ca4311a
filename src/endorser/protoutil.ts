/**
 * Building and taking apart proposals and transactions, after Fabric's protoutil
 * (proputils.go, txutils.go): the client side (create and sign a proposal, assemble the
 * endorsed transaction) and the endorser side (the signed ProposalResponse).
 *
 * @module
 */
import { sha256 } from '../crypto/sha256.js'
import { computeTxId, newNonce, type SigningIdentity } from '../msp/index.js'
import {
  ChaincodeAction, ChaincodeActionPayload, ChaincodeEvent, ChaincodeHeaderExtension, ChaincodeInvocationSpec, ChaincodeProposalPayload,
  ChaincodeSpec, ChannelHeader, Envelope, Header, HeaderType, Payload, Proposal, ProposalResponsePayload,
  SignatureHeader, Transaction, decode, encode
} from '../protos/index.js'
import type { ProposalResponse, Response, SignedProposal, Timestamp } from '../protos/index.js'
import { EndorserError } from './errors.js'

export interface ProposalInit {
  channelId: string
  chaincodeName: string
  /** Function name then arguments, as Fabric's ChaincodeInput.args. */
  args: ReadonlyArray<string | Uint8Array>
  creator: SigningIdentity
  transient?: ReadonlyMap<string, Uint8Array>
  isInit?: boolean
  nonce?: Uint8Array
  /** Milliseconds since the epoch (default: now). */
  time?: number
}

export interface UnsignedProposal {
  txId: string
  proposal: Proposal
  proposalBytes: Uint8Array
}

const utf8 = new TextEncoder()

export function toBytes (arg: string | Uint8Array): Uint8Array {
  if (arg instanceof Uint8Array) return arg
  if (typeof arg === 'string') return utf8.encode(arg)
  throw new EndorserError('ENDORSER_BAD_INPUT', 'arguments must be strings or Uint8Arrays')
}

export function timestampOf (ms: number): Timestamp {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 }
}

/** protoutil.CreateChaincodeProposalWithTxIDNonceAndTransient. */
export function createProposal (init: ProposalInit): UnsignedProposal {
  if (typeof init.channelId !== 'string' || init.channelId === '') throw new EndorserError('ENDORSER_BAD_INPUT', 'channelId must be a non-empty string')
  if (typeof init.chaincodeName !== 'string' || init.chaincodeName === '') throw new EndorserError('ENDORSER_BAD_INPUT', 'chaincodeName must be a non-empty string')
  const creator = init.creator.serialize()
  const nonce = init.nonce ?? newNonce()
  const txId = computeTxId(nonce, creator)
  const chaincodeId = { name: init.chaincodeName, path: '', version: '' }
  const channelHeader = encode(ChannelHeader, {
    type: HeaderType.ENDORSER_TRANSACTION,
    version: 0,
    timestamp: timestampOf(init.time ?? Date.now()),
    channelId: init.channelId,
    txId,
    epoch: 0,
    extension: encode(ChaincodeHeaderExtension, { chaincodeId })
  })
  const signatureHeader = encode(SignatureHeader, { creator, nonce })
  const spec = encode(ChaincodeInvocationSpec, {
    chaincodeSpec: {
      type: ChaincodeSpec.Type.NODE,
      chaincodeId,
      input: { args: init.args.map(toBytes) as Array<Uint8Array<ArrayBuffer>>, decorations: new Map(), isInit: init.isInit ?? false },
      timeout: 0
    }
  })
  const payload = encode(ChaincodeProposalPayload, { input: spec, TransientMap: new Map(init.transient ?? []) as Map<string, Uint8Array<ArrayBuffer>> })
  const proposal: Proposal = { header: encode(Header, { channelHeader, signatureHeader }), payload, extension: new Uint8Array(0) }
  return { txId, proposal, proposalBytes: encode(Proposal, proposal) }
}

export async function signProposal (proposalBytes: Uint8Array, signer: SigningIdentity): Promise<SignedProposal> {
  return { proposalBytes, signature: await signer.sign(proposalBytes) }
}

/** The ChaincodeProposalPayload as it goes on the ledger: without the transient map (Fabric never stores it). */
export function proposalPayloadForTx (payload: Uint8Array): Uint8Array {
  const ccpp = decode(ChaincodeProposalPayload, payload)
  return encode(ChaincodeProposalPayload, { input: ccpp.input, TransientMap: new Map() })
}

/** protoutil.GetProposalHash1: SHA-256 over channel header, signature header and the payload without transient data. */
export function proposalHash (proposal: Proposal): Uint8Array {
  const header = decode(Header, proposal.header)
  const visible = proposalPayloadForTx(proposal.payload)
  const all = new Uint8Array(header.channelHeader.length + header.signatureHeader.length + visible.length)
  all.set(header.channelHeader)
  all.set(header.signatureHeader, header.channelHeader.length)
  all.set(visible, header.channelHeader.length + header.signatureHeader.length)
  return sha256(all)
}

export interface EndorsementInit {
  proposal: Proposal
  chaincodeName: string
  chaincodeVersion: string
  response: Response
  /** Marshalled TxReadWriteSet. */
  results: Uint8Array
  event?: ChaincodeEvent
  endorser: SigningIdentity
}

/** The endorser's ProposalResponse: the payload and an endorsement signing `payload ‖ endorser`. */
export async function createProposalResponse (init: EndorsementInit): Promise<ProposalResponse> {
  const action = encode(ChaincodeAction, {
    results: init.results as Uint8Array<ArrayBuffer>,
    events: init.event === undefined ? new Uint8Array(0) : encodeEvent(init.event),
    response: init.response,
    chaincodeId: { name: init.chaincodeName, version: init.chaincodeVersion, path: '' }
  })
  const payload = encode(ProposalResponsePayload, { proposalHash: proposalHash(init.proposal) as Uint8Array<ArrayBuffer>, extension: action })
  const endorser = init.endorser.serialize()
  const signed = new Uint8Array(payload.length + endorser.length)
  signed.set(payload)
  signed.set(endorser, payload.length)
  return {
    version: 1,
    response: init.response,
    payload,
    endorsement: { endorser: endorser as Uint8Array<ArrayBuffer>, signature: await init.endorser.sign(signed) as Uint8Array<ArrayBuffer> }
  }
}

function encodeEvent (event: ChaincodeEvent): Uint8Array<ArrayBuffer> {
  return encode(ChaincodeEvent, event)
}

/**
 * protoutil.CreateSignedTx: one transaction from the proposal and its endorsements. All
 * responses must carry the same payload and a success status, as Fabric requires.
 */
export async function createSignedTransaction (proposal: Proposal, signer: SigningIdentity, responses: readonly ProposalResponse[]): Promise<Uint8Array> {
  if (responses.length === 0) throw new EndorserError('ENDORSER_MISMATCHED_RESPONSES', 'at least one proposal response is required')
  const first = responses[0] as ProposalResponse
  for (const r of responses) {
    const status = r.response?.status ?? 0
    if (status < 200 || status >= 400) throw new EndorserError('ENDORSER_MISMATCHED_RESPONSES', `proposal response was not successful, status ${status}: ${r.response?.message ?? ''}`)
    if (!equal(r.payload, first.payload)) throw new EndorserError('ENDORSER_MISMATCHED_RESPONSES', 'ProposalResponsePayloads do not match')
    if (r.endorsement === undefined) throw new EndorserError('ENDORSER_MISMATCHED_RESPONSES', 'proposal response has no endorsement')
  }
  const header = decode(Header, proposal.header)
  const shdr = decode(SignatureHeader, header.signatureHeader)
  if (!equal(shdr.creator, signer.serialize())) throw new EndorserError('ENDORSER_BAD_INPUT', 'the signer is not the proposal creator')
  const cap = encode(ChaincodeActionPayload, {
    chaincodeProposalPayload: proposalPayloadForTx(proposal.payload) as Uint8Array<ArrayBuffer>,
    action: { proposalResponsePayload: first.payload, endorsements: responses.map((r) => r.endorsement as NonNullable<ProposalResponse['endorsement']>) }
  })
  const tx = encode(Transaction, { actions: [{ header: header.signatureHeader, payload: cap }] })
  const payload = encode(Payload, { header, data: tx })
  return encode(Envelope, { payload, signature: await signer.sign(payload) as Uint8Array<ArrayBuffer> })
}

function equal (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
