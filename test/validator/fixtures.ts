import { createProposal, createProposalResponse, createSignedTransaction } from '../../src/endorser/protoutil.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import type { Height, StateMetadata } from '../../src/ledger/api.js'
import { compareUtf8 } from '../../src/ledger/index.js'
import { KVRWSet, TxReadWriteSet, blockDataHash, encode, newBlock } from '../../src/protos/index.js'
import type { Block } from '../../src/protos/index.js'
import type { CommittedKey, CommittedState } from '../../src/validator/index.js'

export interface RwSpec { namespace: string, kv: Partial<KVRWSet> }

export function rwsetBytes (rwsets: readonly RwSpec[]): Uint8Array {
  return encode(TxReadWriteSet, {
    dataModel: TxReadWriteSet.DataModel.KV,
    nsRwset: rwsets.map(({ namespace, kv }) => ({
      namespace,
      rwset: encode(KVRWSet, { reads: [], rangeQueriesInfo: [], writes: [], metadataWrites: [], ...kv }),
      collectionHashedRwset: []
    }))
  })
}

export interface TxSpec {
  creator: SigningIdentity
  endorsers: readonly SigningIdentity[]
  rwsets: readonly RwSpec[]
  channelId?: string
  chaincode?: string
  status?: number
  nonce?: Uint8Array
}

export async function makeTx (spec: TxSpec): Promise<{ txId: string, envelope: Uint8Array }> {
  const chaincode = spec.chaincode ?? 'cc'
  const { txId, proposal } = createProposal({ channelId: spec.channelId ?? 'ch', chaincodeName: chaincode, args: ['fn'], creator: spec.creator, ...(spec.nonce === undefined ? {} : { nonce: spec.nonce }) })
  const results = rwsetBytes(spec.rwsets)
  const response = { status: spec.status ?? 200, message: '', payload: new Uint8Array(0) }
  const responses = await Promise.all(spec.endorsers.map(async (endorser) => await createProposalResponse({ proposal, chaincodeName: chaincode, chaincodeVersion: '1', response, results, endorser })))
  // The outer ProposalResponse status is what clients check; keep it 200 so a bad inner status reaches the validator.
  for (const r of responses) r.response = { ...response, status: 200 }
  const envelope = await createSignedTransaction(proposal, spec.creator, responses)
  return { txId, envelope }
}

export function makeBlock (num: number, envelopes: readonly Uint8Array[], previousHash: Uint8Array = new Uint8Array(32)): Block {
  const block = newBlock(num, previousHash)
  ;(block.data as { data: Uint8Array[] }).data = [...envelopes]
  ;(block.header as { dataHash: Uint8Array }).dataHash = blockDataHash({ data: [...envelopes] })
  return block
}

interface Entry { version: Height, metadata?: StateMetadata }

/** Committed state in memory. */
export class MapState implements CommittedState {
  readonly entries = new Map<string, Map<string, Entry>>()
  readonly txIds = new Set<string>()

  put (namespace: string, key: string, version: Height, metadata?: StateMetadata): this {
    let m = this.entries.get(namespace)
    if (m === undefined) { m = new Map(); this.entries.set(namespace, m) }
    m.set(key, { version, ...(metadata === undefined ? {} : { metadata }) })
    return this
  }

  async getVersion (namespace: string, key: string): Promise<Height | undefined> { return this.entries.get(namespace)?.get(key)?.version }
  async getMetadata (namespace: string, key: string): Promise<StateMetadata | undefined> { return this.entries.get(namespace)?.get(key)?.metadata }
  async * range (namespace: string, start: string, end: string): AsyncGenerator<CommittedKey> {
    const keys = [...(this.entries.get(namespace)?.keys() ?? [])].filter((k) => compareUtf8(k, start) >= 0 && (end === '' || compareUtf8(k, end) < 0)).sort(compareUtf8)
    for (const key of keys) yield { key, version: (this.entries.get(namespace)?.get(key) as Entry).version }
  }

  async txIdsExist (txIds: readonly string[]): Promise<boolean[]> { return txIds.map((t) => this.txIds.has(t)) }
}
