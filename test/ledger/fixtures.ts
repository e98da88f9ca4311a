/** Builds Fabric-shaped blocks and transactions for ledger tests (real protobuf bytes). */
import {
  ChaincodeAction, ChaincodeActionPayload, ChannelHeader, Envelope, HeaderType, Payload, ProposalResponsePayload,
  Transaction, blockDataHash, blockHeaderHash, encode, type Block
} from '../../src/protos/index.js'

const enc = new TextEncoder()
export const utf8 = (s: string): Uint8Array => enc.encode(s)
export const text = (b: Uint8Array | undefined): string | undefined => b === undefined ? undefined : new TextDecoder().decode(b)

/** An endorser transaction envelope carrying `rwset` (TxReadWriteSet bytes). */
export function endorserTx (txId: string, rwset: Uint8Array, seconds = 1_700_000_000): Uint8Array {
  const action = encode(ChaincodeAction, { results: rwset, events: new Uint8Array(0) })
  const prp = encode(ProposalResponsePayload, { proposalHash: new Uint8Array(32), extension: action })
  const cap = encode(ChaincodeActionPayload, { chaincodeProposalPayload: new Uint8Array(0), action: { proposalResponsePayload: prp, endorsements: [] } })
  const tx = encode(Transaction, { actions: [{ header: new Uint8Array(0), payload: cap }] })
  const ch = encode(ChannelHeader, {
    type: HeaderType.ENDORSER_TRANSACTION, version: 0, channelId: 'ch1', txId, epoch: 0,
    timestamp: { seconds, nanos: 5 }, extension: new Uint8Array(0), tlsCertHash: new Uint8Array(0)
  })
  const payload = encode(Payload, { header: { channelHeader: ch, signatureHeader: new Uint8Array(0) }, data: tx })
  return encode(Envelope, { payload, signature: new Uint8Array(0) })
}

/** Chains blocks: number, previous hash and data hash set as Fabric's block creator does. */
export class ChainBuilder {
  number = 0
  previousHash: Uint8Array = new Uint8Array(0)

  next (envelopes: Uint8Array[]): Block {
    const data = { data: envelopes }
    const header = { number: this.number, previousHash: this.previousHash, dataHash: blockDataHash(data) }
    this.previousHash = blockHeaderHash(header)
    this.number++
    return { header, data, metadata: { metadata: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)] } }
  }
}
