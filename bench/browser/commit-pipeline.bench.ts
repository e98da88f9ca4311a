/**
 * The committing peer's whole pipeline in Chromium on real IndexedDB: blocks of 500 endorser
 * transactions, each endorsed by 2 of 2 orgs (real P-256 signatures from src/msp identities,
 * made before timing), 2 reads of committed keys + 2 writes, every block signed by an orderer;
 * validated and committed through BlockValidator + Committer + KvLedger, one block after another.
 *
 * - commit_pipeline_tx_per_s: transactions per second over the timed blocks (all VALID).
 * - per block, from BlockValidator.lastTimings and KvLedger.lastCommit:
 *   commit_pipeline_sig_ms (the one verifyBatch over 1,500 creator + endorsement signatures),
 *   commit_pipeline_policy_ms (txId, duplicate-on-ledger reads, key-level metadata reads, policies),
 *   commit_pipeline_mvcc_ms (in-block passes + MVCC/phantom through mvcc-wasm, versions read from IDB),
 *   commit_pipeline_idb_ms (the ledger's one IndexedDB write transaction),
 *   plus parse (decode + identities), block (hash, chain, orderer signature) and ledger prepare.
 */
import { round, type BenchSuite } from '../harness.js'
import { Committer, ledgerCommittedState } from '../../src/committer/index.js'
import { createProposal, createProposalResponse, createSignedTransaction } from '../../src/endorser/protoutil.js'
import { KvLedger } from '../../src/ledger/kv-ledger.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import { BlockWriter } from '../../src/orderer/block-writer.js'
import { MspManager, SignaturePolicyEvaluator, policyFromString } from '../../src/policy/index.js'
import {
  ChaincodeAction, ChaincodeActionPayload, ChannelHeader, Envelope, HeaderType, KVRWSet, Payload, ProposalResponsePayload,
  Transaction, TxReadWriteSet, blockDataHash, blockHeaderHash, encode, newBlock, type Block
} from '../../src/protos/index.js'
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import { TestOrg } from '../../src/testing/org.js'
import { BlockValidator } from '../../src/validator/index.js'

const TXS = 500
const WARMUP_BLOCKS = 1
const TIMED_BLOCKS = 8
const SEEDED_KEYS = 2000
const SEED_KEYS_PER_TX = 20
const CHANNEL = 'pipeline'
const NS = 'bench'
const enc = new TextEncoder()
const seedKey = (i: number): string => `seed${String(i).padStart(6, '0')}`

/** Block 0: committed keys for the benchmark's reads, written straight through the ledger. */
function seedBlock (): Block {
  const envelopes: Uint8Array[] = []
  for (let t = 0; t < SEEDED_KEYS / SEED_KEYS_PER_TX; t++) {
    const writes = Array.from({ length: SEED_KEYS_PER_TX }, (_, k) => ({ key: seedKey(t * SEED_KEYS_PER_TX + k), value: enc.encode('v'.repeat(100)), isDelete: false }))
    const kv = encode(KVRWSet, { reads: [], rangeQueriesInfo: [], writes, metadataWrites: [] })
    const rw = encode(TxReadWriteSet, { dataModel: TxReadWriteSet.DataModel.KV, nsRwset: [{ namespace: NS, rwset: kv, collectionHashedRwset: [] }] })
    const prp = encode(ProposalResponsePayload, { proposalHash: new Uint8Array(32), extension: encode(ChaincodeAction, { results: rw, events: new Uint8Array(0) }) })
    const cap = encode(ChaincodeActionPayload, { chaincodeProposalPayload: new Uint8Array(0), action: { proposalResponsePayload: prp, endorsements: [] } })
    const ch = encode(ChannelHeader, {
      type: HeaderType.ENDORSER_TRANSACTION, version: 0, channelId: CHANNEL, txId: `seed${t}`, epoch: 0,
      timestamp: { seconds: 1_700_000_000, nanos: 0 }, extension: new Uint8Array(0), tlsCertHash: new Uint8Array(0)
    })
    const payload = encode(Payload, { header: { channelHeader: ch, signatureHeader: new Uint8Array(0) }, data: encode(Transaction, { actions: [{ header: new Uint8Array(0), payload: cap }] }) })
    envelopes.push(encode(Envelope, { payload, signature: new Uint8Array(0) }))
  }
  const block = newBlock(0, new Uint8Array(0))
  ;(block.data as { data: Uint8Array[] }).data = envelopes
  ;(block.header as { dataHash: Uint8Array }).dataHash = blockDataHash({ data: envelopes })
  return block
}

interface Signers { client: SigningIdentity, endorsers: SigningIdentity[] }

/** One endorser transaction: reads 2 seeded keys at their committed version, writes 2 fresh keys. */
async function endorsedTx (s: Signers, n: number): Promise<Uint8Array> {
  const { proposal } = createProposal({ channelId: CHANNEL, chaincodeName: NS, args: ['transfer', String(n)], creator: s.client })
  const r1 = (n * 2) % SEEDED_KEYS
  const r2 = (n * 2 + 1) % SEEDED_KEYS
  const read = (i: number): { key: string, version: { blockNum: number, txNum: number } } => ({ key: seedKey(i), version: { blockNum: 0, txNum: Math.floor(i / SEED_KEYS_PER_TX) } })
  const kv = encode(KVRWSet, {
    reads: [read(r1), read(r2)],
    rangeQueriesInfo: [],
    writes: [{ key: `k${n}a`, value: enc.encode(`value ${n} a`), isDelete: false }, { key: `k${n}b`, value: enc.encode(`value ${n} b`), isDelete: false }],
    metadataWrites: []
  })
  const results = encode(TxReadWriteSet, { dataModel: TxReadWriteSet.DataModel.KV, nsRwset: [{ namespace: NS, rwset: kv, collectionHashedRwset: [] }] })
  const response = { status: 200, message: '', payload: new Uint8Array(0) }
  const responses = await Promise.all(s.endorsers.map(async (endorser) => await createProposalResponse({ proposal, chaincodeName: NS, chaincodeVersion: '1', response, results, endorser })))
  return await createSignedTransaction(proposal, s.client, responses)
}

