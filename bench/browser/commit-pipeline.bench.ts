/**
 * The committing peer's whole pipeline in Chromium on real IndexedDB: blocks of 500 endorser
 * transactions, each endorsed by 2 of 2 orgs (real P-256 signatures from src/msp identities,
 * made before timing), 2 reads of committed keys + 2 writes, every block signed by an orderer;
 * validated and committed through BlockValidator + Committer + KvLedger, one block after another.
 *
 * Three fresh ledgers commit the same blocks:
 * - commit_pipeline_tx_per_s: the product configuration — blocks handed in as a deliver stream,
 *   the committer preparing the next block while one commits (pipelineDepth 2), signatures on a
 *   2-worker Web Worker pool; 8 timed blocks (all VALID).
 * - commit_pipeline_sequential_tx_per_s: one block at a time, signatures in-thread.
 * - commit_pipeline_sustained_tx_per_s: the pipeline over 24 blocks with the state DB compacting
 *   every 8 (background compaction writes one IndexedDB record per written key): the rate a peer
 *   keeps up, compaction included.
 * - per block, from CommittedBlock.timings of the one-at-a-time run (nothing overlapped):
 *   commit_pipeline_sig_ms (the one verifyBatch over 1,500 creator + endorsement signatures),
 *   commit_pipeline_policy_ms (duplicate-txId lookups, key-level metadata reads, policies),
 *   commit_pipeline_mvcc_ms (in-block passes + MVCC/phantom through mvcc-wasm, versions read from IDB),
 *   commit_pipeline_idb_ms (the ledger's one IndexedDB write transaction),
 *   plus parse (decode, identities, txId hashes), block checks (data hash, orderer signature) and
 *   ledger prepare; and for the pipeline, the signature latency on the pool and how long the
 *   committing thread still waited for it.
 */
import { round, type BenchSuite } from '../harness.js'
import { Committer, ledgerCommittedState, type CommittedBlock } from '../../src/committer/index.js'
import { createBrowserVerifierPool } from '../../src/crypto/verifier-pool/browser.js'
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
import { benchWorkerUrl } from './worker-entry.js'

