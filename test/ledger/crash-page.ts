/**
 * The in-page half of test/e2e/ledger-crash.e2e.ts: commits deterministic blocks to a real
 * IndexedDB ledger until the browser is killed, then (after relaunch) checks what survived.
 * Block b has 100 transactions; tx t writes `k<b>-<t>`, and tx 0 also writes `last` = b.
 */
import {
  ChaincodeAction, ChaincodeActionPayload, ChannelHeader, Envelope, HeaderType, KVRWSet, Payload,
  ProposalResponsePayload, Transaction, TxReadWriteSet, blockDataHash, blockHeaderHash, encode, type Block
} from '../../src/protos/index.js'
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import { KvLedger } from '../../src/ledger/kv-ledger.js'

const TXS = 100
const enc = new TextEncoder()
const dec = new TextDecoder()

function envelope (txId: string, writes: Array<[string, string]>): Uint8Array {
  const kv = encode(KVRWSet, { reads: [], rangeQueriesInfo: [], writes: writes.map(([key, v]) => ({ key, value: enc.encode(v), isDelete: false })), metadataWrites: [] })
  const rw = encode(TxReadWriteSet, { dataModel: TxReadWriteSet.DataModel.KV, nsRwset: [{ namespace: 'cc', rwset: kv, collectionHashedRwset: [] }] })
  const action = encode(ChaincodeAction, { results: rw, events: new Uint8Array(0) })
  const prp = encode(ProposalResponsePayload, { proposalHash: new Uint8Array(32), extension: action })
  const cap = encode(ChaincodeActionPayload, { chaincodeProposalPayload: new Uint8Array(0), action: { proposalResponsePayload: prp, endorsements: [] } })
  const tx = encode(Transaction, { actions: [{ header: new Uint8Array(0), payload: cap }] })
  const ch = encode(ChannelHeader, {
    type: HeaderType.ENDORSER_TRANSACTION, version: 0, channelId: 'crash', txId, epoch: 0,
    timestamp: { seconds: 1, nanos: 0 }, extension: new Uint8Array(0), tlsCertHash: new Uint8Array(0)
  })
  const payload = encode(Payload, { header: { channelHeader: ch, signatureHeader: new Uint8Array(0) }, data: tx })
  return encode(Envelope, { payload, signature: new Uint8Array(0) })
}

/** Block `num` of the deterministic chain, given the previous header hash. */
function blockAt (num: number, previousHash: Uint8Array): Block {
  const envs = Array.from({ length: TXS }, (_, t) => envelope(`tx${num}-${t}`, t === 0 ? [[`k${num}-${t}`, `v${num}`], ['last', String(num)]] : [[`k${num}-${t}`, `v${num}`]]))
  const data = { data: envs }
  return { header: { number: num, previousHash, dataHash: blockDataHash(data) }, data, metadata: { metadata: [] } }
}

function hashChain (height: number): Uint8Array {
  let prev: Uint8Array = new Uint8Array(0)
  for (let n = 0; n < height; n++) prev = blockHeaderHash(blockAt(n, prev).header!)
  return prev
}

async function open (): Promise<KvLedger> {
  return await KvLedger.open({ channelId: 'crash', storage: idbKvStoreFactory(), stateDb: { compactAfterBlocks: 3 } })
}

declare global {
  interface Window {
    ledgerCrash?: {
      committed: number
      run: () => Promise<void>
      verify: () => Promise<{ height: number, ok: boolean, problems: string[] }>
      fillUntilQuota: () => Promise<{ height: number, code: string, readable: boolean }>
      resume: () => Promise<number>
    }
  }
}

const api: Omit<NonNullable<Window['ledgerCrash']>, 'fillUntilQuota' | 'resume'> = {
  committed: -1,
  /** Commits blocks forever (until the browser dies). */
  async run (): Promise<void> {
    const ledger = await open()
    let prev = hashChain(ledger.getChainInfo().height)
    for (let n = ledger.getChainInfo().height; ; n++) {
      const block = blockAt(n, prev)
      await ledger.commit(block, new Array<number>(TXS).fill(0))
      prev = blockHeaderHash(block.header!)
      api.committed = n
    }
  },
  /** After a relaunch: the ledger holds exactly blocks 0..height-1, and can go on. */
  async verify (): Promise<{ height: number, ok: boolean, problems: string[] }> {
    const problems: string[] = []
    const ledger = await open()
    const height = ledger.getChainInfo().height
    const expectedHash = hashChain(height)
    if (dec.decode(ledger.getChainInfo().currentBlockHash) !== dec.decode(expectedHash)) problems.push('current block hash differs')
    const q = ledger.newQueryExecutor()
    const last = await q.getState('cc', 'last')
    if ((last === undefined ? -1 : Number(dec.decode(last))) !== height - 1) problems.push(`last = ${last === undefined ? 'none' : dec.decode(last)}, height ${height}`)
    for (let n = Math.max(0, height - 4); n < height; n++) {
      const vs = await q.getStateMultipleKeys('cc', Array.from({ length: TXS }, (_, t) => `k${n}-${t}`))
      const bad = vs.filter((v) => v === undefined || dec.decode(v) !== `v${n}`).length
      if (bad > 0) problems.push(`block ${n}: ${bad} writes missing`)
    }
    const next = await q.getStateMultipleKeys('cc', Array.from({ length: TXS }, (_, t) => `k${height}-${t}`))
    if (next.some((v) => v !== undefined)) problems.push(`writes of uncommitted block ${height} present`)
    try {
      await ledger.getTransactionByID(`tx${height}-0`)
      problems.push(`tx of uncommitted block ${height} indexed`)
    } catch { /* expected: not found */ }
    // The chain continues from where it stopped.
    await ledger.commit(blockAt(height, expectedHash), new Array<number>(TXS).fill(0))
    if (ledger.getChainInfo().height !== height + 1) problems.push('could not commit the next block')
    await ledger.close()
    return { height, ok: problems.length === 0, problems }
  }
}

let quotaLedger: KvLedger | undefined
let quotaPrev: Uint8Array = new Uint8Array(0)

/** Commits until storage refuses; checks the refusal is typed and the ledger still reads. */
async function fillUntilQuota (): Promise<{ height: number, code: string, readable: boolean }> {
  quotaLedger = await KvLedger.open({ channelId: 'quota', storage: idbKvStoreFactory(), stateDb: { compactAfterBlocks: 0 } })
  for (let n = 0; n < 10_000; n++) {
    const block = blockAt(n, quotaPrev)
    try {
      await quotaLedger.commit(block, new Array<number>(TXS).fill(0))
    } catch (err) {
      const code = (err as { code?: string }).code ?? String(err)
      const height = quotaLedger.getChainInfo().height
      const last = await quotaLedger.newQueryExecutor().getState('cc', 'last')
      return { height, code, readable: last !== undefined && dec.decode(last) === String(height - 1) }
    }
    quotaPrev = blockHeaderHash(block.header!)
  }
  return { height: quotaLedger.getChainInfo().height, code: 'never refused', readable: false }
}

/** After the quota was raised: the refused block commits. */
async function resume (): Promise<number> {
  const ledger = quotaLedger as KvLedger
  const n = ledger.getChainInfo().height
  await ledger.commit(blockAt(n, quotaPrev), new Array<number>(TXS).fill(0))
  return ledger.getChainInfo().height
}

// The same object (not a copy): the Node side polls `committed` as run() advances it.
window.ledgerCrash = Object.assign(api, { fillUntilQuota, resume })
