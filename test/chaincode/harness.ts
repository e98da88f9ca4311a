/**
 * A miniature endorser + committer for chaincode tests: a real KvLedger over memory storage,
 * identities from a real CA, and `run()` which invokes the chaincode against a fresh
 * TxSimulator and (for successful submits) commits the resulting rwset in a block.
 */
import {
  ChaincodeAction, ChaincodeActionPayload, ChannelHeader, Envelope, HeaderType, KVRWSet, Payload, ProposalResponsePayload,
  Transaction, TxReadWriteSet, blockDataHash, blockHeaderHash, decode, encode, type Block, type KVRWSet as KVRWSetT
} from '../../src/protos/index.js'
import { KvLedger } from '../../src/ledger/kv-ledger.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { CertificateAuthority, createCsr, encodeSerializedIdentity, generateSigner, type Attributes, type NodeRole } from '../../src/msp/index.js'
import type { ChaincodeRuntime, InvokeResult, TxContext } from '../../src/chaincode/index.js'

const enc = new TextEncoder()
export const utf8 = (s: string): Uint8Array => enc.encode(s)
export const text = (b: Uint8Array): string => new TextDecoder().decode(b)

export const CHANNEL = 'mychannel'
const VALID = 0

function envelope (txId: string, rwset: Uint8Array, seconds: number): Uint8Array {
  const action = encode(ChaincodeAction, { results: rwset, events: new Uint8Array(0) })
  const prp = encode(ProposalResponsePayload, { proposalHash: new Uint8Array(32), extension: action })
  const cap = encode(ChaincodeActionPayload, { chaincodeProposalPayload: new Uint8Array(0), action: { proposalResponsePayload: prp, endorsements: [] } })
  const tx = encode(Transaction, { actions: [{ header: new Uint8Array(0), payload: cap }] })
  const ch = encode(ChannelHeader, {
    type: HeaderType.ENDORSER_TRANSACTION, version: 0, channelId: CHANNEL, txId, epoch: 0,
    timestamp: { seconds, nanos: 0 }, extension: new Uint8Array(0), tlsCertHash: new Uint8Array(0)
  })
  const payload = encode(Payload, { header: { channelHeader: ch, signatureHeader: new Uint8Array(0) }, data: tx })
  return encode(Envelope, { payload, signature: new Uint8Array(0) })
}

export class TestLedger {
  #number = 0
  #previousHash: Uint8Array = new Uint8Array(0)
  #tx = 0
  clock = 1_700_000_000

  private constructor (readonly ledger: KvLedger) {}

  static async open (): Promise<TestLedger> {
    return new TestLedger(await KvLedger.open({ channelId: CHANNEL, storage: memoryKvStoreFactory() }))
  }

  nextTxId (): string { return `tx${++this.#tx}` }

  async commit (txId: string, rwset: Uint8Array): Promise<void> {
    const data = { data: [envelope(txId, rwset, this.clock)] }
    const header = { number: this.#number, previousHash: this.#previousHash, dataHash: blockDataHash(data) }
    this.#previousHash = blockHeaderHash(header)
    this.#number++
    const block: Block = { header, data, metadata: { metadata: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)] } }
    await this.ledger.commit(block, [VALID])
  }

  async close (): Promise<void> { await this.ledger.close() }
}

export interface Org { mspId: string, ca: CertificateAuthority }

export async function newOrg (mspId: string): Promise<Org> {
  const ca = await CertificateAuthority.createRoot({ signer: await generateSigner(), subject: { commonName: `ca.${mspId}`, organization: mspId } })
  return { mspId, ca }
}

/** SerializedIdentity bytes of a freshly enrolled identity. */
export async function enroll (org: Org, name: string, role: NodeRole = 'client', attributes?: Attributes): Promise<Uint8Array> {
  const signer = await generateSigner()
  const pem = await org.ca.enroll(await createCsr(signer, { commonName: name }), { enrollmentId: name, role, ...(attributes !== undefined ? { attributes } : {}) })
  return encodeSerializedIdentity({ mspid: org.mspId, idBytes: utf8(pem) })
}

export interface RunResult extends InvokeResult {
  rwset: KVRWSetT | undefined
  text: string
}

/** Invokes `fn(args)`; commits the rwset when `submit` and the response is 200. */
export async function run (l: TestLedger, cc: ChaincodeRuntime, creator: Uint8Array, args: string[], opts: { submit?: boolean, extra?: Partial<TxContext> } = {}): Promise<RunResult> {
  const txId = l.nextTxId()
  const simulator = l.ledger.newTxSimulator(txId)
  const history = l.ledger.newHistoryQueryExecutor()
  const r = await cc.invoke({ txId, channelId: CHANNEL, creator, timestamp: { seconds: l.clock, nanos: 0 }, simulator, history, ...opts.extra }, args.map(utf8))
  const results = await simulator.getTxSimulationResults()
  simulator.done()
  const ns = decode(TxReadWriteSet, results).nsRwset.find((n) => n.namespace === cc.name)
  if (opts.submit !== false && r.status === 200) {
    await l.commit(txId, results)
    l.clock++
  }
  return { ...r, rwset: ns === undefined ? undefined : decode(KVRWSet, ns.rwset), text: text(r.payload) }
}