export const suite: BenchSuite = {
  names: [
    'commit_pipeline_tx_per_s', 'commit_pipeline_block_ms', 'commit_pipeline_sig_ms', 'commit_pipeline_policy_ms',
    'commit_pipeline_mvcc_ms', 'commit_pipeline_idb_ms', 'commit_pipeline_parse_ms', 'commit_pipeline_block_checks_ms',
    'commit_pipeline_ledger_prepare_ms'
  ],
  async run (report) {
    const [org1, org2, ordererOrg] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP'), TestOrg.create('OrdererMSP')])
    const [p1, p2, client, orderer] = await Promise.all([
      org1.enroll('peer0', { role: 'peer' }), org2.enroll('peer0', { role: 'peer' }), org1.enroll('user1'), ordererOrg.enroll('orderer0', { role: 'orderer' })
    ])
    const msps = new MspManager([org1.msp, org2.msp, ordererOrg.msp])
    const ccPolicy = new SignaturePolicyEvaluator(policyFromString("AND('Org1MSP.peer', 'Org2MSP.peer')"), msps)
    const blockValidation = new SignaturePolicyEvaluator(policyFromString("OR('OrdererMSP.orderer')"), msps)

    // Everything signed before timing: transactions, then blocks chained and orderer-signed.
    const seed = seedBlock()
    const writer = new BlockWriter(seed, 0, orderer)
    const blocks: Block[] = []
    let previousHash = blockHeaderHash(seed.header as NonNullable<Block['header']>)
    for (let b = 1; b <= WARMUP_BLOCKS + TIMED_BLOCKS; b++) {
      const envelopes: Uint8Array[] = []
      for (let t = 0; t < TXS; t += 50) {
        envelopes.push(...await Promise.all(Array.from({ length: 50 }, async (_, i) => await endorsedTx({ client, endorsers: [p1, p2] }, b * TXS + t + i))))
      }
      const block = newBlock(b, previousHash)
      ;(block.data as { data: Uint8Array[] }).data = envelopes
      ;(block.header as { dataHash: Uint8Array }).dataHash = blockDataHash({ data: envelopes })
      blocks.push(await writer.commit(block, { isConfig: false }))
      previousHash = blockHeaderHash(block.header as NonNullable<Block['header']>)
    }

    const ledger = await KvLedger.open({ channelId: CHANNEL, storage: idbKvStoreFactory() })
    await ledger.commit(seed, new Array<number>(seed.data?.data.length ?? 0).fill(0))
    const validator = new BlockValidator({ channelId: CHANNEL, msps, state: ledgerCommittedState(ledger), policyFor: async (ns) => ns === NS ? ccPolicy : undefined, blockValidation })
    const committer = new Committer(ledger, validator)

    const sum = { block: 0, parse: 0, sig: 0, policy: 0, mvcc: 0, prepare: 0, idb: 0 }
    let timedMs = 0
    for (const [i, block] of blocks.entries()) {
      const start = performance.now()
      const committed = await committer.commitBlock(block)
      const ms = performance.now() - start
      const invalid = committed.txs.filter((tx) => tx.code !== 0)
      if (invalid.length > 0) throw new Error(`block ${committed.blockNum}: ${invalid.length} invalid transactions (first: ${invalid[0]?.code} ${invalid[0]?.reason ?? ''})`)
      if (i < WARMUP_BLOCKS) continue
      timedMs += ms
      const v = validator.lastTimings
      const l = ledger.lastCommit
      if (v === undefined || l === undefined) throw new Error('missing timings')
      if (v.signatures !== TXS * 3) throw new Error(`expected ${TXS * 3} signatures in the batch, got ${v.signatures}`)
      sum.block += v.blockMs; sum.parse += v.parseMs; sum.sig += v.signatureMs; sum.policy += v.policyMs; sum.mvcc += v.mvccMs
      sum.prepare += l.prepareMs; sum.idb += l.writeMs
    }
    await ledger.close()

    const per = (x: number): number => round(x / TIMED_BLOCKS)
    report({ name: 'commit_pipeline_tx_per_s', value: round(TIMED_BLOCKS * TXS / (timedMs / 1000)), unit: 'tx/s' })
    report({ name: 'commit_pipeline_block_ms', value: per(timedMs), unit: 'ms' })
    report({ name: 'commit_pipeline_block_checks_ms', value: per(sum.block), unit: 'ms' })
    report({ name: 'commit_pipeline_parse_ms', value: per(sum.parse), unit: 'ms' })
    report({ name: 'commit_pipeline_sig_ms', value: per(sum.sig), unit: 'ms' })
    report({ name: 'commit_pipeline_policy_ms', value: per(sum.policy), unit: 'ms' })
    report({ name: 'commit_pipeline_mvcc_ms', value: per(sum.mvcc), unit: 'ms' })
    report({ name: 'commit_pipeline_ledger_prepare_ms', value: per(sum.prepare), unit: 'ms' })
    report({ name: 'commit_pipeline_idb_ms', value: per(sum.idb), unit: 'ms' })
  }
}