const TXS = 500
const WARMUP_BLOCKS = 1
const TIMED_BLOCKS = 8
/** The sustained run: this many blocks with the state DB compacting every COMPACT_EVERY blocks. */
const SUSTAINED_BLOCKS = 24
const COMPACT_EVERY = 8
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
    'commit_pipeline_ledger_prepare_ms', 'commit_pipeline_sequential_tx_per_s', 'commit_pipeline_sequential_block_ms', 'commit_pipeline_sustained_tx_per_s',
    'commit_pipeline_pooled_sig_ms', 'commit_pipeline_pooled_sig_wait_ms', 'commit_pipeline_pool_workers'
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
    for (let b = 1; b <= WARMUP_BLOCKS + SUSTAINED_BLOCKS; b++) {
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

    // Two peers' ledgers commit the same blocks: the product configuration (pipelined committer,
    // signatures on the Web Worker pool) and the plain one (one block at a time, in-thread).
    const pool = createBrowserVerifierPool({ workerUrl: benchWorkerUrl, minGain: 0 })
    pool.start()
    const run = async (name: string, pipelined: boolean, count = TIMED_BLOCKS, compactAfterBlocks?: number): Promise<{ ms: number, blocks: CommittedBlock[] }> => {
      const ledger = await KvLedger.open({
        channelId: CHANNEL,
        storage: idbKvStoreFactory({ namePrefix: `${name}-` }),
        ...(compactAfterBlocks === undefined ? {} : { stateDb: { compactAfterBlocks } })
      })
      await ledger.commit(seed, new Array<number>(seed.data?.data.length ?? 0).fill(0))
      const validator = new BlockValidator({
        channelId: CHANNEL, msps, state: ledgerCommittedState(ledger), policyFor: async (ns) => ns === NS ? ccPolicy : undefined, blockValidation,
        ...(pipelined ? { verifier: pool } : {})
      })
      const committer = new Committer(ledger, validator, { pipelineDepth: pipelined ? 2 : 1 })
      const check = (committed: CommittedBlock): CommittedBlock => {
        const invalid = committed.txs.filter((tx) => tx.code !== 0)
        if (invalid.length > 0) throw new Error(`${name} block ${committed.blockNum}: ${invalid.length} invalid transactions (first: ${invalid[0]?.code} ${invalid[0]?.reason ?? ''})`)
        if (committed.timings?.validation?.signatures !== TXS * 3) throw new Error(`expected ${TXS * 3} signatures in the batch, got ${committed.timings?.validation?.signatures}`)
        return committed
      }
      for (const block of blocks.slice(0, WARMUP_BLOCKS)) check(await committer.commitBlock(block))
      const timed = blocks.slice(WARMUP_BLOCKS, WARMUP_BLOCKS + count)
      const start = performance.now()
      // Pipelined: the blocks arrive as a deliver stream would hand them over; plain: one by one.
      const committed = pipelined
        ? await Promise.all(timed.map(async (block) => check(await committer.commitBlock(block))))
        : await timed.reduce<Promise<CommittedBlock[]>>(async (acc, block) => [...await acc, check(await committer.commitBlock(block))], Promise.resolve([]))
      const ms = performance.now() - start
      await ledger.close()
      return { ms, blocks: committed }
    }
    const plain = await run('plain', false)
    const piped = await run('pipelined', true)
    // Long enough that the state DB's background compaction (one IndexedDB put per written key)
    // runs three times inside the timed window: the rate a peer keeps up, not a burst.
    const sustained = await run('sustained', true, SUSTAINED_BLOCKS, COMPACT_EVERY)
    pool.close()

    const per = (x: number): number => round(x / TIMED_BLOCKS)
    const sum = (blocks: CommittedBlock[], pick: (t: NonNullable<CommittedBlock['timings']>) => number | undefined): number =>
      per(blocks.reduce((acc, b) => acc + (b.timings === undefined ? 0 : pick(b.timings) ?? 0), 0))
    const txPerS = (ms: number): number => round(TIMED_BLOCKS * TXS / (ms / 1000))
    report({ name: 'commit_pipeline_tx_per_s', value: txPerS(piped.ms), unit: 'tx/s' })
    report({ name: 'commit_pipeline_sequential_tx_per_s', value: txPerS(plain.ms), unit: 'tx/s' })
    report({ name: 'commit_pipeline_sustained_tx_per_s', value: round(SUSTAINED_BLOCKS * TXS / (sustained.ms / 1000)), unit: 'tx/s' })
    report({ name: 'commit_pipeline_block_ms', value: per(piped.ms), unit: 'ms' })
    report({ name: 'commit_pipeline_sequential_block_ms', value: per(plain.ms), unit: 'ms' })
    // The breakdown of the one-block-at-a-time run: each phase's own cost, nothing overlapped.
    report({ name: 'commit_pipeline_block_checks_ms', value: sum(plain.blocks, (t) => t.validation?.blockMs), unit: 'ms' })
    report({ name: 'commit_pipeline_parse_ms', value: sum(plain.blocks, (t) => t.validation?.parseMs), unit: 'ms' })
    report({ name: 'commit_pipeline_sig_ms', value: sum(plain.blocks, (t) => t.validation?.signatureMs), unit: 'ms' })
    report({ name: 'commit_pipeline_policy_ms', value: sum(plain.blocks, (t) => t.validation?.policyMs), unit: 'ms' })
    report({ name: 'commit_pipeline_mvcc_ms', value: sum(plain.blocks, (t) => t.validation?.mvccMs), unit: 'ms' })
    report({ name: 'commit_pipeline_ledger_prepare_ms', value: sum(plain.blocks, (t) => t.ledger?.prepareMs), unit: 'ms' })
    report({ name: 'commit_pipeline_idb_ms', value: sum(plain.blocks, (t) => t.ledger?.writeMs), unit: 'ms' })
    // In the pipeline, the signatures run on the workers: what the committing thread still waited.
    report({ name: 'commit_pipeline_pooled_sig_ms', value: sum(piped.blocks, (t) => t.validation?.signatureMs), unit: 'ms' })
    report({ name: 'commit_pipeline_pooled_sig_wait_ms', value: sum(piped.blocks, (t) => t.validation?.signatureWaitMs), unit: 'ms' })
    report({ name: 'commit_pipeline_pool_workers', value: pool.workers, unit: 'workers' })
  }
}
